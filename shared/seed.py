"""One seed for every random source: Python's ``random``, numpy's global state and TensorFlow/Keras.

String hashing is not seeded (``PYTHONHASHSEED`` counts only at interpreter start): nothing here depends on hash
order, vocabularies are sorted.
"""
from __future__ import annotations

import random

import numpy as np

SEED_MAX = 2 ** 32 - 1  # the largest seed numpy's legacy generator (and Keras' set_random_seed) accepts


def set_seed(seed: int, tensorflow: bool = True) -> None:
    """Seed Python, numpy's legacy global generator and (if ``tensorflow``, imported only then) Keras/TensorFlow.

    ``seed`` must be in 0 .. 2**32 - 1 (``shared.run.cli.seed_int`` checks a ``--seed`` option up front).
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or not 0 <= seed <= SEED_MAX:
        raise ValueError(f"seed must be an integer in 0 .. {SEED_MAX}, got {seed!r}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    if tensorflow:
        import keras

        keras.utils.set_random_seed(seed)  # seeds python, numpy and tf together
