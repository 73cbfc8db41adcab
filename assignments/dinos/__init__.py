"""Assignment 2, "Dinosaur Island": a character-level language model of dinosaur names, and Shakespeare.

The course's API (its names, signatures and printouts):

- :mod:`.course` -- the 2021 notebook's functions and its ``utils.py``, exactly (``clip``, ``sample``,
  ``optimize``, ``model``, ``initialize_parameters``, ``rnn_forward``, ...); ``from assignments.dinos.course
  import *`` is the notebook's ``from utils import *`` plus the graded functions;
- :mod:`.shakespeare.course` -- the notebook's ``shakespeare_utils.py`` (``generate_output``, ``x``, ``y``,
  ``model``, ...), for the optional "Writing like Shakespeare" part.

The project's additions:

- :mod:`.fast` -- :class:`~.fast.FastOptimize`, a bit-identical, faster ``optimize`` plugged into
  ``course.model`` (:func:`~.fast.model`);
- :mod:`.data` -- the names file, the 27-character vocabulary, a held-out split;
- :mod:`.sample` -- seeded sampling with temperature and top-k, bits per character, the "in train / new" report;
- :mod:`.keras_model`, :mod:`.convert` -- the same model in Keras (SimpleRNN, or LSTM/GRU), and exact weight
  conversion; :mod:`.keras_io` -- a Keras model saved with its vocabulary;
- :mod:`.config`, :mod:`.cli`, :mod:`.plot` -- the run's settings, what the two command lines share, the loss
  curve drawn while training runs;
- :mod:`.shakespeare` -- the Shakespeare LSTM: data, model, sampling, stepping, training (its own package).

Entry points: ``python -m assignments.dinos`` (:mod:`.__main__`, ``make dinos``) and
``python -m assignments.dinos.shakespeare`` (``make shakespeare``).

Importing this package imports neither numpy-heavy modules nor TensorFlow.
"""
