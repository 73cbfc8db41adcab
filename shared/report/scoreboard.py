"""The report's first section: the ``make compare`` scoreboard (``compare/summary.json``), N/M per assignment."""
from __future__ import annotations

from .html import Html, el, long_value, missing, note, number, status, table
from .inputs import Inputs, as_dict, as_list
from .section import Section

RELATIVE = "compare/summary.json"
ORDER = ("rnn_step_by_step", "dinos", "shakespeare", "jazz")


def _count(matched, total) -> str:
    return f"{matched}/{total}" if isinstance(matched, int) and isinstance(total, int) else "?/?"


def _assignment(key: str, entry: dict) -> Html:
    rows = [r for r in as_list(entry.get("rows")) if isinstance(r, dict)]
    title = entry.get("title") or key
    counted = [r for r in rows if r.get("ok") is not None]
    all_ok = bool(counted) and all(r.get("ok") is True for r in counted)
    line = el("p", el("strong", _count(entry.get("matched"), entry.get("total"))), " reference values match",
              f" ({len(rows) - len(counted)} informational rows)" if len(rows) > len(counted) else "",
              class_="score " + ("score-ok" if all_ok else "score-bad" if counted else "score-info"))
    body = [el("h3", title, id=f"compare-{key}"), line]
    if rows:
        body.append(el("details", el("summary", f"{len(rows)} rows: what, expected, got"),
                       table(f"{title}: every compared value", ["what", "expected", "got", "result"],
                             ([r.get("what", ""), long_value(r.get("expected")), long_value(r.get("got")),
                               status(r.get("ok"))] for r in rows), id_=f"compare-table-{key}"),
                       open=not all_ok and bool(counted)))
    notes = [n for n in as_list(entry.get("notes")) if n]
    if notes:
        body.append(el("ul", *(el("li", n) for n in notes), class_="notes"))
    return el("div", *body, class_="card")


def build(inputs: Inputs) -> Section:
    title = "Scoreboard: the course's published values"
    if not inputs.exists(RELATIVE):
        return Section("compare", title, "make compare", False, missing("The comparison summary (compare/summary.json)",
                                                                       "make compare"), "not run")
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
    cards = [_assignment(k, as_dict(assignments[k])) for k in keys]
    body = Html(total + el("div", *cards, class_="cards"))
    return Section("compare", title, "make compare", True, body,
                   f"{_count(summary.get('matched'), summary.get('total'))} match")
