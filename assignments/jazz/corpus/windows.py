"""The course's training arrays (``music_utils.data_processing``): values numbered in sorted order, the 60 window
starts of ``np.random.seed(0)``, one-hot X / Y, and the lines the notebook prints about them."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from shared.run import UserError


def values_indices(values: Sequence[str]) -> tuple[dict[str, int], dict[int, str]]:
    """value -> index and index -> value, numbered in sorted order (the same in every process)."""
    ordered = sorted(set(values))
    return {v: i for i, v in enumerate(ordered)}, {i: v for i, v in enumerate(ordered)}


def window_starts(corpus_len: int, m: int = 60, Tx: int = 30, seed: int = 0) -> list[int]:
    """The course's ``np.random.seed(0); np.random.choice(len(corpus) - Tx)`` x m, without touching numpy's
    global random state."""
    if corpus_len <= Tx:
        raise UserError(f"the corpus has {corpus_len} tokens; it needs more than Tx={Tx} "
                        f"(choose a longer solo window or a smaller --tx)")
    rng = np.random.RandomState(seed)
    return [int(rng.choice(corpus_len - Tx)) for _ in range(m)]


def one_hot_windows(corpus: Sequence[str], values_indices: dict[str, int], m: int = 60, Tx: int = 30,
                    seed: int = 0, dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    """The course's training windows: ``m`` windows of ``Tx`` tokens starting at :func:`window_starts`, one-hot.

    X[i, j] = one_hot(window_i[j]) for j >= 1 and X[:, 0] = 0; Y[j - 1, i] = X[i, j], so Y[Tx - 1] = 0.
    Returns X (m, Tx, n_values) and Y (Ty = Tx, m, n_values), float32 unless ``dtype`` says otherwise.
    """
    n_values = len(values_indices)
    X = np.zeros((m, Tx, n_values), dtype=dtype)  # (m, Tx, n_values)
    Y = np.zeros((m, Tx, n_values), dtype=dtype)  # (m, Ty, n_values), swapped below
    for i, start in enumerate(window_starts(len(corpus), m, Tx, seed)):
        window = corpus[start:start + Tx]
        for j in range(1, Tx):
            idx = values_indices[window[j]]
            X[i, j, idx] = 1
            Y[i, j - 1, idx] = 1
    return X, np.ascontiguousarray(np.swapaxes(Y, 0, 1))  # X (m, Tx, n_values), Y (Ty, m, n_values)


def array_summary(X: np.ndarray, Y: np.ndarray, n_values: int, n_chords: int) -> str:
    """The lines the notebook prints after ``load_music_utils`` (section 1.1), in its words."""
    return "\n".join([f"number of training examples: {X.shape[0]}", f"Tx (length of sequence): {X.shape[1]}",
                      f"total # of unique values: {n_values}", f"shape of X: {X.shape}", f"Shape of Y: {Y.shape}",
                      f"Number of chords {n_chords}"])

