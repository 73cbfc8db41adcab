"""Training the jazz LSTM as the course does, through the unrolled or the fused model.

Course: ``model.compile(optimizer=Adam(lr=0.01, beta_1=0.9, beta_2=0.999, decay=0.01),
loss='categorical_crossentropy', metrics=['accuracy'])`` then ``model.fit([X, a0, c0], list(Y),
epochs=100)`` (batch 32: 2 updates per epoch). Keras 3 ignores ``decay=``; the same schedule is
``InverseTimeDecay(0.01, decay_steps=1, decay_rate=0.01)``, one step per update.

``fused=True`` (default) trains :func:`~assignments.jazz.model.fused_model`, which shares its weights
with the course's ``djmodel`` and computes the same loss; ``fused=False`` trains ``djmodel`` itself.
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field

import keras
import numpy as np

from .config import JazzConfig
from .model import TimeSummedCrossentropy, djmodel, fused_model


def course_optimizer(config: JazzConfig = JazzConfig()) -> keras.optimizers.Optimizer:
    """Adam with the course's legacy ``decay``: lr_t = lr / (1 + decay * t), t = updates so far."""
    schedule = keras.optimizers.schedules.InverseTimeDecay(
        config.learning_rate, decay_steps=1, decay_rate=config.decay)
    return keras.optimizers.Adam(learning_rate=schedule, beta_1=config.beta_1, beta_2=config.beta_2)


@dataclass
class TrainResult:
    losses: list[float] = field(default_factory=list)   # loss per epoch
    model: keras.Model | None = None                     # the model that was fitted


class _Progress(keras.callbacks.Callback):
    """One tqdm bar over epochs (loss in the postfix); silent when ``quiet``."""

    def __init__(self, epochs: int, quiet: bool):
        super().__init__()
        self.epochs, self.quiet, self.bar = epochs, quiet, None

    def on_train_begin(self, logs=None):
        if not self.quiet:
            from tqdm import tqdm

            self.bar = tqdm(total=self.epochs, desc="training", unit="epoch", file=sys.stderr, leave=False)

    def on_epoch_end(self, epoch, logs=None):
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(loss=f"{logs['loss']:.3f}")

    def on_train_end(self, logs=None):
        if self.bar is not None:
            self.bar.close()


def initial_states(m: int, n_a: int) -> tuple[np.ndarray, np.ndarray]:
    """The course's ``a0 = c0 = zeros((m, n_a))``."""
    return np.zeros((m, n_a), np.float32), np.zeros((m, n_a), np.float32)


def compile_course(model: keras.Model, config: JazzConfig = JazzConfig()) -> keras.Model:
    """Compile ``djmodel`` exactly as the course (loss summed over its ``Tx`` outputs)."""
    n_outputs = len(model.outputs)  # Keras 3 wants one metrics list per output
    model.compile(optimizer=course_optimizer(config), loss=["categorical_crossentropy"] * n_outputs,
                  metrics=[["accuracy"]] * n_outputs)
    return model


def compile_fused(model: keras.Model, config: JazzConfig = JazzConfig()) -> keras.Model:
    """Compile the fused model with the same loss value and gradients as the course's."""
    model.compile(optimizer=course_optimizer(config), loss=TimeSummedCrossentropy())
    return model


def train(X: np.ndarray, Y: np.ndarray, LSTM_cell, densor, reshaper, config: JazzConfig = JazzConfig(),
          quiet: bool = False) -> TrainResult:
    """Fit the shared layers on ``X (m, Tx, n_values)``, ``Y (Ty, m, n_values)`` for ``config.epochs``.

    ``config.fused`` picks :func:`train_fused` (default) or :func:`train_course`. Seed first
    (``shared.seed.set_seed``): layer initialisation uses Keras' generator.
    """
    if config.fused:
        return train_fused(X, Y, LSTM_cell, densor, config, quiet)
    return train_course(X, Y, LSTM_cell, densor, reshaper, config, quiet)


def train_course(X, Y, LSTM_cell, densor, reshaper, config: JazzConfig = JazzConfig(),
                 quiet: bool = False) -> TrainResult:
    """The course's way: ``djmodel`` (``Tx`` outputs) and ``model.fit([X, a0, c0], list(Y))``."""
    m, Tx, _ = X.shape
    a0, c0 = initial_states(m, LSTM_cell.units)
    model = compile_course(djmodel(Tx, LSTM_cell, densor, reshaper), config)
    history = model.fit([X.astype(np.float32), a0, c0], list(Y.astype(np.float32)), epochs=config.epochs,
                        batch_size=config.batch_size, verbose=0, callbacks=[_Progress(config.epochs, quiet)])
    return TrainResult(losses=[float(v) for v in history.history["loss"]], model=model)


def train_fused(X, Y, LSTM_cell, densor, config: JazzConfig = JazzConfig(), quiet: bool = False) -> TrainResult:
    """The same optimisation through :func:`fused_model`, in a compiled loop instead of ``fit``.

    Per epoch, as ``fit`` does: shuffle the ``m`` windows (numpy ``default_rng(config.seed)``), take
    batches of ``batch_size`` (32 + 28 for the course's 60), one Adam update per batch, and report the
    batch losses' mean weighted by batch size. ``fit`` spends far more time per epoch on bookkeeping
    than on this model's two updates, which is why the loop is written out.
    """
    import tensorflow as tf

    m, Tx, _ = X.shape
    model = compile_fused(fused_model(Tx, LSTM_cell, densor), config)
    optimizer, loss_fn = model.optimizer, model.loss
    variables = model.trainable_variables
    optimizer.build(variables)
    X = X.astype(np.float32)                                                       # (m, Tx, n_values)
    Yt = np.transpose(Y, (1, 0, 2)).astype(np.float32)                             # (m, Ty, n_values)
    a0, c0 = initial_states(m, LSTM_cell.units)

    @tf.function(reduce_retracing=True)
    def step(x, y, a, c):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model([x, a, c], training=True))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    rng = np.random.default_rng(config.seed)
    progress = _Progress(config.epochs, quiet)
    progress.on_train_begin()
    losses = []
    for _ in range(config.epochs):
        order = rng.permutation(m)
        total = 0.0
        for start in range(0, m, config.batch_size):
            batch = order[start:start + config.batch_size]
            total += float(step(X[batch], Yt[batch], a0[batch], c0[batch])) * len(batch)
        losses.append(total / m)
        progress.on_epoch_end(len(losses) - 1, {"loss": losses[-1]})
    progress.on_train_end()
    return TrainResult(losses=losses, model=model)


def untrained_loss(n_values: int, Tx: int = 30) -> float:
    """An untrained model's loss: ``(Tx - 1) * ln(n_values)`` (the last step has no target)."""
    return (Tx - 1) * math.log(n_values)
