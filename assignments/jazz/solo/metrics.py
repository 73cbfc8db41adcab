"""Numbers for a solo: how the generated one compares with the training solo and the course's output.

The course only asks to listen. Here every solo is reduced to its melody notes (onset and length in beats, MIDI
pitch) and the chords under them, and measured the same way (:data:`ROWS`; each function says what it counts;
the jazz README lists them). The course's MIDI file carries melody and chords on one track:
:func:`read_solo_midi` separates them by the chord notes the course wrote. The "course output" column is there
only when the training file is the course's own (:func:`course_solo`).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

import numpy as np

from shared.run import UserError
from shared.run.io import write_text_atomic
from shared.paths import DATA_DIR
from shared.table import format_table

from .generate import chunk_groups
from ..midi.notes import Chord, Note, Passage, pitch_name

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)
COURSE_OUTPUT = "course_my_music.midi"  # the 2021 notebook's own generated solo, fetched into data/ by make data
COURSE_MIDI = "original_metheny.mid"    # the course's training file, as named in data/SHA256SUMS


def from_corpus(corpus) -> Passage:
    """The training solo: the corpus's ``melody_window`` and its chord groups, in beats from the window start."""
    chords = [c for group in corpus.chord_groups for c in group]
    return Passage.of(corpus.melody_window, chords).shifted(corpus.config.window[0])


def is_course_corpus(corpus) -> bool:
    """Whether the corpus was read from the course's own MIDI file (same sha256 as ``data/SHA256SUMS`` lists)."""
    from shared.data import read_checksums

    try:
        return corpus.source_sha256 == read_checksums().get(COURSE_MIDI)
    except UserError:  # a missing or broken checksum list only means: not known to be the course's
        return False


def course_solo(corpus) -> Passage | None:
    """The course's generated solo (``course_my_music.midi``) split into melody and chords, for the course's
    own training file; None for any other MIDI file, or when the file is not there."""
    path = DATA_DIR / COURSE_OUTPUT
    if not is_course_corpus(corpus) or not path.is_file():
        return None
    return read_solo_midi(path, chord_notes=course_chord_notes(corpus.chord_groups,
                                                                chunk_groups(len(corpus.chord_groups))))


def course_chord_notes(chord_groups, groups: Sequence[int]) -> list[tuple[float, int, int]]:
    """``(onset, pitch, velocity)`` of every chord note the course's ``generate_music`` writes for ``groups``
    (chunk k holds group ``groups[k]`` at ``4k + offset % 4``)."""
    notes = []
    for k, i in enumerate(groups):
        for event in chord_groups[i]:
            velocities = event.velocities or (None,) * len(event.pitches)
            notes += [(4.0 * k + event.offset % 4, m, v) for m, v in zip(event.midis, velocities)]
    return notes


def read_solo_midi(path: str | os.PathLike, chord_notes: Sequence[tuple[float, int, int | None]]) -> Passage:
    """Melody and chords of a MIDI file written the course's way (one track, melody and chords mixed): each note
    that matches an unused entry of ``chord_notes`` (``(onset, pitch, velocity)``, see :func:`course_chord_notes`)
    is a chord note, every other note is melody. Chord notes are grouped by onset.
    """
    from ..midi.io import read_midi

    midi = read_midi(path)
    tpq = midi.ticks_per_quarter
    sounding: dict[tuple[int, int], list[tuple[int, int]]] = {}
    events = []  # (on, off, pitch, velocity) in ticks
    for track in midi.tracks:
        for msg in track.messages:
            key = (msg.channel, msg.note)
            if msg.is_note_on and msg.velocity > 0:
                sounding.setdefault(key, []).append((msg.tick, msg.velocity))
            elif sounding.get(key):
                on, velocity = sounding[key].pop(0)
                events.append((on, msg.tick, msg.note, velocity))
    expected: dict[tuple[int, int, int | None], int] = {}
    for onset, pitch, velocity in chord_notes:
        key = (round(onset * 100), pitch, velocity)
        expected[key] = expected.get(key, 0) + 1
    melody, accompaniment = [], {}
    for on, off, pitch, velocity in sorted(events):
        onset = on / tpq
        key = next((k for k in ((round(onset * 100), pitch, velocity), (round(onset * 100), pitch, None))
                    if expected.get(k)), None)
        if key is not None:
            expected[key] -= 1
            accompaniment.setdefault(on, []).append(((off - on) / tpq, pitch))
        else:
            melody.append(Note(onset, (off - on) / tpq, pitch_name(pitch)))
    chords = [Chord(on / tpq, tuple(pitch_name(p) for p in sorted(e[1] for e in group)), max(e[0] for e in group))
              for on, group in sorted(accompaniment.items())]
    return Passage.of(melody, chords)


def pitch_class_histogram(notes: Sequence[Note]) -> np.ndarray:
    """Share of notes in each of the 12 pitch classes (12,)."""
    counts = np.bincount([n.midi % 12 for n in notes], minlength=12).astype(float)  # (12,)
    return counts / counts.sum() if counts.sum() else counts


def histogram_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Total-variation distance ``0.5 * sum |a - b|`` between two distributions."""
    return float(0.5 * np.abs(np.asarray(a) - np.asarray(b)).sum())


def scale_consistency(notes: Sequence[Note]) -> float:
    """The largest share of notes inside one of the 24 major / natural-minor scales."""
    if not notes:
        return float("nan")
    classes = np.array([n.midi % 12 for n in notes])
    best = 0.0
    for root in range(12):
        for steps in (MAJOR, MINOR):
            members = {(root + s) % 12 for s in steps}
            best = max(best, float(np.isin(classes, list(members)).mean()))
    return best


def chord_tone_rate(notes: Sequence[Note], chords: Sequence[Chord]) -> float:
    """Share of notes whose pitch class is in the last chord started at or before the note (chords sorted)."""
    if not notes or not chords:
        return float("nan")
    onsets = np.array([c.offset for c in chords])
    hits = total = 0
    for n in notes:
        index = int(np.searchsorted(onsets, n.offset + 1e-9, side="right")) - 1
        chord = chords[max(index, 0)]
        total += 1
        hits += (n.midi % 12) in {p % 12 for p in chord.midis}
    return hits / total


def note_density(notes: Sequence[Note]) -> float:
    """Onsets per beat from the first onset to the last note's end (notes starting together -- a melody part's
    chord -- count once, as a listener hears one attack)."""
    if not notes:
        return 0.0
    span = max(n.end for n in notes) - min(n.offset for n in notes)
    return len({round(n.offset, 6) for n in notes}) / span if span > 0 else float("nan")


def melody_polyphony(notes: Sequence[Note]) -> int:
    """The most notes sounding together at any note's onset (1: a single line)."""
    return max((sum(1 for m in notes if m.offset <= n.offset + 1e-9 < m.end - 1e-9) for n in notes), default=0)


def chord_coverage(notes: Sequence[Note], chords: Sequence[Chord]) -> float:
    """Share of notes whose onset lies inside a chord's span ``[offset, offset + length)``."""
    if not notes:
        return float("nan")
    return sum(any(c.offset <= n.offset + 1e-9 < c.offset + c.quarter_length for c in chords)
               for n in notes) / len(notes)


IOI_EDGES = (0, 0.15, 0.22, 0.3, 0.4, 0.55, 0.7, 0.9, 1.1, 1.6, np.inf)  # beats: 1/8 .. 1/6, 1/4, 1/3, 1/2, ...


def ioi_histogram(notes: Sequence[Note]) -> np.ndarray:
    """Share of inter-onset intervals (between distinct onsets) in each :data:`IOI_EDGES` bin."""
    gaps = np.diff(np.unique(np.round([n.offset for n in notes], 6)))
    counts = np.histogram(gaps, IOI_EDGES)[0].astype(float)
    return counts / counts.sum() if counts.sum() else counts


def interval_shares(notes: Sequence[Note]) -> tuple[float, float]:
    """``(steps, leaps)``: shares of the melody's moves (from one onset's highest note to the next's) of at most
    2 semitones / of 5 or more."""
    top: dict[float, int] = {}
    for n in notes:
        top[round(n.offset, 6)] = max(top.get(round(n.offset, 6), 0), n.midi)
    moves = np.abs(np.diff([top[t] for t in sorted(top)]))
    return (float((moves <= 2).mean()), float((moves >= 5).mean())) if len(moves) else (float("nan"),) * 2


def longest_copied_run(chunks: Sequence[Sequence[str]], corpus: Sequence[str]) -> int:
    """Longest run of consecutive values of one chunk that also appears, in order, in ``corpus``."""
    best = 0
    for tokens in chunks:
        for i in range(len(tokens)):
            for j in range(len(corpus)):
                k = 0
                while i + k < len(tokens) and j + k < len(corpus) and tokens[i + k] == corpus[j + k]:
                    k += 1
                best = max(best, k)
    return best


def solo_metrics(solo: Passage, training: Passage | None = None, course: Passage | None = None) -> dict:
    """The metrics of one solo (distances to ``training`` / ``course`` where given)."""
    pitches = [n.midi for n in solo.notes]
    hist = pitch_class_histogram(solo.notes)
    result = {
        "notes": len(solo.notes),
        "pitch_low": pitch_name(min(pitches)) if pitches else None,
        "pitch_high": pitch_name(max(pitches)) if pitches else None,
        "pitch_range": (max(pitches) - min(pitches)) if pitches else 0,
        "scale_consistency": scale_consistency(solo.notes),
        "chord_tone_rate": chord_tone_rate(solo.notes, solo.chords),
        "note_density": note_density(solo.notes),
        "melody_polyphony": melody_polyphony(solo.notes),
        "chord_coverage": chord_coverage(solo.notes, solo.chords),
    }
    result["step_share"], result["leap_share"] = interval_shares(solo.notes)
    if training is not None:
        result["pc_distance_training"] = histogram_distance(hist, pitch_class_histogram(training.notes))
        result["ioi_distance"] = histogram_distance(ioi_histogram(solo.notes), ioi_histogram(training.notes))
    if course is not None:
        result["pc_distance_course"] = histogram_distance(hist, pitch_class_histogram(course.notes))
    return result


ROWS = ("notes", "melody_polyphony", "chord_coverage", "note_density", "ioi_distance", "step_share", "leap_share",
        "pitch_low", "pitch_high", "pitch_range", "pc_distance_training", "pc_distance_course", "scale_consistency",
        "chord_tone_rate", "longest_copied_run")


def build_report(generated: Passage, training: Passage, course: Passage | None,
                 chunks: Sequence[Sequence[str]], corpus_tokens: Sequence[str], layout: str = "course") -> dict:
    """Metrics of the generated solo, the training solo and (for the course's file) the course's output."""
    columns = {"generated": solo_metrics(generated, training, course)}
    columns["generated"]["longest_copied_run"] = longest_copied_run(chunks, corpus_tokens)
    columns["generated"]["values_per_chunk"] = max((len(c) for c in chunks), default=0)
    columns["training solo"] = solo_metrics(training, training, course)
    if course is not None:
        columns["course output"] = solo_metrics(course, training, course)
    return {"columns": columns, "course_file": COURSE_OUTPUT if course is not None else None, "layout": layout}


def format_report(report: dict) -> str:
    """The report as a table: one row per metric, one column per solo ('-' where not defined)."""
    names = list(report["columns"])
    rows = []
    for key in ROWS:
        values = [report["columns"][name].get(key) for name in names]
        if all(v is None for v in values):
            continue
        rows.append([key] + ["-" if v is None else (round(v, 3) if isinstance(v, float) else v) for v in values])
    return format_table(["metric"] + names, rows)


def write_report(report: dict, path: str | os.PathLike) -> Path:
    def clean(value):
        if isinstance(value, float) and not np.isfinite(value):
            return None
        return value

    payload = {**report, "columns": {name: {k: clean(v) for k, v in col.items()}
                                     for name, col in report["columns"].items()}}
    return write_text_atomic(path, json.dumps(payload, indent=2) + "\n")
