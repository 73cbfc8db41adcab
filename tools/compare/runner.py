"""Which assignments to compare, and the order: every section's inputs are read first, then each compares.

Each section module has ``prepare(context)`` (reads and checks its inputs, :class:`shared.run.UserError` on a bad
one) and ``compare(prepared, context)`` (returns a :class:`.rows.Section`). Every ``prepare`` runs before any
``compare``, so a broken input stops the run before the long work and before the output folder is opened.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from shared.run import UserError

from . import dinos, jazz, rnn, shakespeare
from .rows import Section

SECTIONS = {module.KEY: module for module in (rnn, dinos, shakespeare, jazz)}
ALIASES = {"rnn": rnn.KEY, "step_by_step": rnn.KEY}


@dataclass
class Context:
    reference_dir: Path
    long: bool = False  # also the comparisons that need a long run (the Shakespeare training epoch)
    quiet: bool = False


def parse_only(text: str | None) -> list[str]:
    """``"rnn,jazz"`` -> the section keys, in report order; ``None`` -> all of them."""
    if text is None:
        return list(SECTIONS)
    names = [n.strip() for n in text.split(",") if n.strip()]
    known = ", ".join(["rnn", *list(SECTIONS)[1:]])
    if not names:
        raise UserError(f"--only needs at least one of: {known}")
    keys = set()
    for name in names:
        key = ALIASES.get(name, name)
        if key not in SECTIONS:
            raise UserError(f"--only: unknown assignment {name!r} (choose from {known})")
        keys.add(key)
    return [key for key in SECTIONS if key in keys]


def prepare_sections(keys: Sequence[str], context: Context) -> dict:
    """Read and check the inputs of every section in ``keys`` (a bad one: :class:`UserError`, nothing done yet)."""
    return {key: SECTIONS[key].prepare(context) for key in keys}


def compare_sections(keys: Sequence[str], prepared: dict, context: Context,
                     on_section: Callable[[Section], None] | None = None) -> list[Section]:
    """Compare the prepared sections in order; ``on_section`` sees each when done."""
    sections = []
    for number, key in enumerate(keys, 1):
        if not context.quiet:
            print(f"[{number}/{len(keys)}] {SECTIONS[key].TITLE} ...", file=sys.stderr, flush=True)
        section = SECTIONS[key].compare(prepared[key], context)
        sections.append(section)
        if on_section is not None:
            on_section(section)
    return sections


def run_comparison(keys: Sequence[str], context: Context,
                   on_section: Callable[[Section], None] | None = None) -> list[Section]:
    """Prepare every section in ``keys``, then compare them in order; ``on_section`` sees each when done."""
    return compare_sections(keys, prepare_sections(keys, context), context, on_section)
