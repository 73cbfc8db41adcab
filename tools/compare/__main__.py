"""The command line of :mod:`tools.compare` (``make compare``): ``python -m tools.compare --help``.
The body (:mod:`.app`) is imported inside the run, so a Ctrl-C while numpy or TensorFlow load is one quiet line.
"""
from shared.run import start


def main(argv=None):
    from .app import main as app_main

    return app_main(argv)


if __name__ == "__main__":
    start("tools.compare.app")
