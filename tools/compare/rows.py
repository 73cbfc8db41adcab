"""One comparison row (what, expected, got, ok) and one assignment's table of them.

``ok`` is ``True`` / ``False`` for a counted comparison and ``None`` for an informational row (machine-dependent,
sampled, or not run); expected and got are display strings.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable


@dataclass
class Row:
    what: str
    expected: str
    got: str
    ok: bool | None

    def as_dict(self) -> dict[str, Any]:
        return {"what": self.what, "expected": self.expected, "got": self.got, "ok": self.ok}


@dataclass
class Section:
    """One assignment's rows and notes, as they go into the table and ``summary.json``."""

    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def counted(self) -> list[Row]:
        return [r for r in self.rows if r.ok is not None]

    @property
    def matched(self) -> int:
        return sum(r.ok is True for r in self.rows)

    @property
    def total(self) -> int:
        return len(self.counted)

    @property
    def failed(self) -> list[Row]:
        return [r for r in self.rows if r.ok is False]

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "matched": self.matched, "total": self.total,
                "rows": [r.as_dict() for r in self.rows], "notes": list(self.notes)}


def same(what: str, expected: Any, got: Any, show: Callable[[Any], str] = str) -> Row:
    """A row that matches when ``got == expected`` exactly."""
    return Row(what, show(expected), show(got), bool(expected == got))


def within(what: str, expected: float, got: float, atol: float, fmt: str = "{:.6f}") -> Row:
    """A row that matches when ``|got - expected| <= atol``; the tolerance is named in ``what``."""
    ok = bool(abs(float(got) - float(expected)) <= atol)
    shown = fmt.format(got) + ("" if ok else f" (off by {abs(float(got) - float(expected)):.1e})")
    return Row(f"{what} (|diff| <= {atol:g})", fmt.format(expected), shown, ok)


def info(what: str, expected: str, got: str) -> Row:
    """An informational row: shown, never counted."""
    return Row(what, expected, got, None)


def first_difference(ours: Iterable, theirs: Iterable, equal: Callable[[Any, Any], bool] = lambda a, b: a == b,
                     show: Callable[[Any], str] = repr) -> str | None:
    """``None`` when both sequences are equal (same length, ``equal`` pairwise), else where they first differ."""
    ours, theirs = list(ours), list(theirs)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        if not equal(a, b):
            return f"item {k}: {show(a)}, course {show(b)}"
    if len(ours) != len(theirs):
        return f"{len(ours)} items, course {len(theirs)}"
    return None


def sequence_row(what: str, noun: str, ours: list, theirs: list, **kwargs) -> Row:
    """``N nouns`` against ``N nouns, all equal`` (or where the first difference is)."""
    difference = first_difference(ours, theirs, **kwargs)
    expected = f"{len(theirs)} {noun}"
    got = f"{len(ours)} {noun}, all equal" if difference is None else f"differs at {difference}"
    return Row(what, expected, got, difference is None)
