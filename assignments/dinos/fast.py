"""The course's training loop, bit for bit, without the one-hot arithmetic.

Every number this module produces is the same float64 the course code produces (the tests compare the
trained parameters with ``np.array_equal``). The speed comes from doing fewer, larger numpy calls while
keeping every operation whose rounding could differ exactly as the course does it:

- ``Wax @ x`` with a one-hot ``x`` is the column ``Wax[:, ix]`` (a product by 1 and a sum of zeros are exact),
  and the zero input ``X[0] = None`` contributes exactly nothing;
- ``dWax += daraw @ x.T`` adds ``daraw`` to one column; a name's additions are grouped in rounds of distinct
  columns, so each column still receives its terms one by one in the course's reversed time order;
- the sums over time of ``dWya``, ``dWaa``, ``db``, ``dby`` are built from the same exact outer products
  (``einsum`` without a summed index only multiplies) and reduced over axis 0, which numpy adds sequentially,
  in the course's reversed order;
- the dense products (``Waa @ a``, ``Wya @ a``, ``Wya.T @ dy``, ``Waa.T @ daraw``) stay separate ``np.dot``
  calls with the course's shapes, so BLAS rounds them exactly as it does for the course;
- the softmax, clip and update are elementwise (or per-column reductions of the same 27 numbers), done for all
  steps, or all parameters (one flat buffer), at once.

What is *not* kept: the gradients dict returned by ``optimize`` (only the loss and last hidden state are).
Run with ``python -m assignments.dinos`` (the default ``--impl fast``).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .course import SeedPlan, get_initial_loss, initialize_parameters, print_checkpoint, smooth

_KEYS = ("Wax", "Waa", "Wya", "b", "by")


class FastRNN:
    """The course RNN's parameters in one flat float64 buffer, with a bit-exact ``optimize``.

    ``parameters`` is the course's dict; its arrays are views of the flat buffer, so the course's
    ``sample`` works on them directly.
    """

    def __init__(self, parameters: dict[str, np.ndarray], max_len: int = 64):
        shapes = [parameters[k].shape for k in _KEYS]
        sizes = [int(np.prod(s)) for s in shapes]
        self._flat = np.empty(sum(sizes))
        self._grad = np.empty(sum(sizes))
        self.parameters, self._grads = {}, {}
        offset = 0
        for key, shape, size in zip(_KEYS, shapes, sizes):
            self.parameters[key] = self._flat[offset:offset + size].reshape(shape)
            self.parameters[key][...] = parameters[key]
            self._grads[key] = self._grad[offset:offset + size].reshape(shape)
            offset += size
        self.n_a = shapes[1][0]
        self.vocab_size = shapes[4][0]
        self._allocate(max_len)

    def _allocate(self, max_len: int) -> None:
        n_a, n_y = self.n_a, self.vocab_size
        self._max_len = max_len
        self._A = np.empty((max_len + 1, n_a, 1))  # a[-1..T-1] -> rows 0..T, a column each (course shape)
        self._Z = np.empty((max_len, n_y, 1))  # Wya a_t, one (n_y, 1) column per step
        self._DR = np.empty((max_len, n_a, 1))  # daraw, stored in reversed time order
        self._outer_ya = np.empty((max_len, n_y, n_a))  # dy_t a_t^T, reversed time
        self._outer_aa = np.empty((max_len, n_a, n_a))  # daraw_t a_{t-1}^T, reversed time
        self._pre = np.empty((n_a, 1))
        self._da = np.empty((n_a, 1))
        # views made once: indexing costs more than the arithmetic at these sizes
        self._A_rows = list(self._A)
        self._Z_rows = list(self._Z)
        self._DR_rows = list(self._DR)
        Wax = self.parameters["Wax"]
        self._Wax_cols = [Wax[:, i:i + 1] for i in range(Wax.shape[1])]  # (n_a, 1) views, updated in place

    @staticmethod
    def prepare(X: list, Y: list) -> "_Plan":
        """Index arrays for one (X, Y) pair; :func:`model` makes them once per name."""
        return _Plan(X, Y)

    def optimize(self, X: list, Y: list, a_prev: np.ndarray, learning_rate: float = 0.01,
                 plan: "_Plan | None" = None) -> tuple[float, np.ndarray]:
        """Exactly ``course.optimize(X, Y, a_prev, parameters, learning_rate)``; returns ``(loss, a[len(X)-1])``."""
        plan = plan or _Plan(X, Y)
        T = len(X)
        if T > self._max_len:
            self._allocate(max(T, 2 * self._max_len))
        p = self.parameters
        Waa, Wya, b, by = p["Waa"], p["Wya"], p["b"], p["by"]
        A, Z, DR = self._A, self._Z, self._DR

        # forward: the recurrence and the output layer's products, one BLAS call each per step as in the course
        A_rows, Z_rows, cols, pre = self._A_rows, self._Z_rows, self._Wax_cols, self._pre
        A[0] = a_prev
        for t in range(T):
            ix = X[t]
            if ix is None:
                np.add(np.dot(Waa, A_rows[t]), b, out=pre)  # 0 + Waa a + b
            else:
                np.add(cols[ix], np.dot(Waa, A_rows[t]), out=pre)  # (n_a, 1): (Wax x + Waa a) + b
                pre += b
            np.tanh(pre, out=A_rows[t + 1])
            np.dot(Wya, A_rows[t + 1], out=Z_rows[t])  # (n_y, 1)
        y_hat = Z[:T] + by  # (T, n_y, 1)
        y_hat -= y_hat.max(axis=(1, 2), keepdims=True)  # softmax with each step's own max, as the course
        np.exp(y_hat, out=y_hat)
        y_hat /= y_hat.sum(axis=1, keepdims=True)
        loss = 0.0
        for log_p in np.log(y_hat[plan.steps, plan.y_ix, 0]):
            loss -= log_p

        # backward: only the da recurrence is sequential
        dy = y_hat  # dy = y_hat - one_hot(Y), in place
        dy[plan.steps, plan.y_ix, 0] -= 1
        rev = plan.rev
        a_t = A[1:T + 1]  # (T, n_a, 1)
        tanh_grad = 1 - a_t * a_t  # (T, n_a, 1)
        WyaT, WaaT = Wya.T, Waa.T
        DR_rows, da = self._DR_rows, self._da
        dy_rows, grad_rows = list(dy[rev]), list(tanh_grad[rev])
        da_next = None
        for k in range(T):
            np.dot(WyaT, dy_rows[k], out=da)  # (n_a, 1)
            if da_next is not None:  # the course adds da_next = 0 at the last step: x + 0 == x
                da += da_next
            np.multiply(grad_rows[k], da, out=DR_rows[k])  # daraw
            da_next = np.dot(WaaT, DR_rows[k])

        # gradients: exact outer products, summed over axis 0 (sequentially, in reversed time order)
        g = self._grads
        dr = DR[:T, :, 0]  # (T, n_a), reversed time
        dy_rev = dy[rev, :, 0]  # (T, n_y)
        outer_ya = np.einsum("ti,tj->tij", dy_rev, A[T:0:-1, :, 0], out=self._outer_ya[:T])  # products only
        np.add.reduce(outer_ya, axis=0, out=g["Wya"])
        np.add.reduce(dy_rev[:, :, None], axis=0, out=g["by"])
        np.add.reduce(DR[:T], axis=0, out=g["b"])
        outer_aa = np.einsum("ti,tj->tij", dr, A[T - 1::-1, :, 0], out=self._outer_aa[:T])
        np.add.reduce(outer_aa, axis=0, out=g["Waa"])
        dWaxT = g["Wax"].T  # (n_x, n_a) view
        dWaxT.fill(0.0)
        for ks, ixs in plan.rounds:  # r-th occurrence of each input character: distinct columns per round
            dWaxT[ixs] += dr[ks]

        # clip(gradients, 5) and P += -lr * dP, on all parameters at once
        np.clip(self._grad, -5, 5, out=self._grad)
        self._flat += -learning_rate * self._grad
        return loss, A[T].copy()


class _Plan:
    """Per-name index arrays: targets, reversed steps, and ``dWax``'s column updates grouped in rounds."""

    __slots__ = ("steps", "y_ix", "rev", "rounds")

    def __init__(self, X: list, Y: list):
        T = len(X)
        self.steps = np.arange(T)
        self.y_ix = np.asarray(Y, dtype=np.intp)
        self.rev = self.steps[::-1].copy()
        seen: dict[int, int] = {}
        rounds: list[tuple[list[int], list[int]]] = []
        for k, t in enumerate(range(T - 1, -1, -1)):  # the course's reversed order
            ix = X[t]
            if ix is None:
                continue
            r = seen.get(ix, 0)
            seen[ix] = r + 1
            if r == len(rounds):
                rounds.append(([], []))
            rounds[r][0].append(k)
            rounds[r][1].append(ix)
        self.rounds = [(np.asarray(ks, dtype=np.intp), np.asarray(ixs, dtype=np.intp)) for ks, ixs in rounds]


def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27,
          verbose=False, *, sample_every=2000, seed=0, learning_rate=0.01,
          history: list | None = None, progress: Callable[[int], None] | None = None, out=print):
    """:func:`assignments.dinos.course.model`, same arguments, same printout, same numbers -- faster."""
    seeds = SeedPlan(seed)
    parameters = initialize_parameters(n_a, vocab_size, vocab_size, seed=seeds.init)
    loss = get_initial_loss(vocab_size, dino_names)
    examples = [x.strip() for x in data_x]
    np.random.seed(seeds.shuffle)
    np.random.shuffle(examples)
    newline = char_to_ix["\n"]
    encoded = [[None] + [char_to_ix[ch] for ch in name] for name in examples]
    targets = [X[1:] + [newline] for X in encoded]
    plans = [FastRNN.prepare(X, Y) for X, Y in zip(encoded, targets)]
    rnn = FastRNN(parameters, max_len=max(len(X) for X in encoded))
    parameters = rnn.parameters
    a_prev = np.zeros((n_a, 1))  # (n_a, 1), carried across names
    last_dino_name = "abc"
    for j in range(num_iterations):
        idx = j % len(examples)
        X, Y = encoded[idx], targets[idx]
        if verbose and j in [0, len(examples) - 1, len(examples)]:
            out("j = %d idx = %d" % (j, idx))
        if verbose and j == 0:
            out("single_example_chars %s" % examples[idx])
            out("single_example_ix %s" % X[1:])
            out("X = %s\nY = %s\n" % (X, Y))
        curr_loss, a_prev = rnn.optimize(X, Y, a_prev, learning_rate, plans[idx])
        loss = smooth(loss, curr_loss)
        if history is not None:
            history.append(float(loss))
        if j % sample_every == 0:
            last_dino_name = print_checkpoint(j, loss, parameters, ix_to_char, char_to_ix, dino_names, seeds, out)
        if progress is not None:
            progress(j)
    return {k: v.copy() for k, v in parameters.items()}, last_dino_name
