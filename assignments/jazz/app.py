"""The body of ``python -m assignments.jazz`` (see :mod:`assignments.jazz.__main__`): its options and ``main``.

Kept apart from ``__main__`` so that the command module imports nothing heavy: ``shared.run.cli.run_module``
imports this module (numpy, the pipeline) inside the run, where a Ctrl-C or SIGTERM is one ``error:`` line.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Sequence

from shared.run.cli import ArgumentParser, bounded_float, bounded_int, finite_float, output_dir, seed_int
from shared.run.console import Console
from shared.paths import OUTPUT_DIR

from . import pipeline
from .config import JazzConfig
from .metrics import format_report
from .options import add_midi_options, list_parts
from .render import Renders


def build_parser() -> argparse.ArgumentParser:
    defaults = JazzConfig()
    parser = ArgumentParser(
        prog="python -m assignments.jazz",
        description="Train the course's jazz LSTM on a MIDI solo and improvise a new solo "
                    "(MIDI, WAV, piano roll, metrics, run card).")
    add_midi_options(parser)
    training = parser.add_argument_group("training")
    training.add_argument("--epochs", type=bounded_int(1, 100_000), default=defaults.epochs,
                          help="training epochs (course: %(default)s)")
    training.add_argument("--tx", type=bounded_int(2, 1_000), default=defaults.Tx,
                          help="length of each training window in values (course Tx: %(default)s); the corpus "
                               "needs more tokens than this")
    training.add_argument("--m", type=bounded_int(1, 100_000), default=defaults.m,
                          help="number of training windows (course m: %(default)s)")
    training.add_argument("--unrolled", action="store_true",
                          help="train the course's unrolled 30-output djmodel with model.fit (slower, "
                               "same loss); default: the fused model sharing its weights")
    training.add_argument("--load", type=Path, metavar="MODEL",
                          help="skip training: load a .keras model or .weights.h5 file saved by a run")
    generation = parser.add_argument_group("generation")
    generation.add_argument("--ty", type=bounded_int(1, 10_000), default=defaults.Ty,
                            help="values predicted per chunk (course: %(default)s)")
    generation.add_argument("--greedy", action="store_true",
                            help="the course's decoding: argmax, the same sequence for every chunk")
    generation.add_argument("--temperature", type=finite_float, default=defaults.temperature,
                            help="sampling temperature > 0; lower is closer to greedy (default: %(default)s)")
    generation.add_argument("--top-k", type=bounded_int(1, 10_000), default=None,
                            help="sample only among the K most likely values (default: all)")
    generation.add_argument("--fold", action=argparse.BooleanOptionalAction, default=None,
                            help="fold generated notes by octaves into the training melody's pitch range "
                                 "(default: on for your own files, off on the course file, as the course)")
    generation.add_argument("--bpm", type=bounded_float(10, 1000), default=None,
                            help="tempo of the solo (default: 130 on the course file, as the course; "
                                 "otherwise the file's own tempo)")
    output = parser.add_argument_group("output")
    output.add_argument("--seed", type=seed_int, default=defaults.seed,
                        help="seed for weights, batch order, sampling and note choices (default: %(default)s)")
    output.add_argument("--out", type=output_dir, default=OUTPUT_DIR / "jazz",
                        help="output folder (default: output/jazz)")
    output.add_argument("--soundfont", type=Path, default=None,
                        help="General MIDI .sf2 for the WAVs (default: the first of /usr/share/sounds/sf2/*.sf2, "
                             "/usr/share/soundfonts/default.sf2)")
    output.add_argument("--no-wav", action="store_true", help="do not render WAVs")
    output.add_argument("--quiet", action="store_true", help="print only the result summary")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    args = build_parser().parse_args(argv)
    if args.list_parts:
        print(list_parts(args))
        return 0
    config = JazzConfig.from_args(args)
    console = Console(config.quiet)
    console.say(pipeline.settings_text(config))
    with pipeline.drawing() as pictures:  # a child importing matplotlib from now on
        corpus = pipeline.corpus_of(config, console)
        data = pipeline.training_data(corpus, config, console)
        with pipeline.open_outputs(config, corpus) as outputs, Renders(config.wav, config.soundfont) as wavs:
            pipeline.reference_audio(corpus, config, outputs, wavs)
            layers = pipeline.train_or_load(config, corpus, data, outputs, console, pictures)
            solo = pipeline.improvise(config, layers, data, corpus, outputs)
            pipeline.write_solo(solo, outputs, wavs, console)
            print(format_report(pipeline.report(solo, corpus, config, outputs, console, pictures)))
            pictures.wait()
            pipeline.finish_audio(wavs, console)
            outputs.results["seconds"] = round(time.perf_counter() - started, 2)
    print(pipeline.files_text(outputs))
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0
