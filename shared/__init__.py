"""Utilities shared by the three week-1 assignments.

Nothing assignment-specific lives here: the course's ``rnn_utils`` helpers
(:mod:`shared.rnn_utils`), seeding (:mod:`shared.seed`), data fetching and checking
(:mod:`shared.data`), run cards (:mod:`shared.run.runcard`), safe file output (:mod:`shared.run.io`), pictures drawn
by a child process (:mod:`shared.run.drawing`), how Keras is compiled and imported (:mod:`shared.run.backend`), one
run's outputs committed as one set (:mod:`shared.run.outputs`, :mod:`shared.run.checkpoints`), the one-line
CLI error convention with Ctrl-C/SIGTERM handling (:mod:`shared.run.cli`, :mod:`shared.run.signals`,
:mod:`shared.run.cleanup`, :mod:`shared.run.cleanup`, :mod:`shared.run.lock`), printing (:mod:`shared.run.console`)
and benchmark bookkeeping (:mod:`bench.common`).

Importing this package quiets TensorFlow's start-up noise unless the caller already chose otherwise.
This is the one place in the code that sets these variables (the Makefile exports the same values
for the commands it runs); it must stay light, since every command imports it before anything else.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
