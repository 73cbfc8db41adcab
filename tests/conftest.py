"""Shared fixtures. All tests run in one pytest process: TensorFlow is imported once."""
from __future__ import annotations

import json

import pytest

from shared.paths import DATA_DIR, reference_dir


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


def pytest_configure(config):
    # Keras 3.15 on numpy 2 warns from inside its own tensor conversion; nothing in this project can act on it.
    config.addinivalue_line(
        "filterwarnings", "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")
