"""All or nothing, from the outside: real ``python -m assignments.dinos`` / ``...dinos.shakespeare`` processes sent
SIGINT and SIGTERM at chosen points, into an empty ``--out`` and into one holding a previous run.

The command runs as ``python -m`` runs it (``runpy``, as ``__main__``) from a small wrapper that pauses it at a
point -- prints ``READY POINT`` and waits for a line on stdin or a signal; the commands hold no test code:

- ``startup``: while ``assignments.dinos.app`` starts importing (numpy), inside ``shared.cli.run``;
- ``training``: the numpy model at its second printed checkpoint;
- ``checkpoint``: Shakespeare, between a checkpoint's ``model.keras`` and its ``model.json``;
- ``staged``: every output staged, just before the commit;
- ``commit``: inside the commit, after the first file moved (signals wait: the new set completes).

Afterwards: exit 130 / 143, ``error: interrupted`` and no traceback, no temporary file, every file loads
(npz, ``.keras`` in safe mode, PNG, JSON), and the folder is one run's set (its card's sha256s): the previous
run's, untouched, or -- interrupted in the commit -- the new run's, complete. Checkpoint units are whole.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from shared.checkpoints import unit_problems
from shared.outputs import verify_output_set

REPO = Path(__file__).resolve().parent.parent
STATUS = {"SIGINT": 130, "SIGTERM": 143}

PAUSED = r"""
import importlib.abc, os, runpy, sys

POINT, MODULE = os.environ["PAUSE_AT"], sys.argv[1]


def pause(point):
    if point == POINT:
        print("READY " + point, flush=True)
        sys.stdin.readline()


class Startup(importlib.abc.MetaPathFinder):  # the app module starts importing: inside shared.cli.run
    def find_spec(self, name, path, target=None):
        if name == "assignments.dinos.app":
            pause("startup")
        return None


sys.meta_path.insert(0, Startup())
if POINT != "startup":
    from shared import outputs
    commit = outputs.OutputSet.commit
    outputs.OutputSet.commit = lambda self: (pause("staged"), commit(self))[1]
    outputs._commit_hook = lambda point: pause("commit") if point == "first file moved" else None
    if MODULE == "assignments.dinos":
        from assignments.dinos import course
        checkpoint = course.print_checkpoint
        course.print_checkpoint = lambda j, *a, **k: (pause("training") if j > 0 else None, checkpoint(j, *a, **k))[1]
    else:
        from assignments.dinos import keras_io
        write = keras_io.write_text_atomic
        keras_io.write_text_atomic = lambda path, text: (
            pause("checkpoint") if "epoch-" in str(path) else None, write(path, text))[1]
        import keras  # noqa: F401 -- the slow import, done before the wait below
    if os.environ.get("START_WHEN"):  # wait until the output folder is prepared
        import time
        while not os.path.exists(os.environ["START_WHEN"]):
            time.sleep(0.02)
sys.argv = [MODULE, *sys.argv[2:]]
runpy.run_module(MODULE, run_name="__main__", alter_sys=True)
"""

DINOS = ["--iterations", "200", "--sample-every", "100", "--samples", "5", "--quiet"]
SHAKESPEARE = ["--from-scratch", "--train-epochs", "1", "--max-examples", "32", "--n-a", "4", "--batch-size", "32",
               "--length", "5", "--quiet"]
CASES = [  # (command, point, signal, start): chosen so that the file stays near 40 s (TensorFlow: ~4 s a process)
    ("dinos", "startup", "SIGINT", "empty"),
    ("dinos", "training", "SIGTERM", "previous"),
    ("dinos", "training", "SIGINT", "empty"),
    ("dinos", "staged", "SIGTERM", "previous"),
    ("dinos", "commit", "SIGINT", "previous"),
    ("dinos", "commit", "SIGTERM", "empty"),
    ("shakespeare", "checkpoint", "SIGTERM", "previous"),
    ("shakespeare", "staged", "SIGINT", "empty"),
]


def _start(module: str, args: list[str], point: str, start_when: Path | None = None) -> subprocess.Popen:
    env = dict(os.environ, PAUSE_AT=point, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0",
               START_WHEN=str(start_when or ""))
    return subprocess.Popen([sys.executable, "-c", PAUSED, module, *args], cwd=REPO, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_ready(process: subprocess.Popen, point: str) -> None:
    watchdog = threading.Timer(240, process.kill)  # never hangs the suite (the cases start together)
    watchdog.start()
    try:
        line = process.stdout.readline()
    finally:
        watchdog.cancel()
    assert line == f"READY {point}\n", (line, process.poll(), process.stderr.read() if process.poll() else "")


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _loads(folder: Path) -> None:
    """Every file of the folder loads as what it is."""
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".npz":
            with np.load(path) as data:
                assert {"Wax", "Waa", "Wya", "b", "by", "chars"} <= set(data.files)
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".png":
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        elif path.suffix == ".keras":  # (Keras imported only here: the dinos cases have no .keras file)
            import keras

            from assignments.dinos.shakespeare import model as _registers  # noqa: F401 -- course_hard_sigmoid

            keras.models.load_model(path, safe_mode=True)
        else:
            assert path.suffix == ".txt", path


MODULES = {"dinos": "assignments.dinos", "shakespeare": "assignments.dinos.shakespeare"}


def _args(command: str) -> list[str]:
    return DINOS if command == "dinos" else SHAKESPEARE


@pytest.fixture(scope="module")
def launched(request, tmp_path_factory):
    """Every selected case's process, started before the first case is checked, and one finished run of each
    command to interrupt a later run over.

    The processes start together (Shakespeare's import TensorFlow, seconds); the ones over a previous run wait,
    their imports done, until the finished runs (each command's ``main`` in this process, the same command
    line, meanwhile) are copied into their folders. ``{case id: (process, out, files before)}``.
    """
    from assignments.dinos.__main__ import main as dinos_main
    from assignments.dinos.shakespeare.__main__ import main as shakespeare_main
    from shared.cli import run

    root = tmp_path_factory.mktemp("dinos_interrupts")
    selected = [item.callspec.params for item in request.session.items
                if item.module is request.module and hasattr(item, "callspec")]
    cases = [c for c in CASES if dict(zip(("command", "point", "name", "start"), c)) in selected]
    previous, ready = root / "previous", root / "previous-copied"
    processes = {}
    try:
        for command, point, name, start in cases:
            out = root / "-".join((command, point, name, start)) / "out"
            out.parent.mkdir()
            over = start == "previous"
            before = None if over else _tree(out)  # empty: the run has not started yet
            processes["-".join((command, point, name, start))] = (
                _start(MODULES[command], _args(command) + ["--out", str(out)], point, ready if over else None),
                out, before, command)
        for command, main in (("dinos", dinos_main), ("shakespeare", shakespeare_main)):
            if any(c[0] == command and c[3] == "previous" for c in cases):
                assert run(main, _args(command) + ["--seed", "1", "--out", str(previous / command)]) == 0
        started = {}
        for key, (process, out, before, command) in processes.items():
            if before is None:  # waiting for this copy
                shutil.copytree(previous / command, out)
                before = _tree(out)
            started[key] = (process, out, before)
        ready.touch()
        yield started
    finally:
        for process, *_ in processes.values():
            if process.poll() is None:  # a case that failed before its signal
                process.kill()
                process.wait()
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream is not None:
                    stream.close()


@pytest.mark.parametrize("command, point, name, start", CASES, ids=["-".join(c) for c in CASES])
def test_an_interrupted_run_leaves_one_whole_set(launched, command, point, name, start):
    process, out, before = launched["-".join((command, point, name, start))]
    _wait_ready(process, point)
    process.send_signal(getattr(signal, name))
    if point == "commit":  # the signal waits for the commit: let it go on
        process.stdin.write("\n")
        process.stdin.flush()
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == STATUS[name], stderr
    assert stderr.endswith("error: interrupted\n") and "Traceback" not in stderr, stderr
    assert stdout in ("", "\n"), stdout
    if not out.exists():
        assert start == "empty" and point in ("startup", "training", "staged")
        return
    after = _tree(out)
    assert not [n for n in after if any(part.startswith(".") for part in n.split("/"))], sorted(after)
    _loads(out)
    card = "run_card.json"
    if point == "commit":  # the new set, complete
        assert verify_output_set(out, card) == [] and after[card] != before.get(card)
    elif start == "previous":  # the previous set, byte for byte
        assert verify_output_set(out, card) == []
        assert {n: b for n, b in after.items() if not n.startswith("checkpoints/")} == \
            {n: b for n, b in before.items() if not n.startswith("checkpoints/")}
    else:
        assert card not in after
    for unit in (out / "checkpoints").glob("*") if (out / "checkpoints").is_dir() else ():
        assert unit_problems(unit) == [], unit  # whole units only: never a model without its state
