"""The shared utilities: course rnn_utils semantics, one-line CLI errors, atomic writes, run cards, tables,
output sets and checkpoint units, signals, locks, full disks, option types (real signals sent from outside:
tests/test_interrupts.py)."""
from __future__ import annotations

import errno
import json
import os
import random
import re
import signal
import subprocess
import sys
from contextlib import contextmanager

import numpy as np
import pytest

from shared import rnn_utils, table
from shared.run import cleanup, cli, io, runcard
from shared.run import outputs as outputs_module
from shared.run import UserError
from shared.run.outputs import OutputSet, verify_output_set
from shared.seed import set_seed
from tests import paused


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


def test_exit_now_flushes_both_streams_and_keeps_the_status():
    """What a command prints before ``exit_now`` reaches a pipe (os._exit alone would drop the buffers)."""
    from shared.paths import REPO_ROOT

    code = ("import sys; from shared.run.cli import exit_now; print('out', end=''); "
            "sys.stderr.write('err'); exit_now(3)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (3, "out", "err")
    gone = subprocess.run([sys.executable, "-c", "import sys; sys.stdout.close(); from shared.run.cli import exit_now; "
                           "exit_now(0)"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert (gone.returncode, gone.stderr) == (0, "")  # a stream that cannot be flushed is no traceback


def test_argparse_types_reject_out_of_range():
    import argparse

    assert cli.positive_int("3") == 3 and cli.positive_float("0.5") == 0.5 and cli.non_negative_int("0") == 0
    for parse, text in [(cli.positive_int, "0"), (cli.positive_int, "x"), (cli.positive_float, "-1"),
                        (cli.non_negative_int, "-2")]:
        with pytest.raises(argparse.ArgumentTypeError):
            parse(text)


@pytest.mark.parametrize("content,message", [
    (None, r"^names file not found: .*names\.txt$"),  # a user's file: no hint to fetch the course data
    (b"  \n", "is empty"), ("folder", "is a folder, not a file"),
    (b"ok\ncaf\xe9\n", r"not UTF-8 text: .*names\.txt \(byte 0xe9 at offset 6, line 2\); save it as UTF-8$")])
def test_read_text_errors(tmp_path, content, message):
    path = tmp_path / "names.txt"
    if content == "folder":
        path.mkdir()
    elif content is not None:
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
    card = json.loads(runcard.card_json(runcard.run_card("test", {"n_a": 50}, seed=3, data_files=[data],
                                                         results={"loss": 1.5})))
    assert card["seed"] == 3 and card["settings"] == {"n_a": 50} and card["results"] == {"loss": 1.5}
    assert card["data"][str(data)]["sha256"] == io.sha256_file(data)
    assert card["data"][str(data)]["sha256"].startswith("ba7816bf")  # sha256("abc")
    assert "numpy" in card["versions"] and "python" in card["versions"]


def test_format_table():
    text = table.format_table(["check", "max err", "ok"], [["a", 1.23456e-9, True], ["longer name", 0.5, False]])
    lines = text.splitlines()
    assert lines[0].startswith("check") and set(lines[1]) <= {"-", " "}
    assert lines[2].split() == ["a", "1.235e-09", "ok"] and lines[3].split()[-1] == "FAIL"


# ---- one run, one set of outputs (shared.run.outputs, shared.run.checkpoints) --------------------------------

def _set(out, seed, names, **kwargs):
    """Commit a set with ``names`` (each file holds the seed) and return it."""
    with OutputSet(out, command="test", seed=seed, **kwargs) as outputs:
        for name in names:
            outputs.write_text(name, f"{seed}\n")
    return outputs


def test_output_set_commits_the_set_and_drops_the_previous_runs_other_files(tmp_path):
    out = tmp_path / "out"
    first = _set(out, 1, ["a.txt", "sub/b.txt", "old.txt"])
    assert first.committed and sorted(first.files) == ["a.txt", "old.txt", "sub/b.txt"]
    (out / "mine.txt").write_text("the user's own file")  # listed in no card: never touched
    second = _set(out, 2, ["a.txt", "sub/b.txt"])
    card = json.loads(second.card_path.read_text())
    assert sorted(card["files"]) == ["a.txt", "sub/b.txt"] and card["run_id"] == second.run_id != first.run_id
    assert card["files"]["a.txt"]["sha256"] == io.sha256_file(out / "a.txt")
    assert not (out / "old.txt").exists() and (out / "mine.txt").is_file()
    assert (out / "a.txt").read_text() == "2\n" and verify_output_set(out) == []
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "mine.txt", "run_card.json", "sub"]  # no lock, staging


def test_output_set_removes_the_old_card_first_and_writes_the_new_one_last(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _set(out, 1, ["a.txt", "b.txt"])
    seen = []
    monkeypatch.setattr(outputs_module, "_commit_hook",
                        lambda point: seen.append((point, (out / "run_card.json").exists(),
                                                   (out / "a.txt").read_text())))
    _set(out, 2, ["a.txt", "b.txt"])
    assert seen == [("card removed", False, "1\n"), ("first file moved", False, "2\n")]


def test_a_failed_run_leaves_the_previous_set_untouched(tmp_path):
    out = tmp_path / "out"
    _set(out, 1, ["a.txt"])
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(RuntimeError):
        with OutputSet(out, command="test", seed=2) as outputs:
            outputs.write_text("a.txt", "2\n")
            staging = outputs.path("a.txt").parent
            raise RuntimeError("training diverged")
    assert not staging.exists() and {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_files_read_from_the_folder_stay_in_the_new_set(tmp_path):
    out = tmp_path / "out"
    _set(out, 1, ["model.keras", "model.json", "names.txt"])
    with OutputSet(out, command="test", seed=2, data_files=[out / "model.keras", out / "model.json"]) as outputs:
        outputs.write_text("names.txt", "2\n")  # --load OUT/model.keras (and its sidecar): read, kept in the set
    assert (out / "model.keras").read_text() == "1\n"
    assert sorted(outputs.files) == ["model.json", "model.keras", "names.txt"]
    assert verify_output_set(out, strict=True) == []


def test_files_of_other_sets_are_read_but_never_claimed(tmp_path):
    root = tmp_path / "output"
    _set(root / "dinos", 1, ["names.txt"])
    (root / "notes.txt").write_text("the user's")
    with OutputSet(root, command="report", card_name="report_run_card.json",
                   data_files=[root / "dinos" / "names.txt", root / "notes.txt"]) as outputs:
        outputs.write_text("index.html", "<html>")
    assert sorted(outputs.files) == ["index.html"]
    _set(root, 2, ["index.html"], card_name="report_run_card.json")  # the next report: nothing else goes
    assert (root / "dinos" / "names.txt").is_file() and (root / "notes.txt").is_file()
    assert verify_output_set(root / "dinos") == []


def test_two_card_names_share_one_folder(tmp_path):
    out = tmp_path / "out"
    _set(out, 1, ["parameters.npz"])
    _set(out, 2, ["keras_model.keras"], card_name="keras_run_card.json")
    _set(out, 3, ["parameters.npz"])
    assert (out / "keras_model.keras").read_text() == "2\n"
    assert verify_output_set(out) == [] and verify_output_set(out, "keras_run_card.json") == []


def test_outputs_are_readable_back_before_the_commit(tmp_path):
    with OutputSet(tmp_path / "out", command="test") as outputs:
        midi = outputs.path("my_music.midi")
        midi.write_bytes(b"MThd")
        assert outputs.path("my_music.midi").read_bytes() == b"MThd"  # e.g. handed to FluidSynth
        assert not outputs.final("my_music.midi").exists()
    assert outputs.files["my_music.midi"].read_bytes() == b"MThd"


def test_a_folder_in_the_way_of_an_output_is_one_line_before_any_work(tmp_path):
    out = tmp_path / "out"
    (out / "loss.png").mkdir(parents=True)
    with OutputSet(out, command="test") as outputs:
        with pytest.raises(UserError, match=r"cannot write .*loss\.png: a folder of that name is in the way"):
            outputs.path("loss.png")
    with pytest.raises(UserError, match="a folder of that name is in the way"):
        io.write_text_atomic(out / "loss.png", "x")


def test_an_empty_out_is_an_error(tmp_path):
    import argparse

    with pytest.raises(argparse.ArgumentTypeError, match="empty"):
        cli.output_dir("")
    (tmp_path / "f").write_text("x")
    with pytest.raises(argparse.ArgumentTypeError, match="is a file, not a folder"):
        cli.output_dir(str(tmp_path / "f"))
    assert cli.output_dir(str(tmp_path / "new")) == tmp_path / "new"
    for make in (lambda: OutputSet("", command="test"), lambda: io.ensure_output_dir("")):
        with pytest.raises(UserError, match="empty string"):
            make()


def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_is_one_line_naming_the_output_and_keeps_the_previous_set(tmp_path, capsys):
    out = tmp_path / "out"
    _set(out, 1, ["a.txt", "loss.png"])
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def main(argv):
        with OutputSet(out, command="test", seed=2) as outputs:
            outputs.write_text("a.txt", "2\n")
            with outputs.atomic("loss.png") as tmp:
                tmp.write_bytes(b"\x89PNG half")
                _enospc()  # what savefig raises when the disk fills

    assert cli.run(main, []) == 2
    assert capsys.readouterr().err == f"error: cannot write {out / 'loss.png'}: No space left on device\n"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before

    def writes_to_a_handle(argv):  # np.savez into an open file: the OSError names no file
        with OutputSet(out, command="test", seed=3) as outputs:
            with open(outputs.path("parameters.npz"), "wb"):
                _enospc()

    assert cli.run(writes_to_a_handle, []) == 2
    assert capsys.readouterr().err == f"error: cannot write {out}: No space left on device\n"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_h5py_style_os_errors_are_read_for_their_errno():
    exc = OSError("Unable to synchronously create file (file write failed: time = x, errno = 28, "
                  "error message = 'No space left on device')")
    assert io.is_write_error(exc) and io.os_error_reason(exc) == "No space left on device"


def test_run_reports_an_environment_os_error_in_one_line(capsys):
    def main(argv):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), "/mnt/ro/out/x.json")

    assert cli.run(main, []) == 2
    assert capsys.readouterr().err == "error: Read-only file system: /mnt/ro/out/x.json\n"


@pytest.fixture()
def tiny_tmpfs(tmp_path):
    """A 64 KiB tmpfs (root only), for a real ENOSPC."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root and a mountable tmpfs (the monkeypatched ENOSPC test covers the logic)")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_really_full_disk_is_one_line(tiny_tmpfs, capsys):
    out = tiny_tmpfs / "out"

    def main(argv):
        with OutputSet(out, command="test", seed=1) as outputs:
            outputs.write_text("names.txt", "ok\n")
            with open(outputs.path("parameters.npz"), "wb") as handle:
                handle.write(os.urandom(256 * 1024))

    assert cli.run(main, []) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot write {out}") and "No space left on device" in err and err.count("\n") == 1
    assert not out.exists()  # nothing half-written, and the folder the run made is gone
    with pytest.raises(UserError, match=r"cannot write .*big\.bin: No space left on device"):
        io.write_text_atomic(tiny_tmpfs / "big.bin", "x" * 200_000)
    assert list(tiny_tmpfs.iterdir()) == []


def test_checkpoint_units_appear_whole_and_one_lineage_stays(tmp_path):
    from shared.run.checkpoints import CheckpointStore, unit_problems, verify_store, verify_unit

    folder = tmp_path / "checkpoints"
    first = CheckpointStore(folder, "run-1", lock=False)
    for epoch in (1, 2, 3):
        with first.write(f"epoch-{epoch:03d}") as unit:
            (unit / "model.keras").write_text(f"weights {epoch}")
            (unit / "state.json").write_text(json.dumps({"epoch": epoch}))
    with pytest.raises(RuntimeError):
        with first.write("epoch-004") as unit:
            (unit / "model.keras").write_text("half")
            raise RuntimeError("interrupted between the model and its state")
    assert sorted(p.name for p in folder.iterdir()) == ["epoch-001", "epoch-002", "epoch-003"]
    assert verify_store(folder) == [] and verify_unit(folder / "epoch-002")["run_id"] == "run-1"

    resumed = CheckpointStore(folder, "run-2", lock=False)  # resume from epoch 2, train to 3
    assert resumed.lineage(folder / "epoch-002") == ["epoch-001", "epoch-002"]
    with resumed.write("epoch-003") as unit:
        (unit / "model.keras").write_text("weights 3b")
        (unit / "state.json").write_text("{}")
    assert {n: m["run_id"] for n, m in resumed.units().items()} == \
        {"epoch-001": "run-1", "epoch-002": "run-1", "epoch-003": "run-2"}
    assert verify_store(folder) == []  # one lineage (run-2 continues run-1)

    fresh = CheckpointStore(folder, "run-3", lock=False)  # a new run with fewer epochs
    with fresh.write("epoch-001") as unit:
        (unit / "model.keras").write_text("new 1")
        (unit / "state.json").write_text("{}")
    assert list(fresh.units()) == ["epoch-001"]  # the older epoch-002/003 are gone before it appears
    (folder / "epoch-001" / "model.keras").write_text("changed")
    assert unit_problems(folder / "epoch-001") == ["epoch-001/model.keras: sha256 differs from unit.json"]
    with pytest.raises(UserError, match="incomplete or changed"):
        verify_unit(folder / "epoch-001")


def test_output_set_lists_its_checkpoints_in_the_run_card(tmp_path):
    out = tmp_path / "out"
    with OutputSet(out, command="test", seed=1) as outputs:
        store = outputs.checkpoints()
        with store.write("epoch-001") as unit:
            (unit / "model.keras").write_text("w")
        outputs.write_text("poem.txt", "x\n")
    card = json.loads(outputs.card_path.read_text())
    assert card["checkpoints"] == [{"folder": "checkpoints", "units": {"epoch-001": outputs.run_id},
                                    "written_by_this_run": ["epoch-001"]}]
    assert verify_output_set(out, strict=True) == []


def test_atomic_dir_replaces_the_whole_folder(tmp_path):
    target = tmp_path / "unit"
    with io.atomic_dir(target) as tmp:
        (tmp / "a").write_text("1")
        (tmp / "b").write_text("1")
    with pytest.raises(RuntimeError):
        with io.atomic_dir(target) as tmp:
            (tmp / "a").write_text("2")
            raise RuntimeError
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unit"] and (target / "a").read_text() == "1"
    with io.atomic_dir(target) as tmp:
        (tmp / "c").write_text("3")
    assert sorted(p.name for p in target.iterdir()) == ["c"] and sorted(p.name for p in tmp_path.iterdir()) == ["unit"]


# ---- the run around a command (shared.run.cli, shared.run.signals, shared.run.cleanup, shared.run.lock) ----------------

def test_a_second_lock_on_a_folder_is_refused_with_the_owners_pid(tmp_path):
    from shared.run.lock import FolderLock

    with FolderLock(tmp_path):
        assert (tmp_path / ".lock").read_text() == f"{os.getpid()}\n"
        with pytest.raises(UserError, match=rf"in use by another run \(pid {os.getpid()}\)"):
            FolderLock(tmp_path).acquire()
        with pytest.raises(UserError, match="in use by another run"):
            OutputSet(tmp_path, command="test").__enter__()
    assert not (tmp_path / ".lock").exists()
    with FolderLock(tmp_path):  # free again
        pass


def test_lock_owner_names_a_live_run_only(tmp_path):
    from shared.run.lock import FolderLock, lock_owner

    assert lock_owner(tmp_path) is None
    with FolderLock(tmp_path):
        assert lock_owner(tmp_path) == os.getpid()
    dead = subprocess.Popen(["true"])
    dead.wait()
    (tmp_path / ".lock").write_text(f"{dead.pid}\n")
    assert lock_owner(tmp_path) is None


def test_sigterm_is_one_line_exit_143_and_the_handlers_come_back(capsys):
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)

    def main(argv):
        signal.raise_signal(signal.SIGTERM)
        raise AssertionError("not reached")

    assert cli.run(main, []) == 143
    assert capsys.readouterr().err == "error: interrupted\n"
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before

    def ctrl_c(argv):
        raise KeyboardInterrupt

    assert cli.run(ctrl_c, []) == 130 and capsys.readouterr().err == "error: interrupted\n"


def test_a_run_inside_a_run_leaves_the_clean_up_to_the_outer_one(tmp_path, capsys):
    seen = {}

    def inner(argv):
        raise UserError("inner failed")

    def outer(argv):
        seen["child"] = cleanup.spawn(["sleep", "60"])
        assert cli.run(inner, []) == 2  # the inner run does not stop the outer run's child
        seen["alive"] = seen["child"].poll() is None
        raise KeyboardInterrupt

    assert cli.run(outer, []) == 130
    assert seen["alive"] and seen["child"].poll() is not None
    assert capsys.readouterr().err == "error: inner failed\nerror: interrupted\n"


def test_signals_wait_during_a_deferred_block():
    from shared.run.signals import Interrupted, deferred, handling

    done = []
    with handling():
        with pytest.raises(Interrupted):
            with deferred():
                signal.raise_signal(signal.SIGTERM)
                done.append("after the signal")  # still runs: the signal waits for the block's end
    assert done == ["after the signal"]


def test_an_interrupted_run_stops_its_children_and_removes_its_temporary_files(tmp_path, capsys):
    seen = {}

    def main(argv):
        seen["child"] = cleanup.spawn(["sleep", "60"])
        with io.atomic_path(tmp_path / "out" / "model.keras") as tmp:
            tmp.write_text("half")
            seen["tmp"] = tmp
            raise KeyboardInterrupt

    assert cli.run(main, []) == 130
    assert seen["child"].poll() is not None and not seen["tmp"].exists()
    assert list((tmp_path / "out").iterdir()) == []
    assert capsys.readouterr().err == "error: interrupted\n"


def test_the_error_line_starts_on_a_fresh_line_after_a_bar(capsys):
    def main(argv):
        print("\r 40%|####      | 4/10", end="", file=sys.stderr)
        print("\b\b\r 3/10 [====>.....]", end="")
        raise UserError("training diverged")

    assert cli.run(main, []) == 2
    captured = capsys.readouterr()
    assert captured.err == "\r 40%|####      | 4/10\nerror: training diverged\n"
    assert captured.out == "\b\b\r 3/10 [====>.....]\n"


@pytest.mark.parametrize("writes,unfinished", [
    (["epoch 1\n"], False), (["\r 40%|####"], True), (["\r 40%|####", "\r" + " " * 12 + "\r"], False),
    (["\r 40%|####", "\r"], True), (["3/10 [===", "\b" * 9], True), (["a\nb"], True), (["a\nb", "\n"], False),
])
def test_tracked_stream_follows_the_cursor(writes, unfinished):
    import io as stdio

    from shared.run.console import TrackedStream

    stream = TrackedStream(stdio.StringIO())
    for text in writes:
        stream.write(text)
    assert stream.unfinished is unfinished
    assert stream.getvalue() == "".join(writes)  # everything else is the wrapped stream's


def test_say_is_quiet_aware(capsys):
    from shared.run.console import Console, say

    say(True, "hidden")
    say(False, "a", "b")
    Console(quiet=False).say("c")
    assert capsys.readouterr().out == "a\nb\nc\n"


def test_option_types_reject_non_finite_and_out_of_range_values():
    import argparse

    assert cli.positive_float("1e-3") == 1e-3 and cli.seed_int("4294967295") == 2 ** 32 - 1
    assert cli.bounded_int(1, 10)("10") == 10 and cli.bounded_float(0, 1, lo_open=True, hi_open=True)("0.5") == 0.5
    for parse, text, message in [
        (cli.positive_float, "inf", "finite"), (cli.positive_float, "nan", "finite"),
        (cli.finite_float, "nan", "finite"),
        (cli.seed_int, "4294967296", "between 0 and 4294967295"), (cli.seed_int, "-1", "between 0"),
        (cli.bounded_int(1, 10_000), "10" * 20, "between 1 and 10000"), (cli.bounded_int(1, 5), "2.5", "not a valid"),
        (cli.bounded_float(0, 1, lo_open=True, hi_open=True), "1", "in (0, 1)"),
    ]:
        with pytest.raises(argparse.ArgumentTypeError, match=re.escape(message)):
            parse(text)
    parser = cli.ArgumentParser(prog="x")
    parser.add_argument("--temperature", type=cli.positive_float)
    with pytest.raises(UserError, match=r"argument --temperature: 'inf' must be a finite number > 0 \(see --help\)"):
        parser.parse_args(["--temperature", "inf"])


def test_set_seed_does_not_pretend_to_seed_string_hashing(monkeypatch):
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    set_seed(5, tensorflow=False)
    assert "PYTHONHASHSEED" not in os.environ
    for bad in (-1, 2 ** 32, 1.5, True):
        with pytest.raises(ValueError, match="seed must be an integer"):
            set_seed(bad, tensorflow=False)


def test_output_set_files_get_the_usual_permissions(tmp_path):
    from shared.run.outputs import OutputSet

    out = tmp_path / "out"
    with OutputSet(out, command="test", seed=0) as outputs:
        outputs.write_text("names.txt", "zuul\n")
    assert (out / "names.txt").stat().st_mode & 0o777 == 0o666 & ~io._UMASK  # not mkstemp's 0600


# ---------------------------------------------------------------- drawing in a child process

def test_drawing_child_draws_each_request_and_names_the_file_it_could_not_write(tmp_path):
    """Requests go to the child in order (a jazz piano roll's notes pickled as they are); a failure is one line."""
    from assignments.jazz.midi.notes import Chord, Note, Passage
    from assignments.jazz.solo.pianoroll import plot_pianoroll
    from shared.run.drawing import Drawing
    from shared.plotting import plot_curves

    solo = Passage.of([Note(0.0, 1.0, "C4"), Note(1.0, 0.5, "E4")], [Chord(0.0, ("C3", "G3"), 2.0)])
    with Drawing(background=True) as drawing:
        assert drawing.background
        drawing.draw(plot_curves, tmp_path / "loss.png", {"loss": (range(1, 4), [3.0, 2.0, 1.5])}, "t", "x", "y")
        drawing.draw(plot_pianoroll, tmp_path / "roll.png", solo, solo, original_title="original")
        assert drawing.wait() == [tmp_path / "loss.png", tmp_path / "roll.png"]
    for name in ("loss.png", "roll.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loss.png", "roll.png"]  # no temporary file left

    (tmp_path / "a_file").write_text("x")
    with Drawing(background=True) as drawing:
        drawing.draw(plot_curves, tmp_path / "a_file" / "bad.png", {"loss": ([1], [1.0])}, "t", "x", "y")
        drawing.draw(plot_curves, tmp_path / "good.png", {"loss": ([1], [1.0])}, "t", "x", "y")
        with pytest.raises(UserError, match=r"^cannot draw .*a_file/bad\.png: ") as failure:
            drawing.wait()
    assert "\n" not in str(failure.value) and (tmp_path / "good.png").is_file()  # the others are still drawn

    with Drawing(background=True) as drawing:  # a run that stopped early: the child is stopped, nothing drawn
        child = drawing._child
        drawing.draw(plot_curves, tmp_path / "never.png", {"loss": ([1], [1.0])}, "t", "x", "y")
    assert child.returncode is not None and not (tmp_path / "never.png").exists()

    with Drawing(background=False) as drawing:  # in this process: drawn at once
        drawing.draw(plot_curves, tmp_path / "here.png", {"loss": ([1], [1.0])}, "t", "x", "y")
        assert (tmp_path / "here.png").is_file() and drawing.wait() == [tmp_path / "here.png"]


IMPORT_KERAS = ("import os, sys; from shared.run.backend import import_keras; "
                "keras = import_keras(onednn=True); "  # as a bfloat16 run imports it
                "assert os.environ['TF_ENABLE_ONEDNN_OPTS'] == '1', 'oneDNN left off'; "
                "assert 'matplotlib' not in sys.modules, 'matplotlib imported'; "
                "from keras.src.visualization import plot_image_gallery; assert plot_image_gallery.plt is None; "
                "import matplotlib.pyplot; print('ok', import_keras() is keras); "
                "from shared.run.cli import exit_now; exit_now(0)")  # as the commands end: no TensorFlow teardown


@contextmanager
def launch(session, module, tmp_path_factory):
    """The fresh process of the import_keras test, started with the session (``tests/paused.py``): it imports
    TensorFlow in the background while the other tests run."""
    wanted = any(getattr(item, "module", None) is module and item.name.startswith("test_import_keras")
                 for item in session.items)
    process = paused.background(["-c", IMPORT_KERAS]) if wanted else None
    try:
        yield process
    finally:
        paused.stop([process] if process else [])


def test_import_keras_leaves_matplotlib_out_and_importable(launched_early):
    """Keras imported without matplotlib in a fresh process; matplotlib imports normally afterwards. With oneDNN
    on, TensorFlow's notice of it (printed whatever TF_CPP_MIN_LOG_LEVEL says) is left out."""
    process = launched_early[__name__]
    stdout, stderr = process.communicate(timeout=240)
    assert process.returncode == 0 and stdout == "ok True\n", stderr[-2000:]
    assert stderr == ""


def test_the_onednn_notice_is_left_out_and_the_rest_of_stderr_kept(capfd):
    from shared.run import backend

    with pytest.raises(KeyError), backend._without_onednn_notice():
        os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
                    b"I0000 port.cc:153] oneDNN custom operations are on. You may see ...\nsomething else\n")
        raise KeyError("an error on the way still puts stderr back")
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "something else\nafter\n"
    assert isinstance(backend.bf16_matmul_hardware(), bool)
    import tensorflow  # noqa: F401 -- imported: the switch is read, enable_onednn must not touch it
    before = os.environ.get("TF_ENABLE_ONEDNN_OPTS")
    assert backend.enable_onednn() is backend.onednn_enabled()  # TensorFlow is imported here: nothing changes
    assert os.environ.get("TF_ENABLE_ONEDNN_OPTS") == before


# ---- robustness: pipes, signals in saves, locks at parse time, full disks, fsync, children -----------------------

def test_a_closed_pipe_ends_quietly():
    """``command | head -1``: no BrokenPipeError traceback, exit 141 (as a program stopped by SIGPIPE)."""
    from shared.paths import REPO_ROOT

    code = ("from shared.run import start\n"
            "def main(argv):\n    for i in range(100000):\n        print('line', i)\n"
            "start(main)\n")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO_ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout.readline() == b"line 0\n"
    process.stdout.close()  # the reader goes away
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == cli.BROKEN_PIPE_STATUS and err == "", err


def test_sighup_is_handled_like_sigterm(capsys, tmp_path):
    seen = {}

    def main(argv):
        seen["child"] = cleanup.spawn(["sleep", "60"])
        with OutputSet(tmp_path / "out", command="test") as outputs:
            outputs.write_text("a.txt", "x")
            signal.raise_signal(signal.SIGHUP)  # the terminal closed

    assert cli.run(main, []) == 129
    assert capsys.readouterr().err == "error: interrupted\n"
    assert seen["child"].poll() is not None and not (tmp_path / "out").exists()  # no lock, no staging, no child


@pytest.mark.parametrize("save", ["output", "checkpoint"])
def test_a_signal_is_never_lost_inside_a_save(tmp_path, capsys, save):
    """A library that swallows KeyboardInterrupt inside its save (h5py did) cannot lose a Ctrl-C or SIGTERM."""
    from shared.run.checkpoints import CheckpointStore

    def swallowing_save(path):
        try:
            signal.raise_signal(signal.SIGTERM)
            sum(range(1000))  # Python's handler runs here, inside the "library"
        except KeyboardInterrupt:
            pass
        path.write_text("saved")

    def main(argv):
        with OutputSet(tmp_path / "out", command="test") as outputs:
            if save == "output":
                with outputs.atomic("model.keras") as tmp:
                    swallowing_save(tmp)
            else:
                with outputs.checkpoints().write("epoch-001") as unit:
                    swallowing_save(unit / "model.keras")

    assert cli.run(main, []) == 143 and capsys.readouterr().err == "error: interrupted\n"
    assert not (tmp_path / "out" / "run_card.json").exists()  # the run stopped: no set committed


def test_an_interrupt_lost_in_a_finalizer_still_stops_the_run(tmp_path, monkeypatch, capsys):
    from shared.run import signals

    class Finalized:
        def __del__(self):  # an interrupt raised here can only be reported ("Exception ignored in ..."), not raised
            raise signals.Interrupted(signal.SIGTERM)

    monkeypatch.setattr(sys, "unraisablehook", signals._unraisable)  # as signals.early() sets it in a command

    def main(argv):
        with OutputSet(tmp_path / "out", command="test") as outputs:
            outputs.write_text("a.txt", "x")
            Finalized()  # lost here, raised before the commit

    assert cli.run(main, []) == 143 and capsys.readouterr().err == "error: interrupted\n"
    assert not (tmp_path / "out").exists()
    with pytest.raises(signals.Interrupted):
        with signals.deferred():  # a save
            Finalized()
    assert cli.run(lambda argv: Finalized() and None, []) == 143  # when the run ends


def test_the_out_folder_is_locked_before_anything_is_printed(tmp_path, capsys):
    import dataclasses
    from pathlib import Path

    from shared.run.lock import FolderLock

    folder = tmp_path / "out"

    @dataclasses.dataclass
    class Config:
        out: Path = dataclasses.field(default=folder, metadata={"help": "output folder", "type": cli.output_dir})

    def with_config(argv):
        cli.parse_config(Config, cli.config_parser(Config, "x", "x"), argv)
        print("Settings: ...")

    def with_parser(argv):
        parser = cli.ArgumentParser(prog="y")
        parser.add_argument("--out", type=cli.output_dir, required=True)
        parser.parse_args(argv)
        print("Settings: ...")

    def parser_only(argv):  # a command that builds its own settings from config_parser's namespace
        cli.config_parser(Config, "z", "z").parse_args(argv)
        print("Settings: ...")

    folder.mkdir()
    with FolderLock(folder):  # another run holds it
        for main, argv in ((with_config, []), (with_parser, ["--out", str(folder)]), (parser_only, [])):
            assert cli.run(main, argv) == 2
            captured = capsys.readouterr()
            assert captured.out == "" and f"output folder {folder} is in use by another run" in captured.err
    folder.rmdir()
    assert cli.run(with_config, []) == 0 and not folder.exists()  # claimed, made, released, nothing written: gone
    cli.parse_config(Config, cli.config_parser(Config, "x", "x"), [])  # outside a run: no lock, no folder
    assert not folder.exists()


def test_a_full_disk_at_lock_time_names_the_path_and_leaves_no_lock(tmp_path, monkeypatch):
    from shared.run import lock

    monkeypatch.setattr(lock.os, "write", _enospc)
    with pytest.raises(UserError, match=rf"cannot lock output folder {tmp_path}: cannot write {tmp_path}/\.lock: "
                                        "No space left on device"):
        lock.FolderLock(tmp_path).acquire()
    assert list(tmp_path.iterdir()) == []


def test_messages_name_final_paths_not_the_staging_folder(tmp_path, capsys):
    out = tmp_path / "out"

    def main(argv):
        with OutputSet(out, command="test") as outputs:
            raise UserError(f"cannot read {outputs.path('my_music.wav')}: truncated")

    assert cli.run(main, []) == 2
    assert capsys.readouterr().err == f"error: cannot read {out / 'my_music.wav'}: truncated\n"


def test_committed_files_are_on_disk_before_the_card_names_them(tmp_path, monkeypatch):
    out = tmp_path / "out"
    flushed = []
    real = outputs_module.fsync_path

    def record(path):
        flushed.append((os.path.realpath(path), (out / "run_card.json").exists()))
        real(path)

    monkeypatch.setattr(outputs_module, "fsync_path", record)
    with OutputSet(out, command="test") as outputs:
        outputs.write_text("a.txt", "1")
        with open(outputs.path("sub/b.bin"), "wb") as handle:  # written without atomic(): flushed by the commit
            handle.write(b"2")
        staging = os.path.realpath(outputs.staging)
    before_card = {path for path, card in flushed if not card}
    assert {f"{staging}/a.txt", f"{staging}/sub/b.bin", os.path.realpath(out / "sub")} <= before_card
    assert (os.path.realpath(out), True) in flushed  # the card's own rename too


def test_a_child_that_exits_0_with_bad_output_is_an_error(tmp_path):
    from shared.run.drawing import Drawing

    with pytest.raises(UserError, match=r"cannot draw .*nothing\.png: no file was written"):
        with Drawing(background=False) as drawing:
            drawing.draw(os.path.exists, tmp_path / "nothing.png")  # "draws", exits well and writes nothing
            drawing.wait()


def test_a_signal_while_a_child_starts_still_stops_the_child(tmp_path, monkeypatch, capsys):
    """The child is recorded before a signal can stop the run, and inherits no blocked signals from a save."""
    real, started = subprocess.Popen, []

    def popen(*args, **kwargs):  # the signal lands inside Popen, once the child exists
        started.append(real(*args, **kwargs))
        signal.raise_signal(signal.SIGTERM)
        sum(range(1000))
        return started[-1]

    def main(argv):
        with io.atomic_path(tmp_path / "x.wav"):  # signals held (and blocked) during a save
            with monkeypatch.context() as patch:
                patch.setattr(cleanup.subprocess, "Popen", popen)
                child = cleanup.spawn(["sleep", "60"])
            with open(f"/proc/{child.pid}/status") as status:
                mask = next(line for line in status if line.startswith("SigBlk:")).split()[1]
            blocked.append(int(mask, 16) & (1 << (signal.SIGTERM - 1)))

    blocked = []
    assert cli.run(main, []) == 143 and capsys.readouterr().err == "error: interrupted\n"
    assert started[0].poll() is not None  # stopped by the run's clean-up
    assert blocked == [0], "the child inherited a blocked SIGTERM: it cannot be stopped"


def test_a_run_that_ends_in_a_bug_leaves_no_empty_output_folder(tmp_path):
    def main(argv):
        io.ensure_output_dir(tmp_path / "out")
        raise ZeroDivisionError  # a traceback: the empty --out goes all the same

    with pytest.raises(ZeroDivisionError):
        cli.run(main, [])
    assert list(tmp_path.iterdir()) == []


def test_a_closed_pipe_at_exit_is_not_a_success():
    """The last buffered lines of a finished run, refused by a closed pipe: 141, not 0, and no traceback."""
    from shared.paths import REPO_ROOT

    code = "import sys; from shared.run.cli import exit_now; sys.stdout.write('x' * 100); exit_now(0)"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # the write waits in the buffer
    process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.close()  # gone before the run writes
    assert process.wait(timeout=60) == cli.BROKEN_PIPE_STATUS and process.stderr.read() == b""


def test_a_hung_up_terminal_still_gets_the_status(monkeypatch):
    class HungUp:  # a terminal that closed (SIGHUP): every write fails
        def write(self, text):
            raise OSError(errno.EIO, os.strerror(errno.EIO))

        def flush(self):
            pass

    monkeypatch.setattr(sys, "stderr", HungUp())

    def main(argv):
        signal.raise_signal(signal.SIGHUP)

    assert cli.run(main, []) == 129
