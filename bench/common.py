"""Benchmark bookkeeping: timing medians, a child process's own peak memory, and results written to
``output/bench/NAME.json`` (never into tracked files)."""
from __future__ import annotations

import datetime as _dt
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from shared.run.io import write_text_atomic
from shared.paths import OUTPUT_DIR, REPO_ROOT
from shared.run.runcard import git_commit, library_versions, machine

RESULTS_DIR = OUTPUT_DIR / "bench"


def time_calls(fn: Callable[[], Any], repeats: int = 5, warmup: int = 1) -> list[float]:
    """Wall-clock seconds of ``repeats`` calls of ``fn`` after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def child_peak(argv: Sequence[str], env: dict | None = None) -> tuple[int, float, float, str]:
    """``(exit status, peak RSS in MiB, wall seconds, stderr)`` of one child process, stdout discarded.

    The peak is the child's own ``VmHWM`` (``/proc/PID/status``: since its exec, its own pages only), sampled every
    10 ms until it exits (the mark only grows, so the last reading is the peak). Not ``os.wait4``'s ``ru_maxrss``:
    Linux carries the high-water mark of the forked copy of this process across the exec, so a benchmark that has
    imported TensorFlow would report its own size for every child.
    """
    from assignments.dinos.memory import status_bytes

    env = dict(os.environ if env is None else env, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0",
               PYTHONDONTWRITEBYTECODE="1")
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(list(argv), cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        peak = 0
        while child.poll() is None:
            peak = max(peak, status_bytes("VmHWM", child.pid) or 0)
            time.sleep(0.01)
        wall = time.perf_counter() - start
        err.seek(0)
        return child.returncode, peak / 2**20, wall, err.read().decode(errors="replace")


def median(times: list[float]) -> float:
    return statistics.median(times)


def write_results(name: str, results: dict[str, Any], results_dir: Path = RESULTS_DIR) -> Path:
    """Write ``results`` with the machine, library versions, commit and date to ``results_dir/NAME.json``."""
    payload = {
        "benchmark": name,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": library_versions(),
        "git_commit": git_commit(),
        "results": results,
    }
    return write_text_atomic(Path(results_dir) / f"{name}.json", json.dumps(payload, indent=2) + "\n")
