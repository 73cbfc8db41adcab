"""From predicted values to a MIDI solo: the course's post-processing and the solo it writes.

Course (2021 ``data_utils.generate_music`` with deepjazz's ``grammar.unparse_grammar`` and ``qa.py``):
five chunks over chord groups 1..5 (``range(1, int(len(chords) / 3))``); each chunk is
``'C,0.25 '`` + the predicted values, ``A``/``X`` turned into ``C``, then ``prune_grammar``
(durations rounded to 0.25, randomly down or up), ``unparse_grammar`` (tokens -> notes against the
chunk's chords), ``prune_notes`` and ``clean_up_notes``; the notes and the chords go into one stream
at 4 beats per chunk, 130 bpm, written as MIDI.

:func:`improvise` is that loop; the course's own ``generate_music(inference_model, indices_values, chords,
diversity=0.5)`` is in :mod:`~assignments.jazz.course`, on top of it. ``prune_grammar``, ``unparse_grammar``,
``prune_notes`` and ``clean_up_notes`` keep the course's names (qa.py / grammar.py) and take the random
generator as an extra argument.

All randomness comes from a ``random.Random`` passed in (``--seed``); the values come from any
``sample(Ty, chunk) -> indices``. How this differs from the course's code: the jazz README. :func:`play_solo` is
the project's default layout: one line over every chord group (see its docstring).
"""
from __future__ import annotations

import os
import random
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from itertools import zip_longest
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from shared.run.io import atomic_path

from ..corpus import grammar
from ..midi.notes import Chord, Note, Passage, music21, pitch_name

FIRST_TOKEN = "C,0.25"   # the course starts every chunk with a quarter-beat chord tone
CHUNK_BEATS = 4.0        # curr_offset += 4.0
PROGRESS_VALUES = 2_000  # a solo of at least this many predicted values shows a progress bar


# ------------------------------------------------------------------------------------------ qa.py


def _round_up_down(num: float, mult: float, up_down: int) -> float:
    down = float(num) - (float(num) % mult)
    return down if up_down < 0 else down + mult


def prune_grammar(curr_grammar: str, rng: random.Random) -> str:
    """Round every duration to a multiple of 0.25, randomly down or up ("up" adds 0.25 even when exact)."""
    pruned = curr_grammar.split(" ")
    for ix, gram in enumerate(pruned):
        terms = gram.split(",")
        terms[1] = str(_round_up_down(float(terms[1]), 0.250, rng.choice([-1, 1])))
        pruned[ix] = ",".join(terms)
    return " ".join(pruned)


def prune_notes(curr_notes) -> list:
    """In non-overlapping pairs (0, 1), (2, 3), ...: drop the second of two Notes with the same pitch."""
    note = music21().note
    elements = list(curr_notes)
    snapshot = list(elements)  # the course iterates a snapshot of the stream while removing from it
    args = [iter(snapshot)] * 2
    for n1, n2 in zip_longest(*args, fillvalue=None):
        if n2 is None:
            continue
        if isinstance(n1, note.Note) and isinstance(n2, note.Note) and n1.nameWithOctave == n2.nameWithOctave:
            elements.remove(n2)
    return elements


def clean_up_notes(curr_notes: Sequence) -> list:
    """Zero lengths become 0.25; a Note starting where the previous element starts is dropped."""
    note = music21().note
    remove = set()
    for ix, m in enumerate(curr_notes):
        if m.quarterLength == 0.0:
            m.quarterLength = 0.250
        if ix < len(curr_notes) - 1:
            if m.offset == curr_notes[ix + 1].offset and isinstance(curr_notes[ix + 1], note.Note):
                remove.add(ix + 1)
    return [m for ix, m in enumerate(curr_notes) if ix not in remove]


# ------------------------------------------------------------------------------------------ grammar.py (unparse)

_SCALE_CACHE: dict[tuple[str, ...], list[str]] = {}


def _pitches(chord_obj) -> tuple[str, ...]:
    return tuple(p.nameWithOctave for p in chord_obj.pitches)


def generation_scale(pitches: tuple[str, ...]) -> list[str]:
    """The scale ``__generate_scale_tone`` draws from: ``MajorScale`` for a major chord, else
    ``WeightedHexatonicBlues``, derived from the chord; names in scale order, without repeats."""
    if pitches not in _SCALE_CACHE:
        m21 = music21()
        scale = m21.scale
        kind = scale.MajorScale() if grammar.chord_quality(pitches) == "major" else scale.WeightedHexatonicBlues()
        derived = kind.derive(m21.chord.Chord([m21.pitch.Pitch(p) for p in pitches]))
        names = []
        for p in derived.getPitches():
            if p.name not in names:
                names.append(p.name)
        _SCALE_CACHE[pitches] = names
    return _SCALE_CACHE[pitches]


def _generate_chord_tone(last_chord, rng: random.Random):
    return music21().note.Note(rng.choice([p.nameWithOctave for p in last_chord.pitches]))


def _generate_scale_tone(last_chord, rng: random.Random):
    name = rng.choice(generation_scale(_pitches(last_chord)))
    octave = rng.choice([p.octave for p in last_chord.sortAscending().pitches])
    return music21().note.Note(f"{name}{octave}")


def _generate_approach_tone(last_chord, rng: random.Random):
    return _generate_scale_tone(last_chord, rng).transpose(rng.choice([1, -1]))


def _fits(kind: str, name: str, chord_pitches: tuple[str, ...]) -> bool:
    """Whether the pitch ``name`` (``"E-4"``) is of the token's kind: a chord (C), scale (S) or approach (A) tone."""
    if kind == "C":
        return grammar.is_chord_tone(name, chord_pitches)
    if kind == "S":
        return grammar.is_scale_tone(name, chord_pitches)
    return grammar.is_approach_tone(name, chord_pitches)


def unparse_grammar(m1_grammar: str, m1_chords, rng: random.Random):
    """Tokens -> a Voice of notes and rests against the chunk's chords (deepjazz ``unparse_grammar``).

    Each element is placed AFTER adding its own duration to the running offset (the course's order).
    A token without an interval draws a chord/scale/approach tone (octave >= 4); one with
    ``<up,down>`` picks a matching tone between ``prev + down`` and ``prev + up`` other than the
    previous pitch, or ``prev +- 2`` semitones when none matches (octave >= 3).
    """
    m21 = music21()
    interval, note = m21.interval, m21.note
    elements = m21.stream.Voice()
    curr_offset = 0.0
    prev = None
    for token in m1_grammar.split(" "):
        terms = token.split(",")
        curr_offset += float(terms[1])
        if terms[0] == "R":
            elements.insert(curr_offset, note.Rest(quarterLength=float(terms[1])))
            continue
        try:
            last_chord = [n for n in m1_chords if n.offset <= curr_offset][-1]
        except IndexError:
            m1_chords[0].offset = 0.0
            last_chord = [n for n in m1_chords if n.offset <= curr_offset][-1]
        if len(terms) == 2 or prev is None:
            if terms[0] == "C":
                insert = _generate_chord_tone(last_chord, rng)
            elif terms[0] == "S":
                insert = _generate_scale_tone(last_chord, rng)
            else:
                insert = _generate_approach_tone(last_chord, rng)
            insert.quarterLength = float(terms[1])
            if insert.octave < 4:
                insert.octave = 4
        else:
            interval1 = interval.Interval(terms[2].replace("<", ""))
            interval2 = interval.Interval(terms[3].replace(">", ""))
            upper, lower = (interval1, interval2) if interval1.cents > interval2.cents else (interval2, interval1)
            low = interval.transposePitch(prev.pitch, lower)
            high = interval.transposePitch(prev.pitch, upper)
            chord_pitches = _pitches(last_chord)
            relevant = []
            for i in range(int(high.ps - low.ps + 1)):
                candidate = note.Note(low.transpose(i).simplifyEnharmonic())
                if _fits(terms[0], candidate.nameWithOctave, chord_pitches):
                    relevant.append(candidate)
            if len(relevant) > 1:
                insert = rng.choice([n for n in relevant if n.nameWithOctave != prev.nameWithOctave])
            elif len(relevant) == 1:
                insert = relevant[0]
            else:
                insert = prev.transpose(rng.choice([-2, 2]))
            if insert.octave < 3:
                insert.octave = 3
            insert.quarterLength = float(terms[1])
        elements.insert(curr_offset, insert)
        prev = insert
    return elements


# ------------------------------------------------------------------------------------------ the solo


def to_chord(event: Chord):
    """A music21 Chord from a corpus :class:`~assignments.jazz.midi.notes.Chord`, with the source velocities when known."""
    result = music21().chord.Chord(list(event.pitches), quarterLength=event.quarter_length)
    if event.velocities is not None:
        for sounding, velocity in zip(result.notes, event.velocities):
            sounding.volume.velocity = velocity
    return result


MAX_CHUNKS = 100
"""The most chunks one solo has (400 beats): the course's rule gives a chunk per three measures of the window,
so a whole long piece as window would improvise for many minutes (Metheny's window gives 5)."""


def chunk_groups(n_groups: int, max_chunks: int | None = MAX_CHUNKS) -> list[int]:
    """Chord groups the solo walks through: the course's ``range(1, int(len(chords) / 3))``
    (groups 1..5 for Metheny's 19), at least one group for a short file, at most ``max_chunks``."""
    groups = list(range(1, int(n_groups / 3)))
    if not groups:
        groups = [1] if n_groups > 1 else [0]
    return groups if max_chunks is None else groups[:max_chunks]


def predicted_grammar(indices: Sequence[int], indices_values: dict[int, str]) -> str:
    """``'C,0.25 '`` + the values, with approach (``A``) and arbitrary (``X``) tones made chord tones."""
    predicted = " ".join([FIRST_TOKEN] + [indices_values[int(p)] for p in indices])
    return predicted.replace(" A", " C").replace(" X", " C")


@dataclass
class Solo:
    """What :func:`improvise` produced."""

    stream: object                                              # music21 Stream (notes, chords, tempo)
    tokens: list[list[str]] = field(default_factory=list)      # per chunk: the predicted values
    music: Passage = field(default_factory=Passage)             # its melody notes and chords, in beats
    counts: list[int] = field(default_factory=list)            # Notes per chunk (the course's printout)
    groups: list[int] = field(default_factory=list)            # chord group of each chunk


PIANO_RANGE = (21, 108)  # A0..C8


def fold_pitch(midi: int, low: int, high: int) -> int:
    """``midi`` moved by whole octaves into ``[low, high]``; for a range narrower than the pitch class allows,
    the octave nearest the range, then the nearer end of the range (so the result always lies inside it)."""
    while midi > high and midi - 12 >= 0:
        midi -= 12
    while midi < low and midi + 12 <= 127:
        midi += 12
    if midi > high:  # the pitch class does not fit between low and high: the nearer of its neighbours, clipped
        midi = high if midi - high <= low - (midi - 12) else low
    return min(max(midi, low), high)


def fold_range(low: int, high: int) -> tuple[int, int]:
    """The range notes are folded into: the training melody's ``[low, high]`` within the piano's A0..C8."""
    low, high = max(low, PIANO_RANGE[0]), min(high, PIANO_RANGE[1])
    return (low, high) if low <= high else PIANO_RANGE


def improvise(sample: Callable[[int, int], Sequence[int]], indices_values: dict[int, str],
              chords: Sequence[Sequence[Chord]], rng: random.Random, Ty: int = 50, bpm: float = 130.0,
              quiet: bool = False, pitch_range: tuple[int, int] | None = None) -> Solo:
    """The course's ``generate_music`` loop: ``sample(Ty, chunk)`` -> value indices for each chunk.

    ``chords`` are the corpus's chord groups; ``rng`` drives every random choice of the post-processing.
    Prints what the course prints (up to the MIDI file) unless ``quiet``. With ``pitch_range`` (MIDI numbers,
    not in the course) every generated note is folded into it by octaves (:func:`fold_pitch`) after the
    course's pruning; without it the notes are the course's, unbounded.
    """
    m21 = music21()
    note = m21.note
    out_stream = m21.stream.Stream()
    curr_offset = 0.0
    solo = Solo(stream=out_stream)
    if not quiet:
        print("Predicting new values for different set of chords.")
    previous_chords = [c for group in chords for c in group][:1]
    groups = chunk_groups(len(chords))
    bar = None
    if Ty * len(groups) >= PROGRESS_VALUES and not quiet:  # a long solo: a bar on stderr (terminals only)
        from shared.run.console import progress

        bar = progress(len(groups), quiet, desc="improvising", unit="chunk")
    for chunk, i in enumerate(groups):
        if bar is not None:
            bar.update(1)
        group = list(chords[i]) if i < len(chords) else []
        if not group:
            group = [replace(previous_chords[-1], offset=4.0 * i)] if previous_chords else []
        if not group:
            raise ValueError("the chord part has no chords in the solo window")
        previous_chords = group
        curr_chords = m21.stream.Voice()
        for event in group:
            curr_chords.insert(event.offset % 4, to_chord(event))
        indices = [int(p) for p in sample(Ty, chunk)]
        solo.tokens.append([indices_values[p] for p in indices])
        predicted = prune_grammar(predicted_grammar(indices, indices_values), rng)
        sounds = unparse_grammar(predicted, curr_chords, rng)
        sounds = prune_notes(sounds)
        sounds = clean_up_notes(sounds)
        if pitch_range is not None:
            for m in sounds:
                if isinstance(m, note.Note):
                    folded = fold_pitch(m.pitch.midi, *pitch_range)
                    if folded != m.pitch.midi:
                        m.pitch.midi = folded
        count = len([k for k in sounds if isinstance(k, note.Note)])
        solo.counts.append(count)
        solo.groups.append(i)
        if not quiet:
            print(f'Generated {count} sounds using the predicted values for the set of chords ("{i}") '
                  f"and after pruning")
        for m in sounds:  # (the offset is read before the insert: afterwards it is the stream's)
            if isinstance(m, note.Note):
                solo.music.notes.append(Note(curr_offset + float(m.offset), float(m.quarterLength),
                                             m.nameWithOctave))
            out_stream.insert(curr_offset + m.offset, m)
        for mc in curr_chords:
            solo.music.chords.append(Chord(curr_offset + float(mc.offset), tuple(p.nameWithOctave for p in mc.pitches),
                                           float(mc.quarterLength)))
            out_stream.insert(curr_offset + mc.offset, mc)
        curr_offset += CHUNK_BEATS
    if bar is not None:
        bar.close()
    solo.music = Passage.of(solo.music.notes, solo.music.chords)
    out_stream.insert(0.0, m21.tempo.MetronomeMark(number=bpm))
    return solo


COURSE_TICKS_PER_QUARTER = 1024  # music21 6.7 wrote 1024 ticks per beat; music21 10 defaults to 10080


def write_midi(out_stream, path: str | os.PathLike, ticks_per_quarter: int = COURSE_TICKS_PER_QUARTER) -> Path:
    """Write the stream as a MIDI file (music21 ``streamToMidiFile``), atomically.

    The file has the course file's shape: type 1, 1024 ticks per beat, a tempo/meter track and one
    note track on channel 0.
    """
    m21 = music21()
    defaults, midi = m21.defaults, m21.midi

    saved = defaults.ticksPerQuarter, defaults.ticksAtStart
    defaults.ticksPerQuarter = defaults.ticksAtStart = ticks_per_quarter  # the end-of-track delay is one beat
    try:
        mf = midi.translate.streamToMidiFile(out_stream)
    finally:
        defaults.ticksPerQuarter, defaults.ticksAtStart = saved
    mf.ticksPerQuarterNote = ticks_per_quarter
    with atomic_path(path) as tmp:
        mf.open(str(tmp), "wb")
        try:
            mf.write()
        finally:
            mf.close()
    return Path(path)


# ------------------------------------------------------------------------------------------ the solo layout (default)

MISFIT = 3.0  # semitones a pitch outside the value's tone class counts as further from its target
GROUP_BEATS = 4.0  # a chord group is one measure of the corpus (``int(offset / 4)``)


def solo_groups(n_groups_in_window: int, filled: Sequence[bool], count: int | None = None) -> list[int]:
    """The chord groups a solo plays over: every group from the first with chords to the window's last (at most
    :data:`MAX_CHUNKS`), or ``count`` groups (cycling through the progression when that is longer)."""
    first = next((i for i, f in enumerate(filled) if f), None)
    if first is None:
        raise ValueError("the chord part has no chords in the solo window")
    groups = list(range(first, n_groups_in_window))
    return groups[:MAX_CHUNKS] if count is None else [groups[k % len(groups)] for k in range(count)]


def held_chords(chords: Sequence[Sequence[Chord]], groups: Sequence[int]) -> list[Chord]:
    """The chords of ``groups``, one group after another (4 beats each), each held until the next chord starts
    (the last one until the solo ends), so a group without chords holds the chord before it."""
    placed = sorted((replace(event, offset=GROUP_BEATS * k + event.offset % GROUP_BEATS)
                     for k, i in enumerate(groups) for event in chords[i]), key=lambda c: c.offset)
    ends = [c.offset for c in placed[1:]] + [GROUP_BEATS * len(groups)]
    return [replace(c, quarter_length=end - c.offset) for c, end in zip(placed, ends) if end > c.offset]


def _interval_semitones(name: str) -> int:
    return int(music21().interval.Interval(name).semitones)


def pace(source: Sequence[str], onsets_per_beat: float) -> tuple[float, float]:
    """``(cap, stretch)``: a value laid end to end advances ``min(length, cap)`` beats, ``stretch`` times on average
    (:func:`melody_line`), so that a line of the ``source`` values has the source melody's ``onsets_per_beat``. The
    grammar keeps each note's length, not the time to the next note: where the source's notes overlap (chords, long
    notes under short ones) the lengths add up to more than the solo took, and the longest are capped; where gaps
    were not kept as rests, to less, and some steps are made longer by whole lengths (the rhythm stays on the
    source's grid)."""
    lengths = np.sort([float(v.split(",")[1]) for v in source])
    notes = sum(not v.startswith("R") for v in source)
    if not len(lengths) or not notes or not onsets_per_beat > 0:
        return float("inf"), 1.0
    target = notes / len(lengths) / onsets_per_beat  # the mean step that gives the source's onsets per beat
    if lengths.mean() <= target:
        return float("inf"), target / lengths.mean()
    low, high = 0.0, float(lengths[-1])
    for _ in range(40):  # bisection on the cap: mean(min(lengths, cap)) grows with it
        cap = (low + high) / 2
        low, high = (cap, high) if np.minimum(lengths, cap).mean() < target else (low, cap)
    return high, 1.0


def interval_bounds(token: str) -> tuple[int, int] | None:
    """The ``<up,down>`` bounds of a value, in semitones ``(low, high)``; None for a value without them."""
    terms = token.split(",")
    return tuple(sorted(_interval_semitones(b.strip("<>")) for b in terms[2:])) if len(terms) == 4 else None


def melody_line(tokens: Sequence[str], chords: Sequence[Chord], span: float, rng: random.Random,
                pitch_range: tuple[int, int], step: tuple[float, float] = (float("inf"), 1.0),
                moves: Sequence[float] = ()) -> list[Note]:
    """One monophonic line from predicted values, placed one after another from beat 0 until ``span``.

    Each value's duration is its length (rests included), and the next value starts after it (``step``: the
    ``(cap, stretch)`` of :func:`pace`: a stretch of 1.4 makes 40 % of the steps two lengths long, drawn by ``rng``);
    its tone class (A and X read as C, as the course does)
    is taken against the chord sounding at its onset. The pitch is voice-led: the pitch of ``pitch_range`` nearest to
    the previous note plus the value's move -- the middle of its ``<up,down>`` bounds, the interval the source
    played; for a value without bounds one drawn from ``moves`` (the source's, see :func:`play_solo`) -- where a
    pitch outside the tone class counts :data:`MISFIT` semitones further (ties drawn by ``rng``). A move that would
    leave ``pitch_range`` is made the other way (the line turns at its edges). A note ends where the next starts.
    """
    low, high = pitch_range
    onsets = [c.offset for c in chords]
    notes: list[Note] = []
    t, prev = 0.0, None
    for token in tokens:
        if t >= span - 1e-9:
            break
        terms = token.split(",")
        kind, length = terms[0], float(terms[1])
        if kind != "R":
            kind = "C" if kind in "AX" else kind
            chord = chords[max(bisect_right(onsets, t + 1e-9) - 1, 0)].pitches
            if prev is None:
                target = (low + high) / 2
            else:
                bounds = interval_bounds(token)
                move = sum(bounds) / 2 if bounds else (rng.choice(moves) if moves else 0)
                target = prev + move if low <= prev + move <= high else prev - move  # turned back at the edges
            cost = {p: abs(p - target) + (0 if _fits(kind, pitch_name(p), chord) else MISFIT) for p in range(low, high + 1)}
            best = min(cost.values())
            prev = rng.choice([p for p, c in cost.items() if c == best])
            notes.append(Note(t, min(length, span - t), pitch_name(prev)))
        repeat = int(step[1]) + (rng.random() < step[1] % 1)  # a stretch of 1.4: 40 % of the steps twice as long
        t += min(length, step[0]) * repeat
    return [replace(n, quarter_length=min(n.quarter_length, nxt.offset - n.offset))
            for n, nxt in zip(notes, notes[1:])] + notes[-1:]


def play_solo(sample: Callable[[int, int], Sequence[int]], indices_values: dict[int, str],
              chords: Sequence[Sequence[Chord]], rng: random.Random, Ty: int, pitch_range: tuple[int, int],
              source: Sequence[str], onsets_per_beat: float, groups: int | None = None, quiet: bool = False) -> Solo:
    """The default solo: one melody line over every chord group of the window (or ``groups`` groups), chords held.

    Chunks of ``Ty`` values (``sample(Ty, chunk)``) are laid end to end until their durations fill the
    progression; :func:`melody_line` voice-leads them over :func:`held_chords`, at the pace of the ``source``
    values (the corpus, whose melody had ``onsets_per_beat``: :func:`pace`) and with its moves (the middles of
    its ``<up,down>`` bounds) for the values that have no bounds.
    """
    walk = solo_groups(len(chords), [bool(g) for g in chords], groups)
    span = GROUP_BEATS * len(walk)
    held = held_chords(chords, walk)
    solo = Solo(stream=None, groups=walk)
    step = pace(source, onsets_per_beat)
    moves = [sum(b) / 2 for b in map(interval_bounds, source) if b]
    tokens: list[str] = []
    filled = 0.0
    while filled < span and len(solo.tokens) <= 12 * span / Ty:  # (no value is shorter than 1/12 beat)
        chunk = [indices_values[int(p)] for p in sample(Ty, len(solo.tokens))]
        solo.tokens.append(chunk)
        tokens += chunk
        filled += sum(min(float(v.split(",")[1]), step[0]) * int(step[1]) for v in chunk)  # (the shortest steps)
    notes = melody_line(tokens, held, span, rng, pitch_range, step, moves)
    solo.music = Passage.of(notes, held)
    solo.counts = [len(notes)]
    if not quiet:
        chunks = f"{len(solo.tokens)} chunk{'s' if len(solo.tokens) > 1 else ''}"
        print(f"Improvised {len(notes)} notes over chord groups {walk[0]}..{walk[-1]} ({len(walk)} groups, "
              f"{span:g} beats): {chunks} of {Ty} values laid end to end, voice-led")
    return solo


def write_tracks(music: Passage, path: str | os.PathLike, bpm: float, velocity: int = 90,
                 ticks_per_quarter: int = COURSE_TICKS_PER_QUARTER) -> Path:
    """The solo as a type-1 MIDI file: a tempo track, then tracks named "melody" (channel 1, velocity
    ``velocity``) and "chords" (channel 2, the source velocities), written atomically."""
    import mido

    def track(name: str, channel: int, events: list[tuple[float, float, int, int]]) -> mido.MidiTrack:
        ticks = sorted([(round(on * ticks_per_quarter), 1, pitch, v) for on, _, pitch, v in events] +
                       [(round((on + length) * ticks_per_quarter), 0, pitch, 0) for on, length, pitch, _ in events])
        result, now = mido.MidiTrack([mido.MetaMessage("track_name", name=name)]), 0
        for tick, is_on, pitch, v in ticks:
            result.append(mido.Message("note_on" if is_on else "note_off", channel=channel, note=pitch,
                                       velocity=v, time=tick - now))
            now = tick
        return result

    out = mido.MidiFile(type=1, ticks_per_beat=ticks_per_quarter)
    out.tracks.append(mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm))]))
    out.tracks.append(track("melody", 0, [(n.offset, n.quarter_length, n.midi, velocity) for n in music.notes]))
    out.tracks.append(track("chords", 1, [(c.offset, c.quarter_length, m, v) for c in music.chords
                                          for m, v in zip(c.midis, c.velocities or (velocity,) * len(c.midis))]))
    with atomic_path(path) as tmp:
        out.save(tmp)
    return Path(path)
