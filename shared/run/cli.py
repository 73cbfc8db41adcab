"""The command-line convention every command follows: :func:`run` around ``main``, and the option parsers.

:class:`shared.run.UserError` (anything a user can fix) becomes ONE line ``error: ...`` on stderr, exit 2;
Ctrl-C / SIGTERM / SIGHUP become ``error: interrupted`` (:mod:`.signals`); an environment ``OSError`` (full
disk, read-only folder) is one line; a closed stdout (``| head -1``) is a quiet exit 141. However the run ends,
its children are stopped and its temporary files removed (:mod:`.cleanup`). Options are checked before any
work, and an ``--out`` folder (``type=output_dir``) is locked as soon as it is parsed.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib
import math
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

from . import UserError, cleanup, console, signals
from .io import is_write_error, os_error_reason

_depth = 0  # runs in progress in this process (nested: a command calling another command's main)
BROKEN_PIPE_STATUS = 141  # 128 + SIGPIPE: what a shell reports for a program stopped by a closed pipe
SEED_MAX = 2 ** 32 - 1  # = shared.seed.SEED_MAX (not imported: shared.seed imports numpy)


class ArgumentParser(argparse.ArgumentParser):
    """A bad option is one :class:`UserError` line, not usage + exit; options are never abbreviated."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message):
        raise UserError(f"{message} (see --help)")

    def parse_known_args(self, args=None, namespace=None):
        """Parse; inside a run, an ``--out`` folder (``type=output_dir``) is locked at once (:func:`claim_outputs`)."""
        namespace, extras = super().parse_known_args(args, namespace)
        claim_outputs(getattr(namespace, a.dest, None) for a in self._actions if a.type is output_dir)
        return namespace, extras


def claim_outputs(folders) -> None:
    """Inside a run, lock each output folder given (None: none) before the command prints anything: a second run
    into a busy folder is one line at once, not after a preamble (:func:`shared.run.lock.claim`)."""
    if _depth:
        from .lock import claim

        for folder in folders:
            if folder is not None:
                claim(folder)


def run(main: Callable[[Sequence[str] | None], int | None], argv: Sequence[str] | None = None) -> int:
    """Call ``main(argv)`` and return its exit status: 2 for a :class:`UserError` or an environment ``OSError``,
    130 / 143 / 129 for Ctrl-C / SIGTERM / SIGHUP (see the module docstring)."""
    global _depth
    outermost = _depth == 0
    if outermost:  # a run inside a run (a command calling another's main) leaves the clean-up to the outer one
        cleanup.reset()
        previous = signals.install()
    saved_streams = console.track_streams()
    failure: tuple[int, str] | None = None
    code = None
    _depth += 1
    try:
        try:
            try:
                code = int(main(argv) or 0)
                signals.raise_lost()  # an interrupt swallowed on the way: the run was still asked to stop
            finally:
                if outermost:
                    signals.ignore()  # from here on nothing may cut the clean-up short
        except UserError as exc:
            failure = (2, str(exc))
        except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM / SIGHUP (signals.Interrupted)
            if not outermost:
                raise  # stops the outer run too
            failure = (signals.exit_status(exc), "interrupted")
        except BrokenPipeError:  # the reader of stdout went away (``| head -1``): stop quietly, as SIGPIPE would
            if not outermost:
                raise
            _discard_stdout()
            failure = (BROKEN_PIPE_STATUS, "")
        except OSError as exc:
            if not is_write_error(exc):
                raise
            where = f": {exc.filename}" if exc.filename else ""
            failure = (2, f"{os_error_reason(exc)}{where}")
        if outermost:
            cleanup.clean_up(failed=failure is not None)
        if failure is None:
            return code
        console.end_lines()
        if failure[1]:
            try:
                print(f"error: {console.public(failure[1])}", file=sys.stderr, flush=True)
            except (OSError, ValueError):  # no terminal any more (SIGHUP): the status says it
                pass
        return failure[0]
    finally:
        _depth -= 1
        if outermost:
            cleanup.clean_up(failed=code is None or failure is not None)  # after a bug too: no empty --out left
        console.untrack_streams(saved_streams)
        if outermost:
            signals.restore(previous)


def _discard_stdout() -> None:
    """Point stdout at /dev/null: what is still buffered for a closed pipe goes nowhere, without another error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def run_module(module: str, function: str = "main", argv: Sequence[str] | None = None) -> int:
    """:func:`run` on ``module.function``, importing ``module`` inside the run (Ctrl-C during imports is quiet)."""
    def main(args):
        return getattr(importlib.import_module(module), function)(args)

    return run(main, argv)


def exit_now(status: int) -> None:
    """Flush stdout and stderr, then end the process without the interpreter's teardown.

    By then :func:`run` has committed the outputs and cleaned up; the teardown would only free memory, which takes
    over a second after TensorFlow was imported (nothing here registers ``atexit`` work). A successful run whose
    last lines a closed pipe did not take ends with 141.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # what was left for a reader that went away: not delivered
            status = status or BROKEN_PIPE_STATUS
        except (OSError, ValueError):
            pass
    os._exit(status)


def _typed(kind: type, check: Callable[[float], bool], what: str, finite: bool = False):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a valid {kind.__name__}") from None
        if finite and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} must be a finite number" + (f" {what}" if what else ""))
        if not check(value):
            raise argparse.ArgumentTypeError(f"{text!r} must be {what}")
        return value

    parse.__name__ = f"{kind.__name__} ({what})"
    return parse


positive_int = _typed(int, lambda v: v > 0, "> 0")
non_negative_int = _typed(int, lambda v: v >= 0, ">= 0")
positive_float = _typed(float, lambda v: v > 0, "> 0", finite=True)
finite_float = _typed(float, lambda v: True, "", finite=True)


def bounded_int(lo: int, hi: int):
    """An ``int`` type accepting ``lo <= value <= hi`` (sizes: a huge value is one line up front, not a MemoryError)."""
    if lo > hi:
        raise ValueError(f"bounded_int: lo {lo} > hi {hi}")
    return _typed(int, lambda v: lo <= v <= hi, f"between {lo} and {hi}")


def bounded_float(lo: float, hi: float, lo_open: bool = False, hi_open: bool = False):
    """A finite ``float`` type in the interval from ``lo`` to ``hi`` (each end open or closed)."""
    left, right = "(" if lo_open else "[", ")" if hi_open else "]"

    def inside(v: float) -> bool:
        return (v > lo if lo_open else v >= lo) and (v < hi if hi_open else v <= hi)

    return _typed(float, inside, f"in {left}{lo:g}, {hi:g}{right}", finite=True)


seed_int = bounded_int(0, SEED_MAX)
seed_int.__name__ = "seed (0 .. 2**32-1)"


def output_dir(text: str) -> Path:
    """An ``--out`` folder: not empty, and not an existing file (created later by the run, not here)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; give a folder name")
    path = Path(os.path.expanduser(text))
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a file, not a folder")
    return path


output_dir.__name__ = "folder"


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _condition(key: str, allowed: tuple) -> str:
    """``--model keras`` / ``--model numpy or --model keras`` / ``--from-scratch`` (a flag's condition)."""
    if tuple(allowed) == (True,):
        return _flag(key)
    return " or ".join(f"{_flag(key)} {value}" for value in allowed)


def config_parser(config: type, prog: str, description: str, epilog: str | None = None) -> ArgumentParser:
    """A parser with one option per field of the dataclass ``config`` that has ``metadata["help"]``.

    Metadata keys: ``help`` (the default is appended), ``type`` (default: the field's ``int``/``float``/``str``/
    ``Path``), ``choices``, ``flag`` (default ``--field-name``), ``short``, ``metavar``, ``nargs``, ``only`` (a
    ``{field: allowed values}`` condition, see :func:`parse_config`). A ``bool`` field is a flag setting ``True``.
    """
    parser = ArgumentParser(prog=prog, description=description, epilog=epilog,
                            argument_default=argparse.SUPPRESS,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = config()
    for f in dataclasses.fields(config):
        meta = f.metadata
        if "help" not in meta:
            continue
        flags = [meta.get("flag", _flag(f.name))] + ([meta["short"]] if "short" in meta else [])
        default = getattr(defaults, f.name)
        text = meta["help"]
        if "only" in meta:
            text += " [only with " + " and ".join(_condition(k, v) for k, v in meta["only"].items()) + "]"
        if f.type in (bool, "bool"):
            parser.add_argument(*flags, dest=f.name, action="store_true", help=text)
            continue
        kind = meta.get("type") or {"int": int, "float": float, "str": str, "Path": Path}.get(str(f.type).split(" |")[0], str)
        extra = {k: meta[k] for k in ("choices", "metavar", "nargs") if k in meta}
        if kind is output_dir and f.default not in (None, dataclasses.MISSING):
            extra["default"] = f.default  # in the namespace even when not given: locked as soon as it is parsed
        shown = default if default is None or not isinstance(default, (list, tuple)) else " ".join(map(str, default))
        parser.add_argument(*flags, dest=f.name, type=kind, help=f"{text} (default: {shown})", **extra)
    return parser


def parse_config(config: type, parser: argparse.ArgumentParser, argv: Sequence[str] | None = None):
    """Parse ``argv`` into ``config(**options given)``; an option whose ``only`` condition fails (``--epochs 5``
    with ``--model numpy``) is a :class:`UserError` naming it, not silently ignored."""
    given = vars(parser.parse_args(argv))
    settings = config(**given)
    refuse_inapplicable(settings, given)
    claim_outputs(getattr(settings, f.name) for f in dataclasses.fields(config)
                  if f.metadata.get("type") is output_dir or f.metadata.get("lock"))
    return settings


def refuse_inapplicable(settings, given) -> None:
    """A :class:`UserError` naming the first option in ``given`` whose field's ``only`` condition ``settings``
    does not meet (``--epochs 5`` with ``--model numpy``): an option that does not apply is never silently ignored."""
    for f in dataclasses.fields(settings):
        condition = f.metadata.get("only")
        if f.name not in given or not condition:
            continue
        for key, allowed in condition.items():
            value = getattr(settings, key)
            if value not in allowed:
                has = f"{_flag(key)} {value}" if not isinstance(value, bool) else \
                    f"no {_flag(key)}" if tuple(allowed) == (True,) else _flag(key)
                raise UserError(f"{f.metadata.get('flag', _flag(f.name))} applies only with "
                                f"{_condition(key, allowed)} (this run has {has})")
