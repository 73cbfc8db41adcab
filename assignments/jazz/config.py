"""The one configuration of a jazz run, built from the command line; its defaults are the course's.

:meth:`JazzConfig.from_args` checks every option that can be checked before any work starts (sampling range,
solo window, files that must exist) and raises one :class:`~shared.run.UserError` line for the first bad one.

The one default that departs from the 2021 notebook is sampling: the course decodes greedily
(``argmax``) from a zero start, so all five chunks of its solo share one predicted sequence.
Here each chunk samples its own sequence at ``temperature`` 1.0, seeded; ``greedy=True`` (CLI
``--greedy``) is the course's decoding. On a file other than the course's, two more defaults differ (the course
file keeps the course's): the tempo is the file's own (``--bpm``), and generated notes are folded by octaves into
the training melody's range (``--fold`` / ``--no-fold``).
"""
from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from shared.run import UserError
from shared.paths import OUTPUT_DIR
from shared.sampling import check_sampling

from .midi_config import METHENY, MidiConfig
from .options import DEFAULT_MIDI, resolve_midi


@dataclass(frozen=True)
class JazzConfig:
    # data (course: load_music_utils('data/original_metheny.mid'), data_processing(corpus, ..., 60, 30))
    era: str = "2021"                # 2021 = music21 6.7 corpus (90 values), 2018 = music21 5.5 (78)
    m: int = 60                      # training windows
    Tx: int = 30                     # window length
    # model (course: n_a = 64)
    n_a: int = 64
    # training (course: Adam(lr=0.01, beta_1=0.9, beta_2=0.999, decay=0.01), fit(..., epochs=100), batch 32)
    epochs: int = 100
    batch_size: int = 32
    learning_rate: float = 0.01
    beta_1: float = 0.9
    beta_2: float = 0.999
    decay: float = 0.01              # legacy per-update decay, as InverseTimeDecay(lr, 1, decay)
    fused: bool = True               # train through one RNN layer (same weights); False = the course's unrolled model
    # generation (course: Ty = 50, 5 chunks over chord groups 1..5, 130 bpm)
    Ty: int = 50
    greedy: bool = False             # True = the course's argmax decoding
    temperature: float = 1.0
    top_k: int | None = None
    bpm: float = 130.0               # a file other than the course's: its own tempo (--bpm overrides)
    fold: bool = False               # True: generated notes folded by octaves into the training melody's range
    seed: int = 0
    # files (course: data/original_metheny.mid in, output/my_music.midi out)
    midi: Path = DEFAULT_MIDI
    midi_config: MidiConfig = field(default=METHENY)
    course_file: bool = True         # midi is the course's own file (sha256 as data/SHA256SUMS lists)
    choices: tuple[str, ...] = ()    # how parts / window were chosen automatically (another file, options left open)
    tidy_rests: bool = False         # the corpus's opt-in cleaner variant (not the course's)
    load: Path | None = None         # a saved model to generate from instead of training
    out: Path = OUTPUT_DIR / "jazz"
    soundfont: Path | None = None    # None: the first General MIDI soundfont found
    wav: bool = True                 # render WAVs with FluidSynth when it is installed
    quiet: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> "JazzConfig":
        """The config of a parsed command line; one :class:`UserError` line for the first option that cannot work."""
        try:
            check_sampling(args.temperature)
        except ValueError as exc:
            raise UserError(f"argument --temperature: {exc}") from None
        try:
            check_sampling(1.0, args.top_k)
        except ValueError as exc:
            raise UserError(f"argument --top-k: {exc}") from None
        for option, path in (("--soundfont", args.soundfont), ("--load", args.load)):
            if path is not None and not path.is_file():
                what = "soundfont" if option == "--soundfont" else "model file"
                raise UserError(f"{what} not found: {path} ({option})")
        choice = resolve_midi(args)
        if choice.course:
            bpm = 130.0                                           # the course's tempo
        else:
            bpm = choice.tempo_bpm or 120.0                       # the file's own tempo (MIDI's default: 120)
        return cls(era=args.era, m=args.m, Tx=args.tx, epochs=args.epochs, fused=not args.unrolled, Ty=args.ty,
                   greedy=args.greedy, temperature=args.temperature, top_k=args.top_k,
                   bpm=args.bpm if args.bpm is not None else bpm,
                   fold=(not choice.course) if args.fold is None else args.fold, seed=args.seed, midi=args.midi,
                   midi_config=choice.config, course_file=choice.course, choices=choice.reasons,
                   tidy_rests=args.tidy_rests, load=args.load, out=args.out, soundfont=args.soundfont,
                   wav=not args.no_wav, quiet=args.quiet)

    def to_dict(self) -> dict:
        """The settings as JSON-ready values (paths as strings, the MIDI config as a dict)."""
        values = asdict(self)
        values["midi_config"] = self.midi_config.as_dict()
        for item in fields(self):
            if isinstance(values[item.name], Path):
                values[item.name] = str(values[item.name])
        return values
