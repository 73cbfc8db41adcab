"""The names model in Keras: characters -> stacked SimpleRNN / GRU / LSTM -> Dense(vocab, softmax), trained in
batches until the held-out names stop improving.

The vocabulary size is the names file's (27 on the course's ``dinos.txt``). Differences from the course's numpy
model (which :mod:`.course` keeps exactly):

- trained on batches of names with Adam (AdamW with ``weight_decay``) and gradient clipping (``clipnorm``), not
  one name per SGD step;
  names of about one length are batched together (less padding), and padding is handled with per-character
  sample weights (a padded target weighs 0; each batch's weights are scaled so the reported loss is nats per
  real character). A ``Masking`` layer would not do: the course's first input is the all-zero vector, which
  ``Masking(0)`` would drop;
- the input is a learned character embedding (``embedding > 0``; the first input is the embedding of
  ``'\\n'``), optionally with dropout of its features (``input_dropout``, one mask per name), or the course's
  one-hot vector (``embedding=0``, and always for ``simple_rnn``); ``layers`` recurrent layers, each followed by
  dropout, and optionally with dropout of the recurrent state (``recurrent_dropout``, one mask per name); an LSTM's
  matrix products optionally in bfloat16 (``matmul="bfloat16"``: about twice as fast on a CPU with AMX);
- ``members`` networks side by side (an ensemble in one model): each learns on its own loss from the same
  batches, and the model predicts the mean of their probabilities;
- the hidden state starts at zero for every name (the course carries it from one name to the next);
- a held-out split (its own seed) is scored after every epoch, with a moving average of the weights over about
  ``average_epochs`` epochs when that is set (the optimizer's ``use_ema``); the learning rate drops to
  ``lr_drop`` times itself after an epoch that did not improve the score by ``MIN_GAIN``, training stops after
  ``patience`` such epochs in a row (or past a time budget), and the best epoch's weights (averaged, with
  ``average_epochs``) are the model's.

With ``cell="simple_rnn"`` (one layer, one-hot) the weights are exactly the course's parameters
(:func:`numpy_to_keras`, :func:`keras_to_numpy`). Run with ``python -m assignments.dinos --model keras``.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import keras
import numpy as np
from keras import ops

from shared.run import UserError
from shared.run.backend import JIT_COMPILE
from shared.seed import set_seed

from .data import VOCAB_SIZE
from .sample import NEWLINE, StepFn, bits_per_char

CELL_LAYERS = {"simple_rnn": keras.layers.SimpleRNN, "gru": keras.layers.GRU, "lstm": keras.layers.LSTM}
LR_DROP = 0.3  # the default lr_drop: the learning rate's factor after an epoch without a held-out gain
MIN_GAIN = 1e-3  # bits/char: a smaller gain keeps the better weights but counts as no improvement (patience, LR)


@keras.saving.register_keras_serializable(package="dinos")
class StateDropoutLSTMCell(keras.layers.LSTMCell):
    """Keras' LSTM cell whose ``recurrent_dropout`` is one mask per name on the previous state ``h``, shared by the
    four gates (the variational dropout of Gal & Ghahramani, 2016), before the one fused matrix product of a step.

    Keras' own ``LSTM(recurrent_dropout=...)`` draws a mask per gate and then runs four products a step instead of
    one: about twice the time per epoch here. Without dropout (``training=False``) and with ``matmul_dtype`` None
    this is Keras' cell exactly.

    ``matmul_dtype="bfloat16"``: the step's two matrix products take bfloat16 inputs (the weights and the state
    rounded to 8 significant bits) and give a bfloat16 sum; the weights, the state, the gates and everything else
    stay float32. On a CPU with AMX or AVX-512 BF16 that product is about three times as fast as float32.
    """

    def __init__(self, units, matmul_dtype=None, **kwargs):
        super().__init__(units, **kwargs)
        self.implementation = 2  # the fused step (Keras switches to 1 when recurrent_dropout is set)
        self.__dict__.pop("dropout_mask_count", None)  # one mask, not one per gate
        if self.dropout:
            raise ValueError("StateDropoutLSTMCell drops the state only: put a Dropout layer before it")
        self.matmul_dtype = matmul_dtype
        self.cast_weights = None  # (kernel, recurrent_kernel) in matmul_dtype while a StateDropoutLSTM runs

    def _low(self, x):
        return x if self.matmul_dtype is None else ops.cast(x, self.matmul_dtype)

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states  # (m, n_a) each
        if training and 0.0 < self.recurrent_dropout < 1.0:
            h_tm1 = h_tm1 * self.get_recurrent_dropout_mask(h_tm1)  # (m, n_a): a row per name, the same every step
        kernel, recurrent_kernel = self.cast_weights or (self._low(self.kernel), self._low(self.recurrent_kernel))
        z = ops.matmul(self._low(inputs), kernel) + ops.matmul(self._low(h_tm1), recurrent_kernel)  # (m, 4 n_a)
        z = ops.cast(z, self.compute_dtype)
        if self.use_bias:
            z = z + self.bias
        c, o = self._compute_carry_and_output_fused(ops.split(z, 4, axis=1), c_tm1)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(), "matmul_dtype": self.matmul_dtype}


@keras.saving.register_keras_serializable(package="dinos")
class StateDropoutLSTM(keras.layers.RNN):
    """``keras.layers.RNN`` over a :class:`StateDropoutLSTMCell` that rounds the cell's weights to its
    ``matmul_dtype`` once per sequence rather than at every step (a third of a batch's time at 512 units)."""

    def call(self, sequences, initial_state=None, mask=None, training=False):
        cell = self.cell
        if cell.matmul_dtype is not None:
            cell.cast_weights = (cell._low(cell.kernel), cell._low(cell.recurrent_kernel))
        try:
            return super().call(sequences, initial_state=initial_state, mask=mask, training=training)
        finally:
            cell.cast_weights = None  # a step taken on its own (sampling) rounds the weights itself


def _recurrent_layer(cell: str, n_a: int, recurrent_dropout: float, name: str, dtype: str,
                     matmul_dtype: str | None):
    if cell == "lstm" and (recurrent_dropout or matmul_dtype):
        return StateDropoutLSTM(StateDropoutLSTMCell(n_a, recurrent_dropout=recurrent_dropout,
                                                     matmul_dtype=matmul_dtype, dtype=dtype),
                                return_sequences=True, name=name, dtype=dtype)
    if matmul_dtype:
        raise ValueError(f"matmul_dtype is for the lstm cell, not {cell}")
    return CELL_LAYERS[cell](n_a, return_sequences=True, recurrent_dropout=recurrent_dropout, name=name, dtype=dtype)


def build_model(n_a: int = 50, cell: str = "simple_rnn", vocab_size: int = VOCAB_SIZE, *, layers: int = 1,
                embedding: int = 0, dropout: float = 0.0, input_dropout: float = 0.0, recurrent_dropout: float = 0.0,
                members: int = 1, dtype: str = "float32", matmul_dtype: str | None = None) -> keras.Model:
    """``(batch, T_x)`` character indices (``embedding > 0``) or ``(batch, T_x, vocab_size)`` one-hot ->
    ``(batch, T_x, vocab_size)`` next-character probabilities.

    ``recurrent_dropout``: dropout of each recurrent layer's state, one mask per name (for ``lstm`` shared by the
    gates: :class:`StateDropoutLSTMCell`; ``gru`` and ``simple_rnn`` use Keras' own).
    ``members > 1``: that many networks side by side on the same input, each with its own weights and its own
    ``next_char_mK`` probabilities; the model's output (``next_char``) is their mean (an ensemble in one model).
    ``matmul_dtype`` ("bfloat16"; lstm only): the recurrent layers' matrix products in that type
    (:class:`StateDropoutLSTMCell`); None or ``dtype``: in ``dtype``.
    """
    if cell not in CELL_LAYERS:
        raise ValueError(f"cell must be one of {', '.join(CELL_LAYERS)}, got {cell!r}")
    matmul_dtype = None if matmul_dtype in (None, dtype) else matmul_dtype
    if embedding:
        x = keras.Input(shape=(None,), dtype="int32", name="chars")  # (m, T_x)
    else:
        x = keras.Input(shape=(None, vocab_size), dtype=dtype, name="chars")  # (m, T_x, n_x)
    outputs = []
    for k in range(1, members + 1):
        tag = "" if members == 1 else f"_m{k}"  # one network: the layer names the course's converter knows
        h = x
        if embedding:
            h = keras.layers.Embedding(vocab_size, embedding, name=f"embed{tag}", dtype=dtype)(h)
            if input_dropout:  # one mask per name: the same features dropped at every character
                h = keras.layers.Dropout(input_dropout, noise_shape=(None, 1, embedding),
                                         name=f"input_dropout{tag}")(h)  # (m, T_x, embedding)
        for i in range(layers):
            h = _recurrent_layer(cell, n_a, recurrent_dropout, ("rnn" if i == 0 else f"rnn_{i + 1}") + tag,
                                 dtype, matmul_dtype)(h)
            if dropout:
                h = keras.layers.Dropout(dropout, name=f"dropout_{i + 1}{tag}")(h)  # (m, T_x, n_a)
        outputs.append(keras.layers.Dense(vocab_size, activation="softmax", name=f"next_char{tag}",
                                          dtype=dtype)(h))  # (m, T_x, n_y)
    y = outputs[0] if members == 1 else keras.layers.Average(name="next_char")(outputs)
    return keras.Model(x, y, name=f"dinos_{cell}")


def _one_hot(model: keras.Model) -> bool:
    return len(model.inputs[0].shape) == 3


def encode_batch(encoded: Sequence[Sequence[int]], vocab_size: int = VOCAB_SIZE, dtype=np.float32,
                 length: int | None = None, one_hot: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs, targets and weights for names given as index lists.

    x[i, 0] is the start (the zero vector, the course's ``X[0] = None``; index 0 for an embedding), x[i, t] the
    character t-1; y[i, t] is character t, then ``'\\n'``; w is 1 on real targets, 0 on padding.
    ``length`` pads to a fixed T_x.
    """
    m = len(encoded)
    T = max(max(len(e) for e in encoded) + 1, length or 0)
    x = np.zeros((m, T, vocab_size) if one_hot else (m, T), dtype=dtype if one_hot else np.int32)
    y = np.zeros((m, T), dtype=np.int32)  # (m, T_x)
    w = np.zeros((m, T), dtype=np.float32)  # (m, T_x)
    for i, e in enumerate(encoded):
        n = len(e)
        if one_hot:
            x[i, np.arange(1, n + 1), e] = 1.0
        else:
            x[i, 1:n + 1] = e
        y[i, :n] = e
        y[i, n] = NEWLINE
        w[i, :n + 1] = 1.0
    return x, y, w


def batches(encoded: Sequence[Sequence[int]], batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """One epoch's batches (index arrays): a seeded shuffle, sorted by length within runs of 32 batches (names of
    about one length together: less padding), the batches then shuffled."""
    order = rng.permutation(len(encoded))
    run = 32 * batch_size
    out = []
    for start in range(0, len(order), run):
        chunk = sorted(order[start:start + run].tolist(), key=lambda i: len(encoded[i]))
        out += [np.array(chunk[k:k + batch_size]) for k in range(0, len(chunk), batch_size)]
    return [out[i] for i in rng.permutation(len(out))]


def log_probs_keras(model: keras.Model, encoded: Sequence[Sequence[int]], batch_size: int = 512) -> np.ndarray:
    """Log-probability (nats) of each name, ``'\\n'`` included."""
    out = np.zeros(len(encoded))
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))  # less padding
    for start in range(0, len(encoded), batch_size):
        picked = order[start:start + batch_size]
        x, y, w = encode_batch([encoded[i] for i in picked], model.output.shape[-1], one_hot=_one_hot(model),
                               dtype=keras.backend.standardize_dtype(model.inputs[0].dtype))
        p = np.asarray(model(x, training=False), dtype=np.float64)  # (m, T_x, n_y)
        chosen = np.take_along_axis(p, y[:, :, None], axis=2)[:, :, 0]
        out[picked] = (np.log(np.clip(chosen, 1e-300, None)) * w).sum(axis=1)
    return out


def _recurrent(model: keras.Model) -> list:
    return [layer for layer in model.layers if isinstance(layer, keras.layers.RNN)]  # LSTM, GRU, SimpleRNN too


def _members(model: keras.Model) -> list[tuple]:
    """``(embedding layer or None, recurrent layers, output layer)`` of each network of the model."""
    tags = sorted((int(layer.name[len("next_char_m"):]) for layer in model.layers
                   if layer.name.startswith("next_char_m")))
    out = []
    for tag in [f"_m{k}" for k in tags] or [""]:
        rnns = [layer for layer in _recurrent(model) if layer.name.endswith(tag)]  # in the order they run
        embed = None if _one_hot(model) else model.get_layer(f"embed{tag}")
        out.append((embed, rnns, model.get_layer(f"next_char{tag}")))
    return out


def _state_sizes(layer) -> list[int]:
    size = layer.cell.state_size
    return list(size) if isinstance(size, (list, tuple)) else [size]


def keras_step(model: keras.Model) -> StepFn:
    """A ``step`` for :func:`.sample.generate`: one cell call per layer, network and character (state = every
    cell's states); the probabilities are the networks' mean, as in the model."""
    members = _members(model)
    n_x = model.output.shape[-1]
    dtype = keras.backend.standardize_dtype(model.output.dtype)

    def step(x_ix, states):
        m = states[0].shape[0]
        probs, new_states, k = 0.0, [], 0
        for embed, rnns, dense in members:
            if embed is not None:
                x = embed(np.zeros(m, dtype=np.int32) if x_ix is None else np.asarray(x_ix, dtype=np.int32))
            else:
                x = np.zeros((m, n_x), dtype=dtype)
                if x_ix is not None:
                    x[np.arange(m), x_ix] = 1.0
            for rnn in rnns:
                n = len(_state_sizes(rnn))
                x, s = rnn.cell(x, states[k:k + n], training=False)
                new_states += list(s) if isinstance(s, (list, tuple)) else [s]
                k += n
            probs = probs + np.asarray(dense(x))
        return probs / len(members), new_states  # one network: divided by 1, exactly its probabilities

    return step


def initial_states(model: keras.Model, m: int) -> list[np.ndarray]:
    dtype = keras.backend.standardize_dtype(model.output.dtype)
    return [np.zeros((m, s), dtype=dtype) for _, rnns, _ in _members(model) for layer in rnns
            for s in _state_sizes(layer)]


# ---------------------------------------------------------------- the course's parameters <-> SimpleRNN
# Keras stores the transposes of the course's matrices (x @ kernel rather than Wax @ x): Wax (n_a, n_x) is the
# rnn kernel (n_x, n_a), Waa the recurrent_kernel, b (n_a, 1) the bias (n_a,); Wya (n_y, n_a) is the next_char
# kernel (n_a, n_y), by (n_y, 1) its bias.
def _course_layers(model):
    rnn, dense = model.get_layer("rnn"), model.get_layer("next_char")
    if type(rnn).__name__ != "SimpleRNN" or len(_recurrent(model)) != 1 or not _one_hot(model):
        raise UserError(f"only a one-layer one-hot SimpleRNN model has the course's parameters "
                        f"(this one is {type(rnn).__name__})")
    return rnn, dense


def numpy_to_keras(parameters: dict[str, np.ndarray], model) -> None:
    """Load the course's ``Wax, Waa, b, Wya, by`` into a model from :func:`build_model` (cell simple_rnn)."""
    rnn, dense = _course_layers(model)
    expected = [w.shape for w in rnn.get_weights()] + [w.shape for w in dense.get_weights()]
    given = [parameters["Wax"].T.shape, parameters["Waa"].T.shape, parameters["b"][:, 0].shape,
             parameters["Wya"].T.shape, parameters["by"][:, 0].shape]
    if [tuple(s) for s in expected] != given:
        raise UserError(f"parameter shapes {given} do not fit the Keras model's {expected}")
    rnn.set_weights([parameters["Wax"].T, parameters["Waa"].T, parameters["b"][:, 0]])
    dense.set_weights([parameters["Wya"].T, parameters["by"][:, 0]])


def keras_to_numpy(model) -> dict[str, np.ndarray]:
    """The course's parameter dict (float64) from a SimpleRNN model."""
    rnn, dense = _course_layers(model)
    kernel, recurrent, bias = rnn.get_weights()
    dense_kernel, dense_bias = dense.get_weights()
    as64 = lambda w: np.ascontiguousarray(w, dtype=np.float64)  # noqa: E731
    return {"Wax": as64(kernel.T), "Waa": as64(recurrent.T), "Wya": as64(dense_kernel.T),
            "b": as64(bias[:, None]), "by": as64(dense_bias[:, None])}


# ---------------------------------------------------------------- training
@dataclass
class TrainResult:
    model: keras.Model
    epochs: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)  # nats per character (the epoch's mean)
    held_out_bpc: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # wall time from the start of train() to each epoch's end
    best_epoch: int = 0  # the epoch whose weights the model holds
    stopped: str = ""  # why training ended: "patience", "time budget" or "epochs"
    wall_time: float = 0.0

    @property
    def best_bpc(self) -> float:
        return self.held_out_bpc[self.best_epoch - 1]


def train(encoded_train, encoded_held_out, *, n_a=50, cell="lstm", layers=1, embedding=0, dropout=0.0,
          input_dropout=0.0, recurrent_dropout=0.0, members=1, matmul="float32", average_epochs=0.0, epochs=10,
          patience=0, time_budget=None, batch_size=32, epoch_batches=0, learning_rate=0.01, lr_drop=LR_DROP,
          weight_decay=0.0, clipnorm=5.0, seed=0,
          report: Callable[[str], None] | None = None, vocab_size=VOCAB_SIZE) -> TrainResult:
    """Build and fit a model (seeded with ``shared.seed.set_seed``), scoring the held-out names after every epoch.

    ``patience`` > 0: stop after that many epochs in a row without a held-out gain of ``MIN_GAIN``; ``time_budget``
    (seconds): stop after the epoch that ends past it. Either way the model ends with its best epoch's weights.
    After an epoch without such a gain the learning rate is multiplied by ``lr_drop`` (1: kept).
    ``average_epochs`` > 0: the optimizer also keeps an exponential moving average of the weights spanning about
    that many epochs (momentum ``1 - 1 / (average_epochs * batches per epoch)``); the averaged weights are what is
    scored, kept and returned, while training goes on from the raw ones.
    ``members`` > 1: that many networks trained side by side on the same batches, each on its own loss (an
    ensemble); the model predicts their mean.
    ``matmul`` ("float32" or "bfloat16", lstm only): the type of the recurrent layers' matrix products.
    ``epoch_batches`` > 0: an epoch is as many passes over the training names (each shuffled anew) as it takes to
    make at least that many batches; one pass when a pass has that many (a small list's pass is a few batches,
    too few to judge the held-out score by).
    ``simple_rnn`` is always one-hot (the course's input). A non-finite loss stops training (``stopped="diverged"``).
    """
    start = time.perf_counter()
    set_seed(seed)
    model = build_model(n_a, cell, vocab_size, layers=layers, embedding=0 if cell == "simple_rnn" else embedding,
                        dropout=dropout, input_dropout=input_dropout, recurrent_dropout=recurrent_dropout,
                        members=members, matmul_dtype=matmul)
    # each network learns on its own loss; the model (their mean) is what is scored and kept
    trainer = model if members == 1 else keras.Model(
        model.input, [dense.output for _, _, dense in _members(model)], name=f"{model.name}_members")
    per_pass = math.ceil(len(encoded_train) / batch_size)
    passes = max(1, math.ceil(epoch_batches / per_pass))  # passes over the training names per epoch
    averaging = {}
    if average_epochs:
        batches_per_epoch = passes * per_pass
        averaging = {"use_ema": True, "ema_momentum": max(0.0, 1 - 1 / (average_epochs * batches_per_epoch))}
    optimizer = keras.optimizers.AdamW(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                                       **averaging) if weight_decay else \
        keras.optimizers.Adam(learning_rate=learning_rate, clipnorm=clipnorm, **averaging)
    losses = ["sparse_categorical_crossentropy"] * members  # one per network
    trainer.compile(optimizer=optimizer, loss=losses[0] if members == 1 else losses, jit_compile=JIT_COMPILE)
    one_hot = _one_hot(model)
    rng = np.random.default_rng(seed)
    result, best_weights, last_gain = TrainResult(model), None, 0
    for epoch in range(1, epochs + 1):
        total = chars = 0.0
        for picked in [b for _ in range(passes) for b in batches(encoded_train, batch_size, rng)]:
            x, y, w = encode_batch([encoded_train[i] for i in picked], vocab_size, one_hot=one_hot)
            n = w.sum()
            w *= w.size / n  # Keras averages over all m * T_x entries: make that a mean over real characters
            if members == 1:
                loss = trainer.train_on_batch(x, y, sample_weight=w)
            else:  # the sum of the networks' losses
                loss = trainer.train_on_batch(x, [y] * members, sample_weight=[w] * members, return_dict=True)["loss"]
            total += float(loss) / members * n
            chars += n
        loss = float(total / chars)  # a Python float (chars is a numpy float32 sum)
        if average_epochs:  # score the averaged weights (the raw ones are put back below)
            raw = [v.numpy() for v in trainer.trainable_variables]
            optimizer.finalize_variable_values(trainer.trainable_variables)
        bpc = bits_per_char(log_probs_keras(model, encoded_held_out), encoded_held_out)
        result.epochs.append(epoch)
        result.train_loss.append(loss)
        result.held_out_bpc.append(bpc)
        result.seconds.append(time.perf_counter() - start)
        if report is not None:
            report(f"epoch {epoch}: train loss {loss:.4f} nats/char ({loss / math.log(2):.4f} bits/char), held-out "
                   f"{'(weight average) ' if average_epochs else ''}{bpc * math.log(2):.4f} nats/char "
                   f"({bpc:.4f} bits/char), {result.seconds[-1]:.0f} s")
        if not (math.isfinite(loss) and math.isfinite(bpc)):
            result.stopped = "diverged"
            break
        gain = math.inf if best_weights is None else result.best_bpc - bpc
        if gain > 0:
            result.best_epoch, best_weights = epoch, model.get_weights()
        if average_epochs:  # training goes on from the raw weights
            for variable, value in zip(trainer.trainable_variables, raw):
                variable.assign(value)
        if gain > MIN_GAIN:
            last_gain = epoch
        elif lr_drop != 1:
            optimizer.learning_rate.assign(float(optimizer.learning_rate.numpy()) * lr_drop)
        if patience and epoch - last_gain >= patience:
            result.stopped = "patience"
            break
        if time_budget is not None and result.seconds[-1] >= time_budget:
            result.stopped = "time budget"
            break
    else:
        result.stopped = "epochs"
    if best_weights is not None:
        model.set_weights(best_weights)
    result.wall_time = time.perf_counter() - start
    return result
