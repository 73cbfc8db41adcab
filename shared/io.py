"""Safe file input and output: clear errors on bad input, no half-written files on failure."""
from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from .errors import UserError

_UMASK = os.umask(0)
os.umask(_UMASK)


def sha256_file(path: str | os.PathLike) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_text(path: str | os.PathLike, what: str = "file") -> str:
    """Read a UTF-8 text file, raising :class:`UserError` if it is missing, empty or not UTF-8."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{what} not found: {path} (run 'make data' to fetch the course data)")
    raw = path.read_bytes()
    if not raw.strip():
        raise UserError(f"{what} is empty: {path}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{what} is not UTF-8 text: {path} (byte {exc.start})") from None


def ensure_output_dir(path: str | os.PathLike) -> Path:
    """Create ``path`` (and parents) and check it is writable, raising :class:`UserError` otherwise.

    Call this before any long work so an unwritable ``--out`` fails at once.
    """
    path = Path(path)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    try:
        path.mkdir(parents=True, exist_ok=True)
        _created_dirs.extend(missing)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as exc:
        discard_created_dirs()
        raise UserError(f"cannot write to output folder {path}: {exc.strerror or exc}") from None
    return path


_created_dirs: list[Path] = []


def forget_created_dirs() -> None:
    """Start a run with no folders recorded (called by :func:`shared.cli.run`)."""
    _created_dirs.clear()


def discard_created_dirs() -> None:
    """Remove the folders :func:`ensure_output_dir` created that are still empty (deepest first).

    :func:`shared.cli.run` calls this when a run stops on a :class:`UserError`, so a run that fails
    after checking its output folder leaves nothing behind, not even an empty folder.
    """
    for folder in sorted(set(_created_dirs), key=lambda p: len(p.parts), reverse=True):
        try:
            folder.rmdir()
        except OSError:
            pass
    _created_dirs.clear()


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only if the block succeeds.

    Libraries that insist on writing to a filename (matplotlib, Keras, music21) write to
    the yielded path; on any exception the temporary file is removed and ``path`` is untouched.
    The temporary name keeps ``path``'s suffix, which some writers use to pick a format.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix="".join(path.suffixes))
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs get the usual permissions
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (all or nothing)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
