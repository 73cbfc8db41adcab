"""Benchmark of Shakespeare generation: the course's loop, a compiled window, and the stateful stepper.

    python -m bench.bench_shakespeare            # table on stdout, output/bench/shakespeare.json

Measures, on the course's pretrained model:

* generation speed in characters per second: the course's ``model.predict`` on the 40-character
  window per character, the same window through a compiled ``tf.function``, and
  :class:`~assignments.dinos.shakespeare.step.LstmStepper` (one LSTM step per character, numpy);
* teacher-forced cross-entropy (nats/char) of stretches of the sonnets, each character predicted
  from its 40-character window (the course) and from the carried state (stateful), beside the
  unigram entropy of the text; and the same windowed number with Keras 3's own ``hard_sigmoid``
  (what plain ``keras.models.load_model`` gives), to show what the silent change does.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from bench.common import median, time_calls, write_results
from shared.run.cli import ArgumentParser, positive_int
from shared.run import start
from shared.run import UserError
from shared.paths import DATA_DIR
from shared.table import format_table

from assignments.dinos.shakespeare.config import PRETRAINED as _PRETRAINED_NAME

PRETRAINED = DATA_DIR / _PRETRAINED_NAME


def windowed_cross_entropy(model, indices: list[int], start: int, Tx: int, n_x: int) -> float:
    """Mean -log p(c_t | last Tx characters) for t in [start, len(indices))."""
    from assignments.dinos.shakespeare.sample import window_input

    x = np.concatenate([window_input(indices[:t], Tx, n_x) for t in range(start, len(indices))])  # (N, Tx, n_x)
    probs = model.predict(x, batch_size=512, verbose=0)  # (N, n_x)
    targets = np.array(indices[start:])
    return float(-np.mean(np.log(probs[np.arange(len(targets)), targets])))


def stateful_cross_entropy(stepper, indices: list[int], start: int) -> float:
    """Mean -log p(c_t | all earlier characters, state carried) for t in [start, len(indices))."""
    probs = stepper.prime([])
    losses = []
    for t, index in enumerate(indices):
        if t >= start:
            losses.append(-np.log(probs[index]))
        probs = stepper.step(index)
    return float(np.mean(losses))


def main(argv: Sequence[str] | None = None) -> int:

    p = ArgumentParser(prog="python -m bench.bench_shakespeare", description=__doc__.split("\n\n")[0])
    p.add_argument("--chars", type=positive_int, default=1000, help="characters scored per stretch")
    p.add_argument("--stretches", type=positive_int, default=4, help="stretches, evenly spread over the text")
    p.add_argument("--repeats", type=positive_int, default=3)
    a = p.parse_args(argv)
    if not PRETRAINED.is_file():
        raise UserError(f"pretrained model not found: {PRETRAINED} (run 'make data')")

    import keras

    from assignments.dinos.shakespeare.data import Vocabulary, load_corpus
    from assignments.dinos.shakespeare.model import load_course_model
    from assignments.dinos.shakespeare.sample import WindowPredictor, window_input
    from assignments.dinos.shakespeare.step import LstmStepper

    text = load_corpus(DATA_DIR / "shakespeare.txt")
    vocab = Vocabulary.from_text(text)
    model = load_course_model(PRETRAINED)
    Tx, n_x = 40, vocab.size
    prompt = vocab.encode("forsooth this maketh no sense ")

    # ---- speed: seconds per generated character (sampling cost excluded: the argmax is fed back)
    def course_loop(n):
        context = list(prompt)
        for _ in range(n):
            context.append(int(model.predict(window_input(context, Tx, n_x), verbose=0)[0].argmax()))

    window = WindowPredictor(model)

    def compiled_window(n):
        context = list(prompt)
        for _ in range(n):
            context.append(int(window(context).argmax()))

    stepper = LstmStepper(model)

    def stateful(n):
        probs = stepper.prime(prompt)
        for _ in range(n):
            probs = stepper.step(int(probs.argmax()))

    speed = {}
    for name, fn, n in (("course: model.predict per character", course_loop, 20),
                        ("compiled window (tf.function)", compiled_window, 100),
                        ("stateful stepper (numpy)", stateful, 400)):
        seconds = median(time_calls(lambda: fn(n), repeats=a.repeats, warmup=1)) / n
        speed[name] = {"seconds_per_char": seconds, "chars_per_second": 1 / seconds}
    base = speed["course: model.predict per character"]["seconds_per_char"]

    # ---- quality: teacher-forced cross-entropy on stretches spread over the sonnets
    plain = keras.models.load_model(PRETRAINED, compile=False)  # Keras 3 hard_sigmoid
    offsets = [int(o) for o in np.linspace(0, len(text) - a.chars - Tx - 1, a.stretches)]
    scores = {"windowed (course)": [], "stateful": [], "windowed, Keras 3 hard_sigmoid": []}
    for offset in offsets:
        stretch = vocab.encode(text[offset: offset + a.chars + Tx])
        scores["windowed (course)"].append(windowed_cross_entropy(model, stretch, Tx, Tx, n_x))
        scores["stateful"].append(stateful_cross_entropy(stepper, stretch, Tx))
        scores["windowed, Keras 3 hard_sigmoid"].append(windowed_cross_entropy(plain, stretch, Tx, Tx, n_x))
    quality = {name: float(np.mean(values)) for name, values in scores.items()}
    counts = np.bincount(vocab.encode(text), minlength=n_x) / len(text)
    quality["unigram entropy of the text"] = float(-(counts[counts > 0] * np.log(counts[counts > 0])).sum())

    rows = [[name, f"{v['seconds_per_char'] * 1e3:.3f}", f"{v['chars_per_second']:.0f}",
             f"{base / v['seconds_per_char']:.0f}x"] for name, v in speed.items()]
    print(format_table(["generation", "ms/char", "chars/s", "speed-up"], rows))
    print()
    print(format_table([f"cross-entropy, {a.stretches} x {a.chars} characters of the sonnets", "nats/char"],
                       [[k, f"{v:.4f}"] for k, v in quality.items()]))
    path = write_results("shakespeare", {"speed": speed, "cross_entropy_nats_per_char": quality,
                                         "scored_characters_per_stretch": a.chars, "stretch_offsets": offsets,
                                         "per_stretch": scores, "repeats": a.repeats})
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    start(main)
