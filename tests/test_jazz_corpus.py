"""The jazz corpus pipeline against the course's own corpus (``jazz_corpus.json``), for both music21 eras.

Also: the MIDI import steps one by one, the disk cache, a small hand-written MIDI file, and bad input.
"""
from __future__ import annotations

import os
import tempfile
from fractions import Fraction

import numpy as np
import pytest

from assignments.jazz.corpus import __main__ as corpus_command
from assignments.jazz.corpus import build as corpus_module
from assignments.jazz.corpus import grammar
from assignments.jazz.corpus.build import load_corpus, tidy_rests
from assignments.jazz.corpus.windows import one_hot_windows, values_indices, window_starts
from assignments.jazz.course import data_processing, get_corpus_data, load_music_utils
from assignments.jazz.midi.config import METHENY, MidiConfig, check_era
from assignments.jazz.midi.io import (EraRules, Element, NoteMessage, gather_chords, make_voices, pair_notes,
                                      quantize_value, read_midi)
from assignments.jazz.midi.notes import Chord, pitch_class, pitch_class_name, pitch_name
from shared.run.cli import run
from shared.run import UserError
from tests.jazz_midi_fixtures import CHORDS, MELODY, TEST_MIDI_CONFIG, make_test_midi

ERA_KEYS = {"2021": "music21_6.7.1", "2018": "music21_5.5.0"}
TOL = 1e-9


@pytest.fixture(scope="module")
def metheny(data_dir):
    return data_dir / "original_metheny.mid"


@pytest.fixture(scope="module")
def built(metheny, tmp_path_factory):
    """Both eras parsed once, cold, with TMPDIR pointed at an empty folder (nothing may be written there)."""
    cache_dir = tmp_path_factory.mktemp("jazz-cache")
    temp_root = tmp_path_factory.mktemp("tmpdir")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TMPDIR", str(temp_root))
        mp.setattr(tempfile, "tempdir", str(temp_root))
        corpora = {era: load_corpus(metheny, era, cache_dir=cache_dir) for era in ("2021", "2018")}
    return {"corpora": corpora, "cache_dir": cache_dir, "temp_files": sorted(os.listdir(temp_root))}


@pytest.fixture(scope="module", params=["2021", "2018"])
def era(request):
    return request.param


@pytest.fixture(scope="module")
def case(era, built, load_fixture):
    return built["corpora"][era], load_fixture("jazz_corpus.json")[ERA_KEYS[era]]


# ------------------------------------------------------------------------------------- course parity


def test_corpus_token_for_token(case):
    corpus, ref = case
    assert len(corpus.corpus) == ref["corpus_len"] == len(ref["corpus"])
    mismatches = [(i, a, b) for i, (a, b) in enumerate(zip(corpus.corpus, ref["corpus"])) if a != b]
    assert mismatches == [], f"first mismatches (index, ours, course): {mismatches[:5]}"


def test_values_sorted_and_grammars(case):
    corpus, ref = case
    assert corpus.values == ref["values_sorted"]
    assert len(corpus.values) == ref["n_values"]
    assert corpus.grammars == ref["grammars_per_measure"]
    assert [len(g.split(" ")) for g in corpus.grammars] == ref["grammar_lengths"]


def test_melody_notes_match(case):
    corpus, ref = case
    expected = ref["melody_window_notes"]
    assert len(corpus.melody) == len(expected)
    for k, (ours, theirs) in enumerate(zip(corpus.melody, expected)):
        assert ours.offset == pytest.approx(theirs["offset"], abs=TOL), k
        assert ours.quarter_length == pytest.approx(theirs["quarterLength"], abs=TOL), k
        assert (ours.pitch, ours.grammar_index, ours.voice) == \
            (theirs["pitch"], theirs["grammar_index"], theirs["voice"]), k


def test_chord_groups_match(case):
    corpus, ref = case
    expected = ref["chord_groups"]
    assert len(corpus.chord_groups) == len(expected) == 19
    # the course's group sizes count the 4 offset-0 objects (instrument, tempo, key, meter) in group 0
    assert [len(g) for g in corpus.chord_groups] == [ref["chord_group_sizes"][0] - 4] + ref["chord_group_sizes"][1:]
    for group, theirs in zip(corpus.chord_groups, expected):
        assert len(group) == len(theirs)
        for ours, chord in zip(group, theirs):
            assert ours.offset == pytest.approx(chord["offset"], abs=TOL)
            assert ours.offset % 4 == pytest.approx(chord["offset_in_measure"], abs=TOL)
            assert list(ours.pitches) == chord["pitches"]
            assert ours.quarter_length == pytest.approx(chord["quarterLength"], abs=TOL)
            assert ours.velocities is not None and len(ours.velocities) == len(ours.pitches)
            assert all(1 <= v <= 127 for v in ours.velocities)


def test_window_starts_and_arrays(case):
    corpus, ref = case
    assert window_starts(len(corpus.corpus), 60, 30) == ref["data_processing_window_starts"]
    val_indices, _ = values_indices(corpus.values)
    X, Y, N_values = data_processing(corpus.corpus, val_indices, 60, 30)  # the course's three values
    assert (X.dtype, Y.dtype, N_values) == (bool, bool, ref["n_values"])  # bool, as the course's np.bool arrays
    assert list(X.shape) == ref["X_shape"] and list(Y.shape) == ref["Y_shape"]
    assert X.sum() == ref["X_sum"] and Y.sum() == ref["Y_sum"]
    X32, Y32 = one_hot_windows(corpus.corpus, val_indices, 60, 30)  # the project's float32 arrays, the same ones
    assert X32.dtype == Y32.dtype == np.float32
    np.testing.assert_array_equal(X32, X)
    np.testing.assert_array_equal(Y32, Y)
    assert not X[:, 0, :].any() and not Y[29].any()
    np.testing.assert_array_equal(Y[:29], np.swapaxes(X[:, 1:, :], 0, 1))  # Y[t] = X[:, t+1]
    assert set(np.unique(X)) <= {0.0, 1.0} and (X.sum(axis=2)[:, 1:] == 1).all()
    # each row of X is the one-hot of the corpus window starting at the recorded start
    for i, start in enumerate(ref["data_processing_window_starts"][:5]):
        assert [corpus.values[k] for k in X[i, 1:].argmax(axis=1)] == corpus.corpus[start + 1:start + 30]


def test_load_music_utils_course_printout(metheny, built):
    X, Y, n_values, indices_values, chords = load_music_utils(metheny, cache_dir=built["cache_dir"])
    assert (X.shape, Y.shape, n_values, len(chords)) == ((60, 30, 90), (30, 60, 90), 90, 19)
    assert sorted(indices_values) == list(range(90))
    assert [indices_values[i] for i in range(90)] == sorted(indices_values.values())
    assert all(isinstance(c, Chord) for group in chords for c in group)
    X18, _, n18, _, _ = load_music_utils(metheny, era="2018", cache_dir=built["cache_dir"])
    assert X18.shape == (60, 30, 78) and n18 == 78


def test_get_corpus_data_sorted_and_reproducible(case):
    corpus, _ = case
    tokens, values, val_indices, indices_val = get_corpus_data(corpus.grammars)
    assert tokens == corpus.corpus and values == sorted(set(tokens))
    assert all(indices_val[val_indices[v]] == v for v in values)
    assert list(val_indices) == values  # index order = sorted order, whatever PYTHONHASHSEED is


def test_data_processing_leaves_global_random_state_alone():
    np.random.seed(123)
    expected = np.random.rand()
    np.random.seed(123)
    X, Y, N = data_processing(["a", "b", "c"] * 20, {"a": 0, "b": 1, "c": 2}, m=4, Tx=5)
    assert np.random.rand() == expected
    assert (X.shape, Y.shape, N) == ((4, 5, 3), (5, 4, 3), 3)


def test_window_starts_are_the_course_draws():
    np.random.seed(0)
    course = [int(np.random.choice(245)) for _ in range(60)]
    assert window_starts(275, 60, 30) == course


def test_tidy_rests_variant(built):
    course = built["corpora"]["2021"]
    tidy = tidy_rests(course)
    assert tidy.era == "2021+tidy" and course.corpus[-1] == "R,71.000"  # the course corpus is untouched
    notes = [n for n in tidy.melody if n.pitch is not None]
    rests = [n for n in tidy.melody if n.pitch is None]
    assert 0 < len(rests) < 82 and len(notes) == 193
    for rest in rests:  # a rest is a true silence, at least 1/6 beat long, inside the solo's measures
        assert rest.quarter_length >= 1 / 6 - TOL and rest.offset + rest.quarter_length <= 548 + TOL
        assert not any(n.offset < rest.offset + rest.quarter_length - TOL and rest.offset < n.offset + n.quarter_length - TOL
                       for n in notes)
    assert "R,71.000" not in tidy.values and "R,0.083" not in tidy.values
    assert len(tidy.grammars) == 18 and tidy.values == sorted(set(tidy.corpus))
    assert [n.pitch for n in notes] == [n.pitch for n in course.melody if n.pitch is not None]
    old = built["corpora"]["2018"]
    assert tidy_rests(old).corpus == old.corpus  # nothing to tidy without rests


# ------------------------------------------------------------------------------------- caching, side effects


def test_nothing_written_to_tmpdir(built):
    assert built["temp_files"] == []


def test_second_load_comes_from_cache(metheny, built, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the MIDI file was parsed again")

    monkeypatch.setattr(corpus_module, "read_midi", fail)
    for era, first in built["corpora"].items():
        again = load_corpus(metheny, era, cache_dir=built["cache_dir"])
        assert again == first
    cache_files = sorted(p.name for p in built["cache_dir"].iterdir())
    assert len(cache_files) == 2 and all(name.endswith(".json") for name in cache_files)


def test_cache_keyed_by_content_and_config(tmp_path):
    path = make_test_midi(tmp_path / "tiny.mid")
    cache_dir = tmp_path / "cache"
    first = load_corpus(path, config=TEST_MIDI_CONFIG, cache_dir=cache_dir)
    narrower = MidiConfig(melody_part="Flute", chord_parts=("Piano",), window=(0.0, 15.0))
    other = load_corpus(path, config=narrower, cache_dir=cache_dir)
    assert len(list(cache_dir.iterdir())) == 2 and len(other.corpus) < len(first.corpus)
    # a damaged cache entry is ignored and rewritten
    for entry in cache_dir.iterdir():
        entry.write_text("{not json")
    assert load_corpus(path, config=TEST_MIDI_CONFIG, cache_dir=cache_dir) == first
    # other bytes (here an unknown chunk, which MIDI readers skip) -> another key and a fresh parse
    changed = tmp_path / "changed.mid"
    changed.write_bytes(path.read_bytes() + b"XTRA" + (4).to_bytes(4, "big") + b"1234")
    again = load_corpus(changed, config=TEST_MIDI_CONFIG, cache_dir=cache_dir)
    assert again.source_sha256 != first.source_sha256 and again.corpus == first.corpus
    assert len(list(cache_dir.iterdir())) == 3


# ------------------------------------------------------------------------------------- MIDI import steps


def _msg(tick, note, on, velocity=80, channel=0):
    return NoteMessage(tick, note, channel, velocity if on else 0, True)


def test_note_pairing_eras():
    # C4 struck at 0, re-struck at 48 while sounding; two note-offs (velocity 0) at 96 and 144
    messages = [_msg(0, 60, True), _msg(48, 60, True), _msg(96, 60, False), _msg(144, 60, False),
                _msg(10, 62, True, channel=1), _msg(20, 62, False, channel=0), _msg(30, 62, False, channel=1)]
    messages.sort(key=lambda m: m.tick)
    new = pair_notes(messages, EraRules.for_era("2021"))
    old = pair_notes(messages, EraRules.for_era("2018"))
    assert [(n.on, n.off, n.pitch) for n in new] == [(0, 96, 60), (10, 30, 62), (48, 144, 60)]
    # music21 5.5: the re-strike ends the first note and is swallowed; channels still have to match
    assert [(n.on, n.off, n.pitch) for n in old] == [(0, 48, 60), (10, 30, 62)]


def test_chord_gathering_tolerance():
    from assignments.jazz.midi.io import PairedNote

    notes = [PairedNote(0, 96, 60, 80), PairedNote(6, 100, 64, 80), PairedNote(7, 96, 67, 80),
             PairedNote(200, 296, 60, 80), PairedNote(203, 250, 64, 80)]
    groups, voices_required = gather_chords(notes, 96, 1 / 16)  # tolerance: 6 ticks
    assert [[n.pitch for n in g] for g in groups] == [[60, 64], [67], [60], [64]]
    assert voices_required  # the E4 at 203 starts with the C4 at 200 but ends elsewhere
    _, voices_required = gather_chords(notes[:3], 96, 1 / 16)
    assert not voices_required


@pytest.mark.parametrize("value, expected", [
    (0.0, Fraction(0)), (0.3, Fraction(1, 3)), (0.26, Fraction(1, 4)),
    (7 / 24, Fraction(1, 4)),  # equally far from 1/4 and 1/3: the smaller value wins
    (0.125, Fraction(0)),  # an exact half rounds down
    (476 + 2 / 3 + 0.01, Fraction(1430, 3)), (1.875, Fraction(7, 4)), (100 / 96, Fraction(1)),
])
def test_quantize_grid(value, expected):
    assert quantize_value(value, (4, 3)) == expected


def test_highest_time_float_quirk_moves_a_note_to_voice_2():
    # a note ending on the triplet grid (184/3) and the next note starting exactly there
    def elements():
        return [Element(Fraction(60), Fraction(4, 3), (60,)), Element(Fraction(184, 3), Fraction(1, 4), (62,))]

    assert [len(v) for v in make_voices(elements(), EraRules.for_era("2021"))] == [2]
    assert [len(v) for v in make_voices(elements(), EraRules.for_era("2018"))] == [1, 1]  # float(184/3) > 184/3


def test_pitch_spelling_matches_music21():
    from music21 import pitch

    assert [pitch_name(n) for n in range(21, 109)] == [pitch.Pitch(midi=n).nameWithOctave for n in range(21, 109)]


def test_midi_reader_running_status_and_meta(tmp_path):
    track = bytes([0x00, 0xFF, 0x03, 0x04]) + b"Lead" + bytes([
        0x00, 0xC2, 0x49,  # program change, channel 2
        0x00, 0x92, 0x3C, 0x40,  # note on C4
        0x60, 0x3C, 0x00,  # running status: note on C4 velocity 0 (= off)
        0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20,  # tempo meta event (keeps the running status)
        0x81, 0x40, 0x3E, 0x50,  # delta 192, running status: note on D4
        0x60, 0x82, 0x3E, 0x00,  # note off D4
        0x00, 0xFF, 0x2F, 0x00])
    raw = b"MThd" + (6).to_bytes(4, "big") + bytes([0, 1, 0, 1, 0, 96]) + b"MTrk" + len(track).to_bytes(4, "big")
    path = tmp_path / "running.mid"
    path.write_bytes(raw + track)
    data = read_midi(path)
    (only,) = data.tracks
    assert (data.ticks_per_quarter, only.name, only.program, only.label) == (96, "Lead", 0x49, "Lead")
    assert [(m.tick, m.note, m.velocity, m.is_note_on) for m in only.messages] == \
        [(0, 60, 64, True), (96, 60, 0, True), (288, 62, 80, True), (384, 62, 0, False)]
    path.write_bytes(raw + track[:-9])  # cut inside the last events
    with pytest.raises(UserError, match="truncated"):
        read_midi(path)


def test_metheny_parts_found_by_name(metheny):
    data = read_midi(metheny)
    assert data.ticks_per_quarter == 96
    assert data.part_names[:8] == ["Piano", "Bass", "Organ", "String", "Piano Elec.", "Guitar", "Trumpet",
                                   "French Horn"]
    assert data.find_part("guitar").index == 11  # file track 11, the course's part 5


# ------------------------------------------------------------------------------------- grammar helpers


def test_grammar_helpers():
    c_major = ("C3", "E3", "G3")
    assert [grammar.classify_tone(p, c_major) for p in ("E5", "D5", "C#4", "B-4", None)] == ["C", "S", "A", "X", "R"]
    assert grammar.chord_quality(c_major) == "major" and grammar.chord_quality(("A2", "C3", "E3")) == "minor"
    # music21's derive() returns the first scale of the kind that holds every chord tone, not the one on the
    # chord's root: G major for a C major triad, G dorian for a D minor triad (the course's behaviour too)
    assert grammar.get_scale(c_major) == frozenset(["G", "A", "B", "C", "D", "E", "F#"])
    assert grammar.get_scale(("D3", "F3", "A3")) == frozenset(["G", "A", "B-", "C", "D", "E", "F"])
    assert grammar.interval_token("C5", "E5") == "<P5,A1>"  # M3 + m3, M3 - m3
    assert grammar.interval_token("E5", "D5") == "<m2,P-4>"
    assert pitch_class_name("E-5") == "E-" and pitch_class_name("C#10") == "C#"
    assert [pitch_class(p) for p in ("E-5", "C#", "B#3", "C-4", "A")] == [3, 1, 0, 11, 9]


def test_fast_scale_derivation_matches_music21(built):
    """get_scale finds derive()'s tonic arithmetically; music21's own derive must agree (a sample: it is slow)."""
    chords = sorted({c.pitches for g in built["corpora"]["2021"].chord_groups for c in g})
    sample = chords[::3] + [("C3", "E3", "G3"), ("C#3", "F3", "G#3"), ("D-3", "F3"), ("B2", "D#3", "F#3", "A#3")]
    for pitches in sample:
        assert grammar.get_scale(pitches) == grammar.derive_scale_music21(pitches), pitches


# ------------------------------------------------------------------------------------- other MIDI files


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    path = make_test_midi(folder / "tiny.mid")
    corpora = {era: load_corpus(path, era, TEST_MIDI_CONFIG, cache_dir=folder / "cache") for era in ("2021", "2018")}
    return {"path": path, "cache_dir": folder / "cache", **corpora}


def test_small_midi_corpus(tiny):
    new, old = tiny["2021"], tiny["2018"]
    in_window = [m for m in MELODY if m[0] <= 32]
    assert len(new.grammars) == 8 and len(new.chord_groups) == 9 and new.chord_groups[0] == []
    assert [[c.pitches for c in g] for g in new.chord_groups[1:]] == [[c] for c in CHORDS]
    assert sum(n.pitch is not None for n in new.melody) == len(in_window)
    assert sum(n.pitch is not None for n in old.melody) == len(in_window) - 1  # the re-struck C5 is lost
    assert not any(n.pitch is None for n in old.melody)
    assert len(new.corpus) == len(new.melody) and len(old.corpus) == len(old.melody)
    # bar 1, derived by hand: C5 E5 G5 E5 (chord tones) then D5 (a C major scale tone), then one beat of rest
    assert new.grammars[0] == "C,0.500 C,0.500,<P5,A1> C,0.500,<d5,P1> C,0.500,<P1,d-5> S,1.000,<m2,P-4> R,1.000"
    assert old.grammars[0] == new.grammars[0].rsplit(" ", 1)[0]
    # notes played late are quantized back onto the grid; the held F4 under bar 3 forms voice 2
    assert [n.offset for n in new.melody if n.grammar_index == 5][:3] == pytest.approx([20.0, 20 + 1 / 3, 20 + 2 / 3])
    assert {n.voice for n in new.melody if n.pitch == "F4"} == {2}
    # the solo's last rest runs past the window's end, as the course's R,71.000 does
    assert new.corpus[-1] == "R,2.500"
    assert len(new.melody_window) == len(in_window) and all(n.pitch for n in new.melody_window)


def test_small_midi_training_arrays(tiny):
    X, Y, n_values, indices_values, chords = load_music_utils(tiny["path"], config=TEST_MIDI_CONFIG,
                                                              cache_dir=tiny["cache_dir"])
    assert X.shape == (60, 30, n_values) and Y.shape == (30, 60, n_values)
    assert n_values == len(tiny["2021"].values) and len(chords) == 9
    assert X.sum() == Y.sum() == 60 * 29


# ------------------------------------------------------------------------------------- bad input


def _one_line_error(excinfo, *fragments):
    message = str(excinfo.value)
    assert "\n" not in message and message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_not_a_midi_file(tmp_path):
    path = tmp_path / "notes.mid"
    path.write_text("this is not a MIDI file\n")
    with pytest.raises(UserError) as excinfo:
        load_corpus(path, cache=False)
    _one_line_error(excinfo, "not a readable MIDI file", str(path))


def test_truncated_midi(metheny, tmp_path):
    path = tmp_path / "cut.mid"
    path.write_bytes(metheny.read_bytes()[:5000])
    with pytest.raises(UserError) as excinfo:
        load_corpus(path, cache=False)
    _one_line_error(excinfo, "truncated")


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(UserError) as excinfo:
        load_corpus(tmp_path / "absent.mid")
    _one_line_error(excinfo, "not found")
    (tmp_path / "empty.mid").write_bytes(b"")
    with pytest.raises(UserError) as excinfo:
        load_corpus(tmp_path / "empty.mid")
    _one_line_error(excinfo, "empty")


def test_missing_part_lists_parts_found(tiny):
    config = MidiConfig(melody_part="Saxophone", chord_parts=("Piano",))
    with pytest.raises(UserError) as excinfo:
        load_corpus(tiny["path"], config=config, cache=False)
    _one_line_error(excinfo, "'Saxophone'", "#0 Piano, #1 Bass, #2 Flute")
    with pytest.raises(UserError) as excinfo:  # the course file has no Flute
        load_corpus(tiny["path"], config=MidiConfig(chord_parts=("Piano", "Trumpet")), cache=False)
    _one_line_error(excinfo, "'Guitar'")


def test_empty_solo_window(tiny):
    config = MidiConfig(melody_part="Flute", chord_parts=("Piano",), window=(40.0, 48.0))
    with pytest.raises(UserError) as excinfo:
        load_corpus(tiny["path"], config=config, cache=False)
    _one_line_error(excinfo, "no melody notes in the solo window 40-48", "'Flute'")


def test_harmony_part_without_chords(tiny):
    config = MidiConfig(melody_part="Flute", chord_parts=("Bass",), window=(0.0, 32.0))
    with pytest.raises(UserError) as excinfo:
        load_corpus(tiny["path"], config=config, cache=False)
    _one_line_error(excinfo, "'Bass' has no chords")


def test_corpus_shorter_than_a_window():
    with pytest.raises(UserError) as excinfo:
        data_processing(["C,0.250"] * 30, {"C,0.250": 0}, m=60, Tx=30)
    _one_line_error(excinfo, "30 tokens", "Tx=30")


def test_bad_era_and_config():
    with pytest.raises(ValueError):
        check_era("2019")
    with pytest.raises(ValueError):
        MidiConfig(window=(10.0, 5.0))
    assert check_era("5.5") == "2018" and check_era("6.7") == "2021"
    assert METHENY.harmony_part == "Piano"


def test_corpus_command(metheny, built, capsys, monkeypatch):
    monkeypatch.setattr(corpus_module, "DEFAULT_CACHE_DIR", built["cache_dir"])
    assert run(corpus_command.main, ["--midi", str(metheny), "--era", "2018"]) == 0
    out = capsys.readouterr().out
    assert "193 tokens, 78 unique values" in out and "shape of X: (60, 30, 78)" in out
    assert "Number of chords 19" in out


def test_both_commands_share_the_midi_options():
    """python -m assignments.jazz and python -m assignments.jazz.corpus spell, default and explain them alike."""
    from assignments.jazz.__main__ import build_parser as jazz_parser

    def midi_options(parser):
        (group,) = [g for g in parser._action_groups if g.title == "MIDI"]
        return {a.option_strings[0]: (a.dest, a.default, a.help, a.nargs, a.choices, a.type)
                for a in group._group_actions}

    shared = midi_options(corpus_command.build_parser())
    assert set(shared) == {"--midi", "--list-parts", "--era", "--melody-part", "--chord-parts", "--chords-from",
                           "--window", "--tidy-rests"}
    assert midi_options(jazz_parser()) == shared
    # the corpus command's earlier spellings still parse, as aliases of the shared names
    args = corpus_command.build_parser().parse_args(["--chord-part", "Piano", "Bass", "--tidy"])
    assert args.chord_parts == ["Piano", "Bass"] and args.tidy_rests


def test_corpus_command_bad_input(tmp_path, capsys):
    path = tmp_path / "bad.mid"
    path.write_bytes(b"MThd garbage")
    assert run(corpus_command.main, ["--midi", str(path), "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


@pytest.mark.parametrize("content", ["[1, 2]", "null", '"text"', '{"version": 2, "config": 5}'])
def test_cache_entry_of_another_shape_is_rebuilt(tmp_path, content):
    """Valid JSON that is not a corpus (a list, null, a string, wrong fields) is discarded and parsed again."""
    path = make_test_midi(tmp_path / "tiny.mid")
    cache = tmp_path / "cache"
    first = load_corpus(path, config=TEST_MIDI_CONFIG, cache_dir=cache)
    (entry,) = cache.iterdir()
    entry.write_text(content, encoding="utf-8")
    again = load_corpus(path, config=TEST_MIDI_CONFIG, cache_dir=cache)
    assert again.corpus == first.corpus and entry.read_text(encoding="utf-8") != content
