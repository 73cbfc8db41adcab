"""The command line of :mod:`assignments.compare` (``make compare``): ``python -m assignments.compare --help``.

Nothing heavy is imported here: the body (:mod:`.app`) is imported inside :func:`shared.cli.run`, so a Ctrl-C
or SIGTERM while numpy, TensorFlow or music21 load ends in the one line ``error: interrupted`` too.
"""
from shared.cli import exit_now, run_module


def main(argv=None):
    from .app import main as app_main

    return app_main(argv)


if __name__ == "__main__":
    exit_now(run_module("assignments.compare.app"))
