"""The loss curve of a dinosaur run, drawn by a child process that imports matplotlib while the parent trains.

Importing matplotlib and drawing a figure take more than a second, a fifth of ``make dinos``; the course's
training is one core's work, and the machine has another. :class:`CurvePlotter` starts
``python -m assignments.dinos.plot`` before training: the child imports matplotlib at once, then waits for
the curve on its stdin and writes the PNG through :func:`shared.plotting.plot_curves` (atomically, like
every output). The parent sends the curve when training is done and waits for the child's exit status;
a failure is one ``error:`` line naming the file. If the parent stops early (an error, Ctrl-C) the child
sees its stdin close and exits without writing anything.

When matplotlib is already imported (the tests, a second run in one process) or the run is short, there is
nothing to overlap: the caller asks for no background (:func:`worth_a_child`) and :class:`CurvePlotter` draws
in the same process. Not in the course: it drew no files.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Mapping, Sequence

from shared.cleanup import untrack_child
from shared.errors import UserError
from shared.io import spawn
from shared.paths import REPO_ROOT, display_path

Curves = Mapping[str, tuple[Sequence[float], Sequence[float]]]


def worth_a_child(seconds_of_work_meanwhile: float) -> bool:
    """Whether a background child pays: matplotlib not imported yet, and more than its import time of work."""
    return "matplotlib" not in sys.modules and seconds_of_work_meanwhile > 1.5


class CurvePlotter:
    """Draws one PNG: :meth:`submit` the curve, :meth:`result` waits for the file (a child when ``background``)."""

    def __init__(self, background: bool):
        self._child = None
        self._path: Path | None = None
        if background:
            try:
                self._child = spawn([sys.executable, "-m", "assignments.dinos.plot"], cwd=REPO_ROOT,
                                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    text=True)  # recorded: an interrupted run stops it (shared.cli.run)
            except OSError:  # no child: draw here instead
                self._child = None

    def submit(self, path: str | os.PathLike, curves: Curves, title: str, xlabel: str, ylabel: str) -> None:
        """Hand the curve over (the child starts drawing while the caller goes on); in-process: draw it now."""
        self._path = Path(path)
        if self._child is None:
            from shared.plotting import plot_curves

            plot_curves(self._path, curves, title, xlabel, ylabel)
            return
        request = {"path": str(self._path.resolve()), "title": title, "xlabel": xlabel, "ylabel": ylabel,
                   "curves": {label: [list(map(float, xs)), list(map(float, ys))] for label, (xs, ys) in curves.items()}}
        try:
            self._child.stdin.write(json.dumps(request))
            self._child.stdin.close()
        except OSError:  # the child is gone; result() reports why
            pass

    def result(self) -> Path:
        """The PNG's path once it is written; one :class:`UserError` line if the child could not write it."""
        if self._path is None:
            raise RuntimeError("submit() a curve first")
        if self._child is not None:
            child, self._child = self._child, None
            err = child.stderr.read()
            child.wait()
            untrack_child(child)
            if child.returncode != 0:
                lines = [line for line in (err or "").strip().splitlines() if line.strip()]
                reason = lines[-1] if lines else f"exit status {child.returncode}"
                raise UserError(f"cannot draw {display_path(self._path)}: {reason}")
        return self._path

    def plot(self, path: str | os.PathLike, curves: Curves, title: str, xlabel: str, ylabel: str) -> Path:
        """:meth:`submit` then :meth:`result`."""
        self.submit(path, curves, title, xlabel, ylabel)
        return self.result()

    def close(self) -> None:
        """Stop a child that was never given a curve or not waited for (the run stopped early)."""
        if self._child is not None:
            child, self._child = self._child, None
            try:
                child.stdin.close()
            except OSError:
                pass
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            untrack_child(child)
            child.stderr.close()

    def __enter__(self) -> "CurvePlotter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def main() -> int:
    """The child: import matplotlib now, then draw the one curve read from stdin (nothing if stdin closes empty)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401 -- the slow import, done while the parent trains

    text = sys.stdin.read()
    if not text.strip():
        return 0
    request = json.loads(text)
    from shared.plotting import plot_curves

    curves = {label: (xs, ys) for label, (xs, ys) in request["curves"].items()}
    try:
        plot_curves(request["path"], curves, request["title"], request["xlabel"], request["ylabel"])
    except UserError as exc:  # shared.io's own one-line reason
        print(exc, file=sys.stderr)
        return 1
    except OSError as exc:
        print(exc.strerror or exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
