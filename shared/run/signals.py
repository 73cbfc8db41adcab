"""SIGINT and SIGTERM as Python exceptions, and a short window in which both wait.

* :func:`install` / :func:`restore` (used by :func:`shared.run.cli.run`; :func:`handling` is the same as a
  ``with`` block) make SIGTERM raise :class:`Interrupted`, a
  ``KeyboardInterrupt`` subclass, exactly where Ctrl-C raises ``KeyboardInterrupt``: ``finally`` blocks,
  context managers and the run's clean-up all run, and the exit status is 128 + the signal number
  (130 for SIGINT, 143 for SIGTERM). Without it, SIGTERM ends the process at once (exit -15), leaving
  temporary files and child processes behind. A signal the parent shell set to "ignore" stays ignored.
* :func:`deferred` holds both signals back for a few renames (the commit of an
  :class:`shared.run.outputs.OutputSet`): the signal is masked with ``pthread_sigmask`` in this thread *and*
  the Python-level handler only records it (TensorFlow's threads do not have the signal masked, and the
  C-level handler may run in any of them), then it is raised once the block is over.

Python runs signal handlers in the main thread only; off the main thread these are no-ops.
"""
from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """Raised by SIGTERM (and SIGINT, inside :func:`handling`): the run was asked to stop."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_status(exc: BaseException) -> int:
    """128 + the signal number: 130 for Ctrl-C, 143 for SIGTERM."""
    return 128 + int(getattr(exc, "signum", signal.SIGINT))


def _raise(signum, frame):
    raise Interrupted(signum)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def install() -> dict:
    """Make SIGINT and SIGTERM raise :class:`Interrupted`; returns the previous handlers for :func:`restore`."""
    previous: dict = {}
    if not _main_thread():
        return previous
    for signum in SIGNALS:
        if signal.getsignal(signum) is signal.SIG_IGN:  # e.g. SIGINT of a background job: respect it
            continue
        previous[signum] = signal.signal(signum, _raise)
    return previous


def restore(previous: dict) -> None:
    """Put back the handlers :func:`install` replaced (a signal caught meanwhile by them is raised)."""
    raised = _restore(previous)
    if raised is not None:
        raise raised


@contextlib.contextmanager
def handling() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` inside the block; the previous handlers come back after."""
    previous = install()
    try:
        yield
    finally:
        restore(previous)


def ignore() -> None:
    """Ignore SIGINT and SIGTERM from now on (a run's final clean-up must not be cut short by a second Ctrl-C).

    :func:`restore` puts the previous handlers back.
    """
    if _main_thread():
        for signum in SIGNALS:
            signal.signal(signum, signal.SIG_IGN)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM back during the block; a signal that came meanwhile is raised right after it."""
    if not _main_thread():
        yield
        return
    pending: list[int] = []
    previous = {signum: signal.signal(signum, lambda n, f: pending.append(n)) for signum in SIGNALS}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a masked signal arrives now, into `pending`
        raised = _restore(previous)
        if raised is not None:
            raise raised
        if pending:
            handler = previous.get(pending[0])
            if callable(handler):
                handler(pending[0], None)  # Python's default raises KeyboardInterrupt, ours Interrupted
            elif handler is signal.SIG_DFL:
                signal.raise_signal(pending[0])


def _restore(previous: dict) -> BaseException | None:
    """Put every handler back even if a restored one fires (and raises) half-way; return what it raised."""
    raised = None
    for signum, handler in previous.items():
        while True:
            try:
                signal.signal(signum, handler)
                break
            except KeyboardInterrupt as exc:
                raised = raised or exc
    return raised
