"""Fast LSTM forward and backward passes giving the course's numbers (not in the notebook).

``lstm_forward_fast(x, a0, parameters)`` returns ``(a, y, c, caches)`` and
``lstm_backward_fast(da, caches)`` returns the same gradient dict as the course's
``lstm_backward`` (T_x from ``da.shape``), equal up to rounding (float64: ~1e-16 on the
course's test sizes, ~1e-13 on gradients summed over a jazz-sized batch).
Only the inside differs from the course-structured :func:`.sequences.lstm_forward`:

* the four gates are one fused (4·n_a)-column product per step, in batch-major rows
  (``(m, T_x, ·)``, Keras' layout), read straight from ``x`` without transposing it;
* the input projections ``W_x x<t> + b`` of all T_x steps are one product before the loop;
* σ(v) = 1/(1 + exp(-v)) and tanh(v) = 2σ(2v) - 1 with the signs and the 2 folded into the
  weights (exact), so one ``exp`` call activates all four gates (numpy's float64 ``exp`` is
  about twice as fast as its ``tanh`` on AVX2 machines, and activations are about a quarter
  of the forward pass);
* the backward loop only carries ``da``/``dc`` through time and stores the gate gradients;
  the weight gradients of all steps are accumulated in one product after the loop, and
  ``dx`` is one product too, written in the course layout;
* every elementwise step writes into preallocated buffers;
* float32 inputs stay float32 (the course-structured functions here keep the dtype too);
* ``outputs=False`` skips the softmax outputs when only the states are wanted.

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
    """What the fast backward pass needs, batch-major like Keras."""
    x: np.ndarray  # (n_x, m, T_x) the input, in the course layout
    h: np.ndarray  # (m, T_x + 1, n_a): h[:, 0] = a0ᵀ, h[:, t + 1] = a<t>ᵀ
    cs: np.ndarray  # (m, T_x + 1, n_a): cs[:, 0] = 0, cs[:, t + 1] = c<t>ᵀ
    gates: np.ndarray  # (m, T_x, 4·n_a): activated f, i, o, c̃
    tanh_c: np.ndarray  # (m, T_x, n_a)
    U: np.ndarray  # (n_a, 4·n_a): recurrent weights, transposed and stacked
    V: np.ndarray  # (n_x, 4·n_a): input weights, transposed and stacked
    parameters: dict


def _stack(parameters, dtype):
    n_a = parameters["Wf"].shape[0]
    W = np.concatenate([parameters[f"W{g}"] for g in FAST_ORDER], axis=0).astype(dtype, copy=False)  # (4·n_a, n_a + n_x)
    b = np.concatenate([parameters[f"b{g}"][:, 0] for g in FAST_ORDER]).astype(dtype, copy=False)  # (4·n_a,)
    return np.ascontiguousarray(W[:, :n_a].T), np.ascontiguousarray(W[:, n_a:].T), b


def lstm_forward_fast(x, a0, parameters, outputs: bool = True):
    """Same results as ``lstm_forward``: ``(a, y, c, caches)`` with ``caches = (LSTMFastCache, x)``.

    ``outputs=False`` skips the softmax outputs (``y`` is then None) for callers that only
    need the states, like Keras' ``layers.LSTM``.
    """
    n_x, n_a, m = check_gated(x, a0, parameters, LSTM_GATES, "lstm_forward_fast", sequence=True)
    T_x = x.shape[2]
    dtype = np.result_type(x, a0, parameters["Wf"], np.float32)
    x = np.ascontiguousarray(x, dtype=dtype)
    U, V, b = _stack(parameters, dtype)
    # Fold the sign and scale of every activation into the weights (exact: powers of two), so
    # one exp call activates all four gates: σ(v) = 1 / (1 + exp(-v)), tanh(v) = 2σ(2v) - 1.
    scale = np.full(4 * n_a, -1.0, dtype=dtype)
    scale[3 * n_a:] = -2.0
    Us, Vs, bs = U * scale, V * scale, b * scale

    gates = (x.reshape(n_x, m * T_x).T @ Vs).reshape(m, T_x, 4 * n_a)  # (m, T_x, 4·n_a) all inputs at once
    gates += bs
    h = np.empty((m, T_x + 1, n_a), dtype=dtype)  # (m, T_x + 1, n_a)
    cs = np.empty((m, T_x + 1, n_a), dtype=dtype)  # (m, T_x + 1, n_a)
    tanh_c = np.empty((m, T_x, n_a), dtype=dtype)  # (m, T_x, n_a)
    ig = np.empty((m, n_a), dtype=dtype)  # (m, n_a) scratch
    h[:, 0] = a0.T
    cs[:, 0] = 0.0
    with np.errstate(over="ignore"):  # exp(large) = inf gives the right limits 0 and -1
        for t in range(T_x):
            z = gates[:, t]  # (m, 4·n_a)
            z += h[:, t] @ Us
            np.exp(z, out=z)
            z += 1.0
            np.reciprocal(z, out=z)  # σ on the f, i, o blocks; σ(2v) on the c̃ block
            f, i, o, cc = z[:, :n_a], z[:, n_a:2 * n_a], z[:, 2 * n_a:3 * n_a], z[:, 3 * n_a:]
            cc *= 2.0
            cc -= 1.0  # c̃ = tanh(v)
            c_next, tc = cs[:, t + 1], tanh_c[:, t]
            np.multiply(f, cs[:, t], out=c_next)
            np.multiply(i, cc, out=ig)
            c_next += ig
            np.multiply(c_next, -2.0, out=tc)  # tanh(c) = 2 / (1 + exp(-2c)) - 1
            np.exp(tc, out=tc)
            tc += 1.0
            np.divide(2.0, tc, out=tc)
            tc -= 1.0
            np.multiply(o, tc, out=h[:, t + 1])

    a = np.ascontiguousarray(h[:, 1:].transpose(2, 0, 1))  # (n_a, m, T_x)
    c = np.ascontiguousarray(cs[:, 1:].transpose(2, 0, 1))  # (n_a, m, T_x)
    y = None
    if outputs:
        Wy = parameters["Wy"].astype(dtype, copy=False)
        logits = Wy @ a.reshape(n_a, m * T_x)  # (n_y, m·T_x)
        logits += parameters["by"].astype(dtype, copy=False)
        logits -= logits.max(axis=0)  # column-wise softmax; any stabiliser gives the same result
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=0)
        y = logits.reshape(Wy.shape[0], m, T_x)  # (n_y, m, T_x)
    cache = LSTMFastCache(x=x, h=h, cs=cs, gates=gates, tanh_c=tanh_c, U=U, V=V, parameters=parameters)
    return a, y, c, (cache, x)


def lstm_backward_fast(da, caches):
    """Same results as ``lstm_backward`` for caches from :func:`lstm_forward_fast`."""
    try:
        cache, _ = caches
    except (TypeError, ValueError):
        cache = None
    if not isinstance(cache, LSTMFastCache):
        raise ValueError("lstm_backward_fast: caches must be the (LSTMFastCache, x) pair returned by lstm_forward_fast")
    m, T_all, n_a = cache.tanh_c.shape
    T_x = check_upstream("da", da, n_a, m, T_all, "lstm_backward_fast")
    n_x = cache.x.shape[0]
    dtype = cache.h.dtype
    das = np.ascontiguousarray(da.transpose(1, 2, 0), dtype=dtype)  # (m, T_x, n_a)
    dz = np.empty((m, T_x, 4 * n_a), dtype=dtype)  # (m, T_x, 4·n_a): gate pre-activation gradients
    UT = np.ascontiguousarray(cache.U.T)  # (4·n_a, n_a)
    dh_next = np.zeros((m, n_a), dtype=dtype)  # (m, n_a)
    dc_next = np.zeros((m, n_a), dtype=dtype)  # (m, n_a)
    dh = np.empty((m, n_a), dtype=dtype)
    dc = np.empty((m, n_a), dtype=dtype)
    sd = np.empty((m, 3 * n_a), dtype=dtype)  # σ'(v) = s(1 - s) of f, i, o
    f_, i_, o_, c_ = slice(0, n_a), slice(n_a, 2 * n_a), slice(2 * n_a, 3 * n_a), slice(3 * n_a, 4 * n_a)
    for t in reversed(range(T_x)):
        g = cache.gates[:, t]  # (m, 4·n_a): f, i, o, c̃
        tc = cache.tanh_c[:, t]  # (m, n_a)
        dzt = dz[:, t]  # (m, 4·n_a)
        np.subtract(1.0, g[:, :3 * n_a], out=sd)
        sd *= g[:, :3 * n_a]
        np.add(das[:, t], dh_next, out=dh)
        np.multiply(dh, tc, out=dzt[:, o_])  # dot = da · tanh(c) · o(1 - o)
        dzt[:, o_] *= sd[:, o_]
        np.multiply(tc, tc, out=dc)  # dc_tot = dc_next + da · o · (1 - tanh²(c))
        np.subtract(1.0, dc, out=dc)
        dc *= g[:, o_]
        dc *= dh
        dc += dc_next
        np.multiply(dc, cache.cs[:, t], out=dzt[:, f_])  # dft = dc_tot · c_prev · f(1 - f)
        dzt[:, f_] *= sd[:, f_]
        np.multiply(dc, g[:, c_], out=dzt[:, i_])  # dit = dc_tot · c̃ · i(1 - i)
        dzt[:, i_] *= sd[:, i_]
        np.multiply(g[:, c_], g[:, c_], out=dzt[:, c_])  # dcct = dc_tot · i · (1 - c̃²)
        np.subtract(1.0, dzt[:, c_], out=dzt[:, c_])
        dzt[:, c_] *= g[:, i_]
        dzt[:, c_] *= dc
        dh_next = dzt @ UT  # (m, n_a)
        np.multiply(dc, g[:, f_], out=dc_next)

    dz_flat = dz.reshape(m * T_x, 4 * n_a)  # (m·T_x, 4·n_a)
    h_prev = cache.h[:, :T_x].reshape(m * T_x, n_a)  # (m·T_x, n_a)
    x_used = cache.x if T_x == T_all else np.ascontiguousarray(cache.x[:, :, :T_x])
    dU = h_prev.T @ dz_flat  # (n_a, 4·n_a): one product for all steps
    dV = x_used.reshape(n_x, m * T_x) @ dz_flat  # (n_x, 4·n_a)
    db = dz_flat.sum(axis=0)  # (4·n_a,)
    dx = (cache.V @ dz_flat.T).reshape(n_x, m, T_x)  # (n_x, m, T_x)
    grads = {"dx": dx, "da0": np.ascontiguousarray(dh_next.T)}
    for k, gate in enumerate(FAST_ORDER):
        block = slice(k * n_a, (k + 1) * n_a)
        grads[f"dW{gate}"] = np.concatenate([dU[:, block].T, dV[:, block].T], axis=1)  # (n_a, n_a + n_x)
        grads[f"db{gate}"] = db[block][:, None]  # (n_a, 1)
    return {k: grads[k] for k in ("dx", "da0", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")}
