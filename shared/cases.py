"""Replaying a case of the committed reference values (``data/reference/step_by_step.json``, ``dinos.json``).

A case says how the course built a test's inputs and what it expected; ``data/reference/README.md`` describes the
schema and the comparison rules. :func:`replay` rebuilds the inputs and calls the implementation under test,
:func:`expectations` lists the expected values with their tolerances, :func:`evaluate` computes an expression over
the returned names, :func:`compare` applies the rules. Used by ``make rnn``, ``make compare`` and the tests.
"""
from __future__ import annotations

import copy
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
