"""Looking: a piano roll of the generated solo over its chords, above the original solo window.

Not in the course (which only plays the MIDI). Melody notes are solid bars, chord notes pale bars,
time in beats from each solo's start; both panels share the pitch axis so ranges compare at a glance.
Written as PNG, atomically.
"""
from __future__ import annotations

import os
from pathlib import Path

from shared.plotting import save_png

from .metrics import SoloNotes, pitch_name


def _draw(ax, solo: SoloNotes, title: str, color: str) -> None:
    chord_notes = [(onset, max(length, 0.05), p) for onset, length, pitches in solo.chords for p in pitches]
    if chord_notes:
        onsets, lengths, pitches = zip(*chord_notes)
        ax.barh(pitches, lengths, left=onsets, height=0.8, color="#c8c8c8", label="chords")
    if solo.notes:
        onsets, lengths, pitches = zip(*solo.notes)
        ax.barh(pitches, [max(x, 0.05) for x in lengths], left=onsets, height=0.8, color=color,
                edgecolor="black", linewidth=0.3, label="melody")
    ax.set_title(title, fontsize=10)
    ax.set_ylabel("pitch")
    ax.grid(axis="x", alpha=0.3)
    if solo.notes or chord_notes:
        ax.legend(loc="upper right", fontsize=8)


def plot_pianoroll(path: str | os.PathLike, generated: SoloNotes, original: SoloNotes,
                   generated_title: str = "generated solo", original_title: str = "original solo window") -> Path:
    """Two stacked piano rolls (generated above, original below) saved as PNG at ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pitches = [n[2] for s in (generated, original) for n in s.notes] + \
              [p for s in (generated, original) for c in s.chords for p in c[2]]
    low, high = (min(pitches) - 2, max(pitches) + 2) if pitches else (48, 84)
    fig, axes = plt.subplots(2, 1, figsize=(12, 7), dpi=100, sharey=True)
    _draw(axes[0], generated, generated_title, "#d9534f")
    _draw(axes[1], original, original_title, "#337ab7")
    ticks = list(range(low - low % 12 + 12, high + 1, 12))
    for ax in axes:
        ax.set_ylim(low, high)
        ax.set_yticks(ticks)
        ax.set_yticklabels([pitch_name(t) for t in ticks])
    axes[1].set_xlabel("beats")
    fig.tight_layout()
    return save_png(fig, path)
