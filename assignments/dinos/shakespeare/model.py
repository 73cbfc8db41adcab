"""The course's two-layer LSTM, and the course's pretrained Keras 2.0.6 file read under Keras 3.

Architecture (course ``shakespeare_utils.py`` / the HDF5 config): Input (Tx=40, n_x=38) ->
LSTM(128, return_sequences) -> Dropout(0.5) -> LSTM(128) -> Dropout(0.5) -> Dense(38) -> softmax,
221,990 parameters.

Keras 3's ``load_model`` reads the course file silently wrong: its ``hard_sigmoid`` is clip(x / 6 + 0.5, 0, 1),
Keras 2's clip(0.2 x + 0.5, 0, 1). So :func:`load_course_model` rebuilds the architecture with
:func:`course_hard_sigmoid` (a registered serializable object, no ``Lambda``: ``safe_mode=True`` loads) and copies
the HDF5 weights (same gate order and layouts); :func:`course_adam_state` reads the file's Adam moments so training
continues where the course stopped. Adam is the course's ``Adam(lr=0.001)`` with the Keras 2 epsilon 1e-8.
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


MAX_UNITS = 4096  # the largest n_x or n_a a file may declare (--n-a's bound): a damaged shape is refused, not built


def _named_arrays(group, path: Path, where: str) -> list[np.ndarray]:
    """The arrays a Keras 2 HDF5 group lists in its ``weight_names`` attribute, each a finite real array."""
    names = group.attrs.get("weight_names") if isinstance(group, h5py.Group) else None
    if names is None or np.ndim(names) != 1:
        raise UserError(f"{path}: {where} has no list of weight names (not a Keras 2 HDF5 model)")
    arrays = []
    for name in (n.decode() if isinstance(n, bytes) else str(n) for n in names):
        item = group.get(name)
        if not isinstance(item, h5py.Dataset):
            raise UserError(f"{path}: {where} lists {name!r}, which it does not hold")
        array = np.asarray(item[()])
        if array.dtype.kind not in "iuf" or not np.isfinite(array).all():
            raise UserError(f"{path}: {where}/{name} is not an array of finite numbers ({array.dtype}, {array.shape})")
        arrays.append(array)
    return arrays


def _shapes(shapes) -> str:
    return ", ".join("(" + ", ".join(map(str, s)) + ("," if len(s) == 1 else "") + ")" for s in shapes) or "none"


def _course_weights(handle: h5py.File, path: Path) -> dict[str, list[np.ndarray]]:
    """``{course layer name: [arrays in Keras order]}`` from the file's ``model_weights`` group, shapes checked:
    LSTM kernels (n_x, 4 n_a) and (n_a, 4 n_a), recurrent kernels (n_a, 4 n_a), biases (4 n_a,), Dense (n_a, n_x)."""
    group = handle["model_weights"]
    weights = {layer: _named_arrays(group.get(layer), path, f"model_weights/{layer}")
               for layer in (*LSTM_LAYERS, DENSE_LAYER)}
    first = weights[LSTM_LAYERS[0]]
    if len(first) == 3 and first[0].ndim == first[1].ndim == 2:
        n_x, n_a, gates = first[0].shape[0], first[1].shape[0], 4 * first[1].shape[0]
    else:  # no sizes to read: the message shows the pattern
        n_x, n_a, gates = "n_x", "n_a", "4 n_a"
    expected = {LSTM_LAYERS[0]: [(n_x, gates), (n_a, gates), (gates,)],
                LSTM_LAYERS[1]: [(n_a, gates), (n_a, gates), (gates,)], DENSE_LAYER: [(n_a, n_x), (n_x,)]}
    for layer, arrays in weights.items():
        if [a.shape for a in arrays] != expected[layer]:
            raise UserError(f"{path}: layer {layer} holds arrays of shapes {_shapes(a.shape for a in arrays)}, "
                            f"expected {_shapes(expected[layer])}")
    if not (1 <= n_x <= MAX_UNITS and 1 <= n_a <= MAX_UNITS):
        raise UserError(f"{path}: {n_x} inputs and {n_a} units per LSTM; at most {MAX_UNITS} are read")
    return weights


def _open_course_file(path: str | os.PathLike) -> h5py.File:
    path = Path(path)
    if not path.is_file():
        raise UserError(f"pretrained model not found: {path}")
    try:
        handle = h5py.File(path, "r")
    except OSError as exc:
        raise UserError(f"cannot read {path} as a Keras HDF5 model: {exc}") from None
    if not isinstance(handle.get("model_weights"), h5py.Group):
        handle.close()
        raise UserError(f"{path} is not a Keras HDF5 model file (no 'model_weights' group)")
    return handle


def load_course_model(path: str | os.PathLike, config: ModelConfig = ModelConfig()) -> keras.Model:
    """The course's pretrained Keras 2.0.6 model rebuilt for Keras 3, every array checked first (else one line)."""
    path = Path(path)
    with _open_course_file(path) as handle:
        weights = _course_weights(handle, path)
    n_x, n_a = weights[LSTM_LAYERS[0]][0].shape[0], weights[LSTM_LAYERS[0]][1].shape[0]
    model = build_model(ModelConfig(Tx=config.Tx, n_x=n_x, n_a=n_a, dropout=config.dropout))
    for course_name, arrays in weights.items():
        model.get_layer(LAYER_NAMES[course_name]).set_weights(arrays)
    return model


def course_adam_state(path: str | os.PathLike) -> tuple[int, list[np.ndarray], list[np.ndarray]]:
    """``(iterations, first moments, second moments)`` of the course file's Adam, in weight order (Keras 2.0.6 stores
    ``[iterations] + ms + vs``); a state of another shape or a negative second moment is one line."""
    path = Path(path)
    with _open_course_file(path) as handle:
        if "optimizer_weights" not in handle:
            raise UserError(f"{path} has no optimizer state")
        arrays = _named_arrays(handle["optimizer_weights"], path, "optimizer_weights")
    if not arrays or arrays[0].shape != () or arrays[0] < 0 or arrays[0] != int(arrays[0]) or len(arrays) % 2 == 0:
        raise UserError(f"{path}: optimizer_weights is not Adam's [iterations] + first + second moments")
    iterations, moments = int(arrays[0]), arrays[1:]
    half = len(moments) // 2
    if any((v < 0).any() for v in moments[half:]):
        raise UserError(f"{path}: optimizer_weights holds a negative second moment")
    return iterations, moments[:half], moments[half:]


def restore_course_optimizer(model: keras.Model, path: str | os.PathLike) -> int:
    """Put the course file's Adam moments and step count into ``model``'s (compiled) Adam; returns the step."""
    iterations, ms, vs = course_adam_state(path)
    optimizer = model.optimizer
    variables = model.trainable_variables
    optimizer.build(variables)
    shapes = [tuple(v.shape) for v in variables]
    if [m.shape for m in ms] != shapes or [v.shape for v in vs] != shapes:
        raise UserError(f"{path}: optimizer state has moments of shapes {_shapes(m.shape for m in ms)}, the "
                        f"model's weights are {_shapes(shapes)}")
    for variable, m, v in zip(variables, ms, vs):
        index = optimizer._get_variable_index(variable)
        optimizer._momentums[index].assign(m)
        optimizer._velocities[index].assign(v)
    optimizer.iterations.assign(iterations)
    return iterations


def read_chars(path: str | os.PathLike) -> list | None:
    """The vocabulary saved beside a ``.keras`` model (its JSON sidecar); None for the course's file or no sidecar."""
    from .. import keras_io

    path = Path(path)
    if path.suffix != ".keras" or not keras_io.sidecar(path).is_file():
        return None
    return keras_io.read_meta(path).get("chars")


def load_any_model(path: str | os.PathLike) -> keras.Model:
    """A ``.keras`` file made here (``safe_mode=True``) or the course's Keras 2 ``.h5`` file."""
    path = Path(path)
    if path.suffix == ".keras":
        from ..keras_io import load_model

        return load_model(path)
    return load_course_model(path)


def parameter_count(model: keras.Model) -> int:
    return int(sum(int(np.prod(w.shape)) for w in model.weights))
