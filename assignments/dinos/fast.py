"""The course's training loop, bit for bit, without the one-hot arithmetic.

Bit-identical to :func:`assignments.dinos.course.optimize` (every parameter after every step, ``np.array_equal``);
proved by ``tests/test_dinos_course.py::test_course_structured_path_prints_the_same_and_is_bit_identical``.

Every number this module produces is the same float64 the course code produces (the tests compare the
trained parameters with ``np.array_equal``). The speed comes from doing fewer, larger numpy calls while
keeping every operation whose rounding could differ exactly as the course does it:

- ``Wax @ x`` with a one-hot ``x`` is the column ``Wax[:, ix]`` (a product by 1 and a sum of zeros are exact),
  read as a row of a copy of ``Wax^T`` made at the start of the step (contiguous, so its addition is cheap),
  and the zero input ``X[0] = None`` contributes exactly nothing;
- each time step's ``daraw`` and ``dy`` are one row of a buffer, the rows in the course's reversed time order.
  The course adds ``daraw a_prev^T`` into ``dWaa`` (and ``dy a^T`` into ``dWya``) one step after another,
  from zeros; ``einsum("ti,tj->ij")`` over those rows does the same: for every entry it adds the exact
  product of each step to the running sum, row after row (tested against the course's loop on random
  steps of every length, and by the bit-identical training runs). ``db`` and ``dby`` are reductions over
  axis 0, which numpy also adds row after row. ``daraw x^T`` is ``daraw`` in one column (zeros elsewhere,
  which add nothing), so ``dWax`` is ``np.add.at`` of the daraw columns, in that same order;
- the recurrent products (``Waa @ a``, ``Waa.T @ daraw``) stay one ``np.dot`` per step with the course's
  shapes; the output layer's (``Wya @ a``, ``Wya.T @ dy``), which no later step waits for, are one stacked
  ``np.matmul`` for all steps -- numpy runs it as the same BLAS ``gemv`` per step that ``np.dot`` calls,
  so every product is rounded exactly as it is for the course;
- the softmax, clip and update are elementwise (or per-column reductions of the same 27 numbers), done for all
  steps, or all parameters (one flat buffer), at once.

The training loop itself is the course's: :class:`FastOptimize` has the signature of
``course.optimize`` and is plugged into :func:`assignments.dinos.course.model` (``optimize=``), so
:func:`model` is ``course.model`` with a faster step. Its gradients dict holds views of the clipped
gradients that the next step overwrites (the course returns fresh arrays).
Run with ``python -m assignments.dinos`` (the default ``--impl fast``).
"""
from __future__ import annotations

import functools

import numpy as np

try:  # np.einsum's Python wrapper costs more than the products themselves at these sizes
    from numpy._core.multiarray import c_einsum as _einsum
except ImportError:  # pragma: no cover - other numpy layouts
    _einsum = np.einsum
_dot = getattr(np.dot, "_implementation", np.dot)  # the same C function, without the __array_function__ hop
_clip = getattr(getattr(np, "_core", None), "umath", np).clip  # the ufunc behind np.clip

from . import course

_KEYS = ("Wax", "Waa", "Wya", "b", "by")
BUFFER_BYTES = 256 << 20  # the step buffers: a few float64 columns per time step, at most this


def step_floats(n_a: int, vocab_size: int) -> int:
    """float64 numbers the step buffers hold per time step: ``a``, ``1 - a^2``, ``da`` (n_a each), ``Wya a``
    (n_y) and the row ``daraw | dy`` (n_a + n_y); n_x = n_y = vocab_size."""
    return 4 * n_a + 2 * vocab_size


def max_name_length(n_a: int, vocab_size: int) -> int:
    """The longest name the fast path trains on: its T + 1 steps of buffers (``BUFFER_BYTES``) must fit.

    With the course's sizes (n_a 50, 27 characters) that is 132103 characters; a longer name is trained by the
    course's loop instead (``python -m assignments.dinos`` says so before training).
    """
    return BUFFER_BYTES // (8 * step_floats(n_a, vocab_size)) - 1


class FastRNN:
    """The course RNN's parameters in one flat float64 buffer, with a bit-exact ``optimize``.

    ``parameters`` is the course's dict; its arrays are views of the flat buffer, so the course's
    ``sample`` works on them directly. Each time step's ``daraw`` and ``dy`` are one row of a buffer (reversed
    time); ``dWaa, dWya, db, dby`` are sums over those rows, row after row, in the course's order (``dWax`` is
    added column by column, in that order).
    """

    def __init__(self, parameters: dict[str, np.ndarray], max_len: int = 64):
        shapes = [parameters[k].shape for k in _KEYS]
        sizes = [int(np.prod(s)) for s in shapes]
        self._offsets = np.cumsum([0] + sizes)
        self._flat = np.empty(sum(sizes))
        self._grad = np.empty(sum(sizes))  # the clipped gradients of the last step
        self._step = np.empty(sum(sizes))  # -learning_rate * gradients
        self._grad_wax = self._grad[:self._offsets[1]]  # dWax, flat: unit * n_x + column
        o = self._offsets
        self._grad_views = (self._grad[o[1]:o[2]].reshape(shapes[1]), self._grad[o[2]:o[3]].reshape(shapes[2]),
                            self._grad[o[3]:o[4]], self._grad[o[4]:o[5]])  # dWaa, dWya, db, dby
        self.parameters = {}
        for key, shape, lo, hi in zip(_KEYS, shapes, self._offsets[:-1], self._offsets[1:]):
            self.parameters[key] = self._flat[lo:hi].reshape(shape)
            self.parameters[key][...] = parameters[key]
        views = {f"d{key}": self._grad[lo:hi].reshape(shape)
                 for key, shape, lo, hi in zip(_KEYS, shapes, self._offsets[:-1], self._offsets[1:])}
        self.gradients = {key: views[key] for key in ("dWaa", "dWax", "dWya", "db", "dby")}  # course clip()'s order
        self.n_a = shapes[1][0]
        self.n_x = shapes[0][1]
        self.vocab_size = shapes[4][0]
        # Wax^T, copied from Wax at the start of every step: its rows are Wax's columns, contiguous (a strided
        # column costs the per-step addition more than twice as much); plans keep views of its rows
        self._WaxT = np.empty((self.n_x, self.n_a))
        self._Wax_cols = [row[:, None] for row in self._WaxT]  # (n_a, 1)
        self._allocate(max_len)

    def _allocate(self, max_len: int) -> None:
        n_a, n_y = self.n_a, self.vocab_size
        self._max_len = max_len
        self._A = np.empty((max_len + 1, n_a, 1))  # a[-1..T-1] -> rows 0..T, a column each (course shape)
        self._Z = np.empty((max_len, n_y, 1))  # Wya a_t, one (n_y, 1) column per step; row k: step T-1-k
        self._G = np.empty((max_len, n_a, 1))  # 1 - a_t * a_t
        self._D = np.empty((max_len, n_a, 1))  # row k: da of step T-1-k (Wya^T dy, then + da_next)
        self._C = C = np.zeros((max_len, n_a + n_y))  # row k: daraw | dy of step T-1-k
        self._C_flat = C.reshape(-1)
        self._C_b = C[:, :n_a]  # daraw
        self._C_by = C[:, n_a:]  # y_hat, then dy
        self._da_next = np.empty((n_a, 1))
        self._pre = np.empty((n_a, 1))
        # views made once: indexing costs more than the arithmetic at these sizes
        self._A_rows = list(self._A)
        self._D_rows = list(self._D)
        self._G_rows = list(self._G)
        self._C_b_rows = [row[:, None] for row in self._C_b]  # (n_a, 1)
        self._views: dict[int, tuple] = {}

    def _views_for(self, T: int) -> tuple:
        """The slices a name of T steps uses, made once per length."""
        if T not in self._views:
            A = self._A
            forward = list(zip(self._A_rows[:T], self._A_rows[1:T + 1]))  # (a<t-1>, a<t>) by t
            # (da, daraw, 1 - a^2) of steps T-1, ..., 0
            backward = list(zip(self._D_rows[:T], self._C_b_rows[:T], self._G_rows[T - 1::-1]))
            self._views[T] = (
                self._C_by[:T, :, None],  # y_hat, then dy (T, n_y, 1), reversed time
                self._Z[:T], self._G[:T], A[1:T + 1], A[T:0:-1], self._D[:T],
                self._C_by[:T], self._C_b[:T],  # dy, daraw (T, n_y), (T, n_a): reversed time
                A[T:0:-1, :, 0], A[T - 1::-1, :, 0],  # a_t, a_{t-1} (T, n_a): reversed time
                forward, backward[0], backward[1:])
        return self._views[T]

    def prepare(self, X: list, Y: list) -> "_Plan":
        """Flat indices for one (X, Y) pair; :func:`model` makes them once per name."""
        return _Plan(X, Y, self._C.shape[1], self.n_a, self.n_x, self._Wax_cols)

    def optimize(self, X: list, Y: list, a_prev: np.ndarray, learning_rate: float = 0.01,
                 plan: "_Plan | None" = None) -> tuple[float, np.ndarray]:
        """Exactly ``course.optimize(X, Y, a_prev, parameters, learning_rate)``; returns ``(loss, a[len(X)-1])``.

        The clipped gradients are in :attr:`gradients` until the next call.
        """
        T = len(X)
        if T > self._max_len:
            self._allocate(max(T, 2 * self._max_len))
        plan = plan or self.prepare(X, Y)
        p = self.parameters
        Waa, Wya, b, by = p["Waa"], p["Wya"], p["b"], p["by"]
        y_hat, Z, G, A_1T, A_T1, D, dy, dr, a_rev, a_prev_rev, forward, last, backward = self._views_for(T)
        C_flat = self._C_flat

        # forward: the recurrence, one BLAS call per step as in the course; locals, and ufuncs with a
        # positional ``out``: the per-call overhead is most of the time at these sizes
        dot, tanh, multiply, add, matmul = _dot, np.tanh, np.multiply, np.add, np.matmul
        pre = self._pre
        self._A[0] = a_prev
        np.copyto(self._WaxT, p["Wax"].T)  # the columns Wax x<t> picks, this step's values
        for (a_before, a_next), column in zip(forward, plan.columns):
            dot(Waa, a_before, pre)  # (n_a, 1)
            if column is not None:  # (Wax x + Waa a) + b; x + y == y + x exactly, and 0 + y == y
                add(pre, column, pre)
            add(pre, b, pre)
            tanh(pre, a_next)
        # the output layer of every step at once: a stacked matmul runs the same gemv per step as np.dot
        matmul(Wya, A_T1, Z)  # (T, n_y, 1), reversed time like the dby rows
        # softmax of every step (each with its own max, as the course), written straight into the dby rows
        add(Z, by, y_hat)
        np.subtract(dy, np.maximum.reduce(dy, 1, None, None, True), dy)  # dy: the same rows, (T, n_y)
        np.exp(dy, dy)
        np.divide(dy, add.reduce(dy, 1, None, None, True), dy)
        loss = 0.0
        for log_p in np.log(C_flat[plan.target_at]).tolist():  # log y_hat[t][Y[t]], t = 0, 1, ...
            loss -= log_p

        # backward: dy = y_hat - one_hot(Y) in place; only the da recurrence is sequential
        C_flat[plan.target_at] -= 1
        multiply(A_1T, A_1T, G)
        np.subtract(1, G, G)  # 1 - a * a
        matmul(Wya.T, y_hat, D)  # Wya^T dy of every step (the same gemv per step as np.dot), reversed time
        WaaT, da_next = Waa.T, self._da_next
        da, dr_k, g_k = last  # step T-1: the course adds da_next = 0 there, and x + 0 == x
        multiply(g_k, da, dr_k)  # daraw
        for da, dr_next, g_k in backward:  # steps T-2, ..., 0
            dot(WaaT, dr_k, da_next)  # from the step after this one
            add(da, da_next, da)
            multiply(g_k, da, dr_next)
            dr_k = dr_next
        # (the course also computes Waa^T daraw after step 0; nothing uses it)

        # every gradient summed over the steps, row after row (the course's reversed order)
        g_waa, g_wya, g_b, g_by = self._grad_views
        _einsum("ti,tj->ij", dr, a_prev_rev, out=g_waa)
        _einsum("ti,tj->ij", dy, a_rev, out=g_wya)
        add.reduce(dr, 0, None, g_b)
        add.reduce(dy, 0, None, g_by)
        grad, wax = self._grad, self._grad_wax
        # dWax: daraw into x_t's column, step after step in the course's reversed order (add.at is unbuffered
        # and goes through its indices in order; the course's other columns get + 0, which changes nothing)
        wax.fill(0.0)
        add.at(wax, plan.wax_at, C_flat[plan.daraw_at])

        # clip(gradients, 5) and P += -lr * dP, on all parameters at once
        _clip(grad, -5, 5, grad)  # the ufunc np.clip calls
        multiply(grad, -learning_rate, self._step)
        self._flat += self._step
        return loss, self._A[T].copy()


class _Plan:
    """Flat indices for one name: the targets in the gradient-term buffer, and dWax's one-column terms.

    What depends only on the name's length and on which steps have an input is computed once per such
    pattern (:func:`_plan_template`); a name adds its own characters.
    """

    __slots__ = ("target_at", "wax_at", "daraw_at", "columns")

    def __init__(self, X: list, Y: list, row: int, n_a: int, n_x: int, wax_columns: list):
        self.columns = [None if ix is None else wax_columns[ix] for ix in X]  # Wax x<t> (rows of FastRNN's Wax^T)
        steps = tuple(t for t, ix in enumerate(X) if ix is not None)[::-1]  # reversed: the course's order
        targets, self.daraw_at = _plan_template(len(X), steps, row, n_a)
        self.target_at = targets + np.asarray(Y, dtype=np.intp)  # t = 0, 1, ... (the loss's order)
        columns = np.asarray([X[t] for t in steps], dtype=np.intp)[:, None]  # (steps, 1)
        self.wax_at = (np.arange(n_a, dtype=np.intp)[None, :] * n_x + columns).ravel()  # step by step, unit by unit


@functools.lru_cache(maxsize=256)
def _plan_template(T: int, steps: tuple, row: int, n_a: int):
    """Offsets in the ``daraw | dy`` buffer (row k = step T-1-k) of the targets (in dy), and of daraw at ``steps``."""
    base = (T - 1 - np.arange(T, dtype=np.intp)) * row
    with_input = base[list(steps)][:, None]  # (steps, 1)
    return base + n_a, (with_input + np.arange(n_a, dtype=np.intp)[None, :]).ravel()


def _same_arrays(a: dict, b: dict) -> bool:
    return (a["Wax"] is b["Wax"] and a["Waa"] is b["Waa"] and a["Wya"] is b["Wya"] and a["b"] is b["b"]
            and a["by"] is b["by"])


class FastOptimize:
    """A drop-in for ``course.optimize`` -- same arguments, same results, bit for bit -- built on :class:`FastRNN`.

    ``optimize(X, Y, a_prev, parameters, learning_rate=0.01)`` -> ``(loss, gradients, a[len(X)-1])``. On the
    first call with a parameters dict it copies the arrays into one flat buffer and puts views of that
    buffer back into the dict, so the caller's ``parameters`` see every update, as with the course's
    in-place SGD; a dict whose arrays were replaced is taken over again. Index plans are kept per name.
    """

    MAX_PLANS = 1 << 14

    def __init__(self, max_len: int = 64):
        self.max_len = max_len  # steps the buffers are first made for (a name of T characters takes T + 1)
        self.rnn: FastRNN | None = None
        self._plans: dict[tuple, _Plan] = {}

    def __call__(self, X, Y, a_prev, parameters, learning_rate=0.01):
        rnn = self.rnn
        if rnn is None or not _same_arrays(parameters, rnn.parameters):
            rnn = self.rnn = FastRNN(parameters, self.max_len)
            parameters.update(rnn.parameters)
            self._plans.clear()
        key = (tuple(X), tuple(Y))
        plan = self._plans.get(key)
        if plan is None:
            if len(self._plans) >= self.MAX_PLANS:
                self._plans.clear()
            plan = self._plans[key] = rnn.prepare(X, Y)
        loss, a_last = rnn.optimize(X, Y, a_prev, learning_rate, plan)
        return loss, rnn.gradients, a_last


def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27,
          verbose=False, *, max_len: int = 64, **options):
    """:func:`assignments.dinos.course.model` with :class:`FastOptimize` as its step: same printout, same bits.

    ``max_len``: time steps the buffers are first made for (the longest name + 1 avoids any regrowth).
    """
    return course.model(data_x, ix_to_char, char_to_ix, num_iterations, n_a, dino_names, vocab_size, verbose,
                        optimize=FastOptimize(max_len), **options)
