"""Child processes a run starts (FluidSynth): recorded so that an interrupted run stops them.

``subprocess.run`` kills its child when the *Python* code is interrupted, but a run that dies from an
unhandled SIGTERM never gets there, and a ``Popen`` left running outlives the CLI. Start every child
through :func:`spawn` (a recorded ``Popen``) or :func:`run_child` (a recorded ``subprocess.run``):
:func:`shared.cli.run` stops whatever is still running when the run ends, however it ends (SIGTERM, then
SIGKILL after :data:`shared.cleanup.CHILD_GRACE_S` seconds). The course started no processes.
"""
from __future__ import annotations

import subprocess
from typing import Sequence

from . import cleanup


def spawn(args: Sequence[str], **popen_kwargs) -> subprocess.Popen:
    """``subprocess.Popen(args, **popen_kwargs)``, recorded for :func:`shared.cleanup.stop_children`."""
    return cleanup.track_child(subprocess.Popen(list(args), **popen_kwargs))


def run_child(args: Sequence[str], timeout: float | None = None, input: str | bytes | None = None,
              capture_output: bool = True, text: bool = True, **popen_kwargs) -> subprocess.CompletedProcess:
    """Like ``subprocess.run(args, capture_output=..., text=..., timeout=...)``; the child is recorded while it runs.

    On a timeout or any interruption the child is killed and reaped before the exception propagates.
    """
    if capture_output:
        popen_kwargs.setdefault("stdout", subprocess.PIPE)
        popen_kwargs.setdefault("stderr", subprocess.PIPE)
    if input is not None:
        popen_kwargs.setdefault("stdin", subprocess.PIPE)
    process = spawn(args, text=text, **popen_kwargs)
    try:
        out, err = process.communicate(input, timeout=timeout)
    except BaseException:  # TimeoutExpired, KeyboardInterrupt, SIGTERM (shared.signals.Interrupted)
        process.kill()
        process.wait()
        raise
    finally:
        if process.poll() is not None:
            cleanup.untrack_child(process)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)
