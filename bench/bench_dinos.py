"""Dinosaur Island benchmarks (``make bench-dinos``), in one run:

1. whole process: ``python -m assignments.dinos`` (what ``make dinos`` runs: imports, training, sampling,
   the files and the run card) against the same command with ``--impl course`` (the course-structured
   loop), each started as its own process, alternating, median of ``--process-repeats``; goal: the default
   command at most 6 s, >= 3x the course-structured one;
2. speed: the course's 22001-iteration numpy run, fast path against the course-structured loop, in
   alternating full runs (the best of each counts); the same printout and bit-identical parameters are
   checked, not assumed; then both training steps in lock-step, each timed on its own, so that both see
   the same load on a shared machine; goal >= 3x;
3. quality per second: held-out bits per character of the course's numpy model after 22001 iterations
   (trained on the training split only) and of the Keras models, with wall times; goal: a Keras model
   beats the numpy model's held-out bits/char in less wall time;
4. own names: iterations per second of the fast path on ``dinos.txt`` and on a generated 32k-name list
   (syllables, first-name lengths), alternating, best of ``--repeats``; goal: equal within noise;
5. memory: peak RSS of ``python -m assignments.dinos --data FILE`` (its own process: ``VmHWM`` read from
   ``/proc`` every 10 ms while it runs) on a generated 50 MB names file against ``dinos.txt``; goal: bounded
   (the names held compactly, one at a time in training). Not ``os.wait4``'s ``ru_maxrss``: that counts the
   pages of the process it was forked from, and by then this one has imported TensorFlow (hundreds of MiB).

    python -m bench.bench_dinos [--iterations 22001] [--process-repeats 3] [--repeats 2] [--epochs 10]
                                [--cells default,simple_rnn,gru,lstm] [--skip-process] [--skip-speed] [--skip-quality]
                                [--skip-names] [--names-iterations N] [--skip-memory] [--memory-mb 50]

Results: a table on stdout and ``output/bench/dinos.json``.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from bench.common import RESULTS_DIR, write_results
from shared.run.cli import ArgumentParser, non_negative_int, positive_int
from shared.run import start
from shared.paths import DATA_DIR, REPO_ROOT
from shared.table import format_table

PROCESS_GOAL_S = 6.0


def whole_process(iterations: int, repeats: int) -> dict:
    """Wall time of ``python -m assignments.dinos`` and of ``... --impl course``, each a fresh process.

    The environment is the Makefile's (TensorFlow quiet, no byte-code written); output goes to a temporary
    folder and stdout to /dev/null (the same lines are printed either way). Runs alternate, so both see
    the same machine; the medians count.
    """
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0", PYTHONDONTWRITEBYTECODE="1")
    commands = {"default": [], "course": ["--impl", "course"]}
    times: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory(prefix="bench-dinos-") as tmp:
        for _ in range(repeats):
            for name, extra in commands.items():
                argv = [sys.executable, "-m", "assignments.dinos", "--iterations", str(iterations),
                        "--out", str(Path(tmp) / name), *extra]
                start = time.perf_counter()
                done = subprocess.run(argv, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True)
                times[name].append(time.perf_counter() - start)
                if done.returncode != 0:
                    raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.strip()[-500:]}")
                print(f"  {name:7s} process, {iterations} iterations: {times[name][-1]:.2f} s", flush=True)
        with np.load(Path(tmp) / "default" / "parameters.npz") as a, np.load(Path(tmp) / "course" / "parameters.npz") as b:
            same = sorted(a.files) == sorted(b.files) and all(np.array_equal(a[k], b[k]) for k in a.files)
    default, course = statistics.median(times["default"]), statistics.median(times["course"])
    return {"iterations": iterations, "repeats": repeats, "default_s": default, "course_s": course,
            "all_default_s": times["default"], "all_course_s": times["course"], "speedup": course / default,
            "identical_parameters": same, "goal_s": PROCESS_GOAL_S, "goal_speedup": 3.0,
            "command": "python -m assignments.dinos [--impl course]"}


def speed(data, iterations: int, repeats: int) -> dict:
    """Alternate full runs of both paths (fast, course, fast, course, ...); compare the fastest of each."""
    from assignments.dinos import course, fast

    times = {"fast": [], "course": []}
    runs = {}
    for _ in range(repeats):
        for name, module in (("fast", fast), ("course", course)):
            lines: list[str] = []
            start = time.perf_counter()
            params, _ = module.model(list(data.names), data.ix_to_char, data.char_to_ix, iterations,
                                     out=lines.append)
            times[name].append(time.perf_counter() - start)
            runs[name] = (params, lines)
            print(f"  {name:6s} {iterations} iterations: {times[name][-1]:.2f} s", flush=True)
    (p_fast, l_fast), (p_course, l_course) = runs["fast"], runs["course"]
    identical = l_fast == l_course and all(np.array_equal(p_fast[k], p_course[k]) for k in p_fast)
    final = next(line for line in reversed(l_fast) if line.startswith("Iteration:")).strip()
    t_fast, t_course = min(times["fast"]), min(times["course"])
    return {"iterations": iterations, "repeats": repeats, "fast_s": t_fast, "course_s": t_course,
            "all_fast_s": times["fast"], "all_course_s": times["course"], "speedup": t_course / t_fast,
            "identical_printout_and_parameters": identical, "last_checkpoint": final, "goal_speedup": 3.0}


def interleaved(data, iterations: int) -> dict:
    """Both training steps advanced in lock-step, each step timed on its own: both see the same machine load.

    The course's ``optimize`` (forward, backward, clip, update: all of the loop's arithmetic) against
    ``FastRNN.optimize``, on the course's shuffled names and carried hidden state, 22001 times each.
    """
    from assignments.dinos import course, fast

    examples = list(data.names)
    np.random.seed(0)
    np.random.shuffle(examples)
    encoded = [[None] + [data.char_to_ix[ch] for ch in name] for name in examples]
    targets = [X[1:] + [0] for X in encoded]
    p_course = course.initialize_parameters(50, 27, 27)
    rnn = fast.FastRNN(p_course, max_len=max(len(X) for X in encoded))
    plans = [rnn.prepare(X, Y) for X, Y in zip(encoded, targets)]
    a_course = a_fast = np.zeros((50, 1))
    t_course = t_fast = 0.0
    clock = time.perf_counter
    for j in range(iterations):
        i = j % len(examples)
        X, Y = encoded[i], targets[i]
        start = clock()
        _, _, a_course = course.optimize(X, Y, a_course, p_course, 0.01)
        middle = clock()
        _, a_fast = rnn.optimize(X, Y, a_fast, 0.01, plans[i])
        t_course += middle - start
        t_fast += clock() - middle
    identical = all(np.array_equal(p_course[k], rnn.parameters[k]) for k in p_course)
    return {"iterations": iterations, "course_optimize_s": t_course, "fast_optimize_s": t_fast,
            "speedup": t_course / t_fast, "identical_parameters": identical}


def quality(data, iterations: int, epochs: int, cells: Sequence[str], seed: int) -> dict:
    from assignments.dinos import fast
    from assignments.dinos.data import encode, split_names
    from assignments.dinos.sample import bits_per_char, log_probs_numpy

    train, held = split_names(data.names)
    enc_train = [encode(s, data.char_to_ix) for s in train]
    enc_held = [encode(s, data.char_to_ix) for s in held]
    rows = {}
    start = time.perf_counter()
    params, _ = fast.model(train, data.ix_to_char, data.char_to_ix, iterations, out=lambda *_: None)
    t_numpy = time.perf_counter() - start
    rows["numpy course RNN (fast path)"] = {
        "held_out_bpc": bits_per_char(log_probs_numpy(params, enc_held), enc_held),
        "train_bpc": bits_per_char(log_probs_numpy(params, enc_train), enc_train),
        "wall_s": t_numpy, "setting": f"{iterations} SGD steps, n_a 50, lr 0.01"}
    print(f"  numpy: held-out {rows['numpy course RNN (fast path)']['held_out_bpc']:.4f} bits/char, "
          f"{t_numpy:.1f} s", flush=True)
    target = rows["numpy course RNN (fast path)"]["held_out_bpc"]
    if cells:
        from assignments.dinos.config import DinosConfig
        from shared.run.backend import import_keras

        d = DinosConfig(model="keras")
        import_keras(onednn="default" in cells and d.matmul == "bfloat16")  # as the command imports it
        from assignments.dinos import keras_model as km
        for cell in cells:
            if cell == "default":  # the command's --model keras defaults: early stopping, the best epoch kept
                settings = d.keras_training()
                setting = (f"{d.members} x {d.cell} {d.layers}x{d.n_a}, embedding {d.embedding} (dropout "
                           f"{d.input_dropout:g}), dropout {d.dropout:g} (state {d.recurrent_dropout:g}), {d.matmul} "
                           f"products, batch {d.batch_size}, Adam {d.learning_rate:g} (weight decay "
                           f"{d.weight_decay:g}), weights averaged over {d.average_epochs:g} epochs, patience "
                           f"{d.patience}")
            else:  # the course's size: one layer of 50, one-hot, a fixed number of epochs
                settings = dict(n_a=50, cell=cell, epochs=epochs, batch_size=32, learning_rate=0.01, clipnorm=5.0)
                setting = f"{epochs} epochs, batch 32, Adam 0.01, clipnorm 5, n_a 50"
            result = km.train(enc_train, enc_held, seed=seed, **settings)
            beat = next((i for i, v in enumerate(result.held_out_bpc) if v < target), None)
            label = "keras defaults" if cell == "default" else f"keras {cell}"
            rows[label] = {
                "held_out_bpc": result.best_bpc, "best_epoch": result.best_epoch,
                "epochs_run": result.epochs[-1],
                "train_bpc": bits_per_char(km.log_probs_keras(result.model, enc_train), enc_train),
                "wall_s": result.wall_time, "per_epoch_held_out_bpc": result.held_out_bpc,
                "per_epoch_seconds": result.seconds,
                "beats_numpy_at_epoch": None if beat is None else beat + 1,
                "seconds_to_beat_numpy": None if beat is None else result.seconds[beat],
                "parameters": int(result.model.count_params()), "setting": setting}
            print(f"  {label}: held-out {result.best_bpc:.4f} bits/char (epoch {result.best_epoch}), "
                  f"{result.wall_time:.1f} s", flush=True)
    return {"n_train": len(train), "n_held_out": len(held), "numpy_iterations": iterations, "models": rows}


SYLLABLES = ("an", "bel", "cor", "da", "el", "fin", "ga", "hel", "is", "jo", "ka", "li", "ma", "nor", "o", "pi",
             "quin", "ra", "sa", "tor", "u", "vi", "wen", "xa", "yo", "zel", "ar", "be", "ce", "di", "em", "fa")


def syllable_names(n: int, seed: int = 0) -> list[str]:
    """``n`` first-name-like names (2-3 syllables, 2 to 12 letters, 5.4 on average), the same for a given seed."""
    rng = np.random.default_rng(seed)
    counts = rng.choice([2, 3], size=n, p=[0.6, 0.4])
    picks = rng.integers(0, len(SYLLABLES), size=(n, 3))
    return ["".join(SYLLABLES[k] for k in row[:c]) for row, c in zip(picks.tolist(), counts.tolist())]


def names_speed(iterations: int, repeats: int, n_names: int = 32_032) -> dict:
    """Iterations per second of ``fast.model`` on ``dinos.txt`` and on a generated 32k-name list, alternating.

    The generated list is read by the same reader (:func:`load_names`): a compact store decoded one name at
    a time. Names of first-name length are shorter than dinosaur names (5.4 against 12.0 characters on
    average), so the figure is also given per character (a step's fixed cost weighs more on short names).
    """
    from assignments.dinos import fast
    from assignments.dinos.data import load_names
    from assignments.dinos.names import parse_names

    sets = {"dinos.txt": load_names(DATA_DIR / "dinos.txt"),
            f"{n_names} generated names": parse_names("\n".join(syllable_names(n_names)) + "\n", "generated")}
    times: dict[str, list[float]] = {k: [] for k in sets}
    for _ in range(repeats):
        for label, data in sets.items():
            start = time.perf_counter()
            fast.model(data, data.ix_to_char, data.char_to_ix, iterations, vocab_size=data.vocab_size,
                       max_len=data.max_length + 1, out=lambda *_: None)
            times[label].append(time.perf_counter() - start)
    rows = {}
    for label, data in sets.items():
        best = min(times[label])
        mean_len = data.codes.size / len(data)
        rows[label] = {"names": len(data), "vocab_size": data.vocab_size, "mean_name_length": mean_len,
                       "best_s": best, "all_s": times[label], "iterations_per_s": iterations / best,
                       "characters_per_s": iterations * (mean_len + 1) / best}
        print(f"  {label}: {iterations / best:.0f} iterations/s ({rows[label]['characters_per_s']:.0f} "
              f"characters/s, mean length {mean_len:.1f})", flush=True)
    first, second = rows.values()
    return {"iterations": iterations, "repeats": repeats, "sets": rows,
            "ratio_iterations_per_s": second["iterations_per_s"] / first["iterations_per_s"],
            "ratio_characters_per_s": second["characters_per_s"] / first["characters_per_s"]}


def _child_peak(argv: list[str]) -> tuple[int, float, float, str]:
    """``(exit status, peak RSS in MiB, wall seconds, stderr)`` of one child process (its ``VmHWM``, sampled)."""
    from assignments.dinos.memory import status_bytes

    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0", PYTHONDONTWRITEBYTECODE="1")
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        peak = 0
        while child.poll() is None:  # the high-water mark only grows: the last reading is the peak, within 10 ms
            peak = max(peak, status_bytes("VmHWM", child.pid) or 0)  # since its exec: its own pages only
            time.sleep(0.01)
        wall = time.perf_counter() - start
        err.seek(0)
        return child.returncode, peak / 2**20, wall, err.read().decode(errors="replace")


def memory(megabytes: float, iterations: int) -> dict:
    """Peak memory of ``python -m assignments.dinos`` on a generated names file of ``megabytes``, and on dinos.txt."""
    with tempfile.TemporaryDirectory(prefix="bench-dinos-mem-") as tmp:
        big = Path(tmp) / "names.txt"
        target, seed = int(megabytes * 1e6), 0
        with open(big, "w", encoding="utf-8") as handle:
            while handle.tell() < target:
                handle.write("\n".join(syllable_names(100_000, seed)) + "\n")
                seed += 1
        size = big.stat().st_size
        rows = {}
        for label, path in (("dinos.txt", DATA_DIR / "dinos.txt"), (f"{size / 1e6:.0f} MB file", big)):
            argv = [sys.executable, "-m", "assignments.dinos", "--data", str(path), "--iterations", str(iterations),
                    "--quiet", "--out", str(Path(tmp) / f"out-{len(rows)}")]
            code, peak, wall, err = _child_peak(argv)
            if code != 0:
                raise RuntimeError(f"{' '.join(argv)} failed ({code}): {err.strip()[-500:]}")
            rows[label] = {"bytes": path.stat().st_size, "peak_rss_mib": peak, "wall_s": wall}
            print(f"  {label}: peak RSS {peak:.0f} MiB, {wall:.1f} s ({iterations} iterations)", flush=True)
    small, large = rows.values()
    return {"iterations": iterations, "runs": rows,
            "extra_mib_per_file_mb": (large["peak_rss_mib"] - small["peak_rss_mib"]) / (large["bytes"] / 1e6),
            "command": "python -m assignments.dinos --data FILE --iterations N --quiet"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = ArgumentParser(prog="python -m bench.bench_dinos", description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=positive_int, default=22001, help="numpy iterations (course: 22001)")
    parser.add_argument("--epochs", type=positive_int, default=10, help="Keras epochs")
    parser.add_argument("--cells", default="default,simple_rnn,gru,lstm",
                        help="Keras models, comma-separated: 'default' (the command's --model keras defaults) and "
                             "cells at the course's size ('' for none)")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="Keras seed")
    parser.add_argument("--process-repeats", type=positive_int, default=3,
                        help="alternating whole-process runs of each command (medians count)")
    parser.add_argument("--repeats", type=positive_int, default=2,
                        help="alternating runs of each numpy path for the speed comparison (fastest counts)")
    parser.add_argument("--skip-process", action="store_true", help="skip the whole-process timing")
    parser.add_argument("--skip-speed", action="store_true", help="skip the fast-vs-course timing")
    parser.add_argument("--skip-quality", action="store_true", help="skip the held-out comparison")
    parser.add_argument("--skip-names", action="store_true", help="skip dinos.txt against a 32k-name list")
    parser.add_argument("--skip-memory", action="store_true", help="skip the peak-memory runs")
    parser.add_argument("--names-iterations", type=positive_int, default=22001,
                        help="iterations of each run of the names comparison")
    parser.add_argument("--memory-mb", type=float, default=50.0, help="size of the generated names file (MB)")
    parser.add_argument("--memory-iterations", type=positive_int, default=2000,
                        help="training iterations of the peak-memory runs")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="where dinos.json goes")
    args = parser.parse_args(argv)
    from assignments.dinos.data import load_names

    data = load_names(DATA_DIR / "dinos.txt")
    results = {}
    if not args.skip_process:
        print("Whole process: python -m assignments.dinos, default against --impl course", flush=True)
        results["whole_process"] = w = whole_process(args.iterations, args.process_repeats)
        print(format_table(["command", "iterations", f"seconds (median of {w['repeats']})", "speedup",
                            "identical parameters"],
                           [["--impl course", w["iterations"], f"{w['course_s']:.2f}", 1.0,
                             w["identical_parameters"]],
                            ["default (fast)", w["iterations"], f"{w['default_s']:.2f}", f"{w['speedup']:.2f}",
                             w["identical_parameters"]]]) + "\n")
    if not args.skip_speed:
        print("Speed: the course's numpy run, fast path vs course-structured loop", flush=True)
        results["speed"] = s = speed(data, args.iterations, args.repeats)
        print(format_table(["path", "iterations", f"seconds (best of {s['repeats']})", "speedup", "identical"],
                           [["course loop", s["iterations"], s["course_s"], 1.0, s["identical_printout_and_parameters"]],
                            ["fast path", s["iterations"], s["fast_s"], s["speedup"],
                             s["identical_printout_and_parameters"]]]))
        print(f"  {s['last_checkpoint']}")
        results["interleaved"] = i = interleaved(data, args.iterations)
        print(f"  interleaved steps (same load for both): course optimize {i['course_optimize_s']:.2f} s, "
              f"fast {i['fast_optimize_s']:.2f} s -> {i['speedup']:.2f}x, identical: {i['identical_parameters']}\n")
    if not args.skip_quality:
        cells = [c for c in args.cells.split(",") if c]
        print("Held-out bits per character (lower is better)", flush=True)
        results["quality"] = q = quality(data, args.iterations, args.epochs, cells, args.seed)
        rows = []
        for name, r in q["models"].items():
            beat = r.get("seconds_to_beat_numpy")
            rows.append([name, r["setting"], f"{r['held_out_bpc']:.4f}", f"{r['train_bpc']:.4f}",
                         f"{r['wall_s']:.1f}", "" if "beats_numpy_at_epoch" not in r else
                         ("no" if beat is None else f"epoch {r['beats_numpy_at_epoch']}, {beat:.1f} s")])
        print(format_table(["model", "setting", "held-out bits/char", "train bits/char", "wall s",
                            "beats numpy"], rows))
    if not args.skip_names:
        print("Own names: iterations per second on dinos.txt and on a generated 32k-name list", flush=True)
        results["names"] = n = names_speed(args.names_iterations, args.repeats)
        print(f"  ratio (generated / dinos.txt): {n['ratio_iterations_per_s']:.2f} in iterations/s, "
              f"{n['ratio_characters_per_s']:.2f} in characters/s\n")
    if not args.skip_memory:
        print(f"Memory: peak RSS of python -m assignments.dinos on a {args.memory_mb:g} MB names file", flush=True)
        results["memory"] = m = memory(args.memory_mb, args.memory_iterations)
        print(f"  {m['extra_mib_per_file_mb']:.2f} MiB more per MB of names\n")
    path = write_results("dinos", results, args.results_dir)
    print(f"\nWrote {path}")
    return 0


if __name__ == "__main__":
    start(main)
