"""The original excerpt: the solo window of the source MIDI file (melody and accompaniment) as its own MIDI file.

What a listener compares the generated solo against: the stretch the model learned from (the course's
``getElementsByOffset(476, 548)`` of the Guitar solo and the Piano, Bass, Trumpet and French Horn parts on the
Metheny file), cut from the raw MIDI events with ``mido`` -- no music21 quantization, so it sounds as the
file does. Every note that starts in the window (both ends included, as the corpus counts them) is kept with
its own length and velocity (a note counts as in the window when its quantized onset is, as in the corpus); the tempo, time and key signature in force at the window's start, each track's
program, and the controller and pitch-bend state are carried to its start, and the controllers and bends
inside the window are kept. Not in the course, which played only its generated solo.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from shared.run.io import atomic_path

from .io import parse_midi, quantize_value, read_midi

CONDUCTOR = ("set_tempo", "time_signature", "key_signature")


def _absolute(track) -> list[tuple[int, object]]:
    tick, events = 0, []
    for msg in track:
        tick += msg.time
        events.append((tick, msg))
    return events


def _state_key(msg) -> tuple | None:
    """Which running state an event sets (so only the last one before the window is carried), or None."""
    if msg.type in CONDUCTOR:
        return (msg.type,)
    if msg.type == "program_change":
        return ("program", msg.channel)
    if msg.type == "control_change":
        return ("control", msg.channel, msg.control)
    if msg.type == "pitchwheel":
        return ("pitch", msg.channel)
    return None


def _cut(events: list[tuple[int, object]], start: int, end: int, in_window=None) -> list[tuple[int, object]]:
    """The events of one track for the window [start, end] ticks, shifted to start at 0 (unsorted).

    ``in_window(tick, note)`` decides which note-ons are kept (default: ``start <= tick <= end``)."""
    in_window = in_window or (lambda tick, note: start <= tick <= end)
    state: dict[tuple, tuple[int, object]] = {}  # the last event of each kind before the window
    kept: list[tuple[int, object]] = []
    sounding: dict[tuple[int, int], list[bool]] = {}  # (channel, note) -> FIFO of "this note is kept"
    last_off = end
    for tick, msg in events:
        if msg.type == "note_on" and msg.velocity > 0:
            keep = in_window(tick, msg.note)
            sounding.setdefault((msg.channel, msg.note), []).append(keep)
            if keep:  # a note played a little early (quantized into the window) starts at 0
                kept.append((max(tick - start, 0), msg))
        elif msg.type in ("note_off", "note_on"):
            queue = sounding.get((msg.channel, msg.note))
            if queue and queue.pop(0):
                kept.append((max(tick - start, 0), msg))
                last_off = max(last_off, tick)
        elif msg.is_meta and msg.type not in CONDUCTOR:
            continue  # names, markers, end of track: written afresh
        elif (key := _state_key(msg)) is not None and tick < start:
            state[key] = (tick, msg)
        elif start <= tick:
            kept.append((tick - start, msg))
    kept = [(t, m) for t, m in kept if t <= last_off - start]  # controllers after the last note-off go
    carried = [(0, msg) for _, msg in sorted(state.values(), key=lambda e: e[0])]  # in their original order
    return carried + kept


def write_excerpt(source: str | os.PathLike, path: str | os.PathLike, parts: Sequence[str],
                  window: tuple[float, float], quantize_divisors: tuple[int, ...] = (4, 3)) -> Path:
    """Write the window ``[start, end]`` (quarter notes) of the named parts of ``source`` to ``path`` (atomically).

    ``parts`` (the melody first, then the accompaniment) are found as the corpus finds them (track name, else
    General MIDI family; ``#N:top`` keeps only the top line's notes); the result is a type-1 file with the
    source's resolution: a conductor track, a track "melody" and a track "chords" (the accompaniment's parts
    together, each on its own channel).
    """
    import mido

    data = read_midi(source)  # the corpus's checks and part lookup (one-line errors)
    midi = parse_midi(source)  # the same parse (remembered), with every event
    tpq = data.ticks_per_quarter
    start, end = (round(w * tpq) for w in window)

    def in_window(part):
        notes = {(m.tick, m.note) for m in part.messages if m.is_note_on and m.velocity > 0}
        return lambda tick, note: ((tick, note) in notes
                                   and window[0] <= quantize_value(tick / tpq, tuple(quantize_divisors)) <= window[1])

    conductor = [(t, m) for track in midi.tracks for t, m in _absolute(track) if m.type in CONDUCTOR]
    chosen = list(dict.fromkeys(data.find_part(name) for name in parts))
    out = mido.MidiFile(type=1, ticks_per_beat=tpq)
    out.tracks.append(_track("original excerpt", _cut(sorted(conductor, key=lambda e: e[0]), start, end)))
    for role, members in (("melody", chosen[:1]), ("chords", chosen[1:])):
        kept = []
        for part in members:
            events = _absolute(midi.tracks[part.index])
            if part.channel is not None:  # one channel of a multi-channel track: its own channel's events only
                events = [(t, m) for t, m in events if getattr(m, "channel", part.channel) == part.channel]
            kept += _cut(events, start, end, in_window(part))
        out.tracks.append(_track(role, kept))
    with atomic_path(path) as tmp:
        out.save(tmp)
    return Path(path)


def _rank(msg) -> int:
    """Order at one tick: note-offs first, then state (tempo, program, controllers), then note-ons."""
    if msg.type == "note_off" or (msg.type == "note_on" and msg.velocity == 0):
        return 0
    return 2 if msg.type == "note_on" else 1


def _track(name: str, events: list[tuple[int, object]]):
    import mido

    track = mido.MidiTrack([mido.MetaMessage("track_name", name=name, time=0)])
    now = 0
    for tick, msg in sorted(events, key=lambda e: (e[0], _rank(e[1]))):
        track.append(msg.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track
