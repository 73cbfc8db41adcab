"""Writing like Shakespeare: course data and architecture, the Keras 2 model under Keras 3, stateful
generation against the windowed model, sampling, training with exact resume, and the CLI's error handling."""
from __future__ import annotations

import json
import math

import h5py
import keras
import numpy as np
import pytest

from assignments.dinos.shakespeare import __main__ as shakespeare
from assignments.dinos.shakespeare.data import Vocabulary, build_data, load_corpus, prepare, vectorization
from assignments.dinos.shakespeare.model import (ModelConfig, build_model, compile_model, course_adam_state,
                                                 course_hard_sigmoid, load_course_model, parameter_count,
                                                 restore_course_optimizer)
from assignments.dinos.shakespeare.sample import WindowPredictor, make_step, window_input
from shared import sampling
from shared.sampling import multinomial_draw, reweight
from assignments.dinos.shakespeare.step import LstmStepper
from assignments.dinos.shakespeare.train import TrainState, load_checkpoint, train
from shared.run.cli import run
from shared.run import UserError

from assignments.dinos.shakespeare.config import PRETRAINED


# ---------------------------------------------------------------- fixtures (built once)

@pytest.fixture(scope="module")
def text(data_dir):
    return load_corpus(data_dir / "shakespeare.txt")


@pytest.fixture(scope="module")
def vocab(text):
    return Vocabulary.from_text(text)


@pytest.fixture(scope="module")
def pretrained(data_dir):
    path = data_dir / PRETRAINED
    if not path.is_file():
        pytest.skip(f"{PRETRAINED} not in data/")
    return load_course_model(path)


@pytest.fixture(scope="module")
def small_model(vocab):
    """A randomly initialised course-architecture model with fewer units (fast, always available)."""
    keras.utils.set_random_seed(7)
    model = build_model(ModelConfig(n_x=vocab.size, n_a=24))
    # larger weights than the initialiser's, so gates saturate and the hard sigmoid's clipping is exercised
    model.set_weights([w * 3 for w in model.get_weights()])
    return model


# ---------------------------------------------------------------- data (the Dinosaur Island notebook, "Writing like Shakespeare")

def test_corpus_matches_the_course(text, vocab):
    # 94275 characters; 38 after lower-casing; range(0, 94275-40, 3) -> 31412 windows (the Dinosaur Island notebook, "Writing like Shakespeare")
    assert len(text) == 94275
    assert vocab.size == 38
    assert vocab.chars[:2] == ("\n", " ") and "".join(vocab.chars[12:]) == "abcdefghijklmnopqrstuvwxyz"
    X, Y = build_data(text, Tx=40, stride=3)
    assert len(X) == len(Y) == 31412
    assert X[1] == text[3:43] and Y[1] == text[43]
    assert X[-1] == text[3 * 31411: 3 * 31411 + 40] and Y[-1] == text[3 * 31411 + 40]


def test_vectorization_is_boolean_one_hot(text, vocab):
    X, Y = build_data(text[:400], Tx=40, stride=3)
    x, y = vectorization(X, Y, vocab.size, vocab.char_indices, Tx=40)
    assert x.shape == (len(X), 40, 38) and y.shape == (len(X), 38)
    assert x.dtype == bool and y.dtype == bool
    assert (x.sum(axis=2) == 1).all() and (y.sum(axis=1) == 1).all()
    assert vocab.decode(x[5].argmax(axis=1)) == X[5]
    assert vocab.decode(y.argmax(axis=1)) == "".join(Y)


def test_prepare_full_corpus_shapes(data_dir):
    corpus = prepare(data_dir / "shakespeare.txt")
    assert corpus.x.shape == (31412, 40, 38) and corpus.y.shape == (31412, 38)
    assert prepare(data_dir / "shakespeare.txt", max_examples=10).m == 10


def test_a_decomposed_text_reads_as_composed(tmp_path):
    path = tmp_path / "nfd.txt"
    path.write_text("E\u0301te\u0301 " * 20, encoding="utf-8")  # "Été été " with combining accents
    text = load_corpus(path)
    assert text.startswith("été été") and Vocabulary.from_text(text).chars == (" ", "t", "é")


def test_encode_names_unknown_characters(vocab):
    assert vocab.decode(vocab.encode("shall i compare thee")) == "shall i compare thee"
    with pytest.raises(UserError, match=r"'0' '7' 'é'"):
        vocab.encode("o7 rosé 0")


# ---------------------------------------------------------------- model

def test_course_architecture_has_221990_parameters():
    model = build_model()
    assert parameter_count(model) == model.count_params() == 221_990
    assert [type(layer).__name__ for layer in model.layers] == [
        "InputLayer", "LSTM", "Dropout", "LSTM", "Dropout", "Dense", "Activation"]
    assert model.output_shape == (None, 38)


def test_course_hard_sigmoid_is_the_keras2_function():
    z = np.array([-4.0, -2.5, -1.0, 0.0, 1.0, 2.5, 4.0], dtype=np.float32)
    expected = np.clip(0.2 * z + 0.5, 0.0, 1.0)  # Keras 2 backend.hard_sigmoid
    np.testing.assert_allclose(np.asarray(course_hard_sigmoid(z)), expected, atol=1e-7)
    # Keras 3's function of the same name has slope 1/6: this is why the course file is not loaded as-is
    assert abs(float(keras.activations.hard_sigmoid(np.float32(1.0))) - 4 / 6) < 1e-6


def test_model_saved_as_keras_reloads_in_safe_mode(small_model, tmp_path):
    path = tmp_path / "model.keras"
    small_model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    x = window_input([3, 14, 25], 40, 38)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), small_model.predict(x, verbose=0))
    assert not any(isinstance(layer, keras.layers.Lambda) for layer in loaded.layers)


def _keras2_forward(h5_path, x):
    """An independent float64 forward pass of the Keras 2.0.6 file straight from its HDF5 arrays."""
    with h5py.File(h5_path, "r") as f:
        g = f["model_weights"]
        l1 = [np.asarray(g["lstm_5"][f"lstm_5/{n}:0"], np.float64) for n in ("kernel", "recurrent_kernel", "bias")]
        l2 = [np.asarray(g["lstm_6"][f"lstm_6/{n}:0"], np.float64) for n in ("kernel", "recurrent_kernel", "bias")]
        W, b = (np.asarray(g["dense_3"][f"dense_3/{n}:0"], np.float64) for n in ("kernel", "bias"))

    def hard_sigmoid(z):
        return np.clip(0.2 * z + 0.5, 0, 1)

    def lstm(xs, kernel, recurrent, bias):  # xs (m, T, n_in) -> (m, T, n_a)
        m, T, _ = xs.shape
        n_a = recurrent.shape[0]
        h, c, out = np.zeros((m, n_a)), np.zeros((m, n_a)), []
        for t in range(T):
            z = xs[:, t] @ kernel + h @ recurrent + bias
            i, f, g_, o = (z[:, k * n_a:(k + 1) * n_a] for k in range(4))
            c = hard_sigmoid(f) * c + hard_sigmoid(i) * np.tanh(g_)
            h = hard_sigmoid(o) * np.tanh(c)
            out.append(h)
        return np.stack(out, axis=1)

    a = lstm(lstm(x.astype(np.float64), *l1), *l2)[:, -1]
    z = a @ W + b
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_pretrained_model_matches_keras2_semantics(pretrained, data_dir, text, vocab):
    path = data_dir / PRETRAINED
    assert parameter_count(pretrained) == 221_990
    with h5py.File(path, "r") as f:
        np.testing.assert_array_equal(pretrained.get_layer("lstm_1").get_weights()[1],
                                      f["model_weights/lstm_5/lstm_5/recurrent_kernel:0"][()])
    X, Y = build_data(text, 40, 3)
    rows = np.random.default_rng(0).choice(len(X), 64, replace=False)
    x, y = vectorization([X[i] for i in rows], [Y[i] for i in rows], vocab.size, vocab.char_indices)
    x = x.astype(np.float32)
    ours = pretrained.predict(x, verbose=0)
    np.testing.assert_array_equal(ours, pretrained.predict(x, verbose=0))  # deterministic: dropout is off
    np.testing.assert_allclose(ours, _keras2_forward(path, x), atol=1e-5)
    # sane: it predicts the sonnets far better than chance (1/38)
    assert (ours.argmax(axis=1) == y.argmax(axis=1)).mean() > 0.3
    # plain keras.models.load_model swaps in Keras 3's hard_sigmoid and computes something else
    plain = keras.models.load_model(path, compile=False)
    assert np.abs(plain.predict(x, verbose=0) - ours).max() > 0.05


def test_course_adam_state_goes_into_the_keras3_optimizer(pretrained, data_dir):
    path = data_dir / PRETRAINED
    iterations, ms, vs = course_adam_state(path)
    assert iterations == 123307 and len(ms) == len(vs) == 8
    model = compile_model(keras.models.clone_model(pretrained))
    assert restore_course_optimizer(model, path) == iterations
    lstm1_kernel = model.get_layer("lstm_1").weights[0]
    opt = model.optimizer
    np.testing.assert_array_equal(opt._momentums[opt._get_variable_index(lstm1_kernel)].numpy(), ms[0])
    np.testing.assert_array_equal(opt._velocities[opt._get_variable_index(lstm1_kernel)].numpy(), vs[0])
    assert int(opt.iterations.numpy()) == iterations


# ---------------------------------------------------------------- stateful stepping vs the windowed model

PROMPTS = ["", "f", "from fairest creatures", "shall i compare thee to a summer's day?\n",  # 0, 1, 22, 40
           "but as the riper should by time decease, his tender heir"]  # 57 > Tx


@pytest.mark.parametrize("which", ["small", "pretrained"])
def test_primed_stepper_gives_the_windowed_distribution(which, small_model, request, vocab):
    model = small_model if which == "small" else request.getfixturevalue("pretrained")
    stepper = LstmStepper(model)
    window = WindowPredictor(model)
    for prompt in PROMPTS:
        indices = vocab.encode(prompt)
        stepped = stepper.prime(indices)
        windowed = model.predict(window_input(indices, 40, vocab.size), verbose=0)[0]
        np.testing.assert_allclose(stepped, windowed, atol=1e-5, err_msg=repr(prompt))
        np.testing.assert_allclose(window(indices), windowed, atol=1e-6)


def test_stepping_carries_state_beyond_the_window(small_model, vocab):
    """After the first window the stepper keeps all context; the windowed model keeps the last 40 characters."""
    full = vocab.encode("from fairest creatures we desire increase,\nthat")  # 48 characters
    stepper = LstmStepper(small_model)
    stepper.prime(full[:40])  # exactly one window, no padding
    stepped = stepper.step(full[40])  # the state now holds 41 characters of context
    unbroken = LstmStepper(small_model)
    for index in full[:41]:
        probs = unbroken.step(index)
    np.testing.assert_allclose(stepped, probs, atol=1e-7)  # = the LSTM run over all 41 characters
    windowed = WindowPredictor(small_model)(full[:41])  # forgets the first character
    assert np.abs(stepped - windowed).max() > 1e-4
    # and it is what Keras computes over the whole 48-character sequence from zero state
    longer = build_model(ModelConfig(Tx=len(full), n_x=vocab.size, n_a=24))
    longer.set_weights(small_model.get_weights())
    unbroken.reset()
    for index in full:
        probs = unbroken.step(index)
    x = window_input(full, len(full), vocab.size)  # (1, 48, n_x), no padding
    np.testing.assert_allclose(probs, longer.predict(x, verbose=0)[0], atol=1e-5)


def test_bench_scores_agree_where_the_contexts_agree(small_model, vocab):
    from bench.bench_shakespeare import stateful_cross_entropy, windowed_cross_entropy

    stretch = vocab.encode("when i do count the clock that tells the time,\nand see")
    stepper = LstmStepper(small_model)
    # the first scored character: the window is all padding + nothing, the stepper is primed on nothing
    assert stateful_cross_entropy(stepper, stretch[:1], 0) == pytest.approx(
        windowed_cross_entropy(small_model, stretch[:1], 0, 40, vocab.size), abs=1e-5)
    expected = -np.log(stepper.prime([])[stretch[0]])
    assert stateful_cross_entropy(stepper, stretch[:1], 0) == pytest.approx(float(expected), abs=1e-6)
    assert np.isfinite(stateful_cross_entropy(stepper, stretch, 40))


# ---------------------------------------------------------------- sampling

def test_reweight_is_the_course_temperature():
    preds = np.array([0.5, 0.3, 0.2], dtype=np.float32)
    np.testing.assert_allclose(reweight(preds, 1.0), preds, atol=1e-7)
    np.testing.assert_allclose(reweight(preds, 0.5), preds.astype(float) ** 2 / (preds.astype(float) ** 2).sum())
    assert reweight(np.array([0.0, 1.0]), 2.0)[0] == 0.0  # log(0) handled, as np.log(-inf) -> exp -> 0
    with pytest.raises(ValueError):
        reweight(preds, 0.0)


def sample(preds, temperature, rng):  # the course's draw on an explicit generator
    return multinomial_draw(reweight(preds, temperature), rng)


def generate(model, prompt, length, temperature, rng, mode="window"):  # what the command does
    return sampling.generate(make_step(model, mode), list(prompt), length, rng, temperature=temperature)


def test_sample_is_seeded_and_follows_the_distribution():
    preds = np.array([0.1, 0.6, 0.3])
    draws = [sample(preds, 1.0, np.random.default_rng(5)) for _ in range(3)]
    assert len(set(draws)) == 1
    rng = np.random.default_rng(0)
    counts = np.bincount([sample(preds, 1.0, rng) for _ in range(6000)], minlength=3) / 6000
    np.testing.assert_allclose(counts, preds, atol=0.02)
    assert {sample(preds, 1e-3, rng) for _ in range(50)} == {1}


def test_generate_is_reproducible_and_modes_agree_on_the_first_character(small_model, vocab):
    prompt = vocab.encode("thy youth's proud livery")
    a = generate(small_model, prompt, 30, 1.0, np.random.default_rng(3), mode="stateful")
    assert a == generate(small_model, prompt, 30, 1.0, np.random.default_rng(3), mode="stateful")
    assert len(a) == 30 and all(0 <= i < vocab.size for i in a)
    assert a != generate(small_model, prompt, 30, 1.0, np.random.default_rng(4), mode="stateful")
    w = generate(small_model, prompt, 5, 1.0, np.random.default_rng(3))  # default: the course's window
    assert w == generate(small_model, prompt, 5, 1.0, np.random.default_rng(3), mode="window")
    assert w[0] == a[0]  # same first distribution and the same draw
    with pytest.raises(ValueError):
        generate(small_model, prompt, 3, 1.0, np.random.default_rng(3), mode="other")


# ---------------------------------------------------------------- training, checkpoints, resume

@pytest.fixture(scope="module")
def tiny(data_dir):
    return prepare(data_dir / "shakespeare.txt", max_examples=256)


def _fresh(tiny, seed=11):
    keras.utils.set_random_seed(seed)
    return compile_model(build_model(ModelConfig(n_x=tiny.vocab.size, n_a=16)))


@pytest.fixture(scope="module")
def uninterrupted(tiny):
    model = _fresh(tiny)
    state = TrainState(epochs=2, seed=11, batch_size=64, chars=list(tiny.vocab.chars), n_examples=tiny.m)
    train(model, tiny.x, tiny.y, state, None, verbose=0)
    return model, state


def test_untrained_loss_is_uniform(uninterrupted, tiny):
    _, state = uninterrupted
    assert len(state.epoch_loss) == 2 and len(state.batch_loss) == 2 * 4
    assert abs(state.batch_loss[0] - math.log(tiny.vocab.size)) < 0.05


def test_resume_from_checkpoint_is_exact(uninterrupted, tiny, tmp_path, capsys):
    args = ["--from-scratch", "--train-epochs", "1", "--max-examples", "256", "--n-a", "16", "--batch-size", "64",
            "--seed", "11", "--length", "20", "--out", str(tmp_path / "a"), "--quiet"]
    assert run(shakespeare.main, args) == 0
    first = tmp_path / "a" / "checkpoints" / "epoch-001"
    assert (first / "model.keras").is_file() and (first / "model.json").is_file() and (first / "unit.json").is_file()
    assert run(shakespeare.main, ["--resume", str(first), "--train-epochs", "2", "--length", "20",
                                  "--out", str(tmp_path / "b"), "--quiet"]) == 0
    resumed, state = load_checkpoint(tmp_path / "b" / "checkpoints" / "epoch-002")
    model, expected = uninterrupted
    assert state.epoch == 2 and state.epoch_loss == expected.epoch_loss
    for got, want in zip(resumed.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, want)
    assert int(resumed.optimizer.iterations.numpy()) == 8
    for name in ("model.keras", "model.json", "loss.png", "poem.txt", "run_card.json"):
        assert (tmp_path / "b" / name).is_file()
    card = json.loads((tmp_path / "b" / "run_card.json").read_text())
    assert card["results"]["epoch_loss"] == expected.epoch_loss
    # the trained model generates through --model
    capsys.readouterr()
    assert run(shakespeare.main, ["--model", str(tmp_path / "b" / "model.keras"), "--length", "15",
                                  "--out", str(tmp_path / "c"), "--quiet"]) == 0
    assert len(capsys.readouterr().out) == len(shakespeare.DEFAULT_PROMPT) + 15 + 1
    # already at the target
    assert run(shakespeare.main, ["--resume", str(first), "--train-epochs", "1", "--out", str(tmp_path / "d")]) == 2


# ---------------------------------------------------------------- CLI

def test_cli_default_run_is_reproducible(pretrained, tmp_path, capsys):
    out = tmp_path / "run"
    assert run(shakespeare.main, ["--length", "60", "--seed", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    poem = (out / "poem.txt").read_text()
    assert poem.startswith(shakespeare.DEFAULT_PROMPT) and len(poem) == len(shakespeare.DEFAULT_PROMPT) + 61
    assert poem.rstrip("\n") in printed and "number of training examples: 31412" in printed
    card = json.loads((out / "run_card.json").read_text())
    assert card["seed"] == 2 and card["results"]["parameters"] == 221_990
    assert run(shakespeare.main, ["--length", "60", "--seed", "2", "--out", str(out), "--quiet"]) == 0
    assert capsys.readouterr().out == poem  # --quiet prints the poem only, and the same poem
    assert run(shakespeare.main, ["--length", "60", "--seed", "3", "--out", str(out), "--quiet"]) == 0
    assert capsys.readouterr().out != poem
    assert run(shakespeare.main, ["--length", "60", "--seed", "2", "--out", str(out), "--quiet",
                                  "--mode", "stateful"]) == 0
    stateful = capsys.readouterr().out
    n = len(shakespeare.DEFAULT_PROMPT)
    assert len(stateful) == len(poem) and stateful[n] == poem[n]  # same first draw from the same distribution
    assert json.loads((out / "run_card.json").read_text())["settings"]["mode"] == "stateful"


def _bad_inputs(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("caf\xe9 ".encode("latin-1") * 20)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    garbage_h5 = tmp_path / "garbage.h5"
    garbage_h5.write_bytes(b"not hdf5" * 10)
    garbage_keras = tmp_path / "garbage.keras"
    garbage_keras.write_bytes(b"not a zip" * 10)
    return {
        "missing text": (["--text", str(tmp_path / "nope.txt")], "not found"),
        "empty text": (["--text", str(empty)], "empty"),
        "non-UTF-8 text": (["--text", str(latin1)], "not UTF-8"),
        "temperature 0": (["--temperature", "0"], "must be > 0"),
        "temperature < 0": (["--temperature", "-1"], "must be > 0"),
        "length 0": (["--length", "0"], "between 1 and 100000"),
        # (a new model, so this case does not need the pretrained file; it fails before any training)
        "unwritable out": (["--out", str(blocker / "sub"), "--from-scratch", "--train-epochs", "1",
                            "--max-examples", "8", "--n-a", "4"], "cannot write"),
        "prompt out of vocabulary": (["--prompt", "Zounds! 1599"], "'1' '5' '9'"),
        "missing model": (["--model", str(tmp_path / "none.h5")], "not found"),
        "corrupt h5": (["--model", str(garbage_h5)], "cannot read"),
        "corrupt keras": (["--model", str(garbage_keras)], "cannot load"),
        "resume not a checkpoint folder": (["--resume", str(garbage_h5)], "checkpoint folder"),
        "missing checkpoint": (["--resume", str(tmp_path / "epoch-009")], "not found"),
        "seed too large": (["--seed", str(2 ** 32)], "--seed"),
        "training options without training": (["--batch-size", "64"], "--batch-size applies only when training"),
        "--max-examples without training": (["--max-examples", "64"], "--max-examples applies only when training"),
        "--batch-size with --resume": (["--resume", str(tmp_path), "--batch-size", "64"], "does not apply with --resume"),
        "length too large": (["--length", "10000000"], "--length"),
    }


def test_cli_bad_input_is_one_line_and_leaves_no_output(tmp_path, capsys):
    for name, (args, message) in _bad_inputs(tmp_path).items():
        out = tmp_path / f"out-{name.replace(' ', '_')}"
        argv = ["--out", str(out), "--length", "5", *args]
        assert run(shakespeare.main, argv) == 2, name
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("error: ") and message in err, (name, err)
        assert not out.exists(), name  # every input is checked before the output folder is made


# ---------------------------------------------------------------- damaged model, weights and checkpoint files

def _course_h5(path, edit=None, n_x=38, n_a=4):
    """A small file in the course's Keras 2.0.6 layout (model_weights/LAYER/LAYER/NAME:0, optimizer_weights)."""
    rng = np.random.default_rng(0)
    gates = 4 * n_a
    layers = {"lstm_5": [("kernel", (n_x, gates)), ("recurrent_kernel", (n_a, gates)), ("bias", (gates,))],
              "lstm_6": [("kernel", (n_a, gates)), ("recurrent_kernel", (n_a, gates)), ("bias", (gates,))],
              "dense_3": [("kernel", (n_a, n_x)), ("bias", (n_x,))]}
    shapes = []
    with h5py.File(path, "w") as f:
        for layer, weights in layers.items():
            group = f.create_group(f"model_weights/{layer}")
            group.attrs["weight_names"] = np.array([f"{layer}/{name}:0".encode() for name, _ in weights])
            for name, shape in weights:
                group[f"{layer}/{name}:0"] = rng.normal(0, 0.3, shape).astype(np.float32)
                shapes.append(shape)
        opt = f.create_group("optimizer_weights")
        names = ["iterations:0"] + [f"Variable_{i}:0" for i in range(2 * len(shapes))]
        opt.attrs["weight_names"] = np.array([n.encode() for n in names])
        opt["iterations:0"] = np.float32(10)
        for name, shape in zip(names[1:], shapes * 2):
            opt[name] = np.full(shape, 1e-4, np.float32)
        if edit is not None:
            edit(f)
    return path


def _replace(key, value):
    def edit(f):
        del f[key]
        f[key] = value
    return edit


def _names(key, names):
    def edit(f):
        f[key].attrs["weight_names"] = np.array([n.encode() for n in names])
    return edit


TRAIN = ["--train-epochs", "1", "--max-examples", "16", "--batch-size", "16"]
DAMAGED_H5 = {  # name: (edit, extra options, what the line says)
    "one weight array": (_names("model_weights/lstm_5", ["lstm_5/kernel:0"]), [], "layer lstm_5 holds arrays"),
    "scalar weights": (_replace("model_weights/lstm_5/lstm_5/kernel:0", np.float32(1)), [], "shapes (), (4, 16)"),
    "no weight names": (lambda f: f["model_weights/lstm_6"].attrs.__delitem__("weight_names"), [],
                        "lstm_6 has no list of weight names"),
    "a listed array missing": (lambda f: f.__delitem__("model_weights/dense_3/dense_3/bias:0"), [], "does not hold"),
    "missing layer": (lambda f: f.__delitem__("model_weights/lstm_6"), [], "lstm_6"),
    "wrong shape": (_replace("model_weights/lstm_6/lstm_6/bias:0", np.zeros(15, np.float32)), [], "expected"),
    "strings": (_replace("model_weights/dense_3/dense_3/bias:0", np.array([b"x"] * 38)), [], "finite numbers"),
    "NaN": (_replace("model_weights/dense_3/dense_3/bias:0", np.full(38, np.nan, np.float32)), [], "finite numbers"),
    "Adam: no step count": (_names("optimizer_weights", []), TRAIN, "optimizer_weights is not Adam's"),
    "Adam: step count a vector": (_replace("optimizer_weights/iterations:0", np.zeros(3, np.float32)), TRAIN,
                                  "optimizer_weights is not Adam's"),
    "Adam: negative step count": (_replace("optimizer_weights/iterations:0", np.float32(-5)), TRAIN, "is not Adam's"),
    "Adam: a moment of the wrong shape": (_replace("optimizer_weights/Variable_0:0", np.zeros((3, 3), np.float32)),
                                          TRAIN, "optimizer state has moments of shapes (3, 3)"),
    "Adam: negative second moment": (_replace("optimizer_weights/Variable_12:0", np.full((38, 16), -1, np.float32)),
                                     TRAIN, "negative second moment"),
}


DAMAGED_H5["another vocabulary"] = (None, [], "needs (None, 40, 38)")  # a whole file of 30 characters


@pytest.mark.parametrize("case", ["undamaged", "undamaged, trained", *DAMAGED_H5])
def test_damaged_course_h5_is_one_line_and_writes_nothing(case, tmp_path, capsys):
    edit, extra, message = DAMAGED_H5.get(case, (None, TRAIN if "trained" in case else [], None))
    path = _course_h5(tmp_path / "model.h5", edit, n_x=30 if case == "another vocabulary" else 38)
    out = tmp_path / "out"
    status = run(shakespeare.main, ["--model", str(path), "--length", "3", "--out", str(out), "--quiet", *extra])
    err = capsys.readouterr().err
    if message is None:  # the file the damaged ones are made from works
        assert status == 0 and (out / "poem.txt").is_file(), err
        return
    assert status == 2 and err.count("\n") == 1 and err.startswith("error: "), err
    assert message in err and "model.h5" in err, err
    assert not out.exists()


def _rehash(unit):
    """A unit.json that lists the files as they now are (so the damage is in the state, not the checksums)."""
    import hashlib

    meta = json.loads((unit / "unit.json").read_text())
    meta["files"] = {p.name: {"sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "bytes": p.stat().st_size}
                     for p in sorted(unit.iterdir()) if p.name != "unit.json"}
    (unit / "unit.json").write_text(json.dumps(meta))


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    out = tmp_path_factory.mktemp("checkpoint")
    assert run(shakespeare.main, ["--from-scratch", "--train-epochs", "1", "--max-examples", "32", "--n-a", "4",
                                  "--batch-size", "32", "--length", "3", "--out", str(out), "--quiet"]) == 0
    return out / "checkpoints" / "epoch-001"


def _set(key, value):
    return lambda meta: meta.__setitem__(key, value)


DAMAGED_STATE = {  # name: (edit of model.json, what the line says)
    "batch size 0": (_set("batch_size", 0), "'batch_size' must be a whole number from 1"),
    "negative seed": (_set("seed", -1), "'seed' must be a whole number from 0 to 4294967295, not -1"),
    "epoch a string": (_set("epoch", "1"), "'epoch' must be a whole number"),
    "batch size a float": (_set("batch_size", 32.5), "'batch_size'"),
    "a key missing": (lambda meta: meta.pop("n_examples"), "keys ['n_examples'] missing"),
    "an unknown key": (_set("learning_rate", 1), "unknown keys ['learning_rate']"),
    "vocabulary not a list": (_set("chars", "abc"), "'chars' must be a list"),
    "losses not numbers": (_set("epoch_loss", ["x"]), "'epoch_loss' must be a list of finite numbers"),
    "losses of other epochs": (_set("epoch_loss", []), "'epoch_loss' has 0 values for 1 epochs"),
    "garbled RNG state": (lambda meta: meta["rng_state"].__setitem__("dropout_1", [[1, 2, 3]]),
                          "random-generator states of shapes"),
    "RNG state not a dict": (_set("rng_state", [1, 2]), "'rng_state' must map layer names"),
    "RNG state of another layer": (lambda meta: meta["rng_state"].__setitem__("dense_9", [[1, 2]]),
                                   "random-generator states"),
    "model for another vocabulary": (_set("chars", list("abcdefghij")), "maps (None, 40, 38) to (None, 38)"),
}


def _uncompiled(unit):
    build_model(ModelConfig(n_x=38, n_a=4)).save(unit / "model.keras")


DAMAGED_MODEL = {  # name: (edit of the unit's folder, what the line says)
    "model.keras not a zip": (lambda unit: (unit / "model.keras").write_bytes(b"garbage" * 100), "cannot load"),
    "model.keras without optimizer state": (_uncompiled, "has no optimizer state"),
}


@pytest.mark.parametrize("case", ["undamaged", *DAMAGED_STATE, *DAMAGED_MODEL])
def test_damaged_checkpoint_is_one_line_and_writes_nothing(case, checkpoint, tmp_path, capsys):
    import shutil

    unit = tmp_path / "epoch-001"
    shutil.copytree(checkpoint, unit)
    edit, message = DAMAGED_STATE.get(case, (None, None))
    if case in DAMAGED_MODEL:
        damage, message = DAMAGED_MODEL[case]
        damage(unit)
        _rehash(unit)
    if edit is not None:
        meta = json.loads((unit / "model.json").read_text())
        edit(meta)
        (unit / "model.json").write_text(json.dumps(meta))
        _rehash(unit)
    out = tmp_path / "out"
    status = run(shakespeare.main, ["--resume", str(unit), "--train-epochs", "2", "--length", "3", "--out", str(out),
                                    "--quiet"])
    err = capsys.readouterr().err
    if message is None:
        assert status == 0 and (out / "checkpoints" / "epoch-002").is_dir(), err
        return
    assert status == 2 and err.count("\n") == 1 and err.startswith("error: ") and message in err, err
    assert "epoch-001" in err and not out.exists()


def _keras_file(path, build):
    build().save(path)
    return path


def _flat():
    inputs = keras.Input((40, 38))
    return keras.Model(inputs, keras.layers.Dense(38, activation="softmax")(keras.layers.Flatten()(inputs)))


def _lstm(units_out=38, activation="softmax"):
    inputs = keras.Input((40, 38))
    return keras.Model(inputs, keras.layers.Dense(units_out, activation=activation)(keras.layers.LSTM(4)(inputs)))


@pytest.mark.parametrize("case,build,extra,message", [
    ("input of rank 2", lambda: keras.Model(i := keras.Input((40,)), keras.layers.Dense(38)(i)), [], "maps (None, 40)"),
    ("50 outputs", lambda: _lstm(50), [], "to (None, 50)"),
    ("no softmax", lambda: _lstm(activation=None), [], "does not give a distribution"),
    ("stateful on another architecture", _flat, ["--mode", "stateful"], "expected the course architecture"),
])
def test_keras_model_that_is_not_the_char_lm_is_one_line(case, build, extra, message, tmp_path, capsys):
    path = _keras_file(tmp_path / "other.keras", build)
    out = tmp_path / "out"
    status = run(shakespeare.main, ["--model", str(path), "--length", "3", "--out", str(out), "--quiet", *extra])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and message in err and "other.keras" in err, err
    assert not out.exists()


def test_sigterm_during_a_checkpoint_save_is_not_lost(monkeypatch, tiny, tmp_path, capsys):
    """Keras' saver wraps opening its HDF5 store in a bare ``except``: a SIGTERM landing there was swallowed."""
    import os
    import signal

    from keras.src.saving import saving_lib

    from assignments.dinos.shakespeare.train import save_checkpoint
    from shared.run.checkpoints import CheckpointStore

    real, sent = saving_lib.is_memory_sufficient, []

    def signal_inside_the_save(model):
        sent.append(os.getpid())
        os.kill(os.getpid(), signal.SIGTERM)  # raised inside Keras' try block, at the next bytecode
        return real(model)

    monkeypatch.setattr(saving_lib, "is_memory_sufficient", signal_inside_the_save)
    model = _fresh(tiny)
    state = TrainState(epochs=1, seed=11, batch_size=64, chars=list(tiny.vocab.chars), n_examples=tiny.m)
    store = CheckpointStore(tmp_path / "checkpoints", "run")

    def save_one_unit(argv):  # what training does after each epoch
        with store.write("epoch-001") as unit:
            save_checkpoint(model, unit / "model.keras", state)
        return 0

    status = run(save_one_unit, [])
    store.close()
    assert sent and status == 143 and capsys.readouterr().err == "error: interrupted\n"
    assert not (tmp_path / "checkpoints" / "epoch-001").exists()  # the unit never appeared
