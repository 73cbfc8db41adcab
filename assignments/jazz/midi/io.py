"""The MIDI boundary: read a MIDI file's note events and rebuild a part the way the course's music21 did.

The course called ``music21.converter.parse`` and used what music21 5.5 (2018) or 6.7 (2021) made of the file.
music21 >= 7 builds measures, merges notes differently and crashes the course code, and a plain port on
music21 10 gets fewer than half of the tokens right. So this module reads the raw note events with ``mido``
and repeats the import steps of those releases explicitly, in exact ``Fraction`` arithmetic:

1. absolute tick times, in file order;
2. note pairing: a note-on is ended by the first later unused event of the same pitch and channel that ends
   it (2018: *any* later note event of that pitch -- music21 5.5 tested ``if other.isNoteOff:``, a method
   object, so a re-struck note ends the sounding one and is swallowed);
3. chord gathering: notes starting within ``chord_tolerance`` of a note and ending within it too form one
   chord (length = first note's end - last gathered note's start, music21's quirk); a note starting together
   but ending elsewhere marks the part as needing voices;
4. quantization of offsets and durations, independently, to the nearest multiple of 1/4 or 1/3 (ties: lower
   error, then the smaller value); 2018 lets a duration become 0, 2021 makes it 1/4;
5. voices: each element goes to the first voice whose end (``highestTime``) is <= its offset (2018 compares
   ``float(highestTime)``, as music21 5.5 did);
6. rests: only voice 1 is gap-filled -- a leading rest (both eras) plus one rest per gap (2021 only).

The types here are the import's own: :class:`NoteMessage` (one raw MIDI message), :class:`PairedNote` (a
sounded note in ticks, before quantization) and :class:`Element` (a note, chord or rest as music21 held it:
exact ``Fraction`` offsets, voice, insertion order, grace flag). They carry what only the import needs; what
leaves this module is the musical vocabulary of :mod:`~assignments.jazz.midi.notes` (pitches spelled by
:func:`~assignments.jazz.midi.notes.pitch_name`, as music21's ``Pitch(midi=n)``).
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from shared.run import UserError

from .config import MidiConfig, check_era

# General MIDI instrument families (program // 8), used to name a track that has no track name.
_GM_FAMILIES = (
    "Piano", "Chromatic Percussion", "Organ", "Guitar", "Bass", "Strings", "Ensemble", "Brass",
    "Reed", "Pipe", "Synth Lead", "Synth Pad", "Synth Effects", "Ethnic", "Percussive", "Sound Effects",
)


# --------------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class NoteMessage:
    """One note-on / note-off message, with its absolute time in ticks (a raw MIDI event, not yet a note)."""

    tick: int
    note: int
    channel: int
    velocity: int
    is_note_on: bool  # a note_on message (velocity 0 included); False for note_off


DRUM_CHANNEL = 9  # MIDI channel 10: General MIDI percussion, never a melody or chord source


@dataclass(frozen=True)
class Track:
    """A part of a MIDI file: a track that holds notes, or one channel of a track that holds several.

    music21 turned every note track into one Part; a type-0 file (one track) or any track playing on several
    channels would then be one part with drums, bass and all in it, so such a track is split by channel here
    (``channel`` set). A track on one channel stays whole (``channel`` None): the course file's tracks are.
    """

    index: int  # position of the track in the file
    name: str  # track_name meta message ('' if none)
    program: int | None  # first program change (of this channel, for a split track), if any
    messages: tuple[NoteMessage, ...]
    channel: int | None = None  # the channel this part was split off by; None: the whole track
    number: int = 0  # position among the file's parts (what --list-parts shows, and what "#N" selects)

    @property
    def channels(self) -> tuple[int, ...]:
        return tuple(sorted({m.channel for m in self.messages}))

    @property
    def is_drum(self) -> bool:
        """Every note on MIDI channel 10 (index 9), General MIDI's percussion channel."""
        return self.channels == (DRUM_CHANNEL,)

    @property
    def label(self) -> str:
        """The name the part is known by: its track name, else its General MIDI family (Drums on channel 10);
        a part split off a track by channel adds the channel (1-16)."""
        if self.name:
            base = self.name
        elif self.is_drum:
            base = "Drums"
        elif self.program is not None:
            base = _GM_FAMILIES[self.program // 8]
        else:
            base = f"track {self.index}"
        return base if self.channel is None else f"{base} (channel {self.channel + 1})"


@dataclass(frozen=True)
class MidiData:
    ticks_per_quarter: int
    tracks: tuple[Track, ...]  # the parts: note tracks in file order, multi-channel tracks split by channel
    tempo_bpm: float | None = None  # the first set_tempo of the file, if any (MIDI's default is 120 bpm)

    @property
    def part_names(self) -> list[str]:
        return [t.label for t in self.tracks]

    def parts_text(self) -> str:
        return ", ".join(f"#{t.number} {t.label}" for t in self.tracks) or "none"

    def find_part(self, name: str) -> Track:
        """The part called ``name`` (case-insensitive; track name first, then label), or numbered ``#N`` / ``N``
        (its number in ``--list-parts``). Several parts with that name: UserError asking for a number."""
        wanted = str(name).strip().lower()
        for attr in ("name", "label"):
            found = [t for t in self.tracks if getattr(t, attr).strip().lower() == wanted]
            if attr == "name" and any(t.channel is not None for t in found):
                continue  # a split track's name names all its channels: decide by label
            if len(found) > 1:
                raise UserError(f"{len(found)} parts are called {name!r} ({', '.join(f'#{t.number}' for t in found)}); "
                                f"choose one by its number, e.g. '#{found[0].number}' (see --list-parts)")
            if found:
                return found[0]
        number = wanted[1:] if wanted.startswith("#") else wanted
        number, _, line = number.partition(":")
        if number.isdigit() and int(number) < len(self.tracks) and line in ("", *SPLIT_LINES):
            track = self.tracks[int(number)]
            return split_top_line(track, self.ticks_per_quarter)[SPLIT_LINES.index(line)] if line else track
        raise UserError(f"no part named {name!r} in the MIDI file; parts found: {self.parts_text()}")


SPLIT_LINES = ("top", "rest")  # "#N:top" / "#N:rest": a polyphonic part's highest notes / the notes below them


def split_top_line(track: Track, ticks_per_quarter: int) -> tuple[Track, Track]:
    """A polyphonic part as two: its top line (of the notes starting together -- within 1/16 quarter -- the
    highest) and the rest. Used when a file has a single pitched part (one piano track): the top line is the
    melody, the rest the accompaniment. Notes are paired as music21 6.7 paired them."""
    notes = sorted(pair_notes(track.messages, EraRules.for_era("2021")), key=lambda n: (n.on, -n.pitch))
    tolerance = ticks_per_quarter / 16
    top, rest, group_start = [], [], None
    for n in notes:
        if group_start is None or n.on - group_start > tolerance:
            group_start = n.on
            top.append(n)
        else:
            rest.append(n)

    def messages(chosen):
        events = [NoteMessage(n.on, n.pitch, n.channel, n.velocity, True) for n in chosen]
        events += [NoteMessage(n.off, n.pitch, n.channel, 0, False) for n in chosen]
        return tuple(sorted(events, key=lambda m: (m.tick, m.is_note_on)))

    base = Track(track.index, track.name, track.program, (), track.channel, track.number).label
    return (replace(track, name=f"{base} (top line)", channel=None, messages=messages(top)),
            replace(track, name=f"{base} (below the top line)", channel=None, messages=messages(rest)))


def _note_tracks(midi) -> list[Track]:
    """The parts of a ``mido.MidiFile``: its note tracks with absolute tick times, split by channel when a
    track plays on several channels."""
    tracks = []
    for index, mido_track in enumerate(midi.tracks):
        tick, name, programs, messages = 0, "", {}, []
        for msg in mido_track:
            tick += msg.time
            if msg.type in ("note_on", "note_off"):
                messages.append(NoteMessage(tick, msg.note, msg.channel, msg.velocity, msg.type == "note_on"))
            elif msg.type == "track_name" and not name:
                name = msg.name
            elif msg.type == "program_change":
                programs.setdefault(msg.channel, msg.program)
        if not messages:
            continue
        channels = sorted({m.channel for m in messages})
        if len(channels) == 1:
            first = next(iter(programs.values()), None)  # as before: the track's first program change
            tracks.append(Track(index, name, first, tuple(messages)))
            continue
        for channel in channels:
            tracks.append(Track(index, name, programs.get(channel), tuple(m for m in messages if m.channel == channel),
                                channel))
    return [replace(t, number=n) for n, t in enumerate(tracks)]


def _first_tempo(midi) -> float | None:
    for track in midi.tracks:
        for msg in track:
            if msg.type == "set_tempo":
                return round(60_000_000 / msg.tempo, 3)
    return None


def _raw_midi(path: str | Path) -> bytes:
    path = Path(path)
    if not path.is_file():
        raise UserError(f"MIDI file not found: {path}")
    raw = path.read_bytes()
    if not raw:
        raise UserError(f"MIDI file is empty: {path}")
    if raw[:4] != b"MThd":
        raise UserError(f"{path} is not a readable MIDI file (no MThd header)")
    return raw


def parse_midi(path: str | Path):
    """The ``mido.MidiFile`` of ``path``, checked; UserError (one line) for missing, empty, non-MIDI or truncated
    files. Parses are remembered by the file's bytes, so the corpus and the excerpt of one run share one."""
    return _checked(_raw_midi(path), Path(path))


def _checked(raw: bytes, path: Path):
    try:
        midi = _parse(raw)
    except EOFError:
        raise UserError(f"{path} is a truncated MIDI file (it ends inside a chunk or an event)") from None
    except (OSError, ValueError, KeyError, IndexError) as exc:
        raise UserError(f"{path} is not a readable MIDI file ({exc})") from None
    if midi.type == 2:
        raise UserError(f"{path}: MIDI format 2 (independent sequences) is not supported")
    if midi.ticks_per_beat <= 0 or midi.ticks_per_beat & 0x8000:
        raise UserError(f"{path}: unsupported MIDI time division (SMPTE timing)")
    return midi


@lru_cache(maxsize=2)
def _parse(raw: bytes):
    import mido

    return mido.MidiFile(file=io.BytesIO(raw))


@lru_cache(maxsize=2)
def _midi_data(raw: bytes, path: Path) -> MidiData:
    midi = _checked(raw, path)
    return MidiData(midi.ticks_per_beat, tuple(_note_tracks(midi)), _first_tempo(midi))


def read_midi(path: str | Path) -> MidiData:
    """Read the parts of a MIDI file (remembered by its bytes: the options, the corpus and the excerpt of one run
    share one read). UserError (one line) for missing, empty, non-MIDI or truncated files."""
    return _midi_data(_raw_midi(path), Path(path))


# --------------------------------------------------------------------------------------------------- import


@dataclass(frozen=True)
class EraRules:
    """The differences between music21 5.5 (2018) and 6.7 (2021) MIDI import that this module reproduces."""

    any_event_ends_note: bool  # 5.5: matchedNoteOff tested a method object -> every same-pitch event ends a note
    zero_tick_is_grace: bool  # 6.x: a zero-tick note is a grace note of length 0 (5.5: length 1.0)
    zero_duration_to_quarter: bool  # 6.x: a duration quantized to 0 becomes 1/4 (unless grace)
    float_highest_time: bool  # 5.5: Stream.highestTime returned float(...)
    gap_rests: bool  # 6.x: makeRests fills every gap of voice 1 (5.5: only the leading rest)

    @classmethod
    def for_era(cls, era: str) -> "EraRules":
        if check_era(era) == "2018":
            return cls(True, False, False, True, False)
        return cls(False, True, True, False, True)


@dataclass(frozen=True)
class PairedNote:
    """A sounded note in ticks: a note-on paired with the event that ends it (step 2), before quantization."""

    on: int  # ticks
    off: int
    pitch: int  # MIDI note number
    velocity: int
    channel: int = 0


@dataclass
class Element:
    """A Note (one pitch), Chord (several) or Rest (none) of an imported part, in quarter notes.

    Mutable and exact (``Fraction``), with the voice and insertion order music21 gave it: the import's
    working type. The corpus turns elements into :class:`~assignments.jazz.midi.notes.Note` /
    :class:`~assignments.jazz.midi.notes.Chord`.
    """

    offset: Fraction
    quarter_length: Fraction
    pitches: tuple[int, ...]
    velocities: tuple[int, ...] = ()
    grace: bool = False
    voice: int = 1
    order: int = 0  # insertion order inside its voice (music21's insertIndex)

    @property
    def is_rest(self) -> bool:
        return not self.pitches

    @property
    def is_chord(self) -> bool:
        return len(self.pitches) > 1

    @property
    def end(self) -> Fraction:
        return self.offset + self.quarter_length


def pair_notes(messages: tuple[NoteMessage, ...] | list[NoteMessage], rules: EraRules) -> list[PairedNote]:
    """Step 2: pair each sounding note-on with the event that ends it, in note-on order."""
    def ends(msg: NoteMessage) -> bool:
        return rules.any_event_ends_note or not msg.is_note_on or msg.velocity == 0

    # Ending events per (pitch, channel), in file order. Note-ons are visited in file order and each takes the
    # first unused ending event after it, so the events a later note-on can take never lie before those an
    # earlier one skipped or took: one pointer per key finds it (linear; a scan per note-on was quadratic for a
    # file of note-ons that are never ended).
    by_key: dict[tuple[int, int], list[int]] = {}
    for i, msg in enumerate(messages):
        if ends(msg):
            by_key.setdefault((msg.note, msg.channel), []).append(i)
    pointer = dict.fromkeys(by_key, 0)
    used = bytearray(len(messages))
    notes = []
    for i, msg in enumerate(messages):
        if used[i] or not (msg.is_note_on and msg.velocity > 0):
            continue
        key = (msg.note, msg.channel)
        candidates = by_key.get(key)
        if candidates is None:
            continue  # never ended: dropped, as music21 did
        k = pointer[key]
        while k < len(candidates) and candidates[k] <= i:
            k += 1
        if k < len(candidates):
            j = candidates[k]
            used[j] = 1
            notes.append(PairedNote(msg.tick, messages[j].tick, msg.note, msg.velocity, msg.channel))
            k += 1
        pointer[key] = k
        # a note-on that is never ended is dropped, as music21 did
    return notes


def gather_chords(notes: list[PairedNote], ticks_per_quarter: int, tolerance: float
                  ) -> tuple[list[list[PairedNote]], bool]:
    """Step 3: group notes that start and end together into chords; also report whether voices are needed."""
    tol = ticks_per_quarter * tolerance
    gathered = [False] * len(notes)
    groups, voices_required = [], False
    for i, first in enumerate(notes):
        if gathered[i]:
            continue
        group = [first]
        for j in range(i + 1, len(notes)):
            other = notes[j]
            if abs(other.on - first.on) > tol:
                break
            if abs(other.off - first.off) > tol:
                voices_required = True
                continue
            # like music21, no check whether j already sits in an earlier chord: with staggered starts a
            # note can land in two chords (it never happens in the course file)
            group.append(other)
            gathered[j] = True
        groups.append(group)
    return groups, voices_required


def nearest_multiple(n: float, unit: float) -> tuple[float, float]:
    """music21's ``common.nearestMultiple``: (match, error rounded to 7 places); an exact half rounds down."""
    mult = math.floor(n / unit)
    match_low = unit * mult
    if match_low <= n <= match_low + unit / 2.0:
        return match_low, round(n - match_low, 7)
    match_high = unit * (mult + 1)
    return match_high, round(match_high - n, 7)


def quantize_value(value: float, divisors: tuple[int, ...]) -> Fraction:
    """Snap ``value`` (quarter notes) to the grid of music21 5.5 / 6.7 ``Stream.quantize``.

    Candidates are sorted by (error, match): lowest error first, the smaller value on ties.
    """
    found = []
    for div in divisors:
        unit = 1.0 / div
        match, error = nearest_multiple(value, unit)
        found.append((error, match, Fraction(round(match / unit), div)))
    return min(found)[2]


def build_elements(groups: list[list[PairedNote]], ticks_per_quarter: int, rules: EraRules,
                   divisors: tuple[int, ...]) -> list[Element]:
    """Steps 3-4: notes and chords with music21's offsets/lengths, then quantized."""
    elements = []
    for group in groups:
        first = group[0]
        length_ticks = first.off - group[-1].on  # music21's chord length quirk (plain note: off - on)
        offset = quantize_value(first.on / ticks_per_quarter, divisors)
        grace = False
        if length_ticks <= 0:
            if rules.zero_tick_is_grace:
                grace, length = True, Fraction(0)
            else:
                length = Fraction(1)
        else:
            length = quantize_value(length_ticks / ticks_per_quarter, divisors)
            if length == 0 and rules.zero_duration_to_quarter:
                length = Fraction(1, 4)
        elements.append(Element(offset, length, tuple(n.pitch for n in group),
                                tuple(n.velocity for n in group), grace))
    return elements


def make_voices(elements: list[Element], rules: EraRules) -> list[list[Element]]:
    """Step 5: music21's ``makeVoices``: each element joins the first voice that has ended by its offset."""
    ordered = sorted(range(len(elements)), key=lambda k: (elements[k].offset, k))
    voices: list[list[Element]] = []
    highest: list[Fraction] = []
    for k in ordered:
        element = elements[k]
        for v, end in enumerate(highest):
            if (float(end) if rules.float_highest_time else end) <= element.offset:
                break
        else:
            v = len(voices)
            voices.append([])
            highest.append(Fraction(0))
        element.voice, element.order = v + 1, len(voices[v])
        voices[v].append(element)
        highest[v] = max(highest[v], element.end)
    return voices


def add_rests(voice: list[Element], rules: EraRules) -> list[Element]:
    """Step 6: gap-fill voice 1 -- a leading rest, plus (2021) one rest per gap between its elements."""
    if not voice:
        return voice
    rests = []
    if voice[0].offset > 0:
        rests.append(Element(Fraction(0), voice[0].offset, ()))
    if rules.gap_rests:
        end = Fraction(0)
        for element in voice:
            if element.offset > end and element is not voice[0]:
                rests.append(Element(end, element.offset - end, ()))
            end = max(end, element.end)
    for n, rest in enumerate(rests):
        rest.voice, rest.order = 1, len(voice) + n
    return voice + rests


def sort_key(element: Element) -> tuple:
    """music21's order in a flattened part: offset, grace notes first, then voice, then insertion order."""
    return (element.offset, not element.grace, element.voice, element.order)


@dataclass
class ImportedPart:
    """A part as music21 5.5 / 6.7 imported it."""

    name: str
    voices: list[list[Element]] = field(default_factory=list)  # voice 1 first; one voice if none were needed
    voices_required: bool = False

    def flat(self) -> list[Element]:
        """All elements of all voices, in music21's flattened order."""
        return sorted((e for v in self.voices for e in v), key=sort_key)


def import_part(data: MidiData, name: str, era: str, config: MidiConfig) -> ImportedPart:
    """Rebuild the named part as the course's music21 (``era``) imported it: notes, chords, voices, rests."""
    rules = EraRules.for_era(era)
    track = data.find_part(name)
    notes = pair_notes(track.messages, rules)
    groups, voices_required = gather_chords(notes, data.ticks_per_quarter, config.chord_tolerance)
    elements = build_elements(groups, data.ticks_per_quarter, rules, tuple(config.quantize_divisors))
    voices = make_voices(elements, rules) if voices_required else []
    if len(voices) > 1:
        voices[0] = add_rests(voices[0], rules)
    else:  # music21's makeVoices leaves a part without overlaps alone: no voices, no rests
        for order, element in enumerate(elements):
            element.order = order
        voices = [elements]
    return ImportedPart(track.label, voices, voices_required)
