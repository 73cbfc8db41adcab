"""Assignment 1, "Building your Recurrent Neural Network - Step by Step", in numpy.

The course's functions with the course's names, signatures, return orders and cache layouts
(RNN and LSTM, forward and backward), the lectures' GRU beside them, fast LSTM passes giving
the same numbers, and the numpy <-> Keras weight maps. ``checks`` rebuilds the course's
reference tests and adds finite-difference and Keras-parity checks.

    python -m assignments.rnn_step_by_step      # every check, as a table; non-zero exit on failure
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
