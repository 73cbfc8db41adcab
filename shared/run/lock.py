"""One run at a time per output folder: a ``.lock`` file held with ``fcntl.flock``.

A second run into a locked folder stops at once with one line naming the owner's pid (kept in the file). The kernel
drops a ``flock`` however its process dies, so a ``.lock`` left by a killed run is simply taken over.
"""
from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path

from . import UserError
from ..paths import display_path

LOCK_NAME = ".lock"


class FolderLock:
    """``with FolderLock(folder):`` -- or :meth:`acquire` / :meth:`release`."""

    def __init__(self, folder: str | os.PathLike, what: str = "output folder"):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self.what = what
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> "FolderLock":
        for _ in range(10):  # retried only when the file was replaced between open and flock
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                raise self._cannot(exc.strerror or exc) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                owner = _read_pid(fd)
                os.close(fd)
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise self._cannot(exc.strerror or exc) from None
                raise UserError(f"{self.what} {display_path(self.folder)} is in use by another run "
                                f"(pid {owner or '?'}); wait for it to end or choose another --out") from None
            if not _same_file(fd, self.path):  # the previous owner removed it as we opened it: try again
                os.close(fd)
                continue
            try:
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
            except OSError as exc:  # a full disk: no empty .lock left behind
                os.unlink(self.path)
                os.close(fd)
                raise self._cannot(f"cannot write {display_path(self.path)}: {exc.strerror or exc}") from None
            self._fd = fd
            return self
        raise self._cannot("it keeps changing")

    def _cannot(self, reason) -> UserError:
        return UserError(f"cannot lock {self.what} {display_path(self.folder)}: {reason}")

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            if _same_file(self._fd, self.path):
                self.path.unlink()
        except OSError:
            pass
        os.close(self._fd)  # closing drops the flock
        self._fd = None

    def __enter__(self) -> "FolderLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


_claims: dict[Path, FolderLock] = {}  # folders locked for the whole run (claim), by resolved path


def claim(folder: str | os.PathLike) -> FolderLock:
    """Create and lock ``folder`` for the rest of the run, before anything is printed (a busy folder is one line at
    once); the run's end releases it, and removes the folder if the run made it and left it empty."""
    from .cleanup import at_end
    from .io import ensure_output_dir

    key = Path(folder).resolve()
    if key not in _claims:
        made = not Path(folder).exists()
        ensure_output_dir(folder)
        _claims[key] = FolderLock(folder).acquire()
        at_end(lambda: _release_claim(key, made))
    return _claims[key]


def _release_claim(key: Path, made: bool) -> None:
    _claims.pop(key).release()
    if made:  # a folder the run made and never wrote into (it chose another, or wrote nothing) goes again
        try:
            key.rmdir()
        except OSError:
            pass


def claimed(folder: str | os.PathLike) -> FolderLock | None:
    """The lock :func:`claim` holds on ``folder`` in this run, or None."""
    return _claims.get(Path(folder).resolve())


def _same_file(fd: int, path: Path) -> bool:
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _read_pid(fd: int) -> str | None:
    for _ in range(5):  # the owner writes its pid right after taking the lock
        try:
            text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        except OSError:
            return None
        if text:
            return text if text.isdigit() else None
        time.sleep(0.01)
    return None


def lock_owner(folder: str | os.PathLike) -> int | None:
    """The pid of a live run that holds ``folder``'s lock (read from ``.lock``, taking no lock), or None."""
    try:
        text = (Path(folder) / LOCK_NAME).read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    if not text.isdigit():
        return None
    pid = int(text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:  # alive, someone else's
        return pid
    return pid
