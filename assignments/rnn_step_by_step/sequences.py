"""The course's forward passes over a whole sequence: ``rnn_forward`` and ``lstm_forward``.

The course's structure on purpose (a loop over the cell function, caches ``(list_of_cell_caches, x)``,
``lstm_forward`` returning ``(a, y, c, caches)``); :mod:`.fast` is faster. Unlike the notebook: inputs are checked
first (``ValueError`` naming shapes) and outputs keep the inputs' float dtype.
"""
from __future__ import annotations

import numpy as np

from .cells import LSTM_GATES, lstm_cell_forward, rnn_cell_forward
from .validation import check_gated, check_rnn


def rnn_forward(x, a0, parameters):
    """Run ``rnn_cell_forward`` over ``x`` (n_x, m, T_x). Returns ``(a, y_pred, caches)``."""
    check_rnn(x, a0, parameters, "rnn_forward", sequence=True)
    dtype = np.result_type(x, a0, parameters["Waa"], np.float32)
    return over_time(rnn_cell_forward, x, a0, parameters, parameters["Wya"].shape[0], dtype)


def over_time(cell_forward, x, a0, parameters, n_y: int, dtype):
    """The course's loop of ``rnn_forward`` (the GRU's too): ``cell_forward(xt, a_prev, parameters) -> (a_next,
    yt_pred, cache)`` at each of ``x``'s T_x steps from ``a0``. Returns ``(a, y_pred, (caches, x))``."""
    n_a, m = a0.shape
    T_x = x.shape[2]
    a = np.zeros((n_a, m, T_x), dtype=dtype)  # (n_a, m, T_x)
    y_pred = np.zeros((n_y, m, T_x), dtype=dtype)  # (n_y, m, T_x)
    caches = []
    a_next = a0  # (n_a, m)
    for t in range(T_x):
        a_next, yt_pred, cache = cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)


def lstm_forward(x, a0, parameters):
    """Run ``lstm_cell_forward`` over ``x`` (n_x, m, T_x) from ``c = 0``. Returns ``(a, y, c, caches)``."""
    n_x, n_a, m = check_gated(x, a0, parameters, LSTM_GATES, "lstm_forward", sequence=True)
    T_x = x.shape[2]
    n_y = parameters["Wy"].shape[0]
    dtype = np.result_type(x, a0, parameters["Wf"], np.float32)
    a = np.zeros((n_a, m, T_x), dtype=dtype)  # (n_a, m, T_x)
    c = np.zeros((n_a, m, T_x), dtype=dtype)  # (n_a, m, T_x)
    y = np.zeros((n_y, m, T_x), dtype=dtype)  # (n_y, m, T_x)
    caches = []
    a_next = a0  # (n_a, m)
    c_next = np.zeros((n_a, m), dtype=dtype)  # (n_a, m): a fresh zero state, as in the course
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)
    return a, y, c, (caches, x)
