"""The assignment-1 section: every check of ``make rnn`` (``rnn_step_by_step/checks.json``), one table per group."""
from __future__ import annotations

from .html import el, join, note, status, table
from .inputs import Inputs, as_dict
from .section import Section, files_list, not_run

FOLDER = "rnn_step_by_step"
GROUPS = {  # assignments/rnn_step_by_step/checks.py's GROUPS, in its order (not imported: the report imports no numpy)
    "reference": "course reference values (step_by_step.json)",
    "fast": "fast LSTM passes against the course passes and the reference values",
    "gradient": "finite differences (float64) against every backward function",
    "keras": "Keras layers (float64) with mapped weights against numpy",
}


def _error(value) -> str:
    return f"{value:.1e}" if isinstance(value, (int, float)) and not isinstance(value, bool) else "–"


def build(inputs: Inputs) -> Section:
    title = "RNN step by step (assignment 1)"
    relative = f"{FOLDER}/checks.json"
    if not inputs.exists(relative):
        return not_run("rnn", title, "make rnn", "The checks of assignment 1 (output/rnn_step_by_step/)")
    checks = [as_dict(c) for c in (inputs.json(relative, kind=list) or [])]
    if not checks:
        return Section("rnn", title, "make rnn", True, note("checks.json holds no checks (see the warning above)."),
                       "no checks")
    groups = list(GROUPS) + sorted({str(c.get("group")) for c in checks} - set(GROUPS))
    passed = sum(c.get("ok") is True for c in checks)
    body = [el("p", el("strong", f"{passed}/{len(checks)}"), " checks pass",
               class_="score " + ("score-ok" if passed == len(checks) else "score-bad"))]
    for group in groups:
        rows = [c for c in checks if str(c.get("group")) == group]
        if not rows:
            continue
        ok = sum(c.get("ok") is True for c in rows)
        summary = el("summary", el("strong", f"{group} {ok}/{len(rows)}"), f" — {GROUPS.get(group, '')}")
        body.append(el("details", summary,
                       table(f"{group}: {GROUPS.get(group, 'checks')}",
                             ["case", "check", "expected", "got", "error", "tolerance", "result"],
                             ([c.get("case", ""), c.get("name", ""), el("code", c.get("expected", "")),
                               el("code", c.get("got", "")), _error(c.get("error")), c.get("tolerance", ""),
                               status(c.get("ok") is True, "ok", "failed")] for c in rows),
                             row_headers=False, numeric=(4,), id_=f"rnn-{group}"),
                       open=ok < len(rows), class_="group"))
    body.append(files_list(inputs, [(relative, "every check"), (f"{FOLDER}/run_card.json", "the run card")]))
    return Section("rnn", title, "make rnn", True, join(body), f"{passed}/{len(checks)} checks pass")
