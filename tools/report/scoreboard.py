"""The report's first section: the ``make compare`` scoreboard (``compare/summary.json``), N/M per assignment."""
from __future__ import annotations

from .html import Html, el, join, long_value, note, number, status, table
from .inputs import Inputs, as_dict, as_list
from .section import Section, not_run

FOLDER = "compare"
RELATIVE = f"{FOLDER}/summary.json"
ORDER = ("rnn_step_by_step", "dinos", "shakespeare", "jazz")


def _count(matched, total) -> str:
    return f"{matched}/{total}" if isinstance(matched, int) and isinstance(total, int) else "?/?"


def _counts(entry: dict) -> tuple[list[dict], int, int]:
    """The rows of one assignment, how many are counted (ok true/false) and how many of those match."""
    rows = [r for r in as_list(entry.get("rows")) if isinstance(r, dict)]
    counted = [r for r in rows if r.get("ok") is not None]
    return rows, len(counted), sum(r.get("ok") is True for r in counted)


def _overview(assignments: dict, keys: list[str]) -> Html:
    """One row per assignment: N/M, informational rows, and the verdict."""
    rows = []
    for key in keys:
        entry = as_dict(assignments[key])
        listed, counted, matched = _counts(entry)
        verdict = status(matched == counted if counted else None, "all match", f"{counted - matched} differ",
                         "nothing counted")
        rows.append([el("a", entry.get("title") or key, href=f"#compare-{key}"),
                     _count(entry.get("matched"), entry.get("total")), str(len(listed) - counted), verdict])
    return table("Reference values per assignment (make compare)", ["assignment", "match", "informational", "result"],
                 rows, numeric=(1, 2), id_="compare-overview")


def _assignment(key: str, entry: dict) -> Html:
    rows, counted, matched = _counts(entry)
    title = entry.get("title") or key
    summary = el("summary", el("strong", title), f" — {_count(entry.get('matched'), entry.get('total'))} match, "
                 f"{len(rows)} rows")
    notes = [n for n in as_list(entry.get("notes")) if n]
    body = [summary]
    if notes:
        body.append(el("ul", *(el("li", n) for n in notes), class_="notes"))
    if rows:
        body.append(table(f"{title}: every compared value", ["what", "expected", "got", "result"],
                          ([r.get("what", ""), long_value(r.get("expected")), long_value(r.get("got")),
                            status(r.get("ok"))] for r in rows), id_=f"compare-table-{key}"))
    return el("details", *body, id=f"compare-{key}", class_="group", open=matched < counted)


def build(inputs: Inputs) -> Section:
    title = "Scoreboard: the course's published values"
    if not inputs.exists(RELATIVE):
        return not_run("compare", title, "make compare", "The comparison summary (compare/summary.json)")
    summary = inputs.json(RELATIVE)
    if summary is None:
        return Section("compare", title, "make compare", False,
                       note("compare/summary.json could not be used; run make compare again."), "unreadable")
    assignments = as_dict(summary.get("assignments"))
    keys = [k for k in ORDER if k in assignments] + sorted(k for k in assignments if k not in ORDER)
    seconds = summary.get("seconds")
    total = el("p", el("strong", _count(summary.get("matched"), summary.get("total"))),
               " of the course's reference values match",
               f" (make compare took {number(seconds, 1)} s)" if isinstance(seconds, (int, float)) else "",
               class_="score-total")
    body = join([total, _overview(assignments, keys), *(_assignment(k, as_dict(assignments[k])) for k in keys)])
    return Section("compare", title, "make compare", True, body,
                   f"{_count(summary.get('matched'), summary.get('total'))} match")
