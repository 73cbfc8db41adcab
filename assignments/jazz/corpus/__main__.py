"""``python -m assignments.jazz.corpus``: build the grammar corpus of a MIDI file and print it.

    python -m assignments.jazz.corpus [--era 2021|2018] [--midi data/original_metheny.mid] [--tidy-rests]

prints the corpus statistics (tokens, values, chord groups, the first grammar) and the parse time.
"""
from __future__ import annotations

import time
from typing import Sequence

from shared.run import start
from shared.run.cli import ArgumentParser


def build_parser() -> ArgumentParser:
    from ..midi.options import add_midi_options

    parser = ArgumentParser(prog="python -m assignments.jazz.corpus",
                            description="Build the jazz grammar corpus from a MIDI file and print it.")
    add_midi_options(parser)
    parser.add_argument("--no-cache", action="store_true", help="parse again even if cached")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from ..midi.options import list_parts, resolve_midi  # heavy imports inside the run (a Ctrl-C is one line)
    from .build import load_corpus, tidy_rests
    from .windows import array_summary, one_hot_windows, values_indices

    args = build_parser().parse_args(argv)
    if args.list_parts:
        print(list_parts(args))
        return 0
    choice = resolve_midi(args)
    for line in choice.reasons:
        print(f"chosen: {line}")
    began = time.perf_counter()
    corpus = load_corpus(args.midi, args.era, choice.config, cache=not args.no_cache)
    seconds = time.perf_counter() - began
    if args.tidy_rests:
        corpus = tidy_rests(corpus)
    val_indices, _ = values_indices(corpus.values)
    X, Y = one_hot_windows(corpus.corpus, val_indices, 60, 30)
    print(corpus.summary())
    print(array_summary(X, Y, len(val_indices), len(corpus.chord_groups)))
    print(f"first grammar: {corpus.grammars[0]}")
    print(f"loaded in {seconds:.3f} s")
    return 0


if __name__ == "__main__":
    start("assignments.jazz.corpus.build.__main__")
