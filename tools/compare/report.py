"""The comparison as text (one table per assignment, one summary line) and as ``summary.json``."""
from __future__ import annotations

from typing import Sequence

from shared.table import format_table

from .rows import Section

HEADERS = ("what", "expected", "got", "ok")
_OK = {True: "ok", False: "FAIL", None: "info"}
CELL = 72  # characters of a cell shown in the table for a row that matches (summary.json has it all)


def _cell(text: str, full: bool) -> str:
    return text if full or len(text) <= CELL else text[:CELL - 1] + "…"


def format_section(section: Section, only_failed: bool = False) -> str:
    """``== title``, the table (all rows, or only the failed ones), the notes and the section's count."""
    rows = section.failed if only_failed else section.rows
    lines = [f"== {section.title}"]
    if rows:
        lines.append(format_table(HEADERS, [(_cell(r.what, r.ok is False), _cell(r.expected, r.ok is False),
                                              _cell(r.got, r.ok is False), _OK[r.ok]) for r in rows]))
    if not only_failed:
        lines += [f"note: {n}" for n in section.notes]
    informational = len(section.rows) - section.total
    lines.append(f"{section.key}: {section.matched}/{section.total} match"
                 + (f" ({informational} informational rows, not counted)" if informational else ""))
    return "\n".join(lines)


def matched_total(sections: Sequence[Section]) -> tuple[int, int]:
    return sum(s.matched for s in sections), sum(s.total for s in sections)


def summary_line(sections: Sequence[Section]) -> str:
    """``N/M reference values match``."""
    matched, total = matched_total(sections)
    return f"{matched}/{total} reference values match"


def summary(sections: Sequence[Section], seconds: float) -> dict:
    """What ``summary.json`` holds (a results page reads it)."""
    matched, total = matched_total(sections)
    return {"matched": matched, "total": total, "seconds": round(seconds, 2),
            "assignments": {s.key: s.as_dict() for s in sections}}
