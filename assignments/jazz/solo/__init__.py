"""The solo room: ``generate`` (predicted values -> notes -> MIDI: the course's post-processing and chunk layout,
and the default solo layout), ``render`` (WAVs with FluidSynth), ``pianoroll`` and ``metrics`` (a picture and
the numbers of a solo). Imports from the rooms below it, never from ``course``.
"""
