"""The run machinery: everything around a command that is not its model. You never need to read this package
to understand a model.

A command's ``__main__`` ends with ``start(main)`` (or ``start("package.module")``), which runs it under
:func:`shared.run.cli.run` and ends the process. Modules: :mod:`.cli` (the run, option types, the config parser),
:mod:`.console` (printing, progress), :mod:`.signals`, :mod:`.cleanup`, :mod:`.io` (one-line read errors, atomic
writes), :mod:`.lock`, :mod:`.outputs` (outputs committed as one set), :mod:`.checkpoints`, :mod:`.runcard`,
:mod:`.drawing` (pictures drawn by a child process), :mod:`.backend` (Keras and BLAS settings).
This module stays light: a command imports it before numpy or TensorFlow.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence  # loaded with the interpreter already: importing this stays free


class UserError(Exception):
    """Anything the user can fix (a missing file, a bad option): reported as one line ``error: ...``, exit 2."""


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
