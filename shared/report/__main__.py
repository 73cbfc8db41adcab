"""``python -m shared.report [--output DIR]``: write ``DIR/index.html`` from the runs in ``DIR`` (default output/)."""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Sequence

from shared.cli import ArgumentParser, run
from shared.errors import UserError
from shared.io import write_text_atomic
from shared.paths import OUTPUT_DIR, display_path

from .page import build_page

TARGETS = "make rnn, make dinos, make shakespeare, make jazz or make compare"


def check_folder(folder: Path) -> Path:
    """The folder to report on: it must exist, be a folder and be writable (one-line errors otherwise)."""
    shown = display_path(folder)
    if not folder.exists():
        raise UserError(f"output folder not found: {shown} (run {TARGETS} first, or give --output DIR)")
    if not folder.is_dir():
        raise UserError(f"--output must be a folder, but {shown} is a file")
    import os

    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"cannot write to output folder {shown}")
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    parser = ArgumentParser(prog="python -m shared.report",
                            description="Build one static page, DIR/index.html, from the runs under DIR: the "
                                        "make compare scoreboard, the jazz solo, the dinosaur names, the "
                                        "Shakespeare poem and the checks of assignment 1.")
    parser.add_argument("--output", type=Path, default=OUTPUT_DIR, metavar="DIR",
                        help="folder holding the runs; the page is written there (default: output/)")
    parser.add_argument("--quiet", action="store_true", help="print only the page's path (and any warnings)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    root = check_folder(args.output)
    page = build_page(root, display_path(root) + "/")
    target = write_text_atomic(root / "index.html", page.html)

    from shared.runcard import write_run_card

    seconds = time.perf_counter() - started
    write_run_card(root / "report_run_card.json", "python -m shared.report", {"output": str(root)}, None,
                   data_files=page.read, results={"sections": {s.id: s.present for s in page.sections},
                                                  "warnings": page.warnings, "seconds": round(seconds, 3)})
    for warning in page.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    present = [s for s in page.sections if s.present]
    absent = [s for s in page.sections if not s.present]
    print(f"wrote {display_path(target)}" + ("" if args.quiet else
                                             f" ({len(present)} of {len(page.sections)} sections, {seconds:.2f} s)"))
    if not args.quiet:
        for section in present:
            print(f"  {section.id:<12} {section.status}")
        if absent:
            print("missing: " + ", ".join(f"{s.id} ({s.target})" for s in absent))
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
