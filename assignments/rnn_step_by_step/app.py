"""The body of ``python -m assignments.rnn_step_by_step`` (``make rnn``): every check, printed as tables.

    python -m assignments.rnn_step_by_step                    # every check; exit 1 if any fails
    python -m assignments.rnn_step_by_step --quiet            # only the summary (and any failure)
    python -m assignments.rnn_step_by_step --no-keras         # skip the Keras checks (no TensorFlow import)
    python -m assignments.rnn_step_by_step --reference DIR    # fixture folder (default: data/reference, or $REFERENCE_DIR)

The course notebook printed values for a learner to compare by eye; here every expected value
of the course's tests (``step_by_step.json``: 8 cases, 89 values) is compared with its
tolerance, next to gradient checks and Keras-parity checks. Every row (``checks.json``) and the run card go to
``output/rnn_step_by_step/`` as one set (:class:`shared.run.outputs.OutputSet`: written last, all or nothing).
"""
from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Sequence

from shared.run.cli import ArgumentParser, bounded_int, output_dir, positive_float, seed_int
from shared.run.outputs import OutputSet
from shared.paths import OUTPUT_DIR, reference_dir
from shared.table import format_table

from .checks import FIXTURE, Check, CheckConfig, fast_checks, gradient_checks, keras_checks, load_reference, \
    reference_checks

GROUPS = {
    "reference": "course reference values (step_by_step.json)",
    "fast": "fast LSTM passes against the course passes and the reference values",
    "gradient": "finite differences (float64) against every backward function",
    "keras": "Keras layers (float64) with mapped weights against numpy",
}


def _error(value: float | None) -> str:
    return "-" if value is None else f"{value:.1e}"


def format_group(group: str, rows: Sequence[Check]) -> str:
    """The table of one check group."""
    headers = ["case", "check", "expected", "got", "error", "tolerance", "ok"]
    body = [(r.case, r.name, r.expected, r.got, _error(r.error), r.tolerance, r.ok) for r in rows]
    return f"== {group}: {GROUPS[group]}\n" + format_table(headers, body)


def summary(rows: Sequence[Check]) -> list[str]:
    lines = []
    for group in GROUPS:
        part = [r for r in rows if r.group == group]
        if part:
            passed = sum(r.ok for r in part)
            lines.append(f"{group:<10} {passed:>3}/{len(part):<3} ok")
    failed = [r for r in rows if not r.ok]
    lines.append(f"all {len(rows)} checks passed" if not failed else f"{len(failed)} of {len(rows)} checks FAILED")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    defaults = CheckConfig()
    parser = ArgumentParser(prog="python -m assignments.rnn_step_by_step",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path, default=None,
                        help=f"folder holding {FIXTURE} (default: data/reference, or $REFERENCE_DIR)")
    parser.add_argument("--seed", type=seed_int, default=defaults.seed,
                        help="seed of the random problems of the gradient/Keras/fast checks (default %(default)s)")
    parser.add_argument("--m", type=bounded_int(1, 10_000), default=defaults.m, help="batch size of those problems")
    parser.add_argument("--T-x", dest="T_x", type=bounded_int(2, 10_000), default=defaults.T_x,
                        help="time steps of those problems (at least 2: the backward checks use one step fewer "
                             "than the forward pass)")
    parser.add_argument("--eps", type=positive_float, default=defaults.eps, help="finite-difference step")
    parser.add_argument("--no-keras", action="store_true", help="skip the Keras checks")
    parser.add_argument("--out", type=output_dir, default=OUTPUT_DIR / "rnn_step_by_step",
                        help="folder for run_card.json and checks.json (default %(default)s)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only failures and the summary")
    args = parser.parse_args(argv)

    reference = Path(args.reference or reference_dir())
    fixture = load_reference(reference)
    cfg = CheckConfig(seed=args.seed, m=args.m, T_x=args.T_x, eps=args.eps)
    command = "python -m assignments.rnn_step_by_step " + " ".join(argv if argv is not None else sys.argv[1:])
    settings = {**asdict(cfg), "keras": not args.no_keras, "reference": str(reference)}
    with OutputSet(args.out, command=command.strip(), seed=cfg.seed, settings=settings,
                   data_files=[reference / FIXTURE]) as outputs:
        failed = _run_checks(args, cfg, fixture, outputs)
    return 1 if failed else 0  # after the commit: a failing check still leaves a complete set


def _run_checks(args, cfg: CheckConfig, fixture, outputs: OutputSet) -> list[Check]:
    if not args.quiet:
        print("config: " + ", ".join(f"{k}={v}" for k, v in asdict(cfg).items()) + f", keras={not args.no_keras}")

    rows: list[Check] = []
    steps = [("reference", lambda: reference_checks(fixture)), ("fast", lambda: fast_checks(cfg, fixture)),
             ("gradient", lambda: gradient_checks(cfg))]
    if not args.no_keras:
        steps.append(("keras", lambda: keras_checks(cfg)))
    for group, make in steps:
        part = make()
        rows += part
        shown = part if not args.quiet else [r for r in part if not r.ok]
        if shown:
            print(format_group(group, shown) + "\n", flush=True)

    lines = summary(rows)
    print("\n".join(lines))
    failed = [r for r in rows if not r.ok]
    results = {group: {"checks": sum(r.group == group for r in rows), "passed": sum(r.ok for r in rows if r.group == group)}
               for group in GROUPS if any(r.group == group for r in rows)}
    results["failed"] = [f"{r.group}: {r.case}: {r.name}" for r in failed]
    outputs.write_text("checks.json", json.dumps([r.as_dict() for r in rows], indent=1) + "\n")
    outputs.results.update(results)
    return failed
