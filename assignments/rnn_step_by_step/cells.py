"""One time step of the course's RNN and LSTM (forward), with the course's cache layout.

Notebook sections 1.1 RNN Cell and 2.1 LSTM Cell, same signatures, return order and caches; inputs are checked
first, so a shape mismatch raises ``ValueError`` naming the shapes.
"""
from __future__ import annotations

import numpy as np

from shared.rnn_utils import sigmoid, softmax

from .validation import check_gated, check_rnn

LSTM_GATES = ("f", "i", "c", "o")


def rnn_cell_forward(xt, a_prev, parameters):
    """``a_next = tanh(Waa a_prev + Wax xt + ba)``, ``yt_pred = softmax(Wya a_next + by)``.

    Returns ``(a_next, yt_pred, cache)`` with ``cache = (a_next, a_prev, xt, parameters)``.
    """
    check_rnn(xt, a_prev, parameters, "rnn_cell_forward", sequence=False)
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)  # (n_a, m)
    yt_pred = softmax(Wya @ a_next + by)  # (n_y, m)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One LSTM step; ``i`` is the lectures' update gate Γu.

    Returns ``(a_next, c_next, yt_pred, cache)`` with the course's 10-item cache
    ``(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)``.
    """
    check_gated(xt, a_prev, parameters, LSTM_GATES, "lstm_cell_forward", sequence=False, c_prev=c_prev)
    concat = np.concatenate([a_prev, xt], axis=0)  # (n_a + n_x, m)
    ft = sigmoid(parameters["Wf"] @ concat + parameters["bf"])  # (n_a, m)
    it = sigmoid(parameters["Wi"] @ concat + parameters["bi"])  # (n_a, m)
    cct = np.tanh(parameters["Wc"] @ concat + parameters["bc"])  # (n_a, m)
    c_next = ft * c_prev + it * cct  # (n_a, m)
    ot = sigmoid(parameters["Wo"] @ concat + parameters["bo"])  # (n_a, m)
    a_next = ot * np.tanh(c_next)  # (n_a, m)
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])  # (n_y, m)
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache
