"""Assignment 1: the command line (in-process): table, exit status, one-line errors, run card."""
from __future__ import annotations

import json

import pytest

from assignments.rnn_step_by_step.__main__ import main
from shared.run.cli import run


def test_quiet_run_prints_summary_and_writes_run_card(tmp_path, reference, capsys):
    rc = run(main, ["--quiet", "--no-keras", "--reference", str(reference), "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert rc == 0
    assert "reference   89/89  ok" in out
    assert "all " in out and "checks passed" in out
    card = json.loads((tmp_path / "run_card.json").read_text())
    assert card["results"]["reference"] == {"checks": 89, "passed": 89}
    assert card["results"]["failed"] == []
    assert len(json.loads((tmp_path / "checks.json").read_text())) == sum(
        v["checks"] for k, v in card["results"].items() if k != "failed")


def test_full_table_lists_every_reference_value(tmp_path, reference, capsys):
    rc = run(main, ["--no-keras", "--reference", str(reference), "--out", str(tmp_path), "--T-x", "3"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "== reference" in out and "== gradient" in out and "== fast" in out
    assert "gradients['dWaa'][1][2]" in out and "lstm_backward_fast" in out


def test_a_failing_check_gives_exit_1(tmp_path, reference, capsys):
    fixture = json.loads((reference / "step_by_step.json").read_text())
    fixture["cases"][0]["expected"][0]["value"][0] += 1e-3  # a wrong "expected" value
    (tmp_path / "ref").mkdir()
    (tmp_path / "ref" / "step_by_step.json").write_text(json.dumps(fixture))
    rc = run(main, ["--quiet", "--no-keras", "--reference", str(tmp_path / "ref"), "--out", str(tmp_path / "o")])
    out = capsys.readouterr().out
    assert rc == 1
    assert "rnn_cell_forward/notebook" in out and "FAIL" in out and "1 of" in out
    assert json.loads((tmp_path / "o" / "run_card.json").read_text())["results"]["failed"] == [
        "reference: rnn_cell_forward/notebook: a_next[4]"]


def test_missing_fixture_is_one_line_error(tmp_path, capsys):
    rc = run(main, ["--reference", str(tmp_path), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and err.startswith("error: reference fixture not found")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("content, message", [(b"{not json", "is not a valid step_by_step.json"),
                                              (b"\xff\xfe", "reference fixture is not UTF-8 text"),
                                              (b'{"cases": [{"id": 1}]}', "is not a valid step_by_step.json"),
                                              (b"  \n", "reference fixture is empty")])
def test_corrupt_fixture_is_one_line_error(tmp_path, capsys, content, message):
    (tmp_path / "step_by_step.json").write_bytes(content)
    rc = run(main, ["--reference", str(tmp_path), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and message in err, err


def test_bad_options(tmp_path, reference, capsys):
    assert run(main, ["--T-x", "1", "--reference", str(reference), "--out", str(tmp_path / "out")]) == 2
    assert "'1' must be between 2 and 10000" in capsys.readouterr().err
    for bad, message in ((["--m", "0"], "between 1 and 10000"), (["--m", "10**9"], "not a valid int"),
                         (["--seed", "-1"], "-1"), (["--seed", str(2**32)], str(2**32)), (["--eps", "0"], "> 0"),
                         (["--eps", "inf"], "finite"), (["--out", ""], "")):
        assert run(main, bad) == 2
        err = capsys.readouterr().err
        assert message in err and err.startswith("error: ") and err.count("\n") == 1, bad  # one line, no usage
    assert not (tmp_path / "out").exists()


def test_unwritable_output_folder(tmp_path, reference, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    rc = run(main, ["--reference", str(reference), "--out", str(blocker / "sub")])
    assert rc == 2 and "cannot write to output folder" in capsys.readouterr().err
