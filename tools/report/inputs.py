"""Reading the runs under ``output/`` for the report: never a traceback, a warning per unreadable file.

A missing file is not an error (its section says which ``make`` target writes it); a file that cannot be used
(empty, not UTF-8, not JSON, not a PNG, not a WAV) is one warning line. Standard library only, so the page builds in
a fraction of a second.

:func:`folder_state` checks each run folder without locking or writing anything: a live run holding its lock is
"in progress (pid N)" (its set is not checked meanwhile); otherwise every run card's set is verified
(:func:`shared.run.outputs.verify_output_set`) and files no card lists are named, as one warning line for the
folder. A folder without a card, or a card without a ``files`` list, claims no set and is not checked.
"""
from __future__ import annotations

import json
import os
import struct
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.run.lock import lock_owner
from shared.run.outputs import JOURNAL_PREFIX, read_card, verify_output_set

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JSON_NAMES = {dict: "object", list: "array", str: "string", int: "number", float: "number", bool: "boolean",
               type(None): "null"}


@dataclass
class Inputs:
    """The output folder being reported on, the warnings met so far and the files read."""

    root: Path
    warnings: list[str] = field(default_factory=list)
    read: list[Path] = field(default_factory=list)

    def path(self, relative: str) -> Path:
        return self.root / relative

    def exists(self, relative: str) -> bool:
        return (self.root / relative).is_file()

    def warn(self, relative: str, problem: str) -> None:
        self.warnings.append(f"{relative}: {problem}")

    def text(self, relative: str) -> str | None:
        """The UTF-8 text of a file; None (and a warning) when it is empty or not UTF-8, None when missing."""
        path = self.root / relative
        if not path.is_file():
            return None
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self.warn(relative, f"cannot be read ({exc.strerror or exc})")
            return None
        if not raw.strip():
            self.warn(relative, "is empty")
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.warn(relative, f"is not UTF-8 text (byte {exc.start})")
            return None
        self.read.append(path)
        return text

    def json(self, relative: str, kind: type | tuple[type, ...] = dict) -> Any:
        """A JSON file whose top level is ``kind``; None (and a warning) when it is broken, None when missing."""
        text = self.text(relative)
        if text is None:
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            self.warn(relative, f"is not valid JSON (line {exc.lineno}: {exc.msg})")
            return None
        if not isinstance(value, kind):
            kinds = kind if isinstance(kind, tuple) else (kind,)
            expected = " or ".join(_JSON_NAMES.get(k, k.__name__) for k in kinds)
            found = _JSON_NAMES.get(type(value), type(value).__name__)
            self.warn(relative, f"has an unexpected shape (a JSON {found}, expected {expected})")
            return None
        return value

    def png_size(self, relative: str) -> tuple[int, int] | None:
        """``(width, height)`` from a PNG's header; None (and a warning) when it is not a PNG, None when missing."""
        path = self.root / relative
        if not path.is_file():
            return None
        try:
            with open(path, "rb") as handle:
                head = handle.read(24)
        except OSError as exc:
            self.warn(relative, f"cannot be read ({exc.strerror or exc})")
            return None
        if len(head) < 24 or not head.startswith(PNG_SIGNATURE) or head[12:16] != b"IHDR":
            self.warn(relative, "is not a PNG image")
            return None
        width, height = struct.unpack(">II", head[16:24])
        return width, height

    def wav_seconds(self, relative: str) -> float | None:
        """A WAV file's duration from its header; None (and a warning) when unreadable, None when missing."""
        path = self.root / relative
        if not path.is_file():
            return None
        try:
            with wave.open(str(path), "rb") as handle:
                frames, rate = handle.getnframes(), handle.getframerate()
        except (wave.Error, EOFError, OSError) as exc:
            self.warn(relative, f"is not a readable WAV file ({str(exc) or 'truncated'})")
            return None
        if rate <= 0 or frames <= 0:
            self.warn(relative, "is an empty WAV file")
            return None
        return frames / rate


def as_dict(value: Any) -> dict:
    """``value`` if it is a dict, else an empty one (JSON files of an unexpected shape read as empty)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


CARD_SUFFIX = "run_card.json"


@dataclass
class FolderState:
    """What the report knows of one run folder before reading its files."""

    relative: str  # the folder inside the reported root, e.g. "dinos"
    pid: int | None = None  # a live run holding the folder's lock
    problems: list[str] = field(default_factory=list)  # the folder's files are not (all) its cards' sets

    def warning(self, target: str) -> str | None:
        """One line for the page and the command, or None when the folder is consistent."""
        if not self.problems:
            return None
        more = len(self.problems) - 1
        extra = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        return (f"{self.relative}/{self.problems[0]}{extra}; the files here are not all one run's set: "
                f"run {target} again")

    def progress(self, shown_root: str) -> str | None:
        """The in-progress line (None when no run holds the folder)."""
        if self.pid is None:
            return None
        return f"a run is in progress in {shown_root}{self.relative}/ (pid {self.pid})"


def card_names(folder: Path) -> list[str]:
    """The run cards of ``folder``: ``*run_card.json`` beside its files and those named by a commit journal."""
    names = set()
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        name = entry.name
        if name.startswith(JOURNAL_PREFIX) and name.endswith(CARD_SUFFIX):
            names.add(name[len(JOURNAL_PREFIX):])
        elif not name.startswith(".") and name.endswith(CARD_SUFFIX) and entry.is_file():
            names.add(name)
    return sorted(names)


def _files_under(folder: Path) -> list[Path]:
    """The regular files under ``folder``, internal (dot) names and folders skipped."""
    found = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(top) / name for name in sorted(files) if not name.startswith(".")]
    return found


def unclaimed(folder: Path, cards: list[str]) -> list[str] | None:
    """Files under ``folder`` that none of its ``cards`` lists (nor their checkpoint units); None if a card is
    missing, unreadable or lists no files."""
    claimed, units = set(cards), []
    for name in cards:
        card = read_card(folder / name)
        files = card.get("files") if card is not None else None
        if not isinstance(files, dict):  # a card missing or broken (verify_output_set says so), or claiming no set
            return None
        claimed.update(str(n) for n in files)
        for store in card.get("checkpoints") or []:
            if isinstance(store, dict) and isinstance(store.get("folder"), str):
                units.append(folder / store["folder"])  # verify_output_set checks the units themselves
    found = []
    for path in _files_under(folder):
        relative = path.relative_to(folder).as_posix()
        if relative not in claimed and not any(store in path.parents for store in units):
            found.append(f"{relative}: not listed in {' or '.join(cards)}")
    return found


def folder_state(root: Path, relative: str) -> FolderState:
    """Check ``root / relative`` (see the module docstring); a missing folder is simply empty."""
    folder = Path(root) / relative
    state = FolderState(relative)
    if not folder.is_dir():
        return state
    state.pid = lock_owner(folder)
    if state.pid is not None:
        return state
    cards = card_names(folder)
    if not cards:
        return state
    problems: list[str] = []
    for name in cards:
        try:
            found = verify_output_set(folder, name)
        except (AttributeError, KeyError, TypeError, ValueError):  # a card of an odd shape, edited by hand
            found = [f"{name}: not a run card (its files or checkpoints have an unexpected shape)"]
        except OSError as exc:
            found = [f"{name}: its files cannot be read ({exc.strerror or exc})"]
        problems += [p for p in found if p not in problems]
    problems += unclaimed(folder, cards) or []
    state.problems = problems
    return state
