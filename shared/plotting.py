"""PNG plots written with matplotlib's Agg backend (no display needed), atomically."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, Sequence

from .run.io import atomic_path


def plot_curves(path: str | os.PathLike, curves: Mapping[str, tuple[Sequence[float], Sequence[float]]],
                title: str, xlabel: str, ylabel: str) -> Path:
    """Plot named ``(x, y)`` curves on one axis and save as PNG at ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    for label, (xs, ys) in curves.items():
        ax.plot(list(xs), list(ys), label=label)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    if all(float(x).is_integer() for xs, _ in curves.values() for x in xs):  # epochs, iterations: no tick at 2.5
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if len(curves) > 1:
        ax.legend()
    fig.tight_layout()
    return save_png(fig, path)


def save_png(fig, path: str | os.PathLike) -> Path:
    """Save a matplotlib figure as PNG at ``path`` atomically, then close it."""
    import matplotlib.pyplot as plt

    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
    return Path(path)
