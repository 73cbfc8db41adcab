"""Fast LSTM forward and backward passes giving the course's numbers (not in the notebook).

Accelerator of :func:`.sequences.lstm_forward` / :func:`.backward.lstm_backward`: the same numbers up to float
rounding, not bit for bit (float64: at most ~1e-15 at the course's test sizes, ~1e-13 on gradients summed over
a jazz-sized batch) -- proved by ``tests/test_rnn_fast.py`` and the ``fast`` group of ``make rnn``.

``lstm_forward_fast(x, a0, parameters)`` returns ``(a, y, c, caches)`` and ``lstm_backward_fast(da, caches)``
the course's gradient dict. Only the inside differs from the course's passes:

* arrays are time-major and feature-major, ``(T_x, ·, m)``, so every per-step slice and every gate is contiguous;
* the four gates are one product per step, ``[W_o; W_f; W_i; W_c | b] @ [a<t-1>; x<t>; 1]``, and with
  tanh(v) = 2σ(2v) - 1 folded into the weights one ``exp`` activates them all;
* the backward loop only carries ``da``/``dc`` through time; the factors that do not depend on the recurrence,
  the weight gradients and ``dx`` are computed on whole arrays outside it;
* the forward pass carves its cache and outputs from one allocation, the backward pass reuses a per-thread work
  buffer (fresh pages cost a page fault each); float32 stays float32; ``outputs=False`` skips the softmax.

The cache is ``(LSTMFastCache, x)``: ``caches[1]`` is still ``x``, the first item is not the course's list. How
fast: ``python -m bench.bench_rnn`` (figures in ``bench/README.md``).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from .cells import LSTM_GATES
from .validation import check_gated, check_upstream

FAST_ORDER = ("o", "f", "i", "c")  # sigmoid gates first, then the tanh candidate c̃


@dataclass
class LSTMFastCache:
    """What the fast backward pass needs, time-major and feature-major (``(T_x, ·, m)``)."""
    hx: np.ndarray  # (n_a + n_x + 1, T_x + 1, m): [a<t-1>; x<t>; 1] in column t (a<T_x> in the last)
    cs: np.ndarray  # (T_x + 1, n_a, m): cs[0] = 0, cs[t + 1] = c<t>
    gates: np.ndarray  # (T_x, 4·n_a, m): activated o, f, i, c̃
    tanh_c: np.ndarray  # (T_x, n_a, m)
    W: np.ndarray  # (4·n_a, n_a + n_x + 1): [W_g | b_g] of the gates o, f, i, c stacked
    parameters: dict


def _stack(parameters, n_a, K, dtype):
    """``[W_g | b_g]`` of the gates in FAST_ORDER, stacked: (4·n_a, n_a + n_x + 1)."""
    W = np.empty((4 * n_a, K), dtype=dtype)
    for k, g in enumerate(FAST_ORDER):
        W[k * n_a:(k + 1) * n_a, :K - 1] = parameters[f"W{g}"]
        W[k * n_a:(k + 1) * n_a, K - 1] = parameters[f"b{g}"][:, 0]
    return W


_ALIGN = 64  # bytes between carved arrays
_scratch = threading.local()  # per-thread work buffer of the backward pass (never returned)


def _carve(buffer, shapes, dtype):
    """Arrays of ``shapes`` laid out one after another in the byte buffer ``buffer``."""
    itemsize = np.dtype(dtype).itemsize
    arrays, offset = [], 0
    for shape in shapes:
        n = int(np.prod(shape)) * itemsize
        arrays.append(buffer[offset:offset + n].view(dtype).reshape(shape))
        offset += -(-n // _ALIGN) * _ALIGN
    return arrays


def _nbytes(shapes, dtype):
    itemsize = np.dtype(dtype).itemsize
    return sum(-(-int(np.prod(shape)) * itemsize // _ALIGN) * _ALIGN for shape in shapes)


def _arena(shapes, dtype):
    """Fresh arrays of ``shapes`` carved from one allocation (see the module docstring)."""
    return _carve(np.empty(_nbytes(shapes, dtype), dtype=np.uint8), shapes, dtype)


def _work(shapes, dtype):
    """Scratch arrays of ``shapes`` in this thread's reusable work buffer (contents undefined)."""
    nbytes = _nbytes(shapes, dtype)
    buffer = getattr(_scratch, "buffer", None)
    if buffer is None or buffer.nbytes < nbytes:
        buffer = _scratch.buffer = np.empty(nbytes, dtype=np.uint8)
    return _carve(buffer, shapes, dtype)


def lstm_forward_fast(x, a0, parameters, outputs: bool = True):
    """Same results as ``lstm_forward``: ``(a, y, c, caches)`` with ``caches = (LSTMFastCache, x)``.

    ``outputs=False`` skips the softmax outputs (``y`` is then None) for callers that only
    need the states, like Keras' ``layers.LSTM``.
    """
    n_x, n_a, m = check_gated(x, a0, parameters, LSTM_GATES, "lstm_forward_fast", sequence=True)
    x_in = x
    T_x = x.shape[2]
    dtype = np.result_type(x, a0, parameters["Wf"], np.float32)
    K = n_a + n_x + 1
    W = _stack(parameters, n_a, K, dtype)
    # Fold the sign and scale of every activation into the weights (exact: powers of two), so
    # one exp call activates all four gates: σ(v) = 1 / (1 + exp(-v)), tanh(v) = 2σ(2v) - 1.
    Ws = W * -1.0
    Ws[3 * n_a:] *= 2.0

    n_y = parameters["Wy"].shape[0]
    shapes = [(K, T_x + 1, m), (T_x, 4 * n_a, m), (T_x + 1, n_a, m), (T_x, n_a, m), (n_a, m), (n_a, m, T_x),
              (n_a, m, T_x)] + ([(n_y, m, T_x)] if outputs else [])
    hx, gates, cs, tanh_c, ig, a, c, *y_out = _arena(shapes, dtype)
    hx[:n_a, 0] = a0
    hx[n_a:K - 1, :T_x] = np.asarray(x).transpose(0, 2, 1)
    hx[n_a:K - 1, T_x] = 0.0
    hx[K - 1] = 1.0
    cs[0] = 0.0
    with np.errstate(over="ignore"):  # exp(large) = inf gives the right limits 0 and -1
        for t in range(T_x):
            z = gates[t]  # (4·n_a, m), contiguous
            np.matmul(Ws, hx[:, t], out=z)  # all four gates, input and recurrent part and bias: one product
            np.exp(z, out=z)
            z += 1.0
            np.divide(1.0, z, out=z)  # σ on the o, f, i blocks; σ(2v) on the c̃ block
            o, f, i, cc = z[:n_a], z[n_a:2 * n_a], z[2 * n_a:3 * n_a], z[3 * n_a:]
            cc *= 2.0
            cc -= 1.0  # c̃ = tanh(v)
            c_next, tc = cs[t + 1], tanh_c[t]
            np.multiply(f, cs[t], out=c_next)
            np.multiply(i, cc, out=ig)
            c_next += ig
            np.multiply(c_next, -2.0, out=tc)  # tanh(c) = 2 / (1 + exp(-2c)) - 1
            np.exp(tc, out=tc)
            tc += 1.0
            np.divide(2.0, tc, out=tc)
            tc -= 1.0
            np.multiply(o, tc, out=hx[:n_a, t + 1])

    a[...] = hx[:n_a, 1:].transpose(0, 2, 1)  # (n_a, m, T_x)
    c[...] = cs[1:].transpose(1, 2, 0)  # (n_a, m, T_x)
    y = None
    if outputs:
        Wy = parameters["Wy"].astype(dtype, copy=False)
        logits = y_out[0].reshape(n_y, m * T_x)
        np.matmul(Wy, a.reshape(n_a, m * T_x), out=logits)  # (n_y, m·T_x)
        logits += parameters["by"].astype(dtype, copy=False)
        logits -= logits.max(axis=0)  # column-wise softmax; any stabiliser gives the same result
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=0)
        y = y_out[0]  # (n_y, m, T_x)
    cache = LSTMFastCache(hx=hx, cs=cs, gates=gates, tanh_c=tanh_c, W=W, parameters=parameters)
    return a, y, c, (cache, x_in)


def lstm_backward_fast(da, caches):
    """Same results as ``lstm_backward`` for caches from :func:`lstm_forward_fast`."""
    try:
        cache, _ = caches
    except (TypeError, ValueError):
        cache = None
    if not isinstance(cache, LSTMFastCache):
        raise ValueError("lstm_backward_fast: caches must be the (LSTMFastCache, x) pair returned by lstm_forward_fast")
    T_all, n_a, m = cache.tanh_c.shape
    T_x = check_upstream("da", da, n_a, m, T_all, "lstm_backward_fast")
    K = cache.hx.shape[0]
    n_x = K - n_a - 1
    dtype = cache.hx.dtype
    # Derivative factors that do not depend on the recurrence, on whole (T_x, ·, m) arrays:
    s = cache.gates[:T_x].reshape(T_x, 4, n_a, m)  # o, f, i, c̃
    tc = cache.tanh_c[:T_x]
    D, Dc, dh, dz, dx_t = _work([(T_x, 4, n_a, m), (T_x, n_a, m), (T_x, n_a, m), (4 * n_a, T_x, m),
                                 (n_x, T_x, m)], dtype)
    np.subtract(1.0, s[:, :3], out=D[:, :3])
    D[:, :3] *= s[:, :3]  # σ' = s(1 - s) of o, f, i
    D[:, 0] *= tc  # do = dh · tanh(c) · o(1 - o)
    D[:, 1] *= cache.cs[:T_x]  # df = dc · c_prev · f(1 - f)
    D[:, 2] *= s[:, 3]  # di = dc · c̃ · i(1 - i)
    np.multiply(s[:, 3], s[:, 3], out=D[:, 3])
    np.subtract(1.0, D[:, 3], out=D[:, 3])
    D[:, 3] *= s[:, 2]  # dc̃ = dc · i · (1 - c̃²)
    np.multiply(tc, tc, out=Dc)
    np.subtract(1.0, Dc, out=Dc)
    Dc *= s[:, 0]  # dc += dh · o · (1 - tanh²(c))
    f = s[:, 1]

    dh[...] = da.transpose(2, 0, 1)  # (T_x, n_a, m); dz: gate pre-activation gradients, feature-major
    dz4 = dz.reshape(4, n_a, T_x, m)
    UT = cache.W[:, :n_a].T  # (n_a, 4·n_a)
    dh_prev = np.zeros((n_a, m), dtype=dtype)
    dc_next = np.zeros((n_a, m), dtype=dtype)
    dc = np.empty((n_a, m), dtype=dtype)
    for t in reversed(range(T_x)):
        dht = dh[t]
        dht += dh_prev
        np.multiply(dht, D[t, 0], out=dz4[0, :, t])
        np.multiply(dht, Dc[t], out=dc)
        dc += dc_next
        np.multiply(dc, D[t, 1:], out=dz4[1:, :, t])
        np.multiply(dc, f[t], out=dc_next)
        np.matmul(UT, dz[:, t], out=dh_prev)  # (n_a, m)

    dz_flat = dz.reshape(4 * n_a, T_x * m)  # (4·n_a, T_x·m)
    dW = dz_flat @ cache.hx[:, :T_x].reshape(K, T_x * m).T  # (4·n_a, K): weights and biases, all steps
    np.matmul(cache.W[:, n_a:K - 1].T, dz_flat, out=dx_t.reshape(n_x, T_x * m))  # (n_x, T_x, m)
    grads = {"dx": np.ascontiguousarray(dx_t.transpose(0, 2, 1)), "da0": dh_prev}
    for k, gate in enumerate(FAST_ORDER):
        block = dW[k * n_a:(k + 1) * n_a]
        grads[f"dW{gate}"] = np.ascontiguousarray(block[:, :K - 1])  # (n_a, n_a + n_x)
        grads[f"db{gate}"] = np.ascontiguousarray(block[:, K - 1:])  # (n_a, 1)
    return {k: grads[k] for k in ("dx", "da0", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")}
