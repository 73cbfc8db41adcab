"""Assignment 1, "Building your Recurrent Neural Network - Step by Step", in numpy: the course's functions
(:mod:`.cells`, :mod:`.sequences`, :mod:`.backward`; :mod:`.course` is the notebook's namespace) and the project's
additions (the GRU, the fast LSTM, Keras weight maps, checks). The files in reading order are listed in this
package's README.md; ``python -m assignments.rnn_step_by_step`` (``make rnn``) runs every check.
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
