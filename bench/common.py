"""Benchmark bookkeeping: timing medians, and results written to ``output/bench/NAME.json`` (never into tracked files)."""
from __future__ import annotations

import datetime as _dt
import json
import statistics
import time
from pathlib import Path
from typing import Any, Callable

from shared.run.io import write_text_atomic
from shared.paths import OUTPUT_DIR
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
