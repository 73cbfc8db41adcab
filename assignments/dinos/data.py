"""The dinosaur names: reading ``dinos.txt``, the 27-character vocabulary, and a held-out split.

As in the course, the text is lower-cased and the vocabulary is ``'\\n'`` (index 0) then ``a``..``z``
(indices 1..26), so ``char_to_ix`` / ``ix_to_char`` are the course's. Differences from the notebook:

- the vocabulary is fixed to those 27 characters rather than ``sorted(set(data))`` (the same list on
  the course file); a file with any other character is rejected with one line naming it and its line;
- Windows line ends (``\\r\\n``) are read as ``\\n``; blank lines are skipped (the course file has none);
- :func:`split_names` adds a held-out split drawn with its own seed, independent of the training seed.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shared.errors import UserError
from shared.io import read_text

CHARS: tuple[str, ...] = ("\n",) + tuple(string.ascii_lowercase)  # sorted: '\n' < 'a'
VOCAB_SIZE = len(CHARS)  # 27
SPLIT_SEED = 20240601  # the held-out split's own seed: changing --seed never moves it


@dataclass(frozen=True)
class DinoData:
    """The course's ``data`` string and the names in it, with the course's dictionaries."""

    text: str  # open(path).read().lower(), as the course reads it
    names: tuple[str, ...]  # file order, stripped, non-empty

    @property
    def chars(self) -> list[str]:
        return list(CHARS)

    @property
    def char_to_ix(self) -> dict[str, int]:
        return {ch: i for i, ch in enumerate(CHARS)}

    @property
    def ix_to_char(self) -> dict[int, str]:
        return {i: ch for i, ch in enumerate(CHARS)}

    def summary(self) -> str:
        """The notebook's line: 'There are 19909 total characters and 27 unique characters in your data.'"""
        return (f"There are {len(self.text)} total characters and {len(set(self.text))} "
                f"unique characters in your data.")


def parse_names(text: str, source: str = "names file") -> DinoData:
    """Lower-case ``text`` and split it into names; :class:`UserError` on characters outside a-z."""
    data = text.replace("\r\n", "\n").lower()
    allowed = set(CHARS)
    for line_number, line in enumerate(data.split("\n"), start=1):
        bad = sorted({ch for ch in line.strip() if ch not in allowed})
        if bad:
            shown = ", ".join(repr(ch) for ch in bad[:5])
            raise UserError(f"{source}: line {line_number} ({line.strip()[:30]!r}) has characters outside a-z: "
                            f"{shown}; the model knows only the 26 letters and the end-of-name newline")
    names = tuple(s.strip() for s in data.split("\n") if s.strip())
    if not names:
        raise UserError(f"{source} has no names")
    return DinoData(text=data, names=names)


def load_names(path: str | Path) -> DinoData:
    """Read and check a names file (one name per line)."""
    return parse_names(read_text(path, "names file"), source=str(path))


def encode(name: str, char_to_ix: dict[str, int]) -> list[int]:
    """Indices of a name's characters (no end-of-name marker)."""
    return [char_to_ix[ch] for ch in name]


def split_names(names: tuple[str, ...] | list[str], held_out_fraction: float = 0.1,
                seed: int = SPLIT_SEED) -> tuple[list[str], list[str]]:
    """Split names into ``(train, held_out)`` with a private generator seeded by ``seed``.

    The split is a permutation of the *sorted unique* names, so it depends only on the set of names
    and ``seed``; training seeds never touch it. Both lists are returned sorted.
    """
    if not 0.0 < held_out_fraction < 1.0:
        raise UserError(f"held-out fraction must be between 0 and 1 (exclusive), got {held_out_fraction}")
    unique = sorted(set(names))
    n_held_out = max(1, round(len(unique) * held_out_fraction))
    if n_held_out >= len(unique):
        raise UserError(f"too few names ({len(unique)}) for a held-out fraction of {held_out_fraction}")
    order = np.random.default_rng(seed).permutation(len(unique))
    held_out = sorted(unique[i] for i in order[:n_held_out])
    train = sorted(unique[i] for i in order[n_held_out:])
    return train, held_out
