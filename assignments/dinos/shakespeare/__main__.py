"""Writing like Shakespeare: the course's optional Keras part of Dinosaur Island, as a command.

    python -m assignments.dinos.shakespeare                      # pretrained course model, 400 characters
    python -m assignments.dinos.shakespeare --prompt "Shall I compare thee" --temperature 0.5 --seed 3
    python -m assignments.dinos.shakespeare --train-epochs 1     # the notebook's extra epoch, then a poem
    python -m assignments.dinos.shakespeare --from-scratch --train-epochs 20
    python -m assignments.dinos.shakespeare --resume output/shakespeare/checkpoints/epoch-003

Differences from the course notebook (details in the modules of this package):

* The course's Keras 2.0.6 file is rebuilt for Keras 3 with the Keras 2 ``hard_sigmoid`` its LSTMs were
  trained with (``keras.models.load_model`` would silently use Keras 3's different function), and
  training continues from the file's own Adam state, as the notebook's ``model.fit`` did.
* No ``input()``: ``--prompt``, ``--length``, ``--temperature`` and ``--seed`` (the course's sampling is
  unseeded). Characters outside the 38-character vocabulary are named in a one-line error.
* ``--mode window`` (default) is the course's loop, re-running the model on the last 40 characters,
  through a compiled function (about 15x faster than the course's ``model.predict`` per character).
  ``--mode stateful`` advances the LSTMs one character at a time with their state carried (hundreds of
  times faster): the same distribution for the first character, but this model was trained only on
  40-step windows from zero state and predicts the sonnets worse with a longer carried context
  (+0.4 nats/char; ``python -m bench.bench_shakespeare``).
* Training writes a checkpoint every epoch, ``checkpoints/epoch-NNN/`` (``model.keras`` + ``model.json``,
  appearing together or not at all; a re-run with fewer epochs removes an older run's later epochs) and
  resumes exactly (weights, Adam state, epoch, batch order and dropout masks), shows the Keras progress bar
  and draws the loss curve.
* Without the pretrained file (and without ``--from-scratch``) it stops with a one-line message.

Writes ``poem.txt`` and ``run_card.json`` (plus ``model.keras``, ``model.json`` and ``loss.png`` when
training) under ``--out`` (default ``output/shakespeare/``) as one set (:class:`shared.run.outputs.OutputSet`:
committed together, the run card last; an interrupted run leaves the previous set as it was) and prints the
poem. The course's ``shakespeare.txt`` and pretrained ``.h5`` are checked against their checksums first.
"""
from __future__ import annotations

import argparse
import time
from dataclasses import asdict
from pathlib import Path
from typing import Sequence

from shared.run.cli import ArgumentParser, bounded_int, output_dir, run, seed_int
from shared.run import start
from shared.run.console import say
from shared.run import UserError
from shared.paths import display_path

from ..cli import temperature
from .config import DEFAULT_PROMPT, MODES, ShakespeareConfig

COMMAND = "python -m assignments.dinos.shakespeare"
__all__ = ["COMMAND", "DEFAULT_PROMPT", "ShakespeareConfig", "main", "parse_args"]


def parse_args(argv: Sequence[str] | None = None) -> ShakespeareConfig:
    d = ShakespeareConfig()
    p = ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0],
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--text", type=Path, default=d.text, help="training text (lower-cased, as in the course)")
    p.add_argument("--model", type=Path, default=d.model,
                   help="the course's Keras 2 .h5 file or a .keras model written by this command")
    p.add_argument("--prompt", default=d.prompt, help="beginning of the poem (its last Tx characters are used)")
    p.add_argument("--length", type=bounded_int(1, 100_000), default=d.length, help="characters to generate")
    p.add_argument("--temperature", type=temperature, default=d.temperature, help="sampling temperature")
    p.add_argument("--seed", type=seed_int, default=d.seed,
                   help="seed for sampling, and for initialisation, batch order and dropout when training")
    p.add_argument("--mode", choices=MODES, default=d.mode,
                   help="window: the course's loop on the last 40 characters; stateful: carry the LSTM state "
                        "one character at a time (much faster, worse predictions past the first window)")
    p.add_argument("--train-epochs", type=bounded_int(0, 10_000), default=d.train_epochs,
                   help="train this many epochs (with --resume: up to this epoch) before generating")
    p.add_argument("--from-scratch", action="store_true", help="train a freshly initialised model")
    p.add_argument("--resume", type=Path, default=None,
                   help="continue training from a checkpoint folder (OUT/checkpoints/epoch-NNN)")
    p.add_argument("--batch-size", type=bounded_int(1, 1_000_000), default=d.batch_size)
    p.add_argument("--n-a", type=bounded_int(1, 4096), default=d.n_a, help="LSTM units of a model trained from scratch")
    p.add_argument("--max-examples", type=bounded_int(1, 10_000_000), default=None,
                   help="train on the first N windows only (quick runs)")
    p.add_argument("--checkpoint-dir", type=Path, default=None, help="where epoch checkpoints go (OUT/checkpoints)")
    p.add_argument("--out", type=output_dir, default=d.out, help="output folder")
    p.add_argument("--quiet", action="store_true", help="print the poem only: no settings, no progress bar")
    a = p.parse_args(argv)
    if a.from_scratch and a.resume is not None:
        raise UserError("--from-scratch and --resume exclude each other")
    if a.from_scratch and a.train_epochs == 0:
        raise UserError("--from-scratch needs --train-epochs N (N > 0)")
    if a.resume is not None and not (a.resume.is_dir() or a.resume.name == "model.keras"):
        if a.resume.exists():
            raise UserError(f"--resume expects a checkpoint folder such as checkpoints/epoch-003, got {a.resume}")
        raise UserError(f"checkpoint not found: {a.resume}")
    return ShakespeareConfig(text=a.text, model=a.model, prompt=a.prompt, length=a.length,
                             temperature=a.temperature, seed=a.seed, mode=a.mode, n_a=a.n_a,
                             batch_size=a.batch_size, train_epochs=a.train_epochs, from_scratch=a.from_scratch,
                             resume=a.resume, max_examples=a.max_examples, checkpoint_dir=a.checkpoint_dir,
                             out=a.out, quiet=a.quiet)


def _read_inputs(config: ShakespeareConfig):
    """Text, vocabulary and prompt indices; every input file checked before anything is written."""
    from shared.data import verify_course_file

    from .data import Vocabulary, load_corpus

    verify_course_file(config.text)  # a changed data/shakespeare.txt: one line (a user's own text passes)
    if config.resume is None and not config.from_scratch:
        verify_course_file(config.model)  # the pretrained course .h5 (a user's .keras passes unchecked)
    text = load_corpus(config.text, config.Tx)
    vocab = Vocabulary.from_text(text)
    prompt_indices = vocab.encode(config.prompt.lower(), what="--prompt")  # the course lower-cases the input
    if config.resume is not None:
        from .train import read_state

        read_state(config.resume)
    elif not config.from_scratch and not config.model.is_file():
        raise UserError(f"pretrained model not found: {config.model} (run 'make data' to fetch it, "
                        f"or train one with --from-scratch --train-epochs N)")
    return text, vocab, prompt_indices


def _load_model(config: ShakespeareConfig, vocab, n_examples: int):
    """``(model, training state, description)``: a checkpoint, a new model, or the --model file."""
    from shared.run.backend import import_keras

    import_keras()  # matplotlib only if a loss curve is drawn (after training), not with every Keras import
    from .. import keras_io
    from .model import (ModelConfig, build_model, compile_model, load_any_model, parameter_count,
                        restore_course_optimizer)
    from .train import TrainState, load_checkpoint

    chars = list(vocab.chars)
    if config.resume is not None:
        model, state = load_checkpoint(config.resume)
        if state.chars != chars:
            raise UserError(f"checkpoint {config.resume} was trained on another vocabulary than {config.text}")
        state.epochs = config.train_epochs or state.epochs
        return model, state, f"checkpoint {display_path(config.resume)} (epoch {state.epoch})"
    state = TrainState(epochs=config.train_epochs, seed=config.seed, batch_size=config.batch_size, chars=chars,
                       n_examples=n_examples)
    if config.from_scratch:
        model = compile_model(build_model(ModelConfig(Tx=config.Tx, n_x=vocab.size, n_a=config.n_a)),
                              config.learning_rate)
        return model, state, f"new model ({parameter_count(model):,} parameters)"
    model = load_any_model(config.model)
    if config.model.suffix == ".keras" and keras_io.sidecar(config.model).is_file():
        saved = keras_io.read_meta(config.model).get("chars")
        if saved is not None and saved != chars:
            raise UserError(f"model {config.model} was trained on another vocabulary than {config.text}")
    if model.input_shape[2] != vocab.size or model.input_shape[1] != config.Tx:
        raise UserError(f"model {config.model} takes input {model.input_shape[1:]}, but {config.text} gives "
                        f"({config.Tx}, {vocab.size})")
    source = f"{display_path(config.model)} ({parameter_count(model):,} parameters)"
    if config.train_epochs:
        state.start = str(config.model)
        if config.model.suffix != ".keras":  # the course file: continue with its own Adam state
            compile_model(model, config.learning_rate)
            step = restore_course_optimizer(model, config.model)
            source += f", course Adam state at step {step}"
            state.start = "course"
        elif model.optimizer is None:
            compile_model(model, config.learning_rate)
    return model, state, source


def _training_examples(config: ShakespeareConfig):
    """One-hot ``x`` (m, Tx, n_x) and ``y`` (m, n_x); a resumed run uses its checkpoint's slice."""
    from .data import prepare
    from .train import read_state

    max_examples = config.max_examples
    if config.resume is not None:
        saved = read_state(config.resume).n_examples
        if max_examples is not None and max_examples != saved:
            raise UserError(f"checkpoint {config.resume} was trained on {saved} windows, not {max_examples}")
        max_examples = saved
    corpus = prepare(config.text, config.Tx, config.stride, max_examples)
    if config.resume is not None and corpus.m != max_examples:
        raise UserError(f"checkpoint {config.resume} was trained on {max_examples} windows; "
                        f"{config.text} has {corpus.m}")
    return corpus.x, corpus.y


def _train(config: ShakespeareConfig, model, state, x, y, outputs, store) -> dict:
    """Train with the progress bar (units in ``store``), stage ``model.keras`` and ``loss.png``; run-card results."""
    import math

    from shared.plotting import plot_curves

    from .train import save_checkpoint, train

    say(config.quiet, f"training on {x.shape[0]} windows, batch size {state.batch_size}, "
                 f"epochs {state.epoch + 1}..{state.epochs}, checkpoints in {display_path(store.folder)}")
    start = time.perf_counter()
    saved = train(model, x, y, state, store, verbose=0 if config.quiet else 1)
    seconds = time.perf_counter() - start
    if not all(math.isfinite(v) for v in state.epoch_loss):
        raise UserError("training diverged (non-finite loss); the checkpoints written so far are kept")
    save_checkpoint(model, outputs.path("model.keras"), state)  # model.keras + model.json, staged
    final = outputs.final("model.keras")
    out = outputs.out
    steps = -(-x.shape[0] // state.batch_size)
    curves = {"running epoch-mean loss": ([(i + 1) / steps for i in range(len(state.batch_loss))], state.batch_loss)}
    if len(state.epoch_loss) > 1:
        curves["epoch loss"] = (list(range(1, len(state.epoch_loss) + 1)), state.epoch_loss)
    plot_curves(outputs.path("loss.png"), curves, title="Shakespeare LSTM training loss", xlabel="epoch",
                ylabel="cross-entropy (nats/char)")
    say(config.quiet, f"trained to epoch {state.epoch}: loss {state.epoch_loss[-1]:.4f} in {seconds:.1f} s; "
                 f"model: {display_path(final)}; loss curve: {display_path(out / 'loss.png')}")
    return {"epoch": state.epoch, "epoch_loss": state.epoch_loss, "train_seconds": round(seconds, 2),
            "checkpoints": [display_path(p) for p in saved], "saved_model": str(final)}


def main(argv: Sequence[str] | None = None) -> int:
    config = parse_args(argv)
    text, vocab, prompt_indices = _read_inputs(config)

    import numpy as np

    from shared.run.outputs import OutputSet
    from shared.seed import set_seed

    from .. import keras_io
    from .data import build_data
    from .model import parameter_count
    from .sample import generate
    from .train import unit_of

    n_examples = len(build_data(text, config.Tx, config.stride)[0])
    x = y = None
    if config.training:
        x, y = _training_examples(config)
    set_seed(config.seed)  # initial weights and dropout generators of a new model
    model, state, source = _load_model(config, vocab, x.shape[0] if x is not None else n_examples)
    say(config.quiet, f"text: {display_path(config.text)} ({len(text)} characters, {vocab.size} unique); "
                 f"number of training examples: {n_examples} (Tx={config.Tx}, stride {config.stride})")
    say(config.quiet, f"model: {source}")
    results: dict = {"n_examples": n_examples, "vocab_size": vocab.size, "model": source,
                     "parameters": parameter_count(model)}
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items()}
    uses_model_file = config.resume is None and not config.from_scratch
    data_files = [config.text] + ([config.model, keras_io.sidecar(config.model)] if uses_model_file else [])
    with OutputSet(config.out, command=COMMAND, seed=config.seed, settings=settings,
                   data_files=[p for p in data_files if p.is_file()]) as outputs:  # --model OUT/model.keras stays
        if config.training:
            folder = config.checkpoint_dir.resolve() if config.checkpoint_dir else "checkpoints"  # relative: in --out
            store = outputs.checkpoints(folder)
            if config.resume is not None:
                store.lineage(unit_of(config.resume))  # keep the resumed unit and those before it
            results.update(_train(config, model, state, x, y, outputs, store))

        rng = np.random.default_rng(config.seed)
        start = time.perf_counter()
        indices = generate(model, prompt_indices, config.length, config.temperature, rng, config.mode,
                           progress=not config.quiet)
        seconds = time.perf_counter() - start
        poem = config.prompt + vocab.decode(indices)  # printed as typed, as the course does
        outputs.write_text("poem.txt", poem + "\n")
        results.update(generated_characters=len(indices), generation_seconds=round(seconds, 3),
                       characters_per_second=round(len(indices) / max(seconds, 1e-9), 1),
                       poem=str(outputs.final("poem.txt")))
        outputs.results.update(results)
    say(config.quiet, f"\nHere is your poem ({config.mode}, temperature {config.temperature}, seed {config.seed}):\n")
    print(poem)
    say(config.quiet, f"\n{len(indices)} characters in {seconds:.2f} s; wrote {display_path(outputs.final('poem.txt'))} "
                 f"and {display_path(outputs.card_path)}")
    return 0


if __name__ == "__main__":
    start(main)
