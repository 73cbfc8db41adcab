"""Fast LSTM forward and backward passes giving the course's numbers (not in the notebook).

``lstm_forward_fast(x, a0, parameters)`` returns ``(a, y, c, caches)`` and
``lstm_backward_fast(da, caches)`` returns the same gradient dict as the course's
``lstm_backward`` (T_x from ``da.shape``), equal to rounding (~1e-15 relative in float64).
Only the inside differs from the course-structured :func:`.sequences.lstm_forward`:

* the four gates are one fused (4·n_a)-row product per step, in batch-major rows;
* the input projections ``W_x x<t> + b`` of all T_x steps are one product before the loop;
* σ(v) is computed as ``0.5·tanh(v/2) + 0.5`` with the 1/2 folded into the weights (exact),
  so one ``tanh`` call activates all four gates;
* the backward pass precomputes every gate derivative for all steps at once, so the loop
  only carries ``da``/``dc`` through time, and the weight gradients are accumulated in one
  product over all steps after the loop; ``dx`` likewise.
* float32 inputs stay float32 (the course's functions also keep the dtype here).

The cache is ``(LSTMFastCache, x)`` -- the course's ``(..., x)`` pair, so ``caches[1]`` is
still ``x`` -- but its first item is not the course's list of 10-item cell caches.

    python -m bench.bench_rnn      # course numpy vs this vs compiled Keras
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cells import LSTM_GATES
from .validation import check_gated, check_upstream

FAST_ORDER = ("f", "i", "o", "c")  # sigmoid gates first, then the tanh candidate c̃


@dataclass
class LSTMFastCache:
    """What the fast backward pass needs, time-major and batch-major."""
    xs: np.ndarray  # (T_x, m, n_x)
    h: np.ndarray  # (T_x + 1, m, n_a): h[0] = a0ᵀ, h[t + 1] = a<t>ᵀ
    cs: np.ndarray  # (T_x + 1, m, n_a): cs[0] = 0, cs[t + 1] = c<t>ᵀ
    gates: np.ndarray  # (T_x, m, 4·n_a): activated f, i, o, c̃
    tanh_c: np.ndarray  # (T_x, m, n_a)
    U: np.ndarray  # (n_a, 4·n_a): recurrent weights, transposed and stacked
    V: np.ndarray  # (n_x, 4·n_a): input weights, transposed and stacked
    parameters: dict


def _stack(parameters):
    n_a = parameters["Wf"].shape[0]
    W = np.concatenate([parameters[f"W{g}"] for g in FAST_ORDER], axis=0)  # (4·n_a, n_a + n_x)
    b = np.concatenate([parameters[f"b{g}"][:, 0] for g in FAST_ORDER])  # (4·n_a,)
    return np.ascontiguousarray(W[:, :n_a].T), np.ascontiguousarray(W[:, n_a:].T), b


def lstm_forward_fast(x, a0, parameters):
    """Same results as ``lstm_forward``: ``(a, y, c, caches)`` with ``caches = (LSTMFastCache, x)``."""
    n_x, n_a, m = check_gated(x, a0, parameters, LSTM_GATES, "lstm_forward_fast", sequence=True)
    T_x = x.shape[2]
    dtype = np.result_type(x, a0, parameters["Wf"], np.float32)
    U, V, b = (w.astype(dtype, copy=False) for w in _stack(parameters))
    half = np.ones(4 * n_a, dtype=dtype)
    half[:3 * n_a] = 0.5  # σ(v) = 0.5·tanh(v/2) + 0.5 on the f, i, o blocks
    Us, Vs, bs = U * half, V * half, b * half

    xs = np.ascontiguousarray(x.transpose(2, 1, 0), dtype=dtype)  # (T_x, m, n_x)
    gates = (xs.reshape(T_x * m, n_x) @ Vs + bs).reshape(T_x, m, 4 * n_a)  # (T_x, m, 4·n_a) all inputs at once
    h = np.empty((T_x + 1, m, n_a), dtype=dtype)  # (T_x + 1, m, n_a)
    cs = np.empty((T_x + 1, m, n_a), dtype=dtype)  # (T_x + 1, m, n_a)
    tanh_c = np.empty((T_x, m, n_a), dtype=dtype)  # (T_x, m, n_a)
    h[0] = a0.T
    cs[0] = 0.0
    sig, cand = slice(0, 3 * n_a), slice(3 * n_a, 4 * n_a)
    for t in range(T_x):
        z = gates[t]  # (m, 4·n_a)
        z += h[t] @ Us
        np.tanh(z, out=z)
        s = z[:, sig]
        s *= 0.5
        s += 0.5
        f, i, o, cc = z[:, :n_a], z[:, n_a:2 * n_a], z[:, 2 * n_a:3 * n_a], z[:, cand]
        np.multiply(f, cs[t], out=cs[t + 1])
        cs[t + 1] += i * cc
        np.tanh(cs[t + 1], out=tanh_c[t])
        np.multiply(o, tanh_c[t], out=h[t + 1])

    logits = (h[1:].reshape(T_x * m, n_a) @ parameters["Wy"].T.astype(dtype, copy=False)
              + parameters["by"][:, 0].astype(dtype, copy=False))  # (T_x·m, n_y)
    logits -= logits.max(axis=1, keepdims=True)
    np.exp(logits, out=logits)
    logits /= logits.sum(axis=1, keepdims=True)
    n_y = logits.shape[1]
    y = np.ascontiguousarray(logits.reshape(T_x, m, n_y).transpose(2, 1, 0))  # (n_y, m, T_x)
    a = np.ascontiguousarray(h[1:].transpose(2, 1, 0))  # (n_a, m, T_x)
    c = np.ascontiguousarray(cs[1:].transpose(2, 1, 0))  # (n_a, m, T_x)
    cache = LSTMFastCache(xs=xs, h=h, cs=cs, gates=gates, tanh_c=tanh_c, U=U, V=V, parameters=parameters)
    return a, y, c, (cache, x)


def lstm_backward_fast(da, caches):
    """Same results as ``lstm_backward`` for caches from :func:`lstm_forward_fast`."""
    try:
        cache, x = caches
    except (TypeError, ValueError):
        cache = None
    if not isinstance(cache, LSTMFastCache):
        raise ValueError("lstm_backward_fast: caches must be the (LSTMFastCache, x) pair returned by lstm_forward_fast")
    T_all, m, n_a = cache.tanh_c.shape
    T_x = check_upstream("da", da, n_a, m, T_all, "lstm_backward_fast")
    n_x = cache.xs.shape[2]
    dtype = np.result_type(da, cache.h)

    # Every gate derivative for all T_x steps at once.
    A = cache.gates[:T_x].reshape(T_x, m, 4, n_a)  # (T_x, m, 4, n_a): f, i, o, c̃
    F, I, O, G = A[:, :, 0], A[:, :, 1], A[:, :, 2], A[:, :, 3]
    TC = cache.tanh_c[:T_x]  # (T_x, m, n_a)
    P = np.empty((T_x, m, 4, n_a), dtype=dtype)  # dz_gate = dc * P for f, i, c̃
    P[:, :, 0] = cache.cs[:T_x] * F * (1 - F)
    P[:, :, 1] = G * I * (1 - I)
    P[:, :, 2] = 0.0  # the o block is written from da below
    P[:, :, 3] = I * (1 - G * G)
    o_dtanh = O * (1 - TC * TC)  # (T_x, m, n_a): dc_tot gets da * o * (1 - tanh(c)²)
    tanh_do = TC * O * (1 - O)  # (T_x, m, n_a): dz_o = da * tanh(c) * o(1 - o)

    das = np.ascontiguousarray(da.transpose(2, 1, 0), dtype=dtype)  # (T_x, m, n_a)
    dz = np.empty((T_x, m, 4, n_a), dtype=dtype)  # (T_x, m, 4, n_a)
    UT = np.ascontiguousarray(cache.U.T)  # (4·n_a, n_a)
    dh_next = np.zeros((m, n_a), dtype=dtype)  # (m, n_a)
    dc_next = np.zeros((m, n_a), dtype=dtype)  # (m, n_a)
    for t in reversed(range(T_x)):
        dh = das[t] + dh_next
        dc = dh * o_dtanh[t]
        dc += dc_next
        np.multiply(dc[:, None, :], P[t], out=dz[t])
        np.multiply(dh, tanh_do[t], out=dz[t, :, 2])
        dh_next = dz[t].reshape(m, 4 * n_a) @ UT
        dc_next = dc * F[t]

    dz_flat = dz.reshape(T_x * m, 4 * n_a)  # (T_x·m, 4·n_a)
    dU = cache.h[:T_x].reshape(T_x * m, n_a).T @ dz_flat  # (n_a, 4·n_a)  one product for all steps
    dV = cache.xs[:T_x].reshape(T_x * m, n_x).T @ dz_flat  # (n_x, 4·n_a)
    db = dz_flat.sum(axis=0)  # (4·n_a,)
    dx = np.ascontiguousarray((dz_flat @ cache.V.T).reshape(T_x, m, n_x).transpose(2, 1, 0))  # (n_x, m, T_x)
    grads = {"dx": dx, "da0": np.ascontiguousarray(dh_next.T)}
    for k, g in enumerate(FAST_ORDER):
        block = slice(k * n_a, (k + 1) * n_a)
        grads[f"dW{g}"] = np.concatenate([dU[:, block].T, dV[:, block].T], axis=1)  # (n_a, n_a + n_x)
        grads[f"db{g}"] = db[block][:, None]  # (n_a, 1)
    return {k: grads[k] for k in ("dx", "da0", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")}
