"""The 2021 notebook's calls, run as written against ``assignments.jazz.course``: one test per cell.

The notebook is "Improvise a Jazz Solo with an LSTM Network" (v4, the 2021 update of the course),
``C5 - Sequence Models/Week 1/Jazz improvisation with LSTM/Improvise_a_Jazz_Solo_with_an_LSTM_Network_v4.ipynb`` in
amanchadha/coursera-deep-learning-specialization@e9de0f4d1549b5a974c7f5cba013097fe162a798 (its training cell as
the course distributed it, ``epochs=100``). :data:`CELLS` holds each code cell's text as the notebook has it, in
its order, with its section; a learner's session is a namespace that ran ``from assignments.jazz.course import *``
and then the cells, in a working folder that holds ``data/`` (as the notebook's folder does).

Only sizes change, and only where the notebook trains for minutes (:data:`SMALL`): Keras 3 needs about 50 s to
trace ``fit`` on the 30-step ``djmodel``, so after the cells that build and check the full model, a 2-step
``djmodel`` on the same layers and the first 2 steps of ``X``/``Y`` is trained for 2 epochs instead of 100, and
the loss printout reads the last epoch. The cells that define the graded functions (UNQ_C1..C3) are not run:
this module's functions stand in for them (their own code calls ``LSTM_cell(inputs=x)`` and ``tf.math.argmax``
on symbolic tensors, which Keras 3 rejects); the calls of those functions are. The notebook's import cell
imports the course's helper files, which this module replaces.
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import io
import os
import re
import shutil

import numpy as np
import pytest

from assignments.jazz.solo.render import find_soundfont

NOTEBOOK = "Improvise a Jazz Solo with an LSTM Network (v4, 2021)"
CELLS = {  # name -> (section, code as the notebook has it)
    "load": ("1.1 - Dataset", """\
X, Y, n_values, indices_values, chords = load_music_utils('data/original_metheny.mid')
print('number of training examples:', X.shape[0])
print('Tx (length of sequence):', X.shape[1])
print('total # of unique values:', n_values)
print('shape of X:', X.shape)
print('Shape of Y:', Y.shape)
print('Number of chords', len(chords))"""),
    "n_a": ("2 - Building the Model", """\
# number of dimensions for the hidden state of each LSTM cell.
n_a = 64 """),
    "layers": ("2 - Building the Model, 3 types of layers", """\
n_values = 90 # number of music values
reshaper = Reshape((1, n_values))                  # Used in Step 2.B of djmodel(), below
LSTM_cell = LSTM(n_a, return_state = True)         # Used in Step 2.C
densor = Dense(n_values, activation='softmax')     # Used in Step 2.D"""),
    "djmodel": ("Exercise 1 - djmodel, Create the model object", """\
model = djmodel(Tx=30, LSTM_cell=LSTM_cell, densor=densor, reshaper=reshaper)"""),
    "djmodel unit test": ("Exercise 1 - djmodel", """\
# UNIT TEST
output = summary(model) 
comparator(output, djmodel_out)"""),
    "djmodel summary": ("Exercise 1 - djmodel", """\
# Check your model
model.summary()"""),
    "compile": ("Exercise 1 - djmodel, Compile the model for training", """\
opt = Adam(lr=0.01, beta_1=0.9, beta_2=0.999, decay=0.01)

model.compile(optimizer=opt, loss='categorical_crossentropy', metrics=['accuracy'])"""),
    "initial states": ("Exercise 1 - djmodel, Initialize hidden state and cell state", """\
m = 60
a0 = np.zeros((m, n_a))
c0 = np.zeros((m, n_a))"""),
    "fit": ("Exercise 1 - djmodel, Train the model", """\
history = model.fit([X, a0, c0], list(Y), epochs=100, verbose = 0)"""),
    "loss printout": ("Exercise 1 - djmodel, Train the model", """\
print(f"loss at epoch 1: {history.history['loss'][0]}")
print(f"loss at epoch 100: {history.history['loss'][99]}")
plt.plot(history.history['loss'])"""),
    "inference model": ("3.1 - Predicting & Sampling, Exercise 2", """\
inference_model = music_inference_model(LSTM_cell, densor, Ty = 50)"""),
    "inference unit test": ("3.1 - Predicting & Sampling, Exercise 2", """\
# UNIT TEST
inference_summary = summary(inference_model) 
comparator(inference_summary, music_inference_model_out)"""),
    "inference summary": ("3.1 - Predicting & Sampling, Exercise 2", """\
# Check the inference model
inference_model.summary()"""),
    "initializers": ("3.1 - Predicting & Sampling, Initialize inference model", """\
x_initializer = np.zeros((1, 1, n_values))
a_initializer = np.zeros((1, n_a))
c_initializer = np.zeros((1, n_a))"""),
    "predict_and_sample": ("3.1 - Predicting & Sampling, Exercise 3", """\
results, indices = predict_and_sample(inference_model, x_initializer, a_initializer, c_initializer)

print("np.argmax(results[12]) =", np.argmax(results[12]))
print("np.argmax(results[17]) =", np.argmax(results[17]))
print("list(indices[12:18]) =", list(indices[12:18]))"""),
    "generate_music": ("3.2 - Generate Music", """\
out_stream = generate_music(inference_model, indices_values, chords)"""),
    "mid2wav": ("3.2 - Generate Music", """\
mid2wav('output/my_music.midi')
IPython.display.Audio('./output/rendered.wav')"""),
}
TX = 2  # the short djmodel trained in place of the 30-step one
SMALL = {  # the only changes to the cells: (cell, the notebook's text, what runs instead)
    "fit": ("epochs=100", "epochs=2"),
    "loss printout": ("[99]", "[-1]"),
    "mid2wav": ("\nIPython.display.Audio('./output/rendered.wav')", ""),  # the notebook's player (IPython)
}
BEFORE = {  # harness code run before a cell (sizes only)
    "compile": f"model = djmodel(Tx={TX}, LSTM_cell=LSTM_cell, densor=densor, reshaper=reshaper)\n"
               f"X, Y = X[:, :{TX}], Y[:{TX}]",
}
HAS_FLUIDSYNTH = shutil.which("fluidsynth") is not None and find_soundfont() is not None


class Notebook:
    """A learner's session: one namespace, the cells run in order, each at most once, in its working folder."""

    def __init__(self, folder):
        self.folder = folder
        self.ns: dict = {}
        self.printed: dict[str, str] = {}
        self._exec("from assignments.jazz.course import *")

    def _exec(self, code: str) -> str:
        out = io.StringIO()
        cwd = os.getcwd()
        os.chdir(self.folder)
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(code, "<notebook cell>", "exec"), self.ns)
        finally:
            os.chdir(cwd)
        return out.getvalue()

    @staticmethod
    def code(name: str) -> str:
        code = CELLS[name][1]
        if name in SMALL:
            written, small = SMALL[name]
            assert code.count(written) == 1, (name, written)
            code = code.replace(written, small)
        return code

    def run(self, name: str) -> str:
        """Run every cell up to ``name`` that has not run yet; what ``name`` printed."""
        for cell in CELLS:
            if cell not in self.printed:
                if cell in BEFORE:
                    self._exec(BEFORE[cell])
                self.printed[cell] = self._exec(self.code(cell))
            if cell == name:
                return self.printed[cell]
        raise KeyError(name)


@pytest.fixture(scope="module")
def nb(tmp_path_factory, data_dir):
    folder = tmp_path_factory.mktemp("notebook")
    (folder / "data").symlink_to(data_dir)
    import matplotlib

    matplotlib.use("Agg")
    yield Notebook(folder)
    import matplotlib.pyplot as plt

    plt.close("all")


def test_the_course_module_gives_every_name_the_cells_use():
    """``from assignments.jazz.course import *`` defines every name a cell reads before assigning it."""
    ns: dict = {}
    exec("from assignments.jazz.course import *", ns)
    assigned = set(ns)
    for name in CELLS:
        tree = ast.parse(Notebook.code(name) + "\n" + BEFORE.get(name, ""))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                assert node.id in assigned or hasattr(builtins, node.id) or _assigned_in_earlier_cell(node.id, name), \
                    (name, node.id)
    assert {"load_music_utils", "djmodel", "music_inference_model", "predict_and_sample", "generate_music",
            "data_processing", "summary", "comparator", "Adam", "np", "tf", "plt"} <= assigned


def _assigned_in_earlier_cell(identifier: str, cell: str) -> bool:
    for name in CELLS:
        code = Notebook.code(name) + "\n" + BEFORE.get(name, "")
        if any(isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id == identifier
               for n in ast.walk(ast.parse(code))):
            return True
        if name == cell:
            return False
    return False


def test_load_music_utils(nb):
    printed = nb.run("load")
    assert printed.splitlines() == ["number of training examples: 60", "Tx (length of sequence): 30",
                                    "total # of unique values: 90", "shape of X: (60, 30, 90)",
                                    "Shape of Y: (30, 60, 90)", "Number of chords 19"]  # the notebook's output
    X, Y, indices_values, chords = (nb.ns[k] for k in ("X", "Y", "indices_values", "chords"))
    assert X.dtype == Y.dtype == bool  # as the course's np.bool arrays
    assert X.sum() == Y.sum() == 60 * 29 and not X[:, 0].any() and not Y[29].any()
    assert sorted(indices_values) == list(range(90)) and list(indices_values.values()) == sorted(indices_values.values())
    assert len(chords) == 19 and chords[0] == [] and all(len(group) for group in chords[1:])


def test_data_processing_returns_three_values(nb):
    session = Notebook(nb.folder)  # a session of its own: these names are the cells' too
    ns = session.ns
    exec("from assignments.jazz.course import get_musical_data, get_corpus_data", ns)
    out = session._exec("chords, abstract_grammars = get_musical_data('data/original_metheny.mid')\n"
                   "corpus, values, values_indices, indices_values = get_corpus_data(abstract_grammars)\n"
                   "X, Y, N_values = data_processing(corpus, values_indices, m=60, Tx=30)")  # music_utils' call
    assert out == "" and ns["N_values"] == 90 and len(ns["corpus"]) == 275 and len(ns["abstract_grammars"]) == 18
    assert ns["X"].shape == (60, 30, 90) and ns["Y"].shape == (30, 60, 90) and ns["X"].dtype == bool


def test_shared_layers(nb):
    nb.run("layers")
    ns = nb.ns
    assert ns["n_a"] == 64 and ns["n_values"] == 90
    assert ns["LSTM_cell"].units == 64 and ns["LSTM_cell"].return_state
    assert ns["densor"].units == 90 and ns["densor"].activation.__name__ == "softmax"
    assert ns["reshaper"].target_shape == (1, 90)


def test_djmodel(nb):
    nb.run("djmodel")
    model = nb.ns["model"]
    assert len(model.outputs) == 30 and [tuple(i.shape) for i in model.inputs] == [(None, 30, 90), (None, 64),
                                                                                   (None, 64)]
    assert model.count_params() == 45_530  # the notebook's "Total params: 45,530"


def test_djmodel_unit_test(nb):
    assert nb.run("djmodel unit test") == "All tests passed!\n"
    ns = nb.ns
    with pytest.raises(AssertionError):  # the check can fail: the inference model is another structure
        ns["comparator"](ns["output"], ns["music_inference_model_out"])


def test_djmodel_summary(nb):
    printed = nb.run("djmodel summary")
    assert re.search(r"Total params: 45,530\b", printed) and re.search(r"Trainable params: 45,530\b", printed)
    assert re.search(r"Non-trainable params: 0\b", printed)


def test_compile_with_the_courses_adam(nb):
    nb.run("compile")
    opt = nb.ns["opt"]
    schedule = opt._learning_rate  # lr=0.01 with the legacy decay=0.01: lr / (1 + 0.01 t)
    assert float(schedule(0)) == pytest.approx(0.01) and float(schedule(200)) == pytest.approx(0.01 / 3)
    assert (opt.beta_1, opt.beta_2) == (0.9, 0.999)
    assert nb.ns["model"].optimizer is opt


def test_initial_states(nb):
    nb.run("initial states")
    assert nb.ns["m"] == 60 and nb.ns["a0"].shape == nb.ns["c0"].shape == (60, 64) and not nb.ns["a0"].any()


def test_fit(nb):
    nb.run("fit")
    history = nb.ns["history"].history
    losses = history["loss"]
    assert len(losses) == 2 and abs(losses[0] - TX * np.log(90)) < 1.0  # every step of the cut windows has a target
    accuracies = [k for k in history if k.endswith("accuracy") or "accuracy_" in k]
    assert len(accuracies) == TX  # metrics=['accuracy'] measured on each output, as tf.keras 2 did
    assert int(nb.ns["opt"].iterations.numpy()) == 4  # 2 epochs of 2 batches (32 + 28)


def test_loss_printout_and_plot(nb):
    printed = nb.run("loss printout").splitlines()
    losses = nb.ns["history"].history["loss"]
    assert printed == [f"loss at epoch 1: {losses[0]}", f"loss at epoch 100: {losses[-1]}"]
    import matplotlib.pyplot as plt

    np.testing.assert_allclose(plt.gca().lines[-1].get_ydata(), losses)


def test_music_inference_model(nb):
    nb.run("inference model")
    inference_model = nb.ns["inference_model"]
    assert len(inference_model.outputs) == 50 and inference_model.count_params() == 45_530
    assert [tuple(i.shape) for i in inference_model.inputs] == [(None, 1, 90), (None, 64), (None, 64)]


def test_inference_unit_test(nb):
    assert nb.run("inference unit test") == "All tests passed!\n"


def test_inference_summary(nb):
    printed = nb.run("inference summary")
    assert re.search(r"Total params: 45,530\b", printed) and re.search(r"Trainable params: 45,530\b", printed)


def test_initializers(nb):
    nb.run("initializers")
    ns = nb.ns
    assert ns["x_initializer"].shape == (1, 1, 90) and ns["a_initializer"].shape == ns["c_initializer"].shape == (1, 64)


def test_predict_and_sample(nb):
    printed = nb.run("predict_and_sample").splitlines()
    ns = nb.ns
    results, indices = ns["results"], ns["indices"]
    assert results.shape == (50, 90) and results.dtype == np.float32 and indices.shape == (50, 1)
    assert np.issubdtype(indices.dtype, np.integer)
    assert (results.sum(axis=1) == 1).all() and (np.argmax(results, axis=1) == indices[:, 0]).all()
    from assignments.jazz.course import _model_call

    pred = _model_call(ns["inference_model"], [ns["x_initializer"], ns["a_initializer"], ns["c_initializer"]])
    np.testing.assert_array_equal(indices, np.argmax(pred, axis=-1))  # the inference model's own greedy path
    assert printed[:2] == [f"np.argmax(results[12]) = {indices[12, 0]}", f"np.argmax(results[17]) = {indices[17, 0]}"]
    assert printed[2] == "list(indices[12:18]) = [" + ", ".join(f"array([{i}])" for i in indices[12:18, 0]) + "]"


def test_generate_music(nb):
    printed = nb.run("generate_music").splitlines()
    assert printed[0] == "Predicting new values for different set of chords."
    assert [re.fullmatch(r'Generated \d+ sounds using the predicted values for the set of chords \("(\d)"\) and '
                         r'after pruning', line).group(1) for line in printed[1:6]] == ["1", "2", "3", "4", "5"]
    assert printed[6:] == ["Your generated music is saved in output/my_music.midi"]
    midi = nb.folder / "output" / "my_music.midi"
    import mido
    from music21 import stream

    assert isinstance(nb.ns["out_stream"], stream.Stream)
    file = mido.MidiFile(midi)
    assert (file.type, file.ticks_per_beat) == (1, 1024)
    assert [m.tempo for m in file.tracks[0] if m.type == "set_tempo"] == [461538]  # 130 bpm
    first = midi.read_bytes()
    nb._exec(CELLS["generate_music"][1])  # the same cell again: the same file (seeded post-processing)
    assert midi.read_bytes() == first


@pytest.mark.skipif(not HAS_FLUIDSYNTH and not os.environ.get("CI"),
                    reason="FluidSynth or a General MIDI soundfont is not installed (CI installs them)")
def test_mid2wav(nb):
    assert nb.run("mid2wav") == ""
    data = (nb.folder / "output" / "rendered.wav").read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE" and len(data) > 44100 * 4
