"""Real-world MIDI layouts: parts listed, chosen by number or name, split by channel, drums never used, chords
from all accompaniment parts, and the automatic choice (small files written here with mido)."""
from __future__ import annotations

import json
import subprocess
import sys

import mido
import pytest

from assignments.jazz.corpus.build import load_corpus
from assignments.jazz.solo.generate import fold_pitch, fold_range
from assignments.jazz.midi.config import METHENY
from assignments.jazz.midi.io import read_midi
from assignments.jazz.midi.options import DEFAULT_MIDI, add_midi_options, resolve_midi
from assignments.jazz.midi.parts import choose_parts, describe_parts
from shared.run.cli import ArgumentParser
from shared.run import UserError
from shared.paths import REPO_ROOT

TPQ = 96
C_MAJOR = [60, 62, 64, 65, 67, 69, 71, 72]


def _melody(bars: int = 12, low: int = 72, channel: int = 0):
    """Eighth notes walking a scale from ``low``, 8 per bar: (start, length, pitch, channel)."""
    return [(i * 0.5, 0.5, low - 60 + C_MAJOR[(i * 3) % 8], channel) for i in range(bars * 8)]


def _block_chords(bars: int = 12, channel: int = 1, root: int = 48):
    roots = [0, 9, 5, 7]
    return [(4.0 * b, 4.0, root + roots[b % 4] + step, channel) for b in range(bars) for step in (0, 4, 7)]


def _drums(bars: int = 12, channel: int = 9):
    return [(b * 4.0 + k, 0.25, 36 + 2 * (k % 2), channel) for b in range(bars) for k in range(4)]


def _track(name, notes, programs=()):
    track = mido.MidiTrack()
    if name is not None:
        track.append(mido.MetaMessage("track_name", name=name, time=0))
    events = [(0, 0, mido.Message("program_change", channel=c, program=p)) for c, p in programs]
    for start, length, pitch, channel in notes:
        events.append((round(start * TPQ), 2, mido.Message("note_on", channel=channel, note=pitch, velocity=80)))
        events.append((round((start + length) * TPQ), 1, mido.Message("note_off", channel=channel, note=pitch)))
    now = 0
    for tick, _, msg in sorted(events, key=lambda e: (e[0], e[1])):
        track.append(msg.copy(time=tick - now))
        now = tick
    return track


def write_file(path, tracks, midi_type=1, bpm=100.0):
    midi = mido.MidiFile(type=midi_type, ticks_per_beat=TPQ)
    conductor = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0)])
    if midi_type == 0:
        (only,) = tracks
        only.insert(0, conductor[0])
        midi.tracks.append(only)
    else:
        midi.tracks.append(conductor)
        midi.tracks.extend(tracks)
    midi.save(path)
    return path


def type0_band(path):
    """One track, three channels: a melody (ch 1), chords (ch 2), drums (ch 10)."""
    notes = _melody() + _block_chords() + _drums()
    return write_file(path, [_track("band", notes, [(0, 73), (1, 0)])], midi_type=0)


def _args(*argv):
    parser = add_midi_options(ArgumentParser(prog="test"))
    return parser.parse_args(list(argv))


def test_type0_file_is_split_by_channel_and_the_drums_are_never_used(tmp_path):
    path = type0_band(tmp_path / "band.mid")
    data = read_midi(path)
    assert [(t.label, t.channels, t.is_drum) for t in data.tracks] == [
        ("band (channel 1)", (0,), False), ("band (channel 2)", (1,), False), ("band (channel 10)", (9,), True)]
    infos = describe_parts(data)
    assert [(p.notes, p.drum, p.program) for p in infos] == [(96, False, 73), (36, False, 0), (48, True, None)]
    assert infos[0].polyphony == 0 and infos[1].polyphony == 1
    choice = resolve_midi(_args("--midi", str(path)))
    assert (choice.config.melody_part, choice.config.chord_parts, choice.config.chords_from) == ("#0", ("#1",), "all")
    assert choice.config.window == (0.0, 48.0) and choice.tempo_bpm == 100.0 and not choice.course
    assert "most melody-like" in choice.reasons[0] and "#2" not in choice.reasons[0]
    corpus = load_corpus(path, config=choice.config, cache=False)
    assert len(corpus.corpus) == 96 and all(len(c.pitches) == 3 for g in corpus.chord_groups for c in g)
    drum_melody = resolve_midi(_args("--midi", str(path), "--melody-part", "#2", "--chord-parts", "#1")).config
    with pytest.raises(UserError, match=r"drum channel \(MIDI channel 10\); it cannot be the melody part"):
        load_corpus(path, config=drum_melody, cache=False)


def test_drum_part_named_by_the_user_is_refused_before_parsing_the_rest(tmp_path):
    path = type0_band(tmp_path / "band.mid")
    config = resolve_midi(_args("--midi", str(path), "--melody-part", "#0", "--chord-parts", "#1", "#2")).config
    with pytest.raises(UserError, match=r"part #2 'band \(channel 10\)' is the drum channel .* the chord part"):
        load_corpus(path, config=config, cache=False)


def test_duplicate_track_names_are_told_apart_by_number(tmp_path):
    path = write_file(tmp_path / "dup.mid", [_track("unknown", _drums(channel=9)), _track("unknown", _melody()),
                                             _track("unknown", _block_chords(channel=0))])
    data = read_midi(path)
    with pytest.raises(UserError, match=r"3 parts are called 'unknown' \(#0, #1, #2\); choose one by its number"):
        data.find_part("unknown")
    assert data.find_part("#1").number == 1 and data.find_part("2").number == 2
    choice = choose_parts(data, "dup.mid")
    assert choice.melody.number == 1 and [p.number for p in choice.accompaniment] == [2]  # the drums: neither


def test_chorale_of_four_monophonic_voices_takes_its_chords_from_all_three_lower_voices(tmp_path):
    bars = 10
    voices = [("Soprano", 72), ("Alto", 64), ("Tenor", 57), ("Bass", 48)]
    tracks = [_track(name, [(1.0 * i, 1.0, base + C_MAJOR[(i + k) % 8] - 60 + (0 if k else 12), 0)
                            for i in range(4 * bars)]) for k, (name, base) in enumerate(voices)]
    path = write_file(tmp_path / "chorale.mid", tracks)
    choice = resolve_midi(_args("--midi", str(path)))
    assert choice.config.melody_part == "#0" and choice.config.chord_parts == ("#1", "#2", "#3")
    corpus = load_corpus(path, config=choice.config, cache=False)
    chords = [c for g in corpus.chord_groups for c in g]
    assert len(chords) == 4 * bars and all(len(c.pitches) == 3 for c in chords)
    # the course's way (the chords of the first chord part alone) cannot read it: one clear line
    first = resolve_midi(_args("--midi", str(path), "--chords-from", "first")).config
    with pytest.raises(UserError, match=r"part '#1' has no chords .*--chords-from all"):
        load_corpus(path, config=first, cache=False)


def test_right_hand_melody_over_a_single_note_left_hand(tmp_path):
    left = [(2.0 * i, 2.0, 36 + C_MAJOR[i % 8] - 60 + 12, 0) for i in range(24)]
    path = write_file(tmp_path / "piano.mid", [_track("Right", _melody()), _track("Left", left)])
    choice = resolve_midi(_args("--midi", str(path)))
    assert choice.config.melody_part == "#0"
    corpus = load_corpus(path, config=choice.config, cache=False)
    assert len(corpus.corpus) == 96 and all(len(c.pitches) == 1 for g in corpus.chord_groups for c in g)


def test_melody_only_and_drums_only_files_are_one_clear_line(tmp_path):
    melody = write_file(tmp_path / "melody.mid", [_track("Flute", _melody())])
    with pytest.raises(UserError, match=r"has one pitched part \(#0 'Flute'\) and it plays one note at a time; a "
                                        r"solo needs a melody and at least one accompaniment part"):
        resolve_midi(_args("--midi", str(melody)))
    drums = write_file(tmp_path / "drums.mid", [_track("Kit", _drums()), _track("More", _drums())])
    with pytest.raises(UserError, match=r"has only drum parts \(2\): nothing to use as the melody"):
        resolve_midi(_args("--midi", str(drums)))


def test_course_file_keeps_the_course_constants():
    choice = resolve_midi(_args())
    assert choice.course and choice.config == METHENY and choice.reasons == ()
    assert resolve_midi(_args("--window", "0", "100")).config.melody_part == "Guitar"


def test_fold_pitch_keeps_notes_inside_the_range():
    assert [fold_pitch(p, 55, 79) for p in (127, 108, 20, 60)] == [79, 72, 56, 60]
    assert fold_pitch(61, 62, 66) == 62 and fold_pitch(70, 62, 66) == 66  # too narrow for the pitch class
    assert fold_range(10, 127) == (21, 108)
    for p in range(128):
        assert 50 <= fold_pitch(p, 50, 70) <= 70


def test_list_parts_prints_the_table_without_tensorflow(tmp_path):
    path = type0_band(tmp_path / "band.mid")
    code = ("import sys; from assignments.jazz.__main__ import main; rc = main(['--midi', sys.argv[1], "
            "'--list-parts']); assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules; sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code, str(path)], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"{path}: 3 parts, 96 ticks per quarter, 100 bpm"
    assert lines[1].split() == ["part", "name", "channel", "program", "drums", "notes", "range", "span", "(quarters)",
                                "overlapping"]
    assert lines[3].split() == ["#0", "band", "(channel", "1)", "1", "73", "Flute", "96", "C5-C6", "0-48", "0%"]
    assert lines[5].split() == ["#2", "band", "(channel", "10)", "10", "drums", "yes", "48", "C2-D2", "0-47.25", "0%"]


def test_a_users_file_end_to_end_stays_in_range_at_its_own_tempo(tmp_path, capsys):
    from assignments.jazz.__main__ import main
    from shared.run.cli import run

    path = write_file(tmp_path / "band.mid", [_track("band", _melody(low=84) + _block_chords() + _drums(),
                                                     [(0, 73)])], midi_type=0, bpm=90)
    out = tmp_path / "out"
    assert run(main, ["--midi", str(path), "--epochs", "1", "--ty", "30", "--out", str(out), "--no-wav",
                      "--quiet"]) == 0
    solo = mido.MidiFile(out / "my_music.midi")
    tempos = [m.tempo for t in solo.tracks for m in t if m.type == "set_tempo"]
    assert [round(mido.tempo2bpm(t)) for t in tempos] == [90]
    melody = [m.note for t in solo.tracks for m in t if m.type == "note_on" and m.velocity == 90]
    assert melody and min(melody) >= 84 and max(melody) <= 96  # the training melody: C6..C7
    card = json.loads((out / "run_card.json").read_text())
    assert card["settings"]["fold"] is True and card["settings"]["course_file"] is False
    assert card["results"]["fold_range"] == ["C6", "C7"]
    err = capsys.readouterr().err
    assert "course" not in err.lower()


def test_window_past_the_piece_and_short_corpus_fail_before_training(tmp_path):
    path = type0_band(tmp_path / "band.mid")
    with pytest.raises(UserError, match=r"no melody notes in the solo window 100-200 .*its notes span quarter notes 0-48\)"):
        load_corpus(path, config=resolve_midi(_args("--midi", str(path), "--window", "100", "200")).config,
                    cache=False)
    assert DEFAULT_MIDI.name == "original_metheny.mid"


def test_a_single_piano_track_is_split_into_its_top_line_and_the_rest(tmp_path):
    """The documented fallback for one polyphonic part: top line = melody, the notes below = accompaniment."""
    notes = [(start, length, pitch, 0) for start, length, pitch, _ in _melody()] + _block_chords(channel=0)
    path = write_file(tmp_path / "piano.mid", [_track("Piano", notes)])
    choice = resolve_midi(_args("--midi", str(path)))
    assert (choice.config.melody_part, choice.config.chord_parts) == ("#0:top", ("#0:rest",))
    assert "its top line as the melody" in choice.reasons[0]
    data = read_midi(path)
    top, rest = data.find_part("#0:top"), data.find_part("#0:rest")
    assert len(top.messages) == 2 * 96 and len(rest.messages) == 2 * 36  # the melody on top, the triads below
    corpus = load_corpus(path, config=choice.config, cache=False)
    assert len(corpus.corpus) == 96 and {len(c.pitches) for g in corpus.chord_groups for c in g} == {3}
