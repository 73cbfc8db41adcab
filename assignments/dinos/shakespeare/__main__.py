"""``python -m assignments.dinos.shakespeare`` (``make shakespeare``): the course's pretrained LSTM writes a poem.

Read :func:`main` top-down: settings -> data -> checks -> train or load -> sample -> write. The maths is one hop
away: :mod:`.data` (the course's windows and one-hot arrays), :mod:`.model` (the course's two-layer LSTM and
its Keras 2 file read correctly under Keras 3), :mod:`.train` (epochs with checkpoints, exact resume),
:mod:`.sample` (the course's window loop, or a stateful stepper from :mod:`.step`) on :mod:`shared.sampling`.
"""
if __name__ == "__main__":  # first: a Ctrl-C while numpy or TensorFlow loads is one quiet line
    from shared.run import start

    start("assignments.dinos.shakespeare.__main__")  # imports this module inside the run, calls main, ends

import time
import unicodedata
from dataclasses import asdict
from pathlib import Path
from typing import Sequence

from shared.data import verify_course_file
from shared.paths import display_path
from shared.run import UserError
from shared.run.cli import config_parser, parse_config
from shared.run.console import say

from .config import BATCH_SIZE, CHECKPOINT_MODEL, DEFAULT_PROMPT, ShakespeareConfig
from .data import Vocabulary, build_data, load_corpus, prepare

COMMAND = "python -m assignments.dinos.shakespeare"
DESCRIPTION = """Writing like Shakespeare: the course's pretrained two-layer LSTM (Keras 2, read under Keras 3) writes
a poem after your prompt; it can also train, from the course's model, from scratch or from a checkpoint.

  python -m assignments.dinos.shakespeare                      # pretrained course model, 400 characters
  python -m assignments.dinos.shakespeare --prompt "Shall I compare thee" --temperature 0.5 --seed 3
  python -m assignments.dinos.shakespeare --train-epochs 1     # the notebook's extra epoch, then a poem
  python -m assignments.dinos.shakespeare --from-scratch --train-epochs 20
  python -m assignments.dinos.shakespeare --resume output/shakespeare/checkpoints/epoch-003

Writes poem.txt and run_card.json (and model.keras, model.json, loss.png when training) under --out as one set,
committed together, the run card last. Every input file is checked first: a bad one is one line, exit 2."""
__all__ = ["COMMAND", "DEFAULT_PROMPT", "ShakespeareConfig", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    # settings: the course's (config.py), changed by the options given
    config = parse_config(ShakespeareConfig, config_parser(ShakespeareConfig, COMMAND, DESCRIPTION), argv)
    check_options(config)

    # data: the sonnets, their vocabulary, the prompt (before anything heavy is imported)
    verify_course_file(config.text)  # a changed data/shakespeare.txt: one line (a user's own text passes)
    if config.pretrained:
        verify_course_file(config.model)  # the course's .h5 (a user's .keras passes unchecked)
    text = load_corpus(config.text, config.Tx)
    vocab = Vocabulary.from_text(text)
    prompt = vocab.encode(unicodedata.normalize("NFC", config.prompt.lower()), what="--prompt")  # as the text
    n_examples = len(build_data(text, config.Tx, config.stride)[0])

    import numpy as np

    from shared import sampling
    from shared.run.outputs import OutputSet
    from shared.seed import set_seed

    from .. import keras_io
    from . import model as lstm
    from . import sample, train

    # checks: the checkpoint's state, the training windows it was trained on
    state = train.read_state(config.resume) if config.resume is not None else None
    if config.pretrained and not config.model.is_file():
        fetch = "run 'make data' to fetch it, or " if config.model == ShakespeareConfig.model else ""
        raise UserError(f"model not found: {config.model} ({fetch}train one with --from-scratch --train-epochs N)")
    x = y = None
    if config.training:
        x, y = training_examples(config, state)

    # train or load: the model (a checkpoint, a new one or the --model file), checked against the vocabulary,
    # and its first distribution after the prompt
    set_seed(config.seed)  # initial weights and dropout generators of a new model
    model, state, source = load(config, vocab, state, x.shape[0] if x is not None else n_examples)
    sample.check_model(model, config.mode, prompt, vocab.size, source)
    say(config.quiet, f"text: {display_path(config.text)} ({len(text)} characters, {vocab.size} unique); "
                      f"number of training examples: {n_examples} (Tx={config.Tx}, stride {config.stride})",
        f"model: {source}")
    results: dict = {"n_examples": n_examples, "vocab_size": vocab.size, "model": source,
                     "parameters": lstm.parameter_count(model)}
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items()}
    data_files = [config.text] + ([config.model, keras_io.sidecar(config.model)] if config.pretrained else [])
    with OutputSet(config.out, command=COMMAND, seed=config.seed, settings=settings,
                   data_files=[p for p in data_files if p.is_file()]) as outputs:  # --model OUT/model.keras stays
        if config.training:
            results.update(train_and_stage(config, model, state, x, y, outputs))

        # sample: the course's loop, one multinomial draw per character (shared.sampling's protocol)
        rng = np.random.default_rng(config.seed)
        bar = None if config.quiet else sample.progress_bar
        start = time.perf_counter()
        indices = sampling.generate(sample.make_step(model, config.mode), list(prompt), config.length, rng,
                                    temperature=config.temperature, progress=bar)
        seconds = time.perf_counter() - start

        # write: the poem as typed plus what the model wrote, and the run card
        poem = config.prompt + vocab.decode(indices)
        outputs.write_text("poem.txt", poem + "\n")
        results.update(generated_characters=len(indices), generation_seconds=round(seconds, 3),
                       characters_per_second=round(len(indices) / max(seconds, 1e-9), 1),
                       poem=str(outputs.final("poem.txt")))
        outputs.results.update(results)
    say(config.quiet, f"\nHere is your poem ({config.mode}, temperature {config.temperature}, seed {config.seed}):\n")
    print(poem)
    say(config.quiet, f"\n{len(indices)} characters in {seconds:.2f} s; "
                      f"wrote {display_path(outputs.final('poem.txt'))} and {display_path(outputs.card_path)}")
    return 0


def check_options(config: ShakespeareConfig) -> None:
    """The options that exclude or need each other."""
    if config.from_scratch and config.resume is not None:
        raise UserError("--from-scratch and --resume exclude each other")
    if config.from_scratch and config.train_epochs == 0:
        raise UserError("--from-scratch needs --train-epochs N (N > 0)")
    for flag, value in (("--batch-size", config.batch_size), ("--max-examples", config.max_examples),
                        ("--checkpoint-dir", config.checkpoint_dir)):
        if value is not None and not config.training:
            raise UserError(f"{flag} applies only when training (--train-epochs N or --resume)")
    if config.batch_size is not None and config.resume is not None:
        raise UserError("--batch-size does not apply with --resume: the checkpoint's batch size is kept")
    if config.resume is not None and not (config.resume.is_dir() or config.resume.name == CHECKPOINT_MODEL):
        if config.resume.exists():
            raise UserError(f"--resume expects a checkpoint folder such as checkpoints/epoch-003, got {config.resume}")
        raise UserError(f"checkpoint not found: {config.resume}")


def training_examples(config: ShakespeareConfig, state):
    """One-hot ``x`` (m, Tx, n_x) and ``y`` (m, n_x); a resumed run uses its checkpoint's slice."""
    max_examples = config.max_examples
    if state is not None:
        if max_examples is not None and max_examples != state.n_examples:
            raise UserError(f"checkpoint {config.resume} was trained on {state.n_examples} windows, not {max_examples}")
        max_examples = state.n_examples
    corpus = prepare(config.text, config.Tx, config.stride, max_examples)
    if state is not None and corpus.m != max_examples:
        raise UserError(f"checkpoint {config.resume} was trained on {max_examples} windows; "
                        f"{config.text} has {corpus.m}")
    return corpus.x, corpus.y


def load(config: ShakespeareConfig, vocab: Vocabulary, state, n_examples: int):
    """``(model, training state, description)``: the checkpoint, a new model, or the --model file."""
    from . import model as lstm
    from .train import TrainState, load_checkpoint

    chars = list(vocab.chars)
    if config.resume is not None:
        model, state = load_checkpoint(config.resume, config.Tx)
        if state.chars != chars:
            raise UserError(f"checkpoint {config.resume} was trained on another vocabulary than {config.text}")
        state.epochs = config.train_epochs or state.epochs
        return model, state, f"checkpoint {display_path(config.resume)} (epoch {state.epoch})"
    state = TrainState(epochs=config.train_epochs, seed=config.seed, batch_size=config.batch_size or BATCH_SIZE,
                       chars=chars, n_examples=n_examples)
    if config.from_scratch:
        model = lstm.compile_model(lstm.build_model(lstm.ModelConfig(Tx=config.Tx, n_x=vocab.size, n_a=config.n_a)),
                                   config.learning_rate)
        return model, state, f"new model ({lstm.parameter_count(model):,} parameters)"
    model = lstm.load_any_model(config.model)
    saved = lstm.read_chars(config.model)
    if saved is not None and saved != chars:
        raise UserError(f"model {config.model} was trained on another vocabulary than {config.text}")
    if model.input_shape != (None, config.Tx, vocab.size) or model.output_shape != (None, vocab.size):
        raise UserError(f"model {config.model} maps {model.input_shape} to {model.output_shape}, but "
                        f"{config.text} needs {(None, config.Tx, vocab.size)} to {(None, vocab.size)}")
    source = f"{display_path(config.model)} ({lstm.parameter_count(model):,} parameters)"
    if config.train_epochs:
        state.start = str(config.model)
        if config.model.suffix != ".keras":  # the course file: continue with its own Adam state
            lstm.compile_model(model, config.learning_rate)
            source += f", course Adam state at step {lstm.restore_course_optimizer(model, config.model)}"
            state.start = "course"
        elif getattr(model, "optimizer", None) is None:  # a .keras model saved uncompiled
            lstm.compile_model(model, config.learning_rate)
    return model, state, source


def train_and_stage(config: ShakespeareConfig, model, state, x, y, outputs) -> dict:
    """Train with the progress bar (checkpoint units as it goes), stage ``model.keras`` and ``loss.png``."""
    import math

    from shared.plotting import plot_curves

    from .train import save_checkpoint, train, unit_of

    folder = config.checkpoint_dir.resolve() if config.checkpoint_dir else "checkpoints"  # relative: in --out
    store = outputs.checkpoints(folder)
    if config.resume is not None:
        store.lineage(unit_of(config.resume))  # keep the resumed unit and those before it
    say(config.quiet, f"training on {x.shape[0]} windows, batch size {state.batch_size}, "
                      f"epochs {state.epoch + 1}..{state.epochs}, checkpoints in {display_path(store.folder)}")
    start = time.perf_counter()
    saved = train(model, x, y, state, store, verbose=0 if config.quiet else 1)
    seconds = time.perf_counter() - start
    if not all(math.isfinite(v) for v in state.epoch_loss):
        raise UserError("training diverged (non-finite loss); the checkpoints written so far are kept")
    save_checkpoint(model, outputs.path("model.keras"), state)  # model.keras + model.json, staged
    final = outputs.final("model.keras")
    steps = -(-x.shape[0] // state.batch_size)
    curves = {"running epoch-mean loss": ([(i + 1) / steps for i in range(len(state.batch_loss))], state.batch_loss)}
    if len(state.epoch_loss) > 1:
        curves["epoch loss"] = (list(range(1, len(state.epoch_loss) + 1)), state.epoch_loss)
    plot_curves(outputs.path("loss.png"), curves, title="Shakespeare LSTM training loss", xlabel="epoch",
                ylabel="cross-entropy (nats/char)")
    say(config.quiet, f"trained to epoch {state.epoch}: loss {state.epoch_loss[-1]:.4f} in {seconds:.1f} s; "
                      f"model: {display_path(final)}; loss curve: {display_path(outputs.out / 'loss.png')}")
    return {"epoch": state.epoch, "epoch_loss": state.epoch_loss, "train_seconds": round(seconds, 2),
            "checkpoints": [display_path(p) for p in saved], "saved_model": str(final)}
