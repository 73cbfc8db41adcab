"""The compute backend of a run: how Keras is compiled (without XLA) and imported (without matplotlib), and
numpy's BLAS thread count.

Keras 3 on TensorFlow compiles a model's training step with XLA by default (``compile(jit_compile="auto")``
turns it on whenever the model allows it). For the small recurrent models here, run on a CPU, XLA is the
slower choice: measured on this project's 2-core machine, one epoch of the Shakespeare LSTM (128 units,
4096 windows) took 20.6 s with XLA and 10.4 s without, and compiling the step took about 4 s longer. Every
``model.compile`` in the project passes ``jit_compile=JIT_COMPILE``. Compiling with XLA or without changes
only float rounding, never a course value: the course trained these models with tf.keras 2, which had no
XLA by default either.

numpy's BLAS threads are read and set at run time (``threadpoolctl``): ``OPENBLAS_NUM_THREADS`` only counts
before numpy is imported. Where the BLAS cannot be controlled the functions return ``None``/``False``.
"""
from __future__ import annotations

import functools
import sys

JIT_COMPILE = False  # Keras' ``compile(jit_compile=...)`` for every model of the project


def import_keras():
    """``import keras`` without matplotlib: the module, imported once.

    Keras 3 imports ``matplotlib.pyplot`` as it loads (for its image-gallery plotting helpers, which this
    project never calls) whenever matplotlib is installed: about a second of every Keras import here. A
    command that draws its pictures in a child process (:mod:`shared.run.drawing`) calls this before its first
    Keras import, so that Keras finds no matplotlib (``plt = None`` in those helpers) while the child imports
    it on the other core. matplotlib stays importable afterwards; a process that already imported it (the
    tests) gets Keras as usual.
    """
    if "keras" in sys.modules:
        return sys.modules["keras"]
    hidden = [name for name in ("matplotlib", "matplotlib.pyplot") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # "import matplotlib" raises ImportError while this holds
    try:
        import keras
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return keras


@functools.lru_cache(maxsize=1)
def _controller():
    import numpy  # noqa: F401 -- make sure numpy's BLAS is loaded
    from threadpoolctl import ThreadpoolController

    controller = ThreadpoolController().select(user_api="blas")
    return controller if controller.lib_controllers else None


def get_blas_threads() -> int | None:
    """numpy's BLAS thread count, or None when it cannot be queried."""
    controller = _controller()
    return None if controller is None else int(controller.lib_controllers[0].num_threads)


def set_blas_threads(n: int) -> bool:
    """Set numpy's BLAS thread count to ``n``; return False (changing nothing) when impossible."""
    if n < 1:
        raise ValueError(f"thread count must be >= 1, got {n}")
    controller = _controller()
    if controller is None:
        return False
    for lib in controller.lib_controllers:
        lib.set_num_threads(int(n))
    return True
