"""The notebooks' checks: the course's published values beside the computed ones, each with a match mark.

The course's notebooks printed an *Expected Output* for the learner to compare by eye and ran hidden tests
(``public_tests.py``). Here a check takes the function that a name holds in the notebook -- the project's,
or a learner's own with the course's signature -- rebuilds the course's test inputs from the committed
reference values (``data/reference/*.json``: seed, draws in the course's order), calls it, and shows a
table: what, expected (the course), computed, match. The comparison is ``make compare``'s: the tolerances
stored in the reference files (shapes, lengths and indices exactly). A check that does not match raises
``AssertionError`` after its table, as the course's tests did, so a notebook run stops there.
"""
from __future__ import annotations

import contextlib
import html
import io
import json
import sys
from typing import Callable, Iterable

from shared.paths import reference_dir
from tools.compare.rows import Row, info, same, sequence_row, within  # make compare's rows and rules

MARK = {True: "\u2713 match", False: "\u2717 differs", None: "info (not counted)"}


def reference(name: str) -> dict:
    """A committed reference file, e.g. ``reference("dinos.json")`` (``$REFERENCE_DIR`` overrides the folder)."""
    return json.loads((reference_dir() / name).read_text(encoding="utf-8"))


COURSE_COLUMNS = ("value", "expected (course)", "computed")


class Report:
    """Rows (what, expected, computed, ok) shown as a table in Jupyter and as text elsewhere."""

    def __init__(self, title: str, rows: Iterable[Row], note: str = "", columns: tuple = COURSE_COLUMNS,
                 noun: str = "expected values match"):
        self.title, self.rows, self.note, self.columns, self.noun = title, list(rows), note, columns, noun
        counted = [r for r in self.rows if r.ok is not None]
        self.matched, self.total = sum(r.ok is True for r in counted), len(counted)

    @property
    def ok(self) -> bool:
        return self.matched == self.total

    def summary(self) -> str:
        mark = "\u2713" if self.ok else "\u2717"
        return f"{mark} {self.title}: {self.matched}/{self.total} {self.noun}"

    def __repr__(self) -> str:
        what, expected, got = self.columns
        lines = [self.summary()] + ([f"  ({self.note})"] if self.note else [])
        lines += [f"  {MARK[r.ok]:<10} {r.what}: {expected} {r.expected}, {got} {r.got}" for r in self.rows]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colour = {True: "#1a7f37", False: "#cf222e", None: "#6e7781"}
        left = "style='text-align:left'"
        cells = "".join(
            f"<tr><td {left}><code>{html.escape(r.what)}</code></td>"
            f"<td {left}><code>{html.escape(r.expected)}</code></td>"
            f"<td {left}><code>{html.escape(r.got)}</code></td>"
            f"<td style='color:{colour[r.ok]};font-weight:bold;white-space:nowrap'>{MARK[r.ok]}</td></tr>"
            for r in self.rows)
        head = "".join(f"<th {left}>{html.escape(c)}</th>" for c in self.columns)
        note = f"<br><small>{html.escape(self.note)}</small>" if self.note else ""
        return (f"<p><b style='color:{colour[self.ok]}'>{html.escape(self.summary())}</b>{note}</p>"
                f"<table><tr>{head}<th></th></tr>{cells}</table>")


def show(title: str, rows: Iterable[Row], note: str = "", **style) -> None:
    """Display the rows; raise ``AssertionError`` naming the first mismatches when any counted row differs.

    ``style``: ``columns`` (three headers) and ``noun`` of the summary line, for tables that are not the course's.
    """
    report = Report(title, rows, note, **style)
    try:
        from IPython.display import display
    except ImportError:  # outside IPython
        print(repr(report))
    else:
        display(report)
    if not report.ok:
        wrong = [r.what for r in report.rows if r.ok is False]
        raise AssertionError(f"{title}: {len(wrong)} of {report.total} differ: " + "; ".join(wrong[:3]))


def check(name: str, function: Callable, fixture: str = "step_by_step.json", **names) -> None:
    """Grade ``function`` on every case of ``fixture`` that the course wrote for ``name``.

    The cases are rebuilt as the course built them (seed, ``np.random.randn`` draws in its order) and every
    expected value is compared with the file's tolerance. ``names`` supplies what the case uses without
    drawing it: the forward function a backward case runs first (``lstm_forward=lstm_forward``), or an
    argument (``char_to_ix=char_to_ix`` for ``sample``).
    """
    from assignments.rnn_step_by_step.checks import reference_checks

    cases = [case for case in reference(fixture)["cases"] if case["function"] == name]
    if not cases:
        raise LookupError(f"no case for {name} in {fixture}")
    functions = {key: value for key, value in names.items() if callable(value)}
    values = {key: value for key, value in names.items() if not callable(value)}
    cases = [dict(case, args=[values.get(a, a) if isinstance(a, str) else a for a in case["args"]])
             for case in cases]
    checks = reference_checks({"cases": cases}, impl={**functions, name: function}, functions={name})
    rows = [Row(c.name if len(cases) == 1 else f"{c.case}: {c.name}", c.expected, c.got, bool(c.ok)) for c in checks]
    tolerances = sorted({c.tolerance for c in checks if c.tolerance != "exact"})
    note = (f"the course's test {', '.join(case['id'] for case in cases)} from {fixture}; numbers within "
            f"{' / '.join(tolerances) or '-'}, shapes and lengths exactly")
    show(name, rows, note)


class _Tee(io.TextIOBase):
    """Writes through to ``stream`` and keeps a copy (``getvalue()``)."""

    def __init__(self, stream):
        self.stream, self.copy = stream, io.StringIO()

    def write(self, s: str) -> int:
        self.copy.write(s)
        return self.stream.write(s)

    def flush(self) -> None:
        self.stream.flush()

    def getvalue(self) -> str:
        return self.copy.getvalue()


@contextlib.contextmanager
def recording():
    """``with recording() as printed: ...`` prints as usual and keeps a copy, ``printed.getvalue()``."""
    tee = _Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        yield tee


def checkpoints(printed: str) -> dict[int, dict]:
    """The checkpoints of the course's ``model`` printout: {iteration: {"loss": "23.087336", "names": [...]}}."""
    found: dict[int, dict] = {}
    current = None
    for line in printed.splitlines():
        if line.startswith("Iteration: ") and ", Loss: " in line:
            j, loss = line[len("Iteration: "):].split(", Loss: ")
            current = found.setdefault(int(j), {"loss": loss.strip(), "names": []})
        elif current is not None and line.strip() and not line.startswith(("j = ", "single_example", " X = ")):
            current["names"].append(line.strip())
        elif current is not None and current["names"] and not line.strip():
            current = None
    return found


def training_rows(found: dict[int, dict]) -> list[Row]:
    """``found`` ({iteration: {"loss", "names"}}) against the published checkpoints of ``dinos.json`` that it
    reached: the loss within the file's ``loss_atol``, the names exactly. (The later ones are not published:
    from about iteration 16000 on, the trajectory depends on the CPU's BLAS kernel.)"""
    model = reference("dinos.json")["model"]
    atol = float(model["loss_atol"])
    rows = []
    for expected in model["checkpoints"]:
        j = int(expected["iteration"])
        if j in found:
            rows.append(within(f"iteration {j}: loss", float(expected["loss"]), float(found[j]["loss"]), atol))
            rows.append(same(f"iteration {j}: names", " ".join(expected["names"]), " ".join(found[j]["names"])))
    if not rows:
        rows.append(Row("published checkpoints reached", "Iteration: 0, ...", "none", False))
    return rows


def fast_path_rows(records: list[dict], printed: str) -> list[Row]:
    """The checkpoints of a fast-path run (``model(..., checkpoints=records)``) against the published ones, against
    the course-structured run's ``printed`` checkpoints, and (shown, not counted) the 2021 notebook's 22000 line."""
    from tools.compare.dinos import COURSE_22000

    found = {r["iteration"]: r for r in records}
    course_run = checkpoints(printed)

    def line(c: dict) -> str:
        return f"{c['loss']} {' '.join(c['names'])}"

    rows = training_rows(found)
    rows += [same(f"iteration {j}: as printed by the course-structured run", line(course_run[j]),
                  line(found[j]) if j in found else "missing") for j in sorted(course_run)]
    j = COURSE_22000["iteration"]
    if j in found:
        rows.append(info(f"iteration {j} (machine-dependent)", line(COURSE_22000), line(found[j])))
    return rows


def check_training(printed: str) -> None:
    """Grade the printout of the course's ``model``: every published checkpoint it reached."""
    show("model", training_rows(checkpoints(printed)),
         "the course's training printout (dinos.json): loss within loss_atol of the printed value, names exactly")


def show_checks(title: str, checks, note: str = "") -> None:
    """The project's own checks (``assignments.rnn_step_by_step.checks``: finite differences, Keras parity, fast
    LSTM) as a table: each check, its limit, the error found, ok."""
    rows = [Row(f"{c.case}: {c.name}", c.tolerance, "-" if c.error is None else f"{c.error:.1e}", bool(c.ok))
            for c in checks]
    show(title, rows, note, columns=("check", "limit", "found"), noun="checks pass")
