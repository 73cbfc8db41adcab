"""The command-line convention every assignment follows.

Bad input is reported as ONE line on stderr (``error: ...``) with exit status 2 --
never a traceback from inside a library. Code raises :class:`shared.errors.UserError` for anything
a user can fix; :func:`run` turns it into that line. Argument validators for
``argparse`` live here too, so every CLI rejects out-of-range options the same way.
"""
from __future__ import annotations

import argparse
import sys
from typing import Callable, Sequence

from .errors import UserError
from .io import discard_created_dirs, forget_created_dirs


class ArgumentParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` that reports a bad option as one :class:`UserError` line, not usage + exit."""

    def error(self, message):
        raise UserError(f"{message} (see --help)")


def run(main: Callable[[Sequence[str] | None], int | None], argv: Sequence[str] | None = None) -> int:
    """Call ``main(argv)``; map :class:`UserError` to ``error: ...`` + exit 2, Ctrl-C to exit 130.

    On either, output folders that the run created and left empty are removed again.
    """
    forget_created_dirs()
    try:
        return int(main(argv) or 0)
    except UserError as exc:
        discard_created_dirs()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        discard_created_dirs()
        print("error: interrupted", file=sys.stderr)
        return 130


def _typed(kind: type, check: Callable[[float], bool], what: str):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a valid {kind.__name__}") from None
        if not check(value):
            raise argparse.ArgumentTypeError(f"{text!r} must be {what}")
        return value

    parse.__name__ = f"{kind.__name__} ({what})"
    return parse


positive_int = _typed(int, lambda v: v > 0, "> 0")
non_negative_int = _typed(int, lambda v: v >= 0, ">= 0")
positive_float = _typed(float, lambda v: v > 0, "> 0")
