"""The project as an installed package: it imports and runs from any folder, through ``python -m`` and through the
console commands that ``pyproject.toml`` declares (``make venv`` installs the project editable into ``.venv``)."""
from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from shared.paths import REPO_ROOT

SCRIPTS = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
BIN = Path(sys.executable).parent


def _run(args, cwd, timeout=120):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # nothing points Python at the clone
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_every_console_command_is_declared_for_a_command_module():
    assert set(SCRIPTS) == {f"seqmodels-{name}" for name in
                            ("rnn", "dinos", "shakespeare", "jazz", "compare", "report", "data")}
    for target in SCRIPTS.values():
        module, function = target.split(":")
        assert module == "shared.run" and function


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_console_commands_answer_from_another_folder(script, tmp_path):
    path = BIN / script
    assert path.is_file(), f"{path} is missing: the project is not installed in this environment (make venv)"
    done = _run([str(path), "--help"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: "), done.stdout[:200]


def test_a_command_runs_and_the_packages_import_from_another_folder(tmp_path):
    imported = _run([sys.executable, "-c", "import assignments.jazz.course, assignments.dinos.course, shared.run, "
                     "tools.compare; print('ok')"], tmp_path)
    assert imported.returncode == 0 and imported.stdout == "ok\n", imported.stderr
    done = _run([str(BIN / "seqmodels-rnn"), "--no-keras", "-q", "--out", "checks"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("checks passed")
    assert (tmp_path / "checks" / "checks.json").is_file() and (tmp_path / "checks" / "run_card.json").is_file()


@pytest.mark.parametrize("argv, says", [
    (["--epochs", "5"], "error: --epochs applies only with --model keras (this run has --model numpy)"),
    (["--iteration", "100"], "error: unrecognized arguments: --iteration 100 (see --help)"),
])
def test_an_option_that_does_not_apply_or_is_abbreviated_is_refused(argv, says, tmp_path):
    done = _run([sys.executable, "-m", "assignments.dinos", *argv, "--out", "run"], tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", says + "\n")
    assert not (tmp_path / "run").exists()
