"""Any names file, big or odd, as a compact sequence of names: :class:`NameStore` (what :mod:`.data` reads into).

The course reads ``dinos.txt`` into one lower-cased string and one Python string per name. That is all
:mod:`.data` needs for the course's file; this module holds what any other names file adds, none of which
changes anything on ``dinos.txt``:

- any UTF-8 text: spaces, hyphens, apostrophes, digits, accents, symbols; the text is normalised to Unicode NFC
  (a name saved decomposed, ``e`` + U+0301, is the one character ``é``), and lower-casing's dotted ``İ`` -> ``i̇``
  is read as ``i``; a byte-order mark is removed, Windows (``\r\n``) and old Mac (``\r``) line ends are read
  as ``\n``, each name is stripped of surrounding whitespace and blank lines are skipped;
- ``'\n'`` is index 0 even if a name holds a character that sorts before it (a tab);
- an optional restricted ``alphabet``: every offending line is counted in one pass, the first few are shown
  with their line numbers and characters, and ``drop_invalid`` drops them instead of stopping;
- the names are held as one array of character indices (``uint8``, or ``uint16`` for a vocabulary over 256)
  plus an offsets array, not one Python string per name; the store is still a sequence of names
  (``len``, ``store[i]``, iteration), which is what the course's ``model(data_x, ...)`` takes;
- duplicates are counted exactly (64-bit hashes, equal hashes compared as text), reported in
  :meth:`NameStore.reading_summary`.
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from typing import Iterator, Sequence

import numpy as np

from shared.run import UserError
from shared.paths import display_path

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
    nfc: bool = False  # the text was normalised to Unicode NFC
    dropped_shown: tuple = ()  # (line number, name, bad characters) of the first few dropped lines

    @property
    def duplicates(self) -> int:
        return self.names - self.unique

    def as_dict(self) -> dict:
        return {"lines": self.lines, "names": self.names, "unique": self.unique, "duplicates": self.duplicates,
                "blank_lines_skipped": self.blank, "invalid_lines_dropped": self.dropped, "bom": self.bom,
                "windows_line_ends": self.crlf, "normalised_to_nfc": self.nfc}


@dataclass(frozen=True, eq=False)
class NameStore:
    """The course's ``data`` string, the names in it (a compact sequence of names), and the course's dictionaries."""

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

    def __getitem__(self, i: int) -> str:
        return self.name(i)

    def __iter__(self) -> Iterator[str]:
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
        return tuple(iter(self))

    @property
    def max_length(self) -> int:
        return int(np.diff(self.starts).max()) if len(self) else 0

    def contains(self, candidates: Sequence[str]) -> set[str]:
        """Which of ``candidates`` are names of the file (one pass; nothing held but the candidates)."""
        if self.hashes is None:
            wanted = set(candidates)
            return {s for s in self if s in wanted} if wanted else set()
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
        """The characters as one readable string: ``\\n`` then the rest, separated by spaces, runs of letters/digits
        as ``a-z``, a space as ``␣`` (so ``'`` and ``-`` are themselves)."""
        shown = "\\n " + _ranges(self.chars[1:]) + (" (\u2423 = space)" if " " in self.chars else "")
        return shown if len(shown) <= limit else shown[:limit] + f"... ({self.vocab_size} in all)"

    def reading_summary(self) -> str:
        s = self.stats
        parts = [f"{s.names} names", f"{s.unique} unique", f"{s.duplicates} duplicate{'s' * (s.duplicates != 1)}",
                 f"{s.blank} blank line{'s' * (s.blank != 1)} skipped"]
        if self.alphabet is not None:
            parts.append(f"{s.dropped} line{'s' * (s.dropped != 1)} dropped (outside --alphabet {self.alphabet})")
        extras = [w for w, on in (("byte-order mark removed", s.bom), ("Windows line ends", s.crlf),
                                  ("normalised to Unicode NFC", s.nfc),
                                  ("case kept", self.keep_case)) if on]
        line = (f"Read {self.source}: {', '.join(parts)}; vocabulary {self.vocab_size} characters: "
                f"{self.vocabulary_text()}")
        return line + (f" ({', '.join(extras)})" if extras else "")

    def describe(self) -> dict:
        """For the run card."""
        return {"file": self.source, "course_file": self.course, **self.stats.as_dict(),
                "vocab_size": self.vocab_size, "chars": list(self.chars), "keep_case": self.keep_case,
                "alphabet": self.alphabet, "max_name_length": self.max_length, "total_chars": len(self.text)}


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
    """One character as printed in the vocabulary line: a space as ``␣``, an invisible one escaped (``\\t``)."""
    if ch == " ":
        return "\u2423"
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
                drop_invalid: bool = False, course: bool = False) -> NameStore:
    """Read ``text`` (a names file's contents) into :class:`NameStore`; one :class:`UserError` line on bad input."""
    bom = text.startswith(_BOM)
    if bom:
        text = text[1:]
    crlf = "\r" in text
    if crlf:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    nfc = not text.isascii() and not unicodedata.is_normalized("NFC", text)
    if nfc:
        text = unicodedata.normalize("NFC", text)  # 'e' + U+0301 -> 'é': one character, not two
    if not keep_case:
        lowered = text.lower()  # as the course reads it
        if "\u0130" in text:  # 'İ'.lower() is 'i' + U+0307 (a combining dot): read it as 'i'
            lowered = text.replace("\u0130", "I").lower()
        text = lowered
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
    data = NameStore(text=text, chars=chars, codes=codes, starts=starts, source=where, course=course,
                    keep_case=keep_case, alphabet=alphabet)
    name_hashes = np.concatenate(hashes)
    object.__setattr__(data, "hashes", name_hashes)
    unique = _count_unique(name_hashes, codes, starts, data.name)
    stats = ReadStats(lines=n_lines, names=n_names, unique=unique, blank=blank, dropped=dropped, bom=bom,
                      crlf=crlf, nfc=nfc, dropped_shown=tuple(invalid) if drop_invalid else ())
    object.__setattr__(data, "stats", stats)
    return data
