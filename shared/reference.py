"""Replaying a case of the committed reference values (``data/reference/step_by_step.json``, ``dinos.json``).

A case says how the course built a test's inputs and what it expected (``data/reference/README.md``):
``seed`` (``np.random.seed``, or null), the ``np.random.randn`` ``draws`` in their real order (each
``[name, shape]`` or ``[name, shape, scale]``), ``zeros``, ``dicts`` of already-made names, an optional
``forward`` call, ``later_draws``, then the call of ``function`` with ``args`` (names, or literal values)
whose results are bound to ``returns``; ``expected`` lists Python expressions over those names with their
values and optional per-item ``rtol``/``atol``. This module is the one implementation of that schema:

- :func:`replay` rebuilds the inputs and calls the function, given a mapping of function names to the
  implementation under test;
- :func:`expectations` lists a case's expected values with their tolerances;
- :func:`evaluate` computes an expression over the returned names (``np`` and a few builtins only);
- :func:`compare` applies the schema's rules: strings, booleans and values written with JSON integers only
  (shapes, lengths, indices) must be equal; any other number is ``np.allclose(actual, value, rtol, atol)``.

Two more checks against what the course published, used by the notebook tests:

- :func:`printout_mismatches` compares a printout with a notebook's *Expected Output* text: the text around
  the numbers must be the same (whitespace aside: numpy's line wrapping and padding changed between
  versions), and every number must be within a tolerance;
- :func:`signature_mismatches` compares a function's signature with the course's ``def`` line: the same
  positional parameters and defaults; anything added must be keyword-only with a default;
- :func:`run_cell` executes a notebook cell's text in a session's namespace and returns what it printed, and
  :func:`assert_printout` / :func:`assert_signature` raise ``AssertionError`` listing the differences.

Used by ``assignments.rnn_step_by_step.checks`` (``make rnn``), the dinosaur tests and ``make compare``.
"""
from __future__ import annotations

import ast
import contextlib
import copy
import inspect
import io
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

DEFAULT_RTOL = 1e-7
DEFAULT_ATOL = 1e-8
_BUILTINS = {f.__name__: f for f in (len, sorted, float, int, sum, abs, chr, list, tuple, min, max, round,
                                     __import__)}  # numpy's C code imports through the caller's builtins


@dataclass
class Replay:
    """What :func:`replay` did: the returned names, and the call's arguments after and before the call."""

    returns: dict[str, Any]
    args: list[Any]  # as passed (a function may have changed them in place)
    inputs: list[Any]  # deep copies taken just before the call


@dataclass(frozen=True)
class Expectation:
    """One expected value of a case."""

    expr: str
    value: Any
    rtol: float
    atol: float

    @property
    def exact(self) -> bool:
        """Compared with ``==`` (text, booleans, JSON integers) rather than ``np.allclose``."""
        return is_integral(self.value) or is_textual(self.value)

    @property
    def tolerance(self) -> str:
        return "exact" if self.exact else f"rtol {self.rtol:g}, atol {self.atol:g}"


def replay(case: Mapping, functions: Mapping[str, Callable], extra: Mapping[str, Any] | None = None) -> Replay:
    """Rebuild ``case``'s inputs in the course's draw order and call ``functions[case["function"]]``.

    ``extra`` adds names the case refers to without drawing them (e.g. ``char_to_ix``).
    """
    ns: dict[str, Any] = dict(extra or {})
    if case.get("seed") is not None:
        np.random.seed(case["seed"])
    for name, shape, *scale in case.get("draws", []):
        ns[name] = np.random.randn(*shape) * scale[0] if scale else np.random.randn(*shape)
    for name, shape in case.get("zeros", {}).items():
        ns[name] = np.zeros(shape)
    for dict_name, keys in case.get("dicts", {}).items():
        ns[dict_name] = {k: ns[k] for k in keys}

    def call(spec: Mapping) -> tuple[list, list]:
        args = [ns[a] if isinstance(a, str) else a for a in spec["args"]]
        inputs = copy.deepcopy(args)
        out = functions[spec["function"]](*args)
        names = spec["returns"]
        ns.update(zip(names, out) if len(names) > 1 else [(names[0], out)])
        return args, inputs

    if "forward" in case:
        call(case["forward"])
    for name, shape in case.get("later_draws", []):
        ns[name] = np.random.randn(*shape)
    args, inputs = call(case)
    return Replay({k: ns[k] for k in case["returns"]}, args, inputs)


def expectations(case: Mapping) -> list[Expectation]:
    """The case's expected values, each with its tolerance (the item's, else the case's, else 1e-7 / 1e-8)."""
    rtol, atol = case.get("rtol", DEFAULT_RTOL), case.get("atol", DEFAULT_ATOL)
    return [Expectation(item["expr"], item["value"], item.get("rtol", rtol), item.get("atol", atol))
            for item in case["expected"]]


def evaluate(expr: str, names: Mapping[str, Any]) -> Any:
    """``expr`` (from a reference file) over ``names``, with ``np`` and a few builtins in scope."""
    return eval(expr, {"np": np, "__builtins__": _BUILTINS}, dict(names))  # noqa: S307 -- committed fixture text


def is_integral(value) -> bool:
    """A JSON integer, or a (nested) list of them: shapes, lengths, indices."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, list):
        return bool(value) and all(is_integral(v) for v in value)
    return False


def is_textual(value) -> bool:
    """A string, a boolean, or a non-empty list of strings."""
    return isinstance(value, (str, bool)) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value))


def to_plain(value):
    """numpy arrays and scalars (and tuples) as plain Python lists and numbers, for comparison and display."""
    if isinstance(value, tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def compare(actual, expected, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL) -> tuple[bool, float | None]:
    """The schema's comparison rules; returns ``(ok, max_abs_error)`` (error None when not numeric)."""
    if is_textual(expected):
        return to_plain(actual) == expected, None
    if is_integral(expected):
        plain = to_plain(actual)
        try:
            err = float(np.max(np.abs(np.asarray(plain, dtype=float) - np.asarray(expected, dtype=float))))
        except (TypeError, ValueError):
            return False, None
        return plain == expected, err
    try:
        got = np.asarray(actual, dtype=float)
        want = np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return False, None
    if got.shape != want.shape:
        return False, None
    return bool(np.allclose(got, want, rtol=rtol, atol=atol)), float(np.max(np.abs(got - want))) if got.size else 0.0


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
