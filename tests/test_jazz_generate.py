"""From values to notes: the course's post-processing, the solo loop, MIDI, the original excerpt, metrics, piano
roll, WAV (rendered in the background)."""
from __future__ import annotations

import hashlib
import os
import random
import shutil

import numpy as np
import pytest
from music21 import chord, note, stream

from assignments.jazz.solo import metrics
from assignments.jazz.corpus.build import load_corpus
from assignments.jazz.corpus.windows import values_indices
from assignments.jazz.midi.excerpt import write_excerpt
from assignments.jazz.solo.generate import (chunk_groups, clean_up_notes, improvise, melody_line, play_solo,
                                            predicted_grammar, prune_grammar, prune_notes, unparse_grammar,
                                            write_midi, write_tracks)
from assignments.jazz.midi.notes import Chord, Note, Passage, midi_number, pitch_name
from assignments.jazz.solo.pianoroll import plot_pianoroll
from assignments.jazz.solo.render import Renders, find_soundfont, level_match, render_wav
from shared.run import UserError

HAS_FLUIDSYNTH = shutil.which("fluidsynth") is not None and find_soundfont() is not None
needs_fluidsynth = pytest.mark.skipif(not HAS_FLUIDSYNTH and not os.environ.get("CI"),
                                      reason="FluidSynth or a General MIDI soundfont is not installed (CI installs them)")


@pytest.fixture(scope="module")
def metheny(data_dir, tmp_path_factory):
    corpus = load_corpus(data_dir / "original_metheny.mid", "2021", cache_dir=tmp_path_factory.mktemp("cache"))
    _, indices_values = values_indices(corpus.values)
    return corpus, indices_values


def random_sampler(n_values: int, seed: int = 0):
    """Stand-in for the LSTM: each chunk its own seeded random values."""
    return lambda Ty, chunk: np.random.default_rng([seed, chunk]).integers(0, n_values, Ty)


def test_prune_grammar_rounds_down_or_up_as_the_course():
    grammar = "C,0.250 S,0.333,<m2,P-4> R,0.083 C,0.500"
    for seed in range(20):
        rng, mirror = random.Random(seed), random.Random(seed)
        pruned = prune_grammar(grammar, rng).split(" ")
        for token, original in zip(pruned, grammar.split(" ")):
            value, direction = float(original.split(",")[1]), mirror.choice([-1, 1])
            down = value - value % 0.25
            assert float(token.split(",")[1]) == pytest.approx(down if direction < 0 else down + 0.25)
            assert token.split(",")[0] == original.split(",")[0]
            assert token.split(",")[2:] == original.split(",")[2:]
    outcomes = {prune_grammar("C,0.250", random.Random(s)) for s in range(20)}
    assert outcomes == {"C,0.25", "C,0.5"}  # "up" adds 0.25 even to an exact multiple
    assert "R,0.0" in {prune_grammar("R,0.083", random.Random(s)) for s in range(20)}  # "down" can give 0


def test_prune_notes_works_on_pairs():
    n = [note.Note("C4"), note.Note("C4"), note.Note("D4"), note.Note("C4"), note.Note("C4"), note.Rest(),
         note.Note("E4")]
    kept = prune_notes(n)
    # pairs (0,1): same -> drop 1; (2,3): differ; (4,5): rest; 6 alone
    assert [x.nameWithOctave if isinstance(x, note.Note) else "R" for x in kept] == ["C4", "D4", "C4", "C4", "R",
                                                                                      "E4"]


def test_clean_up_notes_fixes_zero_lengths_and_same_offsets():
    voice = stream.Voice()
    for offset, ql, name in [(0.25, 0.0, "C4"), (0.5, 0.5, "D4"), (0.5, 0.5, "E4"), (1.0, 0.25, "F4")]:
        element = note.Note(name)
        element.quarterLength = ql
        voice.insert(offset, element)
    assert list(voice)[0].quarterLength == 0.0
    cleaned = clean_up_notes(list(voice))
    assert [x.nameWithOctave for x in cleaned] == ["C4", "D4", "F4"]
    assert cleaned[0].quarterLength == 0.25


def test_unparse_grammar_places_after_duration_and_matches_types():
    chords = stream.Voice()
    chords.insert(0.0, chord.Chord(["C3", "E4", "G4"]))
    chords.insert(2.0, chord.Chord(["D3", "F4", "A4"]))
    grammar = "C,0.5 R,0.25 C,0.5,<m3,m-3> S,0.25,<M2,d-4> C,1.0,<P5,P-5>"
    for seed in range(10):
        voice = unparse_grammar(grammar, chords, random.Random(seed))
        elements = list(voice)
        assert [float(e.offset) for e in elements] == [0.5, 0.75, 1.25, 1.5, 2.5]  # offset after own duration
        assert isinstance(elements[1], note.Rest)
        first = elements[0]
        assert first.name in ("C", "E", "G") and first.octave >= 4
        second = elements[2]
        assert second.pitch.ps - first.pitch.ps in (-3, -2, -1, 0, 1, 2, 3) or second.name in ("C", "E", "G")
        last = elements[4]  # after the D minor chord at 2.0: a chord tone within a fifth, or +-2 semitones
        assert last.name in ("D", "F", "A") or abs(last.pitch.ps - elements[3].pitch.ps) == 2
    same = [n.nameWithOctave for n in unparse_grammar(grammar, chords, random.Random(4)) if isinstance(n, note.Note)]
    assert same == [n.nameWithOctave for n in unparse_grammar(grammar, chords, random.Random(4))
                    if isinstance(n, note.Note)]


def test_predicted_grammar_and_chunk_groups():
    values = {0: "A,0.250,<M2,d-4>", 1: "X,0.250,<m6,M2>", 2: "S,0.250", 3: "R,0.167"}
    assert predicted_grammar([0, 1, 2, 3], values) == "C,0.25 C,0.250,<M2,d-4> C,0.250,<m6,M2> S,0.250 R,0.167"
    assert chunk_groups(19) == [1, 2, 3, 4, 5]  # int(19 / 3) = 6 -> groups 1..5, as the course
    assert chunk_groups(4) == [1] and chunk_groups(1) == [0]


def test_improvise_course_shape_and_byte_identical(metheny, tmp_path, capsys):
    corpus, indices_values = metheny
    sample = random_sampler(len(indices_values))
    solo = improvise(sample, indices_values, corpus.chord_groups, random.Random(0), Ty=50)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "Predicting new values for different set of chords."
    assert [line.split('("')[1][0] for line in printed[1:]] == ["1", "2", "3", "4", "5"]
    assert solo.groups == [1, 2, 3, 4, 5] and len(solo.counts) == 5 and all(c > 0 for c in solo.counts)
    assert [len(t) for t in solo.tokens] == [50] * 5
    first = write_midi(solo.stream, tmp_path / "a.midi")
    again = improvise(sample, indices_values, corpus.chord_groups, random.Random(0), quiet=True)
    second = write_midi(again.stream, tmp_path / "b.midi")
    assert first.read_bytes() == second.read_bytes()
    other = improvise(sample, indices_values, corpus.chord_groups, random.Random(1), quiet=True)
    assert write_midi(other.stream, tmp_path / "c.midi").read_bytes() != first.read_bytes()
    assert capsys.readouterr().out == ""

    import mido

    midi = mido.MidiFile(first)
    assert (midi.type, midi.ticks_per_beat, len(midi.tracks)) == (1, 1024, 2)  # the course file's shape
    tempos = [m.tempo for m in midi.tracks[0] if m.type == "set_tempo"]
    assert tempos == [461538]  # 130 bpm
    ons = [m for m in midi.tracks[1] if m.type == "note_on" and m.velocity > 0]
    assert {m.channel for m in ons} == {0}
    # chord notes keep the source velocities: the first chord of group 1 opens the file, as in the course's
    source = corpus.chord_groups[1][0]
    assert [m.velocity for m in ons[:len(source.pitches)]] == list(source.velocities)
    assert sum(m.velocity == 90 for m in ons) >= sum(solo.counts)
    back = metrics.read_solo_midi(first, chord_notes=metrics.course_chord_notes(corpus.chord_groups, solo.groups))
    assert len(back.notes) == sum(solo.counts) == len(solo.music.notes)
    # the solo's notes are where the MIDI file has them, with its pitches (random values climb above MIDI's 127:
    # music21 folds those into range by octaves, and so does Note.midi)
    assert sorted((round(n.offset, 2), n.midi) for n in back.notes) == \
        sorted((round(n.offset, 2), n.midi) for n in solo.music.notes)
    assert [n.midi for n in solo.music.notes] == [p.midi for m in solo.stream.flatten().notes
                                                  if isinstance(m, note.Note) for p in m.pitches]


def test_course_layout_is_byte_identical_to_before(metheny, tmp_path):
    """The course's layout on the corpus's own values writes the file it wrote before the solo layout existed."""
    corpus, indices_values = metheny
    index = {v: i for i, v in indices_values.items()}
    solo = improvise(lambda Ty, chunk: [index[v] for v in corpus.corpus[10 * chunk:10 * chunk + Ty]], indices_values,
                     corpus.chord_groups, random.Random(0), Ty=50, quiet=True)
    written = write_midi(solo.stream, tmp_path / "course.midi").read_bytes()
    assert hashlib.sha256(written).hexdigest() == "67df96f4bdc3879f609d51e3ff691663892db3087569999f243e7486fa9aa6c9"


def test_solo_layout_is_one_line_over_every_chord_group(metheny, tmp_path, capsys):
    import mido

    corpus, indices_values = metheny
    solo = play_solo(random_sampler(len(indices_values)), indices_values, corpus.chord_groups, random.Random(0),
                     Ty=50, pitch_range=(49, 82), source=corpus.corpus, onsets_per_beat=2.676)
    assert capsys.readouterr().out.startswith("Improvised ") and solo.groups == list(range(1, 19))  # 18 groups
    notes, chords = solo.music.notes, solo.music.chords
    assert metrics.melody_polyphony(notes) == 1 and all(a.end <= b.offset + 1e-9 for a, b in zip(notes, notes[1:]))
    assert metrics.chord_coverage(notes, chords) >= 0.9
    assert chords[0].offset == 0 and max(c.offset + c.quarter_length for c in chords) == 72.0 >= notes[-1].end > 68
    assert all(49 <= n.midi <= 82 for n in notes)
    midi = mido.MidiFile(write_tracks(solo.music, tmp_path / "solo.midi", 130))
    names = [next((m.name for m in t if m.type == "track_name"), None) for t in midi.tracks]
    assert names == [None, "melody", "chords"]
    melody_ons = [m for m in midi.tracks[1] if m.type == "note_on" and m.velocity > 0]
    assert len(melody_ons) == len(notes) and {m.channel for m in melody_ons} == {0}
    longer = play_solo(random_sampler(len(indices_values)), indices_values, corpus.chord_groups, random.Random(0),
                       Ty=50, pitch_range=(49, 82), source=corpus.corpus, onsets_per_beat=2.676, groups=25, quiet=True)
    assert longer.groups[18:] == list(range(1, 8)) and longer.music.end == 100.0  # the progression again


def test_melody_line_voice_leads_within_the_grammar_bounds():
    c_major = [Chord(0.0, ("C4", "E4", "G4"), 4.0)]
    line = melody_line(["C,0.500", "R,0.250", "C,0.500,<P5,M2>", "S,1.000,<M-2,m-3>", "C,4.000"], c_major, 3.0,
                       random.Random(0), (48, 85))
    # first: the chord tone nearest the middle of the range (66.5); <P5,M2> (+2..+7) from G4: C5, the chord tone at
    # +5 (+4.5 asked); <M-2,m-3> (-3..-2) from C5: A4, a tone of the chord's scale (G major, the course's derive);
    # no bounds and no source moves: stay near A4, where the chord tone G4 (2 away) beats the off-chord A4 itself
    # (3 semitones' penalty)
    assert [n.pitch for n in line] == ["G4", "C5", "A4", "G4"]
    assert [n.offset for n in line] == [0.0, 0.75, 1.25, 2.25] and line[-1].quarter_length == 0.75  # cut at 3.0
    assert line[0].quarter_length == 0.5  # a rest keeps its time
    turned = melody_line(["C,0.5", "C,0.5,<P8,A4>"], c_major, 1.0, random.Random(0), (55, 72))
    assert [n.pitch for n in turned] == ["E4", "G3"]  # +9 would leave the range: -9 instead (the chord tone G3)


def test_level_match_writes_no_full_scale_sample_and_one_loudness(tmp_path):
    import wave

    t = np.linspace(0, 1, 44100, dtype=np.float32)
    loud = np.stack([3.0 * np.sin(440 * t)] * 2, axis=1)    # a mix that would clip as 16-bit samples
    quiet = np.stack([0.01 * np.sin(220 * t)] * 2, axis=1)
    levels = level_match({tmp_path / "loud.wav": (loud, 44100), tmp_path / "quiet.wav": (quiet, 44100)})
    read = {}
    for name in ("loud.wav", "quiet.wav"):
        with wave.open(str(tmp_path / name)) as w:
            read[name] = np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32768
    assert all(np.abs(x).max() < 0.9 for x in read.values())  # peaks at most -1 dBFS
    rms = [20 * np.log10(np.sqrt(np.mean(x ** 2))) for x in read.values()]
    assert abs(rms[0] - rms[1]) < 0.1 and abs(levels["loud.wav"]["rms_db"] - rms[0]) < 0.1


def test_greedy_course_decoding_repeats_one_sequence(metheny):
    corpus, indices_values = metheny
    same = lambda Ty, chunk: np.arange(Ty) % len(indices_values)  # noqa: E731  what argmax from zeros does
    solo = improvise(same, indices_values, corpus.chord_groups, random.Random(0), Ty=20, quiet=True)
    assert all(t == solo.tokens[0] for t in solo.tokens)
    sampled = improvise(random_sampler(len(indices_values)), indices_values, corpus.chord_groups,
                        random.Random(0), Ty=20, quiet=True)
    assert len({tuple(t) for t in sampled.tokens}) == 5


def test_empty_chord_group_borrows_previous_chord(metheny):
    corpus, indices_values = metheny
    groups = [list(g) for g in corpus.chord_groups]
    groups[2] = []
    solo = improvise(random_sampler(len(indices_values)), indices_values, groups, random.Random(0), Ty=10,
                     quiet=True)
    assert len(solo.counts) == 5
    with pytest.raises(ValueError, match="no chords"):
        improvise(random_sampler(5), indices_values, [[]] * 19, random.Random(0), Ty=5, quiet=True)


def test_course_outputs_split_into_melody_and_chords(data_dir, metheny):
    corpus = metheny[0]
    chords = metrics.course_chord_notes(corpus.chord_groups, [1, 2, 3, 4, 5])
    assert len(chords) == 50
    v12 = metrics.read_solo_midi(data_dir / "course_v1.2_run_my_music.midi", chord_notes=chords)
    assert len(v12.notes) == 5 * 35  # that run printed "Generated 35 sounds" for each of its 5 chunks
    assert sum(len(c.pitches) for c in v12.chords) == 50
    course = metrics.read_solo_midi(data_dir / "course_my_music.midi", chord_notes=chords)
    assert len(course.notes) + sum(len(c.pitches) for c in course.chords) == 160  # the file's note count
    assert min(n.midi for n in course.notes) >= 48  # unparse_grammar keeps melody octaves >= 3
    assert metrics.course_solo(corpus) == course  # the course column: the course's own file, the same split
    assert course.chords[0][2] == course.chords[0].midis  # the tuple view tools.compare still reads


def _notes(*items) -> list[Note]:
    return [Note(onset, length, pitch_name(midi)) for onset, length, midi in items]


def test_metric_definitions():
    assert midi_number("C4") == 60 and midi_number("E-5") == 75 and midi_number("B#3") == 60
    assert midi_number("C#3") == 49 and pitch_name(70) == "B-4" and midi_number("C-4") == 59
    from music21 import pitch

    for name in ("A9", "C10", "G#9", "B#9", "F12", "C-1", "B-2"):  # outside MIDI's range: folded as music21 does
        assert midi_number(name) == pitch.Pitch(name).midi, name
    scale = _notes(*[(float(i), 0.5, p) for i, p in enumerate([60, 62, 64, 65, 67, 69, 71, 72])])
    assert metrics.scale_consistency(scale) == 1.0
    assert metrics.scale_consistency(scale + _notes((9.0, 0.5, 61))) == pytest.approx(8 / 9)
    hist = metrics.pitch_class_histogram(scale)
    assert hist.sum() == pytest.approx(1.0) and hist[0] == pytest.approx(2 / 8)
    assert metrics.histogram_distance(hist, hist) == 0.0
    assert metrics.histogram_distance(metrics.pitch_class_histogram(_notes((0, 1, 60))),
                                      metrics.pitch_class_histogram(_notes((0, 1, 61)))) == 1.0
    chords = [Chord(0.0, ("C3", "E4", "G4"), 2.0), Chord(2.0, ("D3", "F4", "A4"), 2.0)]
    notes = _notes((0.0, 1, 72), (1.0, 1, 62), (2.0, 1, 62), (3.5, 1, 61))
    assert metrics.chord_tone_rate(notes, chords) == pytest.approx(2 / 4)
    assert metrics.note_density(notes) == pytest.approx(4 / 4.5)
    corpus = ["a", "b", "c", "d", "a", "b"]
    assert metrics.longest_copied_run([["x", "b", "c", "d", "y"], ["a", "b"]], corpus) == 3
    assert metrics.longest_copied_run([["x", "y"]], corpus) == 0
    passage = Passage.of(_notes((2.0, 1, 60)) + [Note(0.5, 1, None)] + _notes((1.0, 1, 62)), chords[::-1])
    assert [n.offset for n in passage.notes] == [1.0, 2.0] and [c.offset for c in passage.chords] == [0.0, 2.0]
    assert passage.end == 4.0 and passage.shifted(1.0).notes[0].offset == 0.0


def test_report_table_and_json(metheny, tmp_path):
    corpus, indices_values = metheny
    solo = improvise(random_sampler(len(indices_values)), indices_values, corpus.chord_groups,
                     random.Random(0), Ty=20, quiet=True)
    training = metrics.from_corpus(corpus)
    assert len(training.notes) == 193 and training.notes[0].offset >= 0
    report = metrics.build_report(solo.music, training, None, solo.tokens, corpus.corpus)
    text = metrics.format_report(report)
    assert text.splitlines()[0].split() == ["metric", "generated", "training", "solo"]
    assert "course" not in text and report["course_file"] is None and "note" not in report  # nothing said about it
    assert report["columns"]["training solo"]["pc_distance_training"] == 0.0
    import json

    saved = json.loads(metrics.write_report(report, tmp_path / "m.json").read_text())
    assert saved["columns"]["generated"]["notes"] == len(solo.music.notes)
    assert set(saved["columns"]) == {"generated", "training solo"}


def test_pianoroll_png_two_panels_on_one_beat_axis(metheny, tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    corpus = metheny[0]
    training = metrics.from_corpus(corpus)
    short = Passage.of(training.notes[:20], training.chords[:3])
    figures = []
    monkeypatch.setattr("assignments.jazz.solo.pianoroll.save_png", lambda fig, path: figures.append(fig) or
                        __import__("shared.plotting", fromlist=["save_png"]).save_png(fig, path))
    path = plot_pianoroll(tmp_path / "roll.png", short, training)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["roll.png"]
    top, bottom = figures[0].axes
    assert top.get_xlim() == bottom.get_xlim() == (0.0, training.end)  # one beat axis, both solos on it
    for ax in (top, bottom):
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("beats", "pitch")
        assert any(label.get_visible() and label.get_text() for label in ax.get_xticklabels())
    assert len(top.collections) == len(bottom.collections) == 2  # chords and melody, one collection each
    plt.close("all")


def test_soundfont_lookup(tmp_path):
    with pytest.raises(UserError, match="soundfont not found"):
        find_soundfont(tmp_path / "missing.sf2")
    (tmp_path / "b.sf2").write_bytes(b"x")
    (tmp_path / "a.sf2").write_bytes(b"x")
    assert find_soundfont(search_dirs=(str(tmp_path / "none"), str(tmp_path))) == tmp_path / "a.sf2"
    assert find_soundfont(search_dirs=(str(tmp_path / "none"),)) is None


@needs_fluidsynth
def test_render_wav_with_fluidsynth(data_dir, tmp_path):
    wav = render_wav(data_dir / "course_my_music.midi", tmp_path / "course.wav", find_soundfont())
    data = wav.read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE" and len(data) > 44100 * 2 * 2 * 10  # > 10 s stereo
    with pytest.raises(UserError, match="FluidSynth could not render"):
        render_wav(tmp_path / "course.wav", tmp_path / "bad.wav", find_soundfont())  # a WAV is not MIDI
    assert not (tmp_path / "bad.wav").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course.wav"]
    assert hashlib.sha256(data).hexdigest()  # readable


@needs_fluidsynth
def test_a_render_shorter_than_its_midi_is_an_error(data_dir, tmp_path, monkeypatch):
    import assignments.jazz.solo.render as render

    read = render.read_float_wav
    monkeypatch.setattr(render, "read_float_wav", lambda path: (lambda s, r: (s[:len(s) // 2], r))(*read(path)))
    with pytest.raises(UserError, match="of audio for"):  # e.g. a full disk, while FluidSynth exits 0
        render_wav(data_dir / "course_my_music.midi", tmp_path / "cut.wav", find_soundfont())
    assert list(tmp_path.iterdir()) == []


@needs_fluidsynth
def test_background_renders_run_together_and_fail_cleanly(data_dir, tmp_path):
    course = data_dir / "course_my_music.midi"
    with Renders() as wavs:
        wavs.start("a", course, tmp_path / "a.wav")
        wavs.start("b", course, tmp_path / "b.wav")
        assert all(job.process.poll() is None for job in wavs.jobs.values())  # both running at once
        done = wavs.wait()
    assert done == {"a": tmp_path / "a.wav", "b": tmp_path / "b.wav"}
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()
    assert set(wavs.levels) == {"a.wav", "b.wav"} and wavs.card()["fluidsynth"].startswith("FluidSynth")
    with pytest.raises(UserError, match="FluidSynth could not render"), Renders() as wavs:
        wavs.start("bad", tmp_path / "a.wav", tmp_path / "bad.wav")  # not MIDI
        wavs.start("good", course, tmp_path / "c.wav")
        wavs.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.wav", "b.wav"]  # no partial or temporary file left
    with Renders() as wavs:  # leaving the block stops what is still running, and leaves nothing behind
        wavs.start("cut", course, tmp_path / "cut.wav")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.wav", "b.wav"]


def test_renders_off_or_without_fluidsynth(monkeypatch, tmp_path):
    import assignments.jazz.solo.render as render

    off = Renders(enabled=False)
    off.start("x", tmp_path / "x.midi", tmp_path / "x.wav")
    assert off.wait() == {} and off.note is None
    monkeypatch.setattr(render, "find_fluidsynth", lambda: None)
    missing = Renders()
    missing.start("x", tmp_path / "x.midi", tmp_path / "x.wav")
    assert missing.wait() == {} and "FluidSynth not found" in missing.note
    assert list(tmp_path.iterdir()) == []


def test_original_excerpt_is_the_solo_window(data_dir, metheny, tmp_path):
    import mido

    corpus = metheny[0]
    config = corpus.config
    path = write_excerpt(data_dir / "original_metheny.mid", tmp_path / "excerpt.midi",
                         (config.melody_part, *config.chord_parts), config.window)
    midi = mido.MidiFile(path)
    assert midi.ticks_per_beat == 96 and [t.name for t in midi.tracks] == ["original excerpt", "melody", "chords"]
    tempos = [m.tempo for m in midi.tracks[0] if m.type == "set_tempo"]
    assert tempos == [535714]  # the source's tempo, in force at the window's start

    def onsets(track):
        tick, found = 0, []
        for msg in track:
            tick += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                found.append((tick / 96, msg.note))
        return found

    guitar = onsets(midi.tracks[1])
    assert len(guitar) == len(corpus.melody_window) == 193  # every melody note of the corpus's window
    window_start = config.window[0]
    assert [p for _, p in guitar] == [n.midi for n in sorted(corpus.melody_window, key=lambda n: n.offset)] or \
        sorted(p for _, p in guitar) == sorted(n.midi for n in corpus.melody_window)
    assert all(-0.2 <= onset <= config.window[1] - window_start for onset, _ in guitar)
    accompaniment = onsets(midi.tracks[2])  # Piano, Bass, Trumpet and French Horn, each on its own channel
    chord_notes = sum(len(c.pitches) for group in corpus.chord_groups for c in group)
    assert len(accompaniment) >= chord_notes  # the chords the corpus keeps, and the parts' single notes too
    assert [m.program for m in midi.tracks[1] if m.type == "program_change"] == [26]  # the guitar sounds as one
    with pytest.raises(UserError, match="Banjo"):
        write_excerpt(data_dir / "original_metheny.mid", tmp_path / "x.midi", ("Banjo",), config.window)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["excerpt.midi"]
