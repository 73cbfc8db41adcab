"""Sampling names with temperature and top-k, and the "in train / in held-out / new" report.

The course's ``sample`` (in :mod:`.course`) re-seeds numpy's global generator before every draw and
samples one name at a time at temperature 1. Here sampling is a pure function of an explicit
``np.random.Generator``: a batch of names is drawn in parallel, each stops at ``'\\n'`` or after
``max_length`` characters (then ``'\\n'`` is appended, as the course does), and decoding to text is a
separate step. The model is any ``step(x_ix, state) -> (probabilities, state)`` function, so the
numpy model and the Keras models share this code.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np

from shared.sampling import check_sampling

NEWLINE = 0
MAX_LENGTH = 50  # the course's cap on sampled characters

StepFn = Callable[[np.ndarray | None, object], tuple[np.ndarray, object]]


def adjust(probabilities: np.ndarray, temperature: float = 1.0, top_k: int | None = None) -> np.ndarray:
    """Re-weight next-character distributions (m, vocab): ``p ** (1 / T)``, keep the ``top_k`` largest, renormalise.

    ``ValueError`` outside :func:`shared.sampling.check_sampling`'s ranges.
    """
    check_sampling(temperature, top_k, probabilities.shape[1])
    logp = np.log(np.clip(probabilities, 1e-300, None)) / temperature  # (m, vocab)
    if top_k is not None and 0 < top_k < logp.shape[1]:
        kth = np.partition(logp, -top_k, axis=1)[:, -top_k][:, None]  # (m, 1)
        logp = np.where(logp >= kth, logp, -np.inf)
    logp -= logp.max(axis=1, keepdims=True)
    p = np.exp(logp)
    return p / p.sum(axis=1, keepdims=True)


def generate(step: StepFn, initial_state: object, n: int, rng: np.random.Generator, temperature: float = 1.0,
             top_k: int | None = None, max_length: int = MAX_LENGTH) -> list[list[int]]:
    """Sample ``n`` names in parallel; each is a list of indices ending with ``NEWLINE`` (at most ``max_length + 1``)."""
    state = initial_state
    x_ix = None  # the course's zero input at t = 0
    done = np.zeros(n, dtype=bool)
    names: list[list[int]] = [[] for _ in range(n)]
    for _ in range(max_length):
        probabilities, state = step(x_ix, state)  # (n, vocab)
        p = adjust(np.asarray(probabilities, dtype=np.float64), temperature, top_k)
        u = rng.random(n)[:, None]  # one uniform per name: inverse-CDF draw
        x_ix = np.minimum((p.cumsum(axis=1) < u).sum(axis=1), p.shape[1] - 1)  # (n,)
        for i in np.flatnonzero(~done):
            names[i].append(int(x_ix[i]))
        done |= x_ix == NEWLINE
        if done.all():
            break
    for name in names:
        if name[-1] != NEWLINE:
            name.append(NEWLINE)
    return names


def numpy_step(parameters: dict[str, np.ndarray]) -> StepFn:
    """A ``step`` for the course's numpy parameters; the state is the hidden state ``a`` (n_a, m)."""
    Wax, Waa, Wya, b, by = (parameters[k] for k in ("Wax", "Waa", "Wya", "b", "by"))

    def step(x_ix, a_prev):
        pre = Waa @ a_prev + b  # (n_a, m)
        if x_ix is not None:
            pre = pre + Wax[:, x_ix]  # one-hot input as a column look-up
        a = np.tanh(pre)
        z = Wya @ a + by  # (n_y, m)
        e = np.exp(z - z.max(axis=0, keepdims=True))
        return (e / e.sum(axis=0, keepdims=True)).T, a

    return step


def sample_numpy(parameters: dict[str, np.ndarray], n: int, rng: np.random.Generator, temperature: float = 1.0,
                 top_k: int | None = None, max_length: int = MAX_LENGTH) -> list[list[int]]:
    """``n`` names from the numpy model (hidden state starts at zero, as in the course's ``sample``)."""
    a0 = np.zeros((parameters["Waa"].shape[0], n))  # (n_a, m)
    return generate(numpy_step(parameters), a0, n, rng, temperature, top_k, max_length)


def decode(indices: Sequence[int], ix_to_char: dict[int, str]) -> str:
    """The name as text, without its trailing newline (lower case)."""
    return "".join(ix_to_char[int(i)] for i in indices).rstrip("\n")


@dataclass(frozen=True)
class SampleReport:
    """Where sampled names come from, and how many are distinct."""

    names: tuple[str, ...]
    labels: tuple[str, ...]
    counts: dict[str, int]
    unique: int

    def summary(self) -> str:
        parts = ", ".join(f"{k} {v}" for k, v in self.counts.items())
        return f"{len(self.names)} names: {parts}; {self.unique} unique"


def classify(names: Iterable[str], train: Iterable[str], held_out: Iterable[str] = (),
             train_label: str = "in train", held_out_label: str = "in held-out", new_label: str = "new") -> SampleReport:
    """Label each name as in the training names, in the held-out names, or new."""
    names = tuple(names)
    train_set, held_set = set(train), set(held_out)
    labels = tuple(train_label if s in train_set else held_out_label if s in held_set else new_label for s in names)
    order = [train_label] + ([held_out_label] if held_set else []) + [new_label]
    tally = Counter(labels)
    return SampleReport(names, labels, {k: tally.get(k, 0) for k in order}, len(set(names)))


def log_probs_numpy(parameters: dict[str, np.ndarray], encoded: Sequence[Sequence[int]]) -> np.ndarray:
    """Log-probability (nats) of each name, ``'\\n'`` included, from a zero state -- names batched in parallel.

    The names go longest first, so the ones still running at step t are the first columns: the work is one
    column per character, not the longest name's length times the number of names.
    """
    m = len(encoded)
    lengths = np.array([len(e) + 1 for e in encoded])  # targets: the characters, then '\n'
    order = np.argsort(-lengths, kind="stable")
    T = int(lengths.max())
    running = np.count_nonzero(lengths[None, :] > np.arange(T)[:, None], axis=1)  # names still running at step t
    targets = np.zeros((T, m), dtype=np.intp)
    inputs = np.full((T, m), -1, dtype=np.intp)  # -1 = zero input
    for column, i in enumerate(order.tolist()):
        e = encoded[i]
        targets[:len(e), column] = e
        inputs[1:len(e) + 1, column] = e
    Wax, Waa, Wya, b, by = (parameters[k] for k in ("Wax", "Waa", "Wya", "b", "by"))
    a = np.zeros((Waa.shape[0], m))  # (n_a, names running)
    total = np.zeros(m)
    for t, n in enumerate(running.tolist()):
        pre = Waa @ a[:, :n] + b
        step_inputs = inputs[t, :n]
        has_input = step_inputs >= 0
        pre[:, has_input] += Wax[:, step_inputs[has_input]]
        a = np.tanh(pre)
        z = Wya @ a + by  # (n_y, n)
        z = z - z.max(axis=0, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=0, keepdims=True))
        total[:n] += logp[targets[t, :n], np.arange(n)]
    result = np.empty(m)
    result[order] = total
    return result


def bits_per_char(log_probs: np.ndarray, encoded: Sequence[Sequence[int]]) -> float:
    """Mean bits per predicted character (each name's characters and its final ``'\\n'``)."""
    n_chars = sum(len(e) + 1 for e in encoded)
    return float(-np.sum(log_probs) / n_chars / np.log(2))
