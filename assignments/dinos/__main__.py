"""``python -m assignments.dinos`` (``make dinos``): train a names model, sample names from it, write what it learned.

Read :func:`main` top-down: settings -> data -> checks -> train (or ``--load`` a saved model) -> sample -> write.
The maths is one hop away: :mod:`.course` (the course's numpy RNN: its loop, step and printout) with :mod:`.fast`
(the same step, bit for bit, faster), :mod:`.keras_model` (the Keras char-LM), :mod:`.sample` (sampling, bits
per character); the data in :mod:`.data`.

Default: the course run, exactly -- the numpy RNN, 22001 iterations, the notebook's printout every 2000
iterations. ``--data FILE`` trains on any UTF-8 names file (its own output folder, ``output/dinos-FILE``);
``--model keras`` trains the Keras char-LM on a fixed held-out split until the held-out score stops improving;
``--load MODEL`` samples from a saved model without training. The names are marked "real dinosaur" / "new" (or
"in train" / "in held-out" / "new"); ``--out`` receives them with the model, a loss-curve PNG and a run card,
as one set (written aside, committed together, the run card last).

``--seed`` (numpy): seed 0 is the course's seeds (initialisation 1, shuffle 0, checkpoint names 0..6);
seed s uses s + 1, s and s..s+6. Sampling after training uses ``np.random.default_rng(seed)``.
"""
if __name__ == "__main__":  # first: a Ctrl-C while numpy or TensorFlow loads is one quiet line
    from shared.run import start

    start("assignments.dinos.__main__")  # imports this module inside the run, calls main, ends the process

import json
import math
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from shared.data import verify_course_file
from shared.paths import display_path
from shared.run import UserError
from shared.run.backend import import_keras, onednn_enabled
from shared.run.cli import config_parser, parse_config
from shared.run.console import note, say
from shared.run.io import check_output_target, write_text_atomic
from shared.run.outputs import OutputSet

from . import memory
from .cli import check_top_k
from .config import DinosConfig
from .data import load_names, split_names
from .names import NameStore
from .sample import classify, decode, generate, log_probs_numpy, numpy_step, bits_per_char

COMMAND = "python -m assignments.dinos"
SECONDS_PER_ITERATION = 2e-4  # about what the fast path takes per iteration (decides whether a drawing child pays)
MAX_CHECKPOINTS = 10_000  # printed checkpoints a run keeps (iterations / sample-every)
SEED_SPAN = 105  # the numpy model seeds up to seed + 104 (checkpoint names: seed + 6 + 2 * 49 in the course's sample)
NUMPY_FILES = ("parameters.npz", "names.txt", "checkpoints.json", "loss.png")
KERAS_FILES = ("keras_model.keras", "keras_model.json", "keras_parameters.npz", "keras_names.txt", "keras_loss.png")
LOADED_FILES = ("sampled_names.txt",)


def build_parser():
    return config_parser(DinosConfig, COMMAND, __doc__.split("\n\n")[0].split(": ", 1)[1],
                         epilog=__doc__.split("\n\n")[-1].replace("``", "'"))


def main(argv: Sequence[str] | None = None) -> int:
    # settings
    config = parse_config(DinosConfig, build_parser(), argv)
    check_settings(config)
    say(config.quiet, "Settings: " + ", ".join(f"{k}={v}" for k, v in config.relevant().items()))
    # data
    verify_course_file(config.data)  # a changed data/dinos.txt: one line, before anything
    data = load_names(config.data, keep_case=config.keep_case, alphabet=config.alphabet,
                      drop_invalid=config.drop_invalid)
    say(config.quiet, data.summary(), data.reading_summary())
    if data.stats.dropped:
        shown = "; ".join(f"line {ln} ({name[:30]!r}: {', '.join(repr(c) for c in bad)})"
                          for ln, name, bad in data.stats.dropped_shown)
        note(f"dropped {data.stats.dropped} line{'s' * (data.stats.dropped != 1)} with characters outside "
             f"--alphabet {config.alphabet}, first: {shown}")
    # checks
    impl = check_run(config, data)
    saved = read_saved_model(config) if config.load else None
    # train or load, sample, write
    card = ("sampled_" if config.load else "keras_" if config.model == "keras" else "") + "run_card.json"
    start = time.perf_counter()
    with OutputSet(config.out, command=COMMAND, seed=config.seed, settings=dict(config.relevant(), data=data.source),
                   data_files=[config.data], card_name=card) as outputs:
        if saved is not None:
            results = sample_saved(config, data, saved, outputs)
        elif config.model == "numpy":
            results = run_numpy(config, data, outputs, impl)
        else:
            results = run_keras(config, data, outputs)
        wall = time.perf_counter() - start
        outputs.results.update(results, data=data.describe(), wall_time_s=wall)
    shown = [*outputs.files.values(), outputs.card_path]
    print(f"Wrote {', '.join(display_path(p) for p in shown)} ({wall:.1f} s)")
    return 0


# ---------------------------------------------------------------- checks before the work
def check_settings(config: DinosConfig) -> None:
    """What the options alone can tell (one line each)."""
    if config.drop_invalid and config.alphabet is None:
        raise UserError("--drop-invalid needs --alphabet (which characters are valid)")
    if config.model == "numpy" and config.iterations // config.sample_every >= MAX_CHECKPOINTS:
        raise UserError(f"--iterations {config.iterations} with --sample-every {config.sample_every} prints "
                        f"{config.iterations // config.sample_every + 1} checkpoints; at most {MAX_CHECKPOINTS} are "
                        f"kept (raise --sample-every)")
    if config.model == "numpy" and config.load is None and config.seed > 2 ** 32 - SEED_SPAN:
        raise UserError(f"--seed {config.seed}: the numpy model uses the course's seeds seed + 1 .. seed + "
                        f"{SEED_SPAN - 1}, so at most {2 ** 32 - SEED_SPAN} (numpy seeds end at 2**32 - 1)")
    if config.model == "keras" and config.matmul == "bfloat16" and config.cell != "lstm":
        raise UserError(f"--matmul bfloat16 is for --cell lstm (the {config.cell} layer is Keras' own, float32)")
    if config.load is not None and config.load.suffix != {"numpy": ".npz", "keras": ".keras"}[config.model]:
        raise UserError(f"--load {config.load}: the {config.model} model loads a "
                        f"{ {'numpy': 'parameters.npz', 'keras': '.keras'}[config.model]} file"
                        + (" (add --model keras)" if config.load.suffix == ".keras" else ""))


def check_run(config: DinosConfig, data: NameStore) -> str:
    """Every check that needs the data, before the output folder is opened; returns the numpy impl to use."""
    check_top_k(config.top_k, data.vocab_size)
    files = LOADED_FILES if config.load else NUMPY_FILES if config.model == "numpy" else KERAS_FILES
    for name in files:
        check_output_target(config.out / name)  # a folder where a file goes: one line now, not after training
    hint_n_a = "try a smaller --n-a"
    memory.check_fits(f"sampling {config.samples} names", 4 * memory.numpy_sampling(
        config.n_a, data.vocab_size, config.samples), "try fewer --samples or a smaller --n-a")
    if config.load:
        return config.impl
    if config.model == "keras":
        memory.check_fits("Keras training", memory.keras_training(
            config.n_a * config.layers, data.vocab_size, data.max_length, config.batch_size, len(data), data.codes.size),
            f"{hint_n_a} or --batch-size, or shorter names (longest: {data.max_length} characters)")
        return config.impl
    from .fast import BUFFER_BYTES, max_name_length

    impl, limit = config.impl, max_name_length(config.n_a, data.vocab_size)
    if impl == "fast" and data.max_length > limit:
        note(f"the longest name has {data.max_length} characters, more than the fast path's "
             f"{max(limit, 0)} for n_a={config.n_a} and {data.vocab_size} characters "
             f"({BUFFER_BYTES >> 20} MiB of step buffers); training with the course's loop (--impl course), "
             f"the same numbers, slower")
        impl = "course"
    memory.check_fits("training", memory.numpy_training(config.n_a, data.vocab_size, data.max_length,
                                                        impl == "fast"),
                      f"{hint_n_a}, or shorter names (longest: {data.max_length} characters)")
    return impl


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


def run_numpy(config: DinosConfig, data: NameStore, outputs: OutputSet, impl_name: str) -> dict:
    """Train the course's RNN (the notebook's printout), score and sample it, write its set."""
    from shared.run.backend import get_blas_threads, set_blas_threads
    from shared.run.drawing import Drawing, worth_a_child
    from shared.plotting import plot_curves

    from . import course, fast

    found_label, subject = _labels(data)
    threads = get_blas_threads()  # these products are tiny: one thread is several times faster than two
    set_blas_threads(1)
    history = LossHistory(config.iterations, config.learning_rate)
    checkpoints: list[dict] = []
    printout: list[str] = []
    bar = None if config.quiet or not sys.stderr.isatty() else _progress_bar(config.iterations)

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
    try:
        # the curve's child imports matplotlib while the parent trains
        with Drawing(background=worth_a_child(config.iterations * SECONDS_PER_ITERATION)) as drawing:
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
            drawing.draw(plot_curves, outputs.path("loss.png"), {"smoothed loss": _curve_points(history)},
                         f"{subject}, numpy RNN (n_a={config.n_a})", "iteration",
                         "smoothed loss (nats per name)")  # drawn while the rest is computed and written
            train_bpc, scored = _train_bits(parameters, data, config)
            names = _sample(numpy_step(parameters), np.zeros((config.n_a, config.samples)), config, data.ix_to_char)
            report = classify(names, data.contains(names), train_label=found_label)
            say(config.quiet, f"Final smoothed loss: {history[-1]:.6f} (last checkpoint name: {last_name.strip()})",
                f"Training names: {train_bpc:.4f} bits per character (zero initial state"
                + ("" if scored == "training names" else f", {scored}") + ")",
                f"Sampled {report.summary()}:")
            say(config.quiet, *_name_lines(report, indent="  "))
            _save_parameters(outputs, "parameters.npz", parameters, data.chars)
            write_names(outputs.path("names.txt"), report,
                        f"{config.samples} names from the numpy model trained on {Path(data.source).name} "
                        f"(seed {config.seed}, temperature {config.temperature}, top-k {config.top_k or 'off'})")
            write_checkpoints(outputs.path("checkpoints.json"), checkpoints, config)
            drawing.wait()
    finally:
        if threads:
            set_blas_threads(threads)
    return {"final_smoothed_loss": history[-1], "last_dino_name": last_name.strip(),
            "train_bits_per_char": train_bpc, "train_bits_scored": scored, "training_wall_time_s": wall,
            "impl_used": impl_name, "samples": report.as_dict(),
            "checkpoints": checkpoints, "checkpoint_printout": "\n".join(printout)}


SCORED_MAX = 100_000  # names scored for the "Training names: bits per character" line


def _train_bits(parameters: dict, data: NameStore, config: DinosConfig) -> tuple[float, str]:
    """Bits per character of the training names (zero initial state), 4096 names at a time, and what was scored.

    Every name of the file when training went through all of them (the course run: 22001 iterations over
    1536 names); otherwise the names trained on (the first ``iterations`` of the course's shuffled order), at
    most :data:`SCORED_MAX` of them -- a 50 MB file holds millions, and scoring them all would take minutes.
    """
    if config.iterations >= len(data) and len(data) <= SCORED_MAX:
        batches, what = data.iter_encoded(4096), "training names"
    else:
        order = np.arange(len(data))
        np.random.seed(config.seed)
        np.random.shuffle(order)  # the course's shuffle: the same draws for a list and an array
        picked = [data.encoded(int(i)).tolist() for i in order[:min(config.iterations, SCORED_MAX)]]
        batches = (picked[k:k + 4096] for k in range(0, len(picked), 4096))
        what = f"the {len(picked)} names trained on"
    total, n_chars = 0.0, 0
    for encoded in batches:
        total += float(np.sum(log_probs_numpy(parameters, encoded)))
        n_chars += sum(len(e) + 1 for e in encoded)
    return float(-total / n_chars / np.log(2)), what


# ---------------------------------------------------------------- the Keras model
def run_keras(config: DinosConfig, data: NameStore, outputs: OutputSet) -> dict:
    """Train the Keras char-LM until the held-out names stop improving, keep its best epoch, sample, write its set."""
    from shared.plotting import plot_curves

    # TensorFlow imported here, its start-up notice left out; bfloat16 products need its oneDNN kernels (AMX)
    import_keras(onednn=config.matmul == "bfloat16")
    from . import keras_model as km
    from .data import encode
    from .keras_io import save_model

    train_names, held_out_names = split_names(data.names, config.held_out, config.split_seed)
    merged = len(data) - len(train_names) - len(held_out_names)
    say(config.quiet, f"Held-out split (seed {config.split_seed}): {len(train_names)} training names, "
                      f"{len(held_out_names)} held out ({merged} duplicate{'s' * (merged != 1)} merged)")
    enc_train = [encode(s, data.char_to_ix) for s in train_names]
    enc_held = [encode(s, data.char_to_ix) for s in held_out_names]
    with np.errstate(over="ignore", invalid="ignore"):
        result = km.train(enc_train, enc_held, **config.keras_training(), seed=config.seed,
                          report=None if config.quiet else print, vocab_size=data.vocab_size)
    if result.stopped == "diverged" and result.best_epoch == 0:
        raise Diverged(f"training diverged (non-finite loss); try a smaller --learning-rate than "
                       f"{config.learning_rate:g}")
    model, best = result.model, result.best_bpc
    train_bpc = bits_per_char(km.log_probs_keras(model, enc_train), enc_train)
    names = _sample(km.keras_step(model), km.initial_states(model, config.samples), config, data.ix_to_char)
    report = classify(names, train_names, held_out_names,
                      train_label="in train" if data.course else "in training data")
    why = {"patience": f"{config.patience} epochs without a held-out gain of {km.MIN_GAIN:g} bits",
           "epochs": "--epochs reached",
           "time budget": f"--time-budget {config.time_budget} s reached", "diverged": "the loss diverged"}
    say(config.quiet, f"Best epoch: {result.best_epoch} of {result.epochs[-1]} (stopped: {why[result.stopped]}); "
                      f"its weights are kept",
        f"Held-out: {best * math.log(2):.4f} nats per character, {best:.4f} bits per character "
        f"(training names {train_bpc:.4f} bits); training took {result.wall_time:.1f} s",
        f"Sampled {report.summary()}:")
    say(config.quiet, *_name_lines(report, indent="  "))
    save_model(model, outputs.path("keras_model.keras"),
               {"chars": list(data.chars), **config.keras_training(), "seed": config.seed, "data": data.source,
                "held_out": config.held_out, "split_seed": config.split_seed, "best_epoch": result.best_epoch})
    if config.cell == "simple_rnn" and config.layers == 1 and config.members == 1:
        _save_parameters(outputs, "keras_parameters.npz", km.keras_to_numpy(model), data.chars)
    write_names(outputs.path("keras_names.txt"), report,
                f"{config.samples} names from the Keras {config.cell} model trained on {Path(data.source).name} "
                f"(seed {config.seed}, temperature {config.temperature}, top-k {config.top_k or 'off'})")
    held_out = "held-out (weight average)" if config.average_epochs else "held-out"
    curves = {"training loss": (result.epochs, [v / math.log(2) for v in result.train_loss]),
              held_out: (result.epochs, result.held_out_bpc)}
    low = min(min(ys) for _, ys in curves.values())
    high = max(max(ys) for _, ys in curves.values())
    curves[f"best epoch ({result.best_epoch}): weights kept"] = ([result.best_epoch] * 2, [low, high])
    plot_curves(outputs.path("keras_loss.png"), curves,
                f"{_labels(data)[1]}, Keras {config.cell} ({config.layers} x {config.n_a}"
                f"{f', {config.members} networks' if config.members > 1 else ''})", "epoch",
                "bits per character")
    return {"held_out_bits_per_char": best, "held_out_nats_per_char": best * math.log(2),
            "train_bits_per_char": train_bpc, "best_epoch": result.best_epoch, "stopped": result.stopped,
            "per_epoch": {"epoch": result.epochs, "train_loss_nats_per_char": result.train_loss,
                          "held_out_bits_per_char": result.held_out_bpc, "seconds": result.seconds},
            "n_train": len(train_names), "n_held_out": len(held_out_names), "duplicates_merged": merged,
            "parameters": int(model.count_params()), "training_wall_time_s": result.wall_time,
            "tensorflow_onednn": onednn_enabled(),
            "samples": report.as_dict()}


# ---------------------------------------------------------------- a saved model (--load)
def read_saved_model(config: DinosConfig) -> dict:
    """The model ``--load`` names, checked: ``{"step", "state", "chars", "meta"}``; one line if it is unusable."""
    path, shown = config.load, display_path(config.load)
    if not path.is_file():
        raise UserError(f"--load: model not found: {shown}")
    if config.model == "numpy":
        keys = ("Wax", "Waa", "Wya", "b", "by", "chars")
        try:
            with np.load(path, allow_pickle=False) as saved:
                missing = [k for k in keys if k not in saved.files]
                arrays = {} if missing else {k: saved[k] for k in keys}
        except (OSError, ValueError) as exc:
            raise UserError(f"--load: cannot read {shown}: {str(exc).splitlines()[0] or type(exc).__name__}") from None
        if missing:
            raise UserError(f"--load: {shown} has no {', '.join(missing)} (a parameters.npz written by this command "
                            f"holds {', '.join(keys)})")
        chars = [str(c) for c in arrays.pop("chars")]
        n_a, n_x = arrays["Wax"].shape if arrays["Wax"].ndim == 2 else (0, 0)
        shapes = {"Wax": (n_a, n_x), "Waa": (n_a, n_a), "Wya": (n_x, n_a), "b": (n_a, 1), "by": (n_x, 1)}
        wrong = [k for k, s in shapes.items() if arrays[k].shape != s or not np.isfinite(arrays[k]).all()]
        if n_x != len(chars) or not n_a or wrong:
            raise UserError(f"--load: {shown} is damaged: {', '.join(wrong) or 'chars'} do not fit "
                            f"{len(chars)} characters (shapes or non-finite values)")
        return {"step": numpy_step({k: v.astype(np.float64) for k, v in arrays.items()}),
                "state": np.zeros((n_a, config.samples)), "chars": chars, "meta": {}}
    from . import keras_model as km
    from .keras_io import load_model, read_meta

    meta = read_meta(path, "--load model")
    model = load_model(path, "--load model")
    chars = meta.get("chars")
    if not isinstance(chars, list) or len(chars) != model.output.shape[-1] or "next_char" not in [
            layer.name for layer in model.layers]:
        raise UserError(f"--load: {shown} and its {path.with_suffix('.json').name} do not fit together "
                        f"(not a names model written by this command, or its vocabulary was changed)")
    return {"step": km.keras_step(model), "state": km.initial_states(model, config.samples), "chars": chars,
            "meta": meta}


def sample_saved(config: DinosConfig, data: NameStore, saved: dict, outputs: OutputSet) -> dict:
    """``--samples`` names from a saved model, marked against ``--data`` (its held-out split, for a Keras model)."""
    meta = saved["meta"]
    names = _sample(saved["step"], saved["state"], config, dict(enumerate(saved["chars"])))
    if config.model == "keras" and "held_out" in meta:
        train, held = split_names(data.names, meta["held_out"], meta.get("split_seed", config.split_seed))
        report = classify(names, train, held, train_label="in train" if data.course else "in training data")
    else:
        report = classify(names, data.contains(names), train_label=_labels(data)[0])
    say(config.quiet, f"Sampled {report.summary()} (from {display_path(config.load)}):")
    say(config.quiet, *_name_lines(report, indent="  "))
    write_names(outputs.path("sampled_names.txt"), report,
                f"{config.samples} names from {display_path(config.load)} (seed {config.seed}, temperature "
                f"{config.temperature}, top-k {config.top_k or 'off'})")
    return {"model_file": str(config.load), "samples": report.as_dict()}


# ---------------------------------------------------------------- sampling and words
def _sample(step, state, config: DinosConfig, ix_to_char: dict) -> list[str]:
    """``--samples`` names (``--temperature``, ``--top-k``), seeded by ``--seed``, as text."""
    with np.errstate(over="ignore", under="ignore"):  # a tiny temperature underflows to exact zeros: fine
        indices = generate(step, state, config.samples, np.random.default_rng(config.seed), config.temperature,
                           config.top_k or None)
    return [decode(ix, ix_to_char) for ix in indices]


def _labels(data: NameStore) -> tuple[str, str]:
    """How a sampled name found in the file is called, and the plot's subject."""
    if data.course:
        return "real dinosaur", "Dinosaur names"
    return "in training data", Path(data.source).name


def _shown(name: str) -> str:
    """A sampled name as the notebook prints it (first letter upper-cased); '(empty)' for a bare newline."""
    return name.capitalize() if name else "(empty)"


def _name_lines(report, indent: str = "") -> list[str]:
    width = max(len(_shown(n)) for n in report.names) + 2
    return [f"{indent}{_shown(name):<{width}}{label}" for name, label in zip(report.names, report.labels)]


def write_names(path: Path, report, header: str) -> None:
    lines = [f"# {header}", f"# {report.summary()}"] + _name_lines(report)
    write_text_atomic(path, "\n".join(lines) + "\n")


def write_checkpoints(path: Path, checkpoints: list[dict], config: DinosConfig) -> Path:
    """``checkpoints.json``: every printed checkpoint (iteration, loss as printed, smoothed loss, names)."""
    payload = {"command": COMMAND, "impl": config.impl, "seed": config.seed, "iterations": config.iterations,
               "sample_every": config.sample_every, "dino_names": config.dino_names,
               "reference": "data/reference/dinos.json: model.checkpoints (the course's published rows 0-14000)",
               "checkpoints": checkpoints}
    return write_text_atomic(path, json.dumps(payload, indent=1) + "\n")


def _save_parameters(outputs: OutputSet, name: str, parameters: dict, chars) -> None:
    with outputs.atomic(name) as tmp:
        with open(tmp, "wb") as handle:
            np.savez(handle, **parameters, chars=np.array(chars))


def _progress_bar(total: int):
    from tqdm import tqdm  # imported only for a terminal

    return tqdm(total=total, unit="it", file=sys.stderr, mininterval=0.5, leave=False)


def _curve_points(history, points: int = 2000) -> tuple[list[int], list[float]]:
    """Every k-th iteration of ``history`` (and the last), about ``points`` points: a curve sampled finer than the
    figure's pixels looks the same."""
    every = max(1, math.ceil(len(history) / points))
    xs = list(range(0, len(history), every))
    if xs[-1] != len(history) - 1:
        xs.append(len(history) - 1)
    return xs, [float(history[i]) for i in xs]
