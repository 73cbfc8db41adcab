"""Chords from several accompaniment parts at once: the pitches sounding together across them.

The course (and :mod:`~assignments.jazz.corpus.build` on the course file) takes its chords from ONE part, and only
from that part's music21 Chords (notes that start and end together). That works for Metheny's piano, but not
for a four-part chorale (four single-note voices: no part has a chord), a piano file whose left hand plays
single notes, or a band whose chords are spread over guitar, bass and horns. :func:`sounding_chords` reads all
accompaniment parts together: at every (quantized) onset in any of them, the chord is the set of pitches
sounding at that moment in any of them (sustained notes included), lasting until the next onset. A moment where
a single pitch sounds gives a one-pitch chord (a bass note is still the harmony's root).

This is not the course's behaviour: it is used for files other than the course's (or with ``--chords-from all``),
never for ``data/original_metheny.mid`` by default.
"""
from __future__ import annotations

from fractions import Fraction

from ..midi.config import MidiConfig
from ..midi.io import EraRules, Element, MidiData, Track, pair_notes, quantize_value


def sounding_chords(data: MidiData, parts: list[Track], era: str, config: MidiConfig) -> list[Element]:
    """One chord :class:`Element` per onset of the ``parts`` together, holding every pitch sounding then.

    Offsets and ends are quantized as the melody is (``config.quantize_divisors``); pitches are sorted low to
    high, each once, with the velocity of its most recent onset. Elements come in time order.
    """
    rules = EraRules.for_era(era)
    tpq = data.ticks_per_quarter
    divisors = tuple(config.quantize_divisors)
    notes = []  # (on, off, pitch, velocity) in quarter notes, quantized
    for track in parts:
        for n in pair_notes(track.messages, rules):
            on = quantize_value(n.on / tpq, divisors)
            off = quantize_value(n.off / tpq, divisors)
            if off <= on:
                off = on + Fraction(1, 4)
            notes.append((on, off, n.pitch, n.velocity))
    notes.sort()
    onsets = sorted({on for on, *_ in notes})
    chords: list[Element] = []
    start = 0  # notes[:start] have begun
    sounding: list[tuple] = []
    for k, t in enumerate(onsets):
        while start < len(notes) and notes[start][0] <= t:
            sounding.append(notes[start])
            start += 1
        sounding = [n for n in sounding if n[1] > t]
        if not sounding:
            continue
        latest: dict[int, tuple] = {}
        for n in sounding:
            if n[2] not in latest or n[0] >= latest[n[2]][0]:
                latest[n[2]] = n
        end = min(onsets[k + 1] if k + 1 < len(onsets) else max(n[1] for n in sounding), max(n[1] for n in sounding))
        pitches = tuple(sorted(latest))
        chords.append(Element(t, end - t, pitches, tuple(latest[p][3] for p in pitches), order=len(chords)))
    return chords
