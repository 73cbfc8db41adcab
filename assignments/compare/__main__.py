"""The command line of :mod:`assignments.compare` (``make compare``)."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Sequence

from shared.cli import ArgumentParser, run
from shared.io import ensure_output_dir, write_text_atomic
from shared.paths import DATA_DIR, OUTPUT_DIR, display_path, reference_dir
from shared.runcard import write_run_card

from . import __doc__ as DOC
from .report import format_section, summary, summary_line
from .runner import SECTIONS, Context, parse_only, run_comparison

COMMAND = "python -m assignments.compare"


def _inputs(keys: Sequence[str], references: Path) -> list[Path]:
    """The files this run read, for the run card (those present: the pretrained model is optional)."""
    paths = []
    for key in keys:
        section = SECTIONS[key]
        paths += [references / name for name in section.REFERENCE_FILES]
        paths += [DATA_DIR / name for name in section.DATA_FILES]
    return [p for p in paths if p.is_file()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = ArgumentParser(prog=COMMAND, description=DOC.split("\n\n")[0])
    parser.add_argument("--only", metavar="LIST",
                        help="comma-separated assignments: rnn, dinos, shakespeare, jazz (default: all)")
    parser.add_argument("--long", action="store_true",
                        help="also run the comparisons that need a long run (the Shakespeare model's extra "
                             "training epoch, 1.5 to 2.5 minutes on 2 cores) and count them")
    parser.add_argument("--out", type=Path, default=OUTPUT_DIR / "compare",
                        help="folder for summary.json and run_card.json (default output/compare)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only failing rows and the summary line")
    args = parser.parse_args(argv)
    keys = parse_only(args.only)
    out = ensure_output_dir(args.out)  # before any work: an unwritable --out fails at once
    context = Context(reference_dir=reference_dir(), long=args.long, quiet=args.quiet)

    def show(section):
        if not args.quiet or section.failed:
            print(format_section(section, only_failed=args.quiet) + "\n", flush=True)

    start = time.perf_counter()
    sections = run_comparison(keys, context, on_section=show)
    seconds = time.perf_counter() - start
    payload = summary(sections, seconds)
    line = summary_line(sections)
    write_text_atomic(out / "summary.json", json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    results = {"matched": payload["matched"], "total": payload["total"], "seconds": payload["seconds"],
               "per_assignment": {s.key: f"{s.matched}/{s.total}" for s in sections},
               "failed": [f"{s.key}: {r.what}" for s in sections for r in s.failed]}
    write_run_card(out / "run_card.json", " ".join([COMMAND, *(argv if argv is not None else sys.argv[1:])]),
                   {"only": keys, "long": args.long, "quiet": args.quiet, "reference_dir": str(context.reference_dir),
                    "out": str(out)}, 0, _inputs(keys, context.reference_dir), results)
    if not args.quiet:
        print(f"wrote {display_path(out / 'summary.json')} and {display_path(out / 'run_card.json')} "
              f"({seconds:.1f} s)")
    print(line)
    return 1 if any(s.failed for s in sections) else 0


if __name__ == "__main__":
    sys.exit(run(main))
