"""Pictures drawn by a child process while the caller goes on (importing matplotlib costs a second or more).

``Drawing(background=True)`` starts ``python -m shared.run.drawing``, which imports matplotlib while the parent
works; ``drawing.draw(plot_curves, path, ...)`` sends the function and its arguments pickled over the child's stdin,
and :meth:`Drawing.wait` waits for the files (a failure is one :class:`~shared.run.UserError` line). Without a child
(:func:`worth_a_child` says no) the same calls draw in this process.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Callable

from shared.run import UserError
from shared.run.cleanup import spawn, untrack_child
from shared.paths import REPO_ROOT, display_path

_FAILED = "failed: "  # the child's line for a file it could not write: "failed: PATH<TAB>REASON"
MATPLOTLIB_IMPORT_S = 1.5  # about what importing matplotlib.pyplot costs here: less work meanwhile is not worth a child


def worth_a_child(seconds_of_work_meanwhile: float) -> bool:
    """Whether a background child pays: matplotlib not imported yet, and more than its import time of work."""
    return "matplotlib" not in sys.modules and seconds_of_work_meanwhile > MATPLOTLIB_IMPORT_S


class Drawing:
    """:meth:`draw` requests (in a child when ``background``), :meth:`wait` for their files."""

    def __init__(self, background: bool):
        self._child: subprocess.Popen | None = None
        self._paths: list[Path] = []
        if background:
            try:
                self._child = spawn([sys.executable, "-m", "shared.run.drawing"], cwd=REPO_ROOT, stdin=subprocess.PIPE,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            except OSError:  # no child: draw here instead
                self._child = None

    @property
    def background(self) -> bool:
        return self._child is not None

    def draw(self, function: Callable, path: str | os.PathLike, *args, **kwargs) -> None:
        """``function(path, *args, **kwargs)``: sent to the child (which starts on it at once), or run now."""
        path = Path(path)
        self._paths.append(path)
        if self._child is None:
            function(path, *args, **kwargs)
            return
        try:
            pickle.dump((function, str(path.resolve()), args, kwargs), self._child.stdin,
                        protocol=pickle.HIGHEST_PROTOCOL)
            self._child.stdin.flush()
        except OSError:  # the child is gone; wait() reports why
            pass

    def wait(self) -> list[Path]:
        """The paths drawn, once every file is written; one :class:`UserError` line if one could not be."""
        if self._child is not None:
            child, self._child = self._child, None
            try:
                child.stdin.close()
            except OSError:
                pass
            err = child.stderr.read().decode("utf-8", "replace")
            child.wait()
            untrack_child(child)
            child.stderr.close()
            if child.returncode != 0:
                lines = [line for line in err.strip().splitlines() if line.strip()]
                failed = [line.split("\t", 1) for line in lines if line.startswith(_FAILED)]
                if failed:  # the child's own line: the first file it could not write, and why
                    path, reason = failed[0][0][len(_FAILED):], failed[0][1]
                    raise UserError(f"cannot draw {display_path(Path(path))}: {reason}")
                reason = lines[-1] if lines else f"exit status {child.returncode}"
                raise UserError(f"cannot draw {', '.join(display_path(p) for p in self._paths)}: {reason}")
        for path in self._paths:  # exit status 0 is not enough: every file must be there
            if not path.is_file() or path.stat().st_size == 0:
                raise UserError(f"cannot draw {display_path(path)}: no file was written")
        return list(self._paths)

    def close(self) -> None:
        """Terminate a child that was not waited for (the run stopped early: nothing it draws is kept)."""
        if self._child is not None:
            child, self._child = self._child, None
            if child.poll() is None:
                child.terminate()
            child.wait()
            untrack_child(child)
            for stream in (child.stdin, child.stderr):
                try:
                    stream.close()
                except OSError:
                    pass

    def __enter__(self) -> "Drawing":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def main() -> int:
    """The child: import matplotlib now, then draw each request read from stdin until it closes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401 -- the slow import, done while the parent works

    requests = sys.stdin.buffer
    status = 0
    while True:
        try:
            function, path, args, kwargs = pickle.load(requests)
        except EOFError:
            return status
        try:
            function(path, *args, **kwargs)
        except (UserError, OSError) as exc:  # shared.run.io's own one-line reason, or the system's
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            print(f"{_FAILED}{path}\t{reason}", file=sys.stderr, flush=True)
            status = 1


if __name__ == "__main__":
    from shared.run.cli import exit_now

    exit_now(main())  # every file is written and renamed by now: no teardown of matplotlib to wait for
