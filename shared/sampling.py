"""One sampling protocol for every model of the course: re-weight a distribution, draw, step, repeat.

Every model offers one step, ``step(x, state) -> (probabilities, state)``: feed the last drawn index ``x``
(``None`` before the first draw) and get the next distribution. :func:`generate` then writes ``n`` indices::

    p, state = step(x, state)                 # the model
    x = draw(reweight(p, temperature, top_k), rng)

:func:`reweight` is the one re-weighting, ``p ** (1 / T)`` (computed as ``exp(log p / T)``, in float64), keeping
the ``top_k`` most likely entries when asked, renormalised. The draw rule is the caller's (the course's
Shakespeare loop draws one ``multinomial`` sample, :func:`multinomial_draw`; other models draw a batch at
once, or greedily). ``ValueError`` is raised (library code); the command lines check the same ranges up front
(:func:`check_sampling`) and report them as one ``error:`` line. numpy is imported on first use, so the command
lines can import the checks before anything heavy.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable, Iterable

if TYPE_CHECKING:
    import numpy as np

MIN_TEMPERATURE = 1e-6   # below this, log p / T overflows float64 for unlikely entries (NaN samples)
MAX_TEMPERATURE = 1e6    # above this the distribution is uniform to float precision anyway

Step = Callable[[Any, Any], "tuple[np.ndarray, Any]"]  # step(x, state) -> (probabilities, state)
Draw = Callable[["np.ndarray", "np.random.Generator"], Any]  # draw(probabilities, rng) -> index (or indices)


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


def reweight(p: np.ndarray, temperature: float = 1.0, top_k: int | None = None) -> np.ndarray:
    """``p ** (1 / temperature)`` over the last axis, only the ``top_k`` largest kept (ties kept too), renormalised.

    ``p`` is one distribution (vocab,) or a batch (m, vocab); float64 out. Zero stays zero. ``ValueError`` for a
    temperature or top-k outside :func:`check_sampling`'s ranges, and for a ``p`` that is not a distribution
    (negative, NaN or infinite entries, or no positive entry): a model that does not end in a softmax.
    """
    import numpy as np

    p = np.asarray(p, dtype=np.float64)
    check_sampling(temperature, top_k, p.shape[-1])
    if not (np.isfinite(p).all() and (p >= 0).all() and (p.max(axis=-1) > 0).all()):
        raise ValueError("not a probability distribution: entries must be finite and >= 0, one of them > 0")
    with np.errstate(divide="ignore"):
        logits = np.log(p) / temperature
    if top_k is not None and top_k < p.shape[-1]:
        kth = np.partition(logits, -top_k, axis=-1)[..., -top_k, None]
        logits = np.where(logits >= kth, logits, -np.inf)
    q = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return q / q.sum(axis=-1, keepdims=True)


def multinomial_draw(p: np.ndarray, rng: np.random.Generator) -> int:
    """The course's Shakespeare draw: one ``multinomial(1, p)`` sample, its index."""
    import numpy as np

    return int(np.argmax(rng.multinomial(1, p)))


def generate(step: Step, state: Any, n: int, rng: np.random.Generator, x: Any = None, *,
             temperature: float = 1.0, top_k: int | None = None, draw: Draw = multinomial_draw,
             stop: Callable[[Any], bool] | None = None,
             progress: Callable[[Iterable[int]], Iterable[int]] | None = None) -> list:
    """Up to ``n`` draws, each ``draw(reweight(p, temperature, top_k), rng)`` after ``p, state = step(x, state)``.

    ``x`` is the input of the first step (``None``: the model's own start). Stops early once ``stop(x)`` is true
    (the drawn ``x`` is kept). ``progress`` wraps the loop's ``range`` (e.g. a progress bar). Returns the draws.
    """
    drawn: list = []
    for _ in (progress or iter)(range(n)):
        p, state = step(x, state)
        x = draw(reweight(p, temperature, top_k), rng)
        drawn.append(x)
        if stop is not None and stop(x):
            break
    return drawn
