"""Utilities shared by the three week-1 assignments.

What a learner may want beside the models: the course's ``rnn_utils`` helpers (:mod:`shared.rnn_utils`),
sampling (:mod:`shared.sampling`), seeding (:mod:`shared.seed`), the course's reference cases replayed and
compared (:mod:`shared.cases`), data fetching and checking (:mod:`shared.data`), where things live
(:mod:`shared.paths`), plots and tables. The run machinery -- errors, signals, locks, outputs, run cards -- is
behind one door, :mod:`shared.run`; nothing in it is needed to understand a model.

Importing this package quiets TensorFlow's start-up noise unless the caller already chose otherwise.
This is the one place in the code that sets these variables (the Makefile exports the same values
for the commands it runs); it must stay light, since every command imports it before anything else.
In a command's process it also makes Ctrl-C, SIGTERM and SIGHUP quiet from that first import on
(:func:`shared.run.signals.early`): one line ``error: interrupted``, never a traceback through an import.
"""
import _signal  # built into the interpreter: the signals wait (blocked) from here until they are handled

_mask = _signal.pthread_sigmask(_signal.SIG_BLOCK, (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP))

import os  # noqa: E402

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # a bfloat16 run turns it on (shared.run.backend)

from .run import signals as _signals  # noqa: E402 -- standard library only

_signals.early(_mask)
