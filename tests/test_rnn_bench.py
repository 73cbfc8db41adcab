"""Assignment 1: the LSTM benchmark runs end to end on a tiny problem (no timing is asserted)."""
from __future__ import annotations

import json
import os

import pytest

from bench.bench_rnn import main


def test_bench_runs_and_writes_results(tmp_path, capsys):
    affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    rc = main(["--n-x", "4", "--n-a", "3", "--m", "2", "--T-x", "3", "--repeats", "2", "--warmup", "1",
               "--threads", "1", "--name", "tiny", "--results-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert rc == 0
    if affinity is not None:  # the benchmark pins the process to one CPU while it runs, then unpins it
        assert os.sched_getaffinity(0) == affinity
    assert "fast numpy" in out and "Keras" in out and "time / Keras" in out
    payload = json.loads((tmp_path / "tiny.json").read_text())
    assert payload["machine"]["cpu_count"] >= 1
    timings = payload["results"]["timings"]
    assert set(timings) == {"float64", "float32"}
    for dtype, rows in timings.items():
        assert set(rows) == {"course numpy", "fast numpy", "fast numpy, no y", "Keras"}
        assert rows["Keras"]["ratio_to_keras"] == 1.0
        assert rows["fast numpy"]["max_abs_grad_diff_vs_course"] <= (1e-12 if dtype == "float64" else 1e-4)


def test_blas_threads_can_be_read_and_set():
    from shared.run.backend import get_blas_threads, set_blas_threads

    before = get_blas_threads()
    if before is None:  # numpy built against another BLAS: nothing to control
        assert set_blas_threads(1) is False
        return
    try:
        assert set_blas_threads(1) is True and get_blas_threads() == 1
    finally:
        set_blas_threads(before)
    assert get_blas_threads() == before
    with pytest.raises(ValueError):
        set_blas_threads(0)
