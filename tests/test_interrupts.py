"""All-or-nothing runs, from the outside: real processes of ``tests/interrupt_cli.py`` sent SIGINT/SIGTERM.

Each case starts the small test command (built on ``shared.run.cli.run`` + ``shared.run.outputs.OutputSet``)
into an empty ``--out`` or into one holding a previous run, waits until it reports ``READY`` at a
chosen point, sends the signal, and then checks: exit status 130 / 143 / 129, one ``error: interrupted``
line on a fresh line and no traceback, the ``sleep 60`` child gone, no temporary file, every file
parses, and the folder holds exactly one run's set (its run card lists the files with their
sha256): the previous run's, untouched -- or, when the signal came during the commit (signals wait),
the new run's, complete. Plus two runs into one folder, a stale lock, and a SIGKILL mid-commit.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from shared.run.outputs import verify_output_set
from tests import paused

REPO = Path(__file__).resolve().parent.parent
POINTS = ("progress", "child", "writing", "checkpoint", "staged", "commit")
SIGNALS = {"SIGINT": (signal.SIGINT, 130), "SIGTERM": (signal.SIGTERM, 143), "SIGHUP": (signal.SIGHUP, 129)}
BOTH = ("SIGINT", "SIGTERM")
CASES = ([(p, s, "empty") for p in ("preamble", "startup") for s in BOTH]
         + [(p, s, start) for p in POINTS for s in BOTH for start in ("empty", "previous")]
         + [("preamble", "SIGHUP", "empty"), ("child", "SIGHUP", "previous")])  # a closed terminal
TIMEOUT = 60  # generous: a loaded 2-core machine; a real hang still fails


class Cli:
    """One ``python -m tests.interrupt_cli`` process with its stdout read line by line in a thread."""

    def __init__(self, out: Path, seed: int, *args: str, point: str | None = None, start_when: Path | None = None,
                 niceness: int = 0):
        env = dict(os.environ, INTERRUPT_AT=point or "", START_WHEN=str(start_when or ""))
        self.process = subprocess.Popen(
            paused.python(["-m", "tests.interrupt_cli", "--out", str(out), "--seed", str(seed), *args], niceness),
            cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.stdout = b""
        self.stderr = b""
        self._more = threading.Condition()
        self._readers = [threading.Thread(target=self._read, args=(name,), daemon=True) for name in ("stdout", "stderr")]
        for reader in self._readers:
            reader.start()

    def _read(self, name: str) -> None:
        fd = getattr(self.process, name).fileno()
        for chunk in iter(lambda: os.read(fd, 4096), b""):
            with self._more:
                setattr(self, name, getattr(self, name) + chunk)
                self._more.notify_all()

    def wait_ready(self, point: str, then: bytes = b"") -> None:
        """Until stdout shows ``READY point`` (and ``then`` after it)."""
        deadline = time.monotonic() + TIMEOUT
        marker = f"READY {point}\n".encode()
        with self._more:
            while marker not in self.stdout or then not in self.stdout.split(marker, 1)[1]:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"no READY {point}: {self.stdout!r} {self.stderr!r}")
                self._more.wait(0.05)

    def close_stdin(self) -> None:
        """No pause: a READY point reads end-of-file and goes on."""
        self.process.stdin.close()
        self.process.stdin = None

    def resume(self) -> None:
        self.process.stdin.write(b"\n")
        self.process.stdin.flush()

    def finish(self) -> tuple[int, bytes, bytes]:
        """Wait for the exit; returns (status, all of stdout, all of stderr)."""
        try:
            self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        for reader in self._readers:
            reader.join(TIMEOUT)
        for pipe in (self.process.stdin, self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()
        return self.process.returncode, self.stdout, self.stderr

    def child_pid(self) -> int | None:
        if b"CHILD " not in self.stdout:
            return None
        return int(self.stdout.split(b"CHILD ")[1].split()[0])


def run_to_end(out: Path, seed: int, *args: str) -> tuple[int, bytes, bytes]:
    cli = Cli(out, seed, *args)
    cli.close_stdin()
    return cli.finish()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _seeds(folder: Path, names) -> set[int]:
    """The seed inside each named JSON output (every file must parse)."""
    return {json.loads((folder / n).read_text())["seed"] for n in names}


def _card(folder: Path) -> dict:
    return json.loads((folder / "run_card.json").read_text())


def _unit_seeds(folder: Path) -> dict[str, set]:
    seeds = {}
    for unit in sorted((folder / "checkpoints").iterdir()):
        seeds[unit.name] = _seeds(unit, ["model.json", "state.json"])
        json.loads((unit / "unit.json").read_text())
    return seeds


def _assert_one_error_line(err: bytes, out: bytes) -> None:
    text = err.decode()
    assert "Traceback" not in text and text.count("error:") == 1, text
    assert text.endswith("error: interrupted\n"), text
    before = text[:text.index("error: interrupted")].rsplit("\n", 1)[-1].split("\r")
    # on a fresh line: nothing before it on its line, or a bar's line that tqdm cleared ("\r" + spaces + "\r")
    cleared = (len(before) >= 3 and before[-1] == "" and not before[-2].strip()
               and len(before[-2]) >= max(len(seg) for seg in before[:-2]))
    assert before == [""] or cleared, text
    assert not out or out.endswith(b"\n"), out  # a bar left unfinished on stdout was ended too


PREVIOUS = ["--seed", "1", "--extra", "--checkpoints", "3"]  # a finished run, with extra.json and 3 checkpoints
CASE_ARGS = ["--bar", "--child", "--checkpoints", "2"]


@contextmanager
def launch(session, module, tmp_path_factory):
    """Every selected case's process, started with the session (:func:`tests.paused.launched`), and the
    previous run (``PREVIOUS``) that the cases over one start from. ``(Clis by case id, launched, its folder)``.
    """
    root = tmp_path_factory.mktemp("interrupts")
    previous = root / "previous"
    cases = {"-".join(case): case for case in paused.selected(session, module, ("point", "signame", "start"), CASES)}
    clis = {}

    def start_case(key, out, start_when):
        clis[key] = Cli(out, 2, *CASE_ARGS, point=cases[key][0], start_when=start_when, niceness=paused.BACKGROUND)
        return clis[key].process

    runs = {previous: ["-m", "tests.interrupt_cli", "--out", str(previous), *PREVIOUS]}
    sources = {key: previous if case[2] == "previous" else None for key, case in cases.items()}
    with paused.launched(root, sources, start_case, runs) as started:
        yield clis, started, previous


@pytest.fixture
def launched(launched_early):
    return launched_early[__name__]


@pytest.fixture
def previous_run(launched) -> Path:
    """The finished run ``PREVIOUS`` (written in the background with the session), to copy into ``--out``."""
    _, started, out = launched
    started.wait_previous()
    assert verify_output_set(out, strict=True) == []
    assert sorted(_card(out)["files"]) == ["a.json", "extra.json", "sub/b.json"]
    return out


@pytest.mark.parametrize("point,signame,start", CASES, ids=[f"{p}-{s}-{st}" for p, s, st in CASES])
def test_interrupted_run_leaves_one_consistent_set(launched, previous_run, point, signame, start):
    signum, status = SIGNALS[signame]
    clis, started, _ = launched
    cli = clis[f"{point}-{signame}-{start}"]
    _, out, before = started[f"{point}-{signame}-{start}"]
    cli.wait_ready(point, then=b"loss: 1.2" if point == "progress" else b"")
    cli.process.send_signal(signum)
    if point in ("writing", "commit"):  # the signal waits until the save (the commit) is done
        time.sleep(0.3)
        assert cli.process.poll() is None, f"the {point} was cut short by the signal"
        cli.resume()
    rc, stdout, err = cli.finish()
    assert rc == status, err
    _assert_one_error_line(err, stdout)
    child = cli.child_pid()
    if child is not None:
        assert not _alive(child), f"child {child} outlived the run"

    new_units = point in ("checkpoint", "staged")  # the interrupted run's checkpoint units survive it
    if point == "commit":  # the new set, complete
        assert verify_output_set(out, strict=True) == []
        card = _card(out)
        assert card["seed"] == 2 and sorted(card["files"]) == ["a.json", "sub/b.json"]  # extra.json: gone
        assert _seeds(out, card["files"]) == {2}
        assert _unit_seeds(out) == {"epoch-001": {2}, "epoch-002": {2}}
    elif start == "previous":  # the previous set, untouched (checkpoint units aside)
        assert verify_output_set(out, strict=True) == []
        after = paused.tree(out)
        kept = {n: b for n, b in before.items() if not n.startswith("checkpoints/")}
        assert {n: b for n, b in after.items() if not n.startswith("checkpoints/")} == kept
        assert _seeds(out, _card(out)["files"]) == {1}
        units = _unit_seeds(out)
        if new_units:  # one lineage: the new run's units replaced the previous run's, none mixed
            assert units == {f"epoch-{e:03d}": {2} for e in range(1, 2 + (point == "staged"))}
        else:
            assert units == {f"epoch-{e:03d}": {1} for e in (1, 2, 3)}
    elif new_units:  # an empty --out: only the checkpoint units, complete, no other file
        names = sorted(paused.tree(out))
        assert all(n.startswith("checkpoints/epoch-") for n in names), names
        assert _unit_seeds(out) == {f"epoch-{e:03d}": {2} for e in range(1, 2 + (point == "staged"))}
        assert not [p for p in out.rglob(".*")]
    else:  # an empty --out: the folder the run made is gone again
        assert not out.exists(), sorted(paused.tree(out))


def test_second_run_into_a_busy_folder_stops_at_once(tmp_path):
    out = tmp_path / "out"
    first = Cli(out, 1, point="staged")
    first.wait_ready("staged")
    started = time.monotonic()
    rc, stdout, err = run_to_end(out, 2)
    assert rc == 2 and time.monotonic() - started < 10
    assert stdout == b""  # refused as its options are parsed, before its first line
    assert err.decode() == (f"error: output folder {out} is in use by another run (pid {first.process.pid}); "
                            f"wait for it to end or choose another --out\n")
    first.resume()
    rc, _, err = first.finish()
    assert rc == 0, err
    assert verify_output_set(out, strict=True) == [] and _seeds(out, _card(out)["files"]) == {1}


def test_concurrent_runs_never_mix_their_files(tmp_path):
    out = tmp_path / "out"
    for trial in range(3):
        seeds = (10 + 2 * trial, 11 + 2 * trial)
        clis = [Cli(out, s, *(["--extra"] if s % 2 else [])) for s in seeds]
        for cli in clis:
            cli.close_stdin()
        results = [cli.finish() for cli in clis]
        assert any(rc == 0 for rc, _, _ in results), results
        for rc, _, err in results:
            assert rc == 0 or (rc == 2 and b"is in use by another run" in err), err
        assert verify_output_set(out, strict=True) == []
        card = _card(out)
        assert card["seed"] in seeds and _seeds(out, card["files"]) == {card["seed"]}


def test_a_stale_lock_does_not_block(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    (out / ".lock").write_text(f"{dead.pid}\n")  # left by a run that was killed
    rc, _, err = run_to_end(out, 3)
    assert rc == 0, err
    assert not (out / ".lock").exists() and verify_output_set(out, strict=True) == []


def test_sigkill_mid_commit_is_cleaned_up_by_the_next_run(tmp_path, previous_run):
    out = tmp_path / "out"
    shutil.copytree(previous_run, out)
    cli = Cli(out, 2, point="commit")
    cli.wait_ready("commit")
    cli.process.kill()  # SIGKILL: nothing can run; the old card is gone, one new file is in
    cli.finish()
    assert not (out / "run_card.json").exists() and (out / ".commit-run_card.json").is_file()
    rc, _, err = run_to_end(out, 4, "--checkpoints", "1")  # no --extra: the first run's extra.json must go too
    assert rc == 0, err
    assert verify_output_set(out, strict=True) == []
    assert sorted(_card(out)["files"]) == ["a.json", "sub/b.json"] and _seeds(out, ["a.json", "sub/b.json"]) == {4}
    assert _unit_seeds(out) == {"epoch-001": {4}}
