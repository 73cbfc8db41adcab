"""The notebook tests' checks against what the course printed: a printout against a notebook's *Expected Output*
text, a function's signature against the course's ``def`` line, and a notebook cell run in a session's namespace."""
from __future__ import annotations

import ast
import contextlib
import inspect
import io
import re


_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _split_printout(text: str) -> tuple[str, list[float]]:
    """The text with every number replaced by ``#`` and all whitespace removed, and the numbers."""
    numbers = [float(m) for m in _NUMBER.findall(text)]
    return re.sub(r"\s+", "", _NUMBER.sub("#", text)), numbers


def printout_mismatches(got: str, expected: str, rtol: float = 1e-9, atol: float = 1e-8) -> list[str]:
    """How ``got`` differs from the course's printed ``expected``; empty when it matches.

    The words and symbols must be the same, whitespace aside; each number within ``atol + rtol * |expected|``
    (the notebooks printed 8 to 12 significant digits, numpy 2 prints all of them).
    """
    text_got, numbers_got = _split_printout(got)
    text_expected, numbers_expected = _split_printout(expected)
    if text_got != text_expected:
        return [f"text differs: got {text_got!r}, expected {text_expected!r}"]
    if len(numbers_got) != len(numbers_expected):
        return [f"{len(numbers_got)} numbers printed, expected {len(numbers_expected)}"]
    return [f"number {i}: got {g!r}, expected {e!r}" for i, (g, e) in enumerate(zip(numbers_got, numbers_expected))
            if not abs(g - e) <= atol + rtol * abs(e)]


def signature_mismatches(function, course_def: str) -> list[str]:
    """How ``function``'s signature differs from the course's ``def name(args):`` line; empty when it fits.

    The course's parameters must come first, in order, positional, with the course's defaults; any
    parameter the project adds must be keyword-only with a default (or ``**kwargs`` passed on).
    """
    tree = ast.parse(course_def.strip().rstrip(":") + ": pass").body[0]
    names = [a.arg for a in tree.args.args]
    defaults = dict(zip(names[len(names) - len(tree.args.defaults):],
                        (ast.literal_eval(d) for d in tree.args.defaults)))
    params = list(inspect.signature(function).parameters.values())
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    problems = []
    if function.__name__ != tree.name:
        problems.append(f"named {function.__name__}, the course's is {tree.name}")
    if [p.name for p in positional] != names:
        problems.append(f"positional parameters {[p.name for p in positional]}, the course's are {names}")
    for p in positional:
        if p.name in defaults and (p.default is p.empty or p.default != defaults[p.name]):
            problems.append(f"{p.name}: default {p.default!r}, the course's is {defaults[p.name]!r}")
        if p.name not in defaults and p.default is not p.empty:
            problems.append(f"{p.name}: default {p.default!r}, the course's has none")
    for p in params:
        if p.kind is p.KEYWORD_ONLY and p.default is p.empty:
            problems.append(f"added parameter {p.name} has no default")
        if p.kind is p.VAR_POSITIONAL:
            problems.append(f"*{p.name} takes extra positional arguments the course does not")
    return problems


def run_cell(namespace: dict, cell: str) -> str:
    """``exec`` a notebook cell's text in ``namespace`` (a session's globals); returns what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(cell, namespace)  # noqa: S102 -- the notebooks' own cells, written out in the tests
    return printed.getvalue()


def assert_printout(printed: str, expected: str, rtol: float = 1e-9, atol: float = 1e-8) -> None:
    """``AssertionError`` listing :func:`printout_mismatches`, with the printout, unless there are none."""
    problems = printout_mismatches(printed, expected, rtol, atol)
    assert not problems, "\n".join(problems) + f"\n--- printed:\n{printed}"


def assert_signature(function, course_def: str) -> None:
    """``AssertionError`` listing :func:`signature_mismatches`, unless there are none."""
    problems = signature_mismatches(function, course_def)
    assert not problems, f"{function.__qualname__}: " + "; ".join(problems)
