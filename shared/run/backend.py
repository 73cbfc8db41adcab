"""The compute backend of a run: Keras compiled without XLA and imported without matplotlib; numpy's BLAS threads;
TensorFlow's oneDNN kernels for bfloat16 products.

Every ``model.compile`` passes ``jit_compile=JIT_COMPILE``: for these small recurrent models on a CPU, XLA (Keras 3's
default) is about twice as slow (bench/README.md), and it changes only float rounding, never a course value.
numpy's BLAS threads are read and set at run time (``threadpoolctl``); where impossible: ``None``/``False``.
The project's commands import TensorFlow with its oneDNN kernels off (``shared/__init__``); a command that multiplies
in bfloat16 turns them on as it imports Keras (``import_keras(onednn=True)``): without them TensorFlow's bfloat16
product is emulated, slower than float32.
"""
from __future__ import annotations

import contextlib
import functools
import os
import sys
import tempfile

JIT_COMPILE = False  # Keras' ``compile(jit_compile=...)`` for every model of the project


def import_keras(onednn: bool = False):
    """``import keras`` without matplotlib (Keras 3 imports ``pyplot`` for helpers never called here: about a second).

    A command that draws in a child process (:mod:`shared.run.drawing`) calls this first; matplotlib stays
    importable afterwards. With oneDNN on, TensorFlow's notice that it is (two lines on stderr, whatever
    ``TF_CPP_MIN_LOG_LEVEL`` says) is left out; anything else written there comes through.
    ``onednn``: turn TensorFlow's oneDNN kernels on first (:func:`enable_onednn`; only before TensorFlow's import).
    """
    if onednn:
        enable_onednn()
    if "keras" in sys.modules:
        return sys.modules["keras"]
    hidden = [name for name in ("matplotlib", "matplotlib.pyplot") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # "import matplotlib" raises ImportError while this holds
    quiet = _without_onednn_notice() if "tensorflow" not in sys.modules and onednn_enabled() \
        else contextlib.nullcontext()
    try:
        with quiet:
            import keras
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return keras


ONEDNN_NOTICE = (b"oneDNN custom operations are on", b"All log messages before absl::InitializeLog() is called")


@contextlib.contextmanager
def _without_onednn_notice():
    """File descriptor 2 into a temporary file while TensorFlow starts, then its lines written back to stderr, but
    those of TensorFlow's oneDNN notice."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            kept = [line for line in caught.read().splitlines(keepends=True)
                    if not any(notice in line for notice in ONEDNN_NOTICE)]
            if kept:
                os.write(2, b"".join(kept))


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


def bf16_matmul_hardware() -> bool:
    """Whether the CPU multiplies bfloat16 matrices in hardware (AMX or AVX-512 BF16), from Linux's
    ``/proc/cpuinfo``; False where that cannot be read."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        return False
    return bool({"amx_bf16", "avx512_bf16"} & set(flags))


def enable_onednn() -> bool:
    """Turn on TensorFlow's oneDNN kernels for this process if TensorFlow is not imported yet (the switch is read
    at import); return whether they are on."""
    if "tensorflow" not in sys.modules:
        os.environ["TF_ENABLE_ONEDNN_OPTS"] = "1"
    return onednn_enabled()


def onednn_enabled() -> bool:
    """Whether TensorFlow's oneDNN kernels are on (or will be, at import): TensorFlow's default on x86 Linux."""
    return os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1").strip().lower() not in ("0", "false", "off")
