"""A real ``python -m assignments.jazz`` sent SIGINT / SIGTERM at controlled points: all or nothing.

The command runs as ``python -m`` runs it (runpy, as ``__main__``), paused from here (tests/paused.py): at POINT it
prints ``READY POINT`` (on stderr) and waits for a line on stdin (or a signal). Points: ``import numpy`` (the app about to be
imported, inside shared.run.cli.run), ``training`` (the folder open, an unfinished progress-bar line on stdout),
``saved`` (model.keras / model.weights.h5 staged, nothing committed), ``rendering`` (a FluidSynth child
rendering my_music.wav), ``commit`` (the first file of the new set moved into place: the signal waits for the
commit, so the new set is complete). Afterwards: exit 130 / 143, one ``error: interrupted`` line on a fresh line,
no temporary or staging file, no child left, and the folder holds exactly one run's set -- the previous one
byte for byte (the new one after ``commit``), every file loading and matching its run card's sha256 -- or
nothing.
"""
from __future__ import annotations

import json
import shutil
import signal
import time
import wave
from contextlib import contextmanager
from pathlib import Path

import mido
import pytest

from shared.run.outputs import verify_output_set
from tests import paused
from tests.jazz_midi_fixtures import make_test_midi

PAUSED_JAZZ = r"""
if POINT == "import numpy":
    sys.meta_path.insert(0, PauseAtImport("numpy", "import numpy"))
else:
    from assignments.jazz.model import checkpoint, train
    from assignments.jazz.solo import render
    from shared.run import outputs

    fit = train.train_fused
    def paused_train(*a, **k):
        sys.stdout.write("\r 3/10 [=====>........] - loss: 1.2")  # a bar's unfinished line
        sys.stdout.flush()
        pause("training")
        return fit(*a, **k)
    train.train_fused = paused_train
    save = checkpoint.save_model
    checkpoint.save_model = lambda *a, **k: (save(*a, **k), pause("saved"))[0]
    start = render.Renders.start
    def paused_start(self, label, *a, **k):
        start(self, label, *a, **k)
        if label == "my_music.wav":
            pause("rendering")
    render.Renders.start = paused_start
    outputs._commit_hook = lambda point: pause("commit") if point == "first file moved" else None
    wait_for_start()  # the heavy imports done: until the output folder is prepared
sys.argv = ["assignments.jazz", *sys.argv[1:]]
runpy.run_module("assignments.jazz", run_name="__main__", alter_sys=True)
"""

ARGS = ["--melody-part", "Flute", "--chord-parts", "Piano", "Bass", "--window", "0", "32", "--epochs", "1",
        "--ty", "8"]
CASES = [("import numpy", "SIGINT", False), ("training", "SIGINT", False), ("saved", "SIGTERM", True),
         ("rendering", "SIGTERM", True), ("commit", "SIGINT", True)]
HAS_FLUIDSYNTH = shutil.which("fluidsynth") is not None


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


@contextmanager
def launch(session, module, tmp_path_factory):
    """Every selected case's process, started with the session (:func:`tests.paused.launched`), and one
    complete previous run (the same command line, its own process, WAV included where FluidSynth is installed)
    for the cases over it.
    """
    root = tmp_path_factory.mktemp("jazz_interrupts")
    midi = make_test_midi(root / "tiny.mid")
    previous = root / "previous"
    chosen = paused.selected(session, module, ("point", "name", "over_previous"), CASES)
    cases = {f"{point}-{name}": (point, previous if over_previous else None)
             for point, name, over_previous in chosen if point != "rendering" or HAS_FLUIDSYNTH}

    def start_case(key, out, start_when):
        point = cases[key][0]
        args = ["--midi", str(midi), *ARGS, "--out", str(out)] + ([] if point == "rendering" else ["--no-wav"])
        return paused.start(PAUSED_JAZZ, args, point, ready_fd=2, start_when=start_when,
                            niceness=paused.BACKGROUND)  # stdout: the run's lines

    runs = {previous: ["-m", "assignments.jazz", "--midi", str(midi), *ARGS, "--quiet", "--out", str(previous)]}
    with paused.launched(root, {key: source for key, (_, source) in cases.items()}, start_case,
                         runs if any(source for _, source in cases.values()) else {}) as started:
        yield started


@pytest.fixture
def launched(launched_early):
    return launched_early[__name__]


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
    paused.wait_ready(process, point, timeout=240)  # the cases start together
    children = _children_of(process.pid)
    if point == "rendering":
        assert children, "no FluidSynth child running"
    process.send_signal(getattr(signal, name))
    if point == "commit":  # the signal waits until the commit is done
        time.sleep(0.3)
        assert process.poll() is None, "the commit was cut short by the signal"
    stdout, err = process.communicate(input="\n" if point == "commit" else None, timeout=60)
    assert process.returncode == {"SIGINT": 130, "SIGTERM": 143}[name], err
    assert err.endswith("error: interrupted\n") and err.count("\n") == 1, err
    if point == "training":
        assert stdout.endswith("loss: 1.2\n"), stdout[-80:]  # the bar's line was ended before the error
    assert not [pid for pid in children if _alive(pid)], "a child process outlived the run"
    if point == "commit":  # the new set, complete: every file the new card's, none of the previous run's left
        after = paused.tree(out)
        assert after["run_card.json"] != before["run_card.json"] and after["my_music.midi"]
        assert json.loads(after["run_card.json"])["run_id"] != json.loads(before["run_card.json"])["run_id"]
        assert "my_music.wav" in before and "my_music.wav" not in after  # the previous run's WAV went with its set
    else:
        assert paused.tree(out) == before  # no staging folder, lock or temporary file; the previous set untouched
    if over_previous:
        _check_set_loads(out)
