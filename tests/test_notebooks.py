"""The three notebooks of ``notebooks/``: committed without outputs, and run top to bottom without an error.

The notebooks run in their short settings (``NOTEBOOKS_QUICK=1``, stated in each first cell), each in its own
kernel (this environment's Python, working folder ``notebooks/`` as in Jupyter), their files written under a
temporary folder: ``notebooks/run.py``, started with the session at low priority (``launch``, see
``tests/paused.py``), so its kernels import and train on the core the other tests leave. A notebook fails on any
error output (or stderr output): every check table in them raises ``AssertionError`` when a value differs from
the course's. The check helper is tested to fail on a wrong implementation, a learner's own function in place
of an import is graded in the notebook, and the cells' outputs are looked at: the tables, a plot, the players.
"""
from __future__ import annotations

import importlib.util
from contextlib import contextmanager
from pathlib import Path

import nbclient
import nbclient.exceptions
import nbformat
import numpy as np
import pytest

from tests import paused

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "notebooks"
NOTEBOOKS = ("rnn_step_by_step", "dinosaur_island", "jazz_improvisation")



def read(name: str):
    return nbformat.read(FOLDER / f"{name}.ipynb", as_version=4)


def test_the_notebooks_are_committed_without_outputs():
    assert sorted(p.stem for p in FOLDER.glob("*.ipynb")) == sorted(NOTEBOOKS)
    for name in NOTEBOOKS:
        nb = read(name)
        nbformat.validate(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, (name, cell.source[:60])


def test_each_notebook_says_what_it_is_first():
    for name in NOTEBOOKS:
        first = read(name).cells[0]
        assert first.cell_type == "markdown" and first.source.startswith("# "), name
        assert "Coursera Honor Code" in first.source and "Runs top to bottom in " in first.source, name
        assert "Beyond the course" in first.source, name


def _grading():
    spec = importlib.util.spec_from_file_location("notebook_grading", FOLDER / "grading.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_check_fails_on_a_wrong_implementation(capsys):
    """What a learner sees when the function a name holds is wrong: the table, then an AssertionError."""
    from assignments.rnn_step_by_step.course import lstm_backward, lstm_forward, rnn_cell_forward

    grading = _grading()
    grading.check("rnn_cell_forward", rnn_cell_forward)
    assert "6/6 expected values match" in capsys.readouterr().out

    def tanh_forgotten(xt, a_prev, parameters):
        a_next, yt_pred, cache = rnn_cell_forward(xt, a_prev, parameters)
        return np.arctanh(a_next), yt_pred, cache

    with pytest.raises(AssertionError, match="rnn_cell_forward: 1 of 6 differ: a_next\\[4\\]"):
        grading.check("rnn_cell_forward", tanh_forgotten)
    assert "\u2717 differs" in capsys.readouterr().out

    def a0_ignored(x, a0, parameters):
        return lstm_forward(x, np.zeros_like(a0), parameters)

    grading.check("lstm_backward", lstm_backward, lstm_forward=lstm_forward)
    with pytest.raises(AssertionError):  # the backward check runs the forward function the notebook holds
        grading.check("lstm_backward", lstm_backward, lstm_forward=a0_ignored)


LEARNERS_CELL = """
def rnn_cell_forward(xt, a_prev, parameters):  # a learner's version: the output bias forgotten
    a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"])
    yt_pred = softmax(parameters["Wya"] @ a_next)
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)
"""


def test_a_learners_own_function_is_graded_in_the_notebook():
    """The first exercise of the RNN notebook with its import line replaced by a learner's ``def``: the notebook
    runs it in the course's cell and stops at the check, whose table marks what differs."""
    nb = read("rnn_step_by_step")
    first = next(i for i, c in enumerate(nb.cells) if c.source.startswith('check("rnn_cell_forward"'))
    nb.cells = nb.cells[:first + 1]
    importing = nb.cells[first - 2]
    assert importing.source.endswith("from assignments.rnn_step_by_step.course import rnn_cell_forward")
    importing.source = LEARNERS_CELL.strip()
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     extra_arguments=["--IPKernelApp.log_level=ERROR"],
                                     resources={"metadata": {"path": str(FOLDER)}})
    with pytest.raises(nbclient.exceptions.CellExecutionError) as stopped:
        client.execute()
    assert (stopped.value.ename, stopped.value.evalue) == ("AssertionError", "rnn_cell_forward: 1 of 6 differ: yt_pred[1]")
    table = nb.cells[first].outputs[0]["data"]["text/html"]
    assert "✗ rnn_cell_forward: 5/6 expected values match" in table and "✗ differs" in table
    assert "yt_pred[1]" in table


def test_the_training_check_reads_the_courses_printout():
    grading = _grading()
    published = grading.reference("dinos.json")["model"]["checkpoints"][0]
    printed = f"Iteration: 0, Loss: {published['loss']}\n\n" + "\n".join(published["names"]) + "\n\n\n"
    rows = grading.training_rows(grading.checkpoints(printed))
    assert [r.ok for r in rows] == [True, True]
    wrong = printed.replace(published["names"][3], published["names"][3] + "x")
    assert [r.ok for r in grading.training_rows(grading.checkpoints(wrong))] == [True, False]


@contextmanager
def launch(session, module, tmp_path_factory):
    """The three notebooks run with the session, in the background, one after the other (one kernel at a time
    beside the other processes started with the session): ``notebooks/run.py --quick``."""
    out = tmp_path_factory.mktemp("notebooks")
    process = paused.background([str(FOLDER / "run.py"), "--quick", "--out", str(out)])
    try:
        yield process, out
    finally:
        paused.stop([process])


@pytest.fixture(scope="module")
def executed(launched_early):
    """{name: the notebook with its outputs}, once every notebook has run; the runner's printout on failure."""
    process, out = launched_early[__name__]
    printed, err = process.communicate(timeout=600)
    assert process.returncode == 0, (printed + err)[-4000:]
    return {name: nbformat.read(out / f"{name}.ipynb", as_version=4) for name in NOTEBOOKS}


def outputs(nb, kind: str | None = None):
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if kind is None or output.output_type == kind:
                yield cell, output


def html_of(nb) -> str:
    return "\n".join(o.get("data", {}).get("text/html", "") for _, o in outputs(nb, "display_data"))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_notebook_runs_top_to_bottom(executed, name):
    nb = executed[name]
    assert [o for _, o in outputs(nb, "error")] == []
    assert [o.text[:300] for _, o in outputs(nb, "stream") if o.name == "stderr"] == []  # no warning either
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code")
    tables = html_of(nb)
    assert tables.count("expected values match") >= 3 and "\u2717" not in tables
    assert any("image/png" in o.get("data", {}) for _, o in outputs(nb)), "no plot"


def test_the_checks_cover_every_graded_function(executed):
    summaries = {name: html_of(executed[name]) for name in NOTEBOOKS}
    for function, count in {"rnn_cell_forward": 6, "rnn_forward": 6, "lstm_cell_forward": None,
                            "lstm_forward": None, "rnn_cell_backward": 10, "rnn_backward": 10,
                            "lstm_cell_backward": 22, "lstm_backward": 20}.items():
        assert f"\u2713 {function}: " in summaries["rnn_step_by_step"], function
        if count:
            assert f"\u2713 {function}: {count}/{count} expected values match" in summaries["rnn_step_by_step"]
    for function in ("clip", "sample", "optimize", "model"):
        assert f"\u2713 {function}: " in summaries["dinosaur_island"], function
    assert "iteration 2000: names" in summaries["dinosaur_island"]  # the quick run's published checkpoints
    for function in ("djmodel", "music_inference_model", "predict_and_sample"):
        assert f"\u2713 {function}: " in summaries["jazz_improvisation"], function


def test_the_jazz_notebook_plays_the_solos(executed):
    nb = executed["jazz_improvisation"]
    from assignments.jazz.solo.render import find_fluidsynth, find_soundfont

    players = html_of(nb).count("<audio")
    printed = "".join(o.get("text", "") for _, o in outputs(nb, "stream"))
    if find_fluidsynth() and find_soundfont():
        assert players == 4  # this notebook's solo; the original excerpt, this run's and the course's solo
    else:
        assert players == 0 and "no sound for" in printed
    assert "Your generated music is saved in output/my_music.midi" in printed


def test_the_report_page_links_the_notebooks_pages(tmp_path):
    from tools.report.page import build_page

    assert "by <code>make notebooks</code>: not run yet." in build_page(tmp_path, "output").html
    (tmp_path / "notebooks").mkdir()
    for name in NOTEBOOKS:
        (tmp_path / "notebooks" / f"{name}.html").write_text("<html></html>")
    page = build_page(tmp_path, "output").html
    assert all(f'<a href="notebooks/{name}.html">{name}</a>' in page for name in NOTEBOOKS)
