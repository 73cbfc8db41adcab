"""Read and set the number of threads of numpy's BLAS at run time (through ``threadpoolctl``).

``OPENBLAS_NUM_THREADS`` only counts before numpy is imported; benchmarks that compare thread
counts in one process need to change it afterwards. Where numpy's BLAS cannot be controlled the
functions return ``None``/``False`` and change nothing.
"""
from __future__ import annotations

import functools


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
