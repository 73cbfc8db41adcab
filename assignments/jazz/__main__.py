"""Train the jazz LSTM on a MIDI solo and improvise a new one: MIDI, WAV, piano roll, metrics, run card.

    python -m assignments.jazz                                  # the course run: Metheny, 100 epochs
    python -m assignments.jazz --greedy                         # the course's argmax decoding
    python -m assignments.jazz --load output/jazz/model.keras --temperature 0.8 --top-k 5
    python -m assignments.jazz --midi tune.mid --melody-part Flute --chord-parts Piano Bass --window 0 32

What the 2021 notebook does, end to end: build the corpus (``load_music_utils``), train ``djmodel``
for 100 epochs (here through the fused model with the same weights and loss), decode 50 values per
chunk and turn them into notes over chord groups 1..5 (``generate_music``), write
``my_music.midi`` at 130 bpm. Beyond it: a seed for every random choice, sampling with temperature /
top-k (``--greedy`` restores the course's argmax), saved models, a WAV, a piano roll, a metrics
report and a run card, all under ``--out`` (default ``output/jazz``).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Sequence

from shared.cli import ArgumentParser, non_negative_int, positive_float, positive_int, run
from shared.errors import UserError
from shared.io import ensure_output_dir
from shared.paths import DATA_DIR, OUTPUT_DIR, reference_dir

from .config import JazzConfig
from .midi_config import ERAS, METHENY, MidiConfig

COURSE_OUTPUT = "course_my_music.midi"


def build_parser() -> argparse.ArgumentParser:
    defaults = JazzConfig()
    parser = ArgumentParser(
        prog="python -m assignments.jazz",
        description="Train the course's jazz LSTM on a MIDI solo and improvise a new solo "
                    "(MIDI, WAV, piano roll, metrics, run card).")
    data = parser.add_argument_group("data")
    data.add_argument("--midi", type=Path, default=DATA_DIR / "original_metheny.mid",
                      help="MIDI file to learn from (default: data/original_metheny.mid)")
    data.add_argument("--era", default=defaults.era, choices=ERAS,
                      help="which music21 import to reproduce: 2021 = music21 6.7, 90 values on Metheny "
                           "(the 2021 notebook); 2018 = music21 5.5, 78 values (default: %(default)s)")
    data.add_argument("--melody-part", default=METHENY.melody_part,
                      help="track/instrument name of the solo (default: %(default)s)")
    data.add_argument("--chord-parts", nargs="+", default=list(METHENY.chord_parts), metavar="PART",
                      help="accompaniment track names; chords come from the first "
                           "(default: %(default)s)")
    data.add_argument("--window", nargs=2, type=float, default=list(METHENY.window), metavar=("START", "END"),
                      help="solo window in quarter notes, both ends included (default: %(default)s)")
    data.add_argument("--tidy-rests", action="store_true",
                      help="opt-in cleaner corpus (not the course's): rests only where nothing sounds, "
                           "clipped at the solo's end, tiny rests folded")
    training = parser.add_argument_group("training")
    training.add_argument("--epochs", type=positive_int, default=defaults.epochs,
                          help="training epochs (course: %(default)s)")
    training.add_argument("--unrolled", action="store_true",
                          help="train the course's unrolled 30-output djmodel with model.fit (slower, "
                               "same loss); default: the fused model sharing its weights")
    training.add_argument("--load", type=Path, metavar="MODEL",
                          help="skip training: load a .keras model or .weights.h5 file saved by a run")
    generation = parser.add_argument_group("generation")
    generation.add_argument("--ty", type=positive_int, default=defaults.Ty,
                            help="values predicted per chunk (course: %(default)s)")
    generation.add_argument("--greedy", action="store_true",
                            help="the course's decoding: argmax, the same sequence for every chunk")
    generation.add_argument("--temperature", type=positive_float, default=defaults.temperature,
                            help="sampling temperature > 0; lower is closer to greedy (default: %(default)s)")
    generation.add_argument("--top-k", type=positive_int, default=None,
                            help="sample only among the K most likely values (default: all)")
    output = parser.add_argument_group("output")
    output.add_argument("--seed", type=non_negative_int, default=defaults.seed,
                        help="seed for weights, batch order, sampling and note choices (default: %(default)s)")
    output.add_argument("--out", type=Path, default=OUTPUT_DIR / "jazz",
                        help="output folder (default: output/jazz)")
    output.add_argument("--soundfont", type=Path, default=None,
                        help="General MIDI .sf2 for the WAV (default: the first of /usr/share/sounds/sf2/*.sf2, "
                             "/usr/share/soundfonts/default.sf2)")
    output.add_argument("--no-wav", action="store_true", help="do not render a WAV")
    output.add_argument("--quiet", action="store_true", help="print only the result summary")
    return parser


def _shown(path) -> str:
    """A path as printed: relative to the working directory when it lies inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _settings_text(config: JazzConfig, midi_config: MidiConfig, args) -> str:
    decoding = "greedy (course)" if config.greedy else \
        f"sampling, temperature {config.temperature}" + (f", top-k {config.top_k}" if config.top_k else "")
    training = f"load {args.load}" if args.load else \
        f"{config.epochs} epochs, {'unrolled djmodel (course)' if not config.fused else 'fused'}, " \
        f"Adam({config.learning_rate}, {config.beta_1}, {config.beta_2}) decay {config.decay}, batch {config.batch_size}"
    return "\n".join([
        f"midi       {_shown(args.midi)} (era {config.era}{' + tidy rests' if args.tidy_rests else ''}; melody {midi_config.melody_part!r}, chords "
        f"{', '.join(midi_config.chord_parts)}; window {midi_config.window[0]:g}-{midi_config.window[1]:g})",
        f"training   {training}",
        f"generation Ty {config.Ty}, {decoding}, {config.bpm:g} bpm",
        f"seed       {config.seed}",
        f"output     {_shown(args.out)}",
    ])


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    args = build_parser().parse_args(argv)
    config = JazzConfig(era=args.era, epochs=args.epochs, fused=not args.unrolled, Ty=args.ty,
                        greedy=args.greedy, temperature=args.temperature, top_k=args.top_k, seed=args.seed)
    try:
        midi_config = MidiConfig(melody_part=args.melody_part, chord_parts=tuple(args.chord_parts),
                                 window=(float(args.window[0]), float(args.window[1])))
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if args.soundfont is not None and not args.soundfont.is_file():
        raise UserError(f"soundfont not found: {args.soundfont}")
    say = (lambda *a: None) if args.quiet else print
    say(_settings_text(config, midi_config, args))
    out = ensure_output_dir(args.out)

    from .corpus import data_processing, load_corpus, tidy_rests, values_indices

    corpus = load_corpus(args.midi, config.era, midi_config)
    if args.tidy_rests:
        corpus = tidy_rests(corpus)
    val_indices, indices_values = values_indices(corpus.values)
    X, Y = data_processing(corpus.corpus, val_indices, config.m, config.Tx)
    n_values = len(val_indices)
    if config.top_k is not None and config.top_k > n_values:
        raise UserError(f"--top-k {config.top_k} is more than the {n_values} values of this corpus")
    say(corpus.summary())
    say(f"number of training examples: {X.shape[0]}\nTx (length of sequence): {X.shape[1]}\n"
        f"total # of unique values: {n_values}\nshape of X: {X.shape}\nShape of Y: {Y.shape}\n"
        f"Number of chords {len(corpus.chord_groups)}")

    from shared.seed import set_seed

    from . import checkpoint
    from .inference import Sampler
    from .model import make_layers
    from .train import train

    set_seed(config.seed)
    reshaper, LSTM_cell, densor = make_layers(n_values, config.n_a)
    files: dict[str, Path] = {}
    results: dict = {"n_values": n_values, "corpus_tokens": len(corpus.corpus)}
    if args.load:
        checkpoint.load_into(args.load, LSTM_cell, densor, corpus.values)
        say(f"loaded {args.load} (training skipped)")
        results["loaded"] = str(args.load)
    else:
        fit_started = time.perf_counter()
        trained = train(X, Y, LSTM_cell, densor, reshaper, config, quiet=args.quiet)
        results["train_seconds"] = round(time.perf_counter() - fit_started, 2)
        losses = trained.losses
        results["loss_first"], results["loss_last"] = losses[0], losses[-1]
        say(f"loss at epoch 1: {losses[0]}\nloss at epoch {len(losses)}: {losses[-1]}  "
            f"({results['train_seconds']:.1f} s)")
        from shared.plotting import plot_curves

        files["loss plot"] = plot_curves(out / "loss.png", {"training loss": (range(1, len(losses) + 1), losses)},
                                         "Jazz LSTM training loss (sum over 30 steps)", "epoch", "loss")
        from .model import fused_model

        to_save = trained.model if config.fused else fused_model(config.Tx, LSTM_cell, densor)
        saved = checkpoint.save_model(to_save, out, corpus.values)
        files["model"], files["weights"] = saved["model"], saved["weights"]

    from .generate import generate_music, write_midi

    sampler = Sampler(LSTM_cell, densor, greedy=config.greedy, temperature=config.temperature, top_k=config.top_k)
    try:
        solo = generate_music(lambda Ty, chunk: sampler(Ty, config.seed, chunk), indices_values,
                              corpus.chord_groups, random.Random(config.seed), Ty=config.Ty, bpm=config.bpm,
                              quiet=args.quiet)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    files["midi"] = write_midi(solo.stream, out / "my_music.midi")
    say(f"Your generated music is saved in {_shown(files['midi'])}")
    results["notes_per_chunk"] = solo.counts

    wav_note = _render(args, files, out)
    if wav_note:
        print(wav_note)

    from . import metrics
    from .pianoroll import plot_pianoroll

    generated = metrics.SoloNotes(solo.notes, solo.chords)
    training_solo = metrics.from_corpus(corpus)
    course_path = reference_dir() / "outputs" / COURSE_OUTPUT
    course = metrics.read_solo_midi(course_path, chord_notes=_course_chords(corpus)) if course_path.is_file() else None
    note = None if course is not None else f"course output not found at {course_path}; column skipped"
    files["piano roll"] = plot_pianoroll(out / "pianoroll.png", generated, training_solo,
                                         original_title=f"original solo window ({args.midi.name}, "
                                                        f"{midi_config.window[0]:g}-{midi_config.window[1]:g})")
    report = metrics.build_report(generated, training_solo, course, solo.tokens, corpus.corpus,
                                  course_name=COURSE_OUTPUT if course is not None else None, note=note)
    files["metrics"] = metrics.write_report(report, out / "metrics.json")
    print(metrics.format_report(report))
    results["metrics"] = report["columns"]["generated"]

    from shared.runcard import write_run_card

    results["seconds"] = round(time.perf_counter() - started, 2)
    settings = {**config.to_dict(), "midi_config": midi_config.as_dict(), "midi": str(args.midi),
                "tidy_rests": args.tidy_rests,
                "load": str(args.load) if args.load else None, "out": str(out)}
    files["run card"] = out / "run_card.json"
    results["files"] = {k: str(v) for k, v in files.items()}
    write_run_card(files["run card"], "python -m assignments.jazz", settings, config.seed,
                   data_files=[args.midi], results=results)
    width = max(len(k) for k in files)
    print("\n".join(f"{k.ljust(width)}  {_shown(v)}" for k, v in files.items()))
    print(f"done in {results['seconds']:.1f} s")
    return 0


def _course_chords(corpus) -> list:
    """The chord notes in the course's Metheny output (its chord groups 1..5), when the corpus is Metheny's."""
    from shared.data import read_checksums

    from .generate import chunk_groups
    from .metrics import course_chord_notes

    try:
        metheny = read_checksums().get("original_metheny.mid")
    except OSError:
        metheny = None
    if corpus.source_sha256 != metheny:
        return []
    return course_chord_notes(corpus.chord_groups, chunk_groups(len(corpus.chord_groups)))


def _render(args, files: dict, out: Path) -> str | None:
    """Render the WAV if FluidSynth and a soundfont are there; otherwise return a one-line note."""
    from .render import find_fluidsynth, find_soundfont, render_wav

    if args.no_wav:
        return None
    soundfont = find_soundfont(args.soundfont)
    fluidsynth = find_fluidsynth()
    if fluidsynth is None:
        return "note: FluidSynth not found, no WAV written (install it with 'make system-deps'); the MIDI is there"
    if soundfont is None:
        return "note: no General MIDI soundfont found, no WAV written (give one with --soundfont)"
    files["wav"] = render_wav(files["midi"], out / "my_music.wav", soundfont, fluidsynth=fluidsynth)
    return None


if __name__ == "__main__":
    sys.exit(run(main))
