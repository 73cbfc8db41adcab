"""Whether a dinosaur run fits in memory, checked before training: one ``error:`` line instead of a MemoryError.

The estimates are upper bounds of the arrays a run allocates (float64 for numpy, float32 for Keras), from the
sizes known up front: the hidden units, the vocabulary, the longest name, the batch and sample counts. The
budget is the memory this process may still use: the smallest of ``MemAvailable``, the cgroup limit and the
address-space limit (``ulimit -v``). Not in the course: it allocated what it needed and failed if it could not.
"""
from __future__ import annotations

import resource
from pathlib import Path

from shared.run import UserError

SHARE = 0.8  # of the budget a run may plan to use (the interpreter, numpy and TensorFlow need the rest)
_ARRAY = 112  # bytes a small numpy array costs besides its data


def _read_int(path: str) -> int | None:
    try:
        text = Path(path).read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def status_bytes(field: str, pid: int | str = "self") -> int | None:
    """A ``kB`` field of ``/proc/PID/status`` (``VmRSS``, ``VmSize``, ``VmHWM``) in bytes; None when there is none
    (no /proc, or the process has ended)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _rss() -> int:
    return status_bytes("VmRSS") or 0


def _vm_size() -> int:
    return status_bytes("VmSize") or 0


def budget_bytes() -> int | None:
    """Bytes this process may still allocate, or ``None`` when nothing says (no /proc, no limits)."""
    limits = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                limits.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    cgroup_max, cgroup_now = _read_int("/sys/fs/cgroup/memory.max"), _read_int("/sys/fs/cgroup/memory.current")
    if cgroup_max is not None and cgroup_now is not None:
        limits.append(max(0, cgroup_max - cgroup_now))
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        limits.append(max(0, soft - _vm_size()))
    soft, _ = resource.getrlimit(resource.RLIMIT_DATA)
    if soft != resource.RLIM_INFINITY:
        limits.append(max(0, soft - _rss()))
    return min(limits) if limits else None


def _gib(n: float) -> str:
    return f"{n / 2 ** 30:.2f} GiB" if n >= 2 ** 28 else f"{n / 2 ** 20:.0f} MiB"


def check_fits(what: str, needed: int, hint: str, budget: int | None = None) -> None:
    """:class:`UserError` if ``needed`` bytes exceed :data:`SHARE` of the budget."""
    budget = budget_bytes() if budget is None else budget
    if budget is not None and needed > SHARE * budget:
        raise UserError(f"{what} needs about {_gib(needed)} of memory, more than the {_gib(SHARE * budget)} this "
                        f"run can use; {hint}")


def numpy_training(n_a: int, vocab_size: int, longest: int, fast: bool) -> int:
    """The numpy model's training: parameters, gradients and the step's buffers (fast) or per-step arrays (course)."""
    flat = n_a * (2 * vocab_size + n_a + 1) + vocab_size
    if fast:
        from .fast import step_floats

        # the step buffers (step_floats per step) and a name's index plan; parameters, gradients, update
        return 8 * step_floats(n_a, vocab_size) * (longest + 1) * 2 + 8 * 8 * flat
    per_step = 8 * (3 * vocab_size + 4 * n_a) + 6 * _ARRAY  # x, y_hat, dy, a, da, daraw of one step
    return 12 * 8 * flat + per_step * (longest + 1)  # params, gradients, clip's copy, update temporaries


def numpy_sampling(n_a: int, vocab_size: int, samples: int) -> int:
    """``--samples`` names drawn in parallel: the hidden states and a few (samples, vocab) arrays per step."""
    return 8 * samples * (4 * n_a + 8 * vocab_size) + 8 * 51 * samples


def keras_training(n_a: int, vocab_size: int, longest: int, batch_size: int, n_names: int, n_chars: int) -> int:
    """One padded batch (one-hot inputs, probabilities, gradients, the LSTM's gates) and the encoded names."""
    steps = longest + 1
    batch = 4 * batch_size * steps * (6 * vocab_size + 12 * n_a)
    scoring = 4 * 512 * steps * (3 * vocab_size + 8 * n_a)
    return batch + scoring + 100 * n_names + 36 * n_chars
