"""``python -m assignments.rnn_step_by_step`` (``make rnn``): every check of assignment 1, printed as tables.

Read :func:`main` top-down: settings -> data (the course's expected values) -> checks -> write. The maths is one
hop away: :mod:`.checks` (each check group as rows) over the course's functions in :mod:`.cells`,
:mod:`.sequences` and :mod:`.backward`, the GRU (:mod:`.gru`), the fast LSTM (:mod:`.fast`) and the Keras weight
maps (:mod:`.keras_weights`).
"""
if __name__ == "__main__":  # first: a Ctrl-C while numpy or TensorFlow loads is one quiet line
    from shared.run import start

    start("assignments.rnn_step_by_step.__main__")  # imports this module inside the run, calls main, ends

import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

from shared.paths import OUTPUT_DIR, reference_dir
from shared.run.cli import bounded_int, config_parser, output_dir, parse_config, positive_float, seed_int
from shared.run.outputs import OutputSet
from shared.table import format_table

from .checks import FIXTURE, GROUPS, Check, CheckConfig, fast_checks, gradient_checks, keras_checks, load_reference, \
    reference_checks

COMMAND = "python -m assignments.rnn_step_by_step"
DESCRIPTION = """Every check of assignment 1, printed as tables; exit status 1 if any fails.

The course notebook printed values for a learner to compare by eye; here every expected value of the course's
tests (step_by_step.json: 8 cases, 89 values) is compared with its tolerance, next to finite-difference
gradient checks, Keras-parity checks and the fast LSTM against the course's. Every row (checks.json) and the
run card go to --out as one set."""


@dataclass
class Settings:
    """The options of the command; the sizes of the random problems default to :class:`.checks.CheckConfig`'s."""

    reference: Path | None = field(default=None, metadata={
        "help": f"folder holding {FIXTURE} (None: data/reference, or $REFERENCE_DIR)"})
    seed: int = field(default=CheckConfig.seed, metadata={
        "help": "seed of the random problems of the gradient/Keras/fast checks", "type": seed_int})
    m: int = field(default=CheckConfig.m, metadata={"help": "batch size of those problems",
                                                     "type": bounded_int(1, 10_000)})
    T_x: int = field(default=CheckConfig.T_x, metadata={
        "help": "time steps of those problems (at least 2: the backward checks use one step fewer than the "
                "forward pass)", "type": bounded_int(2, 10_000)})
    eps: float = field(default=CheckConfig.eps, metadata={"help": "finite-difference step", "type": positive_float})
    no_keras: bool = field(default=False, metadata={"help": "skip the Keras checks"})
    out: Path = field(default=OUTPUT_DIR / "rnn_step_by_step", metadata={
        "help": "folder for run_card.json and checks.json", "type": output_dir})
    quiet: bool = field(default=False, metadata={"help": "print only failures and the summary", "short": "-q"})


def main(argv: Sequence[str] | None = None) -> int:
    # settings
    settings = parse_config(Settings, config_parser(Settings, COMMAND, DESCRIPTION), argv)
    cfg = CheckConfig(seed=settings.seed, m=settings.m, T_x=settings.T_x, eps=settings.eps)

    # data: the course's expected values (one line if the file is missing or damaged)
    reference = Path(settings.reference or reference_dir())
    fixture = load_reference(reference)

    command = f"{COMMAND} " + " ".join(argv if argv is not None else sys.argv[1:])
    card_settings = {**asdict(cfg), "keras": not settings.no_keras, "reference": str(reference)}
    with OutputSet(settings.out, command=command.strip(), seed=cfg.seed, settings=card_settings,
                   data_files=[reference / FIXTURE]) as outputs:
        if not settings.quiet:
            shown = ", ".join(f"{k}={v}" for k, v in asdict(cfg).items())
            print(f"config: {shown}, keras={not settings.no_keras}")

        # checks: each group printed as it is done
        steps = [("reference", lambda: reference_checks(fixture)), ("fast", lambda: fast_checks(cfg, fixture)),
                 ("gradient", lambda: gradient_checks(cfg))]
        if not settings.no_keras:
            steps.append(("keras", lambda: keras_checks(cfg)))
        rows: list[Check] = []
        for group, make in steps:
            part = make()
            rows += part
            shown = part if not settings.quiet else [r for r in part if not r.ok]
            if shown:
                print(format_group(group, shown) + "\n", flush=True)
        print("\n".join(summary(rows)))

        # write: every row, and the counts for the run card
        failed = [r for r in rows if not r.ok]
        results = {group: {"checks": sum(r.group == group for r in rows),
                           "passed": sum(r.ok for r in rows if r.group == group)}
                   for group in GROUPS if any(r.group == group for r in rows)}
        results["failed"] = [f"{r.group}: {r.case}: {r.name}" for r in failed]
        outputs.write_text("checks.json", json.dumps([r.as_dict() for r in rows], indent=1) + "\n")
        outputs.results.update(results)
    return 1 if failed else 0  # after the commit: a failing check still leaves a complete set


def format_group(group: str, rows: Sequence[Check]) -> str:
    """The table of one check group."""
    headers = ["case", "check", "expected", "got", "error", "tolerance", "ok"]
    body = [(r.case, r.name, r.expected, r.got, "-" if r.error is None else f"{r.error:.1e}", r.tolerance, r.ok)
            for r in rows]
    return f"== {group}: {GROUPS[group]}\n" + format_table(headers, body)


def summary(rows: Sequence[Check]) -> list[str]:
    """``group passed/total ok`` per group, then the verdict."""
    lines = []
    for group in GROUPS:
        part = [r for r in rows if r.group == group]
        if part:
            lines.append(f"{group:<10} {sum(r.ok for r in part):>3}/{len(part):<3} ok")
    failed = [r for r in rows if not r.ok]
    lines.append(f"all {len(rows)} checks passed" if not failed else f"{len(failed)} of {len(rows)} checks FAILED")
    return lines
