"""make compare: a clone checks itself against every published course value, all three assignments.

    python -m tools.compare                   # everything but the long run; about 30 s
    python -m tools.compare --only rnn,jazz   # some assignments
    python -m tools.compare --long            # also the Shakespeare model's extra training epoch

Against ``data/reference/`` (``$REFERENCE_DIR`` overrides): a table per assignment, then ``N/M reference values
match``; ``output/compare/summary.json`` holds every row. Rows with ``ok`` ``None`` are information, not counted.
Exit status 1 when a counted row does not match, 2 on bad input. Each section calls the assignment's own functions.
"""
import shared  # noqa: F401 -- first: quiet Ctrl-C/SIGTERM/SIGHUP from the first import on
from .rows import Row, Section
from .runner import SECTIONS, Context, parse_only, run_comparison

__all__ = ["Context", "Row", "SECTIONS", "Section", "parse_only", "run_comparison"]
