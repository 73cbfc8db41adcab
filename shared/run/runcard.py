"""Run cards: a JSON record left by every run (settings, seed, library versions, data hashes, results).

:func:`run_card` builds one; :class:`shared.run.outputs.OutputSet` adds ``run_id`` and ``files`` and writes it last.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

from .io import sha256_file
from ..paths import REPO_ROOT

LIBRARIES = ("numpy", "tensorflow-cpu", "tensorflow", "keras", "h5py", "music21", "mido", "matplotlib")


def library_versions(names: Iterable[str] = LIBRARIES) -> dict[str, str]:
    """Installed versions of the named distributions (those not installed are left out)."""
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return versions


def git_commit() -> str | None:
    """The repo's current commit (with ``-dirty`` if the tree has changes), or None outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("-dirty" if dirty else "")


def machine() -> dict[str, Any]:
    """A short description of the machine: platform, processor, core count."""
    return {"platform": platform.platform(), "machine": platform.machine(),
            "processor": platform.processor() or None, "cpu_count": os.cpu_count()}


def run_card(command: str, settings: dict[str, Any], seed: int | None,
             data_files: Iterable[str | os.PathLike] = (), results: dict[str, Any] | None = None,
             extra: dict[str, Any] | None = None) -> dict:
    """Build a run card as a dict (``extra`` keys, e.g. ``run_id`` and ``files``, are added at the end)."""
    card = {
        "command": command,
        "argv": sys.argv,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "seed": seed,
        "settings": settings,
        "data": {str(Path(p)): {"sha256": sha256_file(p), "bytes": Path(p).stat().st_size} for p in data_files},
        "versions": library_versions(),
        "git_commit": git_commit(),
        "machine": machine(),
        "results": results or {},
    }
    card.update(extra or {})
    return card


def card_json(card: dict) -> str:
    """A run card as the JSON text written to disk."""
    return json.dumps(card, indent=2, default=str) + "\n"
