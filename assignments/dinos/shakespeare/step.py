"""One character at a time: the trained two-layer LSTM run step by step with its state carried (``--mode stateful``).

Accelerator of the course's window loop (:class:`.sample.WindowPredictor`): after :meth:`LstmStepper.prime` (the
course's zero-padded first window, from zero state) the same next-character distribution to 1e-5, not bit for bit
(``tests/test_shakespeare.py::test_primed_stepper_gives_the_windowed_distribution``). After that it keeps its state
where the window forgets: a longer context than the model was trained on (``python -m bench.bench_shakespeare``).
"""
from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np


def _recurrent_activation(name_or_fn):
    """The numpy form of an LSTM's recurrent activation (course hard sigmoid, or sigmoid)."""
    name = name_or_fn if isinstance(name_or_fn, str) else getattr(name_or_fn, "__name__", str(name_or_fn))
    if name.endswith("course_hard_sigmoid"):
        return lambda z: np.clip(np.float32(0.2) * z + np.float32(0.5), 0.0, 1.0)
    if name == "sigmoid":
        return lambda z: 1.0 / (1.0 + np.exp(-z))
    raise ValueError(f"unsupported recurrent activation {name!r}")


@dataclass
class _Layer:
    kernel: np.ndarray  # (n_in, 4 n_a), gates i, f, c, o
    recurrent_kernel: np.ndarray  # (n_a, 4 n_a)
    bias: np.ndarray  # (4 n_a,)
    gate: object  # recurrent activation


class LstmStepper:
    """The model's two LSTM layers and output layer, advanced one input at a time (batch of 1)."""

    def __init__(self, model: keras.Model):
        lstms = [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]
        dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        if len(lstms) != 2 or len(dense) != 1:
            raise ValueError("expected the course architecture: two LSTM layers and one Dense layer")
        for layer in lstms:
            if layer.activation is not keras.activations.tanh:
                raise ValueError(f"{layer.name}: only tanh cell activations are supported")
        self.layers = [_Layer(*(np.asarray(w, dtype=np.float32) for w in layer.get_weights()),
                              gate=_recurrent_activation(layer.recurrent_activation)) for layer in lstms]
        self.Wy, self.by = (np.asarray(w, dtype=np.float32) for w in dense[0].get_weights())  # (n_a, n_y), (n_y,)
        self.Tx = model.input_shape[1]
        self.n_x = model.input_shape[2]
        self.n_a = self.layers[0].recurrent_kernel.shape[0]
        self.reset()

    def reset(self) -> None:
        """Zero hidden and cell states (what the Keras layers start every window with)."""
        self.a = [np.zeros(self.n_a, dtype=np.float32) for _ in self.layers]  # (n_a,) per layer
        self.c = [np.zeros(self.n_a, dtype=np.float32) for _ in self.layers]  # (n_a,) per layer

    def _cell(self, k: int, x_proj: np.ndarray) -> np.ndarray:
        layer, n_a = self.layers[k], self.n_a
        z = x_proj + self.a[k] @ layer.recurrent_kernel + layer.bias  # (4 n_a,)
        i = layer.gate(z[:n_a])
        f = layer.gate(z[n_a:2 * n_a])
        cct = np.tanh(z[2 * n_a:3 * n_a])
        o = layer.gate(z[3 * n_a:])
        self.c[k] = f * self.c[k] + i * cct
        self.a[k] = o * np.tanh(self.c[k])
        return self.a[k]

    def step(self, index: int | None) -> np.ndarray:
        """Feed one character index (``None`` = the all-zero padding vector); return next-char probabilities."""
        x_proj = self.layers[0].kernel[index] if index is not None else np.zeros(4 * self.n_a, np.float32)
        a1 = self._cell(0, x_proj)  # (n_a,)
        a2 = self._cell(1, a1 @ self.layers[1].kernel)  # (n_a,)
        z = a2 @ self.Wy + self.by  # (n_y,)
        e = np.exp(z - z.max())
        return e / e.sum()

    def prime(self, indices: list[int]) -> np.ndarray:
        """Reset, then feed the course's window for ``indices``: left zero padding to Tx, then its last Tx."""
        self.reset()
        window = list(indices)[-self.Tx:]
        probs = None
        for _ in range(self.Tx - len(window)):
            probs = self.step(None)
        for index in window:
            probs = self.step(index)
        return probs
