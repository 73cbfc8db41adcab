"""Where things live: the repo root, its data folder, the committed reference data, the outputs."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
OUTPUT_DIR = REPO_ROOT / "output"


def reference_dir() -> Path:
    """The course's reference values, committed in ``data/reference/`` (``$REFERENCE_DIR`` overrides)."""
    return Path(os.environ.get("REFERENCE_DIR") or REFERENCE_DIR)


def display_path(path: str | os.PathLike) -> str:
    """``path`` as a user should read it: relative to the working directory when inside it, else absolute."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
