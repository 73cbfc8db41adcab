"""Run the notebooks top to bottom in this environment's Python kernel, as Jupyter would (``make notebooks``).

    python notebooks/run.py --html output/notebooks     # all three, one after the other, each timed
    python notebooks/run.py --quick --out DIR           # the short settings (what the tests run)
    python notebooks/run.py dinosaur_island             # one of them

Each notebook runs in a fresh kernel whose working folder is ``notebooks/`` (as when opened in Jupyter); a
cell that raises stops it, and it counts as failed (exit status 1). ``--quick`` sets ``NOTEBOOKS_QUICK=1`` (the
short settings each notebook states in its first cell); ``--out`` is where the executed notebooks are written
and where the jazz notebook writes its files (``NOTEBOOKS_OUTPUT``; default ``output/notebooks``); ``--html``
exports each executed notebook as one HTML page (plots and players embedded).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

FOLDER = Path(__file__).resolve().parent
NOTEBOOKS = ("rnn_step_by_step", "dinosaur_island", "jazz_improvisation")


async def execute(name: str, out: Path, html: Path | None, timeout: int) -> tuple[str, float, str | None]:
    """Run ``name`` and write it (and its page); ``(name, seconds, error or None)``."""
    nb = nbformat.read(FOLDER / f"{name}.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", coalesce_streams=True,
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],  # not the TCP start-up warning
                            resources={"metadata": {"path": str(FOLDER)}})
    start = time.perf_counter()
    error = None
    try:
        await client.async_execute()
    except CellExecutionError as exc:  # the failing cell, its traceback
        error = str(exc)
    seconds = time.perf_counter() - start
    nbformat.write(nb, out / f"{name}.ipynb")
    if html is not None:
        from nbconvert import HTMLExporter

        body, _ = HTMLExporter().from_notebook_node(nb)
        (html / f"{name}.html").write_text(body, encoding="utf-8")
    print(f"{name}: {'ok' if error is None else 'FAILED'} in {seconds:.1f} s", flush=True)
    return name, seconds, error


async def run(names, out: Path, html: Path | None, timeout: int) -> list:
    return [await execute(n, out, html, timeout) for n in names]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python notebooks/run.py", description=__doc__.split("\n\n")[0].replace("``", "'"))
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"notebooks to run (default: all): {', '.join(NOTEBOOKS)}")
    parser.add_argument("--quick", action="store_true", help="the short settings (NOTEBOOKS_QUICK=1)")
    parser.add_argument("--out", type=Path, default=FOLDER.parent / "output" / "notebooks",
                        help="executed notebooks and the jazz notebook's files (default: output/notebooks)")
    parser.add_argument("--html", type=Path, help="also export each executed notebook to DIR/NAME.html")
    parser.add_argument("--timeout", type=int, default=600, help="seconds a cell may take (default: 600)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in NOTEBOOKS]
    if unknown:
        parser.exit(2, f"error: no notebook {', '.join(unknown)} (choose from {', '.join(NOTEBOOKS)})\n")
    if args.timeout < 1:
        parser.exit(2, f"error: --timeout must be at least 1 second, got {args.timeout}\n")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    html = args.html.resolve() if args.html else None
    if html is not None:
        html.mkdir(parents=True, exist_ok=True)
    os.environ["NOTEBOOKS_OUTPUT"] = str(out)  # the kernels inherit this environment
    if args.quick:
        os.environ["NOTEBOOKS_QUICK"] = "1"
    else:
        os.environ.pop("NOTEBOOKS_QUICK", None)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    results = asyncio.run(run(args.names or NOTEBOOKS, out, html, args.timeout))
    failed = [(name, error) for name, _, error in results if error is not None]
    for name, error in failed:
        print(f"\n{name} failed:\n{error}", file=sys.stderr)
    if html is not None and not failed:
        print(f"wrote {', '.join(str(html / f'{name}.html') for name, _, _ in results)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
