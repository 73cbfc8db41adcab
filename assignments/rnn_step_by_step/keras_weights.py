"""Map course (numpy) parameters to Keras recurrent-layer weights and back.

The course stores one matrix per gate acting on ``[a_prev; xt]`` (n_a, n_a + n_x), column-wise; Keras stores
``kernel`` (n_x, k·n_a), ``recurrent_kernel`` (n_a, k·n_a) and ``bias`` (k·n_a,), gates side by side, batch-major.
So each gate block is the course matrix's column block, transposed:

* ``SimpleRNN``: ``kernel = Waxᵀ``, ``recurrent_kernel = Waaᵀ``, ``bias = ba``.
* ``LSTM``: gate order **i, f, c, o**; ``kernel = [Wi_x | Wf_x | Wc_x | Wo_x]ᵀ`` where
  ``W_x = W[:, n_a:]`` and the recurrent part is ``W[:, :n_a]``.
* ``GRU(reset_after=False)``: gate order **z, r, h** with Keras' update gate ``z = 1 - Γu``
  (Keras keeps ``z`` of the *old* state). Since ``1 - σ(v) = σ(-v)``, ``z`` gets ``-Wu``, ``-bu``.
* The course's output layer (``Wya``/``Wy``, ``by``) is a ``Dense``: ``kernel = Wyᵀ``, ``bias = by``.

Every map is linear and orthogonal (block moves, transposes, a sign), so it maps *gradients* too:
``lstm_to_keras(strip_d(grads))`` is what ``tf.GradientTape`` returns. Lists follow ``layer.get_weights()``.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

LSTM_KERAS_ORDER = ("i", "f", "c", "o")
GRU_KERAS_ORDER = ("u", "r", "c")  # Keras' z, r, h


def strip_d(grads: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``{'dWf': ...}`` -> ``{'Wf': ...}`` so a gradient dict can go through the maps below."""
    return {k[1:]: v for k, v in grads.items() if k.startswith("d")}


def _n_a(weights: Sequence[np.ndarray], gates: int) -> int:
    kernel, recurrent, bias = weights
    n_a = recurrent.shape[0]
    if recurrent.shape != (n_a, gates * n_a) or kernel.shape[1] != gates * n_a or bias.shape != (gates * n_a,):
        raise ValueError(f"expected Keras weights for {gates} gate block(s): kernel (n_x, {gates}·n_a), "
                         f"recurrent_kernel (n_a, {gates}·n_a), bias ({gates}·n_a,); got "
                         f"{kernel.shape}, {recurrent.shape}, {bias.shape}")
    return n_a


def rnn_to_keras(parameters: Mapping[str, np.ndarray]) -> list[np.ndarray]:
    """``[kernel, recurrent_kernel, bias]`` of ``layers.SimpleRNN`` from ``Wax, Waa, ba``."""
    return [parameters["Wax"].T.copy(), parameters["Waa"].T.copy(), parameters["ba"][:, 0].copy()]


def rnn_from_keras(weights: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
    """``Wax, Waa, ba`` from ``layers.SimpleRNN`` weights."""
    kernel, recurrent, bias = weights
    _n_a(weights, 1)
    return {"Wax": kernel.T.copy(), "Waa": recurrent.T.copy(), "ba": bias[:, None].copy()}


def _gated_to_keras(parameters, order, negate=()) -> list[np.ndarray]:
    n_a = parameters[f"W{order[0]}"].shape[0]
    sign = {g: (-1.0 if g in negate else 1.0) for g in order}
    kernel = np.concatenate([sign[g] * parameters[f"W{g}"][:, n_a:].T for g in order], axis=1)  # (n_x, k·n_a)
    recurrent = np.concatenate([sign[g] * parameters[f"W{g}"][:, :n_a].T for g in order], axis=1)  # (n_a, k·n_a)
    bias = np.concatenate([sign[g] * parameters[f"b{g}"][:, 0] for g in order])  # (k·n_a,)
    return [kernel, recurrent, bias]


def _gated_from_keras(weights, order, negate=()) -> dict[str, np.ndarray]:
    kernel, recurrent, bias = weights
    n_a = _n_a(weights, len(order))
    out = {}
    for k, g in enumerate(order):
        block = slice(k * n_a, (k + 1) * n_a)
        sign = -1.0 if g in negate else 1.0
        out[f"W{g}"] = sign * np.concatenate([recurrent[:, block].T, kernel[:, block].T], axis=1)  # (n_a, n_a + n_x)
        out[f"b{g}"] = sign * bias[block][:, None]  # (n_a, 1)
    return out


def lstm_to_keras(parameters: Mapping[str, np.ndarray]) -> list[np.ndarray]:
    """``[kernel, recurrent_kernel, bias]`` of ``layers.LSTM`` (gate order i, f, c, o)."""
    return _gated_to_keras(parameters, LSTM_KERAS_ORDER)


def lstm_from_keras(weights: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
    """``Wf, bf, Wi, bi, Wc, bc, Wo, bo`` from ``layers.LSTM`` weights."""
    return _gated_from_keras(weights, LSTM_KERAS_ORDER)


def gru_to_keras(parameters: Mapping[str, np.ndarray]) -> list[np.ndarray]:
    """``[kernel, recurrent_kernel, bias]`` of ``layers.GRU(reset_after=False)``; ``z`` gets ``-Wu, -bu``."""
    return _gated_to_keras(parameters, GRU_KERAS_ORDER, negate=("u",))


def gru_from_keras(weights: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
    """``Wu, bu, Wr, br, Wc, bc`` from ``layers.GRU(reset_after=False)`` weights."""
    if np.ndim(weights[2]) != 1:
        raise ValueError("GRU bias has shape %s: only reset_after=False (one bias vector) maps to the lectures' GRU"
                         % (np.shape(weights[2]),))
    return _gated_from_keras(weights, GRU_KERAS_ORDER, negate=("u",))


def dense_to_keras(parameters: Mapping[str, np.ndarray], weight: str = "Wy", bias: str = "by") -> list[np.ndarray]:
    """``[kernel, bias]`` of the output ``layers.Dense`` (softmax) from ``Wy``/``Wya`` and ``by``."""
    return [parameters[weight].T.copy(), parameters[bias][:, 0].copy()]


def dense_from_keras(weights: Sequence[np.ndarray], weight: str = "Wy", bias: str = "by") -> dict[str, np.ndarray]:
    """``Wy``/``Wya`` and ``by`` from an output ``layers.Dense``."""
    kernel, b = weights
    return {weight: kernel.T.copy(), bias: b[:, None].copy()}
