"""``python -m assignments.dinos``: outputs, printout, run card, and every kind of bad input (in-process)."""
from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from assignments.dinos.__main__ import build_parser, main
from assignments.dinos.names import parse_names
from shared.run.cli import run
from shared.run import UserError


def numpy_args(out, *extra):
    return ["--iterations", "201", "--sample-every", "100", "--samples", "6", "--out", str(out), *extra]


def test_numpy_run_writes_every_output(tmp_path, capsys, data_dir):
    assert run(main, numpy_args(tmp_path)) == 0
    printed = capsys.readouterr().out
    assert "There are 19909 total characters and 27 unique characters in your data." in printed
    assert "Iteration: 0, Loss: 23.087336\n\nNkzxwtdmfqoeyhsqwasjkjvu\nKneb\n" in printed
    assert "Iteration: 200, Loss:" in printed and "Settings: " in printed
    for name in ("parameters.npz", "names.txt", "loss.png", "run_card.json"):
        assert (tmp_path / name).stat().st_size > 0, name
    assert (tmp_path / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    params = np.load(tmp_path / "parameters.npz")
    assert sorted(params.files) == ["Waa", "Wax", "Wya", "b", "by", "chars"] and params["Wax"].shape == (50, 27)
    assert list(params["chars"]) == ["\n"] + [chr(c) for c in range(ord("a"), ord("z") + 1)]  # the vocabulary
    lines = (tmp_path / "names.txt").read_text().splitlines()
    assert len(lines) == 2 + 6 and all(line.endswith(("real dinosaur", "new", "empty")) for line in lines[2:])
    checkpoints = json.loads((tmp_path / "checkpoints.json").read_text())
    assert [c["iteration"] for c in checkpoints["checkpoints"]] == [0, 100, 200]
    first = checkpoints["checkpoints"][0]
    assert first["loss"] == "23.087336" and first["names"][:2] == ["Nkzxwtdmfqoeyhsqwasjkjvu", "Kneb"]
    assert len(first["names"]) == 7 and checkpoints["sample_every"] == 100 and checkpoints["seed"] == 0
    card = json.loads((tmp_path / "run_card.json").read_text())
    assert card["seed"] == 0 and card["settings"]["iterations"] == 201
    assert card["results"]["checkpoints"] == checkpoints["checkpoints"]
    assert card["data"][str(data_dir / "dinos.txt")]["sha256"]
    assert {"numpy", "keras"} <= set(card["versions"])
    assert card["results"]["final_smoothed_loss"] > 0 and card["results"]["wall_time_s"] > 0
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_course_and_fast_impl_print_the_same(tmp_path, capsys):
    run(main, numpy_args(tmp_path / "a", "--impl", "fast"))
    fast_out = capsys.readouterr().out
    run(main, numpy_args(tmp_path / "b", "--impl", "course"))
    course_out = capsys.readouterr().out
    strip = lambda text: [l for l in text.splitlines() if not l.startswith(("Settings", "Wrote"))]  # noqa: E731,E741
    assert strip(fast_out) == strip(course_out)


def test_seed_changes_the_run_and_quiet_prints_only_the_summary(tmp_path, capsys):
    run(main, numpy_args(tmp_path / "s1", "--seed", "1", "--quiet"))
    quiet = capsys.readouterr()
    assert quiet.out.startswith("Wrote ") and quiet.out.count("\n") == 1 and quiet.err == ""
    run(main, numpy_args(tmp_path / "s0", "--quiet"))
    capsys.readouterr()
    p0, p1 = np.load(tmp_path / "s0" / "parameters.npz"), np.load(tmp_path / "s1" / "parameters.npz")
    assert not np.array_equal(p0["Wax"], p1["Wax"])


def test_keras_run(tmp_path, capsys):
    argv = ["--model", "keras", "--cell", "simple_rnn", "--layers", "1", "--members", "1", "--epochs", "1",
            "--n-a", "8", "--samples", "4", "--out", str(tmp_path), "--quiet"]  # one network: the course's shape
    assert run(main, argv) == 0
    for name in ("keras_model.keras", "keras_parameters.npz", "keras_names.txt", "keras_loss.png",
                 "keras_run_card.json"):
        assert (tmp_path / name).stat().st_size > 0, name
    model = keras.models.load_model(tmp_path / "keras_model.keras", safe_mode=True)
    assert model.count_params() == 8 * 27 + 8 * 8 + 8 + 8 * 27 + 27
    card = json.loads((tmp_path / "keras_run_card.json").read_text())
    per_epoch = card["results"]["per_epoch"]
    assert len(per_epoch["held_out_bits_per_char"]) == 1
    assert all(isinstance(v, (int, float)) for values in per_epoch.values() for v in values)  # numbers, not text
    assert card["results"]["n_held_out"] == 152
    names = (tmp_path / "keras_names.txt").read_text().splitlines()
    assert len(names) == 6 and all(l.endswith(("in train", "in held-out", "new", "empty")) for l in names[2:])  # noqa: E741


def test_help_explains_each_option(capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    for option in ("--data", "--iterations", "--sample-every", "--seed", "--n-a", "--model", "--temperature",
                   "--top-k", "--samples", "--out", "--quiet", "--cell", "--epochs", "--held-out",
                   "--recurrent-dropout", "--matmul"):
        assert option in text, option


def _bad(tmp_path, capsys, argv, match):
    out = tmp_path / "out"
    code = run(main, argv + (["--out", str(out)] if "--out" not in argv else []))
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1 and match in err, err
    assert not out.exists() or not any(out.iterdir())  # nothing written
    return err


def test_missing_empty_and_non_utf8_files(tmp_path, capsys):
    _bad(tmp_path, capsys, ["--data", str(tmp_path / "nope.txt")], "not found")
    (tmp_path / "empty.txt").write_text("")
    _bad(tmp_path, capsys, ["--data", str(tmp_path / "empty.txt")], "empty")
    (tmp_path / "latin1.txt").write_bytes("Tyrannosaurus\nAl\xe9\n".encode("latin-1"))
    _bad(tmp_path, capsys, ["--data", str(tmp_path / "latin1.txt")], "not UTF-8")


def test_characters_outside_a_restricted_alphabet(tmp_path, capsys):
    (tmp_path / "odd.txt").write_text("Aachenosaurus\nT-rex\nZuul\n")
    err = _bad(tmp_path, capsys, ["--data", str(tmp_path / "odd.txt"), "--alphabet", "a-z"], "line 2")
    assert "'-'" in err and "1 line with characters outside --alphabet a-z" in err


def test_out_of_range_options(tmp_path, capsys):
    _bad(tmp_path, capsys, ["--iterations", "0"], "--iterations")
    _bad(tmp_path, capsys, ["--iterations", "-5"], "--iterations")
    _bad(tmp_path, capsys, ["--temperature", "0"], "--temperature")
    _bad(tmp_path, capsys, ["--temperature", "-1"], "--temperature")
    _bad(tmp_path, capsys, ["--top-k", "28"], "--top-k")
    _bad(tmp_path, capsys, ["--model", "torch"], "--model")
    _bad(tmp_path, capsys, ["--held-out", "1.5"], "--held-out")


def test_unwritable_out(tmp_path, capsys):
    (tmp_path / "a_file").write_text("x")
    _bad(tmp_path, capsys, ["--out", str(tmp_path / "a_file" / "sub")], "cannot write")


def test_parse_names_mapping():
    data = parse_names("Aardonyx\r\n\r\nZUUL\n")
    assert data.names == ("aardonyx", "zuul")  # Windows line ends read, blank lines skipped, lower-cased
    with pytest.raises(UserError, match="no names"):
        parse_names("\n\n  \n")
    assert parse_names("café\n").names == ("café",)  # any character: the vocabulary is the file's
    with pytest.raises(UserError, match="outside --alphabet a-z"):
        parse_names("café\n", alphabet="a-z")


def test_the_loss_curve_child_draws_the_png_or_says_why_not(tmp_path):
    """The background plotter (a child that imports matplotlib while the parent trains) and its failure line."""
    from shared.plotting import plot_curves
    from shared.run.drawing import Drawing

    curves = {"smoothed loss": ([0, 1, 2], [23.0, 22.5, 22.4])}
    with Drawing(background=True) as drawing:
        assert drawing._child is not None
        drawing.draw(plot_curves, tmp_path / "loss.png", curves, "title", "iteration", "loss")
        [path] = drawing.wait()
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and not list(tmp_path.glob(".*"))
    (tmp_path / "a_file").write_text("x")
    with Drawing(background=True) as drawing, pytest.raises(UserError, match="cannot draw .*loss.png"):
        drawing.draw(plot_curves, tmp_path / "a_file" / "loss.png", curves, "title", "iteration", "loss")
        drawing.wait()
    with Drawing(background=True) as drawing:  # never given a curve (a run that stopped): the child stops
        child = drawing._child
    assert child.returncode is not None and sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "loss.png"]


def test_load_samples_from_a_saved_model_without_training(tmp_path, capsys):
    """--load: a numpy parameters.npz and a Keras .keras (safe mode) give the same names as the run that saved them."""
    numpy_out, keras_out = tmp_path / "numpy", tmp_path / "keras"
    assert run(main, numpy_args(numpy_out) + ["--samples", "6"]) == 0
    assert run(main, ["--model", "keras", "--epochs", "2", "--n-a", "8", "--layers", "1", "--embedding", "4",
                      "--samples", "6", "--quiet", "--out", str(keras_out)]) == 0
    capsys.readouterr()
    for model, saved, names in (("numpy", numpy_out / "parameters.npz", numpy_out / "names.txt"),
                                ("keras", keras_out / "keras_model.keras", keras_out / "keras_names.txt")):
        out = tmp_path / f"loaded-{model}"
        assert run(main, ["--model", model, "--load", str(saved), "--samples", "6", "--out", str(out)]) == 0
        printed = capsys.readouterr().out
        assert "Iteration" not in printed and "epoch 1:" not in printed and "epochs=" not in printed  # no training
        trained = (names).read_text().splitlines()[2:]
        assert (out / "sampled_names.txt").read_text().splitlines()[2:] == trained
        assert json.loads((out / "sampled_run_card.json").read_text())["results"]["model_file"] == str(saved)
        assert run(main, ["--model", model, "--load", str(saved), "--samples", "6", "--temperature", "0.5",
                          "--top-k", "3", "--seed", "7", "--out", str(out)]) == 0
        assert (out / "sampled_names.txt").read_text().splitlines()[2:] != trained
    damaged = tmp_path / "damaged.npz"
    np.savez(damaged, Wax=np.zeros((3, 27)), chars=np.array(list("ab")))
    _bad(tmp_path, capsys, ["--load", str(damaged)], "has no Waa, Wya, b, by (a parameters.npz")
    _bad(tmp_path, capsys, ["--load", str(numpy_out / "parameters.npz"), "--model", "keras"], "loads a .keras file")
    _bad(tmp_path, capsys, ["--load", str(keras_out / "keras_model.keras")], "(add --model keras)")
    _bad(tmp_path, capsys, ["--load", str(tmp_path / "nope.npz")], "model not found")


def test_options_of_the_other_model_and_seeds_past_the_course_seeds_are_refused(tmp_path, capsys):
    _bad(tmp_path, capsys, ["--epochs", "5"], "--epochs applies only with --model keras")
    _bad(tmp_path, capsys, ["--model", "keras", "--iterations", "5"], "--iterations applies only with --model numpy")
    _bad(tmp_path, capsys, ["--iteration", "5"], "unrecognized arguments: --iteration 5")
    _bad(tmp_path, capsys, ["--seed", "4294967295"], "at most 4294967191")


def test_matmul_auto_is_bfloat16_where_the_cpu_multiplies_it(tmp_path, capsys, monkeypatch):
    from assignments.dinos import config

    monkeypatch.setattr(config, "bf16_matmul_hardware", lambda: True)
    assert config.DinosConfig(model="keras").matmul == "bfloat16"
    assert config.DinosConfig(model="keras", cell="gru").matmul == "float32"
    assert config.DinosConfig(model="keras", matmul="float32").matmul == "float32"
    assert config.DinosConfig().matmul == "float32"  # the numpy model
    monkeypatch.setattr(config, "bf16_matmul_hardware", lambda: False)
    assert config.DinosConfig(model="keras").matmul == "float32"
    assert config.DinosConfig(model="keras", matmul="bfloat16").matmul == "bfloat16"  # asked for: slow, but so
    _bad(tmp_path, capsys, ["--model", "keras", "--cell", "gru", "--matmul", "bfloat16"],
         "--matmul bfloat16 is for --cell lstm")


def test_a_users_file_has_its_own_output_folder(tmp_path):
    from assignments.dinos.config import DinosConfig
    from shared.paths import OUTPUT_DIR

    assert DinosConfig().out == OUTPUT_DIR / "dinos"
    assert DinosConfig(data=tmp_path / "cities.txt").out == OUTPUT_DIR / "dinos-cities"
    assert DinosConfig(model="keras").n_a == 512 and DinosConfig().n_a == 50
