"""The Shakespeare section: the poem (``poem.txt``) with its prompt marked, and the run's settings."""
from __future__ import annotations

from .html import el, join, note, number
from .inputs import Inputs
from .section import Section, figure, files_list, not_run, run_card, settings

FOLDER = "shakespeare"


def build(inputs: Inputs) -> Section:
    title = "Writing like Shakespeare (assignment 2)"
    if not (inputs.exists(f"{FOLDER}/poem.txt") or inputs.exists(f"{FOLDER}/run_card.json")):
        return not_run("shakespeare", title, "make shakespeare", "The Shakespeare run (output/shakespeare/)")
    card, s, r = run_card(inputs, FOLDER)
    poem = inputs.text(f"{FOLDER}/poem.txt")
    prompt = s.get("prompt") if isinstance(s.get("prompt"), str) else ""
    body = []
    if poem is None:
        body.append(note("poem.txt could not be used (see the warning above)." if inputs.exists(f"{FOLDER}/poem.txt")
                         else "poem.txt was not written by this run."))
    else:
        poem = poem.rstrip("\n")
        written = len(poem) - len(prompt) if prompt and poem.startswith(prompt) else len(poem)
        if prompt and poem.startswith(prompt):
            text = join([el("strong", prompt, class_="prompt"), el("span", poem[len(prompt):])])
        else:
            text = el("span", poem)
        body.append(el("figure", el("pre", text, class_="poem"),
                       el("figcaption", "The prompt in bold, then " +
                          (f"{r['generated_characters']} characters" if "generated_characters" in r else "the text") +
                          " written by the model named below."), class_="poem-figure"))
    body.append(settings([
        ("prompt", el("code", prompt) if prompt else None), ("seed", card.get("seed", s.get("seed"))),
        ("temperature", s.get("temperature")), ("mode", s.get("mode")), ("length", s.get("length")),
        ("model", r.get("model")), ("training epochs", s.get("train_epochs") or None),
        ("speed", f"{number(r['characters_per_second'], 1)} characters/s" if "characters_per_second" in r else None),
        ("run created", card.get("created"))]))
    if inputs.exists(f"{FOLDER}/loss.png"):
        body.append(figure(inputs, f"{FOLDER}/loss.png", "Training loss of the Shakespeare LSTM against the epoch.",
                           "Training loss (cross-entropy, nats per character) of the extra epochs.", "The loss curve"))
    body.append(files_list(inputs, [(f"{FOLDER}/poem.txt", "the poem"),
                                    (f"{FOLDER}/run_card.json", "the run card")]))
    return Section("shakespeare", title, "make shakespeare", True, join(body),
                   f"{written} characters" if poem else "run found")  # as the run says: the prompt not counted
