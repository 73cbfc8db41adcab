"""What one run must undo when it stops early: its temporary files, the folders it created, its children, its locks.

:func:`shared.run.cli.run` calls :func:`reset` when a run starts and :func:`clean_up` when it ends; the other
modules of :mod:`shared.run` record here what they create. Standard library only (imported before anything heavy).
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Callable, Sequence

from .signals import deferred

_temp_paths: dict[Path, None] = {}  # insertion-ordered set
_created_dirs: list[Path] = []
_children: list[subprocess.Popen] = []
_releases: list[Callable[[], None]] = []  # locks held for the whole run (shared.run.lock.claim), released last

CHILD_GRACE_S = 2.0  # seconds a child gets to exit after SIGTERM before it is killed


def reset() -> None:
    """Start a run with nothing recorded (temporary paths, folders, children)."""
    _temp_paths.clear()
    _created_dirs.clear()
    _children.clear()
    _releases.clear()


def track_temp(path: str | os.PathLike) -> Path:
    """Record a temporary file or folder to be removed if the run stops before it is moved into place."""
    path = Path(path)
    _temp_paths[path] = None
    return path


def untrack_temp(path: str | os.PathLike) -> None:
    _temp_paths.pop(Path(path), None)


def track_created_dirs(paths) -> None:
    """Record folders this run created (removed again at a failed run's end if still empty)."""
    _created_dirs.extend(Path(p) for p in paths)


def at_end(release: Callable[[], None]) -> None:
    """Call ``release`` when the run ends (after its children are stopped and its temporary files removed)."""
    _releases.append(release)


def track_child(process: subprocess.Popen) -> subprocess.Popen:
    _children.append(process)
    return process


def untrack_child(process: subprocess.Popen) -> None:
    if process in _children:
        _children.remove(process)


def remove_temp_paths() -> None:
    """Remove every temporary path still recorded (files and folders)."""
    for path in reversed(list(_temp_paths)):
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        except OSError:
            pass
    _temp_paths.clear()


def discard_created_dirs() -> None:
    """Remove the recorded folders that are still empty (deepest first), then forget them."""
    for folder in sorted(set(_created_dirs), key=lambda p: len(p.parts), reverse=True):
        try:
            folder.rmdir()
        except OSError:
            pass
    _created_dirs.clear()


def stop_children(grace: float = CHILD_GRACE_S) -> list[int]:
    """SIGTERM every recorded child still running, SIGKILL those alive after ``grace`` s; returns their pids."""
    running = [p for p in _children if p.poll() is None]
    for process in running:
        try:
            process.terminate()
        except OSError:
            pass
    for process in running:
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    _children.clear()
    return [p.pid for p in running]


def clean_up(failed: bool) -> None:
    """End of a run: stop children and remove temporary paths; after a failure also the empty folders it made."""
    stop_children()
    remove_temp_paths()
    while _releases:
        _releases.pop()()
    if failed:
        discard_created_dirs()
    else:
        _created_dirs.clear()


def spawn(args: Sequence[str], **popen_kwargs) -> subprocess.Popen:
    """``subprocess.Popen``, recorded before a signal can stop the run: the run stops it when it ends, however it ends."""
    with deferred(block=False):  # the child inherits no blocked signals: SIGTERM still stops it
        return track_child(subprocess.Popen(list(args), **popen_kwargs))
