"""Dinosaur Island, Keras: the SimpleRNN model *is* the numpy model (converter both ways, same log-probabilities),
training on a fixed held-out split, saving/loading, and seeded sampling with temperature and top-k."""
from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from assignments.dinos import course, fast
from assignments.dinos import keras_model as km
from assignments.dinos.data import encode, load_names, split_names
from assignments.dinos.sample import (bits_per_char, classify, decode, generate, log_probs_numpy,
                                      numpy_step)

NAMES = ["turiasaurus", "ornithomimus", "aardonyx", "zuul", "tyrannosaurus"]


@pytest.fixture(scope="module")
def dinos(data_dir):
    return load_names(data_dir / "dinos.txt")


@pytest.fixture(scope="module")
def trained_numpy(dinos):
    """The course model after 500 iterations (non-trivial, non-symmetric parameters)."""
    params, _ = fast.model(list(dinos.names), dinos.ix_to_char, dinos.char_to_ix, 500, out=lambda *_: None)
    return params


def sample_numpy(parameters, n, rng, temperature=1.0, top_k=None, max_length=50):
    """``n`` names from the numpy model, each from a zero state (as the command samples them)."""
    a0 = np.zeros((parameters["Waa"].shape[0], n))
    return generate(numpy_step(parameters), a0, n, rng, temperature, top_k, max_length)


def course_log_prob(params, name, char_to_ix):
    """-loss of the course's rnn_forward on one name from a zero state."""
    X = [None] + encode(name, char_to_ix)
    Y = X[1:] + [char_to_ix["\n"]]
    loss, _ = course.rnn_forward(X, Y, np.zeros((params["Waa"].shape[0], 1)), params)
    return -loss


def test_converter_round_trip_is_exact(trained_numpy):
    model = km.build_model(50, "simple_rnn", dtype="float64")
    km.numpy_to_keras(trained_numpy, model)
    back = km.keras_to_numpy(model)
    for key, value in trained_numpy.items():
        assert back[key].shape == value.shape
        assert np.array_equal(back[key], value), key
    assert model.count_params() == sum(v.size for v in trained_numpy.values()) == 50 * 27 + 50 * 50 + 50 + 27 * 50 + 27


def test_keras_simple_rnn_gives_the_course_log_probability(trained_numpy, dinos):
    model = km.build_model(50, "simple_rnn", dtype="float64")
    km.numpy_to_keras(trained_numpy, model)
    encoded = [encode(n, dinos.char_to_ix) for n in NAMES]
    keras_lp = km.log_probs_keras(model, encoded)
    for name, lp in zip(NAMES, keras_lp):
        assert lp == pytest.approx(course_log_prob(trained_numpy, name, dinos.char_to_ix), abs=1e-6), name
    # the batched numpy scorer agrees with the course's rnn_forward too
    np.testing.assert_allclose(log_probs_numpy(trained_numpy, encoded),
                               [course_log_prob(trained_numpy, n, dinos.char_to_ix) for n in NAMES], atol=1e-9)


def test_keras_weights_back_to_numpy_give_the_same_model(dinos):
    """A float32 Keras model (random init) converted to the course's dict scores names the same (float32 tol)."""
    keras.utils.set_random_seed(3)
    model = km.build_model(16, "simple_rnn")
    params = km.keras_to_numpy(model)
    encoded = [encode(n, dinos.char_to_ix) for n in NAMES]
    np.testing.assert_allclose(km.log_probs_keras(model, encoded), log_probs_numpy(params, encoded), atol=1e-4)
    assert params["Wax"].shape == (16, 27) and params["by"].shape == (27, 1)


def test_converter_rejects_mismatches(trained_numpy):
    from shared.run import UserError
    with pytest.raises(UserError, match="do not fit"):
        km.numpy_to_keras(trained_numpy, km.build_model(8, "simple_rnn"))
    with pytest.raises(UserError, match="only a one-layer one-hot SimpleRNN"):
        km.keras_to_numpy(km.build_model(8, "gru"))


def test_encode_batch_matches_the_course_inputs():
    x, y, w = km.encode_batch([[1, 2], [3]])
    assert x.shape == (2, 3, 27) and not x[:, 0].any()  # X[0] = None: the zero vector
    assert x[0, 1, 1] == 1 and x[0, 2, 2] == 1 and x[1, 1, 3] == 1 and x.sum() == 3
    assert y.tolist() == [[1, 2, 0], [3, 0, 0]] and w.tolist() == [[1, 1, 1], [1, 1, 0]]


def test_held_out_split_is_fixed(dinos):
    train, held = split_names(dinos.names)
    np.random.seed(123)  # global state and training seeds do not move it
    train2, held2 = split_names(list(reversed(dinos.names)))
    assert (train, held) == (train2, held2)
    assert not set(train) & set(held) and set(train) | set(held) == set(dinos.names)
    assert len(held) == round(0.1 * len(set(dinos.names)))
    assert split_names(dinos.names, seed=1)[1] != held


@pytest.fixture(scope="module")
def tiny_training(dinos):
    train, held = split_names(dinos.names)
    enc_train = [encode(s, dinos.char_to_ix) for s in train[:300]]
    enc_held = [encode(s, dinos.char_to_ix) for s in held[:60]]
    run = lambda: km.train(enc_train, enc_held, n_a=16, cell="gru", epochs=2, batch_size=64, seed=5)  # noqa: E731
    return run(), run(), enc_held


def test_keras_training_reports_per_epoch_and_is_reproducible(tiny_training):
    first, second, enc_held = tiny_training
    assert first.epochs == [1, 2]
    assert len(first.train_loss) == len(first.held_out_bpc) == 2
    assert all(math.isfinite(v) for v in first.train_loss + first.held_out_bpc)
    assert first.held_out_bpc[-1] < math.log2(27)  # better than uniform
    assert first.held_out_bpc[-1] < first.held_out_bpc[0]
    assert first.train_loss == second.train_loss and first.held_out_bpc == second.held_out_bpc
    held_out = bits_per_char(km.log_probs_keras(first.model, enc_held), enc_held)
    assert first.held_out_bpc[-1] == pytest.approx(held_out, abs=1e-12)


def test_saved_model_loads_in_safe_mode(tiny_training, tmp_path):
    model = tiny_training[0].model
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    x, _, _ = km.encode_batch([[1, 2, 3]])
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(model(x)), atol=1e-6)


def test_keras_sampling_is_seeded_and_well_formed(tiny_training):
    model = tiny_training[0].model
    draw = lambda seed: generate(km.keras_step(model), km.initial_states(model, 8), 8,  # noqa: E731
                                 np.random.default_rng(seed), temperature=0.8, top_k=5)
    a, b = draw(1), draw(1)
    assert a == b
    assert all(s[-1] == 0 and 0 not in s[:-1] and len(s) <= 51 for s in a)


def test_keras_step_matches_the_full_model(tiny_training):
    """The per-character cell calls used for sampling give the full model's probabilities."""
    model = tiny_training[0].model
    name = [20, 21, 18]
    x, _, _ = km.encode_batch([name])
    full = np.asarray(model(x))[0]  # (T_x, 27)
    step, states = km.keras_step(model), km.initial_states(model, 1)
    x_ix = None
    for t in range(len(name) + 1):
        p, states = step(x_ix, states)
        np.testing.assert_allclose(p[0], full[t], atol=1e-5)
        x_ix = np.array([name[t]]) if t < len(name) else None


def test_numpy_sampling(trained_numpy, dinos):
    a = sample_numpy(trained_numpy, 50, np.random.default_rng(0), temperature=1.0)
    assert a == sample_numpy(trained_numpy, 50, np.random.default_rng(0), temperature=1.0)
    assert a != sample_numpy(trained_numpy, 50, np.random.default_rng(1), temperature=1.0)
    assert all(s[-1] == 0 and len(s) <= 51 and 0 not in s[:-1] for s in a)
    greedy = sample_numpy(trained_numpy, 3, np.random.default_rng(0), top_k=1)
    assert greedy[0] == greedy[1] == greedy[2]  # top-1 is deterministic
    # the first character follows the model's distribution (a loose statistical check, 4000 draws)
    first = [s[0] for s in sample_numpy(trained_numpy, 4000, np.random.default_rng(2), max_length=1)]
    a0 = np.zeros((50, 1))
    z = trained_numpy["Wya"] @ np.tanh(trained_numpy["Waa"] @ a0 + trained_numpy["b"]) + trained_numpy["by"]
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    freq = np.bincount(first, minlength=27) / 4000
    assert np.abs(freq - p[:, 0]).max() < 0.03


def test_capped_names_end_with_newline(dinos):
    params = course.initialize_parameters(8, 27, 27)
    params["by"][1] = 50.0  # 'a' always
    names = sample_numpy(params, 2, np.random.default_rng(0))
    assert names[0] == [1] * 50 + [0] and decode(names[0], dinos.ix_to_char) == "a" * 50


def test_classify_and_bits_per_char():
    report = classify(["abc", "xyz", "abc", "new"], train=["abc"], held_out=["xyz"])
    assert report.labels == ("in train", "in held-out", "in train", "new")
    assert report.counts == {"in train": 2, "in held-out": 1, "new": 1} and report.unique == 3
    assert report.summary() == "4 names: in train 2, in held-out 1, new 1; 3 unique"
    assert bits_per_char(np.array([-np.log(27) * 3]), [[1, 2]]) == pytest.approx(math.log2(27))


def test_early_stopping_keeps_the_best_epoch(dinos):
    """On 40 names the model overfits: training stops `patience` epochs after the best held-out score, and the
    model holds that epoch's weights (its held-out score is the best one, not the last one)."""
    train, held = split_names(dinos.names)
    enc_train = [encode(s, dinos.char_to_ix) for s in train[:40]]
    enc_held = [encode(s, dinos.char_to_ix) for s in held[:40]]
    result = km.train(enc_train, enc_held, n_a=32, cell="gru", embedding=8, epochs=60, patience=2, batch_size=8,
                      learning_rate=0.03, seed=1)
    scores = result.held_out_bpc
    assert result.stopped == "patience" and result.best_epoch == int(np.argmin(scores)) + 1
    assert len(scores) >= result.best_epoch + 1 and min(scores) < scores[-1]
    assert all(min(scores[:e]) - scores[e] <= km.MIN_GAIN for e in (-2, -1))  # 2 epochs without a gain: stop
    now = bits_per_char(km.log_probs_keras(result.model, enc_held), enc_held)
    assert now == pytest.approx(result.best_bpc, abs=1e-6) and now < scores[-1] - 1e-4
    budget = km.train(enc_train, enc_held, n_a=8, cell="gru", epochs=50, time_budget=1e-9, weight_decay=0.1, seed=1)
    assert budget.stopped == "time budget" and budget.epochs == [1]
    assert type(budget.model.optimizer).__name__ == "AdamW" and type(result.model.optimizer).__name__ == "Adam"


def test_stacked_embedding_model_steps_like_the_full_model():
    """Sampling steps every layer's cell; with an embedding, dropout and two LSTM layers it is still the model."""
    model = km.build_model(12, "lstm", 27, layers=2, embedding=5, dropout=0.5)
    name = [3, 1, 18]
    x, _, _ = km.encode_batch([name], one_hot=False)
    full = np.asarray(model(x, training=False))[0]
    step, states = km.keras_step(model), km.initial_states(model, 1)
    assert len(states) == 4  # h and c of two layers
    x_ix = None
    for t in range(len(name) + 1):
        p, states = step(x_ix, states)
        np.testing.assert_allclose(p[0], full[t], atol=1e-5)
        x_ix = np.array([name[t]]) if t < len(name) else None


def test_empty_names_are_never_new():
    report = classify(["", "rex", "", "zuul"], ["zuul"], ["aa"])
    assert report.labels == ("empty", "new", "empty", "in train")
    assert report.counts == {"in train": 1, "in held-out": 0, "new": 1, "empty": 2}
    assert classify(["rex"], []).counts == {"in train": 0, "new": 1}  # no empty: no "empty" count


def test_an_ensemble_with_averaged_weights_trains_saves_and_steps_like_itself(dinos, tmp_path):
    """Two networks side by side (each on its own loss), input and state dropout, bfloat16 products and a moving
    average of the weights: the model is the networks' mean, the held-out score is the averaged weights' (the ones
    kept), it loads in safe mode, and sampling steps it exactly."""
    train, held = split_names(dinos.names)
    enc_train = [encode(s, dinos.char_to_ix) for s in train[:200]]
    enc_held = [encode(s, dinos.char_to_ix) for s in held[:40]]
    result = km.train(enc_train, enc_held, n_a=12, cell="lstm", layers=2, embedding=6, dropout=0.2,
                      input_dropout=0.2, recurrent_dropout=0.2, members=2, matmul="bfloat16", average_epochs=0.5,
                      epochs=3, batch_size=32, learning_rate=0.01, lr_drop=1.0, seed=3)
    model = result.model
    assert [layer.name for layer in model.layers if layer.name.startswith("next_char")] == [
        "next_char_m1", "next_char_m2", "next_char"]
    x, _, _ = km.encode_batch([[3, 1, 18]], one_hot=False)
    members = [np.asarray(keras.Model(model.input, model.get_layer(f"next_char_m{k}").output)(x)) for k in (1, 2)]
    full = np.asarray(model(x, training=False))
    np.testing.assert_allclose(full, (members[0] + members[1]) / 2, atol=1e-6)
    assert not np.allclose(members[0], members[1], atol=1e-3)  # two networks, not one twice
    now = bits_per_char(km.log_probs_keras(model, enc_held), enc_held)
    assert now == pytest.approx(result.best_bpc, abs=1e-6)
    path = tmp_path / "ensemble.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    np.testing.assert_allclose(np.asarray(loaded(x)), full, atol=1e-6)
    step, states = km.keras_step(loaded), km.initial_states(loaded, 1)
    assert len(states) == 8  # h and c of two layers in each of two networks
    x_ix = None
    for t, ch in enumerate([3, 1, 18, None]):
        p, states = step(x_ix, states)
        np.testing.assert_allclose(p[0], full[0, t], atol=1e-5)
        x_ix = None if ch is None else np.array([ch])


def _lstm_steps(x, h, c, mask, kernel, recurrent, bias):
    """numpy LSTM (Keras' gate order i, f, c, o) with ``h * mask`` entering every step's recurrent product."""
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    out = []
    for t in range(x.shape[1]):
        i, f, g, o = np.split(x[:, t] @ kernel + (h * mask) @ recurrent + bias, 4, axis=1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        out.append(h)
    return np.stack(out, axis=1)


def test_state_dropout_is_one_mask_per_name_shared_by_the_gates():
    """The LSTM cell behind ``recurrent_dropout``: without training it is Keras' LSTM; in training every step's
    previous state is multiplied by one mask per name (the same for all four gates and every step), drawn once per
    batch, with the kept units scaled by 1 / (1 - rate)."""
    rng = np.random.default_rng(0)
    m, T, n_x, n_a, rate = 4, 6, 3, 5, 0.4
    x = rng.normal(size=(m, T, n_x)).astype(np.float32)
    layer = keras.layers.RNN(km.StateDropoutLSTMCell(n_a, recurrent_dropout=rate), return_sequences=True)
    plain = keras.layers.LSTM(n_a, return_sequences=True)
    layer.build(x.shape), plain.build(x.shape)
    weights = [w + rng.normal(scale=0.3, size=w.shape).astype(np.float32) for w in layer.get_weights()]
    layer.set_weights(weights), plain.set_weights(weights)
    zeros = np.zeros((m, n_a))
    expected = _lstm_steps(x, zeros, zeros, np.ones((m, n_a)), *weights)
    np.testing.assert_allclose(np.asarray(layer(x, training=False)), np.asarray(plain(x)), atol=1e-6)
    np.testing.assert_allclose(np.asarray(layer(x, training=False)), expected, atol=1e-5)

    drawn = np.asarray(layer.cell.get_recurrent_dropout_mask(np.ones((m, n_a), np.float32)))
    layer.cell.reset_recurrent_dropout_mask()
    assert drawn.shape == (m, n_a) and set(np.unique(drawn)) <= {0.0, np.float32(1 / (1 - rate))}
    mask = np.where(rng.random((m, n_a)) < rate, 0.0, 1 / (1 - rate)).astype(np.float32)
    layer.cell._recurrent_dropout_mask = mask  # the mask the layer draws before its first step, given here
    trained = np.asarray(layer(x, training=True))
    np.testing.assert_allclose(trained, _lstm_steps(x, zeros, zeros, mask, *weights), atol=1e-5)
    assert not np.allclose(trained, expected, atol=1e-3)
    a, b = np.asarray(layer(x, training=True)), np.asarray(layer(x, training=True))
    assert not np.allclose(a, b)  # a new mask for every batch
    with pytest.raises(ValueError, match="Dropout layer"):
        km.StateDropoutLSTMCell(n_a, dropout=0.1)


def _bf16(a):
    import ml_dtypes  # TensorFlow's own bfloat16 type for numpy

    return np.asarray(a, np.float32).astype(ml_dtypes.bfloat16).astype(np.float32)


def test_bfloat16_products_round_their_inputs_and_sum_and_nothing_else():
    """``matmul_dtype="bfloat16"``: each step's two products take bfloat16 inputs and give a bfloat16 sum; the bias,
    the gates and the state stay float32. The layer rounds the weights once per sequence, a cell stepped on its own
    (sampling) at every step: the same numbers. The setting is saved with the model."""
    rng = np.random.default_rng(1)
    m, T, n_x, n_a = 4, 5, 3, 6
    x = rng.normal(size=(m, T, n_x)).astype(np.float32)
    low = km.StateDropoutLSTM(km.StateDropoutLSTMCell(n_a, matmul_dtype="bfloat16"), return_sequences=True)
    full = keras.layers.LSTM(n_a, return_sequences=True)
    low.build(x.shape), full.build(x.shape)
    kernel, recurrent, bias = [w + rng.normal(scale=0.3, size=w.shape).astype(np.float32) for w in low.get_weights()]
    low.set_weights([kernel, recurrent, bias]), full.set_weights([kernel, recurrent, bias])
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    h = c = np.zeros((m, n_a), np.float32)
    expected = []
    for t in range(T):  # numpy, with the rounding the docstring names
        z = _bf16(_bf16(_bf16(x[:, t]) @ _bf16(kernel)) + _bf16(_bf16(h) @ _bf16(recurrent))) + bias
        i, f, g, o = np.split(z, 4, axis=1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        expected.append(h)
    out = np.asarray(low(x))
    assert out.dtype == np.float32 and low.cell.cast_weights is None
    # one bfloat16 step (8 significant bits) apart at most, where a product's float sum rounds the other way
    np.testing.assert_allclose(out, np.stack(expected, axis=1), atol=4e-3)
    assert 1e-4 < np.abs(out - np.asarray(full(x))).max() < 3e-2  # rounded, but close to float32
    states, stepped = [np.zeros((m, n_a), np.float32)] * 2, []
    for t in range(T):
        h, states = low.cell(x[:, t], states)
        stepped.append(np.asarray(h))
    np.testing.assert_allclose(np.stack(stepped, axis=1), out, atol=1e-6)
    again = keras.layers.deserialize(keras.layers.serialize(low))
    assert again.cell.matmul_dtype == "bfloat16" and isinstance(again, km.StateDropoutLSTM)
    with pytest.raises(ValueError, match="lstm cell, not gru"):
        km.build_model(8, "gru", embedding=4, matmul_dtype="bfloat16")
    assert isinstance(km.build_model(8, "lstm", embedding=4, matmul_dtype="float32").get_layer("rnn"),
                      keras.layers.LSTM)  # float32 without state dropout: Keras' own layer


def test_a_small_lists_epoch_is_several_passes_over_its_names(dinos, monkeypatch):
    """``epoch_batches``: 40 names in batches of 16 are 3 batches a pass; an epoch of at least 7 batches is 3 passes,
    each shuffled anew (every name seen once per pass); 0 keeps one pass an epoch."""
    enc = [encode(s, dinos.char_to_ix) for s in dinos.names[:50]]
    passes, real = [], km.batches
    monkeypatch.setattr(km, "batches", lambda *a, **k: passes.append(real(*a, **k)) or passes[-1])
    settings = dict(n_a=4, cell="gru", embedding=4, epochs=2, batch_size=16, seed=0)
    km.train(enc[:40], enc[40:], epoch_batches=7, **settings)
    assert len(passes) == 6 and all(sorted(np.concatenate(p).tolist()) == list(range(40)) for p in passes)
    assert [p[0].tolist() for p in passes[:2]] != [passes[0][0].tolist()] * 2  # a new shuffle every pass
    passes.clear()
    km.train(enc[:40], enc[40:], epoch_batches=0, **settings)
    assert len(passes) == 2


def test_the_moving_average_is_what_is_scored_and_kept(dinos):
    """With ``average_epochs`` the kept weights are the optimizer's averages, not the last raw weights: a very slow
    average (over 50 epochs of a few batches) stays near the initial weights and scores far worse than the raw
    ones."""
    train, held = split_names(dinos.names)
    enc_train = [encode(s, dinos.char_to_ix) for s in train[:200]]
    enc_held = [encode(s, dinos.char_to_ix) for s in held[:40]]
    settings = dict(n_a=16, cell="gru", embedding=8, epochs=2, batch_size=16, learning_rate=0.02, seed=4)
    raw = km.train(enc_train, enc_held, **settings)
    slow = km.train(enc_train, enc_held, average_epochs=50, **settings)
    assert raw.train_loss == pytest.approx(slow.train_loss, rel=1e-5)  # the same training ...
    assert slow.held_out_bpc[-1] > raw.held_out_bpc[-1] + 0.3  # ... scored on its (slow) average
