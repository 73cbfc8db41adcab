"""Assignment 1: the fast LSTM passes give the course passes' numbers (and the course's reference values)."""
from __future__ import annotations

import numpy as np
import pytest

from assignments.rnn_step_by_step import lstm_backward, lstm_backward_fast, lstm_forward, lstm_forward_fast
from assignments.rnn_step_by_step.checks import CheckConfig, fast_checks, random_parameters


@pytest.fixture(scope="module")
def rows(load_fixture):
    return fast_checks(CheckConfig(), load_fixture("step_by_step.json"))


def test_fast_matches_course(rows):
    numeric = [r for r in rows if r.case.startswith("lstm fast vs course")]
    assert len(numeric) == 26  # a, y, c + 10 gradients, in float64 and float32
    failed = [f"{r.case}: {r.name}: {r.error}" for r in numeric if not r.ok]
    assert not failed, "\n".join(failed)
    assert max(r.error for r in numeric if "float64" in r.case) <= 1e-12


def test_fast_passes_the_course_reference_values(rows):
    reference = [r for r in rows if r.case in {"lstm_forward/notebook (fast)", "lstm_backward/2021 (fast)"}]
    assert len(reference) == 7 + 20
    assert all(r.ok for r in reference), [r for r in reference if not r.ok]


def test_fast_on_a_jazz_sized_problem_and_float32():
    rng = np.random.default_rng(3)
    n_x, n_a, m, T_x = 90, 64, 6, 30
    for dtype, tol in ((np.float64, 1e-11), (np.float32, 2e-4)):
        params = {k: (0.1 * v).astype(dtype) for k, v in random_parameters("lstm", n_x, n_a, 90, rng).items()}
        x = rng.standard_normal((n_x, m, T_x)).astype(dtype)
        a0 = np.zeros((n_a, m), dtype=dtype)
        da = rng.standard_normal((n_a, m, T_x)).astype(dtype)
        a, y, c, caches = lstm_forward(x, a0, params)
        fa, fy, fc, fcaches = lstm_forward_fast(x, a0, params)
        assert fa.dtype == dtype and fy.dtype == dtype and fa.flags.c_contiguous
        assert fcaches[1] is x and len(fcaches) == 2
        np.testing.assert_allclose(fa, a, atol=tol, rtol=0)
        np.testing.assert_allclose(fc, c, atol=tol, rtol=0)
        np.testing.assert_allclose(fy, y, atol=tol, rtol=0)
        course, quick = lstm_backward(da, caches), lstm_backward_fast(da, fcaches)
        assert list(quick) == list(course)
        for key in course:
            assert quick[key].dtype == dtype
            np.testing.assert_allclose(quick[key], course[key], atol=tol * 10, rtol=0, err_msg=key)


def test_states_only_option():
    rng = np.random.default_rng(4)
    params = random_parameters("lstm", 3, 5, 2, rng)
    x, a0 = rng.standard_normal((3, 4, 6)), rng.standard_normal((5, 4))
    a, y, c, caches = lstm_forward_fast(x, a0, params, outputs=False)
    fa, fy, fc, _ = lstm_forward_fast(x, a0, params)
    assert y is None and fy.shape == (2, 4, 6)
    np.testing.assert_array_equal(a, fa)
    np.testing.assert_array_equal(c, fc)
    np.testing.assert_allclose(fy.sum(axis=0), 1.0, atol=1e-12)
    assert lstm_backward_fast(np.ones((5, 4, 2)), caches)["dx"].shape == (3, 4, 2)


def test_fast_calls_do_not_share_results():
    """The backward pass reuses a work buffer: results of earlier calls and their caches stay intact."""
    rng = np.random.default_rng(5)
    params = random_parameters("lstm", 7, 6, 5, rng)
    x1, x2 = rng.standard_normal((7, 4, 5)), rng.standard_normal((7, 4, 5))
    a0, da = rng.standard_normal((6, 4)), rng.standard_normal((6, 4, 5))
    first = lstm_forward_fast(x1, a0, params)
    want = [np.copy(v) for v in first[:3]]
    grads1 = lstm_backward_fast(da, first[-1])
    kept = {k: np.copy(v) for k, v in grads1.items()}
    second = lstm_forward_fast(x2, a0, params)
    grads2 = lstm_backward_fast(2 * da, second[-1])
    for got, expected in zip(first[:3], want):
        np.testing.assert_array_equal(got, expected)
    for k in kept:
        np.testing.assert_array_equal(grads1[k], kept[k], err_msg=k)
        assert not np.shares_memory(grads1[k], grads2[k])
    again = lstm_backward_fast(da, first[-1])  # the first cache still gives the same gradients
    for k in kept:
        np.testing.assert_array_equal(again[k], kept[k], err_msg=k)
    course = lstm_backward(da[:, :, :3], lstm_forward(x1, a0, params)[-1])
    short = lstm_backward_fast(da[:, :, :3], first[-1])  # fewer steps than the forward pass
    for k in course:
        np.testing.assert_allclose(short[k], course[k], atol=1e-12, rtol=0, err_msg=k)
