"""A real ``python -m assignments.jazz`` sent SIGINT / SIGTERM at controlled points: all or nothing.

The command runs as ``python -m`` runs it (runpy, as ``__main__``) with a pause installed from here: at POINT it
prints ``READY POINT`` (on stderr) and waits for a line on stdin (or a signal). Points: ``import numpy`` (the app about to be
imported, inside shared.cli.run), ``training`` (the folder open, an unfinished progress-bar line on stdout),
``saved`` (model.keras / model.weights.h5 staged, nothing committed), ``rendering`` (a FluidSynth child
rendering my_music.wav), ``commit`` (the first file of the new set moved into place: the signal waits for the
commit, so the new set is complete). Afterwards: exit 130 / 143, one ``error: interrupted`` line on a fresh line,
no temporary or staging file, no child left, and the folder holds exactly one run's set -- the previous one
byte for byte (the new one after ``commit``), every file loading and matching its run card's sha256 -- or
nothing.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import mido
import pytest

from assignments.jazz.__main__ import main
from shared.cli import run
from shared.outputs import verify_output_set
from shared.paths import REPO_ROOT
from tests.jazz_midi_fixtures import make_test_midi

PAUSED_JAZZ = r"""
import os, runpy, sys

POINT = os.environ["PAUSE_AT"]


def pause(point):
    if point == POINT:  # one write past the command's stream tracking: the signal can land right after it
        sys.stderr.flush()
        os.write(2, ("READY " + point + "\n").encode())
        sys.stdin.readline()


class PauseAtNumpy:
    def find_spec(self, name, path=None, target=None):
        if name == "numpy":
            sys.meta_path.remove(self)
            pause("import numpy")
        return None


if POINT == "import numpy":
    sys.meta_path.insert(0, PauseAtNumpy())
else:
    from assignments.jazz import checkpoint, render, train
    from shared import outputs

    fit = train.train
    def paused_train(*a, **k):
        sys.stdout.write("\r 3/10 [=====>........] - loss: 1.2")  # a bar's unfinished line
        sys.stdout.flush()
        pause("training")
        return fit(*a, **k)
    train.train = paused_train
    save = checkpoint.save_model
    checkpoint.save_model = lambda *a, **k: (save(*a, **k), pause("saved"))[0]
    start = render.Renders.start
    def paused_start(self, label, *a, **k):
        start(self, label, *a, **k)
        if label == "my_music.wav":
            pause("rendering")
    render.Renders.start = paused_start
    outputs._commit_hook = lambda point: pause("commit") if point == "first file moved" else None
    if os.environ.get("START_WHEN"):  # the heavy imports done: wait until the output folder is prepared
        import time
        while not os.path.exists(os.environ["START_WHEN"]):
            time.sleep(0.02)
sys.argv = ["assignments.jazz", *sys.argv[1:]]
runpy.run_module("assignments.jazz", run_name="__main__", alter_sys=True)
"""

ARGS = ["--melody-part", "Flute", "--chord-parts", "Piano", "Bass", "--window", "0", "32", "--epochs", "1",
        "--ty", "8"]
CASES = [("import numpy", "SIGINT", False), ("training", "SIGINT", False), ("saved", "SIGTERM", True),
         ("rendering", "SIGTERM", True), ("commit", "SIGINT", True)]
HAS_FLUIDSYNTH = shutil.which("fluidsynth") is not None


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} \
        if folder.exists() else {}


def _children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _paused(point: str, midi: Path, out: Path, start_when: Path | None = None) -> subprocess.Popen:
    args = [*ARGS, "--out", str(out)] + ([] if point in ("rendering",) else ["--no-wav"])
    env = dict(os.environ, PAUSE_AT=point, START_WHEN=str(start_when or ""))
    return subprocess.Popen([sys.executable, "-c", PAUSED_JAZZ, "--midi", str(midi), *args], cwd=REPO_ROOT,
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def launched(request, tmp_path_factory):
    """Every selected case's process, started before the first case is checked, and one complete previous run.

    Each process imports TensorFlow (seconds) and then waits at its point, so they all start at once; the ones
    over the previous run wait, their imports done, until that run (``main`` in this process, meanwhile) is
    written and copied into their folder. Each test then finds its process ready or nearly so.
    ``{case id: (process, out, files before)}``.
    """
    root = tmp_path_factory.mktemp("jazz_interrupts")
    midi = make_test_midi(root / "tiny.mid")
    selected = [item.callspec.params for item in request.session.items
                if item.module is request.module and hasattr(item, "callspec")]
    cases = [c for c in CASES if {"point": c[0], "name": c[1], "over_previous": c[2]} in selected
             and (c[0] != "rendering" or HAS_FLUIDSYNTH)]
    previous, ready = root / "previous", root / "previous-copied"
    processes = {}
    try:
        for point, name, over_previous in cases:
            out = root / f"{point}-{name}" / "out"
            out.parent.mkdir()
            before = None if over_previous else _tree(out)  # empty: the run has not started yet
            processes[f"{point}-{name}"] = (_paused(point, midi, out, ready if over_previous else None), out, before)
        if any(case[2] for case in cases):  # the same command line, WAV included where FluidSynth is installed
            assert run(main, ["--midi", str(midi), *ARGS, "--quiet", "--out", str(previous)]) == 0
        started = {}
        for key, (process, out, before) in processes.items():
            if before is None:  # waiting for this copy
                shutil.copytree(previous, out)
                before = _tree(out)
            started[key] = (process, out, before)
        ready.touch()
        yield started
    finally:
        for process, _, _ in processes.values():
            if process.poll() is None:  # a case that failed before its signal, or was skipped
                process.kill()
                process.wait()
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream is not None:
                    stream.close()


def _check_set_loads(out: Path) -> None:
    """Every file of the folder's set loads, and each is the one its run card lists (sha256)."""
    import keras

    assert verify_output_set(out, "run_card.json", strict=True) == []
    for path in sorted(out.iterdir()):
        if path.suffix == ".keras":
            keras.models.load_model(path, safe_mode=True, compile=False)
        elif path.suffix in (".mid", ".midi"):
            mido.MidiFile(path)
        elif path.suffix == ".wav":
            with wave.open(str(path)) as handle:
                assert handle.getnframes() > 0
        elif path.suffix == ".png":
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        elif path.suffix == ".json":
            json.loads(path.read_text())


@pytest.mark.parametrize("point, name, over_previous", CASES, ids=[f"{p}-{n}" for p, n, _ in CASES])
def test_interrupted_jazz_run_leaves_all_or_nothing(launched, point, name, over_previous):
    if point == "rendering" and not HAS_FLUIDSYNTH:
        pytest.skip("FluidSynth is not installed: no WAV child to stop")
    process, out, before = launched[f"{point}-{name}"]
    watchdog = threading.Timer(240, process.kill)  # never hangs the suite (the cases start together)
    watchdog.start()
    try:
        line = process.stderr.readline()
        assert line == f"READY {point}\n", (line, process.poll())
        children = _children_of(process.pid)
        if point == "rendering":
            assert children, "no FluidSynth child running"
        process.send_signal(getattr(signal, name))
        if point == "commit":  # the signal waits until the commit is done
            time.sleep(0.3)
            assert process.poll() is None, "the commit was cut short by the signal"
        stdout, err = process.communicate(input="\n" if point == "commit" else None, timeout=60)
    finally:
        watchdog.cancel()
    assert process.returncode == {"SIGINT": 130, "SIGTERM": 143}[name], err
    assert err.endswith("error: interrupted\n") and err.count("\n") == 1, err
    if point == "training":
        assert stdout.endswith("loss: 1.2\n"), stdout[-80:]  # the bar's line was ended before the error
    assert not [pid for pid in children if _alive(pid)], "a child process outlived the run"
    if point == "commit":  # the new set, complete: every file the new card's, none of the previous run's left
        after = _tree(out)
        assert after["run_card.json"] != before["run_card.json"] and after["my_music.midi"]
        assert json.loads(after["run_card.json"])["run_id"] != json.loads(before["run_card.json"])["run_id"]
        assert "my_music.wav" in before and "my_music.wav" not in after  # the previous run's WAV went with its set
    else:
        assert _tree(out) == before  # no staging folder, lock or temporary file; the previous set untouched
    if over_previous:
        _check_set_loads(out)
