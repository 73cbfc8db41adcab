"""Read and set the number of threads of the OpenBLAS library numpy is using, at run time.

``OPENBLAS_NUM_THREADS`` only counts before numpy is imported; benchmarks that compare thread
counts in one process need to change it afterwards. This finds the OpenBLAS shared library
already loaded by numpy (through ``/proc/self/maps``) and calls its ``*_set_num_threads``.
Where that is impossible (another BLAS, another OS) the functions return ``None``/``False``
and change nothing.
"""
from __future__ import annotations

import ctypes
import functools
from pathlib import Path

_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
            "openblas_set_num_threads64_", "openblas_set_num_threads")
_GETTERS = ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads",
            "openblas_get_num_threads64_", "openblas_get_num_threads")


@functools.lru_cache(maxsize=1)
def _library():
    import numpy  # noqa: F401 -- make sure numpy's BLAS is loaded

    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    paths = sorted({line.split()[-1] for line in maps.splitlines()
                    if "openblas" in line.lower() and line.split()[-1].startswith("/")})
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        setter = next((getattr(lib, n) for n in _SETTERS if hasattr(lib, n)), None)
        getter = next((getattr(lib, n) for n in _GETTERS if hasattr(lib, n)), None)
        if setter is not None and getter is not None:
            setter.argtypes, setter.restype = [ctypes.c_int], None
            getter.argtypes, getter.restype = [], ctypes.c_int
            return setter, getter
    return None


def get_blas_threads() -> int | None:
    """The OpenBLAS thread count, or None when numpy's BLAS cannot be queried."""
    lib = _library()
    return None if lib is None else int(lib[1]())


def set_blas_threads(n: int) -> bool:
    """Set the OpenBLAS thread count to ``n``; return False (changing nothing) when impossible."""
    if n < 1:
        raise ValueError(f"thread count must be >= 1, got {n}")
    lib = _library()
    if lib is None:
        return False
    lib[0](int(n))
    return True
