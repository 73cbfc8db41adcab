"""The Shakespeare LSTM as a sampler: ``make_step(model, mode)`` gives :mod:`shared.sampling`'s
``step(x, state) -> (probabilities, state)``, whose first state is the prompt's indices.

The course's draw (``exp(log p / T)`` in float64, one multinomial sample) is kept, on an explicit
``numpy.random.Generator`` (the course's unseeded global state cannot be reproduced); prompts and outputs are
indices. ``mode="window"`` (default) is the course's loop: the compiled Keras model on the last 40 characters (left
padded with zero vectors) for every new character. ``mode="stateful"`` primes an :class:`~.step.LstmStepper` with the
same first window, then carries the state: the same first distribution, far faster, a longer context than trained.
"""
from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from tqdm import tqdm

from shared.run import UserError
from shared.sampling import reweight

from .config import MODES
from .step import LstmStepper


def window_input(indices: list[int], Tx: int, n_x: int) -> np.ndarray:
    """The course's ``x_pred``: the last Tx indices one-hot, left padded with all-zero vectors."""
    window = list(indices)[-Tx:]
    x = np.zeros((1, Tx, n_x), dtype=np.float32)  # (1, Tx, n_x)
    offset = Tx - len(window)
    x[0, np.arange(offset, Tx), window] = 1.0
    return x


class WindowPredictor:
    """Accelerator of the course's ``model.predict`` on one window: compiled once with ``tf.function``, equal to it to
    1e-6, not bit for bit (``tests/test_shakespeare.py::test_primed_stepper_gives_the_windowed_distribution``)."""

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


def make_step(model: keras.Model, mode: str = "window"):
    """The model's ``step(x, state) -> (probabilities, state)``; its first state is the prompt's indices and its
    first ``x`` is None. ``ValueError`` for another mode, or (stateful) another architecture than the course's."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if mode == "stateful":
        stepper = LstmStepper(model)
        # the first step primes with the course's window on the prompt, from zero state; then one step a character
        return lambda x, state: (stepper.prime(state) if x is None else stepper.step(x), state)
    predict = WindowPredictor(model)

    def window_step(x, context):  # the course's loop: append x, predict from the last Tx characters
        if x is not None:
            context.append(x)
        return predict(context), context

    return window_step


def check_model(model: keras.Model, mode: str, prompt: list[int], n_x: int, source: str) -> None:
    """One step of ``mode`` on ``prompt``: a :class:`UserError` naming ``source`` unless it gives a distribution over
    ``n_x`` characters (a model without the final softmax, NaN weights, another architecture for ``stateful``)."""
    try:
        p, _ = make_step(model, mode)(None, list(prompt))
        if np.shape(p) != (n_x,) or abs(float(np.sum(p)) - 1) > 1e-3:
            raise ValueError(f"got {np.shape(p)} values summing to {float(np.sum(p)):.4g}")
        reweight(p)  # finite, >= 0
    except ValueError as exc:
        raise UserError(f"model {source} does not give a distribution over the {n_x} characters: "
                        f"{str(exc).splitlines()[0]}") from None


def progress_bar(steps):
    """A transient tqdm bar on stderr over the generated characters."""
    return tqdm(steps, desc="generating", unit="char", leave=False)
