"""The course's names of "Building your Recurrent Neural Network - Step by Step" (2021), in one namespace.

``from assignments.rnn_step_by_step.course import *`` gives a Python session what the notebook has after
its first cell (``from rnn_utils import *``: ``softmax``, ``sigmoid``, ``initialize_adam``,
``update_parameters_with_adam``) and its eight exercises, with the course's signatures, return orders and
caches: ``rnn_cell_forward``, ``rnn_forward``, ``lstm_cell_forward``, ``lstm_forward`` (graded) and
``rnn_cell_backward``, ``rnn_backward``, ``lstm_cell_backward``, ``lstm_backward`` (optional, ungraded).
The notebook's demonstration cells then run as written (``tests/test_notebook_rnn.py`` runs each one).

The functions live in :mod:`.cells`, :mod:`.sequences` and :mod:`.backward` (and :mod:`shared.rnn_utils`);
this module only gathers them. The rest of the package (GRU, fast LSTM, Keras weight maps, checks) is the
project's, not the course's. The notebook also imports ``public_tests`` (the course's hidden tests); that
file is the course's and is not part of the project.
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
