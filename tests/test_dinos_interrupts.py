"""All or nothing, from the outside: real ``python -m assignments.dinos`` / ``...dinos.shakespeare`` processes sent
SIGINT and SIGTERM at chosen points, into an empty ``--out`` and into one holding a previous run.

The command runs as ``python -m`` runs it (``runpy``, as ``__main__``) from a small wrapper (``tests/paused.py``)
that pauses it at a point -- prints ``READY POINT`` and waits for a line on stdin or a signal; the commands hold
no test code:

- ``startup``: while ``assignments.dinos.__main__`` starts importing numpy, inside ``shared.run.cli.run``;
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
import signal
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from shared.run.checkpoints import unit_problems
from shared.run.outputs import verify_output_set
from tests import paused

STATUS = {"SIGINT": 130, "SIGTERM": 143}

PAUSED = r"""
MODULE = sys.argv[1]
sys.meta_path.insert(0, PauseAtImport("numpy", "startup"))  # inside shared.run.cli.run (the script imports numpy)
if POINT != "startup":
    from shared.run import outputs
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
    wait_for_start()  # until the output folder is prepared
sys.argv = [MODULE, *sys.argv[2:]]
runpy.run_module(MODULE, run_name="__main__", alter_sys=True)
"""

DINOS = ["--iterations", "200", "--sample-every", "100", "--samples", "5", "--quiet"]
SHAKESPEARE = ["--from-scratch", "--train-epochs", "1", "--max-examples", "32", "--n-a", "4", "--batch-size", "32",
               "--length", "5", "--quiet"]
CASES = [  # (command, point, signal, start); each process imports in the background (tests/paused.py)
    ("dinos", "startup", "SIGINT", "empty"),
    ("dinos", "training", "SIGTERM", "previous"),
    ("dinos", "training", "SIGINT", "empty"),
    ("dinos", "staged", "SIGTERM", "previous"),
    ("dinos", "commit", "SIGINT", "previous"),
    ("dinos", "commit", "SIGTERM", "empty"),
    ("shakespeare", "checkpoint", "SIGTERM", "previous"),
    ("shakespeare", "staged", "SIGINT", "empty"),
]


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


@contextmanager
def launch(session, module, tmp_path_factory):
    """Every selected case's process, started with the session (:func:`tests.paused.launched`), and one finished
    run of each command to interrupt a later run over (the same command line, its own process, to its end).
    """
    root = tmp_path_factory.mktemp("dinos_interrupts")
    previous = root / "previous"
    chosen = paused.selected(session, module, ("command", "point", "name", "start"), CASES)
    cases = {"-".join(case): case for case in chosen}

    def start_case(key, out, start_when):
        command, point = cases[key][:2]
        return paused.start(PAUSED, [MODULES[command], *_args(command), "--out", str(out)], point,
                            start_when=start_when, niceness=paused.BACKGROUND)

    sources = {key: previous / case[0] if case[3] == "previous" else None for key, case in cases.items()}
    runs = {previous / c: ["-m", MODULES[c], *_args(c), "--seed", "1", "--out", str(previous / c)]
            for c in sorted({case[0] for case in cases.values() if case[3] == "previous"})}
    with paused.launched(root, sources, start_case, runs) as started:
        yield started


@pytest.fixture
def launched(launched_early):
    return launched_early[__name__]


@pytest.mark.parametrize("command, point, name, start", CASES, ids=["-".join(c) for c in CASES])
def test_an_interrupted_run_leaves_one_whole_set(launched, command, point, name, start):
    process, out, before = launched["-".join((command, point, name, start))]
    paused.wait_ready(process, point, timeout=240)  # the cases start together
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
    after = paused.tree(out)
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
