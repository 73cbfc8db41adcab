"""Assignment 2, "Dinosaur Island": a character-level language model of dinosaur names (numpy, then Keras), and
the notebook's optional Shakespeare part (:mod:`.shakespeare`).

The course's API is :mod:`.course` (the 2021 notebook's functions and its ``utils.py``, exactly: ``from
assignments.dinos.course import *`` is the notebook's ``from utils import *`` plus the graded functions) and
:mod:`.shakespeare.course` (``shakespeare_utils.py``). The command, ``python -m assignments.dinos``, is
:mod:`.__main__`: read it first (the README says in which order to read the rest).

Importing this package imports neither numpy nor TensorFlow.
"""
