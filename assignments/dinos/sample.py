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

from shared import sampling

NEWLINE = 0
MAX_LENGTH = 50  # the course's cap on sampled characters
EMPTY = "empty"  # the label of a name that ended at once

StepFn = Callable[[np.ndarray | None, object], tuple[np.ndarray, object]]


def inverse_cdf_draw(p: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One index per row of ``p`` (m, vocab): one uniform each, the first index whose cumulative sum reaches it."""
    u = rng.random(p.shape[0])[:, None]
    return np.minimum((p.cumsum(axis=1) < u).sum(axis=1), p.shape[1] - 1)  # (m,)


def generate(step: StepFn, initial_state: object, n: int, rng: np.random.Generator, temperature: float = 1.0,
             top_k: int | None = None, max_length: int = MAX_LENGTH) -> list[list[int]]:
    """Sample ``n`` names in parallel (:func:`shared.sampling.generate`: ``reweight`` then one draw per step, the
    ``n`` names as one batch); each is a list of indices ending with ``NEWLINE`` (at most ``max_length + 1``)."""
    done = np.zeros(n, dtype=bool)

    def all_ended(x_ix: np.ndarray) -> bool:
        done[x_ix == NEWLINE] = True
        return bool(done.all())

    drawn = sampling.generate(step, initial_state, max_length, rng, temperature=temperature, top_k=top_k,
                              draw=inverse_cdf_draw, stop=all_ended)  # (steps, n)
    columns = np.array(drawn).T.tolist()  # (n, steps)
    return [c[:c.index(NEWLINE) + 1] if NEWLINE in c else c + [NEWLINE] for c in columns]


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

    def as_dict(self) -> dict:
        return {"counts": self.counts, "unique": self.unique, "names": list(self.names)}


def classify(names: Iterable[str], train: Iterable[str], held_out: Iterable[str] = (),
             train_label: str = "in train", held_out_label: str = "in held-out", new_label: str = "new") -> SampleReport:
    """Label each name as in the training names, in the held-out names, new, or empty (a bare ``'\n'``: never
    counted as new; the count of empty names is shown only when there are some)."""
    names = tuple(names)
    train_set, held_set = set(train), set(held_out)
    labels = tuple(EMPTY if not s else train_label if s in train_set else held_out_label if s in held_set
                   else new_label for s in names)
    order = [train_label] + ([held_out_label] if held_set else []) + [new_label] + ([EMPTY] if "" in names else [])
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
