"""From the trained LSTM to a sequence of value indices, as one compiled loop (the project's sampler).

The course decodes with ``predict_and_sample`` (:mod:`~assignments.jazz.course`): ``predict()`` on a
``Ty``-output ``music_inference_model``, greedy. :class:`Sampler` runs the whole ``Ty``-step loop as one
compiled TensorFlow function over the same ``LSTMCell`` and ``densor``, traced once for any ``Ty``, seed and
chunk, and decodes greedily (the course's argmax, the same indices: tested) or samples with a temperature
and an optional top-k cut, seeded: the same ``(seed, stream)`` gives the same indices. ``stream`` lets each
chunk of a solo draw its own sequence from one seed. Temperature and top-k are checked by
:func:`shared.sampling.check_sampling`, as every sampler of the project does.

The project's sampling protocol (:func:`shared.sampling.generate` over :func:`lstm_step`, re-weighted by
:func:`shared.sampling.reweight`, drawn with the sampler's own Gumbel noise, :meth:`Sampler.noise`) is the
reference: the compiled loop draws the same indices (``tests/test_jazz_model.py::
test_compiled_sampler_draws_what_the_sampling_protocol_draws``) and is the fast path a run uses.
"""
from __future__ import annotations

import numpy as np

from shared.sampling import check_sampling


class Sampler:
    """A compiled ``Ty``-step generation loop over the trained ``LSTM_cell`` and ``densor``.

    ``sampler(Ty, seed=0, stream=0)`` returns the indices ``(Ty,)``. With ``greedy=True`` it is the
    course's decoding (argmax fed back one-hot from a zero start); otherwise each step draws from
    ``softmax(log p / temperature)`` restricted to the ``top_k`` most likely values (Gumbel-max, with
    noise from TensorFlow's stateless generator keyed by ``(seed, stream)``).
    """

    # steps per iteration of the compiled while_loop. Tracing grows with it, a step's time hardly moves (figures in
    # bench/README.md), and the indices are the same for any value (the noise is drawn for blocks * UNROLL steps, and the first Ty rows do not depend on that count)
    UNROLL = 2

    def __init__(self, LSTM_cell, densor, greedy: bool = True, temperature: float = 1.0,
                 top_k: int | None = None):
        import tensorflow as tf

        self.n_values = densor.units
        self.n_a = LSTM_cell.units
        check_sampling(temperature, top_k, self.n_values)
        self.greedy, self.temperature, self.top_k = greedy, float(temperature), top_k
        cell = LSTM_cell.cell
        n_values, n_a = self.n_values, self.n_a
        k = top_k or n_values

        def step(x, state, noise):  # one generation step; the layers' own call(), without Keras' __call__ wrapping
            a, state = cell.call(x, state)                                         # (1, n_a)
            probs = densor.call(a)                                                 # (1, n_values)
            if greedy:
                index = tf.argmax(probs, axis=-1, output_type=tf.int32)            # (1,)
            else:  # Gumbel-max: argmax(log p / T + g) is a draw from softmax(log p / T)
                logits = tf.math.log(tf.maximum(probs, 1e-30)) / temperature
                if k < n_values:
                    kth = tf.math.top_k(logits, k=k).values[:, -1:]                # (1, 1)
                    logits = tf.where(logits < kth, tf.fill(tf.shape(logits), -np.inf), logits)
                index = tf.argmax(logits + noise, axis=-1, output_type=tf.int32)
            return tf.one_hot(index, n_values), state, index                       # x: (1, n_values)

        unroll = self.UNROLL

        def gumbel_noise(steps, seed):
            uniform = tf.random.stateless_uniform((steps, 1, n_values), seed=seed, minval=1e-20, maxval=1.0)
            return -tf.math.log(-tf.math.log(uniform))

        self._noise = gumbel_noise

        def loop(Ty, seed):
            blocks = (Ty + unroll - 1) // unroll
            gumbel = gumbel_noise(blocks * unroll, seed)                           # (steps, 1, n_values)

            def block(b, x, a, c, out):                                            # `unroll` steps per iteration
                state = [a, c]
                indices = []
                for i in range(unroll):
                    x, state, index = step(x, state, gumbel[b * unroll + i])
                    indices.append(index)
                return b + 1, x, state[0], state[1], out.write(b, tf.concat(indices, axis=0))

            start = (tf.constant(0), tf.zeros((1, n_values)), tf.zeros((1, n_a)), tf.zeros((1, n_a)),
                     tf.TensorArray(tf.int32, size=blocks, element_shape=(unroll,)))
            *_, out = tf.while_loop(lambda b, *_: b < blocks, block, start)      # x, a, c: zeros at the start
            return tf.reshape(out.stack(), (-1,))[:Ty]                             # (Ty,)

        # written as an explicit while_loop, so tracing needs no autograph conversion (a second saved per run)
        self._loop = tf.function(loop, autograph=False, input_signature=[tf.TensorSpec([], tf.int32),
                                                                         tf.TensorSpec([2], tf.int32)])

    def noise(self, Ty: int, seed: int = 0, stream: int = 0) -> np.ndarray:
        """The Gumbel noise ``(Ty, n_values)`` the loop adds to its logits for ``(seed, stream)``."""
        steps = -(-Ty // self.UNROLL) * self.UNROLL  # drawn for whole blocks; the first Ty rows do not depend on it
        key = np.array([seed % (2 ** 31), stream], np.int32)
        return self._noise(steps, key).numpy()[:Ty, 0]

    def __call__(self, Ty: int, seed: int = 0, stream: int = 0) -> np.ndarray:
        """Indices ``(Ty,)``; the same ``(seed, stream)`` gives the same values."""
        if Ty <= 0:
            raise ValueError(f"Ty must be > 0, got {Ty}")
        key = np.array([seed % (2 ** 31), stream], np.int32)
        return self._loop(np.int32(Ty), key).numpy().astype(np.int64)


def lstm_step(LSTM_cell, densor):
    """The model's ``step(x, state) -> (probabilities, state)`` for :func:`shared.sampling.generate`: ``x`` a value
    index (None: the zero start of the course's inference model), ``state`` the LSTM's ``[a, c]`` (None: zeros)."""
    n_values, n_a = densor.units, LSTM_cell.units

    def step(x, state):
        inputs = np.zeros((1, n_values), np.float32)                               # (1, n_values)
        if x is not None:
            inputs[0, x] = 1.0
        a, state = LSTM_cell.cell.call(inputs, state or [np.zeros((1, n_a), np.float32)] * 2)  # (1, n_a)
        return np.asarray(densor.call(a))[0], state                                # (n_values,)

    return step
