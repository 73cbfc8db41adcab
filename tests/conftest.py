"""Shared fixtures. All tests run in one pytest process: TensorFlow is imported once.

The session's temporary files (pytest's folders, the ``__autograph_generated_file*.py`` TensorFlow writes, those
of the commands the tests start) go to one folder of their own, removed when the session ends.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import ExitStack

import pytest

from shared.paths import DATA_DIR, reference_dir

SESSION_TMP = tempfile.mkdtemp(prefix="seqmodels-tests-")
os.environ["TMPDIR"] = SESSION_TMP  # for this process (before TensorFlow is imported) and every process it starts
tempfile.tempdir = None  # read again from TMPDIR


@pytest.fixture(scope="session")
def reference():
    """The course's reference values: ``data/reference/`` (committed), or ``$REFERENCE_DIR``."""
    path = reference_dir()
    if not (path / "step_by_step.json").is_file():
        pytest.fail(f"course reference values not found in {path} (committed in data/reference/)")
    return path


@pytest.fixture(scope="session")
def load_fixture(reference):
    """``load_fixture('dinos.json')`` -> the parsed JSON fixture."""
    cache = {}

    def load(name: str):
        if name not in cache:
            cache[name] = json.loads((reference / name).read_text())
        return cache[name]

    return load


@pytest.fixture(scope="session")
def data_dir():
    """The project's data folder, filled by ``make data``."""
    if not (DATA_DIR / "dinos.txt").is_file():
        pytest.fail("data/ is empty: run 'make data' first")
    return DATA_DIR


def _launching(module) -> bool:
    return module is not None and hasattr(module, "launch")


def pytest_collection_modifyitems(session, config, items):
    """The modules whose processes start with the session (``launch``, see ``tests/paused.py``) run last."""
    items.sort(key=lambda item: _launching(getattr(item, "module", None)))  # stable: every other order kept


class _Launches(dict):
    """What each module's ``launch()`` yielded, by module name; a module whose launch failed fails its own tests."""

    def __init__(self):
        super().__init__()
        self.failed: dict[str, str] = {}

    def __missing__(self, name: str):
        pytest.fail(f"{name}: launch() failed: {self.failed.get(name, 'not launched')}", pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def launched_early(request, tmp_path_factory):
    """``{module name: what its launch() yielded}``, entered before the first test and left at the end.

    The commands some tests run as processes (the interruption tests', a fresh Keras import, a benchmark) spend
    seconds importing before anything is checked; started here at low priority, they do it on the other core
    while the in-process tests run, instead of while their own module waits for them.
    """
    modules = [m for m in dict.fromkeys(getattr(item, "module", None) for item in request.session.items)
               if _launching(m)]
    launches = _Launches()
    with ExitStack() as stack:
        for m in modules:
            try:
                launches[m.__name__] = stack.enter_context(m.launch(request.session, m, tmp_path_factory))
            except Exception as exc:  # reported by that module's own tests, not by every test of the session
                launches.failed[m.__name__] = f"{type(exc).__name__}: {exc}"
        yield launches


def pytest_unconfigure(config):
    shutil.rmtree(SESSION_TMP, ignore_errors=True)


def pytest_configure(config):
    # Keras 3.15 on numpy 2 warns from inside its own tensor conversion; nothing in this project can act on it.
    config.addinivalue_line(
        "filterwarnings", "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")
