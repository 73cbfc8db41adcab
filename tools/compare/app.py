"""The body of ``python -m tools.compare`` (``make compare``); ``__main__`` imports it inside the run.

Options, then every input checked, then the output folder opened as one :class:`shared.run.outputs.OutputSet`,
the comparison, and ``summary.json`` committed with its run card.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Sequence

from shared.run.cli import ArgumentParser, output_dir
from shared.run.console import say
from shared.data import verify_course_file
from shared.run.io import write_text_atomic
from shared.run.outputs import OutputSet
from shared.paths import DATA_DIR, OUTPUT_DIR, display_path, reference_dir

from . import __doc__ as DOC
from .report import format_section, summary, summary_line
from .runner import SECTIONS, Context, compare_sections, parse_only, prepare_sections

COMMAND = "python -m tools.compare"


def _inputs(keys: Sequence[str], references: Path) -> list[Path]:
    """The files this run reads, for the run card (those present: the pretrained model is optional)."""
    paths = []
    for key in keys:
        section = SECTIONS[key]
        paths += [references / name for name in section.REFERENCE_FILES]
        paths += [DATA_DIR / name for name in section.DATA_FILES]
    return [p for p in paths if p.is_file()]


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog=COMMAND, description=DOC.split("\n\n")[0])
    parser.add_argument("--only", metavar="LIST",
                        help="comma-separated assignments: rnn, dinos, shakespeare, jazz (default: all)")
    parser.add_argument("--long", action="store_true",
                        help="also run the comparisons that need a long run (the Shakespeare model's extra "
                             "training epoch, 1.5 to 2.5 minutes on 2 cores) and count them")
    parser.add_argument("--out", type=output_dir, default=OUTPUT_DIR / "compare",
                        help="folder for summary.json and run_card.json (default output/compare)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only failing rows and the summary line")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    keys = parse_only(args.only)
    context = Context(reference_dir=reference_dir(), long=args.long, quiet=args.quiet)
    inputs = _inputs(keys, context.reference_dir)
    for path in inputs:
        verify_course_file(path)  # a changed course data file: one line up front, not failing rows

    def show(section):
        if not args.quiet or section.failed:
            print(format_section(section, only_failed=args.quiet) + "\n", flush=True)

    start = time.perf_counter()
    prepared = prepare_sections(keys, context)  # every input read and checked before the folder is opened
    settings = {"only": keys, "long": args.long, "quiet": args.quiet, "reference_dir": str(context.reference_dir),
                "out": str(args.out)}
    with OutputSet(args.out, command=" ".join([COMMAND, *(argv if argv is not None else sys.argv[1:])]),
                   seed=0, settings=settings, data_files=inputs) as outputs:
        sections = compare_sections(keys, prepared, context, on_section=show)
        seconds = time.perf_counter() - start
        payload = summary(sections, seconds)
        # atomic_path on the staging path (not outputs.write_text): the file gets the umask's permissions, not 0600
        write_text_atomic(outputs.path("summary.json"), json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
        outputs.results.update(matched=payload["matched"], total=payload["total"], seconds=payload["seconds"],
                               per_assignment={s.key: f"{s.matched}/{s.total}" for s in sections},
                               failed=[f"{s.key}: {r.what}" for s in sections for r in s.failed])
    say(args.quiet, f"wrote {display_path(outputs.final('summary.json'))} and {display_path(outputs.card_path)} "
                    f"({seconds:.1f} s)")
    print(summary_line(sections), flush=True)
    return 1 if any(s.failed for s in sections) else 0
