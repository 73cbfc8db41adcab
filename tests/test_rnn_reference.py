"""Assignment 1: every expected value of the course fixture, rebuilt with the course's draw order."""
from __future__ import annotations

import numpy as np
import pytest

from assignments.rnn_step_by_step import checks
from assignments.rnn_step_by_step.backward import rnn_cell_backward
from assignments.rnn_step_by_step.checks import COURSE_IMPL, reference_checks, run_case
from shared.cases import compare

FUNCTIONS = ["rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward",
             "rnn_cell_backward", "rnn_backward", "lstm_cell_backward", "lstm_backward"]


@pytest.fixture(scope="module")
def fixture(load_fixture):
    return load_fixture("step_by_step.json")


@pytest.fixture(scope="module")
def rows(fixture):
    return reference_checks(fixture)


def test_every_expected_value_is_checked(fixture, rows):
    assert len(fixture["cases"]) == 8
    assert len(rows) == sum(len(case["expected"]) for case in fixture["cases"]) == 89
    assert sorted({case["function"] for case in fixture["cases"]}) == sorted(FUNCTIONS)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_case(function, fixture, rows):
    case_ids = {case["id"] for case in fixture["cases"] if case["function"] == function}
    mine = [r for r in rows if r.case in case_ids]
    assert mine, f"no checks for {function}"
    failed = [f"{r.case}: {r.name}: expected {r.expected}, got {r.got}" for r in mine if not r.ok]
    assert not failed, "\n".join(failed)


def test_lstm_backward_takes_T_x_from_da(fixture):
    case = next(c for c in fixture["cases"] if c["function"] == "lstm_backward")
    gradients = run_case(case)["gradients"]
    forward_T = dict((name, shape) for name, shape in case["draws"])["x"][2]
    assert forward_T == 7 and gradients["dx"].shape == (3, 10, 4)


def test_a_wrong_return_order_fails(fixture):
    def lstm_forward_c_before_y(x, a0, parameters):
        a, y, c, caches = COURSE_IMPL["lstm_forward"](x, a0, parameters)
        return a, c, y, caches

    bad = reference_checks(fixture, {**COURSE_IMPL, "lstm_forward": lstm_forward_c_before_y},
                           functions={"lstm_forward"})
    failed = {r.name for r in bad if not r.ok}
    assert {"y[1][4][3]", "c[1][2][1]", "y.shape"} <= failed


def test_a_backward_pass_without_the_carried_gradient_fails(fixture):
    def rnn_backward_no_carry(da, caches):
        cell_caches, x = caches
        grads = [rnn_cell_backward(da[:, :, t], cell_caches[t]) for t in range(da.shape[2])]
        return {"dx": np.stack([g["dxt"] for g in grads], axis=2), "da0": grads[0]["da_prev"],
                "dWax": sum(g["dWax"] for g in grads), "dWaa": sum(g["dWaa"] for g in grads),
                "dba": sum(g["dba"] for g in grads)}

    bad = reference_checks(fixture, {**COURSE_IMPL, "rnn_backward": rnn_backward_no_carry},
                           functions={"rnn_backward"})
    assert any(not r.ok for r in bad if "shape" not in r.name)
    assert all(r.ok for r in bad if "shape" in r.name)


def test_a_crashing_implementation_gives_failed_rows(fixture):
    def boom(*args):
        raise RuntimeError("broken")

    bad = reference_checks(fixture, {**COURSE_IMPL, "rnn_cell_forward": boom}, functions={"rnn_cell_forward"})
    assert len(bad) == 6 and not any(r.ok for r in bad)
    assert "RuntimeError: broken" in bad[0].got


def test_compare_rules():
    assert compare((5, 10), [5, 10], 1e-7, 1e-8) == (True, 0.0)
    assert compare((5, 11), [5, 10], 1e-7, 1e-8)[0] is False
    assert compare(np.array([0.1 + 4e-9]), [0.1], 1e-7, 1e-8)[0] is True
    assert compare(np.array([0.1 + 4e-8]), [0.1], 1e-7, 1e-8)[0] is False
    assert compare(np.array([1.0, 2.0]), [1.0], 1e-7, 1e-8) == (False, None)
    assert compare("abc", "abc", 0, 0) == (True, None)
    assert compare(np.float64(3.0000001), 3, 1.0, 1.0)[0] is False  # JSON integers: exact, tolerances ignored
    assert compare(10, 10, 0, 0) == (True, 0.0)


def test_describe_is_short():
    assert checks.describe(list(range(10))) == "(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)"
    assert checks.describe([0.123456789] * 10) == "[0.12345679, 0.12345679, 0.12345679, 0.12345679, ...] (10)"
