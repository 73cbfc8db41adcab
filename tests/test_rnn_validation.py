"""Assignment 1: shape mismatches raise ValueError naming the shapes, before any numpy broadcasting."""
from __future__ import annotations

import numpy as np
import pytest

from assignments.rnn_step_by_step import (gru_backward, gru_cell_forward, gru_forward, lstm_backward,
                                          lstm_backward_fast, lstm_cell_backward, lstm_cell_forward, lstm_forward,
                                          lstm_forward_fast, rnn_backward, rnn_cell_backward, rnn_cell_forward,
                                          rnn_forward)
from assignments.rnn_step_by_step.checks import random_parameters

RNG = np.random.default_rng(0)
RNN = random_parameters("rnn", 3, 5, 2, RNG)
LSTM = random_parameters("lstm", 3, 5, 2, RNG)
GRU = random_parameters("gru", 3, 5, 2, RNG)


def test_rnn_cell_forward_names_x_and_wax():
    with pytest.raises(ValueError, match=r"rnn_cell_forward: Wax has shape \(5, 3\), expected \(5, 4\)"):
        rnn_cell_forward(np.zeros((4, 10)), np.zeros((5, 10)), RNN)


def test_rnn_forward_names_a0():
    with pytest.raises(ValueError, match=r"rnn_forward: a0 has shape \(5, 9\), expected \(5, 10\).*m=10 from x"):
        rnn_forward(np.zeros((3, 10, 4)), np.zeros((5, 9)), RNN)


def test_rnn_forward_wants_3d_x():
    with pytest.raises(ValueError, match=r"x must be 3-D \(n_x, m, T_x\), got shape \(3, 10\)"):
        rnn_forward(np.zeros((3, 10)), np.zeros((5, 10)), RNN)


def test_inconsistent_parameters():
    bad = {**RNN, "ba": np.zeros((4, 1))}
    with pytest.raises(ValueError, match=r"ba has shape \(4, 1\), expected \(5, 1\)"):
        rnn_cell_forward(np.zeros((3, 10)), np.zeros((5, 10)), bad)
    bad = {**LSTM, "Wo": np.zeros((5, 7))}
    with pytest.raises(ValueError, match=r"lstm_forward: Wo has shape \(5, 7\), expected \(5, 8\)"):
        lstm_forward(np.zeros((3, 10, 2)), np.zeros((5, 10)), bad)


def test_missing_key():
    params = {k: v for k, v in LSTM.items() if k != "bc"}
    with pytest.raises(ValueError, match="parameters is missing bc"):
        lstm_cell_forward(np.zeros((3, 10)), np.zeros((5, 10)), np.zeros((5, 10)), params)


def test_lstm_cell_c_prev_and_gru():
    with pytest.raises(ValueError, match=r"c_prev has shape \(5, 3\), expected \(5, 10\)"):
        lstm_cell_forward(np.zeros((3, 10)), np.zeros((5, 10)), np.zeros((5, 3)), LSTM)
    with pytest.raises(ValueError, match=r"gru_cell_forward: Wu has shape \(5, 8\), expected \(5, 9\)"):
        gru_cell_forward(np.zeros((4, 10)), np.zeros((5, 10)), GRU)
    with pytest.raises(ValueError, match=r"lstm_forward_fast: a0 has shape \(6, 10\)"):
        lstm_forward_fast(np.zeros((3, 10, 2)), np.zeros((6, 10)), LSTM)


@pytest.mark.parametrize("forward, backward, params", [
    (rnn_forward, rnn_backward, RNN), (lstm_forward, lstm_backward, LSTM),
    (gru_forward, gru_backward, GRU), (lstm_forward_fast, lstm_backward_fast, LSTM)])
def test_backward_checks_da(forward, backward, params):
    caches = forward(np.zeros((3, 10, 4)), np.zeros((5, 10)), params)[-1]
    with pytest.raises(ValueError, match=r"da has shape \(5, 9, 4\), expected \(5, 10, T_x\)"):
        backward(np.zeros((5, 9, 4)), caches)
    with pytest.raises(ValueError, match="da has T_x=5 steps but the forward pass cached only 4"):
        backward(np.zeros((5, 10, 5)), caches)
    with pytest.raises(ValueError, match="caches"):
        backward(np.zeros((5, 10, 4)), "not caches")


def test_cell_backward_checks_da_next():
    cache = rnn_cell_forward(np.zeros((3, 10)), np.zeros((5, 10)), RNN)[2]
    with pytest.raises(ValueError, match=r"da_next has shape \(10, 5\), expected \(5, 10\)"):
        rnn_cell_backward(np.zeros((10, 5)), cache)
    cache = lstm_cell_forward(np.zeros((3, 10)), np.zeros((5, 10)), np.zeros((5, 10)), LSTM)[3]
    with pytest.raises(ValueError, match=r"dc_next has shape \(5,\)"):
        lstm_cell_backward(np.zeros((5, 10)), np.zeros(5), cache)


def test_fast_backward_rejects_course_caches():
    caches = lstm_forward(np.zeros((3, 10, 4)), np.zeros((5, 10)), LSTM)[-1]
    with pytest.raises(ValueError, match="lstm_backward_fast: caches must be"):
        lstm_backward_fast(np.zeros((5, 10, 4)), caches)
