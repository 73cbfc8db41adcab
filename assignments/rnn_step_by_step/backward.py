"""The course's backward passes: the corrected 2021 / late-v3a equations of the notebook's section 3,
"Backpropagation in Recurrent Neural Networks".

The course's signatures and gradient keys. ``da`` is the upstream gradient of the loss with respect to every hidden
state (the output path is not included), and **T_x is taken from ``da.shape``** (``da`` may cover only the first
steps of a longer forward pass). Mismatched shapes raise ``ValueError``.
"""
from __future__ import annotations

import numpy as np

from .validation import check_step_grad, check_upstream


def _unpack_sequence(caches, n_items: int, what: str):
    try:
        cell_caches, x = caches
    except (TypeError, ValueError):
        raise ValueError(f"{what}: caches must be the (list_of_cell_caches, x) pair returned by the forward pass") from None
    if not cell_caches or len(cell_caches[0]) != n_items:
        raise ValueError(f"{what}: caches do not come from the matching forward pass "
                         f"(expected cell caches of {n_items} items)")
    return cell_caches, x


def rnn_cell_backward(da_next, cache):
    """Gradients of one RNN step given ``da_next`` (n_a, m). Keys ``dxt, da_prev, dWax, dWaa, dba``."""
    a_next, a_prev, xt, parameters = cache
    check_step_grad("da_next", da_next, a_next.shape, "rnn_cell_backward")
    dz = da_next * (1 - a_next ** 2)  # (n_a, m): through tanh
    dxt = parameters["Wax"].T @ dz  # (n_x, m)
    dWax = dz @ xt.T  # (n_a, n_x)
    da_prev = parameters["Waa"].T @ dz  # (n_a, m)
    dWaa = dz @ a_prev.T  # (n_a, n_a)
    dba = np.sum(dz, axis=1, keepdims=True)  # (n_a, 1)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def rnn_backward(da, caches):
    """Backpropagate ``da`` (n_a, m, T_x) through ``rnn_forward``. Keys ``dx, da0, dWax, dWaa, dba``."""
    cell_caches, x = _unpack_sequence(caches, 4, "rnn_backward")
    n_a, m = cell_caches[0][0].shape
    check_upstream("da", da, n_a, m, len(cell_caches), "rnn_backward")
    return through_time(rnn_cell_backward, da, cell_caches, x, ("dWax", "dWaa", "dba"))


def through_time(cell_backward, da, cell_caches, x, keys, cell_state: bool = False) -> dict:
    """The course's loop of a backward pass (RNN, LSTM and GRU alike), from the last step to the first.

    Step t's cell gets ``da[:, :, t]`` plus the ``da_prev`` carried from step t + 1 (and, with ``cell_state``, the
    LSTM's ``dc_prev``); ``dx`` is kept per step, the weight gradients ``keys`` are summed over the steps.
    Returns ``{"dx", "da0", *keys}``.
    """
    n_a, m, T_x = da.shape
    parameters = cell_caches[0][-1]  # every cell cache ends with the parameters and starts with a_next
    dtype = np.result_type(da, cell_caches[0][0])
    dx = np.zeros((x.shape[0], m, T_x), dtype=dtype)  # (n_x, m, T_x)
    da_prevt = np.zeros((n_a, m), dtype=dtype)  # (n_a, m)
    dc_prevt = np.zeros((n_a, m), dtype=dtype)  # (n_a, m): the LSTM's cell-state gradient
    totals = {k: np.zeros_like(parameters[k[1:]], dtype=dtype) for k in keys}
    for t in reversed(range(T_x)):
        carried = (da[:, :, t] + da_prevt, dc_prevt) if cell_state else (da[:, :, t] + da_prevt,)
        gradients = cell_backward(*carried, cell_caches[t])
        da_prevt, dc_prevt = gradients["da_prev"], gradients.get("dc_prev", dc_prevt)
        dx[:, :, t] = gradients["dxt"]
        for k in keys:
            totals[k] += gradients[k]
    return {"dx": dx, "da0": da_prevt, **totals}


def lstm_cell_backward(da_next, dc_next, cache):
    """Gradients of one LSTM step. Keys ``dxt, da_prev, dc_prev, dWf, dbf, dWi, dbi, dWc, dbc, dWo, dbo``."""
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    check_step_grad("da_next", da_next, a_next.shape, "lstm_cell_backward")
    check_step_grad("dc_next", dc_next, c_next.shape, "lstm_cell_backward")
    n_a = a_next.shape[0]
    tanh_c = np.tanh(c_next)  # (n_a, m)
    # Gate gradients with respect to the pre-activations (equations 7-10 of the 2021 notebook).
    dot = da_next * tanh_c * ot * (1 - ot)  # (n_a, m)
    dc_tot = dc_next + da_next * ot * (1 - tanh_c ** 2)  # (n_a, m)
    dcct = dc_tot * it * (1 - cct ** 2)  # (n_a, m)
    dit = dc_tot * cct * it * (1 - it)  # (n_a, m)
    dft = dc_tot * c_prev * ft * (1 - ft)  # (n_a, m)
    concat = np.concatenate([a_prev, xt], axis=0)  # (n_a + n_x, m)
    Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]
    da_prev = (Wf[:, :n_a].T @ dft + Wi[:, :n_a].T @ dit
               + Wc[:, :n_a].T @ dcct + Wo[:, :n_a].T @ dot)  # (n_a, m)
    dxt = (Wf[:, n_a:].T @ dft + Wi[:, n_a:].T @ dit
           + Wc[:, n_a:].T @ dcct + Wo[:, n_a:].T @ dot)  # (n_x, m)
    return {
        "dxt": dxt, "da_prev": da_prev, "dc_prev": dc_tot * ft,
        "dWf": dft @ concat.T, "dbf": np.sum(dft, axis=1, keepdims=True),
        "dWi": dit @ concat.T, "dbi": np.sum(dit, axis=1, keepdims=True),
        "dWc": dcct @ concat.T, "dbc": np.sum(dcct, axis=1, keepdims=True),
        "dWo": dot @ concat.T, "dbo": np.sum(dot, axis=1, keepdims=True),
    }


LSTM_PARAM_GRADS = ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")


def lstm_backward(da, caches):
    """Backpropagate ``da`` (n_a, m, T_x) through ``lstm_forward``.

    Keys ``dx, da0, dWf, dbf, dWi, dbi, dWc, dbc, dWo, dbo``.
    """
    cell_caches, x = _unpack_sequence(caches, 10, "lstm_backward")
    n_a, m = cell_caches[0][0].shape
    check_upstream("da", da, n_a, m, len(cell_caches), "lstm_backward")
    return through_time(lstm_cell_backward, da, cell_caches, x, LSTM_PARAM_GRADS, cell_state=True)
