"""Inline audio players for the notebooks' WAV files, small enough to keep in an exported page.

FluidSynth renders 44.1 kHz stereo; a player embeds its sound in the notebook (and in the HTML export), so
:func:`player` mixes it down to mono at half the rate (about 1 MB for 20 s instead of 3.4 MB). When there is no
WAV (FluidSynth or a soundfont is not installed), it says so in one line instead of failing.
"""
from __future__ import annotations

import wave
from pathlib import Path

import numpy as np


def player(path, title: str = "", seconds: float | None = None):
    """An ``IPython.display.Audio`` player for the 16-bit WAV at ``path`` (the first ``seconds`` if given)."""
    from IPython.display import Audio, display

    path = Path(path)
    if not path.is_file():
        print(f"no sound for {title or path.name}: {path} was not rendered (FluidSynth and a General MIDI "
              f"soundfont are needed: make system-deps)")
        return None
    with wave.open(str(path)) as w:
        rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        frames = w.readframes(w.getnframes() if seconds is None else min(w.getnframes(), int(seconds * rate)))
    if width != 2:
        raise ValueError(f"{path}: {8 * width}-bit samples, expected 16-bit")
    samples = np.frombuffer(frames, dtype="<i2").reshape(-1, channels).mean(axis=1)
    samples = samples[: len(samples) // 2 * 2].reshape(-1, 2).mean(axis=1)  # half the rate
    if title:
        print(f"{title} ({len(samples) / (rate / 2):.1f} s)")
    display(Audio(samples / 32768.0, rate=rate // 2, normalize=False))
