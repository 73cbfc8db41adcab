"""The jazz LSTM: the course's shared layers, ``djmodel`` and ``music_inference_model``, plus a fused twin.

Course (2021 notebook, UNQ_C1/UNQ_C2), on Keras 3:
- ``reshaper``, ``LSTM_cell`` (64 units, ``return_state``) and ``densor`` are shared layers, built by
  :func:`make_layers` instead of module globals.
- :func:`djmodel` unrolls ``LSTM_cell`` over ``Tx`` steps: inputs ``X, a0, c0``, ``Tx`` outputs.
  Keras 3 has no slicing layers, so the model has 6 layers (the course's tf.keras 2 count was 36);
  parameter counts are the course's (45,530 for 90 values, 41,678 for 78).
- :func:`music_inference_model` feeds back ``one_hot(argmax(out))`` through ``keras.ops`` and
  ``RepeatVector(1)``; no ``Lambda`` layer, so it saves and loads with ``safe_mode=True``.

Beyond the course:
- :func:`fused_model` runs the *same* ``LSTMCell`` object (``LSTM_cell.cell``) over the whole sequence in
  one ``RNN(return_sequences=True)`` layer and applies the same ``densor``: identical weights, one
  output of shape ``(m, Tx, n_values)`` instead of ``Tx`` outputs. Training it trains the course models.
- :class:`TimeSummedCrossentropy` is the course's loss for that single output: the sum over the ``Tx``
  heads of the batch-mean categorical cross-entropy (what Keras reports for a ``Tx``-output model).
"""
from __future__ import annotations

import keras
from keras import layers, ops

N_A = 64  # course: n_a = 64


def make_layers(n_values: int, n_a: int = N_A):
    """The course's global shared layers ``(reshaper, LSTM_cell, densor)``."""
    reshaper = layers.Reshape((1, n_values), name="reshaper")                      # (m, n_values) -> (m, 1, n_values)
    LSTM_cell = layers.LSTM(n_a, return_state=True, name="LSTM_cell")
    densor = layers.Dense(n_values, activation="softmax", name="densor")
    return reshaper, LSTM_cell, densor


def djmodel(Tx: int, LSTM_cell, densor, reshaper) -> keras.Model:
    """The course's training model: ``LSTM_cell`` unrolled by hand over ``Tx`` steps (2021 signature)."""
    n_values = densor.units
    n_a = LSTM_cell.units
    X = keras.Input(shape=(Tx, n_values), name="X")                                # (m, Tx, n_values)
    a0 = keras.Input(shape=(n_a,), name="a0")                                      # (m, n_a)
    c0 = keras.Input(shape=(n_a,), name="c0")                                      # (m, n_a)
    a, c = a0, c0
    outputs = []
    for t in range(Tx):
        x = X[:, t, :]                                                             # (m, n_values)
        x = reshaper(x)                                                            # (m, 1, n_values)
        a, _, c = LSTM_cell(x, initial_state=[a, c])                               # (m, n_a) each
        out = densor(a)                                                            # (m, n_values)
        outputs.append(out)
    return keras.Model(inputs=[X, a0, c0], outputs=outputs, name="djmodel")


def music_inference_model(LSTM_cell, densor, Ty: int = 100) -> keras.Model:
    """The course's greedy inference model: each step's argmax, one-hot, is the next step's input."""
    n_values = densor.units
    n_a = LSTM_cell.units
    x0 = keras.Input(shape=(1, n_values), name="x0")                               # (m, 1, n_values)
    a0 = keras.Input(shape=(n_a,), name="a0")
    c0 = keras.Input(shape=(n_a,), name="c0")
    a, c, x = a0, c0, x0
    outputs = []
    for t in range(Ty):
        a, _, c = LSTM_cell(x, initial_state=[a, c])                               # (m, n_a)
        out = densor(a)                                                            # (m, n_values)
        outputs.append(out)
        if t == Ty - 1:
            break  # the course builds the last feedback too, but it is unused and not part of the model
        x = ops.argmax(out, axis=-1)                                               # (m,)
        x = ops.one_hot(x, n_values)                                               # (m, n_values)
        x = layers.RepeatVector(1)(x)                                              # (m, 1, n_values)
    return keras.Model(inputs=[x0, a0, c0], outputs=outputs, name="music_inference_model")


def fused_model(Tx: int | None, LSTM_cell, densor) -> keras.Model:
    """``djmodel``'s function in one recurrent layer sharing ``LSTM_cell.cell`` and ``densor``.

    Inputs ``X (m, Tx, n_values), a0, c0``; one output ``(m, Tx, n_values)`` equal to the stacked
    ``Tx`` outputs of :func:`djmodel` (transposed to batch-major). ``Tx=None`` accepts any length.
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
