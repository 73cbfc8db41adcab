"""The command line of assignment 1 (``make rnn``): ``python -m assignments.rnn_step_by_step --help``.

Nothing heavy is imported here: the body (:mod:`.app`, numpy and, for the Keras checks, TensorFlow) is imported
inside :func:`shared.cli.run`, so a Ctrl-C or SIGTERM while they load ends in the one line ``error: interrupted``.
"""
from shared.cli import exit_now, run_module


def main(argv=None):
    from .app import main as app_main

    return app_main(argv)


if __name__ == "__main__":
    exit_now(run_module("assignments.rnn_step_by_step.app"))
