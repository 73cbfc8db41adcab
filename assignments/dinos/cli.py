"""What the two command lines of assignment 2 share: the sampling options.

``python -m assignments.dinos`` and ``python -m assignments.dinos.shakespeare`` both take a ``--temperature``
(and the dinosaur run a ``--top-k``), checked up front, as one ``error:`` line, against the same ranges the
samplers enforce (:func:`shared.sampling.check_sampling`). Both print with :func:`shared.run.console.say`. Not in
the course: the notebooks had no command line.
"""
from __future__ import annotations

import argparse

from shared.run.cli import positive_float
from shared.run import UserError
from shared.sampling import check_sampling


def temperature(text: str) -> float:
    """``argparse`` type of ``--temperature``: a number > 0 inside :func:`check_sampling`'s range."""
    value = positive_float(text)  # "'0' must be > 0"
    try:
        check_sampling(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def check_top_k(top_k: int, vocab_size: int) -> None:
    """``--top-k`` (0 = off) against the vocabulary, as one :class:`UserError` line."""
    if top_k:
        try:
            check_sampling(1.0, top_k, vocab_size)
        except ValueError as exc:
            raise UserError(f"--top-k: {exc} (0 turns top-k off)") from None
