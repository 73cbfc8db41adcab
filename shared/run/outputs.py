"""One run, one consistent set of outputs: staged in a hidden folder inside ``--out``, committed together, the run
card last::

    with OutputSet(config.out, command=COMMAND, seed=config.seed, settings=settings,
                   data_files=[config.data]) as outputs:          # locks --out, or one line: in use by pid N
        ...long work...
        np.savez(outputs.path("parameters.npz"), **parameters)    # a staging path, readable back
        outputs.write_text("names.txt", text)
        with outputs.atomic("model.keras") as tmp:                 # all-or-nothing inside the staging folder
            model.save(tmp)
        outputs.results.update(loss=loss)
    # committed here: outputs.files (name -> final path), outputs.card_path

The commit, with signals held back: remove the previous run card, move the new files in, remove the previous
set's files (listed in its card) that this run did not make, write the run card last. So a run card always lists,
with sha256, exactly the files of its run; with no card the folder is mid-commit (a journal, ``.commit-CARD``,
lets the next run finish after a SIGKILL). A run that stops before the commit leaves the previous set untouched.
Each card name (``run_card.json``, ``keras_run_card.json``) governs its own set. Files a run reads from its own
``--out`` stay in the set when passed as ``data_files``. Checkpoints must survive an interruption, so they do not
wait for the commit (:meth:`OutputSet.checkpoints`).
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import shutil
import tempfile
import uuid
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Iterator

from . import UserError, cleanup
from .io import (atomic_path, check_output_target, ensure_output_dir, fsync_path, is_write_error, os_error_reason,
                 sha256_file)
from .lock import LOCK_NAME, FolderLock, claimed
from ..paths import display_path
from .runcard import card_json, run_card
from .signals import deferred, raise_lost

CARD_NAME = "run_card.json"
STAGING_PREFIX = ".staging-"
JOURNAL_PREFIX = ".commit-"
_CARD_TMP = ".card.json"

_commit_hook: Callable[[str], None] | None = None  # tests only: called at named points of the commit


def new_run_id() -> str:
    """A unique, sortable run id: UTC time, pid and a random part."""
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{now}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def _safe_name(name: str | os.PathLike) -> str:
    """``name`` as a relative POSIX path inside the output folder; internal (dot) names are refused."""
    pure = PurePosixPath(Path(name).as_posix())
    if pure.is_absolute() or not pure.parts or any(p in ("", ".", "..") for p in pure.parts):
        raise ValueError(f"output name must be a relative path inside the output folder: {name!r}")
    if any(p.startswith(".") for p in pure.parts):
        raise ValueError(f"output names starting with '.' are reserved: {name!r}")
    return str(pure)


def read_card(path: Path) -> dict | None:
    """A run card as a dict, or ``None`` when it is missing, unreadable or not a JSON object."""
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return card if isinstance(card, dict) else None


def _listed_names(card: dict | None) -> set[str]:
    """The output names a run card (or journal) claims; anything odd is ignored, never followed."""
    names = set()
    files = (card or {}).get("files") or {}
    for name in files if isinstance(files, (dict, list)) else ():
        try:
            names.add(_safe_name(name))
        except (ValueError, TypeError):
            pass
    return names


def _files_under(folder: Path) -> list[str]:
    """Relative POSIX names of the regular files under ``folder`` (internal dot names skipped), sorted."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if not name.startswith("."):
                found.append((Path(root) / name).relative_to(folder).as_posix())
    return sorted(found)


def _remove_empty_parents(path: Path, top: Path) -> None:
    for parent in path.parents:
        if parent == top or top not in parent.parents:
            return
        try:
            parent.rmdir()
        except OSError:
            return


def _hook(point: str) -> None:
    if _commit_hook is not None:
        _commit_hook(point)


class OutputSet:
    """The outputs of one run in ``out_dir``, committed together with their run card (see the module docstring)."""

    def __init__(self, out_dir: str | os.PathLike, command: str, seed: int | None = None,
                 settings: dict[str, Any] | None = None, data_files: Iterable[str | os.PathLike] = (),
                 card_name: str = CARD_NAME):
        if str(out_dir).strip() == "":
            raise UserError("the output folder is an empty string; give a folder name")
        self.out = Path(out_dir)
        self.command = command
        self.seed = seed
        self.settings = dict(settings or {})
        self.data_files = [Path(p) for p in data_files]
        self.results: dict[str, Any] = {}
        self.card_name = _safe_name(card_name)
        self.card_path = self.out / self.card_name
        self.run_id = new_run_id()
        self.staging: Path | None = None
        self.files: dict[str, Path] = {}  # after the commit: name -> final path
        self.committed = False
        self._carried: set[str] = set()
        self._stores: list = []
        self._lock: FolderLock | None = None
        self._leftover: set[str] = set()
        self._previous: set[str] = set()  # what the previous run card (and a dead commit's journal) lists

    # -- set-up ---------------------------------------------------------------------------------------
    def __enter__(self) -> "OutputSet":
        ensure_output_dir(self.out)
        if claimed(self.out) is None:  # a folder the run claimed at its start stays locked until the run ends
            self._lock = FolderLock(self.out).acquire()
        try:
            self._clear_stale()
            self.staging = cleanup.track_temp(tempfile.mkdtemp(dir=self.out, prefix=f"{STAGING_PREFIX}{self.run_id}-"))
            self._previous = _listed_names(read_card(self.card_path)) | self._leftover
            for data in self.data_files:
                self._carry_if_inside(data)
        except BaseException as exc:  # Ctrl-C included: __exit__ will not run, so undo here
            self._close()
            if isinstance(exc, OSError):
                raise UserError(f"cannot write to output folder {display_path(self.out)}: "
                                f"{os_error_reason(exc)}") from None
            raise
        return self

    def _clear_stale(self) -> None:
        """Under the lock: staging folders of dead runs go; a dead run's commit journal names files to clear."""
        for entry in self.out.iterdir():
            if entry.name.startswith(STAGING_PREFIX) and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
        journal = self._journal_path()
        if journal.is_file():  # a commit cut short by SIGKILL or power loss: its files are not claimed
            record = read_card(journal) or {}
            self._leftover = _listed_names(record) | _listed_names({"files": record.get("previous", [])})

    def _journal_path(self) -> Path:
        return self.out / f"{JOURNAL_PREFIX}{self.card_name}"

    # -- writing --------------------------------------------------------------------------------------
    def _require_open(self) -> Path:
        if self.staging is None or self.committed:
            raise RuntimeError("OutputSet is not open (use it as 'with OutputSet(...) as outputs:')")
        return self.staging

    def final(self, name: str | os.PathLike) -> Path:
        """Where output ``name`` will be after the commit."""
        return self.out / _safe_name(name)

    def path(self, name: str | os.PathLike) -> Path:
        """The staging path of output ``name`` (folders made): write it there, read it back before the commit."""
        staging = self._require_open()
        name = _safe_name(name)
        if name == self.card_name:
            raise ValueError(f"{name!r} is this set's run card, written by the commit")
        check_output_target(self.out / name)  # a folder where the file goes: one line, before the work
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    @contextlib.contextmanager
    def atomic(self, name: str | os.PathLike) -> Iterator[Path]:
        """Yield a temporary path; it becomes output ``name`` (in the staging folder) only if the block succeeds."""
        with atomic_path(self.path(name), shown=self.final(name)) as tmp:
            yield tmp

    def write_text(self, name: str | os.PathLike, text: str) -> Path:
        """Write a UTF-8 text output; returns its staging path."""
        with self.atomic(name) as tmp:
            tmp.write_text(text, encoding="utf-8")
        return self.path(name)

    def _carry_if_inside(self, path: Path) -> bool:
        """Keep ``path`` in this set if it is a file of the previous set (an input read from the folder)."""
        try:
            name = _safe_name(path.resolve().relative_to(self.out.resolve()))
        except (ValueError, OSError):  # outside the folder, or an internal name
            return False
        if name in self._previous and (self.out / name).is_file():
            self._carried.add(name)
            return True
        return False

    def checkpoints(self, folder: str | os.PathLike = "checkpoints", keep: Iterable[str] = ()):
        """A :class:`~shared.run.checkpoints.CheckpointStore` for ``folder`` (inside ``--out`` if relative); the commit
        prunes other runs' units and lists the store's units in the run card."""
        from .checkpoints import CheckpointStore

        self._require_open()
        path = Path(folder)
        inside = not path.is_absolute()
        if inside:
            path = self.out / _safe_name(folder)
        store = CheckpointStore(path, self.run_id, keep=keep, lock=not inside)
        self._stores.append(store)
        return store

    # -- commit ---------------------------------------------------------------------------------------
    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if exc_type is None:
                self.commit()
            elif isinstance(exc, OSError) and is_write_error(exc):
                raise self._os_error(exc) from None
        finally:
            self._close()
        return False

    def _os_error(self, exc: OSError) -> UserError:
        where = self.out
        if exc.filename and self.staging is not None:
            try:
                where = self.out / Path(exc.filename).resolve().relative_to(self.staging.resolve())
            except (ValueError, OSError):
                where = Path(exc.filename)
        return UserError(f"cannot write {display_path(where)}: {os_error_reason(exc)}")

    def _close(self) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            cleanup.untrack_temp(self.staging)
        for store in self._stores:
            store.close()
        if self._lock is not None:
            self._lock.release()

    def commit(self) -> dict[str, Path]:
        """Move the staged set into place, drop the previous set's other files, write the run card last."""
        staging = self._require_open()
        raise_lost()  # an interrupt swallowed during the run: the previous set stays
        staged = _files_under(staging)
        for name in staged:
            check_output_target(self.out / name)
        try:
            carried = sorted(n for n in self._carried if n not in staged and (self.out / n).is_file())
            files = {n: {"sha256": sha256_file(p), "bytes": p.stat().st_size}
                     for n, p in [(n, staging / n) for n in staged] + [(n, self.out / n) for n in carried]}
            extra: dict[str, Any] = {"run_id": self.run_id, "card": self.card_name,
                                     "files": dict(sorted(files.items()))}
            for name in staged:  # on disk before the card names them (a power loss cannot leave it naming empty files)
                fsync_path(staging / name)
            for store in self._stores:
                store.finish()
            if self._stores:
                extra["checkpoints"] = [store.describe(self.out) for store in self._stores]
            card = run_card(self.command, self.settings, self.seed, self.data_files, self.results, extra)
            (staging / _CARD_TMP).write_text(card_json(card), encoding="utf-8")
            stale = sorted(self._previous - set(files) - {self.card_name})
            journal = self._journal_path()
            journal_tmp = staging / ".journal.json"
            journal_tmp.write_text(json.dumps({"run_id": self.run_id, "files": sorted(files),
                                               "previous": stale}) + "\n", encoding="utf-8")
        except OSError as exc:
            if is_write_error(exc):
                raise self._os_error(exc) from None
            raise
        try:
            with deferred():
                os.replace(journal_tmp, journal)
                self.card_path.unlink(missing_ok=True)
                _hook("card removed")
                for i, name in enumerate(staged):
                    target = self.out / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(staging / name, target)
                    if i == 0:
                        _hook("first file moved")
                for name in stale:
                    target = self.out / name
                    if target.is_file() or target.is_symlink():
                        target.unlink()
                        _remove_empty_parents(target, self.out)
                for folder in sorted({(self.out / name).parent for name in staged} | {self.out}, reverse=True):
                    fsync_path(folder)  # the renames are on disk before the card
                fsync_path(staging / _CARD_TMP)
                os.replace(staging / _CARD_TMP, self.card_path)
                journal.unlink()
                fsync_path(self.out)
                self.committed = True
                self.files = {name: self.out / name for name in files}
        except OSError as exc:
            raise UserError(f"cannot finish writing outputs to {display_path(self.out)}: {os_error_reason(exc)}; "
                            f"the folder has no run card now (run again to replace its files)") from None
        return self.files


def verify_output_set(folder: str | os.PathLike, card_name: str = CARD_NAME, strict: bool = False) -> list[str]:
    """Problems with a folder's set (empty list: consistent): listed files missing or changed, dot-files left,
    checkpoint units not matching their ``unit.json``; ``strict``: also files outside the set."""
    from .checkpoints import UNIT_FILE, verify_store

    folder = Path(folder)
    problems = []
    card = read_card(folder / card_name)
    listed: set[str] = {card_name}
    unit_dirs: list[Path] = []
    if card is None:
        problems.append(f"{card_name}: missing or not JSON")
    else:
        for name, meta in (card.get("files") or {}).items():
            listed.add(name)
            path = folder / name
            if not path.is_file():
                problems.append(f"{name}: listed in {card_name} but missing")
            elif sha256_file(path) != meta.get("sha256"):
                problems.append(f"{name}: sha256 differs from {card_name}")
        for store in card.get("checkpoints") or []:
            store_dir = folder / store["folder"]
            problems += verify_store(store_dir)
            unit_dirs += [d for d in store_dir.glob("*") if (d / UNIT_FILE).is_file()]
    if strict:
        for name in _files_under(folder):
            inside_unit = any(d in (folder / name).parents for d in unit_dirs)
            if name not in listed and not inside_unit:
                problems.append(f"{name}: not part of the set in {card_name}")
    for entry in folder.rglob(".*"):
        if entry.name == LOCK_NAME:
            problems.append(f"{entry.relative_to(folder)}: lock file left")
        else:
            problems.append(f"{entry.relative_to(folder)}: internal or temporary file left")
    return problems
