"""What is in a MIDI file, part by part, and which parts a run uses when none are named (not in the course).

The course hard-coded its parts (``score[5]`` the melody, ``[0, 1, 6, 7]`` the accompaniment) for one file.
For any other file :func:`describe_parts` gives each part's number, name, channels, General MIDI program,
drum flag, note count, pitch range, span and polyphony (``--list-parts`` prints :func:`parts_table`), and
:func:`choose_parts` picks, when the user names none, the most melody-like pitched part as the melody and the
other pitched parts as the accompaniment, with the reason. Only ``mido`` is needed (no numpy, no TensorFlow).
"""
from __future__ import annotations

from dataclasses import dataclass

from shared.run import UserError
from shared.table import format_table

from .io import EraRules, MidiData, pair_notes
from .notes import pitch_name

GM_PROGRAMS = (
    "Acoustic Grand Piano", "Bright Acoustic Piano", "Electric Grand Piano", "Honky-tonk Piano", "Electric Piano 1",
    "Electric Piano 2", "Harpsichord", "Clavinet", "Celesta", "Glockenspiel", "Music Box", "Vibraphone", "Marimba",
    "Xylophone", "Tubular Bells", "Dulcimer", "Drawbar Organ", "Percussive Organ", "Rock Organ", "Church Organ",
    "Reed Organ", "Accordion", "Harmonica", "Tango Accordion", "Acoustic Guitar (nylon)", "Acoustic Guitar (steel)",
    "Electric Guitar (jazz)", "Electric Guitar (clean)", "Electric Guitar (muted)", "Overdriven Guitar",
    "Distortion Guitar", "Guitar Harmonics", "Acoustic Bass", "Electric Bass (finger)", "Electric Bass (pick)",
    "Fretless Bass", "Slap Bass 1", "Slap Bass 2", "Synth Bass 1", "Synth Bass 2", "Violin", "Viola", "Cello",
    "Contrabass", "Tremolo Strings", "Pizzicato Strings", "Orchestral Harp", "Timpani", "String Ensemble 1",
    "String Ensemble 2", "Synth Strings 1", "Synth Strings 2", "Choir Aahs", "Voice Oohs", "Synth Voice",
    "Orchestra Hit", "Trumpet", "Trombone", "Tuba", "Muted Trumpet", "French Horn", "Brass Section", "Synth Brass 1",
    "Synth Brass 2", "Soprano Sax", "Alto Sax", "Tenor Sax", "Baritone Sax", "Oboe", "English Horn", "Bassoon",
    "Clarinet", "Piccolo", "Flute", "Recorder", "Pan Flute", "Blown Bottle", "Shakuhachi", "Whistle", "Ocarina",
    "Lead 1 (square)", "Lead 2 (sawtooth)", "Lead 3 (calliope)", "Lead 4 (chiff)", "Lead 5 (charang)",
    "Lead 6 (voice)", "Lead 7 (fifths)", "Lead 8 (bass + lead)", "Pad 1 (new age)", "Pad 2 (warm)",
    "Pad 3 (polysynth)", "Pad 4 (choir)", "Pad 5 (bowed)", "Pad 6 (metallic)", "Pad 7 (halo)", "Pad 8 (sweep)",
    "FX 1 (rain)", "FX 2 (soundtrack)", "FX 3 (crystal)", "FX 4 (atmosphere)", "FX 5 (brightness)", "FX 6 (goblins)",
    "FX 7 (echoes)", "FX 8 (sci-fi)", "Sitar", "Banjo", "Shamisen", "Koto", "Kalimba", "Bagpipe", "Fiddle", "Shanai",
    "Tinkle Bell", "Agogo", "Steel Drums", "Woodblock", "Taiko Drum", "Melodic Tom", "Synth Drum", "Reverse Cymbal",
    "Guitar Fret Noise", "Breath Noise", "Seashore", "Bird Tweet", "Telephone Ring", "Helicopter", "Applause",
    "Gunshot",
)
"""General MIDI level 1 program names, 0-based (program 0 = Acoustic Grand Piano)."""

MIN_MELODY_NOTES = 8  # a part with fewer notes is never chosen as the melody automatically
MIN_SPLIT_POLYPHONY = 0.2  # a file's only pitched part is split into top line + rest when this share overlaps


@dataclass(frozen=True)
class PartInfo:
    """One part as ``--list-parts`` shows it (times in quarter notes)."""

    number: int
    label: str
    channels: tuple[int, ...]  # 1-16, as musicians count
    program: int | None
    drum: bool
    notes: int
    low: int | None
    high: int | None
    mean_pitch: float | None
    start: float
    end: float
    polyphony: float  # share of notes overlapping another note of the same part (0 = monophonic)

    @property
    def program_text(self) -> str:
        if self.drum:
            return "drums"
        return "-" if self.program is None else f"{self.program} {GM_PROGRAMS[self.program]}"

    @property
    def range_text(self) -> str:
        return "-" if self.low is None else f"{pitch_name(self.low)}-{pitch_name(self.high)}"


def _polyphony(notes, tolerance: float) -> float:
    """Share of notes that overlap another (by more than ``tolerance`` ticks): exact, by one sweep in onset order."""
    notes = sorted((n.on, n.off) for n in notes)
    overlapping, max_end = 0, None
    for i, (on, off) in enumerate(notes):
        earlier = max_end is not None and on < max_end - tolerance
        later = i + 1 < len(notes) and notes[i + 1][0] < off - tolerance
        overlapping += earlier or later
        max_end = off if max_end is None else max(max_end, off)
    return overlapping / len(notes) if notes else 0.0


def describe_parts(data: MidiData) -> list[PartInfo]:
    """Every part of the file, measured (notes paired as music21 6.7 paired them)."""
    rules = EraRules.for_era("2021")
    tpq = data.ticks_per_quarter
    infos = []
    for track in data.tracks:
        notes = pair_notes(track.messages, rules)
        pitches = [n.pitch for n in notes]
        infos.append(PartInfo(
            track.number, track.label, tuple(c + 1 for c in track.channels), track.program, track.is_drum,
            len(notes), min(pitches, default=None), max(pitches, default=None),
            sum(pitches) / len(pitches) if pitches else None,
            min((n.on for n in notes), default=0) / tpq, max((n.off for n in notes), default=0) / tpq,
            _polyphony(notes, tpq / 16)))
    return infos


def parts_table(infos: list[PartInfo]) -> str:
    rows = [[f"#{p.number}", p.label, ",".join(map(str, p.channels)), p.program_text, "yes" if p.drum else "",
             p.notes, p.range_text, f"{p.start:g}-{p.end:g}", f"{p.polyphony:.0%}"] for p in infos]
    return format_table(["part", "name", "channel", "program", "drums", "notes", "range", "span (quarters)",
                         "overlapping"], rows)


@dataclass(frozen=True)
class PartChoice:
    melody: PartInfo
    accompaniment: list[PartInfo]
    reason: str
    melody_spec: str           # what --melody-part would say: a name or '#N' ('#N:top' for a split part)
    chord_specs: list[str]


def choose_parts(data: MidiData, source: str, melody: str | None = None, chords: list[str] | None = None
                 ) -> PartChoice:
    """The melody and accompaniment a run uses when ``melody`` / ``chords`` are not both given.

    Melody: of the pitched (non-drum) parts with at least :data:`MIN_MELODY_NOTES` notes, the one with the best
    ``2 * monophony + register + note share`` (monophony = 1 - overlapping share; register = its mean pitch
    placed between the lowest and highest part's, 0..1; note share = notes / the most notes of a part).
    Accompaniment: every other pitched part. A file with a single pitched part that plays chords (at least
    :data:`MIN_SPLIT_POLYPHONY` of its notes overlapping: one piano track) is split: its top line
    (``#N:top``, :func:`~assignments.jazz.midi.io.split_top_line`) is the melody, the notes below it
    (``#N:rest``) the accompaniment. UserError when there is nothing to use.
    """
    infos = describe_parts(data)
    pitched = [p for p in infos if not p.drum and p.notes]
    by_number = {p.number: p for p in infos}
    if chords is not None:
        chord_infos = [by_number[data.find_part(name).number] for name in chords]
    else:
        chord_infos = None
    if melody is not None:
        chosen = by_number[data.find_part(melody).number]
        reason = f"melody #{chosen.number} {chosen.label!r} (--melody-part)"
    else:
        taken = {p.number for p in chord_infos or []}
        candidates = [p for p in pitched if p.notes >= MIN_MELODY_NOTES and p.number not in taken]
        if not candidates:
            drums = sum(p.drum for p in infos)
            what = (f"only drum parts ({drums})" if drums and not pitched else
                    f"no pitched part with at least {MIN_MELODY_NOTES} notes" + (" left for the melody" if taken else ""))
            raise UserError(f"{source} has {what}: nothing to use as the melody (see --list-parts)")
        lows, highs = min(p.mean_pitch for p in candidates), max(p.mean_pitch for p in candidates)
        most = max(p.notes for p in candidates)

        def score(p: PartInfo) -> float:
            register = (p.mean_pitch - lows) / (highs - lows) if highs > lows else 0.5
            return 2 * (1 - p.polyphony) + register + p.notes / most

        chosen = max(candidates, key=lambda p: (score(p), -p.number))
        reason = (f"melody #{chosen.number} {chosen.label!r}: the most melody-like of {len(candidates)} pitched "
                  f"part{'s' if len(candidates) > 1 else ''} ({1 - chosen.polyphony:.0%} monophonic, mean pitch "
                  f"{pitch_name(round(chosen.mean_pitch))}, {chosen.notes} notes)")
    if chord_infos is None:
        chord_infos = [p for p in pitched if p.number != chosen.number]
        if not chord_infos:
            if melody is None and chosen.polyphony >= MIN_SPLIT_POLYPHONY:
                reason = (f"one pitched part (#{chosen.number} {chosen.label!r}, {chosen.polyphony:.0%} of its notes "
                          f"overlapping): its top line as the melody (#{chosen.number}:top), the notes below it as "
                          f"the accompaniment (#{chosen.number}:rest)")
                return PartChoice(chosen, [chosen], reason, f"#{chosen.number}:top", [f"#{chosen.number}:rest"])
            raise UserError(f"{source} has one pitched part (#{chosen.number} {chosen.label!r}) and it plays one "
                            f"note at a time; a solo needs a melody and at least one accompaniment part to take "
                            f"chords from (see --list-parts)")
        reason += "; accompaniment: the other pitched parts " + ", ".join(f"#{p.number}" for p in chord_infos)
    else:
        reason += "; accompaniment " + ", ".join(f"#{p.number}" for p in chord_infos) + " (--chord-parts)"
    return PartChoice(chosen, chord_infos, reason, melody or f"#{chosen.number}",
                      list(chords) if chords is not None else [f"#{p.number}" for p in chord_infos])
