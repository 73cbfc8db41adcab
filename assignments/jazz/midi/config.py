"""The settings of a jazz run: :class:`MidiConfig` (what ties the corpus to one MIDI file) and :class:`JazzConfig`
(the whole run; its fields' metadata is the command line's help, read by ``shared.run.cli.config_parser``).

The course (deepjazz's ``preprocess.py``) buried these in its code: the melody was ``score[5]``, the
accompaniment ``[0, 1, 6, 7]``, the solo window ``getElementsByOffset(476, 548)``, and the chord/quantize
tolerances lived inside music21's MIDI import. Here parts are found by their track (or General MIDI instrument)
name, not by position, so another MIDI file only needs another :class:`MidiConfig`::

    MidiConfig(melody_part="Flute", chord_parts=("Piano",), window=(0.0, 64.0))

The defaults (:data:`METHENY`) rebuild the course corpus from ``data/original_metheny.mid``.

``era`` picks which music21 release's MIDI import is reproduced (see :mod:`.io`):

- ``"2021"``: music21 6.7, the current course notebook: 275 tokens, 90 values (rests included). Default.
- ``"2018"``: music21 5.5, the 2018-2020 notebooks: 193 tokens, 78 values (no rests).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from shared.paths import DATA_DIR, OUTPUT_DIR
from shared.run.cli import bounded_float, bounded_int, finite_float, output_dir, seed_int


CHORDS_FROM = ("first", "all")


@dataclass(frozen=True)
class MidiConfig:
    """Which parts and which stretch of a MIDI file become the corpus, and how its notes are read."""

    melody_part: str = "Guitar"
    """Track / instrument name of the solo (course: part 5, the Guitar track)."""
    chord_parts: tuple[str, ...] = ("Piano", "Bass", "Trumpet", "French Horn")
    """The accompaniment (course: parts 0, 1, 6, 7). The chord groups come from the FIRST of them; the course
    reads chords from the Piano alone (the others carry no chords it keeps)."""
    window: tuple[float, float] = (476.0, 548.0)
    """Solo window in quarter notes; elements starting in [start, end] (both ends included) are kept."""
    measure_length: float = 4.0
    """Quarter notes per measure: elements are grouped by ``int(offset / measure_length)``."""
    quantize_divisors: tuple[int, ...] = (4, 3)
    """Offsets and durations are snapped to the nearest multiple of 1/4 or 1/3 of a quarter (music21's default)."""
    chord_tolerance: float = 1 / 16
    """Notes whose starts AND ends lie within this many quarter notes of each other form one chord
    (music21: ticksPerQuarter / 16, i.e. 6 ticks at the file's 96 ticks per quarter)."""
    min_quarter_length: float = 0.25
    """The course replaces every melody quarterLength of 0 by this value."""
    chords_from: str = "first"
    """``"first"`` (the course): the chords are the music21 Chords of the first of ``chord_parts``.
    ``"all"``: the pitches sounding together across all ``chord_parts`` at each onset (:mod:`harmony`), so
    chorales and single-note left hands work; the default for files other than the course's."""

    def __post_init__(self) -> None:
        start, end = self.window
        if not (0 <= start <= end):
            raise ValueError(f"window must satisfy 0 <= start <= end, got {self.window}")
        if not self.chord_parts:
            raise ValueError("chord_parts must name at least one part")
        if self.chords_from not in CHORDS_FROM:
            raise ValueError(f"chords_from must be one of {', '.join(CHORDS_FROM)}, got {self.chords_from!r}")
        if self.measure_length <= 0 or not self.quantize_divisors or min(self.quantize_divisors) <= 0:
            raise ValueError("measure_length and quantize_divisors must be positive")

    @property
    def harmony_part(self) -> str:
        """The part whose chords give the chord groups (the course's solo part 0, the Piano)."""
        return self.chord_parts[0]

    def as_dict(self) -> dict:
        return asdict(self)


METHENY = MidiConfig()
"""Pat Metheny, "And Then I Knew" (``data/original_metheny.mid``), exactly as the course reads it."""

ERAS = ("2021", "2018")
"""``2021`` = music21 6.7 behaviour (default, the current notebook); ``2018`` = music21 5.5 behaviour."""

ERA_ALIASES = {"2021": "2021", "6.7": "2021", "2018": "2018", "5.5": "2018"}


def check_era(era: str) -> str:
    """Normalise an era name (``2021``/``6.7`` or ``2018``/``5.5``); ValueError for anything else."""
    try:
        return ERA_ALIASES[str(era)]
    except KeyError:
        raise ValueError(f"unknown era {era!r}; choose one of {', '.join(ERAS)}") from None


DEFAULT_MIDI = DATA_DIR / "original_metheny.mid"
LAYOUTS = ("solo", "course")


def _option(text: str, **how) -> dict:
    """A field's command-line option: its help text and how it is read (``shared.run.cli.config_parser``)."""
    return {"help": text, **how}


@dataclass(frozen=True)
class JazzConfig:
    """One jazz run. The defaults are the course's, except sampling (temperature 1.0, where the course decodes
    greedily, so its five chunks share one predicted sequence) and the layout: ``solo`` (one melody line over every
    chord group of the window, chords held under it) where the course layers its chunks 4 beats apart
    (``layout="course"``). On a file other than the course's the tempo is the file's own and generated notes are
    folded into the training melody's range."""

    # data (course: load_music_utils('data/original_metheny.mid'), data_processing(corpus, ..., 60, 30))
    era: str = "2021"                # 2021 = music21 6.7 corpus (90 values), 2018 = music21 5.5 (78)
    m: int = field(default=60, metadata=_option("number of training windows (course m)", type=bounded_int(1, 100_000)))
    Tx: int = field(default=30, metadata=_option(
        "length of each training window in values (course Tx); the corpus needs more tokens than this",
        flag="--tx", type=bounded_int(2, 1_000)))
    n_a: int = 64                    # course: n_a = 64
    # training (course: Adam(lr=0.01, beta_1=0.9, beta_2=0.999, decay=0.01), fit(..., epochs=100), batch 32)
    epochs: int = field(default=100, metadata=_option("training epochs (the course: 100)", type=bounded_int(1, 100_000)))
    batch_size: int = 32
    learning_rate: float = 0.01
    beta_1: float = 0.9
    beta_2: float = 0.999
    decay: float = 0.01              # legacy per-update decay, as InverseTimeDecay(lr, 1, decay)
    unrolled: bool = field(default=False, metadata=_option(
        "train the course's unrolled 30-output djmodel with model.fit (slower, same loss); default: the fused "
        "model sharing its weights"))
    load: Path | None = field(default=None, metadata=_option(
        "skip training: load a .keras model or .weights.h5 file saved by a run", metavar="MODEL"))
    # generation (course: Ty = 50, 5 chunks over chord groups 1..5, 130 bpm)
    layout: str = field(default="solo", metadata=_option(
        "solo: one melody line over every chord group of the window, chords held under it; course: the "
        "notebook's generate_music, 5 chunks of Ty values layered 4 beats apart over chord groups 1..5",
        choices=LAYOUTS))
    groups: int | None = field(default=None, metadata=_option(
        "chord groups (4 beats each) the solo plays over; None: all of the window's, at most 100 (more "
        "repeats the progression)", type=bounded_int(1, 1_000), metavar="N", only={"layout": ("solo",)}))
    Ty: int = field(default=50, metadata=_option(
        "values predicted per chunk (course: 50; the solo layout lays chunks end to end until the progression "
        "is filled)", flag="--ty", type=bounded_int(1, 10_000)))
    greedy: bool = field(default=False, metadata=_option(
        "the course's decoding: argmax, the same sequence for every chunk"))
    temperature: float = field(default=1.0, metadata=_option(
        "sampling temperature > 0; lower is closer to greedy", type=finite_float))
    top_k: int | None = field(default=None, metadata=_option(
        "sample only among the K most likely values; None: all", type=bounded_int(1, 10_000), metavar="K"))
    bpm: float | None = field(default=None, metadata=_option(
        "tempo of the solo; None: 130 on the course file (the course's), otherwise the file's own tempo",
        type=bounded_float(10, 1000)))
    fold: bool | None = None         # generated notes folded by octaves into the training melody's range (--fold)
    seed: int = field(default=0, metadata=_option(
        "seed for weights, batch order, sampling and note choices", type=seed_int))
    # files (course: data/original_metheny.mid in, output/my_music.midi out)
    midi: Path = DEFAULT_MIDI
    midi_config: MidiConfig = field(default=METHENY)
    course_file: bool = True         # midi is the course's own file (sha256 as data/SHA256SUMS lists)
    choices: tuple[str, ...] = ()    # how parts / window were chosen automatically (another file, options left open)
    tidy_rests: bool = False         # the corpus's opt-in cleaner variant (not the course's)
    out: Path = field(default=OUTPUT_DIR / "jazz", metadata=_option("output folder", type=output_dir))
    soundfont: Path | None = field(default=None, metadata=_option(
        "General MIDI .sf2 for the WAVs; None: the first of /usr/share/sounds/sf2/*.sf2, "
        "/usr/share/soundfonts/default.sf2"))
    no_wav: bool = field(default=False, metadata=_option("do not render WAVs"))
    quiet: bool = field(default=False, metadata=_option("print only the result summary"))

    @property
    def fused(self) -> bool:
        return not self.unrolled

    def to_dict(self) -> dict:
        """The settings as JSON-ready values (paths as strings, the MIDI config as a dict)."""
        values = asdict(self)
        values["midi_config"] = self.midi_config.as_dict()
        for item in fields(self):
            if isinstance(values[item.name], Path):
                values[item.name] = str(values[item.name])
        return values
