"""The body of ``python -m assignments.dinos`` (``__main__.py`` imports it inside :func:`shared.run.cli.run`).

Default: the course run, exactly -- the numpy RNN, 22001 iterations, the notebook's printout every 2000
iterations (the same digits as the course; the fast path is bit-identical to the course's loop). Then
``--samples`` names are drawn (``--temperature``, ``--top-k``, seeded by ``--seed``) and marked "real
dinosaur" or "new" ("in training data" / "new" for another names file), and ``--out`` (``output/dinos/``)
receives the parameters (with the vocabulary), the names, a loss-curve PNG and a run card, as one set
(:class:`shared.run.outputs.OutputSet`: written aside, committed together, the run card last).

``--data FILE`` trains on any UTF-8 names file, one name per line: the vocabulary is the file's
characters (sorted, ``'\\n'`` first), so the model's n_x = n_y = that size. ``--keep-case`` keeps upper case,
``--alphabet`` restricts the characters (every offending line is counted; ``--drop-invalid`` drops them).

``--model keras`` trains the Keras char-LM (``--cell gru|lstm|simple_rnn``) on a fixed held-out split
and reports held-out bits per character every epoch; its names are marked "in train / in held-out / new".

Everything is checked before training: the options (finite, in range), the course's ``dinos.txt`` against
its checksum, the file, the memory the run needs, the output folder; training that diverges stops with one line.
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

from shared.run.cli import ArgumentParser, bounded_float, bounded_int, output_dir, positive_float, seed_int
from shared.run.console import note, say
from shared.data import verify_course_file
from shared.run import UserError
from shared.run.io import check_output_target, write_text_atomic
from shared.run.outputs import OutputSet
from shared.paths import display_path

from . import memory
from .cli import check_top_k, temperature
from .config import CELLS, IMPLS, MODELS, DinosConfig
from .data import MAX_VOCAB, DinoData, load_names, split_names
from .sample import SampleReport, bits_per_char, classify, decode, log_probs_numpy, sample_numpy

COMMAND = "python -m assignments.dinos"
PLOT_POINTS = 2000  # points of the loss curve drawn: a curve sampled finer than the figure's pixels looks the same
SECONDS_PER_ITERATION = 2e-4  # the fast path on this project's 2-core machine: 22001 iterations in about 4.6 s
MAX_CHECKPOINTS = 10_000  # printed checkpoints a run keeps (iterations / sample-every)
NUMPY_FILES = ("parameters.npz", "names.txt", "checkpoints.json", "loss.png")
KERAS_FILES = ("keras_model.keras", "keras_model.json", "keras_parameters.npz", "keras_names.txt", "keras_loss.png")


def build_parser() -> argparse.ArgumentParser:
    from . import __main__ as entry

    d = DinosConfig()
    doc = entry.__doc__
    p = ArgumentParser(prog=COMMAND, description=doc.split("\n\n")[0].split(": ", 1)[1],
                       epilog=doc.split("\n\n")[-1].replace("``", "'").strip(),
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--data", type=Path, default=d.data,
                   help="names file, one name per line, any UTF-8 text (the vocabulary is its characters)")
    p.add_argument("--keep-case", action="store_true", help="keep upper case (the course lower-cases the names)")
    p.add_argument("--alphabet", default=d.alphabet,
                   help="allowed characters, with x-y ranges (e.g. a-z or \"a-z '-\"): any other is an error")
    p.add_argument("--drop-invalid", action="store_true",
                   help="with --alphabet: drop the lines with other characters instead of stopping")
    p.add_argument("--model", choices=MODELS, default=d.model,
                   help="numpy: the course's RNN trained by SGD one name at a time; keras: batched Keras char-LM")
    p.add_argument("--impl", choices=IMPLS, default=d.impl,
                   help="numpy model: 'fast' (bit-identical, several times faster) or 'course' (the course's loop)")
    p.add_argument("--iterations", type=bounded_int(1, 10_000_000), default=d.iterations,
                   help="numpy model: training iterations, one name each (the course runs 22001)")
    p.add_argument("--sample-every", type=bounded_int(1, 10_000_000), default=d.sample_every,
                   help="numpy model: print the loss and sampled names every this many iterations")
    p.add_argument("--seed", type=seed_int, default=d.seed,
                   help="one seed for every random source; 0 reproduces the course (see below)")
    p.add_argument("--n-a", type=bounded_int(1, 4096), default=d.n_a, help="hidden units")
    p.add_argument("--learning-rate", type=positive_float, default=d.learning_rate,
                   help="SGD step (numpy, course 0.01) or Adam learning rate (keras)")
    p.add_argument("--temperature", type=temperature, default=d.temperature,
                   help="sampling temperature for the final names (<1: safer, >1: wilder)")
    p.add_argument("--top-k", type=bounded_int(0, MAX_VOCAB), default=d.top_k,
                   help="sample only among the k likeliest characters (0: all)")
    p.add_argument("--samples", type=bounded_int(1, 100_000), default=d.samples,
                   help="names to generate after training")
    p.add_argument("--out", type=output_dir, default=d.out, help="output folder")
    p.add_argument("--quiet", action="store_true", help="no progress bar, no per-checkpoint or per-epoch lines")
    k = p.add_argument_group("keras model")
    k.add_argument("--cell", choices=CELLS, default=d.cell, help="recurrent layer")
    k.add_argument("--epochs", type=bounded_int(1, 100_000), default=d.epochs, help="passes over the training names")
    k.add_argument("--batch-size", type=bounded_int(1, 1_000_000), default=d.batch_size, help="names per batch")
    k.add_argument("--clipnorm", type=positive_float, default=d.clipnorm, help="gradient clipping (global norm)")
    k.add_argument("--held-out", type=bounded_float(0, 1, lo_open=True, hi_open=True), default=d.held_out,
                   help="fraction of the names held out")
    k.add_argument("--split-seed", type=seed_int, default=d.split_seed,
                   help="seed of the held-out split (independent of --seed)")
    return p


def parse_config(argv: Sequence[str] | None) -> DinosConfig:
    args = build_parser().parse_args(argv)
    if args.drop_invalid and args.alphabet is None:
        raise UserError("--drop-invalid needs --alphabet (which characters are valid)")
    if args.model == "numpy" and args.iterations // args.sample_every >= MAX_CHECKPOINTS:
        raise UserError(f"--iterations {args.iterations} with --sample-every {args.sample_every} prints "
                        f"{args.iterations // args.sample_every + 1} checkpoints; at most {MAX_CHECKPOINTS} are kept "
                        f"(raise --sample-every)")
    return DinosConfig(**{k: v for k, v in vars(args).items()})


# ---------------------------------------------------------------- words
def _labels(data: DinoData) -> tuple[str, str]:
    """How a sampled name found in the file is called, and the plot's subject."""
    if data.course:
        return "real dinosaur", "Dinosaur names"
    return "in training data", Path(data.source).name


def _shown(name: str) -> str:
    """A sampled name as the notebook prints it (first letter upper-cased); '(empty)' for a bare newline."""
    return name.capitalize() if name else "(empty)"


def _name_lines(report: SampleReport, indent: str = "") -> list[str]:
    width = max(len(_shown(n)) for n in report.names) + 2
    return [f"{indent}{_shown(name):<{width}}{label}" for name, label in zip(report.names, report.labels)]


def write_names(path: Path, report: SampleReport, header: str) -> None:
    lines = [f"# {header}", f"# {report.summary()}"] + _name_lines(report)
    write_text_atomic(path, "\n".join(lines) + "\n")


def _sampled_names(parameters, config: DinosConfig, data: DinoData, keras_model=None) -> list[str]:
    rng = np.random.default_rng(config.seed)
    top_k = config.top_k or None
    if keras_model is None:
        with np.errstate(over="ignore", under="ignore"):  # a tiny temperature underflows to exact zeros: fine
            indices = sample_numpy(parameters, config.samples, rng, config.temperature, top_k)
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


def _curve_points(history, points: int = PLOT_POINTS) -> tuple[list[int], list[float]]:
    """Every k-th iteration of ``history`` (and the last), so that the curve has about ``points`` points."""
    every = max(1, math.ceil(len(history) / points))
    xs = list(range(0, len(history), every))
    if xs[-1] != len(history) - 1:
        xs.append(len(history) - 1)
    return xs, [float(history[i]) for i in xs]


def write_checkpoints(path: Path, checkpoints: list[dict], config: DinosConfig) -> Path:
    """``checkpoints.json``: every printed checkpoint (iteration, loss as printed, smoothed loss, names)."""
    payload = {"command": COMMAND, "impl": config.impl, "seed": config.seed, "iterations": config.iterations,
               "sample_every": config.sample_every, "dino_names": config.dino_names,
               "reference": "data/reference/dinos.json: model.checkpoints (the course's published rows 0-14000)",
               "checkpoints": checkpoints}
    return write_text_atomic(path, json.dumps(payload, indent=1) + "\n")


# ---------------------------------------------------------------- the numpy model
class Diverged(UserError):
    pass


class LossHistory:
    """The smoothed loss of every iteration in one float64 array; a non-finite loss stops the run in one line."""

    def __init__(self, iterations: int, learning_rate: float):
        self.values = np.empty(iterations)
        self.n = 0
        self.learning_rate = learning_rate

    def append(self, value: float) -> None:
        if not math.isfinite(value):
            raise Diverged(f"training diverged at iteration {self.n} (the loss is {value}); "
                           f"try a smaller --learning-rate than {self.learning_rate:g}")
        self.values[self.n] = value
        self.n += 1

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> float:
        return float(self.values[:self.n][i])


def fast_path_fits(config: DinosConfig, data: DinoData) -> bool:
    """Whether the fast path's buffers take the longest name (see :func:`fast.max_name_length`)."""
    from .fast import max_name_length

    return data.max_length <= max_name_length(config.n_a, data.vocab_size)


def _train_numpy(config: DinosConfig, data: DinoData, impl_name: str):
    """The course's training run (``impl_name``), printing the notebook's lines; BLAS on one thread meanwhile."""
    from . import course, fast

    history = LossHistory(config.iterations, config.learning_rate)
    checkpoints: list[dict] = []
    printout: list[str] = []
    bar = _progress_bar(config)

    def out(line: str) -> None:
        printout.append(line)
        if bar is not None:
            bar.write(line)  # the notebook's printout, above the progress bar
        elif not config.quiet:
            print(line)

    options = dict(dino_names=config.dino_names, sample_every=config.sample_every, seed=config.seed,
                   learning_rate=config.learning_rate, history=history, checkpoints=checkpoints,
                   progress=(lambda j: bar.update(1)) if bar is not None else None, out=out)
    if impl_name == "fast":
        options["max_len"] = data.max_length + 1
    start = time.perf_counter()
    try:
        with np.errstate(all="ignore"):  # divergence is reported by LossHistory, in one line
            parameters, last_name = (fast if impl_name == "fast" else course).model(
                data, data.ix_to_char, data.char_to_ix, config.iterations, n_a=config.n_a,
                vocab_size=data.vocab_size, **options)
    except ValueError as exc:  # the course's sample() on non-finite probabilities: the model diverged
        if "probabilities" not in str(exc):
            raise
        raise Diverged(f"training diverged at iteration {len(history) - 1} (non-finite probabilities); "
                       f"try a smaller --learning-rate than {config.learning_rate:g}") from None
    finally:
        if bar is not None:
            bar.close()
    wall = time.perf_counter() - start
    if not all(np.isfinite(parameters[k]).all() for k in parameters):
        raise Diverged(f"training diverged (non-finite parameters); try a smaller --learning-rate than "
                       f"{config.learning_rate:g}")
    return parameters, last_name, history, checkpoints, printout, wall


SCORED_MAX = 100_000  # names scored for the "Training names: bits per character" line


def _train_bits(parameters: dict, data: DinoData, config: DinosConfig) -> tuple[float, str]:
    """Bits per character of the training names (zero initial state), 4096 names at a time, and what was scored.

    Every name of the file when training went through all of them (the course run: 22001 iterations over
    1536 names); otherwise the names trained on (the first ``iterations`` of the shuffled order), at most
    :data:`SCORED_MAX` of them -- a 50 MB file holds millions, and scoring them all would take minutes.
    """
    if config.iterations >= len(data) and len(data) <= SCORED_MAX:
        batches, what = data.iter_encoded(4096), "training names"
    else:
        order = data.course_shuffle(config.seed).order[:min(config.iterations, SCORED_MAX)]
        picked = [data.encoded(int(i)).tolist() for i in order]
        batches = (picked[k:k + 4096] for k in range(0, len(picked), 4096))
        what = f"the {len(picked)} names trained on"
    total, n_chars = 0.0, 0
    for encoded in batches:
        total += float(np.sum(log_probs_numpy(parameters, encoded)))
        n_chars += sum(len(e) + 1 for e in encoded)
    return float(-total / n_chars / np.log(2)), what


def run_numpy(config: DinosConfig, data: DinoData, outputs: OutputSet, impl_name: str) -> dict:
    from shared.run.backend import get_blas_threads, set_blas_threads

    from .plot import CurvePlotter, worth_a_child

    found_label, subject = _labels(data)
    threads = get_blas_threads()  # these products are tiny: one thread is several times faster than two
    set_blas_threads(1)
    try:
        with CurvePlotter(background=worth_a_child(config.iterations * SECONDS_PER_ITERATION)) as plotter:
            parameters, last_name, history, checkpoints, printout, wall = _train_numpy(config, data, impl_name)
            plotter.submit(outputs.path("loss.png"), {"smoothed loss": _curve_points(history)},
                           f"{subject}, numpy RNN (n_a={config.n_a})", "iteration",
                           "smoothed loss (nats per name)")  # drawn while the rest is computed and written
            train_bpc, scored = _train_bits(parameters, data, config)
            names = _sampled_names(parameters, config, data)
            report = classify(names, data.contains(names), train_label=found_label)
            say(config.quiet, f"Final smoothed loss: {history[-1]:.6f} (last checkpoint name: {last_name.strip()})",
                f"Training names: {train_bpc:.4f} bits per character (zero initial state"
                + ("" if scored == "training names" else f", {scored}") + ")",
                f"Sampled {report.summary()}:")
            say(config.quiet, *_name_lines(report, indent="  "))
            with outputs.atomic("parameters.npz") as tmp:
                with open(tmp, "wb") as handle:
                    np.savez(handle, **parameters, chars=np.array(data.chars))
            write_names(outputs.path("names.txt"), report,
                        f"{config.samples} names from the numpy model trained on {Path(data.source).name} "
                        f"(seed {config.seed}, temperature {config.temperature}, top-k {config.top_k or 'off'})")
            write_checkpoints(outputs.path("checkpoints.json"), checkpoints, config)
            plotter.result()
    finally:
        if threads:
            set_blas_threads(threads)
    return {"final_smoothed_loss": history[-1], "last_dino_name": last_name.strip(),
            "train_bits_per_char": train_bpc, "train_bits_scored": scored, "training_wall_time_s": wall,
            "impl_used": impl_name,
            "samples": {"counts": report.counts, "unique": report.unique, "names": list(report.names)},
            "checkpoints": checkpoints, "checkpoint_printout": "\n".join(printout)}


# ---------------------------------------------------------------- the Keras model
def run_keras(config: DinosConfig, data: DinoData, outputs: OutputSet) -> dict:
    from . import keras_model as km
    from .convert import keras_to_numpy
    from .data import encode

    train_names, held_out_names = split_names(data.names, config.held_out, config.split_seed)
    merged = len(data) - len(train_names) - len(held_out_names)
    say(config.quiet, f"Held-out split (seed {config.split_seed}): {len(train_names)} training names, "
                      f"{len(held_out_names)} held out ({merged} duplicate{'s' * (merged != 1)} merged)")
    enc_train = [encode(s, data.char_to_ix) for s in train_names]
    enc_held = [encode(s, data.char_to_ix) for s in held_out_names]
    with np.errstate(over="ignore", invalid="ignore"):
        result = km.train(enc_train, enc_held, n_a=config.n_a, cell=config.cell, epochs=config.epochs,
                          batch_size=config.batch_size, learning_rate=config.learning_rate, clipnorm=config.clipnorm,
                          seed=config.seed, verbose=1 if sys.stdout.isatty() and not config.quiet else 0,
                          report=None if config.quiet else print, vocab_size=data.vocab_size)
    if not all(math.isfinite(v) for v in result.train_loss + result.held_out_bpc):
        raise Diverged(f"training diverged (non-finite loss); try a smaller --learning-rate than "
                       f"{config.learning_rate:g}")
    model = result.model
    train_bpc = bits_per_char(km.log_probs_keras(model, enc_train), enc_train)
    names = _sampled_names(None, config, data, keras_model=model)
    if data.course:
        report = classify(names, train_names, held_out_names)
    else:
        report = classify(names, train_names, held_out_names, train_label="in training data")
    say(config.quiet, f"Held-out: {result.held_out_bpc[-1]:.4f} bits per character "
                      f"(training names {train_bpc:.4f}); training took {result.wall_time:.1f} s",
        f"Sampled {report.summary()}:")
    say(config.quiet, *_name_lines(report, indent="  "))

    from shared.plotting import plot_curves

    from .keras_io import save_model

    save_model(model, outputs.path("keras_model.keras"),
               {"chars": list(data.chars), "cell": config.cell, "n_a": config.n_a, "seed": config.seed,
                "data": data.source})
    if config.cell == "simple_rnn":
        with outputs.atomic("keras_parameters.npz") as tmp:
            with open(tmp, "wb") as handle:
                np.savez(handle, **keras_to_numpy(model), chars=np.array(data.chars))
    write_names(outputs.path("keras_names.txt"), report,
                f"{config.samples} names from the Keras {config.cell} model trained on {Path(data.source).name} "
                f"(seed {config.seed}, temperature {config.temperature}, top-k {config.top_k or 'off'})")
    _, subject = _labels(data)
    plot_curves(outputs.path("keras_loss.png"),
                {"training loss": (result.epochs, [v / math.log(2) for v in result.train_loss]),
                 "held-out": (result.epochs, result.held_out_bpc)},
                f"{subject}, Keras {config.cell} (n_a={config.n_a})", "epoch", "bits per character")
    return {"held_out_bits_per_char": result.held_out_bpc[-1], "train_bits_per_char": train_bpc,
            "per_epoch": {"epoch": result.epochs, "train_loss_nats_per_char": result.train_loss,
                          "held_out_bits_per_char": result.held_out_bpc},
            "n_train": len(train_names), "n_held_out": len(held_out_names), "duplicates_merged": merged,
            "parameters": int(model.count_params()), "training_wall_time_s": result.wall_time,
            "samples": {"counts": report.counts, "unique": report.unique, "names": list(report.names)}}


# ---------------------------------------------------------------- checks before the work
def check_run(config: DinosConfig, data: DinoData) -> str:
    """Every check that needs the data, before the output folder is opened; returns the numpy impl to use."""
    check_top_k(config.top_k, data.vocab_size)
    for name in (NUMPY_FILES if config.model == "numpy" else KERAS_FILES):
        check_output_target(config.out / name)  # a folder where a file goes: one line now, not after training
    hint_n_a = "try a smaller --n-a"
    if config.model == "keras":
        memory.check_fits("Keras training", memory.keras_training(config.n_a, data.vocab_size, data.max_length,
                                                                  config.batch_size, len(data), data.codes.size),
                          f"{hint_n_a} or --batch-size, or shorter names (longest: {data.max_length} characters)")
        memory.check_fits(f"sampling {config.samples} names", 4 * memory.numpy_sampling(
            config.n_a, data.vocab_size, config.samples), "try fewer --samples or a smaller --n-a")
        return config.impl
    impl = config.impl
    if impl == "fast" and not fast_path_fits(config, data):
        from .fast import BUFFER_BYTES, max_name_length

        limit = max_name_length(config.n_a, data.vocab_size)
        note(f"the longest name has {data.max_length} characters, more than the fast path's "
             f"{max(limit, 0)} for n_a={config.n_a} and {data.vocab_size} characters "
             f"({BUFFER_BYTES >> 20} MiB of step buffers); training with the course's loop (--impl course), "
             f"the same numbers, slower")
        impl = "course"
    memory.check_fits("training", memory.numpy_training(config.n_a, data.vocab_size, data.max_length,
                                                        impl == "fast"),
                      f"{hint_n_a}, or shorter names (longest: {data.max_length} characters)")
    memory.check_fits(f"sampling {config.samples} names",
                      memory.numpy_sampling(config.n_a, data.vocab_size, config.samples),
                      "try fewer --samples or a smaller --n-a")
    return impl


def main(argv: Sequence[str] | None = None) -> int:
    config = parse_config(argv)
    say(config.quiet, "Settings: " + ", ".join(f"{k}={v}" for k, v in config.relevant().items()))
    verify_course_file(config.data)  # a changed data/dinos.txt: one line, before anything
    data = load_names(config.data, keep_case=config.keep_case, alphabet=config.alphabet,
                      drop_invalid=config.drop_invalid)
    say(config.quiet, data.summary(), data.reading_summary())
    if data.stats.dropped:
        shown = "; ".join(f"line {ln} ({name[:30]!r}: {', '.join(repr(c) for c in bad)})"
                          for ln, name, bad in data.stats.dropped_shown)
        note(f"dropped {data.stats.dropped} line{'s' * (data.stats.dropped != 1)} with characters outside "
             f"--alphabet {config.alphabet}, first: {shown}")
    impl = check_run(config, data)
    card = "run_card.json" if config.model == "numpy" else "keras_run_card.json"
    start = time.perf_counter()
    settings = dict(config.relevant(), data=data.source)
    with OutputSet(config.out, command=COMMAND, seed=config.seed, settings=settings,
                   data_files=[config.data], card_name=card) as outputs:
        if config.model == "numpy":
            results = run_numpy(config, data, outputs, impl)
        else:
            results = run_keras(config, data, outputs)
        wall = time.perf_counter() - start
        outputs.results.update(results, data=data.describe(), wall_time_s=wall)
    shown = [*outputs.files.values(), outputs.card_path]
    print(f"Wrote {', '.join(display_path(p) for p in shown)} ({wall:.1f} s)")
    return 0
