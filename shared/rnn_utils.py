"""The course's ``rnn_utils.py`` helpers, with the course's exact semantics.

- ``softmax`` is column-wise (over axis 0) but, as in the course, stabilised by the
  *global* maximum of the whole array.
- ``update_parameters_with_adam`` puts epsilon *inside* the square root, as the course does.
"""
from __future__ import annotations

import numpy as np


def softmax(x: np.ndarray) -> np.ndarray:
    """Column-wise softmax of ``x`` (n, m): ``exp(x - max(x)) / sum over axis 0``."""
    e_x = np.exp(x - np.max(x))
    return e_x / e_x.sum(axis=0)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-x))``."""
    return 1 / (1 + np.exp(-x))


def initialize_adam(parameters: dict) -> tuple[dict, dict]:
    """Zero first/second moment dicts keyed ``dW{l}``/``db{l}`` for ``L = len(parameters) // 2`` layers."""
    n_layers = len(parameters) // 2
    v, s = {}, {}
    for layer in range(1, n_layers + 1):
        for name in ("W", "b"):
            v[f"d{name}{layer}"] = np.zeros_like(parameters[f"{name}{layer}"])
            s[f"d{name}{layer}"] = np.zeros_like(parameters[f"{name}{layer}"])
    return v, s


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01,
                                beta1=0.9, beta2=0.999, epsilon=1e-8):
    """One Adam step (course form: ``W -= lr * v_hat / sqrt(s_hat + eps)``). Returns ``(parameters, v, s)``."""
    n_layers = len(parameters) // 2
    for layer in range(1, n_layers + 1):
        for name in ("W", "b"):
            key, grad = f"d{name}{layer}", grads[f"d{name}{layer}"]
            v[key] = beta1 * v[key] + (1 - beta1) * grad
            s[key] = beta2 * s[key] + (1 - beta2) * grad ** 2
            v_hat = v[key] / (1 - beta1 ** t)
            s_hat = s[key] / (1 - beta2 ** t)
            parameters[f"{name}{layer}"] = parameters[f"{name}{layer}"] - learning_rate * v_hat / np.sqrt(s_hat + epsilon)
    return parameters, v, s
