"""The MIDI options both jazz commands share (``python -m assignments.jazz`` and ``... .jazz.corpus``), defined once.

    --midi PATH  --list-parts  --era {2021,2018}  --melody-part NAME|#N  --chord-parts NAME|#N [...]
    --chords-from {first,all}  --window START END  --tidy-rests

Same names, same help, same checks in both commands; :func:`resolve_midi` turns them into a
:class:`~assignments.jazz.midi.config.MidiConfig` (a bad window or empty part list is one ``error:`` line).
The corpus command's earlier spellings ``--chord-part`` and ``--tidy`` are aliases. The defaults are the
course's: the Metheny file and its constants. On any other file (not the course's sha256) what the options
leave open is chosen by :func:`~assignments.jazz.midi.parts.choose_parts` (the most melody-like pitched part, the
others as accompaniment, chords from all of them, the whole piece as window), and :func:`resolve_midi` says why.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, fields, replace
from pathlib import Path

from shared.run.cli import finite_float, refuse_inapplicable
from shared.run.console import say
from shared.data import verify_course_file
from shared.run import UserError

from .config import CHORDS_FROM, DEFAULT_MIDI, ERAS, METHENY, JazzConfig, MidiConfig

BIG_FILE_BYTES = 500_000  # a MIDI file this large takes seconds to read: say so first


def add_midi_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the shared MIDI options (one argument group, "MIDI") to ``parser``."""
    group = parser.add_argument_group("MIDI")
    group.add_argument("--midi", type=Path, default=DEFAULT_MIDI,
                       help="MIDI file to learn from (default: data/original_metheny.mid)")
    group.add_argument("--list-parts", action="store_true", default=False,
                       help="list the file's parts (number, name, channels, program, drums, notes, range, span, "
                            "overlap) and stop")
    group.add_argument("--era", default="2021", choices=ERAS,
                       help="which music21 import to reproduce: 2021 = music21 6.7, 90 values on Metheny "
                            "(the 2021 notebook); 2018 = music21 5.5, 78 values (default: %(default)s)")
    group.add_argument("--melody-part", default=None, metavar="NAME",
                       help="the solo's part, by name or by number ('#3', see --list-parts) (default: "
                            f"{METHENY.melody_part} on the course file; another file: the most melody-like part)")
    group.add_argument("--chord-parts", "--chord-part", nargs="+", default=None, metavar="NAME",
                       help="accompaniment parts, by name or number (default: "
                            f"{' '.join(METHENY.chord_parts)} on the course file; another file: every other "
                            "pitched part)")
    group.add_argument("--chords-from", choices=CHORDS_FROM, default=None,
                       help="'first': the chords of the first chord part (the course); 'all': the notes sounding "
                            "together across all chord parts (default: first on the course file, all otherwise)")
    group.add_argument("--window", nargs=2, type=finite_float, default=None, metavar=("START", "END"),
                       help="solo window in quarter notes, both ends included (default: "
                            f"{METHENY.window[0]:g} {METHENY.window[1]:g} on the course file; another file: the "
                            "whole piece)")
    group.add_argument("--tidy-rests", "--tidy", action="store_true", default=False,
                       help="opt-in cleaner corpus (not the course's): rests only where nothing sounds, "
                            "clipped at the solo's end, tiny rests folded")
    return parser


@dataclass(frozen=True)
class MidiChoice:
    """What the MIDI options resolve to for one file."""

    config: MidiConfig
    course: bool                 # the course's own file (data/original_metheny.mid, sha256 as listed)
    reasons: tuple[str, ...]     # how parts/window were chosen when the user did not name them
    tempo_bpm: float | None      # the file's first tempo, if it has one


def is_course_file(path: Path) -> bool:
    """Whether ``path`` holds the course's training file (its sha256 is the one ``data/SHA256SUMS`` lists)."""
    from shared.data import read_checksums
    from shared.run.io import sha256_file

    try:
        return path.is_file() and sha256_file(path) == read_checksums().get(DEFAULT_MIDI.name)
    except (UserError, OSError):
        return False


def list_parts(args: argparse.Namespace) -> str:
    """The ``--list-parts`` table of ``args.midi``."""
    from .io import read_midi
    from .parts import describe_parts, parts_table

    verify_course_file(args.midi)
    data = read_midi(args.midi)
    tempo = f"{data.tempo_bpm:g} bpm" if data.tempo_bpm else "no tempo (120 bpm)"
    return (f"{args.midi}: {len(data.tracks)} parts, {data.ticks_per_quarter} ticks per quarter, {tempo}\n"
            + parts_table(describe_parts(data)))


def resolve_midi(args: argparse.Namespace) -> MidiChoice:
    """The :class:`MidiChoice` of the shared options: the course's Metheny constants on the course file, an
    automatic choice (with its reason) for what another file's options leave open; UserError for an impossible
    one (a bad window, a part that is not there, the drum channel, a file with one pitched part)."""
    from .io import read_midi

    if args.window is not None:
        start, end = args.window
        if not 0 <= start <= end:
            raise UserError(f"argument --window: START and END must satisfy 0 <= START <= END, got {start:g} {end:g}")
    verify_course_file(args.midi)  # the course file, changed or missing: one line naming 'make data'
    course = is_course_file(args.midi)
    size = args.midi.stat().st_size if args.midi.is_file() else 0
    if size >= BIG_FILE_BYTES:  # mido reads about 0.1 MB a second here: say why nothing happens for a while
        say(getattr(args, "quiet", False), f"reading {args.midi} ({size / 1e6:.1f} MB, about {size / 1e5:.0f} s)")
    data = read_midi(args.midi)
    reasons = []
    if course and args.melody_part is None and args.chord_parts is None:
        melody, chords = METHENY.melody_part, tuple(METHENY.chord_parts)
    elif args.melody_part is not None and args.chord_parts is not None:
        melody, chords = args.melody_part, tuple(args.chord_parts)
    else:
        from .parts import choose_parts

        choice = choose_parts(data, str(args.midi), args.melody_part, args.chord_parts)
        melody, chords = choice.melody_spec, tuple(choice.chord_specs)
        reasons.append(choice.reason)
    if args.window is not None:
        window = (float(args.window[0]), float(args.window[1]))
    elif course:
        window = METHENY.window
    else:
        end = max((m.tick for t in data.tracks for m in t.messages), default=0) / data.ticks_per_quarter
        window = (0.0, float(end))
        reasons.append(f"window 0-{end:g}: the whole piece (--window START END to choose)")
    chords_from = args.chords_from or ("first" if course else "all")
    try:
        config = MidiConfig(melody_part=melody, chord_parts=chords, window=window, chords_from=chords_from)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    return MidiChoice(config, course, tuple(reasons), data.tempo_bpm)


def jazz_config(args) -> JazzConfig:
    """The config of a parsed command line (options left out keep the defaults), the MIDI options resolved
    (:func:`resolve_midi`); one :class:`UserError` line for the first option that cannot work."""
    from shared.sampling import check_sampling

    given = {f.name: getattr(args, f.name) for f in fields(JazzConfig) if hasattr(args, f.name)}
    config = JazzConfig(**given)
    for option, check in (("--temperature", lambda: check_sampling(config.temperature)),
                          ("--top-k", lambda: check_sampling(1.0, config.top_k))):
        try:
            check()
        except ValueError as exc:
            raise UserError(f"argument {option}: {exc}") from None
    refuse_inapplicable(config, given)
    for option, path in (("--soundfont", config.soundfont), ("--load", config.load)):
        if path is not None and not path.is_file():
            raise UserError(f"{'soundfont' if option == '--soundfont' else 'model file'} not found: {path} ({option})")
    choice = resolve_midi(args)
    bpm = 130.0 if choice.course else (choice.tempo_bpm or 120.0)  # the course's tempo; else the file's (MIDI: 120)
    return replace(config, bpm=config.bpm or bpm, fold=(config.layout == "solo" or not choice.course) if config.fold is None else config.fold,
                   midi_config=choice.config, course_file=choice.course, choices=choice.reasons)
