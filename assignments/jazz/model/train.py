"""Training the jazz LSTM as the course does, through the unrolled or the fused model.

Course: ``model.compile(optimizer=Adam(lr=0.01, beta_1=0.9, beta_2=0.999, decay=0.01),
loss='categorical_crossentropy', metrics=['accuracy'])`` then ``model.fit([X, a0, c0], list(Y),
epochs=100)`` (batch 32: 2 updates per epoch). Keras 3 ignores ``decay=``; the same schedule is
``InverseTimeDecay(0.01, decay_steps=1, decay_rate=0.01)``, one step per update (the course API's ``Adam``).

:func:`train_fused` (the default) trains :func:`~assignments.jazz.model.layers.fused_model`, which shares its
weights with the course's ``djmodel`` and computes the same loss, in a compiled loop; ``--unrolled`` trains
``djmodel`` itself with ``model.fit`` (:func:`assignments.jazz.course.train_course`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import keras
import numpy as np

from shared.run.console import progress
from shared.run.backend import JIT_COMPILE

from ..midi.config import JazzConfig
from .layers import TimeSummedCrossentropy, fused_model


def Adam(lr=None, beta_1=0.9, beta_2=0.999, decay=0.0, *, learning_rate=None, **kwargs):
    """tf.keras 2's ``Adam`` as the course called it: ``lr`` and the legacy ``decay`` (lr / (1 + decay * t))."""
    rate = learning_rate if learning_rate is not None else (0.001 if lr is None else lr)
    if decay:
        rate = keras.optimizers.schedules.InverseTimeDecay(rate, decay_steps=1, decay_rate=decay)
    return keras.optimizers.Adam(learning_rate=rate, beta_1=beta_1, beta_2=beta_2, **kwargs)


def course_optimizer(config: JazzConfig = JazzConfig()) -> keras.optimizers.Optimizer:
    """The course's ``Adam(lr=0.01, beta_1=0.9, beta_2=0.999, decay=0.01)``: lr_t = lr / (1 + decay * t)."""
    return Adam(lr=config.learning_rate, beta_1=config.beta_1, beta_2=config.beta_2, decay=config.decay)


@dataclass
class TrainResult:
    losses: list[float] = field(default_factory=list)   # loss per epoch
    model: keras.Model | None = None                     # the model that was fitted


class EpochProgress(keras.callbacks.Callback):
    """One progress bar over epochs (loss in the postfix); none when ``quiet``."""

    def __init__(self, epochs: int, quiet: bool):
        super().__init__()
        self.epochs, self.quiet, self.bar = epochs, quiet, None

    def on_train_begin(self, logs=None):
        self.bar = progress(self.epochs, self.quiet, desc="training", unit="epoch")

    def on_epoch_end(self, epoch, logs=None):
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(loss=f"{logs['loss']:.3f}", refresh=False)

    def on_train_end(self, logs=None):
        if self.bar is not None:
            self.bar.close()


def initial_states(m: int, n_a: int) -> tuple[np.ndarray, np.ndarray]:
    """The course's ``a0 = c0 = zeros((m, n_a))``."""
    return np.zeros((m, n_a), np.float32), np.zeros((m, n_a), np.float32)


def compile_course(model: keras.Model, config: JazzConfig = JazzConfig()) -> keras.Model:
    """Compile ``djmodel`` exactly as the course (loss summed over its ``Tx`` outputs, accuracy for each)."""
    model.compile(optimizer=course_optimizer(config), loss="categorical_crossentropy", metrics=["accuracy"],
                  jit_compile=JIT_COMPILE)
    return model


def compile_fused(model: keras.Model, config: JazzConfig = JazzConfig()) -> keras.Model:
    """Compile the fused model with the same loss value and gradients as the course's."""
    model.compile(optimizer=course_optimizer(config), loss=TimeSummedCrossentropy(), jit_compile=JIT_COMPILE)
    return model


def train_fused(X, Y, LSTM_cell, densor, config: JazzConfig = JazzConfig(), quiet: bool = False) -> TrainResult:
    """The same optimisation through :func:`fused_model`, in a compiled loop instead of ``fit``.

    Per epoch, as ``fit`` does: shuffle the ``m`` windows (numpy ``default_rng(config.seed)``), take
    batches of ``batch_size`` (32 + 28 for the course's 60), one Adam update per batch, and report the
    batch losses' mean weighted by batch size. ``fit`` spends far more time per epoch on bookkeeping
    than on this model's two updates, which is why the loop is written out. Every batch has the same
    shape -- a short last batch is padded with rows of weight 0, so its loss and gradient are those of its
    real rows -- and the update step is traced once.
    """
    import tensorflow as tf

    m, Tx, _ = X.shape
    model = compile_fused(fused_model(Tx, LSTM_cell, densor), config)
    optimizer, loss_fn = model.optimizer, model.loss
    variables = model.trainable_variables
    optimizer.build(variables)
    X = X.astype(np.float32)                                                       # (m, Tx, n_values)
    Yt = np.transpose(Y, (1, 0, 2)).astype(np.float32)                             # (m, Ty, n_values)
    size = min(config.batch_size, m)
    n_a = LSTM_cell.units

    @tf.function(autograph=False)  # no Python control flow in it: nothing for autograph to convert
    def step(x, y, weight):
        zeros = tf.zeros((size, n_a))                                              # a0 = c0 = 0, as the course
        with tf.GradientTape() as tape:
            per_window = loss_fn.call(y, model([x, zeros, zeros], training=True))  # (size,)
            loss = tf.reduce_sum(per_window * weight) / tf.reduce_sum(weight)
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    rng = np.random.default_rng(config.seed)
    bar = EpochProgress(config.epochs, quiet)
    bar.on_train_begin()
    losses = []
    for _ in range(config.epochs):
        order = rng.permutation(m)
        total = 0.0
        for start in range(0, m, size):
            batch = order[start:start + size]
            weight = np.zeros(size, np.float32)
            weight[:len(batch)] = 1.0
            rows = np.concatenate([batch, np.zeros(size - len(batch), batch.dtype)])  # padding: row 0, weight 0
            total += float(step(X[rows], Yt[rows], weight)) * len(batch)
        losses.append(total / m)
        bar.on_epoch_end(len(losses) - 1, {"loss": losses[-1]})
    bar.on_train_end()
    return TrainResult(losses=losses, model=model)


def untrained_loss(n_values: int, Tx: int = 30) -> float:
    """An untrained model's loss: ``(Tx - 1) * ln(n_values)`` (the last step has no target)."""
    return (Tx - 1) * math.log(n_values)
