"""Assignment 1: finite-difference checks of every backward pass (RNN, LSTM, GRU, fast LSTM)."""
from __future__ import annotations

import numpy as np
import pytest

from assignments.rnn_step_by_step.checks import COURSE_IMPL, CheckConfig, gradient_checks, numerical_gradient

BACKWARDS = ["rnn_cell_backward", "rnn_backward", "lstm_cell_backward", "lstm_backward",
             "gru_cell_backward", "gru_backward", "lstm_backward_fast"]
EXPECTED_KEYS = {
    "rnn_cell_backward": {"dxt", "da_prev", "dWax", "dWaa", "dba"},
    "rnn_backward": {"dx", "da0", "dWax", "dWaa", "dba"},
    "lstm_cell_backward": {"dxt", "da_prev", "dc_prev", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"},
    "lstm_backward": {"dx", "da0", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"},
    "gru_cell_backward": {"dxt", "da_prev", "dWu", "dbu", "dWr", "dbr", "dWc", "dbc"},
    "gru_backward": {"dx", "da0", "dWu", "dbu", "dWr", "dbr", "dWc", "dbc"},
    "lstm_backward_fast": {"dx", "da0", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"},
}


@pytest.fixture(scope="module")
def rows():
    return gradient_checks(CheckConfig())


@pytest.mark.parametrize("function", BACKWARDS)
def test_gradients_match_finite_differences(function, rows):
    mine = {r.name: r for r in rows if r.case == function}
    assert set(mine) == EXPECTED_KEYS[function]  # inputs and initial state included
    failed = [f"{k}: relative error {r.error:.2e}" for k, r in mine.items() if not r.ok]
    assert not failed, "\n".join(failed)
    assert all(r.error < 1e-7 for r in mine.values())


def test_numerical_gradient_of_a_known_function():
    w = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = numerical_gradient(lambda: float(np.sum(w ** 3)), w, 1e-6)
    np.testing.assert_allclose(grad, 3 * w ** 2, rtol=1e-8)
    np.testing.assert_array_equal(w, [[1.0, -2.0], [0.5, 3.0]])  # restored


def test_a_wrong_derivative_is_caught():
    def rnn_cell_backward_without_tanh(da_next, cache):
        a_next, a_prev, xt, parameters = cache
        dz = da_next  # forgot (1 - a_next ** 2)
        return {"dxt": parameters["Wax"].T @ dz, "da_prev": parameters["Waa"].T @ dz, "dWax": dz @ xt.T,
                "dWaa": dz @ a_prev.T, "dba": dz.sum(axis=1, keepdims=True)}

    cfg = CheckConfig(T_x=3)
    bad = gradient_checks(cfg, {**COURSE_IMPL, "rnn_cell_backward": rnn_cell_backward_without_tanh})
    cell = [r for r in bad if r.case == "rnn_cell_backward"]
    assert cell and not any(r.ok for r in cell)
    assert all(r.ok for r in bad if r.case == "lstm_cell_backward")
