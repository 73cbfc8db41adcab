"""The steps of ``python -m assignments.jazz``, in the order ``main`` runs them.

corpus -> arrays -> (outputs opened) reference audio -> layers, trained or loaded -> sampled values -> notes
-> MIDI / WAV -> piano roll and metrics. Each step takes the run's :class:`~assignments.jazz.config.JazzConfig`
and what the steps before it returned; the files go into one :class:`shared.run.outputs.OutputSet` (written aside,
committed together with the run card when the run ends well) and the WAVs are rendered by FluidSynth in the
background (:class:`~assignments.jazz.render.Renders`) while the run goes on.

Keras and TensorFlow are imported in one place, :func:`train_or_load` -- the first step that needs them -- so
that bad input (a MIDI file that is not one, a part that is not in it, an empty window) is reported in about a
second, before the 3-4 s of importing TensorFlow. music21 loads on first use (:func:`notes.music21`). The
pictures (loss curve, piano roll) are drawn by a child process (:func:`drawing`, :mod:`shared.run.drawing`) that
imports matplotlib on the other core from the start, so Keras is imported without it
(:func:`shared.run.backend.import_keras`).
"""
from __future__ import annotations

import random
import shutil
import time
from dataclasses import dataclass

import numpy as np

from shared.run.console import Console
from shared.run.drawing import Drawing, worth_a_child
from shared.run import UserError
from shared.run.outputs import OutputSet
from shared.paths import DATA_DIR, display_path
from shared.plotting import plot_curves
from shared.sampling import check_sampling
from shared.seed import set_seed

from . import generate, metrics
from .config import JazzConfig
from .corpus import Corpus, array_summary, load_corpus, one_hot_windows, tidy_rests, values_indices
from .excerpt import write_excerpt
from .inference import Sampler
from .notes import midi_number, pitch_name
from .pianoroll import plot_pianoroll
from .render import Renders

COMMAND = "python -m assignments.jazz"
FILES = {  # output name -> how the file list at the end of a run names it, in the order it is printed
    "loss.png": "loss plot", "model.keras": "model", "model.weights.h5": "weights", "values.json": "vocabulary",
    "my_music.midi": "midi", "my_music.wav": "wav", "original_excerpt.midi": "excerpt midi",
    "original_excerpt.wav": "excerpt wav", "course_my_music.midi": "course midi", "course_my_music.wav": "course wav",
    "pianoroll.png": "piano roll", "metrics.json": "metrics", "run_card.json": "run card",
}


def settings_text(config: JazzConfig) -> str:
    """The run's settings in five lines (printed first)."""
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


TENSORFLOW_IMPORT_S = 3.5  # the least work a run does while its drawing child imports matplotlib


def drawing() -> Drawing:
    """Where the run's pictures are drawn: a child started now (it imports matplotlib while the run parses,
    imports TensorFlow and trains), or this process when matplotlib is loaded here already."""
    return Drawing(background=worth_a_child(TENSORFLOW_IMPORT_S))


def corpus_of(config: JazzConfig, console: Console) -> Corpus:
    """The grammar corpus of ``config.midi`` (the tidy variant with ``--tidy-rests``), summarised."""
    corpus = load_corpus(config.midi, config.era, config.midi_config, quiet=config.quiet)
    if config.tidy_rests:
        corpus = tidy_rests(corpus)
    console.say(corpus.summary(), chunks_text(corpus))
    return corpus


@dataclass(frozen=True)
class TrainingData:
    X: np.ndarray                  # (m, Tx, n_values)
    Y: np.ndarray                  # (Ty, m, n_values)
    indices_values: dict[int, str]

    @property
    def n_values(self) -> int:
        return self.X.shape[2]


def training_data(corpus: Corpus, config: JazzConfig, console: Console) -> TrainingData:
    """The course's 60 one-hot windows of 30 values, with the notebook's printout; ``--top-k`` checked against
    the vocabulary here, before any training."""
    val_indices, indices_values = values_indices(corpus.values)
    X, Y = one_hot_windows(corpus.corpus, val_indices, config.m, config.Tx)
    try:
        check_sampling(config.temperature, config.top_k, len(val_indices))
    except ValueError as exc:
        raise UserError(f"argument --top-k: {exc} (this corpus has {len(val_indices)} values)") from None
    console.say(array_summary(X, Y, len(val_indices), len(corpus.chord_groups)))
    return TrainingData(X, Y, indices_values)


def open_outputs(config: JazzConfig, corpus: Corpus) -> OutputSet:
    """The run's output set in ``config.out``; a model loaded from that folder (and its vocabulary) stays in it."""
    read = [config.midi] + ([config.load, config.load.parent / "values.json"] if config.load else [])
    outputs = OutputSet(config.out, command=COMMAND, seed=config.seed, settings=config.to_dict(),
                        data_files=[p for p in read if p.is_file()])
    outputs.results.update(n_values=len(corpus.values), corpus_tokens=len(corpus.corpus))
    return outputs


def reference_audio(corpus: Corpus, config: JazzConfig, outputs: OutputSet, wavs: Renders) -> None:
    """What the solo is heard against: the original excerpt (always) and the course's own solo (course file only),
    as MIDI now and WAV in the background."""
    midi = config.midi_config
    excerpt = write_excerpt(config.midi, outputs.path("original_excerpt.midi"), (midi.melody_part, *midi.chord_parts),
                            midi.window, midi.quantize_divisors)
    wavs.start("original_excerpt.wav", excerpt, outputs.path("original_excerpt.wav"))
    course = DATA_DIR / metrics.COURSE_OUTPUT
    if metrics.is_course_corpus(corpus) and course.is_file():
        copy = shutil.copyfile(course, outputs.path(metrics.COURSE_OUTPUT))
        wavs.start("course_my_music.wav", copy, outputs.path("course_my_music.wav"))


def train_or_load(config: JazzConfig, corpus: Corpus, data: TrainingData, outputs: OutputSet, console: Console,
                  pictures: Drawing):
    """``(LSTM_cell, densor)``: the course's shared layers, trained for ``config.epochs`` (loss plot sent to
    ``pictures``, saved model written) or filled from ``config.load``."""
    from shared.run.backend import import_keras

    import_keras()  # the one import of Keras / TensorFlow (3-4 s), after the input is checked; no matplotlib
    from . import checkpoint, model, train

    set_seed(config.seed)
    reshaper, LSTM_cell, densor = model.make_layers(data.n_values, config.n_a)
    if config.load:
        checkpoint.load_into(config.load, LSTM_cell, densor, corpus.values)
        console.say(f"loaded {display_path(config.load)} (training skipped)")
        outputs.results["loaded"] = str(config.load)
        return LSTM_cell, densor
    started = time.perf_counter()
    trained = train.train(data.X, data.Y, LSTM_cell, densor, reshaper, config, quiet=config.quiet)
    losses = trained.losses
    outputs.results.update(train_seconds=round(time.perf_counter() - started, 2), loss_first=losses[0],
                           loss_last=losses[-1])
    console.say(f"loss at epoch 1: {losses[0]}",
                f"loss at epoch {len(losses)}: {losses[-1]}  ({outputs.results['train_seconds']:.1f} s)")
    pictures.draw(plot_curves, outputs.path("loss.png"), {"training loss": (range(1, len(losses) + 1), losses)},
                  "Jazz LSTM training loss (sum over 30 steps)", "epoch", "loss")
    saved = trained.model if config.fused else model.fused_model(config.Tx, LSTM_cell, densor)
    checkpoint.save_model(saved, outputs.path("model.keras").parent, corpus.values)
    return LSTM_cell, densor


def chunks_text(corpus: Corpus) -> str:
    """How many chunks the solo has, and why (the 2021 notebook's ``range(1, len(chords) // 3)``)."""
    n_groups = len(corpus.chord_groups)
    groups = generate.chunk_groups(n_groups)
    rule = f"range(1, {n_groups} // 3)" if len(range(1, n_groups // 3)) else "at least one"
    capped = f", capped at {generate.MAX_CHUNKS}" if len(range(1, n_groups // 3)) > generate.MAX_CHUNKS else ""
    return (f"{len(groups)} chunk{'s' if len(groups) > 1 else ''} of 4 beats over chord group"
            f"{'s' if len(groups) > 1 else ''} {groups[0]}..{groups[-1]}: {rule} of the {n_groups} chord groups"
            f"{capped} (generate_music walks range(1, len(chords) // 3); a longer window gives more)")


def improvise(config: JazzConfig, layers, data: TrainingData, corpus: Corpus, outputs: OutputSet) -> generate.Solo:
    """The solo: ``config.Ty`` values per chunk from the compiled sampler, turned into notes over chord groups 1..5
    (folded into the training melody's range with ``config.fold``)."""
    LSTM_cell, densor = layers
    sampler = Sampler(LSTM_cell, densor, greedy=config.greedy, temperature=config.temperature, top_k=config.top_k)
    pitch_range = None
    if config.fold:
        pitches = [midi_number(n.pitch) for n in corpus.melody_window]
        pitch_range = generate.fold_range(min(pitches), max(pitches))
        outputs.results["fold_range"] = [pitch_name(p) for p in pitch_range]
    try:
        solo = generate.improvise(lambda Ty, chunk: sampler(Ty, config.seed, chunk), data.indices_values,
                                  corpus.chord_groups, random.Random(config.seed), Ty=config.Ty, bpm=config.bpm,
                                  quiet=config.quiet, pitch_range=pitch_range)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    outputs.results["notes_per_chunk"] = solo.counts
    return solo


def write_solo(solo: generate.Solo, outputs: OutputSet, wavs: Renders, console: Console) -> None:
    """``my_music.midi`` now (the course file's shape), ``my_music.wav`` in the background."""
    midi = generate.write_midi(solo.stream, outputs.path("my_music.midi"))
    console.say(f"Your generated music is saved in {display_path(outputs.final('my_music.midi'))}")
    wavs.start("my_music.wav", midi, outputs.path("my_music.wav"))


def report(solo: generate.Solo, corpus: Corpus, config: JazzConfig, outputs: OutputSet, console: Console,
           pictures: Drawing) -> dict:
    """The piano roll (sent to ``pictures``) and the metrics of the solo beside the training solo (and, for the
    course's own file, the course's output); returns the metrics report."""
    training = metrics.from_corpus(corpus)
    course = metrics.course_solo(corpus)
    if course is None and metrics.is_course_corpus(corpus):
        console.note(f"the course's output {metrics.COURSE_OUTPUT} is not in {display_path(DATA_DIR)} "
                     f"(run 'make data'); no course column")
    window = config.midi_config.window
    pictures.draw(plot_pianoroll, outputs.path("pianoroll.png"), solo.music, training,
                  original_title=f"original solo window ({config.midi.name}, {window[0]:g}-{window[1]:g})")
    result = metrics.build_report(solo.music, training, course, solo.tokens, corpus.corpus)
    metrics.write_report(result, outputs.path("metrics.json"))
    outputs.results["metrics"] = result["columns"]["generated"]
    return result


def finish_audio(wavs: Renders, console: Console) -> None:
    """Wait for the background WAVs (a failure is one error line); say once if none could be made."""
    wavs.wait()
    if wavs.note:
        console.note(wavs.note)


def files_text(outputs: OutputSet) -> str:
    """The committed files, one per line, labelled, in :data:`FILES` order."""
    order = list(FILES)
    names = sorted(outputs.files, key=lambda n: order.index(n) if n in order else len(order)) + [outputs.card_name]
    width = max(len(FILES.get(n, n)) for n in names)
    return "\n".join(f"{FILES.get(n, n).ljust(width)}  {display_path(outputs.out / n)}" for n in names)
