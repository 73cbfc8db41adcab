"""``python -m shared.report [--output DIR]``: write ``DIR/index.html`` from the runs in ``DIR`` (default output/)."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Sequence

from shared.cli import ArgumentParser, positive_int, run
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
    parser.add_argument("--screenshot", type=Path, metavar="PNG",
                        help="also open the page in headless Chromium and save the whole page, 1280 pixels wide, "
                             "as PNG (how docs/report.png is made)")
    parser.add_argument("--colors", type=positive_int, default=None, metavar="N",
                        help="with --screenshot: save a palette PNG of N colours (2-256; smaller file)")
    args = parser.parse_args(argv)
    if args.colors is not None and args.screenshot is None:
        raise UserError("--colors needs --screenshot")
    if args.colors is not None and not 2 <= args.colors <= 256:
        raise UserError(f"--colors must be between 2 and 256, got {args.colors}")
    if args.screenshot is not None:
        from .browser import missing

        if args.screenshot.suffix.lower() != ".png":
            raise UserError(f"--screenshot must name a .png file, got {args.screenshot}")
        if missing():
            raise UserError(f"--screenshot needs a browser: {missing()}")
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
    if args.screenshot is not None:
        from .browser import screenshot

        if not args.quiet:
            print("opening the page in headless Chromium for the screenshot ...", flush=True)
        print(f"wrote {display_path(screenshot(target, args.screenshot, colors=args.colors))}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
