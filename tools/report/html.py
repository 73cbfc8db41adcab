"""Tiny HTML building blocks for the report page: every string from a file is escaped on the way in.

:class:`Html` marks text that is already markup; anything else given to :func:`el`, :func:`join` or
:func:`table` is passed through ``html.escape``, so a name, a poem or a JSON value read from ``output/``
can never inject markup. Nothing here reads files.
"""
from __future__ import annotations

import html
import json
import math
from typing import Any, Iterable
from urllib.parse import quote


class Html(str):
    """A string that is already safe markup (built by this module)."""

    __slots__ = ()


def esc(value: Any) -> Html:
    """``value`` as markup: :class:`Html` as it is, anything else as escaped text."""
    if isinstance(value, Html):
        return value
    return Html(html.escape(value if isinstance(value, str) else str(value), quote=True))


def join(parts: Iterable[Any], sep: str = "") -> Html:
    """Concatenate markup and (escaped) text."""
    return Html(esc(sep).join(esc(p) for p in parts))


def _attribute(name: str, value: Any) -> str:
    name = name.rstrip("_").replace("_", "-")
    if value is True:
        return f" {name}"
    return f' {name}="{html.escape(str(value), quote=True)}"'


def el(name: str, /, *children: Any, **attrs: Any) -> Html:
    """``<name attrs>children</name>``; ``class_=`` for ``class``, ``aria_label=`` for ``aria-label``;
    attributes that are ``None`` or ``False`` are left out, ``True`` ones are bare."""
    attributes = "".join(_attribute(k, v) for k, v in attrs.items() if v is not None and v is not False)
    if name in ("img", "meta", "link", "br", "source"):
        return Html(f"<{name}{attributes}>")
    return Html(f"<{name}{attributes}>{join(children)}</{name}>")


def href(relative: str) -> str:
    """A relative link to a file beside the page (``jazz/my_music.wav``), URL-quoted."""
    return quote(relative, safe="/")


def link(relative: str, text: Any | None = None) -> Html:
    return el("a", relative if text is None else text, href=href(relative))


def number(value: Any, digits: int = 3) -> str:
    """A number as the report shows it: rounded to ``digits`` decimals, no trailing zeros; '–' for None/NaN."""
    if value is None or isinstance(value, float) and not math.isfinite(value):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{round(value, digits):.12g}"
    return str(value)


def value_text(value: Any) -> str:
    """Any JSON value as one line of text (strings as they are, numbers exactly, the rest as JSON)."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def long_value(value: Any, limit: int = 160) -> Html:
    """A value cell; text longer than ``limit`` is folded into ``<details>`` (no JavaScript needed)."""
    text = value_text(value)
    if len(text) <= limit:
        return el("code", text)
    return el("details", el("summary", el("code", text[:limit // 2] + " …")), el("code", text), class_="long")


def table(caption: Any, headers: list[Any], rows: Iterable[list[Any]], row_headers: bool = True,
          numeric: Iterable[int] = (), id_: str | None = None, class_: str | None = None) -> Html:
    """A table with a caption, ``<th scope="col">`` headers and (by default) the first cell of each row
    as ``<th scope="row">``; ``numeric`` columns are right-aligned."""
    numeric = set(numeric)

    def cell(i: int, value: Any) -> Html:
        if i == 0 and row_headers:
            return el("th", value, scope="row")
        return el("td", value, class_="num" if i in numeric else None)

    head = el("thead", el("tr", *(el("th", h, scope="col", class_="num" if i in numeric else None)
                                  for i, h in enumerate(headers))))
    body = el("tbody", *(el("tr", *(cell(i, v) for i, v in enumerate(row))) for row in rows))
    return el("div", el("table", el("caption", caption), head, body, id=id_, class_=class_), class_="table-wrap")


def status(ok: bool | None, yes: str = "match", no: str = "mismatch", neither: str = "info") -> Html:
    """A result word with a symbol and a colour class (the word carries the meaning, not the colour)."""
    if ok is None:
        return el("span", f"· {neither}", class_="status info")
    return el("span", f"✓ {yes}" if ok else f"✗ {no}", class_="status ok" if ok else "status bad")


def missing(what: str, target: str) -> Html:
    """The line shown for a run that is not there yet: which make target produces it."""
    return el("p", f"{what} not found. Run ", el("code", target), " to produce it, then ", el("code", "make report"),
              " again.", class_="missing")


def note(text: Any, kind: str = "note") -> Html:
    return el("p", text, class_=kind)
