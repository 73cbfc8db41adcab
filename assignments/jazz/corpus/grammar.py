"""The course's melody grammar (deepjazz's ``parse_melody``), written afresh on music21 10's theory classes.

Each melody element of a measure becomes one token ``"T,dur"`` or ``"T,dur,<up,down>"``:

- ``T`` -- ``R`` rest, ``C`` chord tone, ``S`` scale tone, ``A`` approach tone (a chord tone +-1 semitone),
  ``X`` anything else; classified against the last chord that started at or before the element;
- ``dur`` -- the element's own quarterLength as ``%.3f`` (0.250, 0.333, ...);
- ``<up,down>`` -- for the 2nd and later *notes* of a measure: the interval from the previous note, plus and
  minus a minor third, as music21 ``directedName`` (``<m2,P-4>``). Rests neither carry nor reset it.

Differences from the course code: inputs are plain values (pitch names, offsets,
:class:`~assignments.jazz.midi.notes.Chord` s) rather than deep-copied music21 streams; the expensive music21 results
(scale derivation, intervals) are memoised, and the tonic search of music21's ``derive()`` is done arithmetically
(checked against music21 in the tests), so a corpus takes a fraction of a second instead of several. The
classification helpers are public, because the inverse direction (turning tokens back into notes) needs the same
notion of chord, scale and approach tones. Pitch spelling and classes come from :mod:`~assignments.jazz.midi.notes`.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Sequence

from ..midi.notes import music21, pitch_class, pitch_class_name

TYPES = ("C", "S", "A", "X", "R")


@lru_cache(maxsize=None)
def _chord(pitches: tuple[str, ...]):
    m21 = music21()
    return m21.chord.Chord([m21.pitch.Pitch(p) for p in pitches])


@lru_cache(maxsize=None)
def _chord_quality(pitches: tuple[str, ...]) -> str:
    """Cached :func:`chord_quality` (hashable argument)."""
    return _chord(tuple(pitches)).quality


def chord_quality(pitches: Sequence[str]) -> str:
    """music21's ``Chord.quality`` ('major', 'minor', 'diminished', 'augmented' or 'other')."""
    return _chord_quality(tuple(pitches))


@lru_cache(maxsize=None)
def _chord_pitch_names(pitches: tuple[str, ...]) -> tuple[str, ...]:
    """Cached :func:`chord_pitch_names` (hashable argument)."""
    return tuple(p.name for p in _chord(tuple(pitches)).pitches)


def chord_pitch_names(pitches: Sequence[str]) -> tuple[str, ...]:
    """The chord's pitch names without octave (``Chord.pitchNames``)."""
    return _chord_pitch_names(tuple(pitches))


# music21's IntervalNetwork.find() tries these tonics (in this order) when it derives a scale.
SCALE_STARTS = ("C", "C#", "D-", "D", "D#", "E-", "E", "F", "F#", "G", "G#", "A", "B-", "B", "C-")
_START_PS = {"C-": 59, "C": 60, "C#": 61, "D-": 61, "D": 62, "D#": 63, "E-": 63, "E": 64, "F": 65, "F#": 66,
             "G": 67, "G#": 68, "A": 69, "B-": 70, "B": 71}
SCALE_STEPS = {"major": (0, 2, 4, 5, 7, 9, 11), "dorian": (0, 2, 3, 5, 7, 9, 10)}


def scale_kind(pitches: Sequence[str]) -> str:
    """The course's scale family for a chord: 'major' for a major chord, else 'dorian'."""
    return "major" if chord_quality(tuple(pitches)) == "major" else "dorian"


def derive_tonic(pitches: Sequence[str], kind: str) -> str:
    """The tonic ``MajorScale().derive(chord)`` / ``DorianScale().derive(chord)`` picks, without building scales.

    music21 realizes the scale on each of :data:`SCALE_STARTS`, counts the chord's distinct pitch classes it
    contains, sorts ``(count, Pitch)`` ascending -- enharmonic starts compare equal, so the sort keeps their order
    -- and takes the last entry: most matches, then the highest start (octave 4), then the later of two
    enharmonic spellings. ``get_scale`` uses this and is checked against music21's ``derive`` in the tests.
    """
    classes = {pitch_class(p) for p in pitches}
    steps = SCALE_STEPS[kind]
    best = None
    for index, start in enumerate(SCALE_STARTS):
        members = {(_START_PS[start] + step) % 12 for step in steps}
        key = (len(classes & members), _START_PS[start], index)
        if best is None or key > best[0]:
            best = (key, start)
    return best[1]


@lru_cache(maxsize=None)
def scale_names(kind: str, tonic: str) -> frozenset[str]:
    """Pitch names (no octave) of music21's ``MajorScale(tonic)`` or ``DorianScale(tonic)``."""
    scale = music21().scale
    concrete = (scale.MajorScale if kind == "major" else scale.DorianScale)(tonic)
    return frozenset(p.name for p in concrete.getPitches())


@lru_cache(maxsize=None)
def _get_scale(pitches: tuple[str, ...]) -> frozenset[str]:
    """Cached :func:`get_scale` (hashable argument)."""
    kind = scale_kind(pitches)
    return scale_names(kind, derive_tonic(pitches, kind))


def get_scale(pitches: Sequence[str]) -> frozenset[str]:
    """Pitch names (no octave) of the course's scale for a chord.

    The course: ``MajorScale().derive(chord)`` for a major chord, ``DorianScale().derive(chord)`` otherwise.
    ``derive`` returns the scale of that kind holding the most chord tones, on ties the one with the highest
    tonic -- not necessarily the one on the chord's root (a C major triad gives G major).
    """
    return _get_scale(tuple(pitches))


def derive_scale_music21(pitches: Sequence[str]) -> frozenset[str]:
    """The course's own (slow) computation of :func:`get_scale`, with music21's ``derive``; for checking."""
    scale = music21().scale
    kind = scale.MajorScale() if scale_kind(pitches) == "major" else scale.DorianScale()
    return frozenset(p.name for p in kind.derive(_chord(tuple(pitches))).getPitches())


@lru_cache(maxsize=None)
def _approach_names(pitches: tuple[str, ...]) -> frozenset[str]:
    """Cached :func:`approach_names` (hashable argument)."""
    names = set()
    for p in _chord(tuple(pitches)).pitches:
        for step in (1, -1):
            moved = p.transpose(step)
            names.add(moved.name)
            names.add(moved.getEnharmonic().name)
    return frozenset(names)


def approach_names(pitches: Sequence[str]) -> frozenset[str]:
    """Names one semitone above or below a chord tone, with their enharmonics (``Pitch.transpose(+-1)``)."""
    return _approach_names(tuple(pitches))


def is_chord_tone(note_pitch: str, chord_pitches: Sequence[str]) -> bool:
    return pitch_class_name(note_pitch) in chord_pitch_names(tuple(chord_pitches))


def is_scale_tone(note_pitch: str, chord_pitches: Sequence[str]) -> bool:
    return pitch_class_name(note_pitch) in get_scale(tuple(chord_pitches))


def is_approach_tone(note_pitch: str, chord_pitches: Sequence[str]) -> bool:
    return pitch_class_name(note_pitch) in approach_names(tuple(chord_pitches))


def classify_tone(note_pitch: str | None, chord_pitches: Sequence[str]) -> str:
    """The course's type letter of a note (``nameWithOctave``; None = rest) against a chord: R, C, S, A or X."""
    if note_pitch is None:
        return "R"
    if is_chord_tone(note_pitch, chord_pitches):
        return "C"
    if is_scale_tone(note_pitch, chord_pitches):
        return "S"
    if is_approach_tone(note_pitch, chord_pitches):
        return "A"
    return "X"


@lru_cache(maxsize=None)
def interval_token(previous: str, current: str) -> str:
    """``<up,down>``: the interval previous -> current, plus and minus a minor third, as ``directedName``."""
    m21 = music21()
    interval = m21.interval
    distance = interval.Interval(pitchStart=m21.pitch.Pitch(previous), pitchEnd=m21.pitch.Pitch(current))
    upper = interval.add([distance, "m3"])
    lower = interval.subtract([distance, "m3"])
    return f"<{upper.directedName},{lower.directedName}>"


def parse_melody(measure: Iterable, chords: Sequence, measure_length: float = 4.0) -> str:
    """One measure of melody -> the course's grammar string (tokens joined by single spaces).

    ``measure``: elements with ``offset``, ``quarter_length`` and ``pitch`` (nameWithOctave, None = rest), in the
    order the course sees them. ``chords``: elements with ``offset`` and ``pitches`` in stream order; the last chord
    with offset <= the element's offset applies, and if there is none the first chord counts as starting at the
    measure start (the course moves it there). Offsets are absolute quarter notes.
    """
    elements = list(measure)
    if not elements:
        return ""
    if not chords:
        raise ValueError("parse_melody needs at least one chord")
    measure_start = elements[0].offset - (elements[0].offset % measure_length)
    chord_offsets = [c.offset for c in chords]
    first_moved = False
    terms = []
    previous = None
    for element in elements:
        applicable = [k for k, o in enumerate(chord_offsets) if o <= element.offset]
        if not applicable and not first_moved:
            chord_offsets[0] = measure_start  # the course mutates the first chord's offset
            first_moved = True
            applicable = [k for k, o in enumerate(chord_offsets) if o <= element.offset]
        last_chord = chords[applicable[-1]]
        letter = classify_tone(element.pitch, last_chord.pitches)
        term = "%s,%.3f" % (letter, float(element.quarter_length))
        if element.pitch is not None:
            if previous is not None:
                term += "," + interval_token(previous, element.pitch)
            previous = element.pitch
        terms.append(term)
    return " ".join(terms)
