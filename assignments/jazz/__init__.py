"""Assignment 3: "Improvise a Jazz Solo with an LSTM Network", on Keras 3.

    python -m assignments.jazz            # train on the Metheny solo, improvise, render (__main__: the table of contents)
    python -m assignments.jazz.corpus     # build and print the grammar corpus of a MIDI file
    from assignments.jazz.course import * # the notebook's own names, for running its cells as written

Four rooms, imports one way (midi -> corpus -> model -> solo), with ``course`` (the notebook's API, the only module
importing from all four) and ``__main__`` on top:

- ``midi``: the MIDI boundary, the run's settings, notes and pitch spelling, part choice, the original excerpt;
- ``corpus``: the course's grammar corpus (music21 6.7 / 5.5's import rebuilt, cached), harmony, training windows;
- ``model``: the shared layers and the fused training model, training, the compiled sampler, checkpoints;
- ``solo``: values -> notes -> MIDI (the course's post-processing and layouts), WAVs, piano roll, metrics.

Importing the package is cheap: TensorFlow and music21 load only when a submodule needs them.
"""
