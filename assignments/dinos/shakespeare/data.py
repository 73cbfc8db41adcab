"""Shakespeare's sonnets as training data: the course's ``build_data`` and ``vectorization``.

Same as the course's ``shakespeare_utils.py`` (Tx=40, stride 3 -> 31,412 windows, boolean one-hot x (m, Tx, n_x)
and y (m, n_x)), except that nothing runs at import time, a bad file is one line, and the vocabulary is an explicit
sorted :class:`Vocabulary` whose :meth:`~Vocabulary.encode` names unknown characters instead of raising ``KeyError``.
"""
from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass

import numpy as np

from shared.run import UserError
from shared.run.io import read_text


@dataclass(frozen=True)
class Vocabulary:
    """The sorted character set of a corpus; index ``i`` is ``chars[i]``."""

    chars: tuple[str, ...]

    @classmethod
    def from_text(cls, text: str) -> "Vocabulary":
        return cls(tuple(sorted(set(text))))

    @property
    def size(self) -> int:
        return len(self.chars)

    @property
    def char_indices(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.chars)}

    def unknown(self, text: str) -> list[str]:
        """Characters of ``text`` outside the vocabulary, sorted, each once."""
        known = set(self.chars)
        return sorted({c for c in text if c not in known})

    def encode(self, text: str, what: str = "text") -> list[int]:
        """Indices of ``text``'s characters; :class:`UserError` naming any unknown ones."""
        missing = self.unknown(text)
        if missing:
            shown = " ".join(repr(c) for c in missing)
            allowed = "".join(c for c in self.chars if c.isprintable())
            raise UserError(f"{what} has characters outside the model's {self.size}-character vocabulary: {shown} "
                            f"(allowed: newline and {allowed!r})")
        index = self.char_indices
        return [index[c] for c in text]

    def decode(self, indices) -> str:
        return "".join(self.chars[int(i)] for i in indices)


def load_corpus(path: str | os.PathLike, Tx: int = 40) -> str:
    """The lower-cased text of ``path``, as the course reads it, in Unicode NFC (a decomposed file would count each
    accent as a character); :class:`UserError` if it is unreadable or too short for one window of ``Tx``."""
    text = unicodedata.normalize("NFC", read_text(path, "Shakespeare text").lower())
    if len(text) <= Tx:
        raise UserError(f"Shakespeare text is too short: {len(text)} characters, need more than Tx={Tx}")
    return text


def build_data(text: str, Tx: int = 40, stride: int = 3) -> tuple[list[str], list[str]]:
    """Windows ``text[i:i+Tx]`` and their next characters ``text[i+Tx]`` for i in range(0, len-Tx, stride)."""
    X = [text[i: i + Tx] for i in range(0, len(text) - Tx, stride)]
    Y = [text[i + Tx] for i in range(0, len(text) - Tx, stride)]
    return X, Y


def vectorization(X: list[str], Y: list[str], n_x: int, char_indices: dict[str, int],
                  Tx: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Boolean one-hot ``x`` (m, Tx, n_x) and ``y`` (m, n_x), as the course builds them."""
    m = len(X)
    x = np.zeros((m, Tx, n_x), dtype=bool)  # (m, Tx, n_x)
    y = np.zeros((m, n_x), dtype=bool)  # (m, n_x)
    rows = np.arange(m)
    if m:
        codes = np.array([[char_indices[c] for c in window] for window in X], dtype=np.int64)  # (m, Tx)
        x[rows[:, None], np.arange(Tx)[None, :], codes] = True
        y[rows, [char_indices[c] for c in Y]] = True
    return x, y


@dataclass
class Corpus:
    """Everything the course computes at import time: text, vocabulary, windows and one-hot arrays."""

    text: str
    vocab: Vocabulary
    x: np.ndarray  # (m, Tx, n_x) bool
    y: np.ndarray  # (m, n_x) bool

    @property
    def m(self) -> int:
        return self.x.shape[0]


def prepare(path: str | os.PathLike, Tx: int = 40, stride: int = 3, max_examples: int | None = None) -> Corpus:
    """Read, window and one-hot the corpus (optionally only its first ``max_examples`` windows)."""
    text = load_corpus(path, Tx)
    vocab = Vocabulary.from_text(text)
    X, Y = build_data(text, Tx, stride)
    if max_examples is not None:
        X, Y = X[:max_examples], Y[:max_examples]
    x, y = vectorization(X, Y, vocab.size, vocab.char_indices, Tx)
    return Corpus(text, vocab, x, y)
