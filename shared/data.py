"""Fetch the course's data files into ``data/``, verified against ``data/SHA256SUMS``.

    python -m shared.data                 # download from the public sources (or $DATA_DIR / $DATA_BASE_URL)
    python -m shared.data --source DIR    # copy from a local folder holding the files
    python -m shared.data --base-url URL  # download every file as URL/NAME (e.g. a local mirror)

Every file is checked against its committed sha256 before it is moved into place; the pretrained Shakespeare
model is optional. :func:`verify_course_file` refuses, in one line, a course file in ``data/`` whose bytes changed.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Sequence

from .run.cli import ArgumentParser
from .run import UserError, start
from .run.io import atomic_path, sha256_file
from .paths import DATA_DIR, display_path

_COURSE = ("https://raw.githubusercontent.com/shivamaggarwal513/coursera-deep-learning-specialization/"
           "978806ebf00302bd720376224b05342bdc290f31/c5-sequence-models/week-1/")
SOURCES = {
    "dinos.txt": _COURSE + "a2-dinosaur-island-character-level/datasets/dinos.txt",
    "shakespeare.txt": _COURSE + "a2-dinosaur-island-character-level/datasets/shakespeare.txt",
    "original_metheny.mid": ("https://raw.githubusercontent.com/jisungk/deepjazz/"
                             "9c3b11245db196311b9f0176e984a38725a7113a/midi/original_metheny.mid"),
    "model_shakespeare_kiank_350_epoch.h5": _COURSE + "a2-dinosaur-island-character-level/models/lstm_shakespeare.h5",
    # the course's own generated solos, for listening and comparing side by side
    "course_my_music.midi": ("https://raw.githubusercontent.com/amanchadha/coursera-deep-learning-specialization/"
                             "e9de0f4d1549b5a974c7f5cba013097fe162a798/C5%20-%20Sequence%20Models/Week%201/"
                             "Jazz%20improvisation%20with%20LSTM/output/my_music.midi"),
    "course_v1.2_run_my_music.midi": _COURSE + "a3-jazz-improvisation-with-lstm/outputs/my_music.midi",
}
OPTIONAL = {"model_shakespeare_kiank_350_epoch.h5"}
_HEX = frozenset("0123456789abcdef")


def read_checksums(path: Path = DATA_DIR / "SHA256SUMS") -> dict[str, str]:
    """``{filename: sha256}`` from a ``sha256sum``-format file; a missing or malformed file is a :class:`UserError`."""
    restore = "restore it with 'git checkout -- data/SHA256SUMS'"
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise UserError(f"checksum list not found: {path}; {restore}") from None
    except UnicodeDecodeError:
        raise UserError(f"checksum list is not text: {path}; {restore}") from None
    except OSError as exc:
        raise UserError(f"cannot read checksum list {path}: {exc.strerror or exc}") from None
    sums = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split(maxsplit=1)
        if len(parts) != 2 or len(parts[0]) != 64 or not set(parts[0].lower()) <= _HEX:
            raise UserError(f"{path} line {number} is not '<sha256>  <name>': {line[:60]!r}; {restore}")
        sums[parts[1].strip().lstrip("*")] = parts[0].lower()
    if not sums:
        raise UserError(f"checksum list is empty: {path}; {restore}")
    return sums


def verify_course_file(path: str | os.PathLike, data_dir: Path = DATA_DIR) -> Path:
    """Return ``path``; a course file (inside ``data_dir``, named in its ``SHA256SUMS``) that is missing or changed
    is a :class:`UserError`, any other file is the user's own and passes."""
    path = Path(path)
    try:
        inside = path.resolve().parent == Path(data_dir).resolve()
    except OSError:
        inside = False
    if not inside:
        return path
    sums = read_checksums(Path(data_dir) / "SHA256SUMS")
    expected = sums.get(path.name)
    if expected is None:
        return path
    shown = display_path(path)
    if not path.is_file():
        raise UserError(f"course file not found: {shown} (run 'make data' to fetch it)")
    try:
        actual = sha256_file(path)
    except OSError as exc:
        raise UserError(f"cannot read course file {shown}: {exc.strerror or exc}") from None
    if actual != expected:
        raise UserError(f"course file {shown} was changed or damaged (sha256 {actual[:12]}…, SHA256SUMS says "
                        f"{expected[:12]}…): run 'make data' to restore it (it replaces the changed file), "
                        f"or copy it outside {display_path(data_dir)}/ and pass that copy to use your own version")
    return path


def _download(url: str, dest: Path, timeout: float) -> None:
    import urllib.error  # here: every command checks its course files through this module, few download
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(dest, "wb") as out:
            shutil.copyfileobj(response, out)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise UserError(f"cannot download {url}: {reason}") from None


def fetch_one(name: str, expected: str, target_dir: Path, source_dir: Path | None,
              base_url: str | None, timeout: float = 60.0) -> str:
    """Put ``name`` into ``target_dir`` verified; return how (``present``, ``copied``, ``downloaded``)."""
    target = target_dir / name
    if target.is_file() and sha256_file(target) == expected:
        return "present"
    local = source_dir / name if source_dir else None
    with atomic_path(target, hold=False) as tmp:  # moved into place only if copied/downloaded and verified
        if local is not None and local.is_file():
            shutil.copyfile(local, tmp)
            how, origin = "copied", str(local)
        else:
            origin = f"{base_url.rstrip('/')}/{name}" if base_url else SOURCES[name]
            _download(origin, tmp, timeout)
            how = "downloaded"
        actual = sha256_file(tmp)
        if actual != expected:
            raise UserError(f"checksum mismatch for {name} from {origin}: got {actual[:12]}…, "
                            f"expected {expected[:12]}… (data/SHA256SUMS); nothing was written")
    return how


def fetch_all(target_dir: Path = DATA_DIR, source_dir: Path | None = None,
              base_url: str | None = None, names: Sequence[str] | None = None, quiet: bool = False) -> dict:
    """Fetch every file of ``SHA256SUMS`` (or ``names``); optional files may fail with a note."""
    sums = read_checksums(target_dir / "SHA256SUMS")
    report = {}
    for name in names or sums:
        if name not in sums:
            raise UserError(f"unknown data file {name!r}; known: {', '.join(sums)}")
        try:
            report[name] = fetch_one(name, sums[name], target_dir, source_dir, base_url)
        except UserError as exc:
            if name not in OPTIONAL:
                raise UserError(f"{exc}. Check your connection, or set DATA_DIR to a folder holding the "
                                f"course files, or DATA_BASE_URL to a mirror serving them") from None
            report[name] = "missing"
            if not quiet:
                print(f"note: optional {name} not fetched ({exc})", file=sys.stderr)
            continue
        if not quiet:
            print(f"{display_path(target_dir / name)}: {report[name]}")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = ArgumentParser(prog="python -m shared.data", description=__doc__.split("\n\n")[0])
    env_source = os.environ.get("DATA_DIR")
    parser.add_argument("--source", type=Path, default=Path(env_source) if env_source else None,
                        help="folder holding local copies of the files (default: $DATA_DIR, if set)")
    parser.add_argument("--base-url", default=os.environ.get("DATA_BASE_URL"),
                        help="download every file as BASE_URL/NAME instead of from its public source "
                             "(default: $DATA_BASE_URL, if set)")
    parser.add_argument("--dest", type=Path, default=DATA_DIR, help="target folder holding SHA256SUMS (default: data/)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    parser.add_argument("names", nargs="*", help="only these files (default: all in SHA256SUMS)")
    args = parser.parse_args(argv)
    fetch_all(args.dest, args.source, args.base_url, args.names or None, args.quiet)
    return 0


if __name__ == "__main__":
    start(main)
