"""Assignment 2, "Dinosaur Island": a character-level language model of dinosaur names.

- :mod:`.course` -- the course's numpy functions, exactly (``clip``, ``sample``, ``optimize``, ``model``, helpers);
- :mod:`.fast` -- the same training loop, bit for bit, several times faster (one-hot products as column look-ups);
- :mod:`.keras_model` / :mod:`.convert` -- the same model in Keras (SimpleRNN, or LSTM/GRU), and weight conversion;
- :mod:`.sample` -- seeded sampling with temperature and top-k, and the "in train / held-out / new" report;
- ``python -m assignments.dinos`` (:mod:`.__main__`) -- the command-line run (``make dinos``).

Importing this package imports neither numpy-heavy modules nor TensorFlow.
"""
