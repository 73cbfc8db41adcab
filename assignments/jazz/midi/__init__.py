"""The MIDI room: the boundary with MIDI files and the run's settings. ``io`` (raw events with mido, music21
6.7 / 5.5's import rebuilt), ``notes`` (``Note``, ``Chord``, ``Passage``, pitch spelling), ``config`` (``MidiConfig``,
``JazzConfig``), ``options`` (the MIDI options of both commands), ``parts`` (what a file holds, automatic part
choice), ``excerpt`` (the original solo window as its own MIDI file). Imports nothing from the other rooms.
"""
