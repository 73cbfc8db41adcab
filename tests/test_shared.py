"""The shared utilities: course rnn_utils semantics, one-line CLI errors, atomic writes, run cards, tables."""
from __future__ import annotations

import json
import random

import numpy as np
import pytest

from shared import cli, io, rnn_utils, runcard, table
from shared.errors import UserError
from shared.seed import set_seed


def test_softmax_is_columnwise_with_global_max():
    x = np.array([[1.0, 10.0], [2.0, 11.0], [3.0, 9.0]])  # (n, m)
    out = rnn_utils.softmax(x)
    np.testing.assert_allclose(out.sum(axis=0), [1.0, 1.0], rtol=0, atol=1e-12)
    expected_col0 = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()
    np.testing.assert_allclose(out[:, 0], expected_col0, rtol=1e-12)
    # the course subtracts the GLOBAL max: a column far below it underflows instead of being renormalised
    with np.errstate(invalid="ignore"):
        far = rnn_utils.softmax(np.array([[0.0, 2000.0], [0.0, 2000.0]]))
    assert np.isnan(far[:, 0]).all() and np.allclose(far[:, 1], 0.5)


def test_sigmoid():
    np.testing.assert_allclose(rnn_utils.sigmoid(np.array([0.0, np.log(3.0)])), [0.5, 0.75], rtol=1e-12)


def test_adam_puts_epsilon_inside_the_square_root():
    parameters = {"W1": np.ones((2, 2)), "b1": np.zeros((2, 1))}
    grads = {"dW1": np.full((2, 2), 1e-4), "db1": np.zeros((2, 1))}
    v, s = rnn_utils.initialize_adam(parameters)
    assert set(v) == set(s) == {"dW1", "db1"} and all(not a.any() for a in v.values())
    new, v, s = rnn_utils.update_parameters_with_adam(dict(parameters), grads, v, s, t=1,
                                                     learning_rate=0.1, epsilon=1e-8)
    # t=1: v_hat = g, s_hat = g^2 -> step = lr * g / sqrt(g^2 + eps)
    g = 1e-4
    np.testing.assert_allclose(new["W1"], 1 - 0.1 * g / np.sqrt(g ** 2 + 1e-8), rtol=1e-12)
    assert not np.allclose(new["W1"], 1 - 0.1 * g / (np.sqrt(g ** 2) + 1e-8))
    np.testing.assert_array_equal(new["b1"], 0.0)


def test_set_seed_covers_python_numpy_and_tensorflow():
    import tensorflow as tf

    def draw():
        return random.random(), np.random.rand(), float(tf.random.uniform(()))

    set_seed(7)
    first = draw()
    set_seed(7)
    assert draw() == first
    set_seed(8)
    assert draw() != first


def test_run_turns_user_error_into_one_line(capsys):
    def main(argv):
        raise UserError("names file is empty: x.txt")

    assert cli.run(main, []) == 2
    err = capsys.readouterr().err
    assert err == "error: names file is empty: x.txt\n"


def test_failed_run_leaves_no_empty_output_folder(tmp_path, capsys):
    existing = tmp_path / "existing"
    existing.mkdir()

    def main(argv):
        io.ensure_output_dir(tmp_path / "new" / "out")
        io.ensure_output_dir(tmp_path / "new" / "out" / "checkpoints")
        io.ensure_output_dir(existing)
        raise UserError("names file is empty")

    assert cli.run(main, []) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing"]

    def succeeds(argv):
        io.write_text_atomic(io.ensure_output_dir(tmp_path / "kept") / "a.txt", "x")
        io.ensure_output_dir(tmp_path / "kept" / "empty")

    assert cli.run(succeeds, []) == 0
    assert (tmp_path / "kept" / "a.txt").is_file() and (tmp_path / "kept" / "empty").is_dir()


def test_argparse_types_reject_out_of_range():
    import argparse

    assert cli.positive_int("3") == 3 and cli.positive_float("0.5") == 0.5 and cli.non_negative_int("0") == 0
    for parse, text in [(cli.positive_int, "0"), (cli.positive_int, "x"), (cli.positive_float, "-1"),
                        (cli.non_negative_int, "-2")]:
        with pytest.raises(argparse.ArgumentTypeError):
            parse(text)


@pytest.mark.parametrize("content,message", [(None, "not found"), (b"  \n", "is empty"),
                                             (b"caf\xe9\n", "not UTF-8")])
def test_read_text_errors(tmp_path, content, message):
    path = tmp_path / "names.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        io.read_text(path, "names file")


def test_atomic_path_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out" / "model.weights.h5"
    with pytest.raises(RuntimeError):
        with io.atomic_path(target) as tmp:
            assert tmp.name.endswith(".weights.h5")
            tmp.write_text("partial")
            raise RuntimeError("boom")
    assert not target.exists() and list(target.parent.iterdir()) == []
    io.write_text_atomic(target, "whole")
    assert target.read_text() == "whole" and len(list(target.parent.iterdir())) == 1
    assert target.stat().st_mode & 0o777 == 0o666 & ~io._UMASK  # not mkstemp's 0600


def test_ensure_output_dir_rejects_unwritable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UserError, match="cannot write to output folder"):
        io.ensure_output_dir(blocker / "sub")
    assert io.ensure_output_dir(tmp_path / "a" / "b").is_dir()


def test_run_card_records_settings_versions_and_data_hash(tmp_path):
    data = tmp_path / "d.txt"
    data.write_text("abc")
    path = runcard.write_run_card(tmp_path / "card.json", "test", {"n_a": 50}, seed=3, data_files=[data],
                                  results={"loss": 1.5})
    card = json.loads(path.read_text())
    assert card["seed"] == 3 and card["settings"] == {"n_a": 50} and card["results"] == {"loss": 1.5}
    assert card["data"][str(data)]["sha256"] == io.sha256_file(data)
    assert card["data"][str(data)]["sha256"].startswith("ba7816bf")  # sha256("abc")
    assert "numpy" in card["versions"] and "python" in card["versions"]


def test_format_table():
    text = table.format_table(["check", "max err", "ok"], [["a", 1.23456e-9, True], ["longer name", 0.5, False]])
    lines = text.splitlines()
    assert lines[0].startswith("check") and set(lines[1]) <= {"-", " "}
    assert lines[2].split() == ["a", "1.235e-09", "ok"] and lines[3].split()[-1] == "FAIL"
