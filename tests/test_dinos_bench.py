"""Smoke test of ``python -m bench.bench_dinos`` on a tiny budget (timings are the benchmark's job, not the tests')."""
from __future__ import annotations

import json

from bench.bench_dinos import main


def test_bench_dinos_runs_and_writes_results(tmp_path, capsys):
    argv = ["--iterations", "30", "--repeats", "1", "--process-repeats", "1", "--epochs", "1",
            "--cells", "simple_rnn", "--names-iterations", "30", "--memory-mb", "0.2", "--memory-iterations", "20",
            "--results-dir", str(tmp_path)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "fast path" in printed and "keras simple_rnn" in printed and "--impl course" in printed
    results = json.loads((tmp_path / "dinos.json").read_text())["results"]
    process = results["whole_process"]
    assert process["identical_parameters"] is True and process["default_s"] > 0 and process["course_s"] > 0
    assert results["speed"]["identical_printout_and_parameters"] is True
    assert results["interleaved"]["identical_parameters"] is True and results["interleaved"]["speedup"] > 0
    models = results["quality"]["models"]
    assert set(models) == {"numpy course RNN (fast path)", "keras simple_rnn"}
    assert all(0 < m["held_out_bpc"] < 6 for m in models.values())
    names = results["names"]["sets"]
    assert [s["names"] for s in names.values()] == [1536, 32032] and all(s["iterations_per_s"] > 0 for s in names.values())
    runs = results["memory"]["runs"]
    assert len(runs) == 2 and all(r["peak_rss_mib"] > 10 and r["wall_s"] > 0 for r in runs.values())
