"""The checks every sampler shares: a temperature and a top-k that make sense.

The dinosaur, Shakespeare and jazz samplers all re-weight a distribution as ``p ** (1 / T)`` and may keep only
its ``top_k`` most likely entries; they validate both here, once, with the same words. ``ValueError`` is raised
(library code); the command lines check the same ranges up front and report them as one ``error:`` line.
"""
from __future__ import annotations

import math

MIN_TEMPERATURE = 1e-6   # below this, log p / T overflows float64 for unlikely entries (NaN samples)
MAX_TEMPERATURE = 1e6    # above this the distribution is uniform to float precision anyway


def check_sampling(temperature: float, top_k: int | None = None, vocab_size: int | None = None) -> None:
    """Raise ``ValueError`` unless ``MIN_TEMPERATURE <= temperature <= MAX_TEMPERATURE`` (finite) and
    ``1 <= top_k <= vocab_size`` (when given)."""
    if not (isinstance(temperature, (int, float)) and math.isfinite(temperature)
            and MIN_TEMPERATURE <= temperature <= MAX_TEMPERATURE):
        raise ValueError(f"temperature must be a finite number between {MIN_TEMPERATURE:g} and "
                         f"{MAX_TEMPERATURE:g}, got {temperature}")
    if top_k is not None:
        if top_k < 1:
            raise ValueError(f"top-k must be >= 1, got {top_k}")
        if vocab_size is not None and top_k > vocab_size:
            raise ValueError(f"top-k must be at most the vocabulary size ({vocab_size}), got {top_k}")
