"""``make report``: one static page, ``output/index.html``, to look at, listen to and compare every run.

Not part of the course: the notebooks show their results inline, one assignment at a time. This package
reads whatever runs are under ``output/`` -- the ``make compare`` scoreboard (``compare/summary.json``),
the jazz solo (WAV players, piano roll, metrics, loss curve), the dinosaur names and checkpoints beside the
course's, the Shakespeare poem and the checks of assignment 1 -- and writes one HTML page that opens from
disk: no server, no network, no JavaScript, media linked as files beside it. A missing run shows the
``make`` target that produces it, a run still going says so, and a folder whose files are not all its run
card's set gets a warning. Only the standard library is used (no TensorFlow, numpy or music21).

Modules: :mod:`.html` (escaping markup builders), :mod:`.inputs` (safe reading of the runs' files),
:mod:`.runs` (a run folder's state: in progress, consistent with its run card), :mod:`.section` (shared
pieces), one module per section, :mod:`.page` (the document), ``__main__`` (the CLI: the page and its card
as one all-or-nothing output set), :mod:`.browser` (``--screenshot`` and the test's Chromium).
"""
from __future__ import annotations

from .page import Page, build_page

__all__ = ["Page", "build_page"]
