"""Listening: the generated MIDI rendered to a WAV file with FluidSynth and a General MIDI soundfont.

The course's optional ``mid2wav`` drew every note as a sine wave at "A = 500 Hz" with pydub; here the
solo is played by a real synthesizer (Debian: ``apt-get install fluidsynth``, which brings the
``timgm6mb-soundfont``). The course's file has no program change, so every part sounds as a piano.
Where FluidSynth is missing, :func:`find_fluidsynth` returns None and the caller says so in one line.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from shared.errors import UserError
from shared.io import atomic_path

SOUNDFONT_DIRS = ("/usr/share/sounds/sf2", "/usr/share/soundfonts")
PREFERRED = ("default-GM.sf2", "default.sf2", "TimGM6mb.sf2", "FluidR3_GM.sf2")


def find_fluidsynth() -> str | None:
    """The ``fluidsynth`` executable on PATH, or None."""
    return shutil.which("fluidsynth")


def find_soundfont(explicit: str | os.PathLike | None = None,
                   search_dirs: tuple[str, ...] = SOUNDFONT_DIRS) -> Path | None:
    """``explicit`` (must exist), else the first usual General MIDI soundfont found, else None."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise UserError(f"soundfont not found: {path}")
        return path
    for directory in search_dirs:
        folder = Path(directory)
        if not folder.is_dir():
            continue
        for name in PREFERRED:
            if (folder / name).is_file():
                return folder / name
        found = sorted(folder.glob("*.sf2"))
        if found:
            return found[0]
    return None


def render_wav(midi_path: str | os.PathLike, wav_path: str | os.PathLike, soundfont: str | os.PathLike,
               fluidsynth: str = "fluidsynth", sample_rate: int = 44100, gain: float = 0.8,
               timeout: float = 120.0) -> Path:
    """Render ``midi_path`` to a 16-bit WAV at ``wav_path`` (atomically); UserError if FluidSynth fails."""
    with atomic_path(wav_path) as tmp:
        command = [fluidsynth, "-ni", "-q", "-g", str(gain), "-r", str(sample_rate), "-T", "wav",
                   "-F", str(tmp), str(soundfont), str(midi_path)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise UserError(f"FluidSynth could not render {midi_path}: {exc}") from None
        if done.returncode != 0 or not tmp.is_file() or tmp.stat().st_size <= 44:
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise UserError(f"FluidSynth could not render {midi_path}: "
                            f"{detail[-1] if detail else f'exit status {done.returncode}'}")
    return Path(wav_path)
