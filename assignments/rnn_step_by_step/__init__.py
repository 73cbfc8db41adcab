"""Assignment 1, "Building your Recurrent Neural Network - Step by Step", in numpy.

The course's API (its names, signatures, return orders and cache layouts):

- :mod:`.cells` -- ``rnn_cell_forward``, ``lstm_cell_forward``;
- :mod:`.sequences` -- ``rnn_forward``, ``lstm_forward`` (returns ``(a, y, c, caches)``);
- :mod:`.backward` -- ``rnn_cell_backward``, ``rnn_backward``, ``lstm_cell_backward``, ``lstm_backward``;
- :mod:`.course` -- all of them and ``shared.rnn_utils``' helpers in one namespace:
  ``from assignments.rnn_step_by_step.course import *`` is the notebook after its first cell and exercises.

The project's additions:

- :mod:`.gru` -- the lectures' GRU, forward and backward, in the same style;
- :mod:`.fast` -- LSTM passes giving the course's numbers faster (``lstm_forward_fast``, ``lstm_backward_fast``);
- :mod:`.keras_weights` -- numpy <-> Keras weight maps for SimpleRNN, LSTM and GRU;
- :mod:`.validation` -- shape checks that name the shapes;
- :mod:`.checks` -- the reference values of ``data/reference/step_by_step.json``, finite differences and
  Keras parity, as rows of a report.

Entry point: ``python -m assignments.rnn_step_by_step`` (:mod:`.__main__`, ``make rnn``): every check, as a
table; non-zero exit on failure.
"""
from .backward import lstm_backward, lstm_cell_backward, rnn_backward, rnn_cell_backward
from .cells import lstm_cell_forward, rnn_cell_forward
from .fast import lstm_backward_fast, lstm_forward_fast
from .gru import gru_backward, gru_cell_backward, gru_cell_forward, gru_forward
from .sequences import lstm_forward, rnn_forward

__all__ = [
    "rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward",
    "rnn_cell_backward", "rnn_backward", "lstm_cell_backward", "lstm_backward",
    "gru_cell_forward", "gru_forward", "gru_cell_backward", "gru_backward",
    "lstm_forward_fast", "lstm_backward_fast",
]
