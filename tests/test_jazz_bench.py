"""bench.bench_jazz: the parts it runs, its one-line errors, and that a partial run keeps the other results."""
from __future__ import annotations

import json

import bench.bench_jazz as bench_jazz
from shared.run.cli import run


def test_bad_part_is_one_line(capsys):
    assert run(bench_jazz.main, ["--only", "process,speed"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: argument --only") and "process, training, generation" in err[0]


def test_partial_run_keeps_the_other_parts(tmp_path, monkeypatch, capsys):
    results_dir = tmp_path / "bench"
    results_dir.mkdir()
    (results_dir / "jazz.json").write_text(json.dumps({"results": {"training_seconds": {"fused, loop": 4.0}}}))
    monkeypatch.setattr(bench_jazz, "RESULTS_DIR", results_dir)
    monkeypatch.setattr(bench_jazz, "whole_process", lambda runs: {"cold_s": 11.0, "warm_s": 9.0, "runs": runs})
    assert run(bench_jazz.main, ["--only", "process", "--runs", "2"]) == 0
    written = json.loads((results_dir / "jazz.json").read_text())["results"]
    assert written["whole_process"] == {"cold_s": 11.0, "warm_s": 9.0, "runs": 2}
    assert written["training_seconds"] == {"fused, loop": 4.0}
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert ["make", "jazz,", "whole", "process:", "cold", "11.00", "s"] in rows
