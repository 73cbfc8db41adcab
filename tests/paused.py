"""Real commands stopped at chosen points, for the interruption tests of compare, report, jazz, dinos/Shakespeare.

A test runs the command as ``python -m`` runs it (``runpy``, as ``__main__``) from a small script: :data:`PRELUDE`
and the test's own lines, which install pauses and end with ``runpy.run_module``. The command holds no test code.
In the script:

- ``pause(point)`` -- at ``$PAUSE_AT``: ``READY POINT`` in one write on the descriptor ``$READY_FD`` (1, or 2
  for a command that prints on stdout before its pause), then a wait for a line on stdin or a signal. The one
  ``os.write`` goes past the command's stream tracking (:mod:`shared.run.console`), so a signal sent the moment
  the line is read cannot land between a line and its newline;
- ``PauseAtImport(module, point)`` -- on ``sys.meta_path``: the pause when ``module`` starts importing (inside
  ``shared.run.cli.run``, where a Ctrl-C must be one line, not a traceback);
- ``wait_for_start()`` -- with ``$START_WHEN`` set, wait (the slow imports done) until that file exists: a
  case's process can start, and import TensorFlow, before the folder it runs over is ready.

Here: :func:`start` the script, :func:`wait_ready` for its pause, :func:`tree` of a folder before and after,
:func:`selected` cases of a module and :func:`launched` to start them all at once (each case's process imports
for seconds, then waits at its point) with the finished runs some of them start over, :func:`stop` what is left;
:func:`background` for a plain ``python`` command at low priority (:func:`python` builds such command lines).

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


def python(args: Iterable[str], niceness: int = 0) -> list[str]:
    """The command line of ``python ARGS`` at ``niceness`` (> 0: it and its children get the CPU only when the
    tests in this process leave it)."""
    return ["nice", "-n", str(niceness), sys.executable, *args]


def environment(**variables: str) -> dict[str, str]:
    """This process's environment with TensorFlow quiet, and ``variables``."""
    return dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0", **variables)


def start(script: str, args: Iterable[str], point: str, *, ready_fd: int = 1,
          start_when: Path | None = None, niceness: int = 0) -> subprocess.Popen:
    """``python -c PRELUDE+script ARGS`` paused at ``point``, with text pipes on stdin, stdout and stderr."""
    env = environment(PAUSE_AT=point, READY_FD=str(ready_fd), START_WHEN=str(start_when or ""))
    process = subprocess.Popen(python(["-c", PRELUDE + script, *args], niceness), cwd=REPO, env=env,
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


def background(args: Iterable[str], **popen) -> subprocess.Popen:
    """``python ARGS`` at niceness :data:`BACKGROUND` (TensorFlow quiet), stderr piped; stdout too unless given."""
    popen.setdefault("stdout", subprocess.PIPE)
    return subprocess.Popen(python(args, BACKGROUND), cwd=REPO, env=environment(), stderr=subprocess.PIPE,
                            text=True, **popen)


class Launched:
    """Every case's process, started at once, and the finished runs that some cases start over.

    ``cases`` maps a case id to the finished run its folder starts as (``None``: an empty folder), and
    ``previous`` each such run's folder to the ``python`` arguments that write it (the command, run to its end,
    in the background). ``start_case(id, out, start_when)`` starts the case into ``root/ID/out``; a case over a
    finished run gets a ``start_when`` file and waits, its imports done, until a thread here has seen every
    previous run end well and copied them in. ``launched[id]`` -> ``(process, out folder, its files before)``,
    once that is done (a previous run that failed fails every case that asks).
    """

    def __init__(self, root: Path, cases: dict[str, Path | None],
                 start_case: Callable[[str, Path, Path | None], subprocess.Popen], previous: dict[Path, list[str]]):
        self._ready = root / "previous-copied"
        self._cases: dict[str, list] = {}
        self._previous: list[subprocess.Popen] = []
        self._error: str | None = None
        try:
            for key, source in cases.items():
                out = root / key / "out"
                out.parent.mkdir(parents=True)
                self._cases[key] = [start_case(key, out, self._ready if source else None), out, {}, source]
            self._previous = [background(args, stdout=subprocess.DEVNULL) for args in previous.values()]
        except BaseException:
            self.stop()
            raise
        self._thread = threading.Thread(target=self._copy_previous, args=(list(previous),), daemon=True)
        self._thread.start()

    def _copy_previous(self, folders: list[Path]) -> None:
        try:
            for folder, process in zip(folders, self._previous):
                _, err = process.communicate()
                if process.returncode != 0:
                    raise RuntimeError(f"the run into {folder} ended with {process.returncode}: {err[-2000:]}")
            for case in self._cases.values():
                _, out, _, source = case
                if source is not None:
                    shutil.copytree(source, out)
                    case[2] = tree(out)
            self._ready.touch()
        except Exception as exc:
            self._error = f"{type(exc).__name__}: {exc}"

    def wait_previous(self) -> None:
        """Until the previous runs are written and copied in (an assertion error if one failed)."""
        self._thread.join(timeout=600)
        assert self._error is None and not self._thread.is_alive(), self._error or "the previous runs never ended"

    def __getitem__(self, key: str) -> tuple[subprocess.Popen, Path, dict]:
        self.wait_previous()
        process, out, before, _ = self._cases[key]
        return process, out, before

    def stop(self) -> None:
        stop([case[0] for case in self._cases.values()] + self._previous)


@contextmanager
def launched(root: Path, cases: dict[str, Path | None],
             start_case: Callable[[str, Path, Path | None], subprocess.Popen],
             previous: dict[Path, list[str]]) -> Iterator[Launched]:
    """:class:`Launched`, stopped at the end (whatever still runs: a case that failed before its signal)."""
    started = Launched(root, cases, start_case, previous)
    try:
        yield started
    finally:
        started.stop()
