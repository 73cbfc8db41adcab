"""The course's names of "Building your Recurrent Neural Network - Step by Step" (2021), in one namespace.

``from assignments.rnn_step_by_step.course import *`` gives a session the notebook's ``rnn_utils`` helpers and its
eight exercises (four graded forward, four optional backward) with the course's signatures, return orders and
caches, so the notebook's cells run as written (``tests/test_notebook_rnn.py``). The functions live in
:mod:`.cells`, :mod:`.sequences` and :mod:`.backward`; the course's hidden ``public_tests`` are not part of it.
"""
from shared.rnn_utils import initialize_adam, sigmoid, softmax, update_parameters_with_adam

from .backward import lstm_backward, lstm_cell_backward, rnn_backward, rnn_cell_backward
from .cells import lstm_cell_forward, rnn_cell_forward
from .sequences import lstm_forward, rnn_forward

__all__ = [
    "softmax", "sigmoid", "initialize_adam", "update_parameters_with_adam",  # rnn_utils.py
    "rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward",  # exercises 1-4 (graded)
    "rnn_cell_backward", "rnn_backward", "lstm_cell_backward", "lstm_backward",  # exercises 5-8 (optional)
]
