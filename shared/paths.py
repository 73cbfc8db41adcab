"""Where things live: the repo root, its data folder, and the course reference folder."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
OUTPUT_DIR = REPO_ROOT / "output"


def reference_dir() -> Path:
    """The course reference fixtures: ``$REFERENCE_DIR`` or ``../shared/reference`` beside the repo."""
    return Path(os.environ.get("REFERENCE_DIR", REPO_ROOT.parent / "shared" / "reference"))
