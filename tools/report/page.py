"""The whole report page: the sections in order, a contents list, the inline style sheet, one HTML file.

Each section's run folder is checked first (:func:`.inputs.folder_state`): a run in progress is said, a folder whose
files are not all its run card's set gets a warning line.
"""
from __future__ import annotations

import shared  # noqa: F401 -- first (shared/__init__.py): a Ctrl-C while this package imports is one quiet line

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

from . import dinos, jazz, rnn, scoreboard, shakespeare
from .html import Html, el, join, note
from .inputs import Inputs
from .inputs import folder_state
from .section import Section, warnings_box

TITLE = "Sequence Models, week 1 — results"
SECTIONS = (scoreboard, jazz, dinos, shakespeare, rnn)  # each: FOLDER (its run folder) and build(inputs)
STYLE = Path(__file__).with_name("style.css")


@dataclass
class Page:
    html: str
    sections: list[Section]
    warnings: list[str]
    read: list[Path]
    notes: list[str]  # one line per run in progress


def _section(section: Section) -> Html:
    heading = el("h2", section.title, id=f"{section.id}-heading")
    progress = note(section.progress + ".", "warning in-progress") if section.progress else Html("")
    return el("section", heading, progress, warnings_box(section.warnings), section.body, id=section.id,
              aria_labelledby=f"{section.id}-heading", class_="run" if section.present else "run absent")


def _in_progress(section: Section, line: str, pid: int) -> str:
    """Mark ``section`` as having a run in progress (``line`` says where, with its pid); returns the note line."""
    if section.present:
        sentence = f"{line}: the section shows the previous run's files, which may change when it ends"
        section.status = f"{section.status}; a new run is in progress (pid {pid})"
    else:
        sentence = f"{line}: its files appear in the section when it ends (then run make report again)"
        section.status = f"in progress (pid {pid})"
        section.body = Html("")
    section.progress = sentence[0].upper() + sentence[1:]
    return sentence


def _contents_item(section: Section) -> Html:
    shown = section.status if section.present or section.progress else \
        join(["not run: ", el("code", section.target)])
    return el("li", el("a", section.title, href=f"#{section.id}"), " — ", el("span", shown, class_="nav-status"))


def build_page(root: Path, shown_root: str) -> Page:
    """Read every run under ``root`` and return the page (``shown_root`` is how the folder is named on it)."""
    inputs = Inputs(Path(root))
    sections, notes = [], []
    for module in SECTIONS:
        state = folder_state(Path(root), module.FOLDER)
        before = len(inputs.warnings)
        section = module.build(inputs)
        warning = state.warning(section.target)
        if warning is not None:
            inputs.warnings.insert(before, warning)
        section.warnings = inputs.warnings[before:]
        line = state.progress(shown_root)
        if line is not None:
            notes.append(_in_progress(section, line, state.pid))
        sections.append(section)
    contents = el("nav", el("h2", "Contents", id="contents-heading"), el("ol", *map(_contents_item, sections)),
                  aria_labelledby="contents-heading")
    built = _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()
    header = el("header", el("h1", TITLE),
                el("p", "The three programming assignments of week 1 of deeplearning.ai's ",
                   el("em", "Sequence Models"),
                   " course on Keras 3: what each run under ", el("code", shown_root), " wrote — sound, pictures and "
                   "numbers, beside the course's own. Built ", built, " by ", el("code", "make report"), "."),
                el("p", "The course's three notebooks, run top to bottom by ", el("code", "make notebooks"), ": ",
                   join((el("a", page.stem, href=f"notebooks/{page.name}")
                         for page in sorted((Path(root) / "notebooks").glob("*.html"))), ", ") or "not run yet", "."),
                contents)
    footer = el("footer", el("p", "A static page: it needs no server, no network and no JavaScript. Every run leaves "
                                  "a run card (command, settings, seed, library versions, data hashes) beside its "
                                  "files; run the make target named in a section to refresh it, then ",
                             el("code", "make report"), "."))
    head = el("head", Html('<meta charset="utf-8">'),
              el("meta", name="viewport", content="width=device-width, initial-scale=1"),
              el("meta", name="color-scheme", content="light"),
              el("title", TITLE), el("link", rel="icon", href="data:,"),
              el("style", Html(STYLE.read_text(encoding="utf-8"))))
    body = el("body", header, el("main", *(_section(s) for s in sections), id="main"), footer)
    document = "<!doctype html>\n" + el("html", head, body, lang="en") + "\n"
    return Page(document, sections, inputs.warnings, inputs.read, notes)
