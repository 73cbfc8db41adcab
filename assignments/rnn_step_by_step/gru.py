"""The full GRU of the lectures, written in the course's style (not part of the notebook).

Lecture notation, with ``c<t> = a<t>``::

    Γu  = σ(Wu [c<t-1>, x<t>] + bu)            update gate
    Γr  = σ(Wr [c<t-1>, x<t>] + br)            relevance (reset) gate
    c̃   = tanh(Wc [Γr * c<t-1>, x<t>] + bc)
    c<t> = Γu * c̃ + (1 - Γu) * c<t-1>
    ŷ<t> = softmax(Wy c<t> + by)

Parameters ``Wu, Wr, Wc`` (n_a, n_a + n_x), ``bu, br, bc`` (n_a, 1), ``Wy`` (n_y, n_a), ``by`` (n_y, 1). The functions
mirror the course's RNN/LSTM ones (cache ``(a_next, a_prev, gu, gr, cct, xt, parameters)``; T_x of the backward pass
from ``da.shape``). Keras' ``GRU(reset_after=False)`` is the same function with ``z = 1 - Γu`` (:mod:`.keras_weights`).
"""
from __future__ import annotations

import numpy as np

from shared.rnn_utils import sigmoid, softmax

from .backward import _unpack_sequence, through_time
from .sequences import over_time
from .validation import check_gated, check_step_grad, check_upstream

GRU_GATES = ("u", "r", "c")
GRU_PARAM_GRADS = ("dWu", "dbu", "dWr", "dbr", "dWc", "dbc")


def gru_cell_forward(xt, a_prev, parameters):
    """One GRU step. Returns ``(a_next, yt_pred, cache)``."""
    check_gated(xt, a_prev, parameters, GRU_GATES, "gru_cell_forward", sequence=False)
    concat = np.concatenate([a_prev, xt], axis=0)  # (n_a + n_x, m)
    gu = sigmoid(parameters["Wu"] @ concat + parameters["bu"])  # (n_a, m)  Γu
    gr = sigmoid(parameters["Wr"] @ concat + parameters["br"])  # (n_a, m)  Γr
    concat_r = np.concatenate([gr * a_prev, xt], axis=0)  # (n_a + n_x, m)
    cct = np.tanh(parameters["Wc"] @ concat_r + parameters["bc"])  # (n_a, m)  c̃
    a_next = gu * cct + (1 - gu) * a_prev  # (n_a, m)
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])  # (n_y, m)
    cache = (a_next, a_prev, gu, gr, cct, xt, parameters)
    return a_next, yt_pred, cache


def gru_forward(x, a0, parameters):
    """Run ``gru_cell_forward`` over ``x`` (n_x, m, T_x). Returns ``(a, y_pred, caches)``."""
    check_gated(x, a0, parameters, GRU_GATES, "gru_forward", sequence=True)
    dtype = np.result_type(x, a0, parameters["Wu"], np.float32)
    return over_time(gru_cell_forward, x, a0, parameters, parameters["Wy"].shape[0], dtype)


def gru_cell_backward(da_next, cache):
    """Gradients of one GRU step. Keys ``dxt, da_prev, dWu, dbu, dWr, dbr, dWc, dbc``."""
    a_next, a_prev, gu, gr, cct, xt, parameters = cache
    check_step_grad("da_next", da_next, a_next.shape, "gru_cell_backward")
    n_a = a_next.shape[0]
    Wu, Wr, Wc = parameters["Wu"], parameters["Wr"], parameters["Wc"]
    # Gradients with respect to the pre-activations of c̃, Γu and Γr.
    dcct = da_next * gu * (1 - cct ** 2)  # (n_a, m)
    dgu = da_next * (cct - a_prev) * gu * (1 - gu)  # (n_a, m)
    dconcat_r = Wc.T @ dcct  # (n_a + n_x, m)
    dra = dconcat_r[:n_a]  # (n_a, m): gradient of Γr * a_prev
    dgr = dra * a_prev * gr * (1 - gr)  # (n_a, m)
    concat = np.concatenate([a_prev, xt], axis=0)  # (n_a + n_x, m)
    concat_r = np.concatenate([gr * a_prev, xt], axis=0)  # (n_a + n_x, m)
    da_prev = (da_next * (1 - gu) + dra * gr
               + Wu[:, :n_a].T @ dgu + Wr[:, :n_a].T @ dgr)  # (n_a, m)
    dxt = dconcat_r[n_a:] + Wu[:, n_a:].T @ dgu + Wr[:, n_a:].T @ dgr  # (n_x, m)
    return {
        "dxt": dxt, "da_prev": da_prev,
        "dWu": dgu @ concat.T, "dbu": np.sum(dgu, axis=1, keepdims=True),
        "dWr": dgr @ concat.T, "dbr": np.sum(dgr, axis=1, keepdims=True),
        "dWc": dcct @ concat_r.T, "dbc": np.sum(dcct, axis=1, keepdims=True),
    }


def gru_backward(da, caches):
    """Backpropagate ``da`` (n_a, m, T_x) through ``gru_forward``.

    Keys ``dx, da0, dWu, dbu, dWr, dbr, dWc, dbc``.
    """
    cell_caches, x = _unpack_sequence(caches, 7, "gru_backward")
    n_a, m = cell_caches[0][0].shape
    check_upstream("da", da, n_a, m, len(cell_caches), "gru_backward")
    return through_time(gru_cell_backward, da, cell_caches, x, GRU_PARAM_GRADS)
