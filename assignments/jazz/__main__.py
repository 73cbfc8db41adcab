"""Train the jazz LSTM on a MIDI solo and improvise a new one: MIDI, WAV, piano roll, metrics, run card.

    python -m assignments.jazz                                  # Metheny, 100 epochs, a solo over 18 chord groups
    python -m assignments.jazz --layout course                  # the notebook's generate_music: 5 layered chunks
    python -m assignments.jazz --greedy                         # the course's argmax decoding
    python -m assignments.jazz --load output/jazz/model.keras --temperature 0.8 --top-k 5
    python -m assignments.jazz --midi tune.mid --melody-part Flute --chord-parts Piano Bass --window 0 32

The 2021 notebook end to end, in the order :func:`main` reads: settings -> data (``load_music_utils``) -> checks
-> train ``djmodel`` for 100 epochs (through the fused model with the same weights and loss) or load a saved
model -> sample values and turn them into notes over the chord groups -> write ``my_music.midi`` at 130 bpm.
``--layout course`` is the notebook's ``generate_music`` (five chunks over chord groups 1..5, each inserted
4 beats after the last, so they overlap; melody and chords on one track); the default ``solo`` layout plays
one voice-led melody line over every chord group of the window, chords held under it, on two tracks. Beyond
the notebook: a seed for every random choice, sampling with temperature / top-k (``--greedy`` restores the
course's argmax), saved models, level-matched WAVs of the solo, of the course's own solo and of the original
excerpt, a piano roll, metrics and a run card, all under ``--out`` (default ``output/jazz``).
The maths is one hop away: :mod:`.corpus`, :mod:`.model`, :mod:`.solo` (and :mod:`.course`, the notebook's API).

Nothing heavy is imported at the top: :func:`main` imports numpy, music21 and TensorFlow inside the run
(``shared.run.start``), so a Ctrl-C while they load is one quiet line.
"""
from __future__ import annotations

from shared.run import start

COMMAND = "python -m assignments.jazz"
TENSORFLOW_IMPORT_S = 3.5  # the least work a run does while its drawing child imports matplotlib


def build_parser():
    """The options: one per field of :class:`~.midi.config.JazzConfig` with help, and the MIDI options."""
    import argparse

    from shared.run.cli import config_parser

    from .midi.config import JazzConfig
    from .midi.options import add_midi_options

    parser = config_parser(JazzConfig, prog=COMMAND, description="Train the course's jazz LSTM on a MIDI solo and "
                           "improvise a new solo (MIDI, WAV, piano roll, metrics, run card).")
    add_midi_options(parser)
    parser.add_argument("--fold", action=argparse.BooleanOptionalAction, default=None,
                        help="keep generated notes in the training melody's pitch range (default: on; off with "
                             "--layout course on the course file, as the course)")
    return parser


def main(argv=None) -> int:
    import time

    started = time.perf_counter()
    # ---- settings (parsed before the heavy imports: a busy --out is refused at once, nothing printed)
    args = build_parser().parse_args(argv)

    import random
    import shutil

    from shared.paths import DATA_DIR, display_path
    from shared.plotting import plot_curves
    from shared.run import UserError
    from shared.run.backend import import_keras
    from shared.run.console import Console
    from shared.run.drawing import Drawing, worth_a_child
    from shared.run.outputs import OutputSet
    from shared.sampling import check_sampling
    from shared.seed import set_seed

    from .corpus.build import load_corpus, tidy_rests
    from .corpus.windows import array_summary, one_hot_windows, values_indices
    from .midi.excerpt import write_excerpt
    from .midi.notes import midi_number, pitch_name
    from .midi.options import jazz_config, list_parts
    from .solo import generate, metrics
    from .solo.pianoroll import plot_pianoroll
    from .solo.render import Renders

    if args.list_parts:
        print(list_parts(args))
        return 0
    config = jazz_config(args)
    console = Console(config.quiet)
    console.say(settings_text(config))
    with Drawing(background=worth_a_child(TENSORFLOW_IMPORT_S)) as pictures:  # matplotlib imports in a child
        # ---- data: the grammar corpus and the course's 60 one-hot windows of 30 values
        corpus = load_corpus(config.midi, config.era, config.midi_config, quiet=config.quiet)
        if config.tidy_rests:
            corpus = tidy_rests(corpus)
        console.say(corpus.summary(), *([chunks_text(corpus, generate)] if config.layout == "course" else []))
        val_indices, indices_values = values_indices(corpus.values)
        X, Y = one_hot_windows(corpus.corpus, val_indices, config.m, config.Tx)  # (m, Tx, n), (Tx, m, n)
        # ---- checks: --top-k against the vocabulary, before any training
        try:
            check_sampling(config.temperature, config.top_k, len(val_indices))
        except ValueError as exc:
            raise UserError(f"argument --top-k: {exc} (this corpus has {len(val_indices)} values)") from None
        console.say(array_summary(X, Y, len(val_indices), len(corpus.chord_groups)))
        read = [config.midi] + ([config.load, config.load.parent / "values.json"] if config.load else [])
        with OutputSet(config.out, command=COMMAND, seed=config.seed, settings=config.to_dict(),
                       data_files=[p for p in read if p.is_file()]) as outputs, \
                Renders(not config.no_wav, config.soundfont) as wavs:
            outputs.results.update(n_values=len(corpus.values), corpus_tokens=len(corpus.corpus))
            # what the solo is heard against, rendered in the background: the original excerpt, the course's solo
            midi = config.midi_config
            excerpt = write_excerpt(config.midi, outputs.path("original_excerpt.midi"),
                                    (midi.melody_part, *midi.chord_parts), midi.window, midi.quantize_divisors)
            wavs.start("original_excerpt.wav", excerpt, outputs.path("original_excerpt.wav"))
            course_solo = DATA_DIR / metrics.COURSE_OUTPUT
            if metrics.is_course_corpus(corpus) and course_solo.is_file():
                copy = shutil.copyfile(course_solo, outputs.path(metrics.COURSE_OUTPUT))
                wavs.start("course_my_music.wav", copy, outputs.path("course_my_music.wav"))

            # ---- train or load the course's shared layers (the one import of Keras / TensorFlow: seconds)
            import_keras()
            from . import course
            from .model import checkpoint, layers, train
            from .model.inference import Sampler

            set_seed(config.seed)
            reshaper, LSTM_cell, densor = layers.make_layers(len(val_indices), config.n_a)
            if config.load:
                checkpoint.load_into(config.load, LSTM_cell, densor, corpus.values)
                console.say(f"loaded {display_path(config.load)} (training skipped)")
                outputs.results["loaded"] = str(config.load)
            else:
                began = time.perf_counter()
                trained = (train.train_fused(X, Y, LSTM_cell, densor, config, quiet=config.quiet) if config.fused
                           else course.train_course(X, Y, LSTM_cell, densor, reshaper, config, quiet=config.quiet))
                losses = trained.losses
                outputs.results.update(train_seconds=round(time.perf_counter() - began, 2), loss_first=losses[0],
                                       loss_last=losses[-1])
                console.say(f"loss at epoch 1: {losses[0]}",
                            f"loss at epoch {len(losses)}: {losses[-1]}  ({outputs.results['train_seconds']:.1f} s)")
                pictures.draw(plot_curves, outputs.path("loss.png"),
                              {"training loss": (range(1, len(losses) + 1), losses)},
                              f"Jazz LSTM training loss (sum over the {config.Tx - 1} predicted steps of a window)",
                              "epoch", "loss")
                saved = trained.model if config.fused else layers.fused_model(config.Tx, LSTM_cell, densor)
                checkpoint.save_model(saved, outputs.path("model.keras").parent, corpus.values)

            # ---- sample: Ty values per chunk from the compiled sampler, turned into notes over the chord groups
            sampler = Sampler(LSTM_cell, densor, greedy=config.greedy, temperature=config.temperature,
                              top_k=config.top_k)
            pitch_range = generate.PIANO_RANGE if config.layout == "solo" else None
            if config.fold:
                pitches = [midi_number(n.pitch) for n in corpus.melody_window]
                pitch_range = generate.fold_range(min(pitches), max(pitches))
                outputs.results["fold_range"] = [pitch_name(p) for p in pitch_range]
            sample, rng = (lambda Ty, chunk: sampler(Ty, config.seed, chunk)), random.Random(config.seed)
            training = metrics.from_corpus(corpus)  # the training solo: melody and chords in beats
            try:
                if config.layout == "solo":  # at the pace and with the moves of the source's values
                    solo = generate.play_solo(sample, indices_values, corpus.chord_groups, rng, config.Ty,
                                              pitch_range, corpus.corpus, metrics.note_density(training.notes),
                                              config.groups, quiet=config.quiet)
                else:
                    solo = generate.improvise(sample, indices_values, corpus.chord_groups, rng, Ty=config.Ty,
                                              bpm=config.bpm, quiet=config.quiet, pitch_range=pitch_range)
            except ValueError as exc:
                raise UserError(str(exc)) from None
            outputs.results["notes_per_chunk"] = solo.counts

            # ---- write: the solo (MIDI now, WAV in the background), piano roll, metrics
            if config.layout == "solo":  # tracks "melody" and "chords"
                generate.write_tracks(solo.music, outputs.path("my_music.midi"), config.bpm)
            else:  # the course's file: one track
                generate.write_midi(solo.stream, outputs.path("my_music.midi"))
            console.say(f"Your generated music is saved in {display_path(outputs.final('my_music.midi'))}")
            wavs.start("my_music.wav", outputs.path("my_music.midi"), outputs.path("my_music.wav"))
            course_column = metrics.course_solo(corpus)
            if course_column is None and metrics.is_course_corpus(corpus):
                console.note(f"the course's output {metrics.COURSE_OUTPUT} is not in {display_path(DATA_DIR)} "
                             f"(run 'make data'); no course column")
            window = config.midi_config.window
            pictures.draw(plot_pianoroll, outputs.path("pianoroll.png"), solo.music, training,
                          original_title=f"original solo window ({config.midi.name}, {window[0]:g}-{window[1]:g})")
            report = metrics.build_report(solo.music, training, course_column, solo.tokens, corpus.corpus,
                                          config.layout)
            metrics.write_report(report, outputs.path("metrics.json"))
            outputs.results["metrics"] = report["columns"]["generated"]
            print(metrics.format_report(report))
            pictures.wait()
            wavs.wait()
            if wavs.note:
                console.note(wavs.note)
            outputs.results["audio"] = wavs.card()
            outputs.results["seconds"] = round(time.perf_counter() - started, 2)
    print(files_text(outputs, display_path))
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


# ------------------------------------------------------------------------------------------ what the run prints

FILES = {  # output name -> how the file list at the end of a run names it, in the order it is printed
    "loss.png": "loss plot", "model.keras": "model", "model.weights.h5": "weights", "values.json": "vocabulary",
    "my_music.midi": "midi", "my_music.wav": "wav", "original_excerpt.midi": "excerpt midi",
    "original_excerpt.wav": "excerpt wav", "course_my_music.midi": "course midi", "course_my_music.wav": "course wav",
    "pianoroll.png": "piano roll", "metrics.json": "metrics", "run_card.json": "run card",
}


def settings_text(config) -> str:
    """The run's settings in five lines (printed first)."""
    from shared.paths import display_path

    midi = config.midi_config
    decoding = "greedy (course)" if config.greedy else \
        f"sampling, temperature {config.temperature}" + (f", top-k {config.top_k}" if config.top_k else "")
    training = f"load {display_path(config.load)}" if config.load else \
        f"{config.epochs} epochs, {'fused' if config.fused else 'unrolled djmodel (course)'}, " \
        f"Adam({config.learning_rate}, {config.beta_1}, {config.beta_2}) decay {config.decay}, batch {config.batch_size}"
    return "\n".join([
        f"midi       {display_path(config.midi)} (era {config.era}{' + tidy rests' if config.tidy_rests else ''}; "
        f"melody {midi.melody_part!r}, chords {', '.join(midi.chord_parts)}; "
        f"window {midi.window[0]:g}-{midi.window[1]:g}{'' if midi.chords_from == 'first' else '; chords from all chord parts'})",
        *(f"chosen     {line}" for line in config.choices),
        f"training   {training}",
        f"generation Ty {config.Ty}, {decoding}, {config.bpm:g} bpm"
        f"{', folded into the training range' if config.fold else ''}",
        f"seed       {config.seed}",
        f"output     {display_path(config.out)}",
    ])


def chunks_text(corpus, generate) -> str:
    """How many chunks the solo has, and why (the 2021 notebook's ``range(1, len(chords) // 3)``)."""
    n_groups = len(corpus.chord_groups)
    groups = generate.chunk_groups(n_groups)
    rule = f"range(1, {n_groups} // 3)" if len(range(1, n_groups // 3)) else "at least one"
    capped = f", capped at {generate.MAX_CHUNKS}" if len(range(1, n_groups // 3)) > generate.MAX_CHUNKS else ""
    return (f"{len(groups)} chunk{'s' if len(groups) > 1 else ''} of 4 beats over chord group"
            f"{'s' if len(groups) > 1 else ''} {groups[0]}..{groups[-1]}: {rule} of the {n_groups} chord groups"
            f"{capped} (generate_music walks range(1, len(chords) // 3); a longer window gives more)")


def files_text(outputs, display_path) -> str:
    """The committed files, one per line, labelled, in :data:`FILES` order."""
    order = list(FILES)
    names = sorted(outputs.files, key=lambda n: order.index(n) if n in order else len(order)) + [outputs.card_name]
    width = max(len(FILES.get(n, n)) for n in names)
    return "\n".join(f"{FILES.get(n, n).ljust(width)}  {display_path(outputs.out / n)}" for n in names)


if __name__ == "__main__":
    start("assignments.jazz.__main__")
