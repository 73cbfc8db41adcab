"""The run machinery: everything around a command that is not its model. You never need to read this package
to understand a model.

A command's ``__main__`` ends with ``start(main)`` (or ``start("package.module")``): :func:`start` runs it under
:func:`shared.run.cli.run` -- one ``error: ...`` line and exit 2 for a :class:`UserError`, a quiet Ctrl-C /
SIGTERM / SIGHUP, the run's children stopped and temporary files removed however it ends -- and ends the process
without the interpreter's teardown. The modules:

* :mod:`.cli` -- :func:`~.cli.run`, option types, the parser built from a config dataclass;
* :mod:`.console` -- quiet-aware printing and progress bars; :mod:`.signals` -- SIGINT/SIGTERM/SIGHUP as
  exceptions;
* :mod:`.cleanup` -- what a run undoes when it stops early (temporary files, folders, child processes, locks);
* :mod:`.io` -- reading input files with one-line errors, writing files atomically;
* :mod:`.lock`, :mod:`.outputs`, :mod:`.checkpoints` -- one run per folder, outputs committed as one set,
  checkpoints as units; :mod:`.runcard` -- the run card every run leaves;
* :mod:`.drawing` -- pictures drawn by a child process; :mod:`.backend` -- Keras and BLAS settings.

This module stays light (a command imports it before anything heavy, so a Ctrl-C while numpy or TensorFlow
loads is already one quiet line).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence  # loaded with the interpreter already: importing this stays free


class UserError(Exception):
    """A problem with the user's input or environment, reported as one line (``error: ...``, exit 2).

    Library code raises it for anything the user can fix (a missing file, a bad option, a MIDI file without
    the part asked for); :func:`shared.run.cli.run` turns it into that line.
    """


def start(main: "str | Callable[[Sequence[str] | None], int | None]", argv: Sequence[str] | None = None) -> None:
    """Run a command's ``main`` (or ``"package.module"``'s ``main``, imported inside the run) and end the process."""
    from .cli import exit_now, run, run_module

    exit_now(run_module(main, argv=argv) if isinstance(main, str) else run(main, argv))


# The console commands of ``pyproject.toml`` (``seqmodels-dinos`` ...): each runs a command's ``main``.
def rnn() -> None: start("assignments.rnn_step_by_step.__main__")
def dinos() -> None: start("assignments.dinos.__main__")
def shakespeare() -> None: start("assignments.dinos.shakespeare.__main__")
def jazz() -> None: start("assignments.jazz.__main__")
def compare() -> None: start("tools.compare.__main__")
def report() -> None: start("tools.report.__main__")
def data() -> None: start("shared.data")
