"""Writing like Shakespeare: the optional Keras part of the course's Dinosaur Island notebook.

``python -m assignments.dinos.shakespeare`` (:mod:`.__main__`, ``make shakespeare``); the files in reading order
are listed in this package's README.md. Importing this package imports neither Keras nor TensorFlow.
"""
