"""make compare: a clone checks itself against every published course value, all three assignments.

    python -m tools.compare                   # everything but the long run; about 30 s
    python -m tools.compare --only rnn,jazz   # some assignments
    python -m tools.compare --long            # also the Shakespeare model's extra training epoch

The reference values are the committed ones in ``data/reference/`` (``$REFERENCE_DIR`` overrides). For each
assignment a table of rows (what, expected, got, ok) is printed, then one line ``N/M reference values match``;
``output/compare/summary.json`` holds every row and ``run_card.json`` the run. Rows with ``ok`` ``None`` are
information (machine-dependent, sampled, skipped or not run) and are not counted. Exit status 1 when any
counted row does not match, 2 on bad input.

The course had no such command: its notebooks printed values for the learner to compare by eye. Each section
reuses the assignment's own public functions (imported when the section runs); nothing is recomputed here
that the assignments already compute.
"""
import shared  # noqa: F401 -- first: quiet Ctrl-C/SIGTERM/SIGHUP from the first import on
from .rows import Row, Section
from .runner import SECTIONS, Context, parse_only, run_comparison

__all__ = ["Context", "Row", "SECTIONS", "Section", "parse_only", "run_comparison"]
