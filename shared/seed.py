"""One seed for every random source: Python's ``random``, numpy's global state and TensorFlow/Keras."""
from __future__ import annotations

import os
import random

import numpy as np


def set_seed(seed: int, tensorflow: bool = True) -> None:
    """Seed Python, numpy's legacy global generator and (if ``tensorflow``) Keras/TensorFlow.

    TensorFlow is imported only when asked, so numpy-only code stays fast to start.
    """
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    if tensorflow:
        import keras

        keras.utils.set_random_seed(seed)  # seeds python, numpy and tf together
