"""A names file (``dinos.txt`` or the user's own), read into a compact form, its vocabulary, a held-out split.

The vocabulary comes from the data, as the course builds it (``chars = sorted(list(set(data)))``, ``'\\n'``
first = index 0), so on the course's ``dinos.txt`` it is the course's 27 characters (``'\\n'``, ``a``..``z``)
and ``char_to_ix`` / ``ix_to_char`` are the course's. The text is lower-cased as the course does (``.lower()``)
unless ``keep_case``. Differences from the notebook, none of which changes anything on ``dinos.txt``:

- any UTF-8 text: spaces, hyphens, apostrophes, digits, accents, symbols; a byte-order mark is removed,
  Windows (``\\r\\n``) and old Mac (``\\r``) line ends are read as ``\\n``, each name is stripped of surrounding
  whitespace and blank lines are skipped (the course file has none of these);
- ``'\\n'`` is index 0 even if a name holds a character that sorts before it (a tab);
- an optional restricted ``alphabet``: every offending line is counted in one pass, the first few are shown
  with their line numbers and characters, and ``drop_invalid`` drops them instead of stopping;
- the names are held as one array of character indices (``uint8``, or ``uint16`` for a vocabulary over 256)
  plus an offsets array, not one Python string per name: a 50 MB file costs a few times 50 MB, and training
  takes one name at a time (:meth:`DinoData.course_shuffle`). :attr:`DinoData.names` builds the strings on
  demand (small files, the course API);
- duplicates are counted exactly (64-bit hashes, equal hashes compared as text), reported in
  :meth:`DinoData.reading_summary`;
- :func:`split_names` adds a held-out split drawn with its own seed, independent of the training seed.
"""
from __future__ import annotations

import functools
import os
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from shared.run import UserError
from shared.paths import DATA_DIR, display_path

COURSE_FILE = DATA_DIR / "dinos.txt"
CHARS: tuple[str, ...] = ("\n",) + tuple(string.ascii_lowercase)  # the course's vocabulary (dinos.txt's)
VOCAB_SIZE = len(CHARS)  # 27: the default size of the models
SPLIT_SEED = 20240601  # the held-out split's own seed: changing --seed never moves it
MAX_VOCAB = 65536  # uint16 indices
SHOWN_INVALID = 5  # offending lines shown in the one error line
_CHUNK = 1 << 20  # characters per pass over the text (names are split and hashed a chunk at a time)
_BOM = "\ufeff"


@dataclass(frozen=True)
class ReadStats:
    """What reading a names file found (for the summary line and the run card)."""

    lines: int = 0  # lines in the file
    names: int = 0  # names kept
    unique: int = 0
    blank: int = 0  # blank lines skipped
    dropped: int = 0  # lines dropped for characters outside the alphabet (--drop-invalid)
    bom: bool = False
    crlf: bool = False
    dropped_shown: tuple = ()  # (line number, name, bad characters) of the first few dropped lines

    @property
    def duplicates(self) -> int:
        return self.names - self.unique

    def as_dict(self) -> dict:
        return {"lines": self.lines, "names": self.names, "unique": self.unique, "duplicates": self.duplicates,
                "blank_lines_skipped": self.blank, "invalid_lines_dropped": self.dropped, "bom": self.bom,
                "windows_line_ends": self.crlf}


@dataclass(frozen=True, eq=False)
class DinoData:
    """The course's ``data`` string, the names in it (compact), and the course's dictionaries."""

    text: str  # the file's text as the course reads it: open(path).read().lower() (BOM removed, '\n' line ends)
    chars: list  # the vocabulary: '\n' then the other characters, sorted
    codes: np.ndarray  # every name's character indices, concatenated (no separators)
    starts: np.ndarray  # int64 (n + 1,): name i is codes[starts[i]:starts[i + 1]]
    stats: ReadStats = field(default_factory=ReadStats)
    hashes: np.ndarray | None = None  # int64: hash() of each name (this process's), for contains()
    source: str = "names file"
    course: bool = False  # the course's own dinos.txt (the course's words: "real dinosaur", "Dinosaur names")
    keep_case: bool = False
    alphabet: str | None = None

    # -- the course's dictionaries ---------------------------------------------------------------------
    @functools.cached_property
    def char_to_ix(self) -> dict[str, int]:
        return {ch: i for i, ch in enumerate(self.chars)}

    @functools.cached_property
    def ix_to_char(self) -> dict[int, str]:
        return {i: ch for i, ch in enumerate(self.chars)}

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    # -- names, one at a time --------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.starts) - 1

    @functools.cached_property
    def _decode_table(self) -> dict[int, str]:
        return {i: ch for i, ch in enumerate(self.chars)}

    def encoded(self, i: int) -> np.ndarray:
        """Name ``i``'s character indices (a view)."""
        return self.codes[self.starts[i]:self.starts[i + 1]]

    def name(self, i: int) -> str:
        """Name ``i`` as text."""
        piece = self.codes[self.starts[i]:self.starts[i + 1]]
        if self.codes.dtype == np.uint8:
            return piece.tobytes().decode("latin-1").translate(self._decode_table)
        return "".join(self.chars[c] for c in piece.tolist())

    def iter_names(self) -> Iterator[str]:
        return (self.name(i) for i in range(len(self)))

    def iter_encoded(self, batch: int = 4096) -> Iterator[list[list[int]]]:
        """Index lists of the names, ``batch`` names at a time (for scoring without holding them all)."""
        for lo in range(0, len(self), batch):
            hi = min(lo + batch, len(self))
            flat = self.codes[self.starts[lo]:self.starts[hi]].tolist()
            bounds = (self.starts[lo:hi + 1] - self.starts[lo]).tolist()
            yield [flat[a:b] for a, b in zip(bounds[:-1], bounds[1:])]

    @functools.cached_property
    def names(self) -> tuple[str, ...]:
        """Every name as a string, in file order (built on first use: one Python string per name)."""
        return tuple(self.iter_names())

    @property
    def max_length(self) -> int:
        return int(np.diff(self.starts).max()) if len(self) else 0

    def course_shuffle(self, seed: int) -> "ShuffledNames":
        """The names in the order ``np.random.seed(seed); np.random.shuffle(names)`` puts them (the same draws)."""
        order = np.arange(len(self))
        np.random.seed(seed)
        np.random.shuffle(order)  # the legacy shuffle draws the same numbers for a list and an array
        return ShuffledNames(self, order)

    def contains(self, candidates: Sequence[str]) -> set[str]:
        """Which of ``candidates`` are names of the file (one pass; nothing held but the candidates)."""
        if self.hashes is None:
            wanted = set(candidates)
            return {s for s in self.iter_names() if s in wanted} if wanted else set()
        found = set()
        for s in set(candidates):
            if any(self.name(int(i)) == s for i in np.flatnonzero(self.hashes == hash(s))):
                found.add(s)
        return found

    # -- what it says ----------------------------------------------------------------------------------
    def summary(self) -> str:
        """The notebook's line: 'There are 19909 total characters and 27 unique characters in your data.'"""
        return f"There are {len(self.text)} total characters and {self.vocab_size} unique characters in your data."

    def vocabulary_text(self, limit: int = 120) -> str:
        """The characters as one readable string: ``\\n`` then the rest, runs of letters/digits as ``a-z``."""
        shown = "\\n " + _ranges(self.chars[1:])
        return shown if len(shown) <= limit else shown[:limit] + f"... ({self.vocab_size} in all)"

    def reading_summary(self) -> str:
        s = self.stats
        parts = [f"{s.names} names", f"{s.unique} unique", f"{s.duplicates} duplicate{'s' * (s.duplicates != 1)}",
                 f"{s.blank} blank line{'s' * (s.blank != 1)} skipped"]
        if self.alphabet is not None:
            parts.append(f"{s.dropped} line{'s' * (s.dropped != 1)} dropped (outside --alphabet {self.alphabet})")
        extras = [w for w, on in (("byte-order mark removed", s.bom), ("Windows line ends", s.crlf),
                                  ("case kept", self.keep_case)) if on]
        line = (f"Read {self.source}: {', '.join(parts)}; vocabulary {self.vocab_size} characters: "
                f"{self.vocabulary_text()}")
        return line + (f" ({', '.join(extras)})" if extras else "")

    def describe(self) -> dict:
        """For the run card."""
        return {"file": self.source, "course_file": self.course, **self.stats.as_dict(),
                "vocab_size": self.vocab_size, "chars": list(self.chars), "keep_case": self.keep_case,
                "alphabet": self.alphabet, "max_name_length": self.max_length, "total_chars": len(self.text)}


DECODED_NAMES_MAX = 1 << 16  # a file of at most this many names ...
DECODED_CHARS_MAX = 1 << 24  # ... and characters is decoded once for training (dinos.txt: 1536 and 18374)


class ShuffledNames:
    """A read-only sequence of names in a given order (what ``course.model`` indexes).

    A file of up to :data:`DECODED_NAMES_MAX` names and :data:`DECODED_CHARS_MAX` characters is decoded once
    (:attr:`DinoData.names`): the course's run takes each of its 1536 names about 14 times. A bigger file is
    decoded one name at a time.
    """

    def __init__(self, data: DinoData, order: np.ndarray):
        self.data, self.order = data, order
        small = len(data) <= DECODED_NAMES_MAX and len(data.codes) <= DECODED_CHARS_MAX
        self._names = data.names if small else None
        self._order = order.tolist() if self._names is not None else None

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, i: int) -> str:
        if self._names is not None:
            return self._names[self._order[i]]
        return self.data.name(int(self.order[i]))


def _ranges(chars: Sequence[str]) -> str:
    """``['a', 'b', 'c', 'x']`` -> ``'a-c x'``: runs of 3+ consecutive code points shortened."""
    out, i = [], 0
    while i < len(chars):
        j = i
        while j + 1 < len(chars) and ord(chars[j + 1]) == ord(chars[j]) + 1 and chars[j].isalnum():
            j += 1
        shown = [_show(c) for c in chars[i:j + 1]]
        out.append(f"{shown[0]}-{shown[-1]}" if j - i >= 2 else " ".join(shown))
        i = j + 1
    return " ".join(out)


def _show(ch: str) -> str:
    if ch == " ":
        return "' '"
    return ch if ch.isprintable() else repr(ch)[1:-1]


def parse_alphabet(spec: str, keep_case: bool = False) -> frozenset[str]:
    """``--alphabet``: characters, with ``x-y`` for a range (``a-z``, ``a-z0-9 '-``); a ``-`` first or last is itself."""
    if not spec:
        raise UserError("--alphabet is empty; give characters such as a-z or \"a-z '-\"")
    allowed: set[str] = set()
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            lo, hi = spec[i], spec[i + 2]
            if ord(lo) > ord(hi):
                raise UserError(f"--alphabet: range {lo}-{hi} runs backwards")
            allowed.update(chr(c) for c in range(ord(lo), ord(hi) + 1))
            i += 3
        else:
            allowed.add(spec[i])
            i += 1
    if not keep_case:
        allowed = {c.lower() for c in allowed}
    return frozenset(allowed | {"\n"})


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """``(first line number, piece)``: ``text`` in pieces of about ``_CHUNK`` characters that end at a line end."""
    pos, line, n = 0, 1, len(text)
    while pos < n:
        end = text.find("\n", min(pos + _CHUNK, n - 1))
        end = n if end < 0 else end + 1
        piece = text[pos:end]
        yield line, piece
        line += piece.count("\n")
        pos = end


def _encode(piece: str, table: dict[int, int], wide: bool) -> np.ndarray:
    mapped = piece.translate(table)
    if not wide:
        return np.frombuffer(mapped.encode("latin-1"), dtype=np.uint8)
    return np.frombuffer(mapped.encode("utf-32-le"), dtype=np.uint32).astype(np.uint16)


def _same_pairs(codes: np.ndarray, starts: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether names ``a[k]`` and ``b[k]`` are equal, for every k (vectorised, about 1M characters at a time)."""
    lengths = starts[a + 1] - starts[a]
    same = lengths == starts[b + 1] - starts[b]
    candidates = np.flatnonzero(same)
    budget = 1 << 20
    lo = 0
    while lo < candidates.size:
        cum = np.cumsum(lengths[candidates[lo:lo + budget]])  # names are never empty: <= budget names do
        hi = lo + max(1, int(np.searchsorted(cum, budget)))
        chunk = candidates[lo:hi]
        n = lengths[chunk]
        first = np.cumsum(n) - n
        within = np.arange(int(n.sum())) - np.repeat(first, n)
        equal = codes[np.repeat(starts[a[chunk]], n) + within] == codes[np.repeat(starts[b[chunk]], n) + within]
        same[chunk] = np.logical_and.reduceat(equal, first)  # names are never empty: n >= 1
        lo = hi
    return same


def _count_unique(hashes: np.ndarray, codes: np.ndarray, starts: np.ndarray, name) -> int:
    """Distinct names, exactly: names with equal 64-bit hashes are compared character by character.

    Names are sorted by hash; an adjacent pair with the same hash and the same characters is a duplicate. A
    hash group holding different names (a collision, about one in 10^6 for 6M names) is counted as text.
    """
    if hashes.size < 2:
        return int(hashes.size)
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    equal_hash = ordered[1:] == ordered[:-1]
    del ordered
    pairs = np.flatnonzero(equal_hash)
    same = np.empty(pairs.size, dtype=bool)
    step = 1 << 20  # pairs at a time: the index arrays stay small
    for lo in range(0, pairs.size, step):
        chunk = pairs[lo:lo + step]
        same[lo:lo + step] = _same_pairs(codes, starts, order[chunk], order[chunk + 1])
    unique = int(hashes.size - np.count_nonzero(same))
    done_to = -1
    for k in pairs[~same].tolist():  # a collision: count that whole hash group exactly (once)
        if k <= done_to:
            continue
        lo = hi = k
        while lo > 0 and equal_hash[lo - 1]:
            lo -= 1
        while hi + 1 < equal_hash.size and equal_hash[hi + 1]:
            hi += 1
        done_to = hi
        group = order[lo:hi + 2]
        counted = (hi - lo + 2) - int(np.count_nonzero(same[np.searchsorted(pairs, lo):np.searchsorted(pairs, hi + 1)]))
        unique += len({name(int(i)) for i in group}) - counted
    return unique


def parse_names(text: str, source: str = "names file", *, keep_case: bool = False, alphabet: str | None = None,
                drop_invalid: bool = False, course: bool = False) -> DinoData:
    """Read ``text`` (a names file's contents) into :class:`DinoData`; one :class:`UserError` line on bad input."""
    bom = text.startswith(_BOM)
    if bom:
        text = text[1:]
    crlf = "\r" in text
    if crlf:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not keep_case:
        text = text.lower()  # as the course reads it
    allowed = parse_alphabet(alphabet, keep_case) if alphabet is not None else None

    kept: list[str] = []  # the kept names, '\n'-joined, a piece at a time
    hashes: list[np.ndarray] = []
    vocab: set[str] = set()
    n_lines = n_names = blank = 0
    invalid: list[tuple[int, str, str]] = []
    n_invalid = 0
    for first_line, piece in _chunks(text):
        lines = piece.split("\n")
        if piece.endswith("\n"):
            lines.pop()  # the piece's last line end, not an empty line
        n_lines += len(lines)
        names = [s.strip() for s in lines]
        if allowed is not None and not set(piece) <= allowed:  # only then line by line
            good = []
            for k, name in enumerate(names):
                bad = set(name) - allowed
                if bad:
                    n_invalid += 1
                    if len(invalid) < SHOWN_INVALID:
                        invalid.append((first_line + k, name, "".join(sorted(bad))))
                    if drop_invalid:
                        name = ""
                good.append(name)
            names = good
        non_empty = [s for s in names if s]
        blank += len(names) - len(non_empty)
        if not non_empty:
            continue
        n_names += len(non_empty)
        joined = "\n".join(non_empty)
        vocab.update(joined)
        kept.append(joined)
        hashes.append(np.fromiter(map(hash, non_empty), dtype=np.int64, count=len(non_empty)))
    where = display_path(source) if source != "names file" else source
    if n_invalid and not drop_invalid:
        shown = ", ".join(f"line {ln} ({name[:30]!r}: {', '.join(repr(c) for c in bad[:6])})"
                          for ln, name, bad in invalid)
        more = f" and {n_invalid - len(invalid)} more" if n_invalid > len(invalid) else ""
        raise UserError(f"{where}: {n_invalid} line{'s' * (n_invalid != 1)} with characters outside --alphabet "
                        f"{alphabet}: {shown}{more}; add them to --alphabet, or --drop-invalid to skip those lines")
    dropped = n_invalid if drop_invalid else 0
    if n_names == 0:
        why = f"all {dropped} non-blank lines were dropped by --alphabet {alphabet}" if dropped else \
            f"{blank} blank line{'s' * (blank != 1)} only" if blank else "nothing but a byte-order mark"
        raise UserError(f"{where} has no names ({why})")
    chars = ["\n"] + sorted(vocab - {"\n"})
    if len(chars) > MAX_VOCAB:
        raise UserError(f"{where} has {len(chars)} distinct characters; at most {MAX_VOCAB} are supported")
    table = {ord(ch): i for i, ch in enumerate(chars)}
    wide = len(chars) > 256
    codes_parts, length_parts = [], []
    for joined in kept:
        arr = _encode(joined, table, wide)
        separators = np.flatnonzero(arr == 0)
        bounds = np.concatenate(([-1], separators, [arr.size]))
        length_parts.append((np.diff(bounds) - 1).astype(np.int32))
        codes_parts.append(arr[arr != 0] if separators.size else arr)
    codes = np.concatenate(codes_parts)
    starts = np.zeros(n_names + 1, dtype=np.int64)
    np.cumsum(np.concatenate(length_parts), out=starts[1:])
    data = DinoData(text=text, chars=chars, codes=codes, starts=starts, source=where, course=course,
                    keep_case=keep_case, alphabet=alphabet)
    name_hashes = np.concatenate(hashes)
    object.__setattr__(data, "hashes", name_hashes)
    unique = _count_unique(name_hashes, codes, starts, data.name)
    stats = ReadStats(lines=n_lines, names=n_names, unique=unique, blank=blank, dropped=dropped, bom=bom,
                      crlf=crlf, dropped_shown=tuple(invalid) if drop_invalid else ())
    object.__setattr__(data, "stats", stats)
    return data


def read_names_text(path: str | os.PathLike) -> str:
    """A names file's text; one :class:`UserError` line if it is missing, a folder, empty or not UTF-8."""
    path = Path(path)
    shown = display_path(path)
    if not path.is_file():
        if path.is_dir():
            raise UserError(f"names file is a folder, not a file: {shown}")
        hint = " (run 'make data' to fetch the course data)" if path.resolve() == COURSE_FILE.resolve() else ""
        raise UserError(f"names file not found: {shown}{hint}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read names file {shown}: {exc.strerror or exc}") from None
    if not raw:
        raise UserError(f"names file is empty: {shown}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise UserError(f"names file {shown} is not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start} "
                        f"(line {line}); save it as UTF-8") from None


def is_course_file(path: str | os.PathLike) -> bool:
    try:
        return Path(path).resolve() == COURSE_FILE.resolve()
    except OSError:
        return False


def load_names(path: str | os.PathLike, *, keep_case: bool = False, alphabet: str | None = None,
               drop_invalid: bool = False) -> DinoData:
    """Read and check a names file (one name per line)."""
    return parse_names(read_names_text(path), source=str(path), keep_case=keep_case, alphabet=alphabet,
                       drop_invalid=drop_invalid, course=is_course_file(path))


def encode(name: str, char_to_ix: dict[str, int]) -> list[int]:
    """Indices of a name's characters (no end-of-name marker)."""
    return [char_to_ix[ch] for ch in name]


def split_names(names: tuple[str, ...] | list[str], held_out_fraction: float = 0.1,
                seed: int = SPLIT_SEED) -> tuple[list[str], list[str]]:
    """Split names into ``(train, held_out)`` with a private generator seeded by ``seed``.

    The split is a permutation of the *sorted unique* names (duplicates merged), so it depends only on the set
    of names and ``seed``; training seeds never touch it. Both lists are returned sorted.
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
