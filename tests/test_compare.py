"""``make compare`` (tools.compare): counts, summary.json's shape, the summary line, a wrong expected value,
bad input, the optional model skipped, and the dinosaur and jazz sections on cheap inputs. The run machinery:
summary.json and its run card are one output set (a busy --out stops at once, the previous set kept), and a
real ``python -m tools.compare`` sent SIGINT/SIGTERM while numpy loads or mid-comparison ends in one
line and leaves the previous set as it was."""
from __future__ import annotations

import copy
import json
import os
import re
import shutil
import signal
from pathlib import Path

import pytest

from tools.compare import Context, parse_only, run_comparison
from tools.compare import dinos as dinos_section
from tools.compare import shakespeare as shakespeare_section
from tools.compare.__main__ import main
from shared.run.cli import run
from shared.run import UserError
from shared.run.lock import FolderLock
from shared.run.outputs import verify_output_set
from tests import paused

SUMMARY_LINE = re.compile(r"^(\d+)/(\d+) reference values match$")


def _summary(out):
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def _check_shape(summary, keys):
    assert set(summary) == {"matched", "total", "seconds", "assignments"}
    assert list(summary["assignments"]) == keys
    assert isinstance(summary["seconds"], (int, float)) and summary["seconds"] >= 0
    for entry in summary["assignments"].values():
        assert set(entry) == {"title", "matched", "total", "rows", "notes"}
        assert all(set(row) == {"what", "expected", "got", "ok"} for row in entry["rows"])
        assert all(row["ok"] in (True, False, None) for row in entry["rows"])
        assert entry["total"] == sum(row["ok"] is not None for row in entry["rows"])
        assert entry["matched"] == sum(row["ok"] is True for row in entry["rows"])
    assert summary["matched"] == sum(e["matched"] for e in summary["assignments"].values())
    assert summary["total"] == sum(e["total"] for e in summary["assignments"].values())


def test_rnn_only_counts_json_and_summary_line(tmp_path, capsys, load_fixture):
    out = tmp_path / "cmp"
    assert run(main, ["--only", "rnn", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    summary = _summary(out)
    _check_shape(summary, ["rnn_step_by_step"])
    rows = summary["assignments"]["rnn_step_by_step"]["rows"]
    n_expected = sum(len(case["expected"]) for case in load_fixture("step_by_step.json")["cases"])
    gradient = [r for r in rows if r["what"].startswith("finite differences:")]
    assert len(rows) - len(gradient) == n_expected == 89 and len(gradient) == 57
    assert summary["matched"] == summary["total"] == len(rows)
    assert printed[-1] == f"{len(rows)}/{len(rows)} reference values match"
    assert SUMMARY_LINE.match(printed[-1])
    assert "== Assignment 1" in printed[0] and any(line.startswith("rnn_step_by_step: 146/146") for line in printed)
    card = json.loads((out / "run_card.json").read_text(encoding="utf-8"))
    assert card["results"]["matched"] == 146 and card["settings"]["only"] == ["rnn_step_by_step"]


def test_a_wrong_expected_value_fails_its_row(tmp_path, capsys, monkeypatch, reference):
    copied = tmp_path / "reference"
    shutil.copytree(reference, copied)
    fixture = json.loads((copied / "step_by_step.json").read_text(encoding="utf-8"))
    case, item = fixture["cases"][0], fixture["cases"][0]["expected"][0]
    item["value"][0] += 1e-3  # far outside atol 1e-8
    (copied / "step_by_step.json").write_text(json.dumps(fixture), encoding="utf-8")
    monkeypatch.setenv("REFERENCE_DIR", str(copied))
    out = tmp_path / "cmp"
    assert run(main, ["--only", "rnn", "--out", str(out), "--quiet"]) == 1
    printed = capsys.readouterr().out.strip().splitlines()
    summary = _summary(out)
    rows = summary["assignments"]["rnn_step_by_step"]["rows"]
    failed = [r for r in rows if r["ok"] is False]
    assert [r["what"] for r in failed] == [f"{case['id']}: {item['expr']}"]
    assert "error 1.0e-03" in failed[0]["got"]
    assert summary["matched"] == summary["total"] - 1
    assert printed[-1] == f"{summary['total'] - 1}/{summary['total']} reference values match"
    assert any("FAIL" in line and case["id"] in line for line in printed)  # --quiet still shows the failure


@pytest.mark.parametrize("argv, message", [
    (["--only", "rnn,nope"], "unknown assignment 'nope'"),
    (["--only", ","], "--only needs at least one"),
    (["--bogus"], "unrecognized arguments"),
])
def test_bad_options_are_one_line(tmp_path, capsys, argv, message):
    assert run(main, argv + ["--out", str(tmp_path / "cmp")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and message in err[0]
    assert not (tmp_path / "cmp").exists()


def test_missing_or_broken_reference_file_stops_before_any_work(tmp_path, capsys, monkeypatch, reference):
    copied = tmp_path / "reference"
    shutil.copytree(reference, copied)
    (copied / "dinos.json").write_text("{not json", encoding="utf-8")
    (copied / "jazz_corpus.json").unlink()
    monkeypatch.setenv("REFERENCE_DIR", str(copied))
    for only, message in (("dinos", "is not valid JSON"), ("jazz", "reference file not found")):
        out = tmp_path / f"cmp-{only}"
        assert run(main, ["--only", f"rnn,{only}", "--out", str(out)]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""  # not even the rnn table: inputs are read before any comparison
        assert captured.err.strip().splitlines()[-1].startswith("error: reference file") and message in captured.err
        assert not out.exists()


def test_parse_only_order_and_aliases():
    assert parse_only(None) == ["rnn_step_by_step", "dinos", "shakespeare", "jazz"]
    assert parse_only("jazz, rnn") == ["rnn_step_by_step", "jazz"]
    assert parse_only("rnn_step_by_step,rnn") == ["rnn_step_by_step"]
    with pytest.raises(UserError):
        parse_only("shakespear")


def test_dinos_section_on_a_short_run(load_fixture, monkeypatch, reference):
    """The section's logic on 2001 iterations: counted checkpoints, an informational machine-dependent line."""
    fixture = copy.deepcopy(load_fixture("dinos.json"))
    fixture["model"]["settings"]["num_iterations"] = 2001
    fixture["model"]["checkpoints"] = fixture["model"]["checkpoints"][:1]  # j = 0 counted
    monkeypatch.setitem(dinos_section.COURSE_22000, "iteration", 2000)  # j = 2000 shown as the machine line
    context = Context(reference_dir=reference, quiet=True)
    prepared = dict(dinos_section.prepare(context), fixture=fixture)
    section = dinos_section.compare(prepared, context)
    assert section.failed == [] and section.matched == section.total
    n_cases = sum(len(c["expected"]) for c in fixture["cases"])
    assert section.total == 3 + n_cases + 3 + 2 + 2  # data, cases, shuffle + initial loss, iteration 0, checkpoint 0
    informational = [r for r in section.rows if r.ok is None]
    assert [r.what.split(":")[0] for r in informational] == ["iteration 2000", "iteration 2000"]
    assert informational[0].got.startswith("27.884160 … ")  # the course's 2000 row, shown, not counted
    assert any("not counted" in n and "BLAS" in n for n in section.notes)


def test_dinos_cases_catch_a_wrong_value(load_fixture, data_dir):
    from assignments.dinos.data import load_names

    cases = copy.deepcopy(load_fixture("dinos.json")["cases"])
    char_to_ix = load_names(data_dir / "dinos.txt").char_to_ix
    assert all(r.ok for r in dinos_section.case_rows(cases, char_to_ix))
    sample = next(c for c in cases if c["function"] == "sample")
    sample["expected"][0]["value"][0] = 22  # the first sampled index is 23
    rows = dinos_section.case_rows(cases, char_to_ix)
    assert [r.what for r in rows if not r.ok] == [f"{sample['id']}: {sample['expected'][0]['expr']}"]


def test_shakespeare_without_the_optional_model_skips(tmp_path, monkeypatch, data_dir, reference):
    (tmp_path / "shakespeare.txt").symlink_to(data_dir / "shakespeare.txt")
    monkeypatch.setattr(shakespeare_section, "DATA_DIR", tmp_path)
    context = Context(reference_dir=reference, quiet=True)
    section = shakespeare_section.compare(shakespeare_section.prepare(context), context)
    assert (section.matched, section.total) == (1, 1)  # the printed number of training examples
    skipped = [r for r in section.rows if r.ok is None]
    assert len(skipped) == 3 and all(r.got.startswith("skipped: ") for r in skipped)
    assert any("skipped, not failed" in n for n in section.notes)


def test_jazz_section_matches_both_eras(reference):
    context = Context(reference_dir=reference, quiet=True)
    [section] = run_comparison(["jazz"], context)
    assert section.failed == []
    assert section.total == 2 * 18 - 1 + 1  # per era 10 corpus/array rows, the printout, 2 models; the solo file
    assert any(r.what.startswith("era 2018") and r.expected == "41,678" for r in section.rows)
    assert all(r.ok is None for r in section.rows if r.what.startswith("solo metric"))



# --------------------------------------------------------------------------- one output set per run

@pytest.fixture(scope="module")
def previous_set(tmp_path_factory):
    """A finished ``--only rnn`` run: summary.json and its run card."""
    out = tmp_path_factory.mktemp("previous") / "cmp"
    assert run(main, ["--only", "rnn", "--out", str(out), "--quiet"]) == 0
    return out


def test_summary_and_card_are_one_set(previous_set):
    assert verify_output_set(previous_set, strict=True) == []  # the card lists summary.json with its sha256
    card = json.loads((previous_set / "run_card.json").read_text(encoding="utf-8"))
    assert list(card["files"]) == ["summary.json"] and card["results"]["per_assignment"] == {"rnn_step_by_step": "146/146"}
    mask = os.umask(0)
    os.umask(mask)
    assert (previous_set / "summary.json").stat().st_mode & 0o777 == 0o666 & ~mask


@pytest.mark.parametrize("value, message", [("", "argument --out: is empty"), (None, "is a file, not a folder")])
def test_bad_out_is_one_line_before_any_work(tmp_path, capsys, value, message):
    if value is None:
        value = str(tmp_path / "a-file")
        Path(value).write_text("x")
    assert run(main, ["--only", "rnn", "--out", value]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and message in captured.err


def test_busy_out_stops_at_once_and_keeps_the_previous_set(previous_set, tmp_path, capsys):
    out = tmp_path / "cmp"
    shutil.copytree(previous_set, out)
    before = paused.tree(out)
    with FolderLock(out):  # another run holds the folder
        assert run(main, ["--only", "rnn", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (f"error: output folder {out} is in use by another run (pid {os.getpid()}); "
                            f"wait for it to end or choose another --out\n")
    assert "== Assignment 1" not in captured.out and paused.tree(out) == before


# The real command, paused (tests/paused.py) at a point: READY POINT
# on stdout, then a wait for a line on stdin (or a signal). Points: "import numpy" (numpy is about to be imported:
# it must happen inside shared.run.cli.run, or a Ctrl-C there is a traceback), "comparing" (the output folder open,
# the rnn section about to run).
PAUSED_COMPARE = r"""
if POINT == "import numpy":
    sys.meta_path.insert(0, PauseAtImport("numpy", "import numpy"))
else:
    from tools.compare import rnn
    compare = rnn.compare
    rnn.compare = lambda *a, **k: (pause("comparing"), compare(*a, **k))[1]
sys.argv = ["tools.compare", *sys.argv[1:]]
runpy.run_module("tools.compare", run_name="__main__", alter_sys=True)
"""
COMPARE_INTERRUPTS = [("import numpy", "SIGINT"), ("comparing", "SIGTERM"), ("comparing", "SIGINT")]


@pytest.mark.parametrize("point, name", COMPARE_INTERRUPTS, ids=[f"{p}-{n}" for p, n in COMPARE_INTERRUPTS])
def test_interrupted_compare_is_one_line_and_keeps_the_previous_set(previous_set, tmp_path, point, name):
    out = tmp_path / "cmp"
    shutil.copytree(previous_set, out)
    before = paused.tree(out)
    process = paused.start(PAUSED_COMPARE, ["--only", "rnn", "--quiet", "--out", str(out)], point)
    paused.wait_ready(process, point)
    process.send_signal(getattr(signal, name))
    stdout, err = process.communicate(timeout=60)
    assert process.returncode == {"SIGINT": 130, "SIGTERM": 143}[name], err
    assert err == "error: interrupted\n" and stdout in ("", "\n"), (stdout, err)  # "\n": a line ended before it
    assert paused.tree(out) == before  # no staging folder, lock or temporary file; the previous set untouched
