"""What a command prints: quiet-aware lines, progress bars, and errors that start on a fresh line.

:func:`say` prints unless quiet (flushed, so lines and bars stay in order); :func:`progress` is a tqdm bar on stderr
(none when quiet or not a terminal). :func:`shared.run.cli.run` wraps stdout and stderr in :class:`TrackedStream`,
which follows the cursor (``\\r``, ``\\b``), so :func:`end_lines` can start ``error: ...`` on a fresh line.
"""
from __future__ import annotations

import re
import sys
from typing import Any, Iterable

_STAGING = re.compile(r"(?<![^\s/'\"(])\.staging-[^/\s'\"]*/")  # OutputSet's internal folder inside a path
_LINE_LIMIT = 4096  # characters of an unfinished line followed; beyond that it counts as unfinished


class TrackedStream:
    """A text stream proxy that knows whether its current line is unfinished (has visible text or a cursor past 0)."""

    def __init__(self, stream):
        self._stream = stream
        self._line: list[str] = []
        self._col = 0
        self.unfinished = False

    @property
    def wrapped(self):
        return self._stream

    def write(self, text):
        if not isinstance(text, str) or not text:
            return self._stream.write(text)
        # pessimistic during the write: a signal landing mid-way costs at most an extra newline, never a glued line
        self.unfinished = True
        written = self._stream.write(text)
        self._follow(text)
        return written

    def writelines(self, lines: Iterable[str]):
        for line in lines:
            self.write(line)

    def _follow(self, text: str) -> None:
        newline = text.rfind("\n")
        if newline >= 0:
            self._line, self._col = [], 0
            text = text[newline + 1:]
        if len(text) > _LINE_LIMIT:
            self._line, self._col = ["?"], 1
        else:
            line, col = self._line, self._col
            for ch in text:
                if ch == "\r":
                    col = 0
                elif ch == "\b":
                    col = max(0, col - 1)
                else:
                    if col < len(line):
                        line[col] = ch
                    else:
                        line.append(ch)
                    col += 1
            if len(line) > _LINE_LIMIT:
                line[:] = ["?"]
                col = 1
            self._line, self._col = line, col
        self.unfinished = self._col > 0 or any(not c.isspace() for c in self._line)

    def end_line(self) -> bool:
        """Write a newline if the current line is unfinished; True if it wrote one."""
        if not self.unfinished:
            return False
        try:
            self.write("\n")
            self.flush()
        except (OSError, ValueError):
            return False
        return True

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding, buffer, ...
        return getattr(self._stream, name)


def track_streams() -> tuple:
    """Wrap ``sys.stdout`` and ``sys.stderr`` (unless already wrapped); returns what :func:`untrack_streams` needs."""
    saved = (sys.stdout, sys.stderr)
    if sys.stdout is not None and not isinstance(sys.stdout, TrackedStream):
        sys.stdout = TrackedStream(sys.stdout)
    if sys.stderr is not None and not isinstance(sys.stderr, TrackedStream):
        sys.stderr = TrackedStream(sys.stderr)
    return saved


def untrack_streams(saved: tuple) -> None:
    sys.stdout, sys.stderr = saved


def close_progress_bars() -> None:
    """Close every open tqdm bar (as tqdm does at exit), so none redraws itself after an error line."""
    tqdm_module = sys.modules.get("tqdm")
    if tqdm_module is None:
        return
    for bar in list(getattr(tqdm_module.tqdm, "_instances", ())):
        try:
            bar.close()
        except Exception:  # a bar half torn down by the interruption: nothing more to show
            pass


def end_lines(close_bars: bool = True) -> None:
    """Close tqdm bars, then end an unfinished line on stdout and on stderr (before an ``error:`` line)."""
    if close_bars:
        close_progress_bars()
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, TrackedStream):
            stream.end_line()


def public(text: str) -> str:
    """``text`` with staging paths shown as their final paths (``out/.staging-ID/x`` -> ``out/x``)."""
    return _STAGING.sub("", text)


def say(quiet: bool, *lines: str) -> None:
    """Print ``lines`` on stdout (flushed) unless ``quiet``."""
    if quiet:
        return
    for line in lines:
        print(line, flush=True)


def note(line: str) -> None:
    """A ``note: ...`` line on stderr (printed even when quiet: something the user should know), on a fresh line."""
    end_lines(close_bars=False)
    print(f"note: {public(line)}", file=sys.stderr, flush=True)


def progress(total: int | None = None, quiet: bool = False, **tqdm_kwargs):
    """A tqdm bar on stderr: off when ``quiet`` or stderr is not a terminal, cleared when closed."""
    from tqdm import tqdm

    options = dict(total=total, file=sys.stderr, mininterval=0.5, leave=False, disable=True if quiet else None)
    options.update(tqdm_kwargs)
    return tqdm(**options)


class Console:
    """``Console(quiet).say(*lines)``: the same as :func:`say`, for code that passes one object around."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet

    def say(self, *lines: str) -> None:
        say(self.quiet, *lines)

    def note(self, line: str) -> None:
        note(line)

    def progress(self, total: int | None = None, **tqdm_kwargs):
        return progress(total, self.quiet, **tqdm_kwargs)
