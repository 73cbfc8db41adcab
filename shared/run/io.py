"""Safe file input and output: one-line errors on bad input, no half-written files on failure.

:func:`read_text` reads a UTF-8 input or raises one :class:`UserError` line; :func:`atomic_path` /
:func:`atomic_dir` write a file / a folder under a temporary name (removed even by an interrupted run) and move
it into place, flushed, only when complete; a write ``OSError`` becomes ``cannot write PATH: REASON``. A whole
run's outputs are made all-or-nothing by :class:`shared.run.outputs.OutputSet`, built on these.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from . import UserError, cleanup
from ..paths import DATA_DIR, display_path
from .signals import deferred

_UMASK = os.umask(0)
os.umask(_UMASK)

# errno values that mean "this place cannot take the output" (not a bug in the program)
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM,
                          errno.EIO, errno.EISDIR, errno.ENOTDIR, errno.ENAMETOOLONG})
_ERRNO_IN_TEXT = re.compile(r"errno\s*=\s*(\d+)")  # h5py's OSError text: "... errno = 28, error message = ..."


def os_errno(exc: OSError) -> int | None:
    """``exc.errno``, or the errno h5py writes into its message."""
    if exc.errno is not None:
        return exc.errno
    found = _ERRNO_IN_TEXT.search(str(exc))
    return int(found.group(1)) if found else None


def os_error_reason(exc: OSError) -> str:
    """A short reason: ``No space left on device`` (the errno's text), else the first line of the message."""
    number = os_errno(exc)
    if exc.strerror:
        return exc.strerror
    if number is not None:
        return os.strerror(number)
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def is_write_error(exc: BaseException) -> bool:
    """True for an ``OSError`` caused by where the output goes (full disk, read-only, no permission, ...)."""
    return isinstance(exc, OSError) and os_errno(exc) in WRITE_ERRNOS


def write_error(path: str | os.PathLike, exc: OSError) -> UserError:
    """The one-line :class:`UserError` for an ``OSError`` while writing ``path``."""
    return UserError(f"cannot write {display_path(path)}: {os_error_reason(exc)}")


def sha256_file(path: str | os.PathLike) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_text(path: str | os.PathLike, what: str = "file") -> str:
    """A UTF-8 text file's text, or one :class:`UserError` line: missing, a folder, unreadable, blank, not UTF-8."""
    path = Path(path)
    shown = display_path(path)
    if not path.is_file():
        if path.is_dir():
            raise UserError(f"{what} is a folder, not a file: {shown}")
        course = path.parent.resolve() == DATA_DIR.resolve()
        raise UserError(f"{what} not found: {shown}" + (" (run 'make data' to fetch the course data)" if course else ""))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {what} {shown}: {os_error_reason(exc)}") from None
    if not raw.strip():
        raise UserError(f"{what} is empty: {shown}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise UserError(f"{what} is not UTF-8 text: {shown} (byte 0x{raw[exc.start]:02x} at offset {exc.start}, "
                        f"line {line}); save it as UTF-8") from None


def ensure_output_dir(path: str | os.PathLike) -> Path:
    """Create ``path`` (and parents) and check it is writable, else :class:`UserError` (before any long work)."""
    if isinstance(path, str) and not path.strip():  # Path("") would silently be the working folder
        raise UserError("the output folder is an empty string; give a folder name")
    path = Path(path)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    try:
        path.mkdir(parents=True, exist_ok=True)
        cleanup.track_created_dirs(missing)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as exc:
        cleanup.discard_created_dirs()
        blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
        reason = f"{display_path(blocker)} is a file, not a folder" if blocker is not None else os_error_reason(exc)
        raise UserError(f"cannot write to output folder {display_path(path)}: {reason}") from None
    return path


def check_output_target(path: str | os.PathLike) -> Path:
    """Raise :class:`UserError` if a file cannot go to ``path``: a folder is there, or a file is one of its parents."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"cannot write {display_path(path)}: a folder of that name is in the way")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UserError(f"cannot write {display_path(path)}: {display_path(parent)} is a file, not a folder")
            break
    return path


def fsync_path(path: str | os.PathLike) -> None:
    """Flush a file's (or a folder's entries') data to disk: a rename or a run card never outlives its contents."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):  # a file system that has nothing to flush
            raise
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, shown: str | os.PathLike | None = None, hold: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` (same suffix); move it into place, flushed, only if the block succeeds.

    A write ``OSError`` becomes a :class:`UserError` naming ``shown`` (default ``path``). ``hold``: signals wait
    until the block ends, so none is lost inside the library that saves (h5py); False for a long block (a download).
    """
    path = check_output_target(path)
    shown = path if shown is None else Path(shown)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix="".join(path.suffixes))
    except OSError as exc:
        raise write_error(shown, exc) from None
    tmp_path = cleanup.track_temp(tmp)
    try:
        os.close(fd)
        os.chmod(tmp_path, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs get the usual permissions
        try:
            with deferred() if hold else contextlib.nullcontext():
                yield tmp_path
            fsync_path(tmp_path)
            os.replace(tmp_path, path)
            fsync_path(path.parent)
        except OSError as exc:
            if is_write_error(exc):
                raise write_error(shown, exc) from None
            raise
    finally:
        try:
            tmp_path.unlink(missing_ok=True)
        except OSError:
            pass
        cleanup.untrack_temp(tmp_path)


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (all or nothing)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``path``; it replaces ``path`` whole only if the block succeeds.

    Signals wait during the block and the renames (a checkpoint's save is never cut inside its writer).
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UserError(f"cannot write {display_path(path)}: a file of that name is in the way")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp_path = cleanup.track_temp(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
    except OSError as exc:
        raise write_error(path, exc) from None
    old = path.parent / f".{path.name}.old-{os.getpid()}"
    try:
        os.chmod(tmp_path, 0o777 & ~_UMASK)
        try:
            with deferred():
                yield tmp_path
            for entry in sorted(tmp_path.rglob("*"), reverse=True) + [tmp_path]:  # files, then their folders
                fsync_path(entry)
        except OSError as exc:
            if is_write_error(exc):
                raise write_error(path, exc) from None
            raise
        cleanup.track_temp(old)
        try:
            with deferred():
                if path.exists():
                    os.rename(path, old)
                os.rename(tmp_path, path)
                fsync_path(path.parent)
        except OSError as exc:
            if old.exists() and not path.exists():
                os.rename(old, path)
            raise write_error(path, exc) from None
    finally:
        for leftover in (tmp_path, old):
            shutil.rmtree(leftover, ignore_errors=True)
            cleanup.untrack_temp(leftover)
