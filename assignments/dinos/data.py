"""The course's data (notebook section 1.1, "Dataset and Preprocessing"): the names, their characters, the
two dictionaries; and the project's held-out split.

The notebook reads the file whole, lower-cases it and takes its sorted characters as the vocabulary::

    data = open('dinos.txt', 'r').read()
    data = data.lower()
    chars = sorted(list(set(data)))          # '\\n', 'a', ..., 'z': 27 characters
    char_to_ix = { ch:i for i,ch in enumerate(chars) }
    ix_to_char = { i:ch for i,ch in enumerate(chars) }

:func:`load_names` gives the same (``.text``, ``.chars``, ``.char_to_ix``, ``.ix_to_char``) for ``dinos.txt``
and for any other names file, as a :class:`.names.NameStore`: a sequence of names, which is what the course's
``model(data.split("\\n"), ...)`` takes. Any UTF-8 text, big files and ``--alphabet`` are that module's.
"""
from __future__ import annotations

import os
import string
from pathlib import Path

import numpy as np

from shared.paths import DATA_DIR
from shared.run import UserError
from shared.run.io import read_text

from .names import NameStore, parse_names

COURSE_FILE = DATA_DIR / "dinos.txt"
CHARS: tuple[str, ...] = ("\n",) + tuple(string.ascii_lowercase)  # the course's vocabulary (dinos.txt's)
VOCAB_SIZE = len(CHARS)  # 27: the default size of the models
SPLIT_SEED = 20240601  # the held-out split's own seed: changing --seed never moves it


def is_course_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` is the course's ``data/dinos.txt`` (the same file, not the same bytes)."""
    try:
        return Path(path).resolve() == COURSE_FILE.resolve()
    except OSError:
        return False


def load_names(path: str | os.PathLike, *, keep_case: bool = False, alphabet: str | None = None,
               drop_invalid: bool = False) -> NameStore:
    """Read and check a names file (one name per line): missing, a folder, empty or not UTF-8 is one line."""
    return parse_names(read_text(path, "names file"), source=str(path), keep_case=keep_case, alphabet=alphabet,
                       drop_invalid=drop_invalid, course=is_course_file(path))


def encode(name: str, char_to_ix: dict[str, int]) -> list[int]:
    """Indices of a name's characters (no end-of-name marker)."""
    return [char_to_ix[ch] for ch in name]


def split_names(names, held_out_fraction: float = 0.1, seed: int = SPLIT_SEED) -> tuple[list[str], list[str]]:
    """Split names into ``(train, held_out)`` with a private generator seeded by ``seed``.

    The split is a permutation of the *sorted unique* names (duplicates merged), so it depends only on the set
    of names and ``seed``; training seeds never touch it. Both lists are returned sorted. A ``held_out_fraction``
    of 1 or more is a count of names (``1000``: makemore's test set size on its 32,033 names).
    """
    unique = sorted(set(names))
    n_held_out = int(held_out_fraction) if held_out_fraction >= 1 else max(1, round(len(unique) * held_out_fraction))
    if not 0 < n_held_out < len(unique):
        raise UserError(f"too few names ({len(unique)}) for a held-out split of {held_out_fraction:g}")
    order = np.random.default_rng(seed).permutation(len(unique))
    held_out = sorted(unique[i] for i in order[:n_held_out])
    train = sorted(unique[i] for i in order[n_held_out:])
    return train, held_out
