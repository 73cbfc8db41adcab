"""MIDI -> grammar corpus: the course's ``preprocess.py`` (the training arrays are in :mod:`.windows`).

What it does, as the course did: take the melody part (voice 2 merged into voice 1, quarterLength 0 -> 0.25),
keep the elements starting inside the solo window, group them by ``int(offset / 4)`` into measures, take the
chords of the harmony part (the Piano) in the same window and measures, and turn each measure into a grammar
string (:func:`grammar.parse_melody`). The tokens of all measures are the corpus; :func:`.windows.one_hot_windows`
cuts 60 random 30-token windows (the course's ``np.random.seed(0)`` draws) into one-hot X / Y. The course's own
function names (``load_music_utils``, ``get_musical_data``, ``get_corpus_data``, ``data_processing``) are in
:mod:`~assignments.jazz.course`, built on these.

It runs on music21 10 and gives the course's corpus token for token (:mod:`..midi.io` rebuilds the MIDI import
of music21 6.7, ``era="2021"``, or 5.5, ``era="2018"``), values sorted, the parse cached on disk by the file's
sha256 (``.cache/jazz/`` or ``$JAZZ_CACHE_DIR``). How it differs from the course's code: the jazz README.
"""
from __future__ import annotations

import hashlib
import json
import os
from bisect import bisect_left, bisect_right
from dataclasses import asdict, dataclass
from itertools import groupby
from pathlib import Path

from shared.run import UserError
from shared.run.io import sha256_file, write_text_atomic
from shared.paths import REPO_ROOT

from .grammar import parse_melody
from .harmony import sounding_chords
from ..midi.config import METHENY, MidiConfig, check_era
from ..midi.io import Element, ImportedPart, import_part, read_midi
from ..midi.notes import Chord, Note, pitch_name

DEFAULT_CACHE_DIR = REPO_ROOT / ".cache" / "jazz"
CACHE_ENV = "JAZZ_CACHE_DIR"  # overrides DEFAULT_CACHE_DIR (the benchmark's cold runs use an empty folder)
PIPELINE_VERSION = 2  # bump when the corpus a given file/era/config produces changes
PROGRESS_NOTES = 5_000  # a solo window with at least this many elements shows a progress bar (unless quiet)
MAX_WINDOW_NOTES = 100_000
"""The most melody elements (notes and rests) a solo window may hold: the grammar of 100,000 elements takes
about a minute to build (the course's window holds 275), and training only ever reads ``m`` windows of ``Tx``."""


@dataclass(frozen=True)
class Corpus:
    era: str
    corpus: list[str]  # all tokens in corpus order (275 for 2021, 193 for 2018 on Metheny)
    values: list[str]  # sorted(set(corpus))
    grammars: list[str]  # one grammar string per measure (18 on Metheny)
    chord_groups: list[list[Chord]]  # groups 0..N as the course builds them; group 0 has no chords
    melody: list[Note]  # what parse_melody sees, in order (notes and, for 2021, rests)
    melody_window: list[Note]  # the solo's sounding notes in the window (chords split), no rests
    source_sha256: str
    config: MidiConfig

    @property
    def n_values(self) -> int:
        return len(self.values)

    def summary(self) -> str:
        """The statistics the data preparation prints once."""
        letters = {}
        for value in self.values:
            letters[value[0]] = letters.get(value[0], 0) + 1
        n_chords = sum(len(g) for g in self.chord_groups)
        return "\n".join([
            f"era {self.era}: {len(self.corpus)} tokens, {len(self.values)} unique values "
            f"({', '.join(f'{k} {v}' for k, v in sorted(letters.items()))})",
            f"{len(self.grammars)} measures, {len(self.chord_groups)} chord groups ({n_chords} chords), "
            f"{sum(n.pitch is not None for n in self.melody)} notes + "
            f"{sum(n.pitch is None for n in self.melody)} rests in the solo window",
        ])


# --------------------------------------------------------------------------------------------------- building


def _merged_melody(part: ImportedPart) -> list[Element]:
    """Voice 2 (and any further voice) merged into voice 1, in music21's order; Notes and Rests only.

    At equal offsets voice 1 comes first (the course inserted voice 2's elements into voice 1 after its own).
    """
    return [e for e in part.flat() if not e.is_chord]


def _in_window(offset, window: tuple[float, float]) -> bool:
    return window[0] <= offset <= window[1]


def _chord(element: Element) -> Chord:
    return Chord(float(element.offset), tuple(pitch_name(p) for p in element.pitches),
                 float(element.quarter_length), tuple(element.velocities))


def check_parts(data, config: MidiConfig) -> list:
    """The chord parts' tracks, after checking that every named part exists (the error lists the parts found)
    and that none is the drum channel or both melody and accompaniment."""
    melody = data.find_part(config.melody_part)
    chords = [data.find_part(name) for name in config.chord_parts]
    for role, track in [("melody", melody)] + [("chord", t) for t in chords]:
        if track.is_drum:
            raise UserError(f"part #{track.number} {track.label!r} is the drum channel (MIDI channel 10); it cannot "
                            f"be the {role} part (see --list-parts)")
    if config.chords_from == "all" and melody in chords:
        raise UserError(f"part #{melody.number} {melody.label!r} is both the melody and a chord part; "
                        f"choose other --chord-parts (see --list-parts)")
    return list(dict.fromkeys(chords))


def progress(items: list, what: str, show: bool, quiet: bool):
    """``items``, with a progress bar on stderr when ``show`` and not ``quiet`` (a long piece)."""
    if not show or quiet:
        return items
    from shared.run.console import progress as bar

    return bar(len(items), quiet, desc=what, iterable=items)


def build_corpus(path: str | os.PathLike, era: str = "2021", config: MidiConfig = METHENY,
                 source_sha256: str | None = None, quiet: bool = True) -> Corpus:
    """Parse the MIDI file and build the corpus (no caching; see :func:`load_corpus`); a progress bar for a long
    solo window unless ``quiet``."""
    era = check_era(era)
    data = read_midi(path)
    chord_tracks = check_parts(data, config)
    melody_part = import_part(data, config.melody_part, era, config)
    length = config.measure_length

    # Melody: the course's 0 -> 0.25 fix, then the window, then measures keyed by int(offset / 4).
    melody_all = _merged_melody(melody_part)
    window = [e for e in melody_all if _in_window(e.offset, config.window)]
    if not window:
        sounding = [e for e in melody_all if not e.is_rest]
        span = (f"its notes span quarter notes {float(sounding[0].offset):g}-{float(max(e.end for e in sounding)):g}"
                if sounding else "it has no notes")
        raise UserError(f"no melody notes in the solo window {config.window[0]:g}-{config.window[1]:g} "
                        f"of part {config.melody_part!r} ({span})")
    if len(window) > MAX_WINDOW_NOTES:
        raise UserError(f"the solo window {config.window[0]:g}-{config.window[1]:g} holds {len(window):,} melody "
                        f"notes and rests; at most {MAX_WINDOW_NOTES:,} (choose a shorter --window)")
    keys = [int(e.offset / length) for e in window]
    measure_keys = [k for k, _ in groupby(keys)]
    index_of = {k: i for i, k in enumerate(measure_keys)}
    melody = []
    for element, key in zip(window, keys):
        quarter_length = element.quarter_length or config.min_quarter_length
        melody.append(Note(float(element.offset), float(quarter_length),
                           None if element.is_rest else pitch_name(element.pitches[0]), index_of[key], element.voice))

    def measure_index(offset) -> int:  # a chord-only measure has no grammar; count it with the one before
        return max(bisect_right(measure_keys, int(offset / length)) - 1, 0)

    melody_window = [
        Note(float(e.offset), float(e.quarter_length), pitch_name(p), measure_index(e.offset), e.voice)
        for e in melody_part.flat() if not e.is_rest and _in_window(e.offset, config.window) for p in e.pitches
    ]

    # Chords: the harmony part's chords (course), or what sounds together across all chord parts, in the
    # window, grouped by the same measure numbers.
    if config.chords_from == "all":
        all_chords = sounding_chords(data, chord_tracks, era, config)
        source = f"parts {', '.join(repr(t.label) for t in chord_tracks)}"
    else:
        all_chords = [e for e in import_part(data, config.harmony_part, era, config).flat() if e.is_chord]
        source = f"part {config.harmony_part!r}"
    by_key: dict[int, list[Chord]] = {}
    for element in all_chords:
        if _in_window(element.offset, config.window):
            by_key.setdefault(int(element.offset / length), []).append(_chord(element))
    if not all_chords:
        hint = "" if config.chords_from == "all" else " (--chords-from all reads the notes sounding together " \
                                                       "across all chord parts)"
        raise UserError(f"{source} has no chords (notes that start and end together), "
                        f"so the melody cannot be classified{hint}")
    chord_groups: list[list[Chord]] = [[]] + [by_key.get(k, []) for k in measure_keys]
    if not any(chord_groups):
        raise UserError(f"{source} has no chords in the solo window {config.window[0]:g}-{config.window[1]:g} "
                        f"(its chords span {float(all_chords[0].offset):g}-{float(all_chords[-1].end):g} "
                        f"quarter notes)")

    by_measure: dict[int, list[Note]] = {}
    for n in melody:  # (one pass: a filter per measure was quadratic on a long piece)
        by_measure.setdefault(n.grammar_index, []).append(n)
    chord_offsets = [c.offset for c in all_chords]  # in time order
    grammars = []
    for i, key in enumerate(progress(measure_keys, "grammar", len(window) >= PROGRESS_NOTES, quiet)):
        chords = chord_groups[i + 1]
        if not chords:  # not in the course (it crashes): use the last chord before the measure, else the first one
            before = bisect_left(chord_offsets, key * length)
            chords = [_chord(all_chords[before - 1] if before else all_chords[0])]
        grammars.append(parse_melody(by_measure.get(i, []), chords, length))
    corpus = [token for grammar in grammars for token in grammar.split()]
    values = sorted(set(corpus))
    return Corpus(era, corpus, values, grammars, chord_groups, melody, melody_window,
                  source_sha256 or sha256_file(path), config)


# --------------------------------------------------------------------------------------------------- variant


def tidy_rests(corpus: Corpus, min_rest: float = 1 / 6) -> Corpus:
    """An opt-in, cleaner variant of a course corpus (never the default): rests only where nothing sounds.

    The 2021 corpus's rests are the gaps of music21's first voice only, so some lie under a note of voice 2;
    the last one (``R,71.000``) runs 71 beats past the solo; and rests shorter than ``min_rest`` beats come from
    mixing the 1/4 and 1/3 grids (articulation, not phrasing). This keeps the parts of each rest during which no
    melody note sounds, clips them at the end of the last measure, folds pieces shorter than ``min_rest`` into
    the note that ends where they start (or drops them), and rebuilds the grammar. The result's ``era`` is
    ``"<era>+tidy"``. A corpus without rests (era 2018) comes back with the same tokens.
    """
    length = corpus.config.measure_length
    notes = [n for n in corpus.melody if n.pitch is not None]
    spans = sorted((n.offset, n.offset + n.quarter_length) for n in notes)
    last_end = (int(corpus.melody[-1].offset / length) + 1) * length
    eps = 1e-9
    extended: dict[int, float] = {}  # index in notes -> extra length
    rests: list[Note] = []
    for rest in (n for n in corpus.melody if n.pitch is None):
        pieces, start, stop = [], rest.offset, min(rest.offset + rest.quarter_length, last_end)
        for a, b in spans:  # subtract every sounding note from [start, stop)
            if b <= start + eps or a >= stop - eps:
                continue
            if a > start + eps:
                pieces.append((start, a))
            start = max(start, b)
            if start >= stop - eps:
                break
        if start < stop - eps:
            pieces.append((start, stop))
        for a, b in pieces:
            if b - a >= min_rest - eps:
                rests.append(Note(a, b - a, None, rest.grammar_index, rest.voice))
                continue
            before = [k for k, n in enumerate(notes) if abs(n.offset + n.quarter_length - a) < eps]
            if before:
                extended[before[-1]] = extended.get(before[-1], 0.0) + (b - a)
    notes = [Note(n.offset, n.quarter_length + extended.get(k, 0.0), n.pitch, n.grammar_index, n.voice)
             for k, n in enumerate(notes)]
    melody = sorted(notes + rests, key=lambda n: n.offset)  # stable: notes keep their course order
    grammars = _grammars(melody, corpus.chord_groups, len(corpus.grammars))
    tokens = [token for grammar in grammars for token in grammar.split()]
    return Corpus(f"{corpus.era}+tidy", tokens, sorted(set(tokens)), grammars, corpus.chord_groups, melody,
                  corpus.melody_window, corpus.source_sha256, corpus.config)


def _grammars(melody: list[Note], chord_groups: list[list[Chord]], n_measures: int) -> list[str]:
    """parse_melody per measure; a measure without chords uses the last chord of an earlier group."""
    all_chords = [c for group in chord_groups for c in group]
    by_measure: dict[int, list[Note]] = {}
    for n in melody:
        by_measure.setdefault(n.grammar_index, []).append(n)
    grammars, last = [], all_chords[:1]
    for i in range(n_measures):
        earlier = [c for c in chord_groups[i]][-1:] if i < len(chord_groups) else []
        last = earlier or last  # the last chord of an earlier group
        chords = chord_groups[i + 1] or last
        grammars.append(parse_melody(by_measure.get(i, []), chords))
    return grammars


# --------------------------------------------------------------------------------------------------- caching


def default_cache_dir() -> Path:
    """``$JAZZ_CACHE_DIR`` when set, else ``.cache/jazz`` in the repository."""
    return Path(os.environ.get(CACHE_ENV) or DEFAULT_CACHE_DIR)


def _cache_file(cache_dir: Path, sha256: str, era: str, config: MidiConfig) -> Path:
    settings = json.dumps({"config": config.as_dict(), "era": era, "version": PIPELINE_VERSION}, sort_keys=True)
    digest = hashlib.sha256(settings.encode()).hexdigest()[:16]
    return cache_dir / f"{sha256[:32]}-{era}-{digest}.json"


def _to_json(corpus: Corpus) -> str:
    payload = asdict(corpus)
    payload["config"] = corpus.config.as_dict()
    payload["version"] = PIPELINE_VERSION
    return json.dumps(payload)


def _from_json(text: str, config: MidiConfig) -> Corpus:
    raw = json.loads(text)
    if not isinstance(raw, dict):
        raise ValueError("cache entry is not an object")
    if raw.get("version") != PIPELINE_VERSION or raw.get("config") != json.loads(json.dumps(config.as_dict())):
        raise ValueError("stale cache entry")
    chord_groups = [[Chord(c["offset"], tuple(c["pitches"]), c["quarter_length"],
                           None if c["velocities"] is None else tuple(c["velocities"])) for c in group]
                    for group in raw["chord_groups"]]
    return Corpus(raw["era"], list(raw["corpus"]), list(raw["values"]), list(raw["grammars"]), chord_groups,
                  [Note(**n) for n in raw["melody"]], [Note(**n) for n in raw["melody_window"]],
                  raw["source_sha256"], config)


def load_corpus(path: str | os.PathLike, era: str = "2021", config: MidiConfig = METHENY,
                cache_dir: str | os.PathLike | None = None, cache: bool = True, quiet: bool = True) -> Corpus:
    """The corpus of a MIDI file, from the disk cache when this file/era/config was parsed before.

    Raises :class:`UserError` (one line) for a missing/empty/non-MIDI/truncated file, a named part that is not
    in the file (the message lists the parts found), an empty solo window, or an unknown era. The cache lives in
    ``cache_dir`` (default ``$JAZZ_CACHE_DIR``, else ``.cache/jazz`` in the repository), keyed by the file's
    sha256, the era and the config; a damaged cache entry is ignored and rewritten. music21 itself never reads
    or writes any cache.
    """
    try:
        era = check_era(era)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    path = Path(path)
    if not path.is_file():
        raise UserError(f"MIDI file not found: {path}")
    if path.stat().st_size == 0:
        raise UserError(f"MIDI file is empty: {path}")
    sha256 = sha256_file(path)
    cache_path = _cache_file(Path(cache_dir) if cache_dir is not None else default_cache_dir(), sha256, era, config)
    if cache and cache_path.is_file():
        try:
            return _from_json(cache_path.read_text(encoding="utf-8"), config)
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
            pass  # damaged, stale or of another shape: parse again and overwrite
    corpus = build_corpus(path, era, config, source_sha256=sha256, quiet=quiet)
    if cache:
        try:
            write_text_atomic(cache_path, _to_json(corpus))
        except OSError:
            pass  # a read-only checkout still works, just without the cache
    return corpus
