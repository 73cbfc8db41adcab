"""Reading the runs under ``output/`` for the report: never a traceback, a warning per unreadable file.

A missing file is not an error here (its section says which ``make`` target writes it); a file that is
there but cannot be used -- empty, not UTF-8, not JSON, not a PNG, not a WAV -- becomes one warning line,
shown in its section and printed by the command. Only the standard library is used (no numpy, no
TensorFlow, no music21), so the page builds in a fraction of a second.
"""
from __future__ import annotations

import json
import struct
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
