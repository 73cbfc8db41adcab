"""Shape checks run before any arithmetic, so a mismatch names the shapes involved.

The course lets numpy fail deep inside a broadcast; here ``ValueError`` names the arrays and shapes side by side.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np


def _shape(value) -> tuple:
    return tuple(np.shape(value))


def require_keys(parameters: Mapping, keys: Sequence[str], what: str) -> None:
    """Raise ``ValueError`` unless ``parameters`` is a dict holding every name in ``keys``."""
    if not isinstance(parameters, Mapping):
        raise ValueError(f"{what}: parameters must be a dict, got {type(parameters).__name__}")
    missing = [k for k in keys if k not in parameters]
    if missing:
        raise ValueError(f"{what}: parameters is missing {', '.join(missing)} "
                         f"(expected keys {', '.join(keys)})")


def require_ndim(name: str, value, ndim: int, what: str, layout: str) -> tuple:
    shape = _shape(value)
    if len(shape) != ndim:
        raise ValueError(f"{what}: {name} must be {ndim}-D {layout}, got shape {shape}")
    return shape


def require_shape(name: str, value, expected: tuple, what: str, why: str) -> None:
    shape = _shape(value)
    if shape != tuple(expected):
        raise ValueError(f"{what}: {name} has shape {shape}, expected {tuple(expected)} ({why})")


def check_rnn(x, a_prev, parameters: Mapping, what: str, sequence: bool) -> tuple[int, int, int]:
    """Check ``x``/``xt``, ``a_prev``/``a0`` and the RNN parameters; return ``(n_x, n_a, m)``."""
    require_keys(parameters, ("Waa", "Wax", "Wya", "ba", "by"), what)
    x_name, a_name = ("x", "a0") if sequence else ("xt", "a_prev")
    x_shape = require_ndim(x_name, x, 3 if sequence else 2, what, "(n_x, m, T_x)" if sequence else "(n_x, m)")
    n_x, m = x_shape[0], x_shape[1]
    n_a = _shape(parameters["Waa"])[0] if np.ndim(parameters["Waa"]) else 0
    n_y = _shape(parameters["Wya"])[0] if np.ndim(parameters["Wya"]) else 0
    require_shape("Waa", parameters["Waa"], (n_a, n_a), what, "n_a x n_a")
    require_shape("Wax", parameters["Wax"], (n_a, n_x), what, f"n_a x n_x with n_a={n_a} from Waa, n_x={n_x} from {x_name}")
    require_shape("ba", parameters["ba"], (n_a, 1), what, f"n_a={n_a} from Waa")
    require_shape("Wya", parameters["Wya"], (n_y, n_a), what, f"n_y x n_a with n_a={n_a} from Waa")
    require_shape("by", parameters["by"], (n_y, 1), what, f"n_y={n_y} from Wya")
    require_shape(a_name, a_prev, (n_a, m), what, f"n_a={n_a} from Waa, m={m} from {x_name}")
    return n_x, n_a, m


def check_gated(x, a_prev, parameters: Mapping, gates: Sequence[str], what: str, sequence: bool,
                c_prev=None) -> tuple[int, int, int]:
    """Check inputs of the LSTM/GRU (weights ``W{g}`` of shape (n_a, n_a + n_x)); return ``(n_x, n_a, m)``."""
    keys = [k for g in gates for k in (f"W{g}", f"b{g}")] + ["Wy", "by"]
    require_keys(parameters, keys, what)
    x_name, a_name = ("x", "a0") if sequence else ("xt", "a_prev")
    x_shape = require_ndim(x_name, x, 3 if sequence else 2, what, "(n_x, m, T_x)" if sequence else "(n_x, m)")
    n_x, m = x_shape[0], x_shape[1]
    first = f"W{gates[0]}"
    n_a = _shape(parameters[first])[0] if np.ndim(parameters[first]) else 0
    n_y = _shape(parameters["Wy"])[0] if np.ndim(parameters["Wy"]) else 0
    for g in gates:
        require_shape(f"W{g}", parameters[f"W{g}"], (n_a, n_a + n_x), what,
                      f"n_a x (n_a + n_x) with n_a={n_a} from {first}, n_x={n_x} from {x_name}")
        require_shape(f"b{g}", parameters[f"b{g}"], (n_a, 1), what, f"n_a={n_a} from {first}")
    require_shape("Wy", parameters["Wy"], (n_y, n_a), what, f"n_y x n_a with n_a={n_a} from {first}")
    require_shape("by", parameters["by"], (n_y, 1), what, f"n_y={n_y} from Wy")
    require_shape(a_name, a_prev, (n_a, m), what, f"n_a={n_a} from {first}, m={m} from {x_name}")
    if c_prev is not None:
        require_shape("c_prev", c_prev, (n_a, m), what, f"n_a={n_a} from {first}, m={m} from {x_name}")
    return n_x, n_a, m


def check_upstream(name: str, grad, n_a: int, m: int, available: int | None, what: str) -> int:
    """Check an upstream gradient ``da`` (n_a, m, T_x) against the caches; return T_x."""
    shape = require_ndim(name, grad, 3, what, "(n_a, m, T_x)")
    if shape[:2] != (n_a, m):
        raise ValueError(f"{what}: {name} has shape {shape}, expected ({n_a}, {m}, T_x) "
                         f"(n_a={n_a}, m={m} from the forward caches)")
    if available is not None and shape[2] > available:
        raise ValueError(f"{what}: {name} has T_x={shape[2]} steps but the forward pass cached only {available}")
    return shape[2]


def check_step_grad(name: str, grad, expected: tuple, what: str) -> None:
    require_shape(name, grad, expected, what, "(n_a, m) like the cached state")
