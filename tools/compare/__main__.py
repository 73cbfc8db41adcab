"""The command line of :mod:`tools.compare` (``make compare``): ``python -m tools.compare --help``.

Nothing heavy is imported here: the body (:mod:`.app`) is imported inside :func:`shared.run.cli.run`, so a Ctrl-C
or SIGTERM while numpy, TensorFlow or music21 load ends in the one line ``error: interrupted`` too.
"""
from shared.run import start


def main(argv=None):
    from .app import main as app_main

    return app_main(argv)


if __name__ == "__main__":
    start("tools.compare.app")
