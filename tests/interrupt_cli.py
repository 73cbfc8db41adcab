"""A tiny command built on the shared run machinery, for tests/test_interrupts.py (not a test itself).

    python -m tests.interrupt_cli --out DIR --seed N [--extra] [--checkpoints E] [--child] [--bar]

Structured as every command's ``__main__`` should be: nothing but ``shared.run.cli`` is imported here, the
command's module is imported inside :func:`shared.run.cli.run` (``run_module``), so a Ctrl-C while it is
imported (here: a deliberate pause, standing in for ``import tensorflow``) ends in one line too.

``INTERRUPT_AT=POINT`` makes the run print ``READY POINT`` on stdout at that point and wait for a line on
stdin (a signal may come instead). Points, in run order: ``preamble`` (before the run starts, as a package's ``__init__`` imports numpy before
``shared.run.cli.run`` is entered: only ``shared/__init__.py``'s early handling is in place), ``startup`` (while the
module is imported),
``progress`` (a tqdm bar on stderr and a Keras-style bar on stdout, both mid-line), ``child`` (a
``sleep 60`` started through ``shared.run.cleanup.spawn``), ``writing`` (half-way through an atomic output),
``checkpoint`` (one checkpoint unit written, before the next), ``staged`` (every output staged,
before the commit), ``commit`` (inside the commit, after the first file was moved: signals wait).
"""
import os
import sys

from shared.run.cli import run_module

if os.environ.get("INTERRUPT_AT") == "preamble":
    print("READY preamble", flush=True)
    sys.stdin.readline()

if __name__ == "__main__":
    sys.exit(run_module("tests.interrupt_app"))
