"""Benchmark: numpy LSTM forward + backward against Keras' LSTM with a compiled GradientTape.

    python -m bench.bench_rnn                  # jazz-sized: n_x=90, n_a=64, m=60, T_x=30; float64 and float32
    python -m bench.bench_rnn --repeats 50     # more timed calls per contender
    python -m bench.bench_rnn --threads 2      # two threads each for numpy's BLAS and TensorFlow

Three contenders, measured side by side in one process on the same inputs:

* ``course numpy``: the course-structured ``lstm_forward`` + ``lstm_backward`` (a Python loop
  over ``lstm_cell_forward``/``lstm_cell_backward``);
* ``fast numpy``: ``lstm_forward_fast`` + ``lstm_backward_fast`` (same numbers), and the same
  with ``outputs=False`` (states only, no softmax ``y`` -- what Keras' layer computes);
* ``Keras``: ``layers.LSTM`` (weights mapped from the numpy parameters) forward, and
  ``tf.GradientTape`` gradients of ``Σ da·a`` with respect to the kernel, recurrent kernel,
  bias, inputs and initial state, all in one ``tf.function``.

The course-contract passes also compute the softmax outputs ``y``; Keras' layer does not.
Before timing, every contender's gradients are compared with the course's. The contenders
are timed in interleaved rounds (one call each per round, in rotating order), so a machine
shared with other work slows them alike. numpy's BLAS (OpenBLAS, set at run time through
:mod:`shared.run.backend`) and TensorFlow use the same number of threads, ``--threads``, default 1:
the per-step products are small, and on a machine busy with other work multi-threaded
OpenBLAS slows down by up to 10x (its threads wait for each other), so one thread gives
numbers that can be reproduced. All threads of the process (numpy's and TensorFlow's) are
pinned to the same ``--threads`` CPUs while the benchmark runs (``--no-pin`` leaves them free):
on a VM whose virtual CPUs run at different speeds (one shared with another guest's work),
TensorFlow's worker thread and the Python thread could otherwise land on different CPUs and
the comparison would measure the CPUs rather than the code. Medians and
ratios are printed and written to ``output/bench/bench_rnn.json`` with the machine's
description.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from shared.run.backend import get_blas_threads, set_blas_threads
from bench.common import RESULTS_DIR, median, write_results
from shared.run.cli import ArgumentParser, positive_int
from shared.run import start
from shared.table import format_table

from assignments.rnn_step_by_step import lstm_backward, lstm_backward_fast, lstm_forward, lstm_forward_fast
from assignments.rnn_step_by_step.checks import random_parameters
from assignments.rnn_step_by_step.keras_weights import lstm_to_keras, strip_d


def make_problem(n_x: int, n_a: int, n_y: int, m: int, T_x: int, dtype, seed: int = 0):
    rng = np.random.default_rng(seed)
    params = {k: (0.1 * v).astype(dtype) for k, v in random_parameters("lstm", n_x, n_a, n_y, rng).items()}
    x = rng.standard_normal((n_x, m, T_x)).astype(dtype)  # (n_x, m, T_x)
    a0 = (0.1 * rng.standard_normal((n_a, m))).astype(dtype)  # (n_a, m)
    da = rng.standard_normal((n_a, m, T_x)).astype(dtype)  # (n_a, m, T_x)
    return params, x, a0, da


def keras_step(params, x, a0, da, dtype):
    """A compiled forward + backward of ``layers.LSTM``; returns ``(fn, grads_in_course_layout)``."""
    import keras
    import tensorflow as tf

    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    name = np.dtype(dtype).name
    layer = keras.layers.LSTM(n_a, return_sequences=True, dtype=name)
    layer.build((m, T_x, n_x))
    layer.set_weights(lstm_to_keras(params))
    variables = [layer.cell.kernel, layer.cell.recurrent_kernel, layer.cell.bias]
    xk = tf.constant(x.transpose(1, 2, 0))  # (m, T_x, n_x)
    h0 = tf.constant(a0.T)  # (m, n_a)
    c0 = tf.zeros((m, n_a), dtype=name)
    dak = tf.constant(da.transpose(1, 2, 0))  # (m, T_x, n_a)

    @tf.function
    def step(xk, h0, c0, dak):
        with tf.GradientTape() as tape:
            tape.watch([xk, h0])
            seq = layer(xk, initial_state=[h0, c0])
            loss = tf.reduce_sum(dak * seq)
        return tape.gradient(loss, variables + [xk, h0])

    def fn():
        return [t.numpy() for t in step(xk, h0, c0, dak)]

    return fn


def numpy_step(forward, backward, params, x, a0, da, **forward_options):
    def fn():
        caches = forward(x, a0, params, **forward_options)[-1]
        return backward(da, caches)

    return fn


def cpu_model() -> str | None:
    """The processor's model name (``/proc/cpuinfo``), when available."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def interleaved(contenders: dict[str, Callable], repeats: int, warmup: int) -> dict[str, list[float]]:
    """Wall-clock seconds per call, one call of each contender per round, in rotating order."""
    names = list(contenders)
    for _ in range(warmup):
        for name in names:
            contenders[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeats):
        for name in names[r % len(names):] + names[:r % len(names)]:
            start = time.perf_counter()
            contenders[name]()
            times[name].append(time.perf_counter() - start)
    return times


def _threads_of_process() -> list[int]:
    try:
        return [int(tid) for tid in os.listdir("/proc/self/task")]
    except OSError:
        return [0]


def pin_process(cpus: set[int]) -> dict[int, set[int]]:
    """Pin every thread of this process (and, by inheritance, new ones) to ``cpus``; return the old masks."""
    before = {}
    for tid in _threads_of_process():
        try:
            before[tid] = os.sched_getaffinity(tid)
            os.sched_setaffinity(tid, cpus)
        except OSError:  # the thread ended meanwhile
            pass
    return before


def unpin_process(before: dict[int, set[int]]) -> None:
    """Give every thread its old CPU mask back (threads started since get the main thread's old mask)."""
    default = before.get(threading.get_native_id(), next(iter(before.values()), None))
    for tid in _threads_of_process():
        try:
            os.sched_setaffinity(tid, before.get(tid, default))
        except (OSError, TypeError):
            pass


def main(argv: Sequence[str] | None = None) -> int:
    blas_before = get_blas_threads()
    pinned: dict[int, set[int]] = {}
    try:
        return _main(argv, pinned)
    finally:
        if blas_before is not None:
            set_blas_threads(blas_before)
        if pinned:
            unpin_process(pinned)


def _main(argv: Sequence[str] | None, pinned: dict[int, set[int]]) -> int:
    parser = ArgumentParser(prog="python -m bench.bench_rnn", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-x", type=positive_int, default=90)
    parser.add_argument("--n-a", type=positive_int, default=64)
    parser.add_argument("--m", type=positive_int, default=60)
    parser.add_argument("--T-x", dest="T_x", type=positive_int, default=30)
    parser.add_argument("--repeats", type=positive_int, default=30, help="timed calls per contender")
    parser.add_argument("--warmup", type=positive_int, default=3, help="untimed calls first (compiles Keras)")
    parser.add_argument("--threads", type=positive_int, default=1,
                        help="threads for numpy's BLAS and for TensorFlow (default %(default)s)")
    parser.add_argument("--no-pin", dest="pin", action="store_false",
                        help="do not pin the process's threads to --threads CPUs")
    parser.add_argument("--name", default="bench_rnn", help="results file name (NAME.json)")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="results folder (default output/bench)")
    args = parser.parse_args(argv)
    cpus = None
    if args.pin and hasattr(os, "sched_setaffinity"):
        allowed = sorted(os.sched_getaffinity(0))
        if len(allowed) >= args.threads:
            cpus = set(allowed[:args.threads])
            pinned.update(pin_process(cpus))  # before TensorFlow starts its thread pools: they inherit it
    import tensorflow as tf

    blas_set = set_blas_threads(args.threads)
    try:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
        tf_set = True
    except RuntimeError:  # TensorFlow already started in this process (e.g. under pytest): keep its setting
        tf_set = False
    threads = {"requested": args.threads, "numpy_blas": get_blas_threads(), "blas_set": blas_set,
               "tensorflow_set": tf_set, "pinned_to_cpus": sorted(cpus) if cpus else None}
    n_y = args.n_x  # the jazz model predicts one of its input values

    results = {"problem": {"n_x": args.n_x, "n_a": args.n_a, "n_y": n_y, "m": args.m, "T_x": args.T_x},
               "repeats": args.repeats, "warmup": args.warmup, "threads": threads, "cpu_model": cpu_model(),
               "load_average_before": os.getloadavg(), "what": "forward + backward (gradients of "
               "sum(da * a) w.r.t. weights, biases, x and a0), median seconds", "timings": {}}
    rows = []
    print(f"LSTM forward + backward, n_x={args.n_x} n_a={args.n_a} m={args.m} T_x={args.T_x}; "
          f"median of {args.repeats} interleaved calls; {args.threads} thread(s)", flush=True)
    for dtype in (np.float64, np.float32):
        name = np.dtype(dtype).name
        params, x, a0, da = make_problem(args.n_x, args.n_a, n_y, args.m, args.T_x, dtype)
        course = numpy_step(lstm_forward, lstm_backward, params, x, a0, da)
        quick = numpy_step(lstm_forward_fast, lstm_backward_fast, params, x, a0, da)
        states_only = numpy_step(lstm_forward_fast, lstm_backward_fast, params, x, a0, da, outputs=False)
        keras_fn = keras_step(params, x, a0, da, dtype)

        # Same numbers first: every contender's gradients against the course's.
        want = course()
        tol = 1e-9 if dtype == np.float64 else 2e-3
        want_keras = lstm_to_keras(strip_d(want)) + [want["dx"].transpose(1, 2, 0), want["da0"].T]
        errors = {
            "fast numpy": max(float(np.max(np.abs(quick()[k] - want[k]))) for k in want),
            "fast numpy, no y": max(float(np.max(np.abs(states_only()[k] - want[k]))) for k in want),
            "Keras": max(float(np.max(np.abs(g - w))) for g, w in zip(keras_fn(), want_keras)),
        }
        for label, err in errors.items():
            if not err <= tol:
                print(f"error: {label} ({name}) differs from the course gradients by {err:.2e}", file=sys.stderr)
                return 1

        contenders = {"course numpy": course, "fast numpy": quick, "fast numpy, no y": states_only,
                      "Keras": keras_fn}
        timings = {}
        for label, times in interleaved(contenders, args.repeats, args.warmup).items():
            timings[label] = {"median_s": median(times), "min_s": min(times),
                              "max_abs_grad_diff_vs_course": errors.get(label, 0.0)}
        keras_median = timings["Keras"]["median_s"]
        for label, t in timings.items():
            t["ratio_to_keras"] = t["median_s"] / keras_median
            rows.append((name, label, f"{1e3 * t['median_s']:.2f}", f"{1e3 * t['min_s']:.2f}",
                         f"{t['ratio_to_keras']:.2f}x", f"{t['max_abs_grad_diff_vs_course']:.1e}"))
        results["timings"][name] = timings

    results["load_average_after"] = os.getloadavg()
    print(format_table(["dtype", "contender", "median ms", "min ms", "time / Keras", "max |grad - course|"], rows))
    path = write_results(args.name, results, args.results_dir)
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    start(main)
