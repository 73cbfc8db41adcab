"""Writing like Shakespeare: the optional Keras part of the course's Dinosaur Island notebook.

Modules:

- :mod:`.course` -- the course's ``shakespeare_utils.py`` names for a notebook session: ``build_data``,
  ``vectorization``, ``sample(preds, temperature=1.0)``, ``on_epoch_end``, ``generate_output()`` and, loaded
  on first use, ``text``, ``chars``, ``char_indices``, ``indices_char``, ``x``, ``y`` and ``model``;
- :mod:`.config` -- :class:`~.config.ShakespeareConfig`, the settings of a run (defaults = the course's);
- :mod:`.data` -- the sonnets as training data: :func:`~.data.load_corpus`, :func:`~.data.build_data`,
  :func:`~.data.vectorization`, :class:`~.data.Vocabulary`, :func:`~.data.prepare`;
- :mod:`.model` -- the course's two-layer LSTM and its pretrained Keras 2 file read correctly under Keras 3:
  :func:`~.model.build_model`, :func:`~.model.load_course_model`, :func:`~.model.restore_course_optimizer`;
- :mod:`.sample` -- seeded sampling through :mod:`shared.sampling`'s protocol: :func:`~.sample.sample`,
  :func:`~.sample.generate` (the course's 40-character window, or ``mode="stateful"``);
- :mod:`.step` -- :class:`~.step.LstmStepper`, the LSTMs advanced one character at a time;
- :mod:`.train` -- training with per-epoch ``.keras`` checkpoints and exact resume.

Entry point: ``python -m assignments.dinos.shakespeare`` (:mod:`.__main__`, ``make shakespeare``).

Importing this package imports neither Keras nor TensorFlow.
"""
