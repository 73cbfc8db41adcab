"""The course's API: every name the 2021 notebook "Improvise a Jazz Solo with an LSTM Network" (v4) calls.

A learner's session that does ``from assignments.jazz.course import *`` can run the notebook's cells as they
are written -- the course's signatures, defaults, return values (arity, order, shapes, dtypes) and printed
lines -- on Keras 3, music21 10 and numpy 2::

    X, Y, n_values, indices_values, chords = load_music_utils('data/original_metheny.mid')
    model = djmodel(Tx=30, LSTM_cell=LSTM_cell, densor=densor, reshaper=reshaper)
    opt = Adam(lr=0.01, beta_1=0.9, beta_2=0.999, decay=0.01)
    model.compile(optimizer=opt, loss='categorical_crossentropy', metrics=['accuracy'])
    history = model.fit([X, a0, c0], list(Y), epochs=100, verbose = 0)
    inference_model = music_inference_model(LSTM_cell, densor, Ty = 50)
    results, indices = predict_and_sample(inference_model, x_initializer, a_initializer, c_initializer)
    out_stream = generate_music(inference_model, indices_values, chords)

The course's names, by the file that defined them (everything here is the course's; the project's own
richer API lives in the other modules of the package):

- ``data_utils.py`` / ``music_utils.py`` / ``preprocess.py``: :func:`load_music_utils`, :func:`get_musical_data`,
  :func:`get_corpus_data`, :func:`data_processing`, :data:`n_a`, :data:`x_initializer`, :data:`a_initializer`,
  :data:`c_initializer`, :func:`generate_music`, :func:`predict_and_sample` (data_utils' own copy), :func:`mid2wav`;
- the graded exercises: :func:`djmodel` (UNQ_C1), :func:`music_inference_model` (UNQ_C2),
  :func:`predict_and_sample` (UNQ_C3);
- ``test_utils.py`` / ``outputs.py``: :func:`summary`, :func:`comparator`, :data:`djmodel_out`,
  :data:`music_inference_model_out`;
- ``grammar.py`` / ``qa.py`` (defined in :mod:`~assignments.jazz.corpus.grammar` and
  :mod:`~assignments.jazz.solo.generate`, with the random generator as an extra argument): ``parse_melody``,
  ``unparse_grammar``, ``prune_grammar``, ``prune_notes``, ``clean_up_notes``;
- the notebook's own imports: ``np``, ``tf``, ``plt``, ``Dense``, ``Activation``, ``Dropout``, ``Input``,
  ``LSTM``, ``Reshape``, ``Lambda``, ``RepeatVector``, ``Model``, ``Adam``, ``to_categorical``.

Where Keras 3 / music21 10 differ, these are thin wrappers that restore the course's behaviour (each function's
docstring says how; the jazz README lists them): ``Adam`` takes ``lr`` and the legacy ``decay``; ``Model`` is
:class:`~assignments.jazz.model.layers.CourseModel` (a flat ``metrics=['accuracy']`` for all 30 outputs);
``djmodel`` / ``music_inference_model`` use ``keras.ops`` where the graded cells' own code does not run on Keras
3, and no ``Lambda`` (they save with ``safe_mode=True``); ``predict_and_sample`` calls the model directly (the same
numbers as ``predict()``, without tracing a 50-output graph) and runs a model of :func:`music_inference_model`
as the compiled greedy loop (tested to give the same indices); ``generate_music`` seeds its post-processing;
``mid2wav`` plays the MIDI with FluidSynth; ``djmodel_out`` / ``music_inference_model_out`` leave out the
``TensorFlowOpLayer`` rows Keras 3 no longer creates.

Weights are initialised by Keras' global generator, unseeded, as in the course (``shared.seed.set_seed`` seeds it).
"""
from __future__ import annotations

import os
import random
import weakref
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import ops
from keras.layers import LSTM, Activation, Dense, Dropout, Input, Lambda, RepeatVector, Reshape
from keras.utils import to_categorical

from shared.run import UserError

from .corpus.build import load_corpus
from .corpus.windows import one_hot_windows, values_indices
from .solo.generate import clean_up_notes, improvise, prune_grammar, prune_notes, unparse_grammar, write_midi
from .corpus.grammar import parse_melody
from .midi.config import METHENY, MidiConfig
from .midi.config import JazzConfig
from .model.layers import CourseModel
from .model.train import Adam, TrainResult, EpochProgress, compile_course, initial_states
from .solo.render import find_fluidsynth, find_soundfont, render_wav

__all__ = [
    # the notebook's imports
    "np", "tf", "plt", "Dense", "Activation", "Dropout", "Input", "LSTM", "Reshape", "Lambda", "RepeatVector",
    "Model", "Adam", "to_categorical",
    # data_utils.py / music_utils.py / preprocess.py
    "load_music_utils", "get_musical_data", "get_corpus_data", "data_processing", "n_a", "x_initializer",
    "a_initializer", "c_initializer", "generate_music", "mid2wav",
    # the graded exercises
    "djmodel", "music_inference_model", "predict_and_sample",
    # test_utils.py / outputs.py
    "summary", "comparator", "djmodel_out", "music_inference_model_out",
    # grammar.py / qa.py
    "parse_melody", "unparse_grammar", "prune_grammar", "prune_notes", "clean_up_notes",
]

Model = CourseModel
SEED = 0                                # generate_music's post-processing starts from random.Random(SEED)
OUTPUT_MIDI = "output/my_music.midi"    # where the course's generate_music writes (relative to the working folder)
RENDERED_WAV = "output/rendered.wav"    # where the course's mid2wav writes

# data_utils.py (2021): the hidden size and the zero start of the inference model
n_a = 64
x_initializer = np.zeros((1, 1, 90))
a_initializer = np.zeros((1, n_a))
c_initializer = np.zeros((1, n_a))


def __getattr__(name: str):
    """``plt``: matplotlib's pyplot, imported when first used (the notebook imports it with the rest)."""
    if name == "plt":
        import matplotlib.pyplot as plt

        return plt
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------------------------------- data


def get_musical_data(file, era: str = "2021", config: MidiConfig = METHENY, cache_dir=None):
    """preprocess.py's ``get_musical_data(file)``: ``(chords, abstract_grammars)`` -- 19 chord groups, 18 grammars."""
    corpus = load_corpus(file, era, config, cache_dir)
    return corpus.chord_groups, corpus.grammars


def get_corpus_data(abstract_grammars):
    """preprocess.py's ``get_corpus_data``: ``(corpus, values, values_indices, indices_values)``, values sorted."""
    corpus = [token for grammar in abstract_grammars for token in grammar.split(" ")]
    values = sorted(set(corpus))
    val_indices, indices_val = values_indices(values)
    return corpus, values, val_indices, indices_val


def data_processing(corpus, values_indices, m=60, Tx=30):
    """music_utils.py's ``data_processing``: ``(X (m, Tx, N), Y (Tx, m, N), N_values)``, bool, as the course.

    The window starts are the course's ``np.random.seed(0)`` draws, taken from a private generator (numpy's
    global random state is left alone).
    """
    X, Y = one_hot_windows(corpus, values_indices, m, Tx, dtype=bool)
    return X, Y, len(set(corpus))


def load_music_utils(file, era: str = "2021", config: MidiConfig = METHENY, cache_dir=None):
    """data_utils.py's ``load_music_utils(file)``: ``(X, Y, n_values, indices_values, chords)``.

    ``era``, ``config`` and ``cache_dir`` are the project's additions (the course's music21 6.7 corpus by
    default; ``era="2018"`` gives the 78-value corpus of the 2018-2020 notebooks).
    """
    chords, abstract_grammars = get_musical_data(file, era, config, cache_dir)
    corpus, _, val_indices, indices_val = get_corpus_data(abstract_grammars)
    X, Y, N_values = data_processing(corpus, val_indices, 60, 30)
    return X, Y, N_values, indices_val, chords


# --------------------------------------------------------------------------------------------------- models


def djmodel(Tx, LSTM_cell, densor, reshaper):
    """UNQ_C1: ``LSTM_cell`` unrolled by hand over ``Tx`` steps; inputs ``[X, a0, c0]``, ``Tx`` outputs."""
    n_values = densor.units
    n_a = LSTM_cell.units
    X = Input(shape=(Tx, n_values))                                                # (m, Tx, n_values)
    a0 = Input(shape=(n_a,), name="a0")                                            # (m, n_a)
    c0 = Input(shape=(n_a,), name="c0")                                            # (m, n_a)
    a, c = a0, c0
    outputs = []
    for t in range(Tx):
        x = X[:, t, :]                                                             # (m, n_values)
        x = reshaper(x)                                                            # (m, 1, n_values)
        a, _, c = LSTM_cell(x, initial_state=[a, c])                               # (m, n_a) each
        out = densor(a)                                                            # (m, n_values)
        outputs.append(out)
    return Model(inputs=[X, a0, c0], outputs=outputs)


def train_course(X, Y, LSTM_cell, densor, reshaper, config: JazzConfig = JazzConfig(),
                 quiet: bool = False) -> TrainResult:
    """The course's way: ``djmodel`` (``Tx`` outputs) and ``model.fit([X, a0, c0], list(Y))``."""
    m, Tx, _ = X.shape
    a0, c0 = initial_states(m, LSTM_cell.units)
    model = compile_course(djmodel(Tx, LSTM_cell, densor, reshaper), config)
    history = model.fit([X.astype(np.float32), a0, c0], list(Y.astype(np.float32)), epochs=config.epochs,
                        batch_size=config.batch_size, verbose=0, callbacks=[EpochProgress(config.epochs, quiet)])
    return TrainResult(losses=[float(v) for v in history.history["loss"]], model=model)


_GREEDY_LOOPS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # inference model -> its layers (+ loop)


def music_inference_model(LSTM_cell, densor, Ty=100):
    """UNQ_C2: the greedy inference model -- each step's argmax, one-hot, is the next step's input; ``Ty`` outputs."""
    n_values = densor.units
    n_a = LSTM_cell.units
    x0 = Input(shape=(1, n_values))                                                # (m, 1, n_values)
    a0 = Input(shape=(n_a,), name="a0")
    c0 = Input(shape=(n_a,), name="c0")
    a, c, x = a0, c0, x0
    outputs = []
    for t in range(Ty):
        a, _, c = LSTM_cell(x, initial_state=[a, c])                               # (m, n_a)
        out = densor(a)                                                            # (m, n_values)
        outputs.append(out)
        if t == Ty - 1:
            break  # the course builds the last feedback too, but it is unused and not part of the model
        x = ops.argmax(out, axis=-1)                                               # (m,)
        x = ops.one_hot(x, n_values)                                               # (m, n_values)
        x = RepeatVector(1)(x)                                                     # (m, 1, n_values)
    inference_model = Model(inputs=[x0, a0, c0], outputs=outputs)
    _GREEDY_LOOPS[inference_model] = {"layers": (LSTM_cell, densor), "Ty": Ty, "sampler": None}
    return inference_model


def _model_call(inference_model, inputs) -> np.ndarray:
    """``inference_model.predict(inputs)`` as an array ``(Ty, m, n_values)``, computed by calling the model."""
    pred = inference_model([np.asarray(v, np.float32) for v in inputs], training=False)
    return np.stack([np.asarray(p) for p in (pred if isinstance(pred, (list, tuple)) else [pred])])


def _compiled_greedy(inference_model, inputs) -> np.ndarray | None:
    """The indices ``(Ty, 1)`` from the compiled greedy loop, for a model of :func:`music_inference_model`
    started from zeros; None when that does not apply (another model, another start, a batch)."""
    entry = _GREEDY_LOOPS.get(inference_model)
    if entry is None:
        return None
    LSTM_cell, densor = entry["layers"]
    x, a, c = (np.asarray(v) for v in inputs)
    state = (1, LSTM_cell.units)
    if x.shape != (1, 1, densor.units) or a.shape != state or c.shape != state or x.any() or a.any() or c.any():
        return None
    if entry["sampler"] is None:
        from .model.inference import Sampler

        entry["sampler"] = Sampler(LSTM_cell, densor, greedy=True)
    return entry["sampler"](entry["Ty"]).reshape(-1, 1)


def predict_and_sample(inference_model, x_initializer=x_initializer, a_initializer=a_initializer,
                       c_initializer=c_initializer):
    """UNQ_C3: ``(results (Ty, n_values) one-hot float32, indices (Ty, 1))`` of the greedy prediction.

    ``n_values`` comes from ``x_initializer.shape[2]``, as the grader asks; with the module's default
    initializers (sized for 90 values) and a model of another size, zeros of the model's size are used.
    """
    model_values, model_a = inference_model.inputs[0].shape[-1], inference_model.inputs[1].shape[-1]
    if x_initializer is globals()["x_initializer"] and x_initializer.shape[2] != model_values:
        x_initializer = np.zeros((1, 1, model_values))
    if a_initializer is globals()["a_initializer"] and a_initializer.shape[1] != model_a:
        a_initializer, c_initializer = np.zeros((1, model_a)), np.zeros((1, model_a))
    inputs = [x_initializer, a_initializer, c_initializer]
    indices = _compiled_greedy(inference_model, inputs)
    if indices is None:
        pred = _model_call(inference_model, inputs)                                # Ty x (1, n_values)
        indices = np.argmax(pred, axis=-1)                                         # (Ty, 1)
    results = to_categorical(indices, num_classes=x_initializer.shape[2]).astype(np.float32)  # (Ty, n_values)
    return results, indices


# --------------------------------------------------------------------------------------------------- music


def generate_music(inference_model, indices_values, chords, diversity=0.5):
    """data_utils.py's ``generate_music``: five chunks of predicted values over chord groups 1..5, post-processed
    into notes, written to ``output/my_music.midi`` (130 bpm); returns the music21 stream.

    Each chunk calls :func:`predict_and_sample` on ``inference_model``; ``diversity`` is unused, as in the course.
    The post-processing draws from ``random.Random(SEED)``, fresh on every call.
    """
    def sample(Ty, chunk):
        _, indices = predict_and_sample(inference_model)
        return np.asarray(indices).ravel()

    solo = improvise(sample, indices_values, chords, random.Random(SEED), Ty=len(inference_model.outputs))
    path = Path(OUTPUT_MIDI)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_midi(solo.stream, path)
    print(f"Your generated music is saved in {OUTPUT_MIDI}")
    return solo.stream


def mid2wav(file):
    """data_utils.py's ``mid2wav``: render the MIDI ``file`` to ``output/rendered.wav`` (FluidSynth, not sine waves)."""
    fluidsynth, soundfont = find_fluidsynth(), find_soundfont()
    if fluidsynth is None or soundfont is None:
        raise UserError("mid2wav needs FluidSynth and a General MIDI soundfont (install them with 'make system-deps')")
    path = Path(RENDERED_WAV)
    path.parent.mkdir(parents=True, exist_ok=True)
    render_wav(os.fspath(file), path, soundfont, fluidsynth)


# --------------------------------------------------------------------------------------------------- unit tests


def _shape(tensor) -> tuple:
    return tuple(tensor.shape)


def summary(model):
    """test_utils.py's ``summary``: one ``[class name, output shape, parameters, ...]`` row per layer.

    As the course: the model is compiled first; Dense rows add the activation, LSTM rows the input shapes
    and activation, RepeatVector rows ``n``. Shapes are written as tf.keras 2.3 reported them (an InputLayer's
    as a one-element list, a multi-output layer's as a list).
    """
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    result = []
    for layer in model.layers:
        output = layer.output
        shape = [_shape(t) for t in output] if isinstance(output, (list, tuple)) else _shape(output)
        if type(layer).__name__ == "InputLayer":
            shape = [shape]
        descriptors = [layer.__class__.__name__, shape, layer.count_params()]
        if type(layer) is Dense:
            descriptors.append(layer.activation.__name__)
        if type(layer) is LSTM:
            descriptors.append([_shape(t) for t in layer._inbound_nodes[0].arguments.keras_tensors])
            descriptors.append(layer.activation.__name__)
        if type(layer) is RepeatVector:
            descriptors.append(layer.n)
        result.append(descriptors)
    return result


def comparator(learner, instructor):
    """test_utils.py's ``comparator``: AssertionError at the first row that differs, else "All tests passed!"."""
    if len(learner) != len(instructor):
        raise AssertionError("Error in test. The lists contain a different number of elements")
    for index, a in enumerate(instructor):
        b = learner[index]
        if tuple(a) != tuple(b):
            print(f"Test failed at index {index} \n Expected value \n\n {a} \n\n does not match the input value: "
                  f"\n\n {b}")
            raise AssertionError("Error in test")
    print("All tests passed!")


_LSTM_ROW = ["LSTM", [(None, 64), (None, 64), (None, 64)], 39680, [(None, 1, 90), (None, 64), (None, 64)], "tanh"]
_DENSE_ROW = ["Dense", (None, 90), 5850, "softmax"]
djmodel_out = [["InputLayer", [(None, 30, 90)], 0], ["Reshape", (None, 1, 90), 0], ["InputLayer", [(None, 64)], 0],
               ["InputLayer", [(None, 64)], 0], _LSTM_ROW, _DENSE_ROW]
"""outputs.py's ``djmodel_out`` (Tx=30, 90 values) without its 30 ``TensorFlowOpLayer`` rows (the slices)."""
music_inference_model_out = ([["InputLayer", [(None, 1, 90)], 0], ["InputLayer", [(None, 64)], 0],
                              ["InputLayer", [(None, 64)], 0], _LSTM_ROW, _DENSE_ROW]
                             + [["RepeatVector", (None, 1, 90), 0, 1] for _ in range(49)])
"""outputs.py's ``music_inference_model_out`` (Ty=50) without its 98 ``TensorFlowOpLayer`` rows (argmax, one_hot)."""
