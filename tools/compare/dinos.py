"""Dinosaur Island: the data block, the function cases and every published checkpoint of ``dinos.json``.

- the function cases (``get_initial_loss``, ``initialize_parameters``, ``clip``, ``sample``, ``optimize``) are
  replayed (seed, draws in order) with :mod:`shared.cases` and called on :mod:`assignments.dinos.course`;
- the course run, ``model(..., 22001)``, goes through the fast path (:func:`assignments.dinos.fast.model`,
  bit-identical to the course loop): the checkpoints 0-14000 are compared (names exactly, loss to the
  fixture's ``loss_atol``), and the 22000 line is shown beside the 2021 notebook's, not counted, because from
  about 16000 on the trajectory depends on the CPU's BLAS kernel.
"""
from __future__ import annotations

import sys
import time

from shared.paths import DATA_DIR

from .inputs import load_json
from .rows import Row, Section, info, same, within

KEY = "dinos"
TITLE = "Assignment 2: Dinosaur Island, character-level language model"
FIXTURE = "dinos.json"
REFERENCE_FILES = (FIXTURE,)  # what this section reads (for the run card)
DATA_FILES = ("dinos.txt",)
# Printed by the 2021 notebook (Dinosaurus_Island_Character_level_language_model.ipynb, section 3.2 - Training
# the Model, Expected Output; amanchadha/coursera-deep-learning-specialization@e9de0f4d). Machine-dependent:
# never counted, and deliberately not in dinos.json.
COURSE_22000 = {"iteration": 22000, "loss": "22.728886",
                "names": ["Onustreofkelus", "Llecagosaurus", "Mystolojmiaterltasaurus", "Ola", "Yuskeolongus",
                          "Eiacosaurus", "Trodonosaurus"]}


def prepare(context) -> dict:
    from assignments.dinos.data import load_names

    fixture = load_json(context.reference_dir, FIXTURE, "data/total_chars", "data/unique_chars", "data/chars",
                        "data/n_names", "cases", "model/settings/num_iterations", "model/checkpoints",
                        "model/loss_atol", "model/initial_loss", "model/iteration0/smoothed_loss",
                        "model/iteration0/raw_loss", "model/shuffled_first5", "model/shuffled_last")
    return {"fixture": fixture, "data": load_names(DATA_DIR / "dinos.txt"), "path": DATA_DIR / "dinos.txt"}


def case_rows(cases: list, char_to_ix: dict) -> list[Row]:
    """One row per expected value of every function case (``char_to_ix`` is the names file's)."""
    from assignments.dinos import course
    from assignments.rnn_step_by_step.checks import describe
    from shared.cases import compare, evaluate, expectations, replay

    rows = []
    for case in cases:
        function = getattr(course, case["function"], None)
        try:
            if function is None:
                raise LookupError(f"no function {case['function']} in assignments.dinos.course")
            returns, error = replay(case, {case["function"]: function}, {"char_to_ix": char_to_ix}).returns, None
        except Exception as exc:  # a broken implementation shows as failed rows, not a crash
            returns, error = {}, f"{type(exc).__name__}: {exc}"
        for item in expectations(case):
            ok, got = False, error
            if error is None:
                try:
                    actual = evaluate(item.expr, returns)
                    ok, err = compare(actual, item.value, item.rtol, item.atol)
                    got = describe(actual) + ("" if ok or err is None else f" (error {err:.1e}, {item.tolerance})")
                except Exception as exc:
                    got = f"{type(exc).__name__}: {exc}"
            rows.append(Row(f"{case['id']}: {item.expr}", describe(item.value), got, bool(ok)))
    return rows


def blas_kernel() -> str:
    """numpy's BLAS as threadpoolctl reports it, e.g. ``OpenBLAS 0.3.31, Haswell kernel``."""
    try:
        from threadpoolctl import threadpool_info

        blas = next(i for i in threadpool_info() if i.get("user_api") == "blas")
    except (ImportError, StopIteration):
        return "BLAS unknown"
    name = {"openblas": "OpenBLAS", "mkl": "MKL"}.get(blas.get("internal_api"), blas.get("internal_api"))
    version = ".".join(str(blas.get("version") or "").split(".")[:3])
    kernel = f", {blas['architecture']} kernel" if blas.get("architecture") else ""
    return f"{name} {version}{kernel}".strip()


def train(data, settings: dict, quiet: bool) -> tuple[dict[int, dict], list[float], str, float]:
    """The course run on the fast path: ({iteration: printed checkpoint}, smoothed losses, last name, seconds).

    numpy's BLAS runs on one thread meanwhile, as in ``make dinos`` (these products are tiny).
    """
    from tqdm import tqdm

    from assignments.dinos import fast
    from shared.run.backend import get_blas_threads, set_blas_threads

    iterations = int(settings["num_iterations"])
    records: list[dict] = []
    history: list[float] = []
    bar = None if quiet else tqdm(total=iterations, unit="it", desc="dinosaur run", file=sys.stderr,
                                  mininterval=0.5, leave=False, disable=None)  # None: no bar off a terminal
    threads = get_blas_threads()
    set_blas_threads(1)
    start = time.perf_counter()
    try:
        _, last = fast.model(list(data.names), data.ix_to_char, data.char_to_ix, iterations,
                             n_a=int(settings.get("n_a", 50)), dino_names=int(settings.get("dino_names", 7)),
                             vocab_size=int(settings.get("vocab_size", 27)),
                             learning_rate=float(settings.get("learning_rate", 0.01)), history=history,
                             checkpoints=records, progress=(lambda j: bar.update(1)) if bar is not None else None,
                             out=lambda line: None)
    finally:
        if threads:
            set_blas_threads(threads)
        if bar is not None:
            bar.close()
    return {r["iteration"]: r for r in records}, history, last, time.perf_counter() - start


def compare(prepared: dict, context) -> Section:
    import numpy as np

    from assignments.dinos import course

    fixture, data = prepared["fixture"], prepared["data"]
    block, model = fixture["data"], fixture["model"]
    section = Section(KEY, TITLE)
    rows = section.rows

    printed = (f"There are {block['total_chars']} total characters and {block['unique_chars']} unique "
               f"characters in your data.")
    rows += [same("data: the notebook's first printout", printed, data.summary()),
             same("data: vocabulary (sorted characters)", block["chars"], data.chars,
                  show=lambda c: "".join(c).replace("\n", "\\n")),
             same("data: names", block["n_names"], len(data.names))]
    rows += case_rows(fixture["cases"], data.char_to_ix)

    examples = list(data.names)  # the course's shuffle, as model() does it
    np.random.seed(0)
    np.random.shuffle(examples)
    rows += [same("model: shuffled names (np.random.seed(0)), first 5", model["shuffled_first5"], examples[:5],
                  show=", ".join),
             same("model: shuffled names, last", model["shuffled_last"], examples[-1]),
             within("model: initial loss get_initial_loss(27, 7)", model["initial_loss"],
                    course.get_initial_loss(27, 7), 1e-12, "{:.15f}")]

    checkpoints, history, last, seconds = train(data, model["settings"], context.quiet)
    raw0 = (history[0] - 0.999 * model["initial_loss"]) / 0.001
    rows += [within("iteration 0: smoothed loss", model["iteration0"]["smoothed_loss"], history[0], 1e-12, "{:.15f}"),
             within("iteration 0: loss of the first name", model["iteration0"]["raw_loss"], raw0, 1e-8, "{:.12f}")]
    atol = float(model["loss_atol"])
    for expected in model["checkpoints"]:
        j = int(expected["iteration"])
        record = checkpoints.get(j, {"loss": "missing", "names": []})
        loss, names = record["loss"], record["names"]
        try:
            rows.append(within(f"iteration {j}: loss", float(expected["loss"]), float(loss), atol))
        except ValueError:
            rows.append(Row(f"iteration {j}: loss", expected["loss"], loss, False))
        rows.append(same(f"iteration {j}: {len(expected['names'])} names", expected["names"], names, show=" ".join))

    kernel = blas_kernel()
    j = COURSE_22000["iteration"]
    if j in checkpoints:
        loss, names = checkpoints[j]["loss"], checkpoints[j]["names"]
        rows += [info(f"iteration {j}: loss … last name (machine-dependent, not counted)",
                      f"{COURSE_22000['loss']} … {COURSE_22000['names'][-1]}", f"{loss} … {names[-1] if names else '-'}"),
                 info(f"iteration {j}: names (machine-dependent, not counted)", " ".join(COURSE_22000["names"]),
                      " ".join(names))]
        section.notes.append(
            f"Iteration {j} is shown, not counted: from about 16000 on the training trajectory depends on the CPU's "
            f"BLAS kernel (the rounding of the matrix-vector products), and the published runs differ from each "
            f"other there. The 2021 notebook printed {COURSE_22000['loss']} … {COURSE_22000['names'][-1]} (its assert "
            f"last_name == 'Trodonosaurus\\n' fails on some machines); this machine ({kernel}) gives "
            f"{loss} … {names[-1] if names else '-'}.")
    section.notes.insert(0, (
        f"{FIXTURE}: the data block, {len(fixture['cases'])} function cases (replayed with the course's seeds and draws) "
        f"and the checkpoints {', '.join(str(c['iteration']) for c in model['checkpoints'])} of the course run "
        f"(names exactly, loss within loss_atol = {atol:g} of the printed value; these rows are the same on every "
        f"BLAS kernel tested). The run: {len(history)} iterations of the fast path, bit-identical to the course "
        f"loop, in {seconds:.1f} s with numpy's BLAS on one thread (last name {last.strip()})."))
    return section
