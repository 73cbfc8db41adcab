"""The jazz LSTM's layers and the project's fused training model.

- :func:`make_layers` builds the course's global shared layers ``reshaper``, ``LSTM_cell`` (64 units,
  ``return_state``) and ``densor`` (2021 notebook, section 2), instead of module globals. The course's own
  models on them, ``djmodel`` and ``music_inference_model``, are in :mod:`~assignments.jazz.course`.
- :func:`fused_model` runs the *same* ``LSTMCell`` object (``LSTM_cell.cell``) over the whole sequence in
  one ``RNN(return_sequences=True)`` layer and applies the same ``densor``: identical weights, one
  output of shape ``(m, Tx, n_values)`` instead of ``Tx`` outputs. Training it trains the course models.
- :class:`TimeSummedCrossentropy` is the course's loss for that single output: the sum over the ``Tx``
  heads of the batch-mean categorical cross-entropy (what Keras reports for a ``Tx``-output model).
- :class:`CourseModel` is ``keras.Model`` as tf.keras 2 compiled it for the course: ``metrics=['accuracy']``
  applies to every output of a multi-output model (Keras 3 wants one list per output and fails at ``fit``).
  The course's ``djmodel`` returns one; it saves and loads with ``safe_mode=True`` (registered).
"""
from __future__ import annotations

import keras
from keras import layers, ops

from shared.run.backend import JIT_COMPILE

N_A = 64  # course: n_a = 64


def make_layers(n_values: int, n_a: int = N_A):
    """The course's global shared layers ``(reshaper, LSTM_cell, densor)``."""
    reshaper = layers.Reshape((1, n_values), name="reshaper")                      # (m, n_values) -> (m, 1, n_values)
    LSTM_cell = layers.LSTM(n_a, return_state=True, name="LSTM_cell")
    densor = layers.Dense(n_values, activation="softmax", name="densor")
    return reshaper, LSTM_cell, densor


def fused_model(Tx: int | None, LSTM_cell, densor) -> keras.Model:
    """``djmodel``'s function in one recurrent layer sharing ``LSTM_cell.cell`` and ``densor``.

    Inputs ``X (m, Tx, n_values), a0, c0``; one output ``(m, Tx, n_values)`` equal to the stacked
    ``Tx`` outputs of the course's ``djmodel`` (transposed to batch-major). ``Tx=None`` accepts any length.
    """
    n_values = densor.units
    n_a = LSTM_cell.units
    X = keras.Input(shape=(Tx, n_values), name="X")                                # (m, Tx, n_values)
    a0 = keras.Input(shape=(n_a,), name="a0")
    c0 = keras.Input(shape=(n_a,), name="c0")
    sequence = layers.RNN(LSTM_cell.cell, return_sequences=True, name="fused_lstm")
    a = sequence(X, initial_state=[a0, c0])                                        # (m, Tx, n_a)
    out = densor(a)                                                                # (m, Tx, n_values)
    return keras.Model(inputs=[X, a0, c0], outputs=out, name="fused_djmodel")


@keras.saving.register_keras_serializable(package="jazz")
class CourseModel(keras.Model):
    """A functional ``keras.Model`` whose ``compile`` gives a flat metrics list to every output, as tf.keras 2 did."""

    def compile(self, *args, metrics=None, **kwargs):
        outputs = len(self.outputs) if hasattr(self, "outputs") and self.outputs is not None else 1
        flat = isinstance(metrics, (list, tuple)) and not any(isinstance(m, (list, tuple, dict)) for m in metrics)
        if outputs > 1 and metrics and flat:
            metrics = [list(metrics) for _ in range(outputs)]
        kwargs.setdefault("jit_compile", JIT_COMPILE)  # the notebook's compile call too: no XLA (shared.run.backend)
        return super().compile(*args, metrics=metrics, **kwargs)


@keras.saving.register_keras_serializable(package="jazz")
class TimeSummedCrossentropy(keras.losses.Loss):
    """Categorical cross-entropy summed over time steps: the loss of the course's ``Tx``-output model.

    Keras sums the losses of a multi-output model, each a mean over the batch; for one
    ``(m, Tx, n_values)`` output that is ``mean over m of (sum over t of CE)``. An all-zero target
    (the course's ``Y[Tx-1]``) contributes zero, as in the course.
    """

    def __init__(self, name: str = "time_summed_crossentropy", **kwargs):
        super().__init__(name=name, **kwargs)

    def call(self, y_true, y_pred):
        per_step = keras.losses.categorical_crossentropy(y_true, y_pred)           # (m, Tx)
        return ops.sum(per_step, axis=-1)                                          # (m,)


def count_params(model: keras.Model) -> int:
    return int(model.count_params())

