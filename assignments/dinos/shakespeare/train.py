"""Training the Shakespeare LSTM with per-epoch ``.keras`` checkpoints and exact resume.

The course runs ``model.fit(x, y, batch_size=128, epochs=1)`` once. Here the batch order of epoch ``e`` is drawn
from ``(seed, e)`` alone, and after every epoch the model (with Adam's state) and its training state (losses, the
dropout layers' generator states, which ``model.save`` leaves out) are one checkpoint unit,
``checkpoints/epoch-NNN/`` (:class:`shared.run.checkpoints.CheckpointStore`), so :func:`load_checkpoint` resumes bit
for bit the run that was not interrupted. Models are saved through :mod:`assignments.dinos.keras_io`.
"""
from __future__ import annotations

import os
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from shared.run import UserError
from shared.run.checkpoints import CheckpointStore, verify_unit

from .. import keras_io
from . import model as _course_objects  # noqa: F401 -- registers course_hard_sigmoid before a checkpoint loads
from .config import CHECKPOINT_MODEL as MODEL


@dataclass
class TrainState:
    """What a checkpoint's JSON holds besides the model: where the run is and how it got there."""

    epoch: int = 0  # epochs completed
    epochs: int = 0  # target epochs of the run
    seed: int = 0  # batch order (and, through Keras, dropout) seed
    batch_size: int = 128
    chars: list[str] = field(default_factory=list)  # the vocabulary, in index order
    n_examples: int = 0
    epoch_loss: list[float] = field(default_factory=list)  # mean training loss of each epoch
    batch_loss: list[float] = field(default_factory=list)  # running epoch-mean loss after each batch
    start: str = "scratch"  # "scratch" or "course" (started from the course's pretrained model)
    rng_state: dict[str, list[list[int]]] = field(default_factory=dict)  # layer -> its seed-generator states


# what each field of a checkpoint's model.json may hold (the command's own option ranges)
_WHOLE = {"epoch": (0, 10_000), "epochs": (0, 10_000), "seed": (0, 2 ** 32 - 1), "batch_size": (1, 1_000_000),
          "n_examples": (1, 10_000_000)}


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _state_problem(meta: dict) -> str | None:
    """What is wrong with a checkpoint's training state (None: every field present, of its type, in range)."""
    names = [f.name for f in fields(TrainState)]
    missing = [n for n in names if n not in meta]
    if missing or set(meta) - set(names):
        return f"keys {sorted(missing)} missing" if missing else f"unknown keys {sorted(set(meta) - set(names))}"
    for name, (lo, hi) in _WHOLE.items():
        if not (_is_int(meta[name]) and lo <= meta[name] <= hi):
            return f"{name!r} must be a whole number from {lo} to {hi}, not {meta[name]!r}"
    chars = meta["chars"]
    if not (isinstance(chars, list) and chars and all(isinstance(c, str) and len(c) == 1 for c in chars)
            and len(set(chars)) == len(chars)):
        return "'chars' must be a list of distinct characters"
    for name in ("epoch_loss", "batch_loss"):
        if not (isinstance(meta[name], list) and all(_is_number(v) for v in meta[name])):
            return f"{name!r} must be a list of finite numbers"
    if len(meta["epoch_loss"]) != meta["epoch"]:
        return f"'epoch_loss' has {len(meta['epoch_loss'])} values for {meta['epoch']} epochs"
    if not isinstance(meta["start"], str):
        return "'start' must be a string"
    rng = meta["rng_state"]
    if not (isinstance(rng, dict) and all(isinstance(states, list) and all(
            isinstance(s, list) and all(_is_int(v) and -2 ** 63 <= v < 2 ** 63 for v in s) for s in states)
            for states in rng.values())):
        return "'rng_state' must map layer names to lists of 64-bit integer lists"
    return None


def _seed_states(model: keras.Model) -> dict[str, list]:
    return {layer.name: [v for v in layer.variables if v.path.endswith("seed_generator_state")]
            for layer in model.layers}


def get_rng_state(model: keras.Model) -> dict[str, list[list[int]]]:
    """The layers' random-generator states (dropout masks), which ``model.save`` does not store."""
    return {name: [np.asarray(v.numpy()).tolist() for v in variables]
            for name, variables in _seed_states(model).items() if variables}


def set_rng_state(model: keras.Model, rng_state: dict[str, list[list[int]]]) -> None:
    """Put back the states :func:`get_rng_state` took; ``ValueError`` unless they fit ``model``'s generators."""
    expected = {name: [tuple(v.shape) for v in variables]
                for name, variables in _seed_states(model).items() if variables}
    got = {name: [np.shape(s) for s in states] for name, states in rng_state.items()}
    if got != expected:
        raise ValueError(f"random-generator states of shapes {got}, the model's are {expected}")
    for name, variables in _seed_states(model).items():
        for variable, value in zip(variables, rng_state.get(name, [])):
            variable.assign(np.asarray(value, dtype=variable.dtype))


def save_checkpoint(model: keras.Model, path: str | os.PathLike, state: TrainState) -> Path:
    """Model (with optimizer state) and its :class:`TrainState` (the sidecar JSON), each written atomically, with
    SIGINT/SIGTERM held until each is written (Keras' saver has a bare ``except`` that would swallow them)."""
    state.rng_state = get_rng_state(model)
    return keras_io.save_model(model, path, asdict(state))


def unit_of(checkpoint: str | os.PathLike) -> Path:
    """A checkpoint named by its unit folder or by the ``model.keras`` inside it."""
    path = Path(checkpoint)
    return path.parent if path.name == MODEL else path


def read_state(checkpoint: str | os.PathLike) -> TrainState:
    """The :class:`TrainState` of a checkpoint unit; one line if the unit is missing, incomplete or changed, or its
    ``model.json`` lacks a field, has one of the wrong type or out of range."""
    unit = unit_of(checkpoint)
    if not unit.is_dir():
        raise UserError(f"checkpoint not found: {unit}")
    verify_unit(unit)
    path = unit / MODEL
    meta = keras_io.read_meta(path, "checkpoint")
    problem = _state_problem(meta)
    if problem:
        raise UserError(f"cannot use training state {keras_io.sidecar(path)}: {problem}")
    return TrainState(**meta)


def load_checkpoint(checkpoint: str | os.PathLike, Tx: int = 40) -> tuple[keras.Model, TrainState]:
    """A checkpoint unit written during :func:`train`, ready to continue training (its model checked against
    its state: input ``(Tx, len(chars))``, output ``len(chars)``, optimizer, random-generator states)."""
    state = read_state(checkpoint)
    path = unit_of(checkpoint) / MODEL
    model = keras_io.load_model(path, "checkpoint")
    n_x = len(state.chars)
    if model.input_shape != (None, Tx, n_x) or model.output_shape != (None, n_x):
        raise UserError(f"checkpoint {path} maps {model.input_shape} to {model.output_shape}; its state says "
                        f"{(None, Tx, n_x)} to {(None, n_x)}")
    if getattr(model, "optimizer", None) is None:  # a model saved before compile() has no such attribute
        raise UserError(f"checkpoint {path} has no optimizer state")
    try:
        set_rng_state(model, state.rng_state)
    except ValueError as exc:
        raise UserError(f"cannot use training state {keras_io.sidecar(path)}: {exc}") from None
    return model, state


def epoch_dataset(x: np.ndarray, y: np.ndarray, batch_size: int, seed: int, first_epoch: int,
                  end_epoch: int) -> tf.data.Dataset:
    """Batches of epochs ``first_epoch .. end_epoch-1``; epoch ``e`` is ordered by a permutation of (seed, e)."""
    x_all = tf.constant(x)  # (m, Tx, n_x) bool
    y_all = tf.constant(y)  # (m, n_x) bool
    m = x.shape[0]
    orders = np.stack([np.random.default_rng([seed, e]).permutation(m) for e in range(first_epoch, end_epoch)])
    ds = tf.data.Dataset.from_tensor_slices(orders)  # one row of indices per epoch
    ds = ds.flat_map(lambda order: tf.data.Dataset.from_tensor_slices(order).batch(batch_size))
    ds = ds.map(lambda idx: (tf.cast(tf.gather(x_all, idx), tf.float32), tf.cast(tf.gather(y_all, idx), tf.float32)))
    return ds.prefetch(2)


class _Recorder(keras.callbacks.Callback):
    """Keeps the loss history in ``state`` and writes a checkpoint after each epoch."""

    def __init__(self, state: TrainState, store: CheckpointStore | None):
        super().__init__()
        self.state = state
        self.store = store
        self.saved: list[Path] = []

    def on_train_batch_end(self, batch, logs=None):
        self.state.batch_loss.append(float(logs["loss"]))

    def on_epoch_end(self, epoch, logs=None):
        self.state.epoch = epoch + 1
        self.state.epoch_loss.append(float(logs["loss"]))
        if self.store is not None:
            name = f"epoch-{epoch + 1:03d}"
            with self.store.write(name) as unit:  # appears as checkpoints/epoch-NNN only when complete
                save_checkpoint(self.model, unit / MODEL, self.state)
            self.saved.append(self.store.folder / name)


def train(model: keras.Model, x: np.ndarray, y: np.ndarray, state: TrainState,
          store: CheckpointStore | None = None, verbose: int = 1) -> list[Path]:
    """Train the compiled ``model`` from ``state.epoch`` to ``state.epochs``; returns the checkpoint units written."""
    if state.epochs <= state.epoch:
        raise UserError(f"nothing to train: the model is at epoch {state.epoch} and the target is {state.epochs} "
                        f"(pass --train-epochs larger than {state.epoch})")
    steps = -(-x.shape[0] // state.batch_size)
    ds = epoch_dataset(x, y, state.batch_size, state.seed, state.epoch, state.epochs)
    recorder = _Recorder(state, store)
    model.fit(ds, epochs=state.epochs, initial_epoch=state.epoch, steps_per_epoch=steps, shuffle=False,
              callbacks=[recorder],
              verbose=verbose)
    return recorder.saved
