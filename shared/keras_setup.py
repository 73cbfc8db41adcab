"""How this project compiles Keras models: without XLA.

Keras 3 on TensorFlow compiles a model's training step with XLA by default (``compile(jit_compile="auto")``
turns it on whenever the model allows it). For the small recurrent models here, run on a CPU, XLA is the
slower choice: measured on this project's 2-core machine, one epoch of the Shakespeare LSTM (128 units,
4096 windows) took 20.6 s with XLA and 10.4 s without, and compiling the step took about 4 s longer. Every
``model.compile`` in the project passes ``jit_compile=JIT_COMPILE``. Compiling with XLA or without changes
only float rounding, never a course value: the course trained these models with tf.keras 2, which had no
XLA by default either.
"""
from __future__ import annotations

JIT_COMPILE = False  # Keras' ``compile(jit_compile=...)`` for every model of the project
