"""The dinosaur-name model in Keras: one-hot characters -> SimpleRNN / GRU / LSTM -> Dense(vocab, softmax).

The vocabulary size is the names file's (27 on the course's ``dinos.txt``).

Differences from the course's numpy model (which :mod:`.course` keeps exactly):

- trained on batches of names with Adam and gradient clipping (``clipnorm``), not one name per SGD step;
- padding is handled with per-character sample weights (a padded target weighs 0; each batch's weights
  are scaled so the reported loss is nats per real character). A ``Masking`` layer would not do: the
  course's first input is the all-zero vector, which ``Masking(0)`` would drop;
- the hidden state starts at zero for every name (the course carries it from one name to the next);
- a held-out split (its own seed) is scored every epoch in bits per character.

With ``cell="simple_rnn"`` the weights are exactly the course's parameters (see :mod:`.convert`).
Run with ``python -m assignments.dinos --model keras``.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Sequence

import keras
import numpy as np

from shared.run.backend import JIT_COMPILE
from shared.seed import set_seed

from .data import VOCAB_SIZE
from .sample import NEWLINE, StepFn, bits_per_char

CELL_LAYERS = {"simple_rnn": keras.layers.SimpleRNN, "gru": keras.layers.GRU, "lstm": keras.layers.LSTM}


def build_model(n_a: int = 50, cell: str = "simple_rnn", vocab_size: int = VOCAB_SIZE,
                dtype: str = "float32") -> keras.Model:
    """Functional model: ``(batch, T_x, vocab_size)`` one-hot -> ``(batch, T_x, vocab_size)`` next-char probabilities."""
    if cell not in CELL_LAYERS:
        raise ValueError(f"cell must be one of {', '.join(CELL_LAYERS)}, got {cell!r}")
    x = keras.Input(shape=(None, vocab_size), dtype=dtype, name="chars")  # (m, T_x, n_x)
    a = CELL_LAYERS[cell](n_a, return_sequences=True, name="rnn", dtype=dtype)(x)  # (m, T_x, n_a)
    y = keras.layers.Dense(vocab_size, activation="softmax", name="next_char", dtype=dtype)(a)  # (m, T_x, n_y)
    return keras.Model(x, y, name=f"dinos_{cell}")


def encode_batch(encoded: Sequence[Sequence[int]], vocab_size: int = VOCAB_SIZE, dtype=np.float32,
                 length: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs, targets and weights for names given as index lists.

    x[i, 0] is the zero vector (the course's ``X[0] = None``), x[i, t] the one-hot of character t-1;
    y[i, t] is character t, then ``'\\n'``; w is 1 on real targets, 0 on padding. ``length`` pads to a fixed T_x.
    """
    m = len(encoded)
    T = max(len(e) for e in encoded) + 1
    if length is not None:
        T = max(T, length)
    x = np.zeros((m, T, vocab_size), dtype=dtype)  # (m, T_x, n_x)
    y = np.zeros((m, T), dtype=np.int32)  # (m, T_x)
    w = np.zeros((m, T), dtype=dtype)  # (m, T_x)
    for i, e in enumerate(encoded):
        n = len(e)
        x[i, np.arange(1, n + 1), e] = 1.0
        y[i, :n] = e
        y[i, n] = NEWLINE
        w[i, :n + 1] = 1.0
    return x, y, w


class NameBatches(keras.utils.PyDataset):
    """Shuffled batches of names (a seeded Generator), weights scaled to a per-character mean.

    Every batch is padded to the longest name's length: Keras fixes the input signature on the first batch.
    """

    def __init__(self, encoded: Sequence[Sequence[int]], batch_size: int, rng: np.random.Generator,
                 vocab_size: int = VOCAB_SIZE):
        super().__init__()
        self.encoded, self.batch_size, self.rng, self.vocab_size = list(encoded), batch_size, rng, vocab_size
        self.length = max(len(e) for e in self.encoded) + 1
        self.order = self.rng.permutation(len(self.encoded))

    def __len__(self) -> int:
        return math.ceil(len(self.encoded) / self.batch_size)

    def __getitem__(self, index: int):
        picked = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        x, y, w = encode_batch([self.encoded[i] for i in picked], self.vocab_size, length=self.length)
        w *= w.size / w.sum()  # Keras averages over all m * T_x entries: make that a mean over real characters
        return x, y, w

    def on_epoch_end(self) -> None:
        self.order = self.rng.permutation(len(self.encoded))


def log_probs_keras(model: keras.Model, encoded: Sequence[Sequence[int]], batch_size: int = 512) -> np.ndarray:
    """Log-probability (nats) of each name, ``'\\n'`` included."""
    out = np.zeros(len(encoded))
    for start in range(0, len(encoded), batch_size):
        chunk = encoded[start:start + batch_size]
        x, y, w = encode_batch(chunk, model.inputs[0].shape[-1],
                               dtype=keras.backend.standardize_dtype(model.inputs[0].dtype))
        p = np.asarray(model(x, training=False), dtype=np.float64)  # (m, T_x, n_y)
        picked = np.take_along_axis(p, y[:, :, None], axis=2)[:, :, 0]
        out[start:start + len(chunk)] = (np.log(np.clip(picked, 1e-300, None)) * w).sum(axis=1)
    return out


def keras_step(model: keras.Model) -> StepFn:
    """A ``step`` for :func:`.sample.generate`: one cell call per character (state = the cell's states)."""
    rnn, dense = model.get_layer("rnn"), model.get_layer("next_char")
    n_x = model.inputs[0].shape[-1]
    dtype = keras.backend.standardize_dtype(model.inputs[0].dtype)

    def step(x_ix, states):
        m = states[0].shape[0]
        x = np.zeros((m, n_x), dtype=dtype)
        if x_ix is not None:
            x[np.arange(m), x_ix] = 1.0
        output, new_states = rnn.cell(x, states, training=False)
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        return np.asarray(dense(output)), new_states

    return step


def initial_states(model: keras.Model, m: int) -> list[np.ndarray]:
    rnn = model.get_layer("rnn")
    sizes = rnn.cell.state_size if isinstance(rnn.cell.state_size, (list, tuple)) else [rnn.cell.state_size]
    dtype = keras.backend.standardize_dtype(model.inputs[0].dtype)
    return [np.zeros((m, s), dtype=dtype) for s in sizes]


@dataclass
class TrainResult:
    model: keras.Model
    epochs: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)  # nats per character (Keras' running mean)
    held_out_bpc: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # wall time from the start of train() to each epoch's end
    wall_time: float = 0.0
    start: float = field(default_factory=time.perf_counter)


class HeldOutBits(keras.callbacks.Callback):
    """Scores the held-out names (bits per character) after every epoch, and records the training loss."""

    def __init__(self, encoded_held_out, result: TrainResult, report=None):
        super().__init__()
        self.encoded, self.result, self.report = encoded_held_out, result, report

    def on_epoch_end(self, epoch, logs=None):
        bpc = bits_per_char(log_probs_keras(self.model, self.encoded), self.encoded)
        loss = float((logs or {}).get("loss", float("nan")))
        self.result.epochs.append(epoch + 1)
        self.result.train_loss.append(loss)
        self.result.held_out_bpc.append(bpc)
        self.result.seconds.append(time.perf_counter() - self.result.start)
        if logs is not None:
            logs["held_out_bpc"] = bpc
        if self.report is not None:
            self.report(f"epoch {epoch + 1}: train loss {loss:.4f} nats/char "
                        f"({loss / math.log(2):.4f} bits/char), held-out {bpc:.4f} bits/char")


def train(encoded_train, encoded_held_out, *, n_a=50, cell="lstm", epochs=10, batch_size=32,
          learning_rate=0.01, clipnorm=5.0, seed=0, verbose=1, report=None, vocab_size=VOCAB_SIZE) -> TrainResult:
    """Build and fit a model (seeded with ``shared.seed.set_seed``); held-out scored every epoch.

    ``vocab_size``: the names file's vocabulary (27 for ``dinos.txt``).
    """
    start = time.perf_counter()
    set_seed(seed)
    model = build_model(n_a, cell, vocab_size)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, clipnorm=clipnorm),
                  loss="sparse_categorical_crossentropy", jit_compile=JIT_COMPILE)
    result = TrainResult(model, start=start)
    batches = NameBatches(encoded_train, batch_size, np.random.default_rng(seed), vocab_size)
    model.fit(batches, epochs=epochs, verbose=verbose, callbacks=[HeldOutBits(encoded_held_out, result, report)])
    result.wall_time = time.perf_counter() - start
    return result
