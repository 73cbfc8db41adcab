"""The course's numpy parameters <-> a Keras ``SimpleRNN`` + ``Dense`` model, exactly.

Keras stores the transposes of the course's matrices (``x @ kernel`` rather than ``Wax @ x``):

=================  ==========================  ===================
course (numpy)     Keras weight                shape
=================  ==========================  ===================
``Wax`` (n_a, n_x)  ``rnn`` kernel               (n_x, n_a)
``Waa`` (n_a, n_a)  ``rnn`` recurrent_kernel     (n_a, n_a)
``b``   (n_a, 1)    ``rnn`` bias                 (n_a,)
``Wya`` (n_y, n_a)  ``next_char`` kernel         (n_a, n_y)
``by``  (n_y, 1)    ``next_char`` bias           (n_y,)
=================  ==========================  ===================
"""
from __future__ import annotations

import numpy as np

from shared.run import UserError


def _layers(model):
    rnn, dense = model.get_layer("rnn"), model.get_layer("next_char")
    if type(rnn).__name__ != "SimpleRNN":
        raise UserError(f"only a SimpleRNN model has the course's parameters (this one is {type(rnn).__name__})")
    return rnn, dense


def numpy_to_keras(parameters: dict[str, np.ndarray], model) -> None:
    """Load the course's ``Wax, Waa, b, Wya, by`` into a model from :func:`keras_model.build_model` (cell simple_rnn)."""
    rnn, dense = _layers(model)
    expected = [w.shape for w in rnn.get_weights()] + [w.shape for w in dense.get_weights()]
    given = [parameters["Wax"].T.shape, parameters["Waa"].T.shape, parameters["b"][:, 0].shape,
             parameters["Wya"].T.shape, parameters["by"][:, 0].shape]
    if [tuple(s) for s in expected] != given:
        raise UserError(f"parameter shapes {given} do not fit the Keras model's {expected}")
    rnn.set_weights([parameters["Wax"].T, parameters["Waa"].T, parameters["b"][:, 0]])
    dense.set_weights([parameters["Wya"].T, parameters["by"][:, 0]])


def keras_to_numpy(model) -> dict[str, np.ndarray]:
    """The course's parameter dict (float64) from a SimpleRNN model."""
    rnn, dense = _layers(model)
    kernel, recurrent, bias = rnn.get_weights()
    dense_kernel, dense_bias = dense.get_weights()
    as64 = lambda w: np.ascontiguousarray(w, dtype=np.float64)  # noqa: E731
    return {"Wax": as64(kernel.T), "Waa": as64(recurrent.T), "Wya": as64(dense_kernel.T),
            "b": as64(bias[:, None]), "by": as64(dense_bias[:, None])}
