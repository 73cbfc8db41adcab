"""Smoke test of ``python -m bench.bench_dinos`` on a tiny budget (timings are the benchmark's job, not the tests').

The benchmark runs as the command it is, started with the session in the background (``tests/paused.py``): most
of its time is its own child processes and a Keras import, which then use the core the in-process tests leave.
"""
from __future__ import annotations

import json
from contextlib import contextmanager

from tests import paused

ARGV = ["--iterations", "30", "--repeats", "1", "--process-repeats", "1", "--epochs", "1", "--cells", "simple_rnn",
        "--names-iterations", "30", "--memory-mb", "0.2", "--memory-iterations", "20"]


@contextmanager
def launch(session, module, tmp_path_factory):
    results = tmp_path_factory.mktemp("bench_dinos")
    process = paused.background(["-m", "bench.bench_dinos", *ARGV, "--results-dir", str(results)])
    try:
        yield process, results
    finally:
        paused.stop([process])


def test_bench_dinos_runs_and_writes_results(launched_early):
    bench, folder = launched_early[__name__]
    printed, err = bench.communicate(timeout=600)
    assert bench.returncode == 0, err[-2000:]
    assert "fast path" in printed and "keras simple_rnn" in printed and "--impl course" in printed
    results = json.loads((folder / "dinos.json").read_text())["results"]
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
    assert len(runs) == 2 and all(r["wall_s"] > 0 for r in runs.values())
    # the command's own peak (about 80 MiB), not the pages of the bench process, which has imported TensorFlow
    assert all(10 < r["peak_rss_mib"] < 300 for r in runs.values()), runs
