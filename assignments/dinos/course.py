"""The course's Dinosaur Island functions (2021 notebook + its ``utils.py``), exactly, in numpy.

Same names, signatures, draw orders and printouts as the course, including its oddities:
the hidden bias is keyed ``b`` (gradient ``db``), the loss is a *sum* over time steps, ``a_prev``
is carried from one name to the next, and ``sample`` re-seeds numpy's global generator before every
draw with ``seed + counter`` while also incrementing ``seed`` -- so step k uses seed ``seed0 + 2k``.

Additions that do not change the course run (defaults reproduce it): ``initialize_parameters(..., seed=1)``;
``model(..., *, sample_every=2000, seed=0, learning_rate=0.01, optimize=optimize, history=None,
checkpoints=None, progress=None, out=print)``. ``seed`` shifts every seed the course uses at once (see
:class:`SeedPlan`). ``sample`` returns Python ints (numpy 2 prints ``np.int64(23)`` where the course printed 23).

``from assignments.dinos.course import *`` gives a Python session exactly the course's names (``__all__``:
the ``utils.py`` helpers and the four graded functions), so the notebook's cells run as written
(``tests/test_notebook_dinos.py``); :class:`SeedPlan` and :func:`print_checkpoint` are the project's.

This is the readable reference; :mod:`assignments.dinos.fast` plugs a bit-identical, faster step into
:func:`model`. Run with ``python -m assignments.dinos --impl course``.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Callable

import numpy as np

from shared.rnn_utils import softmax

__all__ = [
    "softmax", "smooth", "print_sample", "get_sample", "get_initial_loss", "initialize_parameters",  # utils.py
    "rnn_step_forward", "rnn_step_backward", "update_parameters", "rnn_forward", "rnn_backward",  # utils.py
    "clip", "sample", "optimize", "model",  # the graded functions (UNQ_C1..C4)
]


# ---------------------------------------------------------------- seeds
@dataclass(frozen=True)
class SeedPlan:
    """How one ``--seed`` maps to the course's three seeds (``seed=0`` is the course).

    - parameters: ``np.random.seed(seed + 1)`` (course: 1) in :func:`initialize_parameters`;
    - shuffle: ``np.random.seed(seed)`` (course: 0) before shuffling the names;
    - checkpoint names: ``sample(..., seed + s)`` for s = 0..dino_names-1 (course: 0..6).
    """

    seed: int = 0

    @property
    def init(self) -> int:
        return self.seed + 1

    @property
    def shuffle(self) -> int:
        return self.seed

    def names(self, dino_names: int) -> list[int]:
        return [self.seed + s for s in range(dino_names)]


# ---------------------------------------------------------------- utils.py
def smooth(loss, cur_loss):
    return loss * 0.999 + cur_loss * 0.001


def get_initial_loss(vocab_size, seq_length):
    return -np.log(1.0 / vocab_size) * seq_length


def get_sample(sample_ix, ix_to_char):
    """The sampled name as text, first letter upper-cased, trailing ``'\\n'`` kept (course ``get_sample``)."""
    txt = "".join(ix_to_char[ix] for ix in sample_ix)
    return txt[0].upper() + txt[1:]


def print_sample(sample_ix, ix_to_char):
    """Print the sampled name (first letter upper-cased); it ends with its own ``'\\n'`` (course ``print_sample``)."""
    print(get_sample(sample_ix, ix_to_char), end="")


def initialize_parameters(n_a, n_x, n_y, *, seed=1):
    """``np.random.seed(seed)``, then Wax, Waa, Wya ~ randn * 0.01 in that order; b, by zeros."""
    np.random.seed(seed)
    Wax = np.random.randn(n_a, n_x) * 0.01  # (n_a, n_x) input to hidden
    Waa = np.random.randn(n_a, n_a) * 0.01  # (n_a, n_a) hidden to hidden
    Wya = np.random.randn(n_y, n_a) * 0.01  # (n_y, n_a) hidden to output
    b = np.zeros((n_a, 1))  # (n_a, 1) hidden bias
    by = np.zeros((n_y, 1))  # (n_y, 1) output bias
    return {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": b, "by": by}


def rnn_step_forward(parameters, a_prev, x):
    Waa, Wax, Wya, by, b = parameters["Waa"], parameters["Wax"], parameters["Wya"], parameters["by"], parameters["b"]
    a_next = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)  # (n_a, 1)
    p_t = softmax(np.dot(Wya, a_next) + by)  # (n_y, 1)
    return a_next, p_t


def rnn_step_backward(dy, gradients, parameters, x, a, a_prev):
    gradients["dWya"] += np.dot(dy, a.T)
    gradients["dby"] += dy
    da = np.dot(parameters["Wya"].T, dy) + gradients["da_next"]  # (n_a, 1)
    daraw = (1 - a * a) * da  # back through tanh
    gradients["db"] += daraw
    gradients["dWax"] += np.dot(daraw, x.T)
    gradients["dWaa"] += np.dot(daraw, a_prev.T)
    gradients["da_next"] = np.dot(parameters["Waa"].T, daraw)
    return gradients


def update_parameters(parameters, gradients, lr):
    """Plain SGD, in place: ``P += -lr * dP``."""
    parameters["Wax"] += -lr * gradients["dWax"]
    parameters["Waa"] += -lr * gradients["dWaa"]
    parameters["Wya"] += -lr * gradients["dWya"]
    parameters["b"] += -lr * gradients["db"]
    parameters["by"] += -lr * gradients["dby"]
    return parameters


def rnn_forward(X, Y, a0, parameters, vocab_size=27):
    """Forward over one name. ``X[t] is None`` is the zero input. Returns ``(loss, (y_hat, a, x))``, loss summed over t."""
    x, a, y_hat = {}, {}, {}
    a[-1] = np.copy(a0)
    loss = 0
    for t in range(len(X)):
        x[t] = np.zeros((vocab_size, 1))  # (vocab_size, 1) one-hot
        if X[t] is not None:
            x[t][X[t]] = 1
        a[t], y_hat[t] = rnn_step_forward(parameters, a[t - 1], x[t])
        loss -= np.log(y_hat[t][Y[t], 0])
    cache = (y_hat, a, x)
    return loss, cache


def rnn_backward(X, Y, parameters, cache):
    """Backward over one name. Returns ``(gradients, a)``; gradients keep the extra ``da_next`` key."""
    gradients = {}
    (y_hat, a, x) = cache
    Waa, Wax, Wya, by, b = parameters["Waa"], parameters["Wax"], parameters["Wya"], parameters["by"], parameters["b"]
    gradients["dWax"], gradients["dWaa"], gradients["dWya"] = np.zeros_like(Wax), np.zeros_like(Waa), np.zeros_like(Wya)
    gradients["db"], gradients["dby"] = np.zeros_like(b), np.zeros_like(by)
    gradients["da_next"] = np.zeros_like(a[0])
    for t in reversed(range(len(X))):
        dy = np.copy(y_hat[t])
        dy[Y[t]] -= 1
        gradients = rnn_step_backward(dy, gradients, parameters, x[t], a[t], a[t - 1])
    return gradients, a


# ---------------------------------------------------------------- graded functions
def clip(gradients, maxValue):
    """Clip the 5 gradients to [-maxValue, maxValue]; a NEW dict of exactly those keys, input untouched (2021)."""
    gradients = copy.deepcopy(gradients)
    dWaa, dWax, dWya, db, dby = gradients["dWaa"], gradients["dWax"], gradients["dWya"], gradients["db"], gradients["dby"]
    for gradient in [dWax, dWaa, dWya, db, dby]:
        np.clip(gradient, -maxValue, maxValue, out=gradient)
    return {"dWaa": dWaa, "dWax": dWax, "dWya": dWya, "db": db, "dby": dby}


def sample(parameters, char_to_ix, seed):
    """Sample one name's indices (ends with ``'\\n'``'s index, at most 51), with the course's seed bookkeeping."""
    Waa, Wax, Wya, by, b = parameters["Waa"], parameters["Wax"], parameters["Wya"], parameters["by"], parameters["b"]
    vocab_size = by.shape[0]
    n_a = Waa.shape[1]
    x = np.zeros((vocab_size, 1))  # (vocab_size, 1)
    a_prev = np.zeros((n_a, 1))  # (n_a, 1)
    indices = []
    idx = -1
    counter = 0
    newline_character = char_to_ix["\n"]
    while idx != newline_character and counter != 50:
        a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)  # (n_a, 1)
        z = np.dot(Wya, a) + by  # (vocab_size, 1)
        y = softmax(z)
        np.random.seed(counter + seed)  # the course re-seeds before every draw ...
        idx = int(np.random.choice(list(range(vocab_size)), p=y.ravel()))  # a Python int prints as the course's
        indices.append(idx)
        x = np.zeros((vocab_size, 1))
        x[idx] = 1
        a_prev = a
        seed += 1  # ... and also bumps seed, so step k uses seed0 + 2k
        counter += 1
    if counter == 50:
        indices.append(char_to_ix["\n"])
    return indices


def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
    """One SGD step on one name: forward, backward, clip(5), update in place. Returns ``(loss, gradients, a[len(X)-1])``."""
    vocab_size = parameters["Wax"].shape[1]  # the course passes nothing (27); the same value on its data
    loss, cache = rnn_forward(X, Y, a_prev, parameters, vocab_size)
    gradients, a = rnn_backward(X, Y, parameters, cache)
    gradients = clip(gradients, 5)
    parameters = update_parameters(parameters, gradients, learning_rate)
    return loss, gradients, a[len(X) - 1]


def _printed(*items) -> str:
    """The line ``print(*items)`` writes (items separated by one space), for the ``out`` callback."""
    return " ".join(str(item) for item in items)


def print_checkpoint(j, loss, parameters, ix_to_char, char_to_ix, dino_names, seeds, out=print):
    """The notebook's checkpoint printout; returns the names as ``get_sample`` gives them (with their ``'\\n'``)."""
    out("Iteration: %d, Loss: %f" % (j, loss) + "\n")
    names = []
    for seed in seeds.names(dino_names):
        sampled_indices = sample(parameters, char_to_ix, seed)
        names.append(get_sample(sampled_indices, ix_to_char))
        out(names[-1].replace("\n", ""))
    out("\n")
    return names


def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27,
          verbose=False, *, sample_every=2000, seed=0, learning_rate=0.01, optimize: Callable = optimize,
          history: list | None = None, checkpoints: list | None = None,
          progress: Callable[[int], None] | None = None, out=print):
    """Train the course's RNN on ``data_x`` (a list of names); returns ``(parameters, last_dino_name)``.

    The 2021 notebook's loop and printout (``verbose`` debug lines included), with keyword-only additions
    whose defaults are the course: ``sample_every`` (the checkpoint period), ``seed`` (see :class:`SeedPlan`),
    ``learning_rate``, and ``optimize`` -- the training step, called as the course calls it,
    ``optimize(X, Y, a_prev, parameters, learning_rate)`` -> ``(loss, gradients, a_last)`` (default: this
    module's :func:`optimize`; :class:`assignments.dinos.fast.FastOptimize` is the bit-identical fast one).
    ``history`` (if given) receives the smoothed loss after every iteration, ``checkpoints`` one dict per
    printed checkpoint (``iteration``, ``loss`` as printed, ``smoothed_loss``, ``names``), and
    ``progress(j)`` is called after every iteration (for a progress bar); ``out`` prints each line.
    ``data_x`` is any sequence of names: the course's ``data.split("\n")`` or a :class:`.names.NameStore`.
    """
    seeds = SeedPlan(seed)
    n_x, n_y = vocab_size, vocab_size
    parameters = initialize_parameters(n_a, n_x, n_y, seed=seeds.init)
    loss = get_initial_loss(vocab_size, dino_names)
    examples = [x.strip() for x in data_x]
    np.random.seed(seeds.shuffle)
    np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))  # (n_a, 1), carried across names
    last_dino_name = "abc"
    ix_newline = [char_to_ix["\n"]]
    for j in range(num_iterations):
        idx = j % len(examples)
        single_example_chars = examples[idx]
        single_example_ix = [char_to_ix[c] for c in single_example_chars]
        X = [None] + single_example_ix
        Y = X[1:] + ix_newline
        curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate)
        if verbose and j in [0, len(examples) - 1, len(examples)]:
            out(_printed("j = ", j, "idx = ", idx))
        if verbose and j in [0]:
            out(_printed("single_example_chars", single_example_chars))
            out(_printed("single_example_ix", single_example_ix))
            out(_printed(" X = ", X, "\n", "Y =       ", Y, "\n"))
        loss = smooth(loss, curr_loss)
        if history is not None:
            history.append(float(loss))
        if j % sample_every == 0:
            names = print_checkpoint(j, loss, parameters, ix_to_char, char_to_ix, dino_names, seeds, out)
            last_dino_name = names[-1] if names else last_dino_name
            if checkpoints is not None:
                checkpoints.append({"iteration": j, "loss": "%f" % loss, "smoothed_loss": float(loss),
                                    "names": [name.replace("\n", "") for name in names]})
        if progress is not None:
            progress(j)
    return parameters, last_dino_name
