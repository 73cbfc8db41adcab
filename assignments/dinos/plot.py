"""The loss curve of a dinosaur run, drawn by a child process that imports matplotlib while the parent trains.

Importing matplotlib and drawing a figure take more than a second, a fifth of ``make dinos``; the course's
training is one core's work, and the machine has another. :class:`CurvePlotter` is a
:class:`shared.run.drawing.Drawing` for one curve: made before training, its child imports matplotlib at once;
:meth:`~CurvePlotter.submit` hands the curve over when training is done (the child draws while the parent
samples and writes the other files) and :meth:`~CurvePlotter.result` waits for the PNG. When matplotlib is
already imported or the run is short, :func:`worth_a_child` says so and the curve is drawn in-process.
Not in the course: it drew no files.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, Sequence

from shared.run.drawing import Drawing, worth_a_child
from shared.plotting import plot_curves

__all__ = ["CurvePlotter", "worth_a_child"]

Curves = Mapping[str, tuple[Sequence[float], Sequence[float]]]


class CurvePlotter(Drawing):
    """Draws one PNG: :meth:`submit` the curve, :meth:`result` waits for the file (a child when ``background``)."""

    _path: Path | None = None

    def submit(self, path: str | os.PathLike, curves: Curves, title: str, xlabel: str, ylabel: str) -> None:
        """Hand the curve over (the child starts drawing while the caller goes on); in-process: draw it now."""
        self._path = Path(path)
        self.draw(plot_curves, self._path, dict(curves), title, xlabel, ylabel)

    def result(self) -> Path:
        """The PNG's path once it is written; one :class:`UserError` line if the child could not write it."""
        if self._path is None:
            raise RuntimeError("submit() a curve first")
        self.wait()
        return self._path

    def plot(self, path: str | os.PathLike, curves: Curves, title: str, xlabel: str, ylabel: str) -> Path:
        """:meth:`submit` then :meth:`result`."""
        self.submit(path, curves, title, xlabel, ylabel)
        return self.result()
