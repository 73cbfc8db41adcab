"""Training checkpoints as units: a checkpoint's files appear together or not at all, one lineage per folder.

A checkpoint is several files (the ``.keras`` model and its JSON training state), so each is a *unit*, a folder
(``checkpoints/epoch-003/{model.keras, state.json, unit.json}``; ``unit.json`` holds the run id and every file's
sha256) written aside and renamed into place during training, so an interrupted run can resume from it. The first
unit a run writes removes other runs' units (except ``keep``, see :meth:`CheckpointStore.lineage`): no older
``epoch-010`` beside a new ``epoch-003``. Folders without a ``unit.json`` are never touched.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import re
import shutil
from pathlib import Path
from typing import Iterable, Iterator

from . import UserError
from .io import atomic_dir, ensure_output_dir, sha256_file
from .lock import FolderLock
from ..paths import display_path

UNIT_FILE = "unit.json"
_DEAD_WRITE = re.compile(r"^\.[^.].*\.([a-z0-9_]{8}|old-\d+)$")  # atomic_dir's temporary / moved-aside folders


def read_unit(unit: str | os.PathLike) -> dict | None:
    """A unit's ``unit.json`` as a dict, or None when ``unit`` is not a complete checkpoint unit."""
    try:
        meta = json.loads((Path(unit) / UNIT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return meta if isinstance(meta, dict) and "run_id" in meta and "files" in meta else None


def _unit_files(folder: Path) -> dict[str, dict]:
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != UNIT_FILE:
            files[path.relative_to(folder).as_posix()] = {"sha256": sha256_file(path), "bytes": path.stat().st_size}
    return files


def unit_problems(unit: str | os.PathLike) -> list[str]:
    """What is wrong with a unit (empty: its files are exactly those its ``unit.json`` lists, unchanged)."""
    unit = Path(unit)
    meta = read_unit(unit)
    if meta is None:
        return [f"{unit.name}: no readable {UNIT_FILE}"]
    actual = _unit_files(unit)
    problems = [f"{unit.name}/{name}: sha256 differs from {UNIT_FILE}" for name, m in meta["files"].items()
                if name in actual and actual[name]["sha256"] != m.get("sha256")]
    problems += [f"{unit.name}/{name}: missing" for name in meta["files"] if name not in actual]
    problems += [f"{unit.name}/{name}: not in {UNIT_FILE}" for name in actual if name not in meta["files"]]
    return problems


def verify_unit(unit: str | os.PathLike) -> dict:
    """``unit.json`` of a complete, unchanged unit; otherwise one :class:`UserError` line (for ``--resume``)."""
    unit = Path(unit)
    if not unit.is_dir():
        raise UserError(f"checkpoint not found: {display_path(unit)} (a checkpoint is a folder such as "
                        f"checkpoints/epoch-003)")
    problems = unit_problems(unit)
    if problems:
        raise UserError(f"checkpoint {display_path(unit)} is incomplete or changed: {problems[0]}")
    return read_unit(unit)


def verify_store(folder: str | os.PathLike) -> list[str]:
    """Problems of every unit in ``folder``, and units of more than one lineage (run) side by side."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    problems, runs = [], set()
    for unit in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        meta = read_unit(unit)
        if meta is None:
            continue
        problems += unit_problems(unit)
        runs.add(tuple(meta.get("lineage") or [meta["run_id"]])[0])
    if len(runs) > 1:
        problems.append(f"{folder.name}: units of {len(runs)} different training lineages side by side")
    return problems


class CheckpointStore:
    """Checkpoint units of one run in one folder: ``with store.write("epoch-003") as unit: model.save(unit / ...)``."""

    def __init__(self, folder: str | os.PathLike, run_id: str, keep: Iterable[str] = (), lock: bool = True):
        self.folder = Path(folder)
        self.run_id = run_id
        self.keep = set(keep)
        self.written: list[str] = []
        self._lineage_root: str | None = None
        self._lock = FolderLock(self.folder, what="checkpoint folder") if lock else None
        self._pruned = False

    def units(self) -> dict[str, dict]:
        """``{name: unit.json}`` of the complete units now in the folder, sorted by name."""
        if not self.folder.is_dir():
            return {}
        found = {}
        for path in sorted(self.folder.iterdir()):
            if path.is_dir() and not path.name.startswith("."):
                meta = read_unit(path)
                if meta is not None:
                    found[path.name] = meta
        return found

    def lineage(self, unit: str | os.PathLike) -> list[str]:
        """Keep the resumed ``unit`` and the earlier (by name) units of its lineage here; returns their names."""
        unit = Path(unit)
        meta = read_unit(unit)
        if meta is None:
            return []
        try:
            inside = unit.resolve().parent == self.folder.resolve()
        except OSError:
            inside = False
        root = (meta.get("lineage") or [meta["run_id"]])[0]
        self._lineage_root = root
        if not inside:
            return []
        kept = [name for name, m in self.units().items()
                if name <= unit.name and (m.get("lineage") or [m["run_id"]])[0] == root]
        self.keep.update(kept)
        return kept

    def _prepare(self) -> None:
        if self._pruned:
            return
        ensure_output_dir(self.folder)  # recorded: removed again if the run stops before a unit is in it
        if self._lock is not None and not self._lock.held:
            self._lock.acquire()
        self.prune()
        self._pruned = True

    def prune(self) -> list[str]:
        """Remove the units that are neither this run's nor kept, and temporary folders of dead writes."""
        removed = []
        if not self.folder.is_dir():
            return removed
        for name, meta in self.units().items():
            if meta["run_id"] != self.run_id and name not in self.keep:
                shutil.rmtree(self.folder / name, ignore_errors=True)
                removed.append(name)
        for path in self.folder.glob(".*"):  # under the lock: no write of a live run is in progress
            if path.is_dir() and _DEAD_WRITE.match(path.name):
                shutil.rmtree(path, ignore_errors=True)
        return removed

    @contextlib.contextmanager
    def write(self, name: str) -> Iterator[Path]:
        """Yield an empty folder for checkpoint ``name``; it appears as ``folder/name`` only when complete."""
        if not name or "/" in name or name.startswith("."):
            raise ValueError(f"checkpoint unit name must be a plain name: {name!r}")
        self._prepare()
        with atomic_dir(self.folder / name) as unit:
            yield unit
            meta = {"run_id": self.run_id, "lineage": [self._lineage_root or self.run_id], "name": name,
                    "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                    "files": _unit_files(unit)}
            (unit / UNIT_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        self.written.append(name)
        self.keep.add(name)

    def finish(self) -> None:
        """At the run's commit: the folder holds this run's lineage only (if this run wrote any unit)."""
        if self.written:
            self.prune()

    def describe(self, relative_to: Path | None = None) -> dict:
        """For the run card: the folder and the units that belong to this run's lineage."""
        folder = self.folder
        if relative_to is not None:
            try:
                folder = self.folder.resolve().relative_to(Path(relative_to).resolve())
            except ValueError:
                pass
        units = self.units()
        belong = [n for n in units if n in self.keep or units[n]["run_id"] == self.run_id]
        return {"folder": folder.as_posix(), "units": {n: units[n]["run_id"] for n in belong},
                "written_by_this_run": list(self.written)}

    def close(self) -> None:
        if self._lock is not None:
            self._lock.release()
