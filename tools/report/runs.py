"""The state of one run folder as the report finds it: a run in progress there, and whether its files are its run's.

Two cheap checks per folder (``output/dinos/``, ...), made before its section is built; nothing is locked,
written or removed (the folders belong to their runs):

* :func:`shared.run.lock.lock_owner` -- a live run holds the folder: its section says so ("in progress (pid N)")
  instead of "not run", and shows the files of the previous run, if any. Its set is not checked meanwhile:
  the running run's staging folder and lock are expected, and its commit may be replacing files as we read.
* :func:`shared.run.outputs.verify_output_set` for every run card in the folder (``run_card.json``,
  ``keras_run_card.json``, ... and the card of a commit cut short, named by its ``.commit-CARD`` journal),
  plus every file beside them that no card lists: a listed file missing or changed since (sha256), a commit cut
  short, a staging folder or temporary file left by a killed run, a file copied in by hand. Any of these is one
  warning line for the folder (the first problem, how many more): the section is still shown.

A folder without any card or journal claims no set (files written by hand, or by a run that predates run
cards' file lists), and a card without a ``files`` list claims none: neither is checked. Standard library only.
The course kept no record of its runs, so it had nothing to check.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from shared.run.lock import lock_owner
from shared.run.outputs import JOURNAL_PREFIX, read_card, verify_output_set

CARD_SUFFIX = "run_card.json"


@dataclass
class FolderState:
    """What the report knows of one run folder before reading its files."""

    relative: str  # the folder inside the reported root, e.g. "dinos"
    pid: int | None = None  # a live run holding the folder's lock
    problems: list[str] = field(default_factory=list)  # the folder's files are not (all) its cards' sets

    def warning(self, target: str) -> str | None:
        """One line for the page and the command, or None when the folder is consistent."""
        if not self.problems:
            return None
        more = len(self.problems) - 1
        extra = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        return (f"{self.relative}/{self.problems[0]}{extra}; the files here are not all one run's set: "
                f"run {target} again")

    def progress(self, shown_root: str) -> str | None:
        """The in-progress line (None when no run holds the folder)."""
        if self.pid is None:
            return None
        return f"a run is in progress in {shown_root}{self.relative}/ (pid {self.pid})"


def card_names(folder: Path) -> list[str]:
    """The run cards of ``folder``: ``*run_card.json`` beside its files and those named by a commit journal."""
    names = set()
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        name = entry.name
        if name.startswith(JOURNAL_PREFIX) and name.endswith(CARD_SUFFIX):
            names.add(name[len(JOURNAL_PREFIX):])
        elif not name.startswith(".") and name.endswith(CARD_SUFFIX) and entry.is_file():
            names.add(name)
    return sorted(names)


def _files_under(folder: Path) -> list[Path]:
    """The regular files under ``folder``, internal (dot) names and folders skipped."""
    found = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(top) / name for name in sorted(files) if not name.startswith(".")]
    return found


def unclaimed(folder: Path, cards: list[str]) -> list[str] | None:
    """Files under ``folder`` that none of its ``cards`` lists (nor their checkpoint units); None if a card is
    missing, unreadable or lists no files (then nothing can be said)."""
    claimed, units = set(cards), []
    for name in cards:
        card = read_card(folder / name)
        files = card.get("files") if card is not None else None
        if not isinstance(files, dict):  # a card missing or broken (verify_output_set says so), or claiming no set
            return None
        claimed.update(str(n) for n in files)
        for store in card.get("checkpoints") or []:
            if isinstance(store, dict) and isinstance(store.get("folder"), str):
                units.append(folder / store["folder"])  # verify_output_set checks the units themselves
    found = []
    for path in _files_under(folder):
        relative = path.relative_to(folder).as_posix()
        if relative not in claimed and not any(store in path.parents for store in units):
            found.append(f"{relative}: not listed in {' or '.join(cards)}")
    return found


def folder_state(root: Path, relative: str) -> FolderState:
    """Check ``root / relative`` (see the module docstring); a missing folder is simply empty."""
    folder = Path(root) / relative
    state = FolderState(relative)
    if not folder.is_dir():
        return state
    state.pid = lock_owner(folder)
    if state.pid is not None:
        return state
    cards = card_names(folder)
    if not cards:
        return state
    problems: list[str] = []
    for name in cards:
        try:
            found = verify_output_set(folder, name)
        except (AttributeError, KeyError, TypeError, ValueError):  # a card of an odd shape, edited by hand
            found = [f"{name}: not a run card (its files or checkpoints have an unexpected shape)"]
        except OSError as exc:
            found = [f"{name}: its files cannot be read ({exc.strerror or exc})"]
        problems += [p for p in found if p not in problems]
    problems += unclaimed(folder, cards) or []
    state.problems = problems
    return state
