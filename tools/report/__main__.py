"""``python -m tools.report [--output DIR]``: write ``DIR/index.html`` from the runs in ``DIR`` (default output/).

The page and ``report_run_card.json`` are one :class:`shared.run.outputs.OutputSet` in ``DIR``; the run folders it
reads are other runs' sets, recorded in the card with their sha256, never claimed or removed.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Sequence

from shared.run.cli import ArgumentParser, bounded_int, output_dir
from shared.run import start
from shared.run.console import note
from shared.run import UserError
from shared.run.io import write_text_atomic
from shared.run.outputs import OutputSet
from shared.paths import OUTPUT_DIR, display_path

from .page import build_page

TARGETS = "make rnn, make dinos, make shakespeare, make jazz or make compare"
COMMAND = "python -m tools.report"
CARD = "report_run_card.json"
PAGE = "index.html"


def runs_folder(text: str) -> Path:
    """``--output DIR``: a folder that exists (a mistyped name is one line); the default ``output/`` may be missing."""
    folder = output_dir(text)
    if not folder.exists():
        raise argparse.ArgumentTypeError(f"output folder not found: {display_path(folder)} (run {TARGETS} first)")
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    parser = ArgumentParser(prog=COMMAND,
                            description="Build one static page, DIR/index.html, from the runs under DIR: the "
                                        "make compare scoreboard, the jazz solo, the dinosaur names, the "
                                        "Shakespeare poem and the checks of assignment 1.")
    parser.add_argument("--output", type=runs_folder, default=OUTPUT_DIR, metavar="DIR",
                        help="folder holding the runs; the page is written there (default: output/, made if missing)")
    parser.add_argument("--quiet", action="store_true", help="print only the page's path (and any warnings)")
    parser.add_argument("--screenshot", type=Path, metavar="PNG",
                        help="also open the page in headless Chromium and save the whole page, 1280 pixels wide, "
                             "as PNG (how docs/report.png is made)")
    parser.add_argument("--colors", type=bounded_int(2, 256), default=None, metavar="N",
                        help="with --screenshot: save a palette PNG of N colours (2-256; smaller file)")
    args = parser.parse_args(argv)
    if args.colors is not None and args.screenshot is None:
        raise UserError("--colors needs --screenshot")
    if args.screenshot is not None:
        from .browser import missing

        if args.screenshot.suffix.lower() != ".png":
            raise UserError(f"--screenshot must name a .png file, got {args.screenshot}")
        if missing():
            raise UserError(f"--screenshot needs a browser: {missing()}")
    started = time.perf_counter()
    root = args.output
    with OutputSet(root, command=COMMAND, card_name=CARD, settings={"output": str(root)}) as outputs:
        page = build_page(root, display_path(root) + "/")
        # atomic_path on the staging path (not outputs.write_text): the page gets the umask's permissions, not 0600
        write_text_atomic(outputs.path(PAGE), page.html)
        outputs.data_files = [Path(p) for p in page.read]  # recorded with their sha256; other runs' files, not claimed
        outputs.results.update(sections={s.id: s.present for s in page.sections},
                               in_progress={s.id: s.status for s in page.sections if s.progress},
                               warnings=page.warnings, seconds=round(time.perf_counter() - started, 3))
    seconds = time.perf_counter() - started
    target = outputs.files[PAGE]
    for line in page.notes:
        note(line)
    for warning in page.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    present = [s for s in page.sections if s.present]
    absent = [s for s in page.sections if not s.present and not s.progress]
    print(f"wrote {display_path(target)}" + ("" if args.quiet else
                                             f" ({len(present)} of {len(page.sections)} sections, {seconds:.2f} s)"))
    if not args.quiet:
        for section in page.sections:
            if section.present or section.progress:
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
    start(main)
