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

Differences:
- All randomness comes from a ``random.Random`` passed in (``--seed``), never the global ``random``,
  so the same seed and weights give a byte-identical MIDI file.
- The course picks a scale tone from ``list(set(pitches))``; the order of that set changes between
  Python processes (music21 hashes pitches with their accidental objects), so even a seeded run
  would differ. Here the candidates keep the scale's own order (duplicates dropped).
- Chords are rebuilt from the corpus's :class:`~assignments.jazz.midi.notes.Chord` s (source
  velocities kept, as in the course's file). A chord group without chords borrows the last chord
  heard before it, and an interval token with no previous note is read as a plain one (the course
  would crash on either; neither happens on the Metheny corpus).
- The predicted values come from any ``sample(Ty, chunk) -> indices`` function: the course's
  greedy ``predict_and_sample`` gives the same values to every chunk; a seeded sampler gives each
  chunk its own.
"""
from __future__ import annotations

import os
import random
from dataclasses import dataclass, field, replace
from itertools import zip_longest
from pathlib import Path
from typing import Callable, Sequence

from shared.run.io import atomic_path

from ..corpus import grammar
from ..midi.notes import Chord, Note, Passage, music21

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


def _fits(kind: str, candidate, chord_pitches: tuple[str, ...]) -> bool:
    name = candidate.nameWithOctave
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
                if _fits(terms[0], candidate, chord_pitches):
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
