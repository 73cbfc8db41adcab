"""Benchmark: the jazz LSTM's training (course's unrolled model vs fused) and its generation latency.

    python -m bench.bench_jazz                 # 100 epochs each, 50-step generation (the course settings)
    python -m bench.bench_jazz --epochs 20     # shorter training runs

Side by side in one process, on the Metheny corpus (2021 era, 90 values), each from the same seed:

* training, wall time for all epochs including graph building (what a user waits for):
  ``unrolled, fit``: the course's ``djmodel`` (30 outputs) with ``model.fit``; ``fused, fit``: the
  fused model (one RNN layer, same weights and loss) with ``model.fit``; ``fused, loop``: the fused
  model in the compiled loop that ``make jazz`` uses. The first and last epoch losses are printed
  beside the times (they differ slightly between contenders: ``fit`` and the loop shuffle differently).
* generation of 50 values, warm (median of repeated calls after warm-up): the course's
  ``predict_and_sample`` on a 50-output ``music_inference_model``, against the compiled
  :class:`~assignments.jazz.inference.Sampler` (greedy, and sampling with temperature 1.0).
* the course's post-processing of one solo (``generate_music``: 5 chunks, music21), for scale.

Results go to ``output/bench/jazz.json`` with the machine's description.
"""
from __future__ import annotations

import random
import sys
import time
from typing import Sequence

from shared.bench import median, time_calls, write_results
from shared.cli import ArgumentParser, positive_int, run
from shared.paths import DATA_DIR
from shared.table import format_table


def _train(kind: str, X, Y, epochs: int, seed: int = 0) -> dict:
    import numpy as np

    from assignments.jazz.config import JazzConfig
    from assignments.jazz.model import fused_model, make_layers
    from assignments.jazz.train import compile_fused, initial_states, train_course, train_fused
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = ArgumentParser(prog="python -m bench.bench_jazz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=positive_int, default=100, help="training epochs per contender (100)")
    parser.add_argument("--ty", type=positive_int, default=50, help="generated values (course: 50)")
    parser.add_argument("--repeats", type=positive_int, default=50, help="timed generation calls (50)")
    args = parser.parse_args(argv)

    from assignments.jazz.corpus import data_processing, load_corpus, values_indices

    corpus = load_corpus(DATA_DIR / "original_metheny.mid", "2021")
    val_indices, indices_values = values_indices(corpus.values)
    X, Y = data_processing(corpus.corpus, val_indices, 60, 30)
    print(f"jazz LSTM, Metheny 2021 corpus: X {X.shape}, {args.epochs} epochs, batch 32", flush=True)

    training = {}
    for kind in ("unrolled, fit", "fused, fit", "fused, loop"):
        training[kind] = _train(kind, X, Y, args.epochs)
        print(f"  {kind:14s} {training[kind]['seconds']:7.2f} s   loss {training[kind]['loss_first']:.3f} -> "
              f"{training[kind]['loss_last']:.3f}", flush=True)
    LSTM_cell, densor = training["fused, loop"]["layers"]

    from assignments.jazz.generate import generate_music
    from assignments.jazz.inference import Sampler, predict_and_sample
    from assignments.jazz.model import music_inference_model

    inference = music_inference_model(LSTM_cell, densor, Ty=args.ty)
    greedy = Sampler(LSTM_cell, densor, greedy=True)
    sampling = Sampler(LSTM_cell, densor, greedy=False, temperature=1.0)
    assert (greedy(args.ty) == predict_and_sample(inference)[1].ravel()).all(), "greedy paths disagree"
    generation = {
        "predict_and_sample (course)": median(time_calls(lambda: predict_and_sample(inference),
                                                         repeats=max(5, args.repeats // 5), warmup=2)),
        "Sampler, greedy": median(time_calls(lambda: greedy(args.ty), repeats=args.repeats, warmup=3)),
        "Sampler, temperature 1.0": median(time_calls(lambda: sampling(args.ty, seed=1), repeats=args.repeats,
                                                      warmup=3)),
    }
    solo_seconds = median(time_calls(
        lambda: generate_music(lambda Ty, chunk: sampling(Ty, 0, chunk), indices_values, corpus.chord_groups,
                               random.Random(0), Ty=args.ty, quiet=True), repeats=3, warmup=1))

    base = training["unrolled, fit"]["seconds"]
    rows = [[f"train {args.epochs} epochs: {k}", f"{v['seconds']:.2f} s", f"{base / v['seconds']:.1f}x",
             f"{v['loss_first']:.2f} -> {v['loss_last']:.2f}"] for k, v in training.items()]
    course_gen = generation["predict_and_sample (course)"]
    rows += [[f"generate {args.ty} values: {k}", f"{v * 1000:.2f} ms", f"{course_gen / v:.1f}x", ""]
             for k, v in generation.items()]
    rows.append([f"generate_music post-processing (5 chunks x {args.ty})", f"{solo_seconds * 1000:.0f} ms", "", ""])
    print(format_table(["what", "time", "speed-up", "loss"], rows))

    results = {
        "settings": {"epochs": args.epochs, "Ty": args.ty, "repeats": args.repeats, "m": 60, "Tx": 30,
                     "n_values": int(X.shape[2]), "batch_size": 32},
        "training_seconds": {k: round(v["seconds"], 3) for k, v in training.items()},
        "training_losses": {k: [v["loss_first"], v["loss_last"]] for k, v in training.items()},
        "training_speedup_vs_unrolled": {k: round(base / v["seconds"], 2) for k, v in training.items()},
        "generation_ms": {k: round(v * 1000, 3) for k, v in generation.items()},
        "generation_speedup_vs_course": {k: round(course_gen / v, 1) for k, v in generation.items()},
        "generate_music_ms": round(solo_seconds * 1000, 1),
    }
    print(f"results: {write_results('jazz', results)}")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
