"""Listening: MIDI rendered to WAV with FluidSynth and a General MIDI soundfont, in background processes.

The course's optional ``mid2wav`` drew every note as a sine wave at "A = 500 Hz" with pydub; here the
solo is played by a real synthesizer (Debian: ``apt-get install fluidsynth``, which brings the
``timgm6mb-soundfont``). The course's file has no program change, so every part sounds as a piano.

A run renders several files (its solo, the course's solo, the original excerpt). :class:`Renders` starts
each FluidSynth as a child process as soon as its MIDI file exists, so rendering overlaps with the rest of
the run, and :meth:`Renders.wait` collects them at the end: each WAV is written to a temporary name and
moved into place only when FluidSynth succeeded, and a failure is one :class:`~shared.run.UserError`
line. Children are started through :func:`shared.run.cleanup.spawn`, so a run that fails or is interrupted
stops them (leaving the run with a ``with Renders(...)`` block kills what is still running, too). Where
FluidSynth or a soundfont is missing, :meth:`Renders.note` is the one line that says so.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from shared.run import cleanup
from shared.run.cleanup import spawn
from shared.run import UserError

SOUNDFONT_DIRS = ("/usr/share/sounds/sf2", "/usr/share/soundfonts")
PREFERRED = ("default-GM.sf2", "default.sf2", "TimGM6mb.sf2", "FluidR3_GM.sf2")
TIMEOUT_S = 120.0
_UMASK = os.umask(0)
os.umask(_UMASK)


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


class RenderJob:
    """One FluidSynth child writing ``wav_path`` from ``midi_path`` (to a temporary name until :meth:`wait`)."""

    def __init__(self, midi_path: str | os.PathLike, wav_path: str | os.PathLike, soundfont: str | os.PathLike,
                 fluidsynth: str = "fluidsynth", sample_rate: int = 44100, gain: float = 0.8):
        self.midi_path, self.wav_path = Path(midi_path), Path(wav_path)
        self.wav_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.wav_path.parent, prefix=f".{self.wav_path.stem}.", suffix=".wav")
        os.close(fd)
        self.tmp = cleanup.track_temp(tmp)
        os.chmod(self.tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs get the usual permissions
        command = [fluidsynth, "-ni", "-q", "-g", str(gain), "-r", str(sample_rate), "-T", "wav",
                   "-F", str(self.tmp), str(soundfont), str(self.midi_path)]
        try:
            self.process = spawn(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except OSError as exc:
            self._discard()
            raise UserError(f"FluidSynth could not render {self.midi_path}: {exc}") from None

    def wait(self, timeout: float = TIMEOUT_S) -> Path:
        """The finished WAV's path; UserError if FluidSynth failed, timed out or wrote nothing."""
        try:
            out, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise UserError(f"FluidSynth could not render {self.midi_path}: no result after {timeout:g} s") from None
        finally:
            if self.process.poll() is not None:
                cleanup.untrack_child(self.process)
        if self.process.returncode != 0 or not self.tmp.is_file() or self.tmp.stat().st_size <= 44:
            self._discard()
            detail = (err or out or "").strip().splitlines()
            raise UserError(f"FluidSynth could not render {self.midi_path}: "
                            f"{detail[-1] if detail else f'exit status {self.process.returncode}'}")
        os.replace(self.tmp, self.wav_path)
        cleanup.untrack_temp(self.tmp)
        return self.wav_path

    def kill(self) -> None:
        """Stop the child (if still running) and remove its partial output."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        cleanup.untrack_child(self.process)
        self._discard()

    def _discard(self) -> None:
        self.tmp.unlink(missing_ok=True)
        cleanup.untrack_temp(self.tmp)


def render_wav(midi_path: str | os.PathLike, wav_path: str | os.PathLike, soundfont: str | os.PathLike,
               fluidsynth: str = "fluidsynth", sample_rate: int = 44100, gain: float = 0.8,
               timeout: float = TIMEOUT_S) -> Path:
    """Render ``midi_path`` to a 16-bit WAV at ``wav_path`` and wait for it; UserError if FluidSynth fails."""
    return RenderJob(midi_path, wav_path, soundfont, fluidsynth, sample_rate, gain).wait(timeout)


class Renders:
    """The WAVs of one run, rendered in the background: ``start`` each, ``wait`` for all at the end.

    ``enabled=False`` (``--no-wav``) renders nothing and says nothing; without FluidSynth or a soundfont
    nothing is rendered and :attr:`note` holds the one line to print (as ``note: ...``).
    """

    def __init__(self, enabled: bool = True, soundfont: str | os.PathLike | None = None):
        self.jobs: dict[str, RenderJob] = {}
        self.fluidsynth = self.soundfont = None
        self.note: str | None = None
        if not enabled:
            return
        self.fluidsynth = find_fluidsynth()
        self.soundfont = find_soundfont(soundfont)
        if self.fluidsynth is None:
            self.note = "FluidSynth not found, no WAV written (install it with 'make system-deps'); the MIDI is there"
        elif self.soundfont is None:
            self.note = "no General MIDI soundfont found, no WAV written (give one with --soundfont)"

    @property
    def available(self) -> bool:
        return self.fluidsynth is not None and self.soundfont is not None

    def start(self, label: str, midi_path: str | os.PathLike, wav_path: str | os.PathLike) -> None:
        """Start rendering ``midi_path`` to ``wav_path`` (nothing when rendering is off or impossible)."""
        if self.available:
            self.jobs[label] = RenderJob(midi_path, wav_path, self.soundfont, self.fluidsynth)

    def wait(self) -> dict[str, Path]:
        """Wait for every render; ``{label: wav path}``. The first failure is a UserError (the rest are stopped)."""
        done = {}
        try:
            for label, job in list(self.jobs.items()):
                done[label] = job.wait()
                del self.jobs[label]
        finally:
            self.kill()
        return done

    def kill(self) -> None:
        for job in self.jobs.values():
            job.kill()
        self.jobs.clear()

    def __enter__(self) -> "Renders":
        return self

    def __exit__(self, *exc) -> None:
        self.kill()
