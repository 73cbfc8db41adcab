"""The course's two-layer LSTM, and the course's pretrained Keras 2.0.6 file read under Keras 3.

Architecture (course ``shakespeare_utils.py`` / the HDF5 config): Input (Tx=40, n_x=38) ->
LSTM(128, return_sequences) -> Dropout(0.5) -> LSTM(128) -> Dropout(0.5) -> Dense(38) -> softmax,
221,990 parameters.

How it differs from simply calling ``keras.models.load_model`` on the course file:

* **The recurrent activation.** Keras 2 LSTMs default to ``hard_sigmoid`` = clip(0.2 x + 0.5, 0, 1).
  Keras 3 still accepts the name but computes clip(x / 6 + 0.5, 0, 1): ``load_model(..., compile=False)``
  succeeds and silently gives a different network. :func:`course_hard_sigmoid` is the Keras 2 function,
  registered as a serializable Keras object (no ``Lambda``), so ``.keras`` files made here load with
  ``safe_mode=True``.
* :func:`load_course_model` rebuilds the architecture and copies the weights from the HDF5 groups
  with h5py (the gate order i, f, c, o and the kernel layouts are the same in Keras 2.0.6 and 3), and
  :func:`course_adam_state` reads the file's Adam moments so training can continue where the course
  stopped (the notebook's ``model.fit`` after ``load_model``).
* Compiled with ``Adam(learning_rate=0.001, epsilon=1e-8)``: the course's ``Adam(lr=0.001)`` spelled for
  Keras 3 with the Keras 2 epsilon.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import h5py
import keras
import numpy as np

from shared.run.backend import JIT_COMPILE
from shared.run import UserError

LSTM_LAYERS = ("lstm_5", "lstm_6")  # the course file's layer names
DENSE_LAYER = "dense_3"
LAYER_NAMES = {"lstm_5": "lstm_1", "lstm_6": "lstm_2", "dense_3": "dense"}  # course name -> name here


@keras.saving.register_keras_serializable(package="shakespeare")
def course_hard_sigmoid(x):
    """Keras 2's hard sigmoid, clip(0.2 x + 0.5, 0, 1) (Keras 3's ``hard_sigmoid`` uses x / 6)."""
    return keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0)


@dataclass(frozen=True)
class ModelConfig:
    """The course architecture; ``n_x`` is filled from the vocabulary."""

    Tx: int = 40
    n_x: int = 38
    n_a: int = 128
    dropout: float = 0.5
    learning_rate: float = 0.001


def build_model(config: ModelConfig = ModelConfig()) -> keras.Model:
    """The course's stacked LSTM (untrained), with the Keras 2 recurrent activation."""
    inputs = keras.Input(shape=(config.Tx, config.n_x), name="x")  # (m, Tx, n_x)
    a = keras.layers.LSTM(config.n_a, return_sequences=True, recurrent_activation=course_hard_sigmoid,
                          name="lstm_1")(inputs)  # (m, Tx, n_a)
    a = keras.layers.Dropout(config.dropout, name="dropout_1")(a)
    a = keras.layers.LSTM(config.n_a, recurrent_activation=course_hard_sigmoid, name="lstm_2")(a)  # (m, n_a)
    a = keras.layers.Dropout(config.dropout, name="dropout_2")(a)
    z = keras.layers.Dense(config.n_x, name="dense")(a)  # (m, n_x)
    outputs = keras.layers.Activation("softmax", name="softmax")(z)  # (m, n_x)
    return keras.Model(inputs, outputs, name="shakespeare_lstm")


def compile_model(model: keras.Model, learning_rate: float = 0.001) -> keras.Model:
    """Categorical cross-entropy and the course's Adam (beta_1=0.9, beta_2=0.999, epsilon=1e-8)."""
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.9, beta_2=0.999,
                                                  epsilon=1e-8),
                  loss="categorical_crossentropy", jit_compile=JIT_COMPILE)
    return model


def _course_weights(handle: h5py.File) -> dict[str, list[np.ndarray]]:
    """``{course layer name: [arrays in Keras order]}`` from the file's ``model_weights`` group."""
    group = handle["model_weights"]
    weights = {}
    for layer in (*LSTM_LAYERS, DENSE_LAYER):
        names = [n.decode() if isinstance(n, bytes) else n for n in group[layer].attrs["weight_names"]]
        weights[layer] = [np.asarray(group[layer][name]) for name in names]
    return weights


def _open_course_file(path: str | os.PathLike) -> h5py.File:
    path = Path(path)
    if not path.is_file():
        raise UserError(f"pretrained model not found: {path}")
    try:
        handle = h5py.File(path, "r")
    except OSError as exc:
        raise UserError(f"cannot read {path} as a Keras HDF5 model: {exc}") from None
    if "model_weights" not in handle:
        handle.close()
        raise UserError(f"{path} is not a Keras HDF5 model file (no 'model_weights' group)")
    return handle


def load_course_model(path: str | os.PathLike, config: ModelConfig = ModelConfig()) -> keras.Model:
    """The course's pretrained Keras 2.0.6 model, rebuilt for Keras 3 with its weights copied in."""
    with _open_course_file(path) as handle:
        try:
            weights = _course_weights(handle)
        except KeyError as exc:
            raise UserError(f"{path} does not hold the course's Shakespeare model (missing {exc})") from None
    n_x = weights[LSTM_LAYERS[0]][0].shape[0]
    n_a = weights[LSTM_LAYERS[0]][1].shape[0]
    model = build_model(ModelConfig(Tx=config.Tx, n_x=n_x, n_a=n_a, dropout=config.dropout,
                                    learning_rate=config.learning_rate))
    for course_name, arrays in weights.items():
        layer = model.get_layer(LAYER_NAMES[course_name])
        expected = [tuple(w.shape) for w in layer.weights]
        if [a.shape for a in arrays] != expected:
            raise UserError(f"{path}: layer {course_name} has shapes {[a.shape for a in arrays]}, expected {expected}")
        layer.set_weights(arrays)
    return model


def course_adam_state(path: str | os.PathLike) -> tuple[int, list[np.ndarray], list[np.ndarray]]:
    """``(iterations, first moments, second moments)`` of the course file's Adam, in weight order.

    Keras 2.0.6 stores ``[iterations] + ms + vs`` as ``iterations:0, Variable:0 .. Variable_15:0``.
    """
    with _open_course_file(path) as handle:
        if "optimizer_weights" not in handle:
            raise UserError(f"{path} has no optimizer state")
        group = handle["optimizer_weights"]
        names = [n.decode() if isinstance(n, bytes) else n for n in group.attrs["weight_names"]]
        arrays = [np.asarray(group[name]) for name in names]
    iterations, moments = arrays[0], arrays[1:]
    half = len(moments) // 2
    return int(iterations), moments[:half], moments[half:]


def restore_course_optimizer(model: keras.Model, path: str | os.PathLike) -> int:
    """Put the course file's Adam moments and step count into ``model``'s (compiled) Adam; returns the step."""
    iterations, ms, vs = course_adam_state(path)
    optimizer = model.optimizer
    variables = model.trainable_variables
    optimizer.build(variables)
    if len(ms) != len(variables):
        raise UserError(f"{path}: optimizer state has {len(ms)} slots, the model has {len(variables)} weights")
    for variable, m, v in zip(variables, ms, vs):
        index = optimizer._get_variable_index(variable)
        optimizer._momentums[index].assign(m)
        optimizer._velocities[index].assign(v)
    optimizer.iterations.assign(iterations)
    return iterations


def load_any_model(path: str | os.PathLike) -> keras.Model:
    """A ``.keras`` file made here (``safe_mode=True``) or the course's Keras 2 ``.h5`` file."""
    path = Path(path)
    if path.suffix == ".keras":
        from ..keras_io import load_model

        return load_model(path)
    return load_course_model(path)


def parameter_count(model: keras.Model) -> int:
    return int(sum(int(np.prod(w.shape)) for w in model.weights))
