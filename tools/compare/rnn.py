"""Assignment 1 (RNN step by step): every expected value of ``step_by_step.json`` and the gradient checks.

The rows come from :mod:`assignments.rnn_step_by_step.checks`, the same logic as ``make rnn`` (numpy only).
"""
from __future__ import annotations

from .rows import Row, Section

KEY = "rnn_step_by_step"
TITLE = "Assignment 1: Building a Recurrent Neural Network, step by step"
FIXTURE = "step_by_step.json"
REFERENCE_FILES = (FIXTURE,)  # what this section reads (for the run card)
DATA_FILES = ()


def prepare(context) -> dict:
    from assignments.rnn_step_by_step.checks import load_reference

    return load_reference(context.reference_dir)


def compare(fixture: dict, context) -> Section:
    from assignments.rnn_step_by_step.checks import CheckConfig, gradient_checks, reference_checks

    section = Section(KEY, TITLE)
    reference = reference_checks(fixture)
    for check in reference:
        got = check.got
        if not check.ok and check.error is not None:
            got += f" (error {check.error:.1e}, {check.tolerance})"
        section.rows.append(Row(f"{check.case}: {check.name}", check.expected, got, bool(check.ok)))
    config = CheckConfig()
    gradients = gradient_checks(config)
    for check in gradients:
        got = "-" if check.error is None else f"{check.error:.1e}"
        section.rows.append(Row(f"finite differences: {check.case} {check.name}",
                                check.tolerance.replace("rel", "relative error"), got, bool(check.ok)))

    tolerances = sorted({c.tolerance for c in reference if c.tolerance != "exact"})
    errors = [c.error for c in reference if c.error is not None]
    worst = [c.error for c in gradients if c.error is not None]
    section.notes += [
        f"{len(reference)} expected values of the {len(fixture['cases'])} cases in {FIXTURE} (the notebook's "
        f"'Expected Output' cells), each case rebuilt with the course's seed and draw order; tolerances: "
        f"{'; '.join(tolerances)} for numbers, shapes, lengths and indices exactly. Largest error "
        f"{max(errors, default=0.0):.1e}: the notebook printed 8 decimals.",
        f"{len(gradients)} finite-difference checks (central differences, eps {config.eps:g}, float64) of every "
        f"gradient the backward passes return, inputs and initial states included; relative error "
        f"||g - n|| / (||g|| + ||n||) below {config.grad_tol:g} (largest {max(worst, default=0.0):.1e}). They are "
        f"counted with the reference values: the notebook's backward section is optional and ungraded, and this "
        f"checks every backward pass against its forward pass.",
    ]
    return section
