"""Every constant that ties the jazz corpus to one MIDI file, named in one place.

The course (deepjazz's ``preprocess.py``) buried these in its code: the melody was ``score[5]``, the
accompaniment ``[0, 1, 6, 7]``, the solo window ``getElementsByOffset(476, 548)``, and the chord/quantize
tolerances lived inside music21's MIDI import. Here parts are found by their track (or General MIDI instrument)
name, not by position, so another MIDI file only needs another :class:`MidiConfig`::

    MidiConfig(melody_part="Flute", chord_parts=("Piano",), window=(0.0, 64.0))

The defaults (:data:`METHENY`) rebuild the course corpus from ``data/original_metheny.mid``.

``era`` picks which music21 release's MIDI import is reproduced (see ``midi_io``):

- ``"2021"``: music21 6.7, the current course notebook: 275 tokens, 90 values (rests included). Default.
- ``"2018"``: music21 5.5, the 2018-2020 notebooks: 193 tokens, 78 values (no rests).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass


CHORDS_FROM = ("first", "all")


@dataclass(frozen=True)
class MidiConfig:
    """Which parts and which stretch of a MIDI file become the corpus, and how its notes are read."""

    melody_part: str = "Guitar"
    """Track / instrument name of the solo (course: part 5, the Guitar track)."""
    chord_parts: tuple[str, ...] = ("Piano", "Bass", "Trumpet", "French Horn")
    """The accompaniment (course: parts 0, 1, 6, 7). The chord groups come from the FIRST of them; the course
    reads chords from the Piano alone (the others carry no chords it keeps)."""
    window: tuple[float, float] = (476.0, 548.0)
    """Solo window in quarter notes; elements starting in [start, end] (both ends included) are kept."""
    measure_length: float = 4.0
    """Quarter notes per measure: elements are grouped by ``int(offset / measure_length)``."""
    quantize_divisors: tuple[int, ...] = (4, 3)
    """Offsets and durations are snapped to the nearest multiple of 1/4 or 1/3 of a quarter (music21's default)."""
    chord_tolerance: float = 1 / 16
    """Notes whose starts AND ends lie within this many quarter notes of each other form one chord
    (music21: ticksPerQuarter / 16, i.e. 6 ticks at the file's 96 ticks per quarter)."""
    min_quarter_length: float = 0.25
    """The course replaces every melody quarterLength of 0 by this value."""
    chords_from: str = "first"
    """``"first"`` (the course): the chords are the music21 Chords of the first of ``chord_parts``.
    ``"all"``: the pitches sounding together across all ``chord_parts`` at each onset (:mod:`harmony`), so
    chorales and single-note left hands work; the default for files other than the course's."""

    def __post_init__(self) -> None:
        start, end = self.window
        if not (0 <= start <= end):
            raise ValueError(f"window must satisfy 0 <= start <= end, got {self.window}")
        if not self.chord_parts:
            raise ValueError("chord_parts must name at least one part")
        if self.chords_from not in CHORDS_FROM:
            raise ValueError(f"chords_from must be one of {', '.join(CHORDS_FROM)}, got {self.chords_from!r}")
        if self.measure_length <= 0 or not self.quantize_divisors or min(self.quantize_divisors) <= 0:
            raise ValueError("measure_length and quantize_divisors must be positive")

    @property
    def harmony_part(self) -> str:
        """The part whose chords give the chord groups (the course's solo part 0, the Piano)."""
        return self.chord_parts[0]

    def as_dict(self) -> dict:
        return asdict(self)


METHENY = MidiConfig()
"""Pat Metheny, "And Then I Knew" (``data/original_metheny.mid``), exactly as the course reads it."""

ERAS = ("2021", "2018")
"""``2021`` = music21 6.7 behaviour (default, the current notebook); ``2018`` = music21 5.5 behaviour."""

ERA_ALIASES = {"2021": "2021", "6.7": "2021", "2018": "2018", "5.5": "2018"}


def check_era(era: str) -> str:
    """Normalise an era name (``2021``/``6.7`` or ``2018``/``5.5``); ValueError for anything else."""
    try:
        return ERA_ALIASES[str(era)]
    except KeyError:
        raise ValueError(f"unknown era {era!r}; choose one of {', '.join(ERAS)}") from None
