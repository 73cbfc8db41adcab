"""The MIDI options both jazz commands share (``python -m assignments.jazz`` and ``... .jazz.corpus``), defined once.

    --midi PATH  --era {2021,2018}  --melody-part NAME  --chord-parts NAME [NAME ...]  --window START END
    --tidy-rests

Same names, same help, same checks in both commands; :func:`midi_config_from_args` turns them into a
:class:`~assignments.jazz.midi_config.MidiConfig` (a bad window or empty part list is one ``error:`` line).
argparse accepts unambiguous prefixes, so the corpus command's earlier spellings ``--chord-part`` and
``--tidy`` still work. The defaults are the course's: the Metheny file and its constants.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from shared.cli import finite_float
from shared.errors import UserError
from shared.paths import DATA_DIR

from .midi_config import ERAS, METHENY, MidiConfig

DEFAULT_MIDI = DATA_DIR / "original_metheny.mid"


def add_midi_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the shared MIDI options (one argument group, "MIDI") to ``parser``."""
    group = parser.add_argument_group("MIDI")
    group.add_argument("--midi", type=Path, default=DEFAULT_MIDI,
                       help="MIDI file to learn from (default: data/original_metheny.mid)")
    group.add_argument("--era", default="2021", choices=ERAS,
                       help="which music21 import to reproduce: 2021 = music21 6.7, 90 values on Metheny "
                            "(the 2021 notebook); 2018 = music21 5.5, 78 values (default: %(default)s)")
    group.add_argument("--melody-part", default=METHENY.melody_part, metavar="NAME",
                       help="track/instrument name of the solo (default: %(default)s)")
    group.add_argument("--chord-parts", nargs="+", default=list(METHENY.chord_parts), metavar="NAME",
                       help="accompaniment track names; the chords come from the first "
                            "(default: %(default)s)")
    group.add_argument("--window", nargs=2, type=finite_float, default=list(METHENY.window), metavar=("START", "END"),
                       help="solo window in quarter notes, both ends included (default: %(default)s)")
    group.add_argument("--tidy-rests", action="store_true",
                       help="opt-in cleaner corpus (not the course's): rests only where nothing sounds, "
                            "clipped at the solo's end, tiny rests folded")
    return parser


def midi_config_from_args(args: argparse.Namespace) -> MidiConfig:
    """The :class:`MidiConfig` the shared options name; :class:`UserError` for an impossible one."""
    start, end = args.window
    if not 0 <= start <= end:
        raise UserError(f"argument --window: START and END must satisfy 0 <= START <= END, got {start:g} {end:g}")
    try:
        return MidiConfig(melody_part=args.melody_part, chord_parts=tuple(args.chord_parts),
                          window=(float(args.window[0]), float(args.window[1])))
    except ValueError as exc:
        raise UserError(str(exc)) from None
