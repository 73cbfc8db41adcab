"""Assignment 3: "Improvise a Jazz Solo with an LSTM Network", on Keras 3.

    python -m assignments.jazz            # train 100 epochs on the Metheny solo, improvise, render

Modules: ``midi_config`` / ``midi_io`` / ``grammar`` / ``corpus`` turn a MIDI file into the course's
corpus of musical values; ``config`` / ``model`` / ``train`` / ``inference`` build and train the LSTM
and sample from it; ``checkpoint`` saves and loads it; ``generate`` turns values back into notes (MIDI), ``render`` /
``pianoroll`` / ``metrics`` make a WAV, a picture and a report of the solo; ``__main__`` is the
command line.

Importing the package is cheap: TensorFlow and music21 load only when a submodule needs them.
"""
