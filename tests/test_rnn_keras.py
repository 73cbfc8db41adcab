"""Assignment 1: Keras SimpleRNN / LSTM / GRU (float64) compute the numpy passes' states and gradients."""
from __future__ import annotations

import numpy as np
import pytest

from assignments.rnn_step_by_step import keras_weights as kw
from assignments.rnn_step_by_step.checks import CheckConfig, keras_checks, random_parameters

LAYERS = {"rnn": "keras SimpleRNN", "lstm": "keras LSTM", "gru": "keras GRU(reset_after=False)"}


@pytest.fixture(scope="module")
def rows():
    return keras_checks(CheckConfig())


@pytest.mark.parametrize("kind", list(LAYERS))
def test_keras_layer_matches_numpy(kind, rows):
    mine = [r for r in rows if r.case == LAYERS[kind]]
    names = {r.name for r in mine}
    assert {"a (all steps)", "dkernel (GradientTape)", "drecurrent_kernel (GradientTape)", "dbias (GradientTape)",
            "dx (GradientTape)", "da0 (GradientTape)", "a from Keras-initialised weights (from_keras)"} <= names
    if kind == "lstm":
        assert {"c (last step, return_state)", "c (all steps, layer.cell)"} <= names
    failed = [f"{r.name}: {r.error}" for r in mine if not r.ok]
    assert not failed, "\n".join(failed)
    assert all(r.error <= 1e-10 for r in mine)


def test_a_wrong_gate_order_breaks_parity(monkeypatch):
    monkeypatch.setattr(kw, "LSTM_KERAS_ORDER", ("f", "i", "c", "o"))  # Keras' order is i, f, c, o
    bad = keras_checks(CheckConfig(T_x=3), kinds=("lstm",))
    assert not any(r.ok for r in bad if r.name in {"a (all steps)", "dkernel (GradientTape)"})


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_maps_round_trip(kind):
    to_keras, from_keras = {"rnn": (kw.rnn_to_keras, kw.rnn_from_keras),
                            "lstm": (kw.lstm_to_keras, kw.lstm_from_keras),
                            "gru": (kw.gru_to_keras, kw.gru_from_keras)}[kind]
    params = random_parameters(kind, 3, 5, 2, np.random.default_rng(0))
    weights = to_keras(params)
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    assert [w.shape for w in weights] == [(3, gates * 5), (5, gates * 5), (gates * 5,)]
    back = from_keras(weights)
    assert set(back) | {"Wya", "by", "Wy"} >= set(params) - {"Wya", "by", "Wy"}
    for key, value in back.items():
        np.testing.assert_array_equal(value, params[key])


def test_lstm_gate_blocks_and_gru_update_gate_sign():
    params = {k: np.zeros((2, 5)) for k in ("Wf", "Wi", "Wc", "Wo")}
    params.update({k: np.zeros((2, 1)) for k in ("bf", "bi", "bc", "bo")})
    params["Wf"][0, 2] = 7.0  # acts on x (n_a = 2): kernel row 0, f block = columns 2..3
    params["bo"][1, 0] = 3.0
    kernel, recurrent, bias = kw.lstm_to_keras(params)
    assert kernel[0, 2] == 7.0 and np.count_nonzero(kernel) == 1 and not recurrent.any()
    assert bias[7] == 3.0 and np.count_nonzero(bias) == 1

    gru = random_parameters("gru", 3, 2, 1, np.random.default_rng(1))
    kernel, recurrent, bias = kw.gru_to_keras(gru)
    np.testing.assert_array_equal(kernel[:, :2], -gru["Wu"][:, 2:].T)  # z = 1 - Γu
    np.testing.assert_array_equal(recurrent[:, 2:4], gru["Wr"][:, :2].T)
    np.testing.assert_array_equal(bias[4:], gru["bc"][:, 0])


def test_maps_carry_gradients_and_dense():
    params = random_parameters("lstm", 3, 5, 2, np.random.default_rng(2))
    grads = {"d" + k: v for k, v in params.items()}
    assert all(np.array_equal(a, b) for a, b in zip(kw.lstm_to_keras(kw.strip_d(grads)), kw.lstm_to_keras(params)))
    dense = kw.dense_to_keras(params)
    assert dense[0].shape == (5, 2)
    np.testing.assert_array_equal(kw.dense_from_keras(dense)["Wy"], params["Wy"])


def test_map_rejects_wrong_shapes():
    with pytest.raises(ValueError, match="4 gate block"):
        kw.lstm_from_keras([np.zeros((3, 15)), np.zeros((5, 15)), np.zeros(15)])
    with pytest.raises(ValueError, match="reset_after=False"):
        kw.gru_from_keras([np.zeros((3, 15)), np.zeros((5, 15)), np.zeros((2, 15))])
