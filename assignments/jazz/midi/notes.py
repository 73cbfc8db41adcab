"""One vocabulary of notes and pitches for the whole jazz package, and its one music21 import.

Pitches are spelled as music21 spells a MIDI note number (``Pitch(midi=n).nameWithOctave``): sharps for
C#, F#, G#, flats (``-``) for E- and B-. :func:`pitch_name`, :func:`midi_number`, :func:`pitch_class` and
:func:`pitch_class_name` are the only conversions; every module uses these.

The musical types -- what the corpus parses, what generation writes and what the metrics and the piano roll
read -- are three:

- :class:`Note`: a melody note or rest, in quarter notes (beats), its pitch as ``nameWithOctave``;
- :class:`Chord`: an accompaniment chord, its pitches in stored order, with the source velocities when known;
- :class:`Passage`: a melody with its chords -- one solo, as the metrics and the piano roll measure it.

The MIDI import keeps its own, lower-level types in :mod:`~assignments.jazz.midi.io` (``NoteMessage``,
``PairedNote``, ``Element``): they carry what only the import needs -- ticks, channels, exact ``Fraction``
offsets, voices and music21's insertion order -- and never leave it.

music21 is imported on first use through :func:`music21` (importing it costs about a second, and a corpus
loaded from the cache needs none of it). The course imported it everywhere with ``from music21 import *``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

PITCH_NAMES = ("C", "C#", "D", "E-", "E", "F", "F#", "G", "G#", "A", "B-", "B")
"""music21's spelling of the 12 pitch classes of MIDI note numbers (``Pitch(midi=n).name``)."""

_LETTER_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def pitch_name(midi: int) -> str:
    """``nameWithOctave`` of a MIDI note number, as music21 spells it: 60 -> 'C4', 63 -> 'E-4', 70 -> 'B-4'."""
    return f"{PITCH_NAMES[midi % 12]}{midi // 12 - 1}"


def pitch_class_name(name: str) -> str:
    """'E-5' -> 'E-': a pitch name without its octave (music21 ``Pitch.name``)."""
    return name.rstrip("0123456789")


def _accidental_shift(accidentals: str) -> int:
    return accidentals.count("#") - accidentals.count("-")


def pitch_class(name: str) -> int:
    """0..11 of a pitch name, with or without octave: 'E-5' -> 3, 'C#' -> 1, 'B#3' -> 0."""
    spelled = pitch_class_name(name)
    return (_LETTER_PC[spelled[0]] + _accidental_shift(spelled[1:])) % 12


def midi_number(name: str) -> int:
    """MIDI note number of a ``nameWithOctave``, as music21's ``Pitch.midi``: 'E-5' -> 75, 'C#4' -> 61,
    'B#3' -> 60; a pitch outside 0..127 is moved by octaves into it, as music21 does (and writes it to MIDI)."""
    letter, rest = name[0], name[1:]
    accidentals = len(rest) - len(rest.lstrip("#-"))
    octave = int(rest[accidentals:])
    number = 12 * (octave + 1) + _LETTER_PC[letter] + _accidental_shift(rest[:accidentals])
    if number > 127:  # music21: the top octave plus the pitch class, one octave up if that leaves room
        folded = 12 * 9 + number % 12
        return folded + 12 if folded < 127 - 12 else folded
    return number % 12 if number < 0 else number


@dataclass(frozen=True)
class Note:
    """A melody note, or a rest when ``pitch`` is None. Offsets and lengths are in quarter notes (beats)."""

    offset: float
    quarter_length: float
    pitch: str | None                # nameWithOctave (music21 spelling); None = rest
    grammar_index: int = 0           # measure of the solo window it belongs to (the corpus's grouping)
    voice: int = 1                   # music21 voice it was imported from (1 or 2; rests are voice 1)

    @property
    def is_rest(self) -> bool:
        return self.pitch is None

    @property
    def midi(self) -> int:
        """The MIDI note number (a rest has none: ValueError)."""
        if self.pitch is None:
            raise ValueError("a rest has no MIDI note number")
        return midi_number(self.pitch)

    @property
    def end(self) -> float:
        return self.offset + self.quarter_length


@dataclass(frozen=True)
class Chord:
    """An accompaniment chord: pitches in the chord's stored order, offset and length in quarter notes."""

    offset: float
    pitches: tuple[str, ...]         # nameWithOctave, e.g. ("C3", "E4", "G4")
    quarter_length: float
    velocities: tuple[int, ...] | None = None  # the source MIDI velocities (the course's output keeps them)

    @property
    def midis(self) -> tuple[int, ...]:
        return tuple(midi_number(p) for p in self.pitches)

    def __getitem__(self, index):
        """Compatibility: the ``(onset, length, MIDI pitches)`` tuple the metrics used before this type
        (``tools.compare`` still reads ``chord[2]``)."""
        return (self.offset, self.quarter_length, self.midis)[index]


@dataclass
class Passage:
    """A melody and the chords under it: one solo, as the metrics and the piano roll read it.

    ``notes`` holds sounding notes only, sorted by offset; ``chords`` is sorted by offset.
    """

    notes: list[Note] = field(default_factory=list)
    chords: list[Chord] = field(default_factory=list)

    @classmethod
    def of(cls, notes: Sequence[Note], chords: Sequence[Chord]) -> "Passage":
        """Sort and keep the sounding notes (stable: notes at one offset keep their order)."""
        return cls(sorted((n for n in notes if not n.is_rest), key=lambda n: n.offset),
                   sorted(chords, key=lambda c: c.offset))

    def shifted(self, beats: float) -> "Passage":
        """The same passage starting ``beats`` earlier (offsets minus ``beats``)."""
        from dataclasses import replace

        return Passage([replace(n, offset=n.offset - beats) for n in self.notes],
                       [replace(c, offset=c.offset - beats) for c in self.chords])

    @property
    def end(self) -> float:
        """The last end of a note or chord (0 when empty)."""
        return max([n.end for n in self.notes] + [c.offset + c.quarter_length for c in self.chords], default=0.0)


def music21():
    """The music21 package, imported on first use (about a second): ``m21 = music21(); m21.note.Note('C4')``."""
    import music21 as m21

    return m21
