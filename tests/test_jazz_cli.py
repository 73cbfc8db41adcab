"""``python -m assignments.jazz`` in-process: the whole pipeline, its files for the results page, --load, another
MIDI file, bad input."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from assignments.jazz.__main__ import main
from assignments.jazz.solo.render import find_soundfont
from shared.run.cli import run
from shared.run.outputs import verify_output_set
from shared.paths import DATA_DIR
from tests.jazz_midi_fixtures import TEST_MIDI_CONFIG, make_test_midi

HAS_FLUIDSYNTH = shutil.which("fluidsynth") is not None and find_soundfont() is not None


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, data_dir):
    """One short run on the course settings and layout (2 epochs, 12 values per chunk); shared by the checks below."""
    out = tmp_path_factory.mktemp("jazz")
    import contextlib
    import io

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = run(main, ["--layout", "course", "--epochs", "2", "--ty", "12", "--seed", "3", "--out", str(out)]
                     + ([] if HAS_FLUIDSYNTH else ["--no-wav"]))
    return out, status, stdout.getvalue(), stderr.getvalue()


def test_full_run_prints_and_writes_everything(first_run):
    out, status, printed, errors = first_run
    assert status == 0, errors
    lines = printed.splitlines()
    assert lines[0].startswith("midi ") and "era 2021" in lines[0] and "window 476-548" in lines[0]
    assert lines[1] == "training   2 epochs, fused, Adam(0.01, 0.9, 0.999) decay 0.01, batch 32"
    for expected in ["total # of unique values: 90", "shape of X: (60, 30, 90)", "Shape of Y: (30, 60, 90)",
                     "Number of chords 19", "Predicting new values for different set of chords."]:
        assert expected in lines
    loss_1 = float(next(line for line in lines if line.startswith("loss at epoch 1:")).split(":")[1])
    assert abs(loss_1 - 130.49) < 1.5  # 29 ln 90
    assert sum('sounds using the predicted values for the set of chords ("' in line for line in lines) == 5
    assert f"Your generated music is saved in {out / 'my_music.midi'}" in lines
    assert any(line.split()[:5] == ["metric", "generated", "training", "solo", "course"] for line in lines)
    wavs = {"my_music.wav", "course_my_music.wav", "original_excerpt.wav"} if HAS_FLUIDSYNTH else set()
    names = {"loss.png", "model.keras", "model.weights.h5", "values.json", "my_music.midi", "pianoroll.png",
             "metrics.json", "original_excerpt.midi", "course_my_music.midi"} | wavs
    assert {p.name for p in out.iterdir()} == names | {"run_card.json"}
    card = json.loads((out / "run_card.json").read_text())
    assert set(card["files"]) == names  # the run card lists every file of the run, with its sha256
    assert verify_output_set(out, strict=True) == []
    assert card["seed"] == 3 and card["settings"]["epochs"] == 2 and card["settings"]["Ty"] == 12
    assert card["settings"]["midi_config"]["melody_part"] == "Guitar"
    assert len(card["results"]["notes_per_chunk"]) == 5
    assert list(card["data"].values())[0]["sha256"]
    report = json.loads((out / "metrics.json").read_text())
    assert set(report["columns"]) == {"generated", "training solo", "course output"}
    assert report["course_file"] == "course_my_music.midi"
    assert report["columns"]["generated"]["values_per_chunk"] == 12
    assert 0 < report["columns"]["generated"]["longest_copied_run"] <= 12
    assert (out / "course_my_music.midi").read_bytes() == \
        (DATA_DIR / "course_my_music.midi").read_bytes()
    for wav in wavs:  # each one rendered by FluidSynth: a WAV of some seconds
        data = (out / wav).read_bytes()
        assert data[:4] == b"RIFF" and data[8:12] == b"WAVE" and len(data) > 44100 * 4 * 5, wav


def test_load_skips_training_and_is_byte_identical(first_run, tmp_path, capsys):
    out = first_run[0]
    midis = []
    for name, model in [("a", "model.keras"), ("c", "model.weights.h5")]:
        target = tmp_path / name
        assert main(["--layout", "course", "--load", str(out / model), "--ty", "12", "--seed", "3", "--out",
                     str(target), "--no-wav", "--quiet"]) == 0
        midis.append((target / "my_music.midi").read_bytes())
    printed = capsys.readouterr().out
    assert "loss at epoch" not in printed and "settings" not in printed
    assert midis[0] == midis[1]
    assert midis[0] == (out / "my_music.midi").read_bytes()  # the same weights and seed as the training run
    assert not (tmp_path / "a" / "model.keras").exists()
    assert main(["--layout", "course", "--load", str(out / "model.keras"), "--ty", "12", "--seed", "4", "--out",
                 str(tmp_path / "d"), "--no-wav", "--quiet", "--temperature", "0.5", "--top-k", "3"]) == 0
    assert (tmp_path / "d" / "my_music.midi").read_bytes() != midis[0]


def _notes(track, ticks: int) -> list[tuple[float, float, int]]:
    """(onset, end, pitch) in beats of a mido track's notes."""
    tick, sounding, found = 0, {}, []
    for msg in track:
        tick += msg.time
        if msg.type == "note_on" and msg.velocity > 0:
            sounding.setdefault(msg.note, []).append(tick)
        elif msg.type in ("note_on", "note_off") and sounding.get(msg.note):
            found.append((sounding[msg.note].pop(0) / ticks, tick / ticks, msg.note))
    return sorted(found)


def test_default_solo_one_melody_over_held_chords_level_matched(first_run, tmp_path, capsys):
    import wave

    import mido

    out = tmp_path / "solo"
    assert main(["--load", str(first_run[0] / "model.keras"), "--seed", "3", "--out", str(out)]
                + ([] if HAS_FLUIDSYNTH else ["--no-wav"])) == 0
    assert "Improvised " in capsys.readouterr().out
    for name in ("my_music.midi", "original_excerpt.midi"):  # a DAW user can mute either
        midi = mido.MidiFile(out / name)
        assert [next((m.name for m in t if m.type == "track_name"), "") for t in midi.tracks][1:] == \
            ["melody", "chords"], name
    midi = mido.MidiFile(out / "my_music.midi")
    melody, chords = (_notes(t, midi.ticks_per_beat) for t in midi.tracks[1:])
    assert all(end <= nxt + 1e-6 for (_, end, _), (nxt, _, _) in zip(melody, melody[1:]))  # one note at a time
    covered = [any(on <= onset < off for on, off, _ in chords) for onset, _, _ in melody]
    assert sum(covered) >= 0.9 * len(melody)
    assert max(off for _, off, _ in chords) == 72.0 >= max(off for _, off, _ in melody)  # 18 groups of 4 beats
    report = json.loads((out / "metrics.json").read_text())
    generated = report["columns"]["generated"]
    assert report["layout"] == "solo" and generated["melody_polyphony"] == 1 and generated["chord_coverage"] >= 0.9
    assert report["columns"]["course output"]["melody_polyphony"] > 1  # the course's layered chunks
    if HAS_FLUIDSYNTH:
        audio = json.loads((out / "run_card.json").read_text())["results"]["audio"]
        assert audio["soundfont"].endswith(".sf2") and audio["fluidsynth"].startswith("FluidSynth")
        rms = []
        for wav in ("my_music.wav", "original_excerpt.wav", "course_my_music.wav"):
            with wave.open(str(out / wav)) as w:
                samples = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(float)
                seconds = w.getnframes() / w.getframerate()
            assert np.abs(samples).max() < 32767, wav  # no full-scale sample
            rms.append(20 * np.log10(np.sqrt(np.mean((samples / 32768) ** 2))))
            midi_seconds = mido.MidiFile(out / wav.replace(".wav", ".midi")).length
            assert midi_seconds <= seconds <= midi_seconds + 10, wav
        assert max(rms) - min(rms) <= 3.0
    assert main(["--load", str(first_run[0] / "model.keras"), "--groups", "2", "--out", str(tmp_path / "two"),
                 "--no-wav", "--quiet"]) == 0
    assert mido.MidiFile(tmp_path / "two" / "my_music.midi").length == pytest.approx(8 * 60 / 130, abs=0.05)


def test_other_midi_file_end_to_end(tmp_path, capsys):
    midi = make_test_midi(tmp_path / "tiny.mid")
    out = tmp_path / "out"
    argv = ["--midi", str(midi), "--melody-part", TEST_MIDI_CONFIG.melody_part, "--chord-parts",
            *TEST_MIDI_CONFIG.chord_parts, "--window", *map(str, TEST_MIDI_CONFIG.window), "--epochs", "1",
            "--ty", "8", "--out", str(out), "--no-wav"]
    assert run(main, argv) == 0
    captured = capsys.readouterr()
    printed = captured.out
    assert "melody 'Flute', chords Piano, Bass; window 0-32" in printed
    assert "era 2021: 52 tokens" in printed
    assert (out / "my_music.midi").stat().st_size > 0
    report = json.loads((out / "metrics.json").read_text())
    assert report["columns"]["training solo"]["notes"] == 47
    # a user's own MIDI: no course column, and not a word about one
    assert set(report["columns"]) == {"generated", "training solo"} and report["course_file"] is None
    assert "course" not in (printed + captured.err).lower()
    assert not (out / "course_my_music.midi").exists() and (out / "original_excerpt.midi").is_file()


def _tiny(tmp_path):
    return make_test_midi(tmp_path / "tiny.mid")


BAD = {
    "not a MIDI file": (lambda p: [f"--midi={_write(p / 'x.mid', b'hello, this is text')}"], "MIDI"),
    "truncated MIDI": (lambda p: [f"--midi={_write(p / 't.mid', _tiny(p).read_bytes()[:60])}"], "truncated"),
    "missing part": (lambda p: [f"--midi={_tiny(p)}", "--melody-part", "Banjo", "--chord-parts", "Piano",
                                "--window", "0", "32"], "Banjo"),
    "empty window": (lambda p: [f"--midi={_tiny(p)}", "--melody-part", "Flute", "--chord-parts", "Piano",
                                "--window", "100", "120"], "window"),
    "Ty 0": (lambda p: ["--ty", "0"], "--ty"),
    "temperature 0": (lambda p: ["--temperature", "0"], "--temperature"),
    "negative temperature": (lambda p: ["--temperature", "-1"], "--temperature"),
    "top-k 0": (lambda p: ["--top-k", "0"], "--top-k"),
    "top-k above vocabulary": (lambda p: ["--top-k", "91", "--epochs", "1"], "top-k"),
    "window reversed": (lambda p: ["--window", "10", "5"], "window"),
    "missing model": (lambda p: ["--load", str(p / "none.keras")], "not found"),
    "groups with the course layout": (lambda p: ["--layout", "course", "--groups", "4"], "--groups"),
    "groups 0": (lambda p: ["--groups", "0"], "--groups"),
    "missing soundfont": (lambda p: ["--soundfont", str(p / "none.sf2"), "--epochs", "1", "--ty", "2"],
                          "soundfont"),
}


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_one_line_error_no_output(case, tmp_path, capsys, data_dir):
    make_argv, needle = BAD[case]
    out = tmp_path / "out"
    status = run(main, make_argv(tmp_path) + ["--out", str(out), "--quiet"])
    captured = capsys.readouterr()
    assert status == 2
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and needle in err[0], captured.err
    assert "Traceback" not in captured.err + captured.out
    assert not out.exists() or list(out.iterdir()) == []


def test_without_fluidsynth_one_note_and_the_midi(first_run, tmp_path, capsys, monkeypatch):
    import assignments.jazz.solo.render as render

    monkeypatch.setattr(render, "find_fluidsynth", lambda: None)
    out = tmp_path / "out"
    assert main(["--load", str(first_run[0] / "model.weights.h5"), "--ty", "6", "--greedy", "--out", str(out),
                 "--quiet"]) == 0
    captured = capsys.readouterr()
    notes = [line for line in (captured.out + captured.err).splitlines() if "FluidSynth" in line]
    assert notes == ["note: FluidSynth not found, no WAV written (install it with 'make system-deps'); "
                     "the MIDI is there"]
    assert (out / "my_music.midi").is_file() and not list(out.glob("*.wav"))
    card = json.loads((out / "run_card.json").read_text())
    assert card["settings"]["greedy"] is True and card["results"]["loaded"].endswith("model.weights.h5")


def test_load_refuses_a_model_of_another_vocabulary(first_run, tmp_path, capsys):
    out = tmp_path / "out"
    status = run(main, ["--load", str(first_run[0] / "model.keras"), "--tidy-rests", "--out", str(out), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1 and "different vocabulary" in err[0]
    assert not out.exists()  # nothing written, not even the folder


def test_the_command_as_a_process_ends_with_its_status_and_output(tmp_path):
    """``python -m assignments.jazz`` ends without the interpreter's teardown (exit_now): output flushed, status kept."""
    import os
    import subprocess
    import sys

    from shared.paths import REPO_ROOT

    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    midi = make_test_midi(tmp_path / "tiny.mid")
    done = subprocess.run([sys.executable, "-m", "assignments.jazz", "--midi", str(midi), "--melody-part", "Flute",
                           "--chord-parts", "Piano", "--window", "0", "32", "--tx", "100",
                           "--out", str(tmp_path / "out")], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and done.stdout.startswith("midi ")  # the settings were printed, then the error
    assert done.stderr.strip().splitlines() == ["error: the corpus has 52 tokens; it needs more than Tx=100 "
                                                "(choose a longer solo window or a smaller --tx)"]
    assert not (tmp_path / "out").exists()
    # a user's missing file is not told to fetch the course data
    done = subprocess.run([sys.executable, "-m", "assignments.jazz", "--midi", str(tmp_path / "none.mid"),
                           "--out", str(tmp_path / "out")], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [f"error: MIDI file not found: {tmp_path / 'none.mid'}"]
