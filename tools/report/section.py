"""One section of the report page, and the pieces sections share: figures, audio players, settings lists."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from .html import Html, el, href, join, link, missing, note
from .inputs import Inputs, as_dict


@dataclass
class Section:
    """A rendered section: its anchor, heading, body, the make target that produces its run, and whether the
    run was found (``status`` is the one line the contents list shows)."""

    id: str
    title: str
    target: str
    present: bool
    body: Html
    status: str
    warnings: list[str] = field(default_factory=list)
    progress: str | None = None  # set when a run is in progress in the section's folder (one sentence)


def not_run(id: str, title: str, target: str, what: str) -> Section:
    """The section of a run that is not there yet: ``what`` was not found, and which make target produces it."""
    return Section(id, title, target, False, missing(what, target), "not run")


def run_card(inputs: Inputs, folder: str, name: str = "run_card.json") -> tuple[dict, dict, dict]:
    """A run's card, its settings and its results (``{}`` each when the card is missing or unusable)."""
    card = as_dict(inputs.json(f"{folder}/{name}"))
    return card, as_dict(card.get("settings")), as_dict(card.get("results"))


def settings(pairs: Iterable[tuple[str, Any]]) -> Html:
    """A compact definition list of ``(name, value)``; ``None`` values are left out."""
    items = [el("div", el("dt", name), el("dd", value)) for name, value in pairs if value is not None]
    return el("dl", *items, class_="settings") if items else Html("")


def figure(inputs: Inputs, relative: str, alt: str, caption: Any, what: str) -> Html:
    """An image beside the page with its size from the PNG header; a line instead when it is missing or broken."""
    size = inputs.png_size(relative)
    if size is None:
        problem = "could not be shown (see the warning above)" if inputs.exists(relative) else \
            "was not written by this run"
        return note(join([f"{what} (", el("code", relative), f") {problem}."]))
    width, height = size
    return el("figure", el("img", src=href(relative), alt=alt, width=width, height=height),
              el("figcaption", caption))


def audio(inputs: Inputs, wav: str, midi: Iterable[str], label: str, detail: str, id_: str) -> Html:
    """A labelled audio player for ``wav`` with its duration and links; without the WAV, a line that says so
    and links the MIDI file when there is one."""
    midi = [m for m in midi if inputs.exists(m)]
    midi_links = [link(m, "MIDI") for m in midi]
    seconds = inputs.wav_seconds(wav)
    heading = el("span", label, class_="player-label", id=id_)
    if seconds is None:
        if inputs.exists(wav):
            reason = "the WAV file could not be read (see the warning above)"
        elif midi:
            reason = join(["no WAV: FluidSynth was not found when the run was made (install it with ",
                           el("code", "make system-deps"), ")"])
        else:
            reason = "not in this run's folder (a current make jazz writes it)"
        extra = [" — listen to the ", midi_links[0], " file instead"] if midi_links else []
        return el("div", heading, el("p", detail, class_="player-detail"),
                  el("p", reason, *extra, ".", class_="missing"), class_="player")
    minutes, rest = divmod(int(seconds), 60)  # as the player shows it
    length = f"{minutes}:{rest:02d}" if seconds >= 10 else f"{seconds:.1f} s"
    links = join([link(wav, "WAV"), *midi_links], " · ")
    fallback = join(["Your browser cannot play this here: ", link(wav, "download the WAV"), "."])
    return el("div", heading, el("p", detail, " · ", length, " · ", links, class_="player-detail"),
              el("audio", fallback, controls=True, preload="metadata", src=href(wav), aria_labelledby=id_,
                 data_seconds=f"{seconds:.3f}"),
              class_="player")


def files_list(inputs: Inputs, entries: Iterable[tuple[str, str]]) -> Html:
    """Links to the files of a run that exist, as ``(relative path, what it is)``."""
    items = [el("li", link(rel, rel.rsplit("/", 1)[-1]), f" — {what}") for rel, what in entries if inputs.exists(rel)]
    return el("ul", *items, class_="files") if items else Html("")


def warnings_box(warnings: list[str]) -> Html:
    if not warnings:
        return Html("")
    return el("div", el("p", el("strong", "Warnings about the files of this run:")),
              el("ul", *(el("li", w) for w in warnings)), class_="warning", role="note")

