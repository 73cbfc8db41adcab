"""The command line of assignment 1 (``make rnn``): ``python -m assignments.rnn_step_by_step --help``.

Nothing heavy is imported here: the body (:mod:`.app`, numpy and, for the Keras checks, TensorFlow) is imported
inside :func:`shared.run.cli.run`, so a Ctrl-C or SIGTERM while they load ends in the one line ``error: interrupted``.
"""
from shared.run import start


def main(argv=None):
    from .app import main as app_main

    return app_main(argv)


if __name__ == "__main__":
    start("assignments.rnn_step_by_step.app")
