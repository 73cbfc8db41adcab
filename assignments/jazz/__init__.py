"""Assignment 3: "Improvise a Jazz Solo with an LSTM Network", on Keras 3.

Entry points:

    python -m assignments.jazz            # train 100 epochs on the Metheny solo, improvise, render (__main__)
    python -m assignments.jazz.corpus     # build and print the grammar corpus of a MIDI file (corpus)
    from assignments.jazz.course import * # the notebook's own names, for running its cells as written (course)

Modules:

- ``course``: the course's API -- every function, constant and expected output the 2021 notebook calls,
  with its signatures, defaults and printouts (``load_music_utils``, ``djmodel``, ``predict_and_sample``,
  ``generate_music``, ...); everything else here is the project's own;
- ``notes``: the one note / pitch vocabulary (``Note``, ``Chord``, ``Passage``, pitch spelling) and the
  music21 import;
- ``midi_config`` / ``midi_io`` / ``grammar`` / ``corpus``: a MIDI file -> the course's corpus of musical values
  (the MIDI import of music21 6.7 / 5.5 rebuilt, the grammar, the cache, the one-hot windows);
- ``options``: the MIDI options both commands share;
- ``config``: the one configuration of a run; ``pipeline``: its steps, in order;
- ``model`` / ``train`` / ``inference`` / ``checkpoint``: the layers and the fused training model, training,
  the compiled sampler, saving and loading;
- ``generate``: values -> notes -> MIDI (the course's post-processing); ``excerpt``: the original solo window as
  MIDI; ``render``: WAVs with FluidSynth in the background; ``pianoroll`` / ``metrics``: a picture and the
  numbers of a solo.

Importing the package is cheap: TensorFlow and music21 load only when a submodule needs them.
"""
