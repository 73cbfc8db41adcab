"""The course's ``shakespeare_utils.py`` names, for a notebook session of "Writing like Shakespeare".

``from assignments.dinos.shakespeare.course import *`` gives a session what the 2021 Dinosaur Island notebook
(section 4, "Writing like Shakespeare") has after ``from shakespeare_utils import *``, so its cells run as written
(``tests/test_notebook_dinos.py``): ``build_data``, ``vectorization``, ``sample``, ``on_epoch_end``,
``generate_output`` (``usr_input`` may be passed instead of ``input()``), ``load_model`` (the course's Keras 2 file
read right, see :mod:`.model`), and ``text``, ``chars``, ``X``, ``Y``, ``model`` ... computed on first use rather
than at import. On purpose unlike the course: a prompt longer than Tx keeps its last Tx characters (the course
fails with ``IndexError``), an unknown character is one error line (not ``KeyError``). Each character comes from
:class:`~.sample.WindowPredictor` (the same numbers as ``model.predict``, faster).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from shared.run import UserError

from .config import PRETRAINED, ShakespeareConfig
from .data import build_data as _windows
from .data import load_corpus
from .data import vectorization as _one_hot

Tx = 40
PROMPT = "Write the beginning of your poem, the Shakespeare machine will complete it. Your input is: "
_DATA = ("text", "chars", "char_indices", "indices_char", "X", "Y", "x", "y")
_loaded: dict = {}

__all__ = ["Tx", *_DATA, "model", "build_data", "vectorization", "sample", "on_epoch_end", "generate_output",
           "load_model"]


def build_data(text, Tx=40, stride=3):
    """Windows ``text[i:i+Tx]`` and next characters ``text[i+Tx]``; prints the count, as the course does."""
    X, Y = _windows(text, Tx, stride)
    print("number of training examples:", len(X))
    return X, Y


def vectorization(X, Y, n_x, char_indices, Tx=40):
    """Boolean one-hot ``x`` (m, Tx, n_x) and ``y`` (m, n_x)."""
    return _one_hot(X, Y, n_x, char_indices, Tx)


def sample(preds, temperature=1.0):
    """The course's draw: re-weight by ``temperature``, one multinomial draw from numpy's global generator."""
    from shared.sampling import reweight

    probas = np.random.multinomial(1, reweight(preds, temperature), 1)
    return int(np.random.choice(range(len(probas.ravel())), p=probas.ravel()))


def on_epoch_end(epoch, logs):
    """Called by the notebook's ``LambdaCallback`` after each epoch; like the course's, it does nothing."""
    return None


def load_model(filepath):
    """The course's ``.h5`` file (rebuilt, compiled with its Adam state) or a ``.keras`` file of this project; a
    course path such as ``'models/model_shakespeare_kiank_350_epoch.h5'`` missing here is looked up in ``data/``."""
    from .model import compile_model, load_any_model, restore_course_optimizer

    path = Path(filepath)
    if not path.exists():
        path = ShakespeareConfig().model.parent / path.name
    model = load_any_model(path)
    if path.suffix != ".keras":
        compile_model(model)
        restore_course_optimizer(model, path)
    return model


def _data() -> dict:
    if "text" not in _loaded:
        config = ShakespeareConfig()
        print("Loading text data...")
        text = load_corpus(config.text, Tx)
        chars = sorted(list(set(text)))
        char_indices = dict((c, i) for i, c in enumerate(chars))
        indices_char = dict((i, c) for i, c in enumerate(chars))
        print("Creating training set...")
        X, Y = build_data(text, Tx, stride=3)
        print("Vectorizing training set...")
        x, y = vectorization(X, Y, n_x=len(chars), char_indices=char_indices)
        _loaded.update(text=text, chars=chars, char_indices=char_indices, indices_char=indices_char,
                       X=X, Y=Y, x=x, y=y)
    return _loaded


def _model():
    if "model" not in _loaded:
        _data()
        print("Loading model...")
        _loaded["model"] = load_model(ShakespeareConfig().model.parent / PRETRAINED)
    return _loaded["model"]


def __getattr__(name):  # the course's import-time globals, computed on first use
    if name in _DATA:
        return _data()[name]
    if name == "model":
        return _model()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def generate_output(usr_input=None, *, length=400):
    """Print ``usr_input`` (asked with ``input()`` when not given) and the ``length`` (the course: 400) characters
    the model writes after it."""
    from .sample import WindowPredictor

    if usr_input is None:
        usr_input = input(PROMPT)
    data, predict = _data(), WindowPredictor(_model())
    char_indices, chars = data["char_indices"], data["chars"]
    sentence = ("{0:0>" + str(Tx) + "}").format(usr_input).lower()[-Tx:]  # zero pad the sentence to Tx characters
    unknown = sorted({c for c in sentence if c != "0" and c not in char_indices})
    if unknown:
        raise UserError(f"the input has characters the model does not know: {' '.join(map(repr, unknown))}")
    sys.stdout.write("\n\nHere is your poem: \n\n")
    sys.stdout.write(usr_input)
    for _ in range(length):
        x_pred = np.zeros((1, Tx, len(chars)), dtype=np.float32)
        for t, char in enumerate(sentence):
            if char != "0":  # the padding character (and a typed '0') is an all-zero input
                x_pred[0, t, char_indices[char]] = 1.0
        preds = predict.probabilities(x_pred)
        next_index = sample(preds, temperature=1.0)
        next_char = data["indices_char"][next_index]
        sentence = sentence[1:] + next_char
        sys.stdout.write(next_char)
        sys.stdout.flush()
