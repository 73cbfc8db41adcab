"""Utilities shared by the three week-1 assignments.

Nothing assignment-specific lives here: the course's ``rnn_utils`` helpers
(:mod:`shared.rnn_utils`), seeding (:mod:`shared.seed`), data fetching and checking
(:mod:`shared.data`), run cards (:mod:`shared.runcard`), safe file output (:mod:`shared.io`), pictures drawn
by a child process (:mod:`shared.drawing`), how Keras is compiled and imported (:mod:`shared.keras_setup`), one
run's outputs committed as one set (:mod:`shared.outputs`, :mod:`shared.checkpoints`), the one-line
CLI error convention with Ctrl-C/SIGTERM handling (:mod:`shared.cli`, :mod:`shared.signals`,
:mod:`shared.cleanup`, :mod:`shared.children`, :mod:`shared.lock`), printing (:mod:`shared.console`)
and benchmark bookkeeping (:mod:`shared.bench`).

Importing this package quiets TensorFlow's start-up noise unless the caller already chose otherwise.
This is the one place in the code that sets these variables (the Makefile exports the same values
for the commands it runs); it must stay light, since every command imports it before anything else.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
