"""``python -m assignments.dinos`` (``make dinos``): train a dinosaur-name model, print and save what it learned.

The body is :mod:`assignments.dinos.app`, imported inside :func:`shared.run.cli.run_module` so that a Ctrl-C or
SIGTERM while numpy or TensorFlow loads is the one line ``error: interrupted``. Default: the course run,
exactly (the numpy RNN, 22001 iterations, the notebook's printout); ``--data FILE`` trains on any UTF-8
names file; ``--model keras`` trains the Keras char-LM on a fixed held-out split.

``--seed`` (numpy): seed 0 is the course's seeds (initialisation 1, shuffle 0, checkpoint names 0..6);
seed s uses s + 1, s and s..s+6. Sampling after training uses ``np.random.default_rng(seed)``.
"""
from shared.run.cli import run_module
from shared.run import start


def main(argv=None):
    from .app import main as app_main

    return app_main(argv)


def build_parser():
    from .app import build_parser as app_build_parser

    return app_build_parser()


if __name__ == "__main__":
    start("assignments.dinos.app")
