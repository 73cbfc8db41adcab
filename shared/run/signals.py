"""SIGINT, SIGTERM and SIGHUP as Python exceptions, and windows in which they wait.

* :func:`early` (run by ``shared/__init__.py``, which every command imports first): from then on the signals
  raise :class:`Interrupted`, and one that no run catches ends the process with the one line
  ``error: interrupted`` -- never a traceback through an import.
* :func:`install` / :func:`restore` (:func:`shared.run.cli.run`; :func:`handling` as a ``with`` block) make
  SIGTERM and SIGHUP (a closed terminal or ssh session) raise :class:`Interrupted`, a ``KeyboardInterrupt``,
  exactly where Ctrl-C raises one: ``finally`` blocks and the run's clean-up run, and the exit status is 128 +
  the signal number (130, 143, 129) instead of an abrupt -15 that leaves temporary files and children behind.
  A signal the parent shell set to "ignore" stays ignored.
* :func:`deferred` holds the signals back through a save or a few renames (every atomic write, the commit of
  an :class:`shared.run.outputs.OutputSet`, a child's start): masked with ``pthread_sigmask`` in this thread
  *and* only recorded by the Python-level handler (TensorFlow's threads do not mask it), then raised once the
  block is over. No exception can land inside a library's C code (h5py), where it could be swallowed.
* A ``KeyboardInterrupt`` Python could only report as "Exception ignored in ..." (raised in a finalizer or a C
  callback) is kept and raised again at the next safe point (:func:`raise_lost`): the run ends as interrupted.

Python runs signal handlers in the main thread only; off the main thread these are no-ops.
"""
from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
PACKAGES = ("assignments", "tools", "shared", "bench", "tests")  # a process whose __main__ is in these is a command


class Interrupted(KeyboardInterrupt):
    """Raised by SIGINT, SIGTERM or SIGHUP while this module's handlers are in place: the run was asked to stop."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_status(exc: BaseException) -> int:
    """128 + the signal number: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP."""
    return 128 + int(getattr(exc, "signum", signal.SIGINT))


def is_command() -> bool:
    """True in a process started as one of the project's commands (``python -m PACKAGE...``, ``seqmodels-*``).

    Not in pytest, a Jupyter kernel or a user's own script that imports the project: their signals stay theirs.
    """
    if sys.argv[:1] == ["-m"]:  # python -m PACKAGE.MODULE, while its packages are imported
        return True
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return (getattr(spec, "name", None) or "").split(".")[0] in PACKAGES \
        or os.path.basename(sys.argv[0] if sys.argv else "").startswith("seqmodels-")


def early(mask=None) -> None:
    """In a command (:func:`is_command`): the signals raise :class:`Interrupted` from now on, and an interrupt that
    nothing catches ends the process with one line, exit 128 + the signal (see the module docstring).

    ``mask``: the signal mask to put back once that is in place (``shared/__init__.py`` blocks the signals before
    its first import, so one that comes meanwhile waits, then arrives here).
    """
    try:
        if is_command():
            sys.excepthook = _excepthook
            sys.unraisablehook = _unraisable
            for signum in SIGNALS:
                if signal.getsignal(signum) in (signal.SIG_DFL, signal.default_int_handler):
                    signal.signal(signum, _raise)
    except ValueError:  # not the main thread: Python's signal handlers are the main thread's
        pass
    finally:
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _excepthook(kind, value, tb, _previous=sys.excepthook) -> None:
    if not issubclass(kind, KeyboardInterrupt):
        return _previous(kind, value, tb)
    ignore()  # a second Ctrl-C must not interrupt this hook (Python would print a traceback of it)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    try:
        os.write(2, b"error: interrupted\n")
    except OSError:
        pass
    os._exit(exit_status(value))


_lost: list[int] = []  # interrupts Python could only report, raised again at the next safe point (raise_lost)


def _unraisable(unraisable, _previous=sys.unraisablehook) -> None:
    if isinstance(unraisable.exc_value, KeyboardInterrupt):  # raised inside a finalizer or C callback: kept
        _lost.append(getattr(unraisable.exc_value, "signum", signal.SIGINT))
        return
    _previous(unraisable)


def raise_lost() -> None:
    """Raise :class:`Interrupted` for an interrupt that was lost inside a finalizer or a library's callback (at the
    end of every :func:`deferred` block, before an output set's commit and when a run's ``main`` returns)."""
    if _lost:
        signum = _lost[0]
        _lost.clear()
        raise Interrupted(signum)


def _raise(signum, frame):
    raise Interrupted(signum)


def _main_thread() -> bool:
    import threading  # here: importing this module must cost next to nothing (see early)

    return threading.current_thread() is threading.main_thread()


def install() -> dict:
    """Make SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted`; returns the previous handlers for :func:`restore`."""
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
    """The signals raise :class:`Interrupted` inside the block; the previous handlers come back after."""
    previous = install()
    try:
        yield
    finally:
        restore(previous)


def ignore() -> None:
    """Ignore the signals from now on (a run's final clean-up must not be cut short by a second Ctrl-C).

    :func:`restore` puts the previous handlers back.
    """
    if _main_thread():
        for signum in SIGNALS:
            signal.signal(signum, signal.SIG_IGN)


@contextlib.contextmanager
def deferred(block: bool = True) -> Iterator[None]:
    """Hold the signals back during the block; a signal that came meanwhile is raised right after it.

    ``block=False`` (starting a child): the signals are *unblocked* in this thread during the block, so the
    child does not inherit a blocked mask (it could not be stopped with SIGTERM), and only recorded.
    """
    if not _main_thread():
        yield
        return
    pending: list[int] = []
    previous: dict = {}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        for signum in SIGNALS:  # a signal that fires half-way (from another thread) is raised, all put back
            previous[signum] = signal.signal(signum, lambda n, f: pending.append(n))
        if not block:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
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
        raise_lost()


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
