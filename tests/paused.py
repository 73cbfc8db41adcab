"""Real commands stopped at chosen points, for the interruption tests of compare, report, jazz, dinos/Shakespeare.

A test runs the command as ``python -m`` runs it (``runpy``, as ``__main__``) from a small script: :data:`PRELUDE`
and the test's own lines, which install pauses and end with ``runpy.run_module``. The command holds no test code.
In the script:

- ``pause(point)`` -- at ``$PAUSE_AT``: ``READY POINT`` in one write on the descriptor ``$READY_FD`` (1, or 2
  for a command that prints on stdout before its pause), then a wait for a line on stdin or a signal. The one
  ``os.write`` goes past the command's stream tracking (:mod:`shared.console`), so a signal sent the moment
  the line is read cannot land between a line and its newline;
- ``PauseAtImport(module, point)`` -- on ``sys.meta_path``: the pause when ``module`` starts importing (inside
  ``shared.cli.run``, where a Ctrl-C must be one line, not a traceback);
- ``wait_for_start()`` -- with ``$START_WHEN`` set, wait (the slow imports done) until that file exists: a
  case's process can start, and import TensorFlow, before the folder it runs over is ready.

Here: :func:`start` the script, :func:`wait_ready` for its pause, :func:`tree` of a folder before and after,
:func:`selected` cases of a module and :func:`launched` to start them all at once (each case's process imports
for seconds, then waits at its point), :func:`stop` what is left.

A module that defines ``launch(session, module, tmp_path_factory)`` (a context manager around :func:`launched`)
has its processes started with the session, by the ``launched_early`` fixture of ``tests/conftest.py``, and runs
last: its processes import and reach their pause points on the other core while the rest of the suite runs.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

REPO = Path(__file__).resolve().parent.parent
BACKGROUND = 19  # the niceness of the processes started with the session: the CPU the tests here leave over

PRELUDE = r"""
import os, runpy, sys, time

POINT = os.environ["PAUSE_AT"]
READY_FD = int(os.environ.get("READY_FD") or 1)
os.nice(int(os.environ.get("NICENESS") or 0))


def pause(point):
    if point == POINT:
        sys.stdout.flush()
        sys.stderr.flush()
        os.write(READY_FD, ("READY " + point + "\n").encode())
        sys.stdin.readline()


class PauseAtImport:
    def __init__(self, module, point):
        self.module, self.point = module, point

    def find_spec(self, name, path=None, target=None):
        if name == self.module:
            sys.meta_path.remove(self)
            pause(self.point)
        return None


def wait_for_start():
    while os.environ.get("START_WHEN") and not os.path.exists(os.environ["START_WHEN"]):
        time.sleep(0.02)
"""


def start(script: str, args: Iterable[str], point: str, *, ready_fd: int = 1,
          start_when: Path | None = None, niceness: int = 0) -> subprocess.Popen:
    """``python -c PRELUDE+script ARGS`` paused at ``point``, with text pipes on stdin, stdout and stderr.

    ``niceness`` > 0: the process (and its children) get the CPU only when the tests in this process leave it.
    """
    env = dict(os.environ, PAUSE_AT=point, READY_FD=str(ready_fd), START_WHEN=str(start_when or ""),
               NICENESS=str(niceness), TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0")
    process = subprocess.Popen([sys.executable, "-c", PRELUDE + script, *args], cwd=REPO, env=env,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.ready_stream = process.stderr if ready_fd == 2 else process.stdout  # where READY comes
    return process


def wait_ready(process: subprocess.Popen, point: str, timeout: float = 60) -> None:
    """Until the process says ``READY point``; it is killed after ``timeout`` seconds without."""
    watchdog = threading.Timer(timeout, process.kill)  # a run that never gets there fails the test, never hangs it
    watchdog.start()
    try:
        line = process.ready_stream.readline()
    finally:
        watchdog.cancel()
    assert line == f"READY {point}\n", (line, process.poll(), process.stderr.read() if process.poll() else "")


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (dot names included) with its bytes; ``{}`` when there is no folder."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def selected(session, module, names: tuple[str, ...], cases: Iterable[tuple]) -> list[tuple]:
    """The ``cases`` (tuples of the parameters ``names``) that this session runs in ``module``."""
    chosen = [item.callspec.params for item in session.items
              if getattr(item, "module", None) is module and hasattr(item, "callspec")]
    return [case for case in cases if dict(zip(names, case)) in chosen]


def stop(processes: Iterable[subprocess.Popen]) -> None:
    """Kill what still runs (a case that failed before its signal, or was skipped) and close every pipe."""
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()


@contextmanager
def launched(root: Path, cases: dict[str, Path | None],
             start_case: Callable[[str, Path, Path | None], subprocess.Popen],
             write_previous: Callable[[], None]) -> Iterator[dict[str, tuple[subprocess.Popen, Path, dict]]]:
    """Every case's process started at once; ``{case id: (process, out folder, its files before)}``.

    ``cases`` maps a case id to the finished run its folder starts as (``None``: an empty folder).
    ``start_case(id, out, start_when)`` starts the case into ``root/ID/out``; a case over a finished run gets a
    ``start_when`` file and waits, its imports done, until ``write_previous()`` (called here meanwhile) has
    written the finished runs and they are copied in. Whatever still runs at the end is stopped.
    """
    ready = root / "previous-copied"
    processes = {}
    try:
        for key, source in cases.items():
            out = root / key / "out"
            out.parent.mkdir(parents=True)
            before = None if source else tree(out)  # empty: the run has not started yet
            processes[key] = (start_case(key, out, ready if source else None), out, before, source)
        if any(cases.values()):
            write_previous()
        started = {}
        for key, (process, out, before, source) in processes.items():
            if source is not None:  # this case waits for its copy
                shutil.copytree(source, out)
                before = tree(out)
            started[key] = (process, out, before)
        ready.touch()
        yield started
    finally:
        stop(process for process, *_ in processes.values())
