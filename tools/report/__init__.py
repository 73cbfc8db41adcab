"""``make report``: one static page, ``output/index.html``, to look at, listen to and compare every run.

It reads whatever runs are under ``output/`` and writes one HTML page that opens from disk (no server, network or
JavaScript; media linked beside it); a missing run shows the ``make`` target that makes it. Standard library only.
Modules: :mod:`.html` (escaping markup builders), :mod:`.inputs` (safe reading of the runs' files and folders'
state), :mod:`.section` (shared pieces), one module per section, :mod:`.page` (the document), ``__main__`` (the
command), :mod:`.browser` (``--screenshot`` and the test's Chromium).
"""
from __future__ import annotations

from .page import Page, build_page

__all__ = ["Page", "build_page"]
