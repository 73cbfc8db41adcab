"""Listening: MIDI rendered to WAV with FluidSynth and a General MIDI soundfont, in background processes.

The course's optional ``mid2wav`` drew sine waves with pydub; here a real synthesizer plays the MIDI with the first
General MIDI soundfont found (``default-GM.sf2`` on Debian links to FluidR3_GM or TimGM6mb, whichever is the
system's default; the run card records the file used). :class:`Renders` starts each FluidSynth as a child
(:func:`shared.run.cleanup.spawn`: stopped if the run fails or is interrupted) as soon as its MIDI file exists, and
:meth:`Renders.wait` collects them at the end. FluidSynth writes 32-bit float (nothing clips there), and
:func:`level_match` writes every WAV of the run at one RMS level (-20 dBFS, lower if a peak would pass -1 dBFS) as
16-bit PCM, atomically. A failure, or a WAV shorter than its MIDI file (a render cut short, e.g. by a full disk,
while FluidSynth exits 0), is one :class:`~shared.run.UserError` line; a missing FluidSynth or soundfont is
:attr:`Renders.note`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from shared.run import cleanup
from shared.run.cleanup import spawn
from shared.run import UserError

SOUNDFONT_DIRS = ("/usr/share/sounds/sf2", "/usr/share/soundfonts")
PREFERRED = ("default-GM.sf2", "default.sf2", "TimGM6mb.sf2", "FluidR3_GM.sf2")
TIMEOUT_S = 120.0
TARGET_RMS_DB, PEAK_DB = -20.0, -1.0  # the level every WAV of a run is scaled to, and the highest peak allowed
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
                 fluidsynth: str = "fluidsynth", sample_rate: int = 44100, gain: float = 0.5):
        self.midi_path, self.wav_path = Path(midi_path), Path(wav_path)
        self.wav_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.wav_path.parent, prefix=f".{self.wav_path.stem}.", suffix=".wav")
        os.close(fd)
        self.tmp = cleanup.track_temp(tmp)
        os.chmod(self.tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs get the usual permissions
        command = [fluidsynth, "-ni", "-q", "-g", str(gain), "-r", str(sample_rate), "-T", "wav", "-O", "float",
                   "-F", str(self.tmp), str(soundfont), str(self.midi_path)]
        try:
            self.process = spawn(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except OSError as exc:
            self._discard()
            raise UserError(f"FluidSynth could not render {self.midi_path}: {exc}") from None

    def wait(self, timeout: float = TIMEOUT_S) -> tuple[np.ndarray, int]:
        """The rendered samples ``(frames, channels)`` float32 and their rate (the temporary file removed);
        UserError if FluidSynth failed, timed out, or wrote less than the MIDI file lasts."""
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
        import mido

        samples, rate = read_float_wav(self.tmp)
        self._discard()
        expected = mido.MidiFile(self.midi_path).length
        if len(samples) / rate < expected - 0.05:
            raise UserError(f"FluidSynth could not render {self.midi_path}: it wrote {len(samples) / rate:.2f} s of "
                            f"audio for {expected:.2f} s of MIDI (a full disk?)")
        return samples, rate

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
               fluidsynth: str = "fluidsynth", sample_rate: int = 44100, timeout: float = TIMEOUT_S) -> Path:
    """Render ``midi_path`` to a 16-bit WAV at ``wav_path`` (at the level of :func:`level_match`) and wait for it;
    UserError if FluidSynth fails."""
    job = RenderJob(midi_path, wav_path, soundfont, fluidsynth, sample_rate)
    level_match({job.wav_path: job.wait(timeout)})
    return job.wav_path


def read_float_wav(path: str | os.PathLike) -> tuple[np.ndarray, int]:
    """The samples ``(frames, channels)`` and rate of a 32-bit float WAV (what FluidSynth writes with -O float)."""
    data = Path(path).read_bytes()
    chunks, at = {}, 12
    while at + 8 <= len(data):
        size = int.from_bytes(data[at + 4:at + 8], "little")
        chunks.setdefault(data[at:at + 4], data[at + 8:at + 8 + size])
        at += 8 + size + size % 2
    fmt = chunks.get(b"fmt ", b"")
    if data[:4] != b"RIFF" or len(fmt) < 16 or b"data" not in chunks:
        raise UserError(f"FluidSynth wrote no readable WAV for {path}")
    channels, rate = int.from_bytes(fmt[2:4], "little"), int.from_bytes(fmt[4:8], "little")
    samples = np.frombuffer(chunks[b"data"], "<f4", len(chunks[b"data"]) // 4)
    return samples[:len(samples) // channels * channels].reshape(-1, channels), rate


def level_match(rendered: dict, target_rms_db: float = TARGET_RMS_DB, peak_db: float = PEAK_DB) -> dict:
    """Write each ``{wav path: (samples, rate)}`` as 16-bit PCM at one RMS level: ``target_rms_db``, lowered for all
    so that no peak passes ``peak_db``. Returns ``{file name: {"rms_db", "peak_db", "gain_db"}}`` as written."""
    import wave

    from shared.run.io import atomic_path

    def db(x: float) -> float:
        return 20 * float(np.log10(max(x, 1e-12)))

    rms = {path: float(np.sqrt(np.mean(np.square(s, dtype=np.float64)))) if s.size else 0.0
           for path, (s, _) in rendered.items()}
    peak = {path: float(np.abs(s).max()) if s.size else 0.0 for path, (s, _) in rendered.items()}
    level = min([target_rms_db] + [peak_db - db(peak[p]) + db(rms[p]) for p in rendered if peak[p] > 0])
    levels = {}
    for path, (samples, rate) in rendered.items():
        gain = 10 ** ((level - db(rms[path])) / 20) if rms[path] > 0 else 1.0
        pcm = np.clip(np.round(samples * gain * 32767), -32767, 32767).astype("<i2")
        with atomic_path(path) as tmp, wave.open(str(tmp), "wb") as out:
            out.setnchannels(samples.shape[1])
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(pcm.tobytes())
        levels[Path(path).name] = {"rms_db": round(db(rms[path] * gain), 2), "peak_db": round(db(peak[path] * gain), 2),
                                   "gain_db": round(db(gain), 2)}
    return levels


class Renders:
    """The WAVs of one run, rendered in the background: ``start`` each, ``wait`` for all at the end.

    ``enabled=False`` (``--no-wav``) renders nothing and says nothing; without FluidSynth or a soundfont
    nothing is rendered and :attr:`note` holds the one line to print (as ``note: ...``).
    """

    def __init__(self, enabled: bool = True, soundfont: str | os.PathLike | None = None):
        self.jobs: dict[str, RenderJob] = {}
        self.levels: dict[str, dict] = {}
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
        """Wait for every render and write the WAVs level-matched (:func:`level_match`, kept in :attr:`levels`);
        ``{label: wav path}``. The first failure is a UserError (the rest are stopped)."""
        done, rendered = {}, {}
        try:
            for label, job in list(self.jobs.items()):
                rendered[job.wav_path] = job.wait()
                done[label] = job.wav_path
                del self.jobs[label]
        finally:
            self.kill()
        self.levels = level_match(rendered) if rendered else {}
        return done

    def card(self) -> dict:
        """What the run card records about the audio: the soundfont file used, FluidSynth's version, the levels."""
        if not self.available:
            return {}
        version = subprocess.run([self.fluidsynth, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        return {"soundfont": str(Path(self.soundfont).resolve()), "fluidsynth": version.strip(), "levels": self.levels}

    def kill(self) -> None:
        for job in self.jobs.values():
            job.kill()
        self.jobs.clear()

    def __enter__(self) -> "Renders":
        return self

    def __exit__(self, *exc) -> None:
        self.kill()
