"""Utilities shared by the three week-1 assignments.

Nothing assignment-specific lives here: the course's ``rnn_utils`` helpers
(:mod:`shared.rnn_utils`), seeding (:mod:`shared.seed`), data fetching
(:mod:`shared.data`), run cards (:mod:`shared.runcard`), safe file output
(:mod:`shared.io`), the one-line CLI error convention (:mod:`shared.cli`) and
benchmark bookkeeping (:mod:`shared.bench`).

Importing this package quiets TensorFlow's start-up noise unless the caller
already chose otherwise.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
