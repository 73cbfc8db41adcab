"""The jazz LSTM on Keras 3: course parameter counts, fused == unrolled, training, inference, saving."""
from __future__ import annotations

import math
import warnings

import keras
import numpy as np
import pytest

from assignments.jazz import course
from assignments.jazz.model import checkpoint
from assignments.jazz.midi.config import JazzConfig
from assignments.jazz.corpus.build import load_corpus
from assignments.jazz.corpus.windows import one_hot_windows, values_indices
from assignments.jazz.course import djmodel, music_inference_model, predict_and_sample
from assignments.jazz.model.inference import Sampler
from assignments.jazz.model.layers import CourseModel, TimeSummedCrossentropy, fused_model, make_layers
from assignments.jazz.model.train import (compile_course, compile_fused, course_optimizer, initial_states,
                                          train_fused, untrained_loss)
from shared.run import UserError
from shared.seed import set_seed


EPOCHS = 40  # enough for a greedy sequence that is not one value repeated
TX = 3       # the unrolled graphs are built for a short window: their cost grows with Tx, the maths does not


def train(X, Y, LSTM_cell, densor, reshaper, config, quiet=False):
    """What ``python -m assignments.jazz`` trains: the fused loop, or the course's djmodel with ``--unrolled``."""
    if config.fused:
        return train_fused(X, Y, LSTM_cell, densor, config, quiet)
    return course.train_course(X, Y, LSTM_cell, densor, reshaper, config, quiet)


def call(model, inputs) -> list[np.ndarray]:
    """The model's outputs for ``inputs``, called directly (``predict`` traces a graph first: seconds per model)."""
    out = model(inputs, training=False)
    return [np.asarray(o) for o in (out if isinstance(out, (list, tuple)) else [out])]


@pytest.fixture(scope="module")
def metheny(data_dir, tmp_path_factory):
    corpus = load_corpus(data_dir / "original_metheny.mid", "2021", cache_dir=tmp_path_factory.mktemp("cache"))
    val_indices, indices_values = values_indices(corpus.values)
    X, Y = one_hot_windows(corpus.corpus, val_indices, 60, 30)
    return corpus, X, Y, indices_values


@pytest.fixture(scope="module")
def trained(metheny):
    """Layers trained for a few fused epochs (shared by the inference and saving tests)."""
    corpus, X, Y, _ = metheny
    set_seed(1)
    reshaper, LSTM_cell, densor = make_layers(X.shape[2])
    result = train(X, Y, LSTM_cell, densor, reshaper, JazzConfig(epochs=EPOCHS, seed=1), quiet=True)
    return reshaper, LSTM_cell, densor, result


@pytest.mark.parametrize("n_values, expected", [(90, 45_530), (78, 41_678)])
def test_parameter_counts_match_the_course(n_values, expected):
    reshaper, LSTM_cell, densor = make_layers(n_values)
    model = djmodel(30, LSTM_cell, densor, reshaper)
    inference = music_inference_model(LSTM_cell, densor, Ty=10)
    fused = fused_model(30, LSTM_cell, densor)
    assert model.count_params() == inference.count_params() == fused.count_params() == expected
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == expected  # all trainable
    assert len(model.outputs) == 30 and len(inference.outputs) == 10
    assert model.outputs[0].shape == (None, n_values)
    assert len(model.layers) == 6  # Keras 3: the slices are ops, not layers (tf.keras 2 had 36)
    assert not any(type(layer).__name__ == "Lambda" for m in (model, inference) for layer in m.layers)
    assert isinstance(model, CourseModel) and isinstance(inference, CourseModel)


def test_fused_and_unrolled_share_weights_and_compute_the_same(metheny):
    _, X, Y, _ = metheny
    X, Y = X[:, :TX], Y[:TX]
    set_seed(3)
    reshaper, LSTM_cell, densor = make_layers(X.shape[2])
    model = compile_course(djmodel(TX, LSTM_cell, densor, reshaper))
    fused = compile_fused(fused_model(TX, LSTM_cell, densor))
    # make the weights non-trivial so the comparison means something
    rng = np.random.default_rng(0)
    for w in model.weights:
        w.assign(rng.normal(0, 0.3, w.shape).astype(np.float32))
    assert [id(v) for v in model.weights] == [id(v) for v in fused.weights]
    a0, c0 = initial_states(60, 64)
    outputs = call(model, [X, a0, c0])
    stacked = np.stack(outputs, axis=1)                                               # (m, Tx, n_values)
    (single,) = call(fused, [X, a0, c0])                                              # (m, Tx, n_values)
    np.testing.assert_allclose(single, stacked, atol=1e-5)
    # the loss each model was compiled with (the course's: categorical cross-entropy on each of the Tx outputs)
    course_loss = float(model.compute_loss(y=list(Y), y_pred=outputs))
    fused_loss = float(fused.compute_loss(y=np.transpose(Y, (1, 0, 2)), y_pred=single))
    assert fused_loss == pytest.approx(course_loss, rel=1e-5)
    # the course's loss is the sum of the Tx heads' batch-mean cross-entropies
    by_hand = sum(float(np.mean(-np.sum(Y[t] * np.log(np.clip(stacked[:, t], 1e-7, 1)), axis=-1)))
                  for t in range(TX))
    assert course_loss == pytest.approx(by_hand, rel=1e-4)


def test_both_training_paths_make_the_same_update(metheny):
    """One epoch on 32 windows is one Adam update: ``fit`` on djmodel and the fused loop must agree."""
    _, X, Y, _ = metheny
    X, Y = X[:32, :TX], Y[:TX, :32]
    weights_after, losses = [], []
    for fused in (False, True):
        set_seed(5)
        reshaper, LSTM_cell, densor = make_layers(X.shape[2])
        result = train(X, Y, LSTM_cell, densor, reshaper, JazzConfig(epochs=1, unrolled=not fused, seed=5), quiet=True)
        assert len(result.model.outputs) == (1 if fused else TX)
        assert int(result.model.optimizer.iterations.numpy()) == 1
        weights_after.append([w.numpy() for w in LSTM_cell.weights + densor.weights])
        losses.append(result.losses[0])
    assert losses[1] == pytest.approx(losses[0], rel=1e-5)
    assert abs(losses[0] - TX * math.log(90)) < 1.0  # every step of a cut window has a target
    for course_w, fused_w in zip(*weights_after):
        np.testing.assert_allclose(fused_w, course_w, atol=1e-5)


def test_course_decay_schedule():
    optimizer = course_optimizer(JazzConfig())
    schedule = optimizer.learning_rate if callable(optimizer.learning_rate) else optimizer._learning_rate
    assert float(schedule(0)) == pytest.approx(0.01)
    assert float(schedule(200)) == pytest.approx(0.01 / (1 + 0.01 * 200))  # after 100 epochs of 2 updates
    assert optimizer.beta_1 == 0.9 and optimizer.beta_2 == 0.999


def test_untrained_loss_is_29_ln_n(metheny):
    _, X, Y, _ = metheny
    set_seed(0)
    reshaper, LSTM_cell, densor = make_layers(X.shape[2])
    fused = compile_fused(fused_model(30, LSTM_cell, densor))
    a0, c0 = initial_states(60, 64)
    (pred,) = call(fused, [X, a0, c0])
    loss = float(fused.compute_loss(y=np.transpose(Y, (1, 0, 2)), y_pred=pred))
    assert untrained_loss(90) == pytest.approx(29 * math.log(90))
    assert abs(loss - untrained_loss(90)) < 1.0


def test_fused_training_learns_and_is_reproducible(metheny, trained):
    _, X, Y, _ = metheny
    result = trained[3]
    assert len(result.losses) == EPOCHS
    assert abs(result.losses[0] - untrained_loss(90)) < 1.5
    assert result.losses[-1] < result.losses[0] / 2
    assert int(result.model.optimizer.iterations.numpy()) == 2 * EPOCHS  # 2 updates per epoch (32 + 28)
    set_seed(1)
    reshaper, LSTM_cell, densor = make_layers(X.shape[2])
    again = train(X, Y, LSTM_cell, densor, reshaper, JazzConfig(epochs=3, seed=1), quiet=True)
    np.testing.assert_allclose(again.losses, result.losses[:3], rtol=1e-5)


def test_greedy_sampler_is_the_course_decoding(trained):
    """The compiled greedy loop gives the inference model's own argmax sequence, which ``predict`` gives too."""
    _, LSTM_cell, densor, _ = trained
    Ty = 12
    inference = music_inference_model(LSTM_cell, densor, Ty=Ty)
    pred = course._model_call(inference, [np.zeros((1, 1, 90)), np.zeros((1, 64)), np.zeros((1, 64))])
    literal = np.argmax(pred, axis=-1)                                                # (Ty, 1), as the course
    assert pred.shape == (Ty, 1, 90) and len(set(literal.ravel().tolist())) > 1  # "not all identical"
    fast = Sampler(LSTM_cell, densor, greedy=True)(Ty)
    np.testing.assert_array_equal(fast, literal.ravel())
    results, indices = predict_and_sample(inference)  # a model of music_inference_model: the compiled loop
    np.testing.assert_array_equal(indices, literal)
    small = music_inference_model(LSTM_cell, densor, Ty=3)
    zeros = [np.zeros((1, 1, 90)), np.zeros((1, 64)), np.zeros((1, 64))]
    np.testing.assert_allclose(course._model_call(small, zeros),
                               np.asarray(small.predict(zeros, verbose=0)), atol=1e-6)  # calling it = predict


def test_sampler_seeded_streams_top_k_and_validation(trained):
    _, LSTM_cell, densor, _ = trained
    sampler = Sampler(LSTM_cell, densor, greedy=False, temperature=1.0)
    first = sampler(40, seed=7, stream=0)
    np.testing.assert_array_equal(first, sampler(40, seed=7, stream=0))
    assert not np.array_equal(first, sampler(40, seed=7, stream=1))
    assert not np.array_equal(first, sampler(40, seed=8, stream=0))
    assert first.min() >= 0 and first.max() < 90
    greedy = Sampler(LSTM_cell, densor, greedy=True)(40)
    np.testing.assert_array_equal(Sampler(LSTM_cell, densor, greedy=False, top_k=1)(40, seed=3), greedy)
    # top-k: the first value is always one of the k most likely first values
    probs = densor(LSTM_cell(np.zeros((1, 1, 90), np.float32), initial_state=[np.zeros((1, 64))] * 2)[0])
    top3 = set(np.argsort(np.asarray(probs)[0])[-3:].tolist())
    top_k = Sampler(LSTM_cell, densor, greedy=False, top_k=3, temperature=2.0)
    assert {int(top_k(1, seed=s)[0]) for s in range(30)} <= top3
    with pytest.raises(ValueError, match="temperature"):
        Sampler(LSTM_cell, densor, greedy=False, temperature=0.0)
    with pytest.raises(ValueError, match="top-k"):
        Sampler(LSTM_cell, densor, greedy=False, top_k=91)
    with pytest.raises(ValueError, match="Ty"):
        sampler(0)


def test_sampler_indices_do_not_depend_on_its_unrolling(trained, monkeypatch):
    """UNROLL is a speed setting only: the same indices for a Ty that is a multiple of it and for one that is not."""
    _, LSTM_cell, densor, _ = trained
    wanted = Sampler(LSTM_cell, densor, greedy=False, temperature=1.0)
    expected = [wanted(Ty, seed=5, stream=2) for Ty in (7, 12)]
    monkeypatch.setattr(Sampler, "UNROLL", 5)
    other = Sampler(LSTM_cell, densor, greedy=False, temperature=1.0)
    for Ty, indices in zip((7, 12), expected):
        np.testing.assert_array_equal(other(Ty, seed=5, stream=2), indices)


def test_models_save_and_load_with_safe_mode(trained, tmp_path):
    reshaper, LSTM_cell, densor, _ = trained
    x = np.zeros((2, TX, 90), np.float32)
    x[:, 1:, 5] = 1
    a0, c0 = initial_states(2, 64)
    for model in (djmodel(TX, LSTM_cell, densor, reshaper), music_inference_model(LSTM_cell, densor, Ty=4),
                  fused_model(TX, LSTM_cell, densor)):
        inputs = [x[:, :1], a0, c0] if model.inputs[0].shape[1] == 1 else [x, a0, c0]
        path = tmp_path / f"{model.name}.keras"
        model.save(path)
        back = keras.models.load_model(path, safe_mode=True)
        assert type(back) is type(model)  # the course's models come back as CourseModel (registered)
        for e, g in zip(call(model, inputs), call(back, inputs)):
            np.testing.assert_allclose(g, e, atol=1e-6)
    model = compile_fused(fused_model(TX, LSTM_cell, densor))
    model.save(tmp_path / "compiled.keras")  # the registered loss deserializes under safe_mode
    with warnings.catch_warnings():  # an untrained optimizer has no slot variables to restore; Keras says so
        warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
        loaded = keras.models.load_model(tmp_path / "compiled.keras", safe_mode=True)
    assert isinstance(loaded.loss, TimeSummedCrossentropy)


def test_checkpoint_round_trip_and_errors(trained, metheny, tmp_path):
    corpus = metheny[0]
    _, LSTM_cell, densor, result = trained
    paths = checkpoint.save_model(result.model, tmp_path, corpus.values)
    assert paths["weights"].name == "model.weights.h5"
    expected = [w.numpy() for w in LSTM_cell.weights + densor.weights]
    for which in ("model", "weights"):
        _, fresh_cell, fresh_densor = make_layers(90)
        checkpoint.load_into(paths[which], fresh_cell, fresh_densor, corpus.values)
        for e, g in zip(expected, [w.numpy() for w in fresh_cell.weights + fresh_densor.weights]):
            np.testing.assert_array_equal(g, e)
    _, cell78, densor78 = make_layers(78)
    with pytest.raises(UserError, match="different vocabulary"):
        checkpoint.load_into(paths["model"], cell78, densor78, corpus.values[:78])
    (tmp_path / "values.json").unlink()
    with pytest.raises(UserError, match="78 values"):
        checkpoint.load_into(paths["model"], cell78, densor78, corpus.values[:78])
    with pytest.raises(UserError, match="not found"):
        checkpoint.load_into(tmp_path / "missing.keras", cell78, densor78, corpus.values)
    junk = tmp_path / "junk.keras"
    junk.write_bytes(b"not a zip")
    with pytest.raises(UserError, match="cannot load model"):
        checkpoint.load_into(junk, cell78, densor78, corpus.values)


def test_load_of_another_architecture_names_what_differs(tmp_path):
    """A .keras model with one LSTM and one Dense of the right sizes but another input width: one line, before
    set_weights."""
    from assignments.jazz.model.layers import make_layers

    inputs = keras.Input(shape=(None, 12))
    hidden = keras.layers.LSTM(64)(inputs)
    foreign = keras.Model(inputs, keras.layers.Dense(90)(hidden))
    path = tmp_path / "foreign.keras"
    foreign.save(path)
    _, LSTM_cell, densor = make_layers(90)
    with pytest.raises(UserError, match=r"foreign\.keras: LSTM kernel is \(12, 256\), this model needs \(90, 256\) "
                                        r"\(another architecture\)$"):
        checkpoint.load_into(path, LSTM_cell, densor, [f"v{i}" for i in range(90)])


def test_full_disk_is_one_line_before_h5py_writes(tmp_path, monkeypatch):
    import shutil
    from collections import namedtuple

    from assignments.jazz.model.layers import fused_model, make_layers

    _, LSTM_cell, densor = make_layers(10)
    model = fused_model(None, LSTM_cell, densor)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 50_000, 50_000))
    with pytest.raises(UserError, match=r"cannot write the model into .*: 0\.1 MB free, about 2\.\d MB needed"):
        checkpoint.save_model(model, tmp_path, [f"v{i}" for i in range(10)])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("temperature,top_k", [(1.0, None), (0.7, 5), (1.5, 1)])
def test_compiled_sampler_draws_what_the_sampling_protocol_draws(temperature, top_k):
    """The compiled loop (the fast path) against shared.sampling.generate over lstm_step, re-weighted by reweight and
    drawn with the loop's own Gumbel noise: the same indices."""
    from assignments.jazz.model.inference import lstm_step
    from shared.sampling import generate

    set_seed(11)
    _, LSTM_cell, densor = make_layers(90)
    fused_model(None, LSTM_cell, densor)  # builds the layers (random weights: a spread-out distribution)
    sampler = Sampler(LSTM_cell, densor, greedy=False, temperature=temperature, top_k=top_k)
    noise = iter(sampler.noise(30, seed=3, stream=1))

    def gumbel_draw(q, rng):
        with np.errstate(divide="ignore"):
            return int(np.argmax(np.log(q) + next(noise)))

    drawn = generate(lstm_step(LSTM_cell, densor), None, 30, None, temperature=temperature, top_k=top_k,
                     draw=gumbel_draw)
    assert drawn == sampler(30, seed=3, stream=1).tolist()
    assert len(set(drawn)) > (1 if top_k == 1 else 5)  # really sampled, not one value repeated
