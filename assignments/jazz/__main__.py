"""Train the jazz LSTM on a MIDI solo and improvise a new one: MIDI, WAV, piano roll, metrics, run card.

    python -m assignments.jazz                                  # the course run: Metheny, 100 epochs
    python -m assignments.jazz --greedy                         # the course's argmax decoding
    python -m assignments.jazz --load output/jazz/model.keras --temperature 0.8 --top-k 5
    python -m assignments.jazz --midi tune.mid --melody-part Flute --chord-parts Piano Bass --window 0 32

What the 2021 notebook does, end to end: build the corpus (``load_music_utils``), train ``djmodel``
for 100 epochs (here through the fused model with the same weights and loss), decode 50 values per
chunk and turn them into notes over chord groups 1..5 (``generate_music``), write
``my_music.midi`` at 130 bpm. Beyond it: a seed for every random choice, sampling with temperature /
top-k (``--greedy`` restores the course's argmax), saved models, WAVs of the solo, of the course's own
solo and of the original excerpt, a piano roll, a metrics report and a run card, all under ``--out``
(default ``output/jazz``). The steps are in :mod:`~assignments.jazz.pipeline`.
"""
from __future__ import annotations

from shared.run import start


def build_parser():
    from .app import build_parser as app_parser

    return app_parser()


def main(argv=None) -> int:
    from .app import main as app_main  # the body, imported inside shared.run.cli.run (a Ctrl-C there is one line)

    return app_main(argv)


if __name__ == "__main__":
    start("assignments.jazz.app")
