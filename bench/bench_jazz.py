"""Benchmark: ``make jazz`` as a whole process (cold and warm), the jazz LSTM's training (the course's unrolled
model against the fused one) and its generation latency.

    python -m bench.bench_jazz                          # all three parts (the course settings: 100 epochs, Ty 50)
    python -m bench.bench_jazz --only process --runs 5  # just the whole-process timing
    python -m bench.bench_jazz --only training,generation --epochs 20
    python -m bench.bench_jazz --only huge              # peak memory and time on a 200,000-note MIDI file

1. whole process (goal: cold at most :data:`PROCESS_GOAL_S` s): wall time of ``python -m assignments.jazz``
   -- what ``make jazz`` runs, in the Makefile's environment (TensorFlow quiet, no byte-code written) -- each
   a fresh process, output to a temporary folder. *Cold*: an empty output folder and an empty corpus cache
   (``$JAZZ_CACHE_DIR``), so the MIDI file is parsed and the grammar built; *warm*: the folder and the cache
   of the run before. Cold and warm runs alternate; the medians count (all samples are kept), with the load
   average before each run, since a shared machine changes the seconds.
2. training, in one process on the Metheny corpus (2021 era, 90 values), each from the same seed: wall time
   for all epochs including graph building (what a user waits for). ``unrolled, fit``: the course's
   ``djmodel`` (30 outputs) with ``model.fit``; ``fused, fit``: the fused model (one RNN layer, same weights
   and loss) with ``model.fit``; ``fused, loop``: the fused model in the compiled loop that ``make jazz`` uses.
   The first and last epoch losses are printed beside the times (they differ slightly between contenders:
   ``fit`` and the loop shuffle differently).
3. generation of 50 values, warm (median of repeated calls after warm-up): the course's ``predict_and_sample``
   called through ``predict()`` on a 50-output ``music_inference_model`` against the compiled
   :class:`~assignments.jazz.model.inference.Sampler` (greedy, and sampling with temperature 1.0); and the course's
   post-processing of one solo (5 chunks, music21), for scale.

4. huge input: whole ``python -m assignments.jazz`` processes on a generated 200,000-note type-0 file (temporary
   folder): the whole piece as window (150,000 melody notes: stopped by the documented limit of 100,000 per
   window, one line) and a 2,000-beat window (a complete run, 1 epoch), each with its peak memory (its own VmHWM).

Results go to ``output/bench/jazz.json`` with the machine's description; a run of some parts keeps the other
parts' last results in that file.
"""
from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from bench.common import RESULTS_DIR, child_peak, median, time_calls, write_results
from shared.run.cli import ArgumentParser, positive_int
from shared.run import start
from shared.run import UserError
from shared.paths import DATA_DIR, REPO_ROOT
from shared.table import format_table

PARTS = ("process", "training", "generation", "huge")
HUGE_NOTES = 200_000
PROCESS_GOAL_S = 12.0
COMMAND = [sys.executable, "-m", "assignments.jazz", "--quiet"]


def _load() -> float:
    return os.getloadavg()[0]


def whole_process(runs: int) -> dict:
    """Cold and warm wall times of ``python -m assignments.jazz`` (see the module docstring), medians of ``runs``."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0", PYTHONDONTWRITEBYTECODE="1")
    samples: dict[str, list[float]] = {"cold": [], "warm": []}
    loads: dict[str, list[float]] = {"cold": [], "warm": []}
    with tempfile.TemporaryDirectory(prefix="bench-jazz-") as tmp:
        warm_out, warm_cache = Path(tmp) / "warm-out", Path(tmp) / "warm-cache"
        plan = ["warm-up"] + [kind for _ in range(runs) for kind in ("cold", "warm")]
        for number, kind in enumerate(plan):
            if kind == "cold":
                out, cache = Path(tmp) / f"cold-out-{number}", Path(tmp) / f"cold-cache-{number}"
            else:
                out, cache = warm_out, warm_cache
            load = _load()
            start = time.perf_counter()
            done = subprocess.run([*COMMAND, "--out", str(out)], cwd=REPO_ROOT, env=dict(env, JAZZ_CACHE_DIR=str(cache)),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            seconds = time.perf_counter() - start
            if done.returncode != 0:
                raise UserError(f"python -m assignments.jazz failed: {done.stderr.strip().splitlines()[-1:]}")
            if kind != "warm-up":
                samples[kind].append(seconds)
                loads[kind].append(load)
            print(f"  {kind:7s} python -m assignments.jazz: {seconds:6.2f} s  (load average {load:.2f})", flush=True)
    cold, warm = statistics.median(samples["cold"]), statistics.median(samples["warm"])
    return {"command": "python -m assignments.jazz --quiet --out TMP (the Makefile's environment)", "runs": runs,
            "cold_s": round(cold, 2), "warm_s": round(warm, 2), "all_cold_s": [round(t, 2) for t in samples["cold"]],
            "all_warm_s": [round(t, 2) for t in samples["warm"]], "load_average_before": loads,
            "goal_cold_s": PROCESS_GOAL_S, "cold_meets_goal": cold <= PROCESS_GOAL_S}


def _train(kind: str, X, Y, epochs: int, seed: int = 0) -> dict:
    import numpy as np

    from assignments.jazz.midi.config import JazzConfig
    from assignments.jazz.model.layers import fused_model, make_layers
    from assignments.jazz.course import train_course
    from assignments.jazz.model.train import compile_fused, initial_states, train_fused
    from shared.seed import set_seed

    set_seed(seed)
    reshaper, LSTM_cell, densor = make_layers(X.shape[2])
    config = JazzConfig(epochs=epochs, seed=seed)
    start = time.perf_counter()
    if kind == "unrolled, fit":
        losses = train_course(X, Y, LSTM_cell, densor, reshaper, config, quiet=True).losses
    elif kind == "fused, fit":
        model = compile_fused(fused_model(X.shape[1], LSTM_cell, densor), config)
        a0, c0 = initial_states(X.shape[0], LSTM_cell.units)
        history = model.fit([X, a0, c0], np.transpose(Y, (1, 0, 2)), epochs=epochs, batch_size=32, verbose=0)
        losses = history.history["loss"]
    else:
        losses = train_fused(X, Y, LSTM_cell, densor, config, quiet=True).losses
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "loss_first": float(losses[0]), "loss_last": float(losses[-1]),
            "layers": (LSTM_cell, densor)}


def training(corpus_data, epochs: int) -> tuple[dict, list, tuple]:
    X, Y = corpus_data
    results = {}
    for kind in ("unrolled, fit", "fused, fit", "fused, loop"):
        results[kind] = _train(kind, X, Y, epochs)
        print(f"  {kind:14s} {results[kind]['seconds']:7.2f} s   loss {results[kind]['loss_first']:.3f} -> "
              f"{results[kind]['loss_last']:.3f}", flush=True)
    base = results["unrolled, fit"]["seconds"]
    rows = [[f"train {epochs} epochs: {k}", f"{v['seconds']:.2f} s", f"{base / v['seconds']:.1f}x",
             f"{v['loss_first']:.2f} -> {v['loss_last']:.2f}"] for k, v in results.items()]
    summary = {"epochs": epochs, "training_seconds": {k: round(v["seconds"], 3) for k, v in results.items()},
               "training_losses": {k: [v["loss_first"], v["loss_last"]] for k, v in results.items()},
               "training_speedup_vs_unrolled": {k: round(base / v["seconds"], 2) for k, v in results.items()}}
    return summary, rows, results["fused, loop"]["layers"]


def generation(layers, corpus, indices_values, Ty: int, repeats: int) -> tuple[dict, list]:
    import numpy as np

    from assignments.jazz.course import music_inference_model, to_categorical
    from assignments.jazz.solo.generate import improvise
    from assignments.jazz.model.inference import Sampler

    LSTM_cell, densor = layers
    inference = music_inference_model(LSTM_cell, densor, Ty=Ty)
    start = [np.zeros((1, 1, densor.units)), np.zeros((1, LSTM_cell.units)), np.zeros((1, LSTM_cell.units))]

    def course_predict_and_sample():  # the notebook's UNQ_C3 body: predict(), argmax, to_categorical
        pred = inference.predict(start, verbose=0)
        indices = np.argmax(pred, axis=-1)
        return to_categorical(indices, num_classes=densor.units), indices

    greedy = Sampler(LSTM_cell, densor, greedy=True)
    sampling = Sampler(LSTM_cell, densor, greedy=False, temperature=1.0)
    if not (greedy(Ty) == course_predict_and_sample()[1].ravel()).all():
        raise UserError("the greedy sampler and the course's predict_and_sample disagree")
    times = {
        "predict_and_sample (course)": median(time_calls(course_predict_and_sample, repeats=max(5, repeats // 5),
                                                         warmup=2)),
        "Sampler, greedy": median(time_calls(lambda: greedy(Ty), repeats=repeats, warmup=3)),
        "Sampler, temperature 1.0": median(time_calls(lambda: sampling(Ty, seed=1), repeats=repeats, warmup=3)),
    }
    solo_seconds = median(time_calls(
        lambda: improvise(lambda n, chunk: sampling(n, 0, chunk), indices_values, corpus.chord_groups,
                          random.Random(0), Ty=Ty, quiet=True), repeats=3, warmup=1))
    course_ms = times["predict_and_sample (course)"]
    rows = [[f"generate {Ty} values: {k}", f"{v * 1000:.2f} ms", f"{course_ms / v:.1f}x", ""] for k, v in times.items()]
    rows.append([f"improvise post-processing (5 chunks x {Ty})", f"{solo_seconds * 1000:.0f} ms", "", ""])
    return {"Ty": Ty, "repeats": repeats, "generation_ms": {k: round(v * 1000, 3) for k, v in times.items()},
            "generation_speedup_vs_course": {k: round(course_ms / v, 1) for k, v in times.items()},
            "improvise_ms": round(solo_seconds * 1000, 1)}, rows


def huge_midi(path: Path, n_notes: int = HUGE_NOTES, tpq: int = 96) -> Path:
    """A type-0 file of ``n_notes`` notes: a melody of eighths (3/4 of them, channel 1) over block triads
    (channel 2), written with mido."""
    import mido

    n_melody = n_notes * 3 // 4
    scale = [60, 62, 64, 65, 67, 69, 71, 72]
    events = []
    for i in range(n_melody):
        pitch = 12 + scale[(i * 3) % 8] + 12 * ((i // 64) % 2)
        events += [(i * tpq // 2, 1, "note_on", 0, pitch), (i * tpq // 2 + tpq // 2, 0, "note_off", 0, pitch)]
    n_chords = (n_notes - n_melody) // 3
    for k in range(n_chords):
        on = k * (n_melody * tpq // 2) // n_chords
        for step in (0, 4, 7):
            pitch = 48 + (k % 4) * 2 + step
            events += [(on, 1, "note_on", 1, pitch), (on + 2 * tpq, 0, "note_off", 1, pitch)]
    track = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=500_000, time=0)])
    now = 0
    for tick, _, kind, channel, pitch in sorted(events):
        track.append(mido.Message(kind, channel=channel, note=pitch, velocity=80 if kind == "note_on" else 0,
                                  time=tick - now))
        now = tick
    midi = mido.MidiFile(type=0, ticks_per_beat=tpq)
    midi.tracks.append(track)
    midi.save(path)
    return path


def huge_input() -> tuple[dict, list]:
    """Peak memory and wall time of whole ``python -m assignments.jazz`` processes on a 200,000-note file: the
    whole piece as window (stops at the documented limit of notes per window) and a 2,000-beat window (a run)."""
    summary, rows = {}, []
    with tempfile.TemporaryDirectory(prefix="bench-jazz-huge-") as tmp:
        midi = huge_midi(Path(tmp) / "huge.mid")
        for label, extra in (("whole piece", []), ("window 0-2000", ["--window", "0", "2000"])):
            out = Path(tmp) / f"out-{len(summary)}"
            code, peak, seconds, err = child_peak(
                [*COMMAND, "--midi", str(midi), "--epochs", "1", "--ty", "8", "--no-wav", *extra, "--out", str(out)],
                env=dict(os.environ, JAZZ_CACHE_DIR=str(Path(tmp) / "cache")))
            summary[label] = {"seconds": round(seconds, 2), "peak_rss_mb": round(peak, 1),
                              "status": code, "error": err.strip().splitlines()[-1:] if code else [],
                              "wrote_files": out.exists()}
            rows.append([f"{HUGE_NOTES:,}-note MIDI, {label}: exit {code}", f"{seconds:.2f} s", f"{peak:.0f} MB", ""])
    return {"huge_input": {"notes": HUGE_NOTES, **summary}}, rows


def _previous() -> dict:
    try:
        return dict(json.loads((RESULTS_DIR / "jazz.json").read_text(encoding="utf-8")).get("results") or {})
    except (OSError, ValueError, AttributeError):
        return {}


def _parts(text: str) -> list[str]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown or not parts:
        raise UserError(f"argument --only: choose among {', '.join(PARTS)} (comma-separated), got {text!r}")
    return parts


def main(argv: Sequence[str] | None = None) -> int:
    parser = ArgumentParser(prog="python -m bench.bench_jazz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(PARTS), help=f"parts to run, comma-separated ({','.join(PARTS)})")
    parser.add_argument("--runs", type=positive_int, default=3, help="cold and warm whole-process runs each (3)")
    parser.add_argument("--epochs", type=positive_int, default=100, help="training epochs per contender (100)")
    parser.add_argument("--ty", type=positive_int, default=50, help="generated values (course: 50)")
    parser.add_argument("--repeats", type=positive_int, default=50, help="timed generation calls (50)")
    args = parser.parse_args(argv)
    parts = _parts(args.only)
    results = _previous()
    rows = []
    if "process" in parts:
        print(f"whole process, cold and warm, {args.runs} runs each (goal: cold <= {PROCESS_GOAL_S:g} s)", flush=True)
        results["whole_process"] = process = whole_process(args.runs)
        rows += [["make jazz, whole process: cold", f"{process['cold_s']:.2f} s", "", ""],
                 ["make jazz, whole process: warm", f"{process['warm_s']:.2f} s", "", ""]]
    if "training" in parts or "generation" in parts:
        from assignments.jazz.corpus.build import load_corpus
        from assignments.jazz.corpus.windows import one_hot_windows, values_indices

        corpus = load_corpus(DATA_DIR / "original_metheny.mid", "2021")
        val_indices, indices_values = values_indices(corpus.values)
        X, Y = one_hot_windows(corpus.corpus, val_indices, 60, 30)
        if "training" in parts:
            print(f"jazz LSTM, Metheny 2021 corpus: X {X.shape}, {args.epochs} epochs, batch 32", flush=True)
            summary, training_rows, layers = training((X, Y), args.epochs)
            results.update(summary)
            rows += training_rows
        else:  # generation alone: layers trained far enough that the greedy sequence is not one value repeated
            layers = _train("fused, loop", X, Y, 40)["layers"]
        if "generation" in parts:
            summary, generation_rows = generation(layers, corpus, indices_values, args.ty, args.repeats)
            results.update(summary)
            rows += generation_rows
    if "huge" in parts:
        print(f"whole process on a {HUGE_NOTES:,}-note MIDI file (peak memory: the process's own VmHWM, in MiB)", flush=True)
        summary, huge_rows = huge_input()
        results.update(summary)
        rows += huge_rows
    print(format_table(["what", "time", "speed-up", "loss"], rows))
    print(f"results: {write_results('jazz', results, RESULTS_DIR)}")
    return 0


if __name__ == "__main__":
    start(main)
