"""SIGINT, SIGTERM and SIGHUP as Python exceptions (:class:`Interrupted`), and windows in which they wait.

:func:`early` (from ``shared/__init__.py``) makes an interrupt during a command's imports one line, never a
traceback; :func:`install` / :func:`restore` make SIGTERM and SIGHUP raise where Ctrl-C would, so ``finally``
blocks and the clean-up run (exit 128 + the signal). :func:`deferred` holds them back through a save or a commit:
masked in this thread *and* only recorded by the handler (TensorFlow's threads do not mask), so no exception lands
inside a library's C code (h5py) where it could be swallowed. An interrupt Python could only report as "Exception
ignored in ..." is raised again at the next safe point (:func:`raise_lost`). Off the main thread: no-ops.
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
    """True in a process started as one of the project's commands; not in pytest, Jupyter or a user's script."""
    if sys.argv[:1] == ["-m"]:  # python -m PACKAGE.MODULE, while its packages are imported
        return True
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return (getattr(spec, "name", None) or "").split(".")[0] in PACKAGES \
        or os.path.basename(sys.argv[0] if sys.argv else "").startswith("seqmodels-")


def early(mask=None) -> None:
    """In a command: the signals raise :class:`Interrupted`, and one nothing catches is one line, exit 128 + signal.

    ``mask``: the signal mask to put back after (``shared/__init__.py`` blocks the signals until then).
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
    """Raise :class:`Interrupted` for an interrupt that was lost inside a finalizer or a library's callback."""
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
    """Ignore the signals (a run's final clean-up must not be cut short); :func:`restore` undoes it."""
    if _main_thread():
        for signum in SIGNALS:
            signal.signal(signum, signal.SIG_IGN)


@contextlib.contextmanager
def deferred(block: bool = True) -> Iterator[None]:
    """Hold the signals back during the block; one that came meanwhile is raised right after it. ``block=False``
    (starting a child): only recorded, not masked, so the child does not inherit a blocked mask."""
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
