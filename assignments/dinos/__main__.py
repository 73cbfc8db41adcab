"""``python -m assignments.dinos`` (``make dinos``): train a dinosaur-name model, print and save what it learned.

Default: the course run, exactly -- the numpy RNN, 22001 iterations, the notebook's printout every 2000
iterations (the same digits as the course; the fast path is bit-identical to the course's loop). Then
``--samples`` names are drawn (``--temperature``, ``--top-k``, seeded by ``--seed``) and marked "real
dinosaur" or "new", and ``--out`` (``output/dinos/``) receives the parameters, the names, a loss-curve
PNG and a run card.

``--model keras`` trains the Keras char-LM (``--cell gru|lstm|simple_rnn``) on a fixed held-out split
and reports held-out bits per character every epoch; its names are marked "in train / in held-out / new".

``--seed`` (numpy): seed 0 is the course's seeds (initialisation 1, shuffle 0, checkpoint names 0..6);
seed s uses s + 1, s and s..s+6. Sampling after training uses ``np.random.default_rng(seed)``.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from shared.cli import ArgumentParser, non_negative_int, positive_float, positive_int, run
from shared.console import say
from shared.errors import UserError
from shared.io import atomic_path, ensure_output_dir, write_text_atomic
from shared.paths import display_path
from shared.runcard import write_run_card

from .cli import check_top_k, temperature
from .config import CELLS, IMPLS, MODELS, DinosConfig
from .data import CHARS, VOCAB_SIZE, DinoData, encode, load_names, split_names
from .sample import SampleReport, bits_per_char, classify, decode, log_probs_numpy, sample_numpy

COMMAND = "python -m assignments.dinos"
PLOT_POINTS = 2000  # points of the loss curve drawn: a curve sampled finer than the figure's pixels looks the same
SECONDS_PER_ITERATION = 2e-4  # the fast path on this project's 2-core machine: 22001 iterations in about 4.6 s


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} must be between 0 and 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    d = DinosConfig()
    p = ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0].split(": ", 1)[1],
                epilog=__doc__.split("\n\n")[-1].replace("``", "'").strip(),
                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--data", type=Path, default=d.data, help="names file, one name per line (letters a-z only)")
    p.add_argument("--model", choices=MODELS, default=d.model,
                   help="numpy: the course's RNN trained by SGD one name at a time; keras: batched Keras char-LM")
    p.add_argument("--impl", choices=IMPLS, default=d.impl,
                   help="numpy model: 'fast' (bit-identical, several times faster) or 'course' (the course's loop)")
    p.add_argument("--iterations", type=positive_int, default=d.iterations,
                   help="numpy model: training iterations, one name each (the course runs 22001)")
    p.add_argument("--sample-every", type=positive_int, default=d.sample_every,
                   help="numpy model: print the loss and sampled names every this many iterations")
    p.add_argument("--seed", type=non_negative_int, default=d.seed,
                   help="one seed for every random source; 0 reproduces the course (see below)")
    p.add_argument("--n-a", type=positive_int, default=d.n_a, help="hidden units")
    p.add_argument("--learning-rate", type=positive_float, default=d.learning_rate,
                   help="SGD step (numpy, course 0.01) or Adam learning rate (keras)")
    p.add_argument("--temperature", type=temperature, default=d.temperature,
                   help="sampling temperature for the final names (<1: safer, >1: wilder)")
    p.add_argument("--top-k", type=non_negative_int, default=d.top_k,
                   help="sample only among the k likeliest characters (0: all 27)")
    p.add_argument("--samples", type=positive_int, default=d.samples, help="names to generate after training")
    p.add_argument("--out", type=Path, default=d.out, help="output folder")
    p.add_argument("--quiet", action="store_true", help="no progress bar, no per-checkpoint or per-epoch lines")
    k = p.add_argument_group("keras model")
    k.add_argument("--cell", choices=CELLS, default=d.cell, help="recurrent layer")
    k.add_argument("--epochs", type=positive_int, default=d.epochs, help="passes over the training names")
    k.add_argument("--batch-size", type=positive_int, default=d.batch_size, help="names per batch")
    k.add_argument("--clipnorm", type=positive_float, default=d.clipnorm, help="gradient clipping (global norm)")
    k.add_argument("--held-out", type=_fraction, default=d.held_out, help="fraction of the names held out")
    k.add_argument("--split-seed", type=non_negative_int, default=d.split_seed,
                   help="seed of the held-out split (independent of --seed)")
    return p


def parse_config(argv: Sequence[str] | None) -> DinosConfig:
    args = build_parser().parse_args(argv)
    check_top_k(args.top_k, VOCAB_SIZE)
    return DinosConfig(**{k: v for k, v in vars(args).items()})


def _shown(name: str) -> str:
    """A sampled name as the notebook prints it (first letter upper-cased); '(empty)' for a bare newline."""
    return name.capitalize() if name else "(empty)"


def _name_lines(report: SampleReport, indent: str = "") -> list[str]:
    width = max(len(_shown(n)) for n in report.names) + 2
    return [f"{indent}{_shown(name):<{width}}{label}" for name, label in zip(report.names, report.labels)]


def write_names(path: Path, report: SampleReport, header: str) -> None:
    lines = [f"# {header}", f"# {report.summary()}"] + _name_lines(report)
    write_text_atomic(path, "\n".join(lines) + "\n")


def _sampled_names(parameters_or_step, config: DinosConfig, data: DinoData, keras_model=None) -> list[str]:
    rng = np.random.default_rng(config.seed)
    top_k = config.top_k or None
    if keras_model is None:
        indices = sample_numpy(parameters_or_step, config.samples, rng, config.temperature, top_k)
    else:
        from .keras_model import initial_states, keras_step
        from .sample import generate
        indices = generate(keras_step(keras_model), initial_states(keras_model, config.samples), config.samples,
                           rng, config.temperature, top_k)
    return [decode(ix, data.ix_to_char) for ix in indices]


def _progress_bar(config: DinosConfig):
    """A tqdm bar on stderr when it is a terminal and the run is not quiet (tqdm is imported only then)."""
    if config.quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=config.iterations, unit="it", file=sys.stderr, mininterval=0.5, leave=False)


def _curve_points(history: Sequence[float], points: int = PLOT_POINTS) -> tuple[list[int], list[float]]:
    """Every k-th iteration of ``history`` (and the last), so that the curve has about ``points`` points."""
    every = max(1, math.ceil(len(history) / points))
    xs = list(range(0, len(history), every))
    if xs[-1] != len(history) - 1:
        xs.append(len(history) - 1)
    return xs, [history[i] for i in xs]


def write_checkpoints(path: Path, checkpoints: list[dict], config: DinosConfig) -> Path:
    """``checkpoints.json``: every printed checkpoint (iteration, loss as printed, smoothed loss, names)."""
    payload = {"command": COMMAND, "impl": config.impl, "seed": config.seed, "iterations": config.iterations,
               "sample_every": config.sample_every, "dino_names": config.dino_names,
               "reference": "data/reference/dinos.json: model.checkpoints (the course's published rows 0-14000)",
               "checkpoints": checkpoints}
    return write_text_atomic(path, json.dumps(payload, indent=1) + "\n")


def _train_numpy(config: DinosConfig, data: DinoData):
    """The course's training run (``--impl``), printing the notebook's lines; BLAS on one thread meanwhile."""
    from . import course, fast

    impl = fast if config.impl == "fast" else course
    history: list[float] = []
    checkpoints: list[dict] = []
    printout: list[str] = []
    bar = _progress_bar(config)

    def out(line: str) -> None:
        printout.append(line)
        if bar is not None:
            bar.write(line)  # the notebook's printout, above the progress bar
        elif not config.quiet:
            print(line)

    start = time.perf_counter()
    parameters, last_name = impl.model(
        list(data.names), data.ix_to_char, data.char_to_ix, config.iterations, n_a=config.n_a,
        dino_names=config.dino_names, sample_every=config.sample_every, seed=config.seed,
        learning_rate=config.learning_rate, history=history, checkpoints=checkpoints,
        progress=(lambda j: bar.update(1)) if bar is not None else None, out=out)
    wall = time.perf_counter() - start
    if bar is not None:
        bar.close()
    if not all(math.isfinite(v) for v in parameters["Waa"].ravel()):
        raise UserError("training diverged (non-finite parameters); try a smaller --learning-rate")
    return parameters, last_name, history, checkpoints, printout, wall


def run_numpy(config: DinosConfig, data: DinoData) -> dict:
    from shared.blas import get_blas_threads, set_blas_threads

    from .plot import CurvePlotter, worth_a_child

    threads = get_blas_threads()  # these products are tiny: one thread is several times faster than two
    set_blas_threads(1)
    try:
        with CurvePlotter(background=worth_a_child(config.iterations * SECONDS_PER_ITERATION)) as plotter:
            parameters, last_name, history, checkpoints, printout, wall = _train_numpy(config, data)
            plotter.submit(config.out / "loss.png", {"smoothed loss": _curve_points(history)},
                           f"Dinosaur names, numpy RNN (n_a={config.n_a})", "iteration",
                           "smoothed loss (nats per name)")  # drawn while the rest is computed and written
            encoded = [encode(s, data.char_to_ix) for s in data.names]
            train_bpc = bits_per_char(log_probs_numpy(parameters, encoded), encoded)
            report = classify(_sampled_names(parameters, config, data), data.names, train_label="real dinosaur")
            say(config.quiet, f"Final smoothed loss: {history[-1]:.6f} (last checkpoint name: {last_name.strip()})",
                f"Training names: {train_bpc:.4f} bits per character (zero initial state)",
                f"Sampled {report.summary()}:")
            say(config.quiet, *_name_lines(report, indent="  "))
            files = {}
            with atomic_path(config.out / "parameters.npz") as tmp:
                with open(tmp, "wb") as handle:
                    np.savez(handle, **parameters)
            files["parameters"] = config.out / "parameters.npz"
            files["names"] = config.out / "names.txt"
            write_names(files["names"], report, f"{config.samples} names from the numpy model (seed {config.seed}, "
                        f"temperature {config.temperature}, top-k {config.top_k or 'off'})")
            files["checkpoints"] = write_checkpoints(config.out / "checkpoints.json", checkpoints, config)
            files["loss_curve"] = plotter.result()
    finally:
        if threads:
            set_blas_threads(threads)
    results = {"final_smoothed_loss": history[-1], "last_dino_name": last_name.strip(),
               "train_bits_per_char": train_bpc, "training_wall_time_s": wall,
               "samples": {"counts": report.counts, "unique": report.unique, "names": list(report.names)},
               "checkpoints": checkpoints, "checkpoint_printout": "\n".join(printout)}
    return {"files": files, "results": results}


def run_keras(config: DinosConfig, data: DinoData) -> dict:
    from . import keras_model as km
    from .convert import keras_to_numpy

    train_names, held_out_names = split_names(data.names, config.held_out, config.split_seed)
    say(config.quiet, f"Held-out split (seed {config.split_seed}): {len(train_names)} training names, "
                      f"{len(held_out_names)} held out")
    enc_train = [encode(s, data.char_to_ix) for s in train_names]
    enc_held = [encode(s, data.char_to_ix) for s in held_out_names]
    result = km.train(enc_train, enc_held, n_a=config.n_a, cell=config.cell, epochs=config.epochs,
                      batch_size=config.batch_size, learning_rate=config.learning_rate, clipnorm=config.clipnorm,
                      seed=config.seed, verbose=1 if sys.stdout.isatty() and not config.quiet else 0,
                      report=None if config.quiet else print)
    if not all(math.isfinite(v) for v in result.train_loss):
        raise UserError("training diverged (non-finite loss); try a smaller --learning-rate")
    model = result.model
    train_bpc = bits_per_char(km.log_probs_keras(model, enc_train), enc_train)
    names = _sampled_names(None, config, data, keras_model=model)
    report = classify(names, train_names, held_out_names)
    say(config.quiet, f"Held-out: {result.held_out_bpc[-1]:.4f} bits per character "
                      f"(training names {train_bpc:.4f}); training took {result.wall_time:.1f} s",
        f"Sampled {report.summary()}:")
    say(config.quiet, *_name_lines(report, indent="  "))

    from .keras_io import save_model

    files = {"model": save_model(model, config.out / "keras_model.keras",
                                 {"chars": list(CHARS), "cell": config.cell, "n_a": config.n_a, "seed": config.seed})}
    files["model_sidecar"] = config.out / "keras_model.json"
    if config.cell == "simple_rnn":
        with atomic_path(config.out / "keras_parameters.npz") as tmp:
            with open(tmp, "wb") as handle:
                np.savez(handle, **keras_to_numpy(model))
        files["parameters"] = config.out / "keras_parameters.npz"
    files["names"] = config.out / "keras_names.txt"
    write_names(files["names"], report, f"{config.samples} names from the Keras {config.cell} model "
                f"(seed {config.seed}, temperature {config.temperature}, top-k {config.top_k or 'off'})")
    from shared.plotting import plot_curves

    files["loss_curve"] = plot_curves(
        config.out / "keras_loss.png",
        {"training loss": (result.epochs, [v / math.log(2) for v in result.train_loss]),
         "held-out": (result.epochs, result.held_out_bpc)},
        f"Dinosaur names, Keras {config.cell} (n_a={config.n_a})", "epoch", "bits per character")
    results = {"held_out_bits_per_char": result.held_out_bpc[-1], "train_bits_per_char": train_bpc,
               "per_epoch": {"epoch": result.epochs, "train_loss_nats_per_char": result.train_loss,
                             "held_out_bits_per_char": result.held_out_bpc},
               "n_train": len(train_names), "n_held_out": len(held_out_names),
               "parameters": int(model.count_params()), "training_wall_time_s": result.wall_time,
               "samples": {"counts": report.counts, "unique": report.unique, "names": list(report.names)}}
    return {"files": files, "results": results}


def main(argv: Sequence[str] | None = None) -> int:
    config = parse_config(argv)
    say(config.quiet, "Settings: " + ", ".join(f"{k}={v}" for k, v in config.relevant().items()))
    ensure_output_dir(config.out)
    data = load_names(config.data)
    say(config.quiet, data.summary())
    start = time.perf_counter()
    outcome = run_numpy(config, data) if config.model == "numpy" else run_keras(config, data)
    wall = time.perf_counter() - start
    results = dict(outcome["results"], wall_time_s=wall)
    prefix = "" if config.model == "numpy" else "keras_"
    card = write_run_card(config.out / f"{prefix}run_card.json", COMMAND, config.relevant(), config.seed,
                          [config.data], results)
    files = dict(outcome["files"], run_card=card)
    print(f"Wrote {', '.join(display_path(p) for p in files.values())} ({wall:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
