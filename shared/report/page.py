"""The whole report page: the sections in order, a contents list, the inline style sheet, one HTML file."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

from . import dinos, jazz, rnn, scoreboard, shakespeare
from .html import Html, el, join
from .inputs import Inputs
from .section import Section, warnings_box

TITLE = "Sequence Models, week 1 — results"
BUILDERS = (scoreboard.build, jazz.build, dinos.build, shakespeare.build, rnn.build)
STYLE = Path(__file__).with_name("style.css")


@dataclass
class Page:
    html: str
    sections: list[Section]
    warnings: list[str]
    read: list[Path]


def _section(section: Section) -> Html:
    heading = el("h2", section.title, id=f"{section.id}-heading")
    return el("section", heading, warnings_box(section.warnings), section.body, id=section.id,
              aria_labelledby=f"{section.id}-heading", class_="run" if section.present else "run absent")


def build_page(root: Path, shown_root: str) -> Page:
    """Read every run under ``root`` and return the page (``shown_root`` is how the folder is named on it)."""
    inputs = Inputs(Path(root))
    sections = []
    for build in BUILDERS:
        before = len(inputs.warnings)
        section = build(inputs)
        section.warnings = inputs.warnings[before:]
        sections.append(section)
    contents = el("nav", el("h2", "Contents", id="contents-heading"),
                  el("ol", *(el("li", el("a", s.title, href=f"#{s.id}"), " — ",
                                el("span", s.status if s.present else join(["not run: ", el("code", s.target)]),
                                   class_="nav-status")) for s in sections)),
                  aria_labelledby="contents-heading")
    built = _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()
    header = el("header", el("h1", TITLE),
                el("p", "The three programming assignments of week 1 of deeplearning.ai's ",
                   el("em", "Sequence Models"),
                   " course on Keras 3: what each run under ", el("code", shown_root), " wrote — sound, pictures and "
                   "numbers, beside the course's own. Built ", built, " by ", el("code", "make report"), "."),
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
    return Page(document, sections, inputs.warnings, inputs.read)
