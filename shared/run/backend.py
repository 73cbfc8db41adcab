"""The compute backend of a run: Keras compiled without XLA and imported without matplotlib; numpy's BLAS threads.

Every ``model.compile`` passes ``jit_compile=JIT_COMPILE``: for these small recurrent models on a CPU, XLA (Keras 3's
default) is about twice as slow (bench/README.md), and it changes only float rounding, never a course value.
numpy's BLAS threads are read and set at run time (``threadpoolctl``); where impossible: ``None``/``False``.
"""
from __future__ import annotations

import functools
import sys

JIT_COMPILE = False  # Keras' ``compile(jit_compile=...)`` for every model of the project


def import_keras():
    """``import keras`` without matplotlib (Keras 3 imports ``pyplot`` for helpers never called here: about a second).

    A command that draws in a child process (:mod:`shared.run.drawing`) calls this first; matplotlib stays
    importable afterwards.
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
