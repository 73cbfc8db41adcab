"""Sampling text from the Shakespeare LSTM: the course's ``sample`` and ``generate_output``, without ``input()``.

Differences from the course notebook:

* :func:`sample` takes an explicit ``numpy.random.Generator`` (the course draws from the unseeded global
  state, so its poems cannot be reproduced); like the course it re-weights by temperature in float64
  and draws one multinomial sample.
* :func:`generate` returns character indices; decoding is a separate step. The prompt arrives as
  indices (see ``Vocabulary.encode``, which names unknown characters instead of raising ``KeyError``).
* Prompts longer than Tx=40 keep their last 40 characters as the window (the course's ``'{0:0>40}'``
  padding does not truncate, and its loop then fails with ``IndexError``).
* ``mode="window"`` (default) is the course's loop: the Keras model, compiled once with
  ``tf.function``, on the last 40 characters (left padded with zero vectors) for every new character.
  ``mode="stateful"`` primes an :class:`~assignments.dinos.shakespeare.step.LstmStepper` with the
  same first window and then advances one character at a time with the state carried: identical
  first distribution, far faster, but a longer context than the model was trained on (see there).
"""
from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from tqdm import tqdm

from shared.sampling import check_sampling

from .config import MODES
from .step import LstmStepper


def reweight(preds: np.ndarray, temperature: float) -> np.ndarray:
    """The course's temperature: exp(log(preds) / temperature), renormalised, in float64."""
    check_sampling(temperature)
    preds = np.asarray(preds, dtype=np.float64)
    with np.errstate(divide="ignore"):
        logits = np.log(preds) / temperature
    probas = np.exp(logits - logits.max())
    return probas / probas.sum()


def sample(preds: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """One index drawn from ``reweight(preds, temperature)`` with one multinomial draw, as the course does."""
    return int(np.argmax(rng.multinomial(1, reweight(preds, temperature))))


def window_input(indices: list[int], Tx: int, n_x: int) -> np.ndarray:
    """The course's ``x_pred``: the last Tx indices one-hot, left padded with all-zero vectors."""
    window = list(indices)[-Tx:]
    x = np.zeros((1, Tx, n_x), dtype=np.float32)  # (1, Tx, n_x)
    offset = Tx - len(window)
    x[0, np.arange(offset, Tx), window] = 1.0
    return x


class WindowPredictor:
    """The Keras model as a compiled function of one window (the course calls ``model.predict`` each time)."""

    def __init__(self, model: keras.Model):
        self.model = model
        self.Tx, self.n_x = model.input_shape[1], model.input_shape[2]
        self._call = tf.function(self._forward, input_signature=[tf.TensorSpec((1, self.Tx, self.n_x), tf.float32)])

    def _forward(self, x):
        return self.model(x, training=False)

    def __call__(self, indices: list[int]) -> np.ndarray:
        """Next-character probabilities after the window of ``indices`` (n_x,)."""
        return self.probabilities(window_input(indices, self.Tx, self.n_x))

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Next-character probabilities (n_x,) for one one-hot window ``x`` (1, Tx, n_x), float32."""
        return self._call(x).numpy()[0]


def generate(model: keras.Model, prompt: list[int], length: int, temperature: float,
             rng: np.random.Generator, mode: str = "window", progress: bool = False) -> list[int]:
    """``length`` new character indices following ``prompt`` (may be empty: the window is then all padding).

    ``progress`` shows a transient tqdm bar on stderr.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    steps = tqdm(range(length), desc="generating", unit="char", leave=False, disable=not progress)
    out: list[int] = []
    if mode == "stateful":
        stepper = LstmStepper(model)
        probs = stepper.prime(prompt)
        for _ in steps:
            index = sample(probs, temperature, rng)
            out.append(index)
            if len(out) < length:
                probs = stepper.step(index)
    else:
        predict = WindowPredictor(model)
        context = list(prompt)
        for _ in steps:
            index = sample(predict(context), temperature, rng)
            out.append(index)
            context.append(index)
    return out
