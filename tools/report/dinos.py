"""The Dinosaur Island section: the sampled names marked real / new (``names.txt``), the loss curve, and each
printed checkpoint of this run beside the course's published one (``data/reference/dinos.json``).

The checkpoints come from ``checkpoints.json`` when the run wrote one; older runs only have the notebook
printout in their run card (``results.checkpoint_printout``), which is parsed instead. A checkpoint
matches when its names are identical and its loss is within the reference's ``loss_atol``.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from shared.paths import display_path, reference_dir

from .html import Html, el, join, note, number, status, table
from .inputs import Inputs, as_dict, as_list
from .section import Section, figure, files_list, not_run, run_card, settings

FOLDER = "dinos"
COURSE_SETTINGS = {"model": "numpy", "seed": 0, "n_a": 50, "learning_rate": 0.01, "dino_names": 7}
_CHECKPOINT = re.compile(r"^Iteration: (\d+), Loss: ([-+0-9.eE]+|nan|inf)\s*$")


def read_names(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """``names.txt`` as written by ``assignments.dinos``: ``# `` header lines, then ``Name   label`` lines."""
    header, names = [], []
    for line in text.splitlines():
        if line.startswith("#"):
            header.append(line.lstrip("# ").strip())
        elif line.strip():
            name, label = (re.split(r"\s{2,}", line.strip(), maxsplit=1) + [""])[:2]
            names.append((name, label.strip()))
    return header, names


def parse_printout(text: str) -> list[dict]:
    """The notebook printout (``Iteration: j, Loss: x`` then the names) as checkpoint dicts."""
    checkpoints: list[dict] = []
    for line in text.splitlines():
        match = _CHECKPOINT.match(line.strip())
        if match:
            checkpoints.append({"iteration": int(match[1]), "loss": float(match[2]), "names": []})
        elif line.strip() and checkpoints:
            checkpoints[-1]["names"].append(line.strip())
    return checkpoints


def _checkpoints(inputs: Inputs, card: dict) -> tuple[list[dict], str | None]:
    """This run's checkpoints and where they were read from (None when the run recorded none)."""
    relative = f"{FOLDER}/checkpoints.json"
    if inputs.exists(relative):
        data = inputs.json(relative, kind=(dict, list))
        rows = as_list(as_dict(data).get("checkpoints") if isinstance(data, dict) else data)
        return [r for r in rows if isinstance(r, dict)], "checkpoints.json"
    printout = as_dict(card.get("results")).get("checkpoint_printout")
    if isinstance(printout, str) and printout.strip():
        return parse_printout(printout), "the run card's printout"
    return [], None


def course_reference(inputs: Inputs) -> dict:
    """``model`` of the course's ``dinos.json`` (checkpoints, loss_atol); empty with a warning if unreadable."""
    path = Path(reference_dir()) / "dinos.json"
    try:
        model = as_dict(json.loads(path.read_text(encoding="utf-8")).get("model"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError) as exc:
        inputs.warnings.append(f"{display_path(path)}: the course's checkpoints could not be read ({exc})")
        return {}
    return model


def _loss(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _printed(loss: float | None) -> str:
    """A loss as the notebook prints it (``%f``)."""
    return "–" if loss is None else f"{loss:f}"


def _names_cell(names: list) -> Html:
    return el("span", " · ".join(str(n) for n in names), class_="names-inline") if names else Html("–")


def checkpoint_table(run: list[dict], course: dict, comparable: bool) -> Html:
    """One row per iteration printed by the run or the course: losses, names, and whether they match."""
    tolerance = _loss(course.get("loss_atol")) or 1e-5
    published = {c.get("iteration"): c for c in as_list(course.get("checkpoints")) if isinstance(c, dict)}
    ours = {c.get("iteration"): c for c in run}
    rows = []
    for iteration in sorted(set(ours) | set(published), key=lambda i: (not isinstance(i, int), i)):
        mine, theirs = as_dict(ours.get(iteration)), as_dict(published.get(iteration))
        loss, course_loss = _loss(mine.get("loss")), _loss(theirs.get("loss"))
        ok = None
        if mine and theirs and comparable:
            seen = [course_loss] + [_loss(v) for v in as_list(theirs.get("loss_also_seen"))]
            close = loss is not None and any(v is not None and abs(loss - v) <= tolerance for v in seen)
            ok = close and list(mine.get("names") or []) == list(theirs.get("names") or [])
        rows.append([str(iteration), _printed(loss), _printed(course_loss),
                     _names_cell(as_list(mine.get("names"))), _names_cell(as_list(theirs.get("names"))),
                     status(ok, "same", "differs", "not published" if mine and not theirs else
                            "not run" if not mine else "not compared")])
    return table(f"Checkpoints: this run beside the course's (match = same names and loss within {tolerance:g})",
                 ["iteration", "loss (this run)", "loss (course)", "names (this run)", "names (course)", "match"],
                 rows, numeric=(1, 2), id_="dinos-checkpoints")


def _names(inputs: Inputs, relative: str, id_: str) -> Html:
    text = inputs.text(relative)
    if text is None:
        return note("names.txt could not be used (see the warning above)." if inputs.exists(relative)
                    else "names.txt was not written by this run.")
    header, names = read_names(text)
    items = [el("li", el("span", name, class_="name"), " ",
                el("span", label or "?", class_="tag " + {"new": "tag-new", "empty": "tag-empty"}.get(label, "tag-known")))
             for name, label in names]
    return join([el("p", " — ".join(header), class_="lead"), el("ul", *items, class_="names", id=id_)])


def build(inputs: Inputs) -> Section:
    title = "Dinosaur Island (assignment 2)"
    known = ["names.txt", "run_card.json", "loss.png", "checkpoints.json", "keras_names.txt"]
    if not any(inputs.exists(f"{FOLDER}/{f}") for f in known):
        return not_run("dinos", title, "make dinos", "The dinosaur run (output/dinos/)")
    card, s, r = run_card(inputs, FOLDER)
    body = [el("h3", "Generated names"), _names(inputs, f"{FOLDER}/names.txt", "dinos-names"),
            settings([("model", s.get("model") and f"{s['model']} ({s.get('impl', '')})".replace(" ()", "")),
                      ("iterations", s.get("iterations")), ("seed", card.get("seed", s.get("seed"))),
                      ("temperature", s.get("temperature")), ("top-k", (s.get("top_k") or "off") if s else None),
                      ("final smoothed loss", number(r.get("final_smoothed_loss"), 6) if "final_smoothed_loss" in r
                       else None),
                      ("bits per character (training names)", number(r.get("train_bits_per_char"), 4)
                       if "train_bits_per_char" in r else None),
                      ("training time", f"{number(r['training_wall_time_s'], 1)} s" if "training_wall_time_s" in r
                       else None),
                      ("run created", card.get("created"))]),
            el("h3", "Loss curve"),
            figure(inputs, f"{FOLDER}/loss.png", "Smoothed training loss of the dinosaur-name RNN against the "
                   "iteration" + (f", ending at {number(r['final_smoothed_loss'])}." if "final_smoothed_loss" in r
                                  else "."),
                   "Smoothed loss (nats per name) over the training iterations.", "The loss curve"),
            el("h3", "Checkpoints beside the course's")]
    run, source = _checkpoints(inputs, card)
    course = course_reference(inputs)
    comparable = all(s.get(k) == v for k, v in COURSE_SETTINGS.items()) and \
        str(s.get("data", "dinos.txt")).replace("\\", "/").endswith("dinos.txt")
    if source is None:
        body.append(note("This run recorded no checkpoints (a current make dinos writes checkpoints.json); "
                         "the course's are shown alone."))
    else:
        body.append(note(f"This run's checkpoints are read from {source}."))
    if not comparable and source is not None:
        changed = ", ".join(f"{k} {s.get(k)!r} (course {v!r})" for k, v in COURSE_SETTINGS.items() if s.get(k) != v)
        body.append(note(f"This run's settings differ from the course's ({changed or 'another names file'}), "
                         "so its checkpoints are not compared."))
    if run or course.get("checkpoints"):
        body.append(checkpoint_table(run, course, comparable))
    if course.get("checkpoints"):
        body.append(note("The course's checkpoints stop at 14000: from about 16000 on the digits depend on the "
                         "CPU's BLAS build, so later rows are not published.", "hint-line"))
    if inputs.exists(f"{FOLDER}/keras_names.txt"):
        _, ks, kr = run_card(inputs, FOLDER, "keras_run_card.json")
        body += [el("h3", "Keras char-LM"),
                 settings([("cell", ks.get("cell")),
                           ("networks averaged", None if ks.get("members") is None else str(ks["members"])),
                           ("held-out bits per character", number(kr.get("held_out_bits_per_char"), 4)
                            if "held_out_bits_per_char" in kr else None)]),
                 _names(inputs, f"{FOLDER}/keras_names.txt", "dinos-keras-names"),
                 figure(inputs, f"{FOLDER}/keras_loss.png", "Training and held-out bits per character of the Keras "
                        "char-LM against the epoch.", "Keras char-LM: training and held-out loss per epoch.",
                        "The Keras loss curve")]
    body += [el("h3", "Files"),
             files_list(inputs, [(f"{FOLDER}/names.txt", "the sampled names"),
                                 (f"{FOLDER}/checkpoints.json", "every printed checkpoint"),
                                 (f"{FOLDER}/run_card.json", "the run card: command, settings, versions, data hashes"),
                                 (f"{FOLDER}/parameters.npz", "the trained parameters")])]
    counted = sum(1 for row in run if row)
    return Section("dinos", title, "make dinos", True, join(body),
                   f"{counted} checkpoints" if counted else "run found")
