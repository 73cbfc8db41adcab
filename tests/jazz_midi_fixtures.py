"""A small, hand-written jazz MIDI file for tests: ``make_test_midi(path)`` + the config that reads it.

    from tests.jazz_midi_fixtures import make_test_midi, TEST_MIDI_CONFIG
    path = make_test_midi(tmp_path / "tiny.mid")
    corpus = load_corpus(path, config=TEST_MIDI_CONFIG, cache_dir=tmp_path / "cache")

Eight 4/4 bars at 480 ticks per quarter: a "Flute" melody (eighths, triplets, sixteenths, rests, one note held
under the melody so the part needs two voices, one re-struck note, a few notes played a little late), "Piano"
chords (one per bar, plus one exactly at the window's end, as in the course file), a "Bass" line, and a melody
note after the window. The corpus has 52 tokens in era 2021 (47 notes + 5 rests) and 46 in era 2018 (no rests,
and music21 5.5's note pairing loses the re-struck note): enough for the course's 30-token training windows.
"""
from __future__ import annotations

from pathlib import Path

from assignments.jazz.midi.config import MidiConfig
from assignments.jazz.midi.notes import midi_number  # 'C4' -> 60, music21's spelling (checked against music21 elsewhere)

TICKS_PER_QUARTER = 480
TEST_MIDI_CONFIG = MidiConfig(melody_part="Flute", chord_parts=("Piano", "Bass"), window=(0.0, 32.0))

CHORDS = [("C3", "E3", "G3"), ("A2", "C3", "E3"), ("D3", "F3", "A3"), ("G2", "B2", "D3", "F3")] * 2

# (start, length) in quarter notes within the bar, pitch. Rests are the gaps.
_BARS = [
    [(0, 0.5, "C5"), (0.5, 0.5, "E5"), (1, 0.5, "G5"), (1.5, 0.5, "E5"), (2, 1, "D5")],  # rest 3-4
    [(0, 1 / 3, "A4"), (1 / 3, 1 / 3, "C5"), (2 / 3, 1 / 3, "E5"), (1, 1, "B4"), (2, 0.5, "G#4"), (2.5, 1.5, "A4")],
    [(0, 0.5, "D5"), (0, 2, "F4"), (0.5, 0.5, "F5"), (1, 0.5, "A5"), (1.5, 0.5, "C#5"), (2, 2, "D5")],
    [(0, 0.25, "G4"), (0.25, 0.25, "B4"), (0.5, 0.25, "D5"), (0.75, 0.25, "F5"), (1.5, 1, "E5"), (2.5, 1.5, "G4")],
]
MELODY = []  # (start, length, pitch) in absolute quarter notes
for _bar in range(8):
    for _start, _length, _pitch in _BARS[_bar % 4]:
        MELODY.append((4 * _bar + _start, _length, _pitch))
MELODY[-1] = (30.5, 1.0, "G4")  # the solo ends half a beat early: its gap rest runs past the window (course: R,71.000)
MELODY.append((16.25, 0.5, "C5"))  # re-struck while the C5 at 16.0 still sounds: music21 5.5 swallowed it
MELODY.append((34.0, 1.0, "G4"))  # after the solo window
LATE_TICKS = {20.0: 7, 21.0: 5, 24.5: 9}  # a few melody notes played slightly late (quantized back)


def _track(name: str, program: int, channel: int, notes, zero_velocity_off: bool):
    import mido

    events = []
    for start, length, pitch, velocity in notes:
        on = round(start * TICKS_PER_QUARTER) + LATE_TICKS.get(start, 0) * (name == "Flute")
        off = round((start + length) * TICKS_PER_QUARTER)
        events.append((on, 1, pitch, velocity))
        events.append((off, 0, pitch, 0))
    events.sort(key=lambda e: (e[0], e[1]))  # note-offs before note-ons at the same tick
    track = mido.MidiTrack([mido.MetaMessage("track_name", name=name, time=0),
                            mido.Message("program_change", program=program, channel=channel, time=0)])
    now = 0
    for tick, is_on, pitch, velocity in events:
        if is_on or zero_velocity_off:
            msg = mido.Message("note_on", note=pitch, velocity=velocity, channel=channel, time=tick - now)
        else:
            msg = mido.Message("note_off", note=pitch, velocity=64, channel=channel, time=tick - now)
        track.append(msg)
        now = tick
    return track


def make_test_midi(path: str | Path) -> Path:
    """Write the test MIDI file to ``path`` (parents created) and return the path."""
    import mido

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conductor = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=500000, time=0),
                                mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0)])
    melody = [(start, length, midi_number(p), 90) for start, length, p in MELODY]
    chords = [(4.0 * bar, 4.0, midi_number(p), 60) for bar, chord in enumerate(CHORDS + [CHORDS[0]])
              for p in chord]
    bass = [(4.0 * bar + beat, 1.0, midi_number(chord[0]) - 12, 70) for bar, chord in enumerate(CHORDS)
            for beat in range(4)]
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_QUARTER)
    midi.tracks.append(conductor)
    midi.tracks.append(_track("Piano", 0, 0, chords, zero_velocity_off=True))
    midi.tracks.append(_track("Bass", 32, 1, bass, zero_velocity_off=True))
    midi.tracks.append(_track("Flute", 73, 2, melody, zero_velocity_off=False))
    midi.save(path)
    return path
