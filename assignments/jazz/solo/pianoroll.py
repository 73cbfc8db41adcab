"""Looking: a piano roll of the generated solo over its chords, above the original solo window.

Not in the course (which only plays the MIDI). Melody notes are solid bars, chord notes pale bars. The two
panels share one beat axis (time in beats from each solo's start) and one pitch axis, so lengths and ranges
compare at a glance; each panel carries its own axis labels and tick labels. The bars of a panel are drawn as
two collections (one per colour) rather than one rectangle each, which keeps a run's drawing well under a
second. matplotlib is imported here, with the Agg backend, only when a piano roll is drawn. Written as PNG,
atomically.
"""
from __future__ import annotations

import os
from pathlib import Path

from shared.plotting import save_png

from ..midi.notes import Passage, pitch_name

MIN_WIDTH = 0.05  # beats: a zero-length note still shows
BAR_HEIGHT = 0.8  # semitones
MELODY_COLOURS = ("#d9534f", "#337ab7")  # generated, original
CHORD_COLOUR = "#c8c8c8"


def _bars(items) -> list[list[tuple[float, float]]]:
    """Rectangles ``(onset, length, pitch)`` -> polygon vertices for a PolyCollection."""
    half = BAR_HEIGHT / 2
    bars = []
    for onset, length, pitch in items:
        right = onset + max(length, MIN_WIDTH)
        bars.append([(onset, pitch - half), (right, pitch - half), (right, pitch + half), (onset, pitch + half)])
    return bars


def _draw(ax, solo: Passage, title: str, colour: str) -> None:
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Patch

    chord_bars = _bars((c.offset, c.quarter_length, p) for c in solo.chords for p in c.midis)
    melody_bars = _bars((n.offset, n.quarter_length, n.midi) for n in solo.notes)
    handles = []
    if chord_bars:
        ax.add_collection(PolyCollection(chord_bars, facecolors=CHORD_COLOUR, edgecolors="none"))
        handles.append(Patch(color=CHORD_COLOUR, label="chords"))
    if melody_bars:
        ax.add_collection(PolyCollection(melody_bars, facecolors=colour, edgecolors="black", linewidths=0.3))
        handles.append(Patch(facecolor=colour, edgecolor="black", linewidth=0.3, label="melody"))
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("beats")
    ax.set_ylabel("pitch")
    ax.tick_params(labelbottom=True)  # a shared x axis hides the upper panel's tick labels by default
    ax.grid(axis="x", alpha=0.3)
    if handles:
        ax.legend(handles=handles, loc="upper right", fontsize=8)


def plot_pianoroll(path: str | os.PathLike, generated: Passage, original: Passage,
                   generated_title: str = "generated solo", original_title: str = "original solo window") -> Path:
    """Two stacked piano rolls (generated above, original below) on one beat axis, saved as PNG at ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pitches = [n.midi for s in (generated, original) for n in s.notes] + \
              [p for s in (generated, original) for c in s.chords for p in c.midis]
    low, high = (min(pitches) - 2, max(pitches) + 2) if pitches else (48, 84)
    end = max(generated.end, original.end, 1.0)
    fig, axes = plt.subplots(2, 1, figsize=(12, 7), dpi=100, sharex=True, sharey=True)
    _draw(axes[0], generated, generated_title, MELODY_COLOURS[0])
    _draw(axes[1], original, original_title, MELODY_COLOURS[1])
    ticks = list(range(low - low % 12 + 12, high + 1, 12))
    axes[0].set_xlim(0, end)
    axes[0].set_ylim(low, high)
    for ax in axes:
        ax.set_yticks(ticks)
        ax.set_yticklabels([pitch_name(t) for t in ticks])
    fig.subplots_adjust(left=0.06, right=0.985, top=0.955, bottom=0.075, hspace=0.32)  # fixed: no layout pass
    return save_png(fig, path)
