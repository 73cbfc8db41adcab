"""Dinosaur Island, numpy: every case of the course fixture ``dinos.json``, the checkpoint trace 0-14000,
and the fast path against the course-structured path (same printout, bit-identical parameters)."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from assignments.dinos import course, fast
from assignments.dinos.data import load_names
from shared.cases import compare, evaluate, expectations, replay

IMPL = {name: getattr(course, name) for name in
        ("get_initial_loss", "initialize_parameters", "clip", "sample", "optimize", "rnn_forward")}


@pytest.fixture(scope="module")
def dinos(data_dir):
    return load_names(data_dir / "dinos.txt")


@pytest.fixture(scope="module")
def fixture(load_fixture):
    return load_fixture("dinos.json")


def check_expected(case, result):
    """Every expected value of the case, with the fixture's tolerances (the comparison rules of shared.cases)."""
    for item in expectations(case):
        actual = evaluate(item.expr, result)
        ok, err = compare(actual, item.value, item.rtol, item.atol)
        assert ok, (item.expr, actual, item.value, item.tolerance, err)


def test_data_block(fixture, dinos):
    block = fixture["data"]
    assert len(dinos.text) == block["total_chars"]
    assert len(set(dinos.text)) == block["unique_chars"]
    assert dinos.chars == block["chars"] == sorted(set(dinos.text))
    assert len(dinos.names) == block["n_names"]
    assert dinos.char_to_ix["\n"] == 0 and dinos.char_to_ix["a"] == 1 and dinos.char_to_ix["z"] == 26
    assert all(dinos.ix_to_char[i] == c for c, i in dinos.char_to_ix.items())
    assert dinos.summary() == "There are 19909 total characters and 27 unique characters in your data."


@pytest.mark.parametrize("case_id", ["get_initial_loss/27x7", "initialize_parameters/50x27x27", "clip/seed3_max10",
                                     "clip/seed3_max5", "sample/2021_seed24", "optimize/seed1"])
def test_fixture_case(fixture, dinos, case_id):
    case = next(c for c in fixture["cases"] if c["id"] == case_id)
    replayed = replay(case, IMPL, {"char_to_ix": dinos.char_to_ix})
    result, args, inputs = replayed.returns, replayed.args, replayed.inputs
    check_expected(case, result)
    if case["function"] == "clip":  # 2021: a new dict, the caller's gradients untouched
        assert result["gradients"] is not args[0]
        for key in args[0]:
            np.testing.assert_array_equal(args[0][key], inputs[0][key])
    if case["function"] == "optimize":  # parameters are updated in place
        assert not np.array_equal(args[3]["Wya"], inputs[3]["Wya"])


def test_every_case_is_covered(fixture):
    assert {c["function"] for c in fixture["cases"]} <= set(IMPL)
    assert len(fixture["cases"]) == 6


def test_sample_respects_the_50_character_cap(dinos):
    """Large biases towards 'a' never sample the newline: 50 draws then the appended newline."""
    params = course.initialize_parameters(10, 27, 27)
    params["by"][1] = 50.0
    indices = course.sample(params, dinos.char_to_ix, 0)
    assert len(indices) == 51 and indices[-1] == 0 and set(indices[:-1]) == {1}


def test_model_start(fixture, dinos):
    block = fixture["model"]
    assert course.get_initial_loss(27, 7) == pytest.approx(block["initial_loss"], rel=1e-12)
    examples = list(dinos.names)
    np.random.seed(0)
    np.random.shuffle(examples)
    assert examples[:5] == block["shuffled_first5"] and examples[-1] == block["shuffled_last"]
    history = []
    course.model(list(dinos.names), dinos.ix_to_char, dinos.char_to_ix, 1, history=history, out=lambda *_: None)
    assert history[0] == pytest.approx(block["iteration0"]["smoothed_loss"], abs=1e-12)
    raw = (history[0] - 0.999 * block["initial_loss"]) / 0.001
    assert raw == pytest.approx(block["iteration0"]["raw_loss"], abs=1e-8)


DEBUG_PREFIXES = ("j = ", "single_example", " X = ")  # verbose=True lines


def parse_checkpoints(lines):
    """``[(iteration, loss, [names])]`` from the notebook printout (one list item per print call)."""
    text = "\n".join(line for line in lines if not line.startswith(DEBUG_PREFIXES))
    rows = []
    for block in text.split("Iteration: ")[1:]:
        head, *rest = block.split("\n")
        iteration, loss = head.split(", Loss: ")
        names = [line for line in rest if line.strip()]
        rows.append((int(iteration), float(loss), names))
    return rows


@pytest.fixture(scope="module")
def fast_run(fixture, dinos):
    lines = []
    params, last = fast.model(list(dinos.names), dinos.ix_to_char, dinos.char_to_ix,
                              fixture["model"]["min_iterations"], verbose=True, out=lines.append)
    return params, last, lines


def test_checkpoints_0_to_14000(fixture, fast_run):
    """Every published checkpoint row: loss to 1e-5, the 7 names exactly."""
    block = fixture["model"]
    rows = parse_checkpoints(fast_run[2])
    assert [r[0] for r in rows] == [c["iteration"] for c in block["checkpoints"]]
    for (iteration, loss, names), expected in zip(rows, block["checkpoints"]):
        assert abs(loss - float(expected["loss"])) <= block["loss_atol"], iteration
        assert names == expected["names"], iteration
    assert fast_run[1] == block["checkpoints"][-1]["names"][-1] + "\n"  # last_dino_name keeps its newline


def test_printout_matches_the_notebook_format(fast_run):
    """The 2021 notebook's verbose lines as its print() calls write them (print("j = ", j, ...) doubles spaces)."""
    lines = fast_run[2]
    assert lines[:4] == ["j =  0 idx =  0", "single_example_chars turiasaurus",
                         "single_example_ix [20, 21, 18, 9, 1, 19, 1, 21, 18, 21, 19]",
                         " X =  [None, 20, 21, 18, 9, 1, 19, 1, 21, 18, 21, 19] \n"
                         " Y =        [20, 21, 18, 9, 1, 19, 1, 21, 18, 21, 19, 0] \n"]
    start = lines.index("Iteration: 0, Loss: 23.087336\n")
    assert start == 4 and lines[start + 1] == "Nkzxwtdmfqoeyhsqwasjkjvu" and lines[start + 8] == "\n"
    assert "j =  1535 idx =  1535" in lines and "j =  1536 idx =  0" in lines


def test_course_structured_path_prints_the_same_and_is_bit_identical(fixture, dinos, fast_run):
    """The course-structured loop on the first checkpoints: same lines as the fast path, same bits."""
    n = 2001
    lines_course, lines_fast = [], []
    p_course, last_course = course.model(list(dinos.names), dinos.ix_to_char, dinos.char_to_ix, n,
                                         out=lines_course.append)
    p_fast, last_fast = fast.model(list(dinos.names), dinos.ix_to_char, dinos.char_to_ix, n, out=lines_fast.append)
    assert lines_course == lines_fast
    assert last_course == last_fast
    for key in ("Wax", "Waa", "Wya", "b", "by"):
        assert np.array_equal(p_course[key], p_fast[key]), key
    rows = parse_checkpoints(lines_course)
    for (iteration, loss, names), expected in zip(rows, fixture["model"]["checkpoints"][:2]):
        assert iteration == expected["iteration"] and names == expected["names"]
        assert abs(loss - float(expected["loss"])) <= fixture["model"]["loss_atol"]
    printed_fast = [line for line in fast_run[2] if not line.startswith(DEBUG_PREFIXES)]
    assert lines_fast == printed_fast[:len(lines_fast)]


def test_fast_optimize_equals_course_optimize_on_random_parameters(dinos):
    """One step from random (not course-initialised) parameters and a carried state: identical loss and bits."""
    rng = np.random.default_rng(7)
    params = {"Wax": rng.normal(size=(30, 27)), "Waa": rng.normal(size=(30, 30)) * 0.3,
              "Wya": rng.normal(size=(27, 30)), "b": rng.normal(size=(30, 1)), "by": rng.normal(size=(27, 1))}
    a_prev = rng.normal(size=(30, 1))
    rnn = fast.FastRNN(params, max_len=4)  # grows its buffers for the longer names below
    course_params = copy.deepcopy(params)
    names = ["aaa", "ornithomimus", "zz", "a" * 40] + ["".join(rng.choice(list("abcxyz"), n)) for n in range(1, 30)]
    for name in names:  # every length from 1 to 29: the per-step sums run over that many rows
        X = [None] + [dinos.char_to_ix[c] for c in name]
        Y = X[1:] + [0]
        loss_c, _, a_c = course.optimize(X, Y, a_prev, course_params, 0.05)
        loss_f, a_f = rnn.optimize(X, Y, a_prev, 0.05)
        assert loss_c == loss_f
        assert np.array_equal(a_c, a_f)
        for key in params:
            assert np.array_equal(course_params[key], rnn.parameters[key]), (name, key)
        a_prev = a_c


def test_fast_optimize_is_the_course_optimize(dinos):
    """FastOptimize has course.optimize's signature and results (loss, clipped gradients, a_last), bit for bit,
    and updates the caller's parameters dict in place."""
    course_params = course.initialize_parameters(20, 27, 27)
    params = copy.deepcopy(course_params)
    step = fast.FastOptimize()
    a_course = a_fast = np.zeros((20, 1))
    for name in ["aachenosaurus", "zuul", "aachenosaurus", "x" * 70]:  # a repeated name reuses its plan
        X = [None] + [dinos.char_to_ix[c] for c in name]
        Y = X[1:] + [0]
        loss_c, grads_c, a_course = course.optimize(X, Y, a_course, course_params, 0.3)
        loss_f, grads_f, a_fast = step(X, Y, a_fast, params, 0.3)
        assert loss_c == loss_f and np.array_equal(a_course, a_fast)
        assert list(grads_f) == list(grads_c) == ["dWaa", "dWax", "dWya", "db", "dby"]
        for key in grads_c:
            assert np.array_equal(grads_c[key], grads_f[key]), (name, key)
        for key in course_params:
            assert np.array_equal(course_params[key], params[key]), (name, key)
    fresh = {k: v.copy() for k, v in params.items()}  # a dict with new arrays is taken over, not ignored
    step(X, Y, a_fast, fresh, 0.3)
    assert not np.array_equal(fresh["Wya"], params["Wya"])


def test_model_takes_a_pluggable_optimize_and_records_checkpoints(dinos):
    calls = []

    def counting_optimize(X, Y, a_prev, parameters, learning_rate=0.01):
        calls.append((X[1:] + [0] == Y, learning_rate))
        return course.optimize(X, Y, a_prev, parameters, learning_rate)

    checkpoints = []
    params, last = course.model(list(dinos.names), dinos.ix_to_char, dinos.char_to_ix, 3, sample_every=2,
                                optimize=counting_optimize, checkpoints=checkpoints, out=lambda *_: None)
    assert calls == [(True, 0.01)] * 3
    assert [c["iteration"] for c in checkpoints] == [0, 2]
    assert checkpoints[0]["names"][:2] == ["Nkzxwtdmfqoeyhsqwasjkjvu", "Kneb"] and len(checkpoints[0]["names"]) == 7
    assert checkpoints[0]["loss"] == "23.087336" and last == checkpoints[-1]["names"][-1] + "\n"
    assert abs(checkpoints[0]["smoothed_loss"] - 23.087336085484605) < 1e-12


def test_get_sample_and_print_sample(dinos, capsys):
    indices = [20, 18, 15, 15, 4, 15, 14, 0]
    assert course.get_sample(indices, dinos.ix_to_char) == "Troodon\n"
    course.print_sample(indices, dinos.ix_to_char)
    assert capsys.readouterr().out == "Troodon\n"
