"""Saving and loading the Keras models of assignment 2 together with what they were trained on.

A ``.keras`` file holds the weights (and optimizer state) but not the vocabulary or training state it
belongs to. :func:`save_model` writes the model and a JSON *sidecar* beside it (``NAME.keras`` +
``NAME.json``: the vocabulary, and whatever else the caller records), each atomically;
:func:`load_model` reads a ``.keras`` file back in Keras' ``safe_mode`` (the models have no ``Lambda``
layer), and :func:`read_meta` its sidecar, with one-line errors for missing or damaged files. Used by the
dinosaur Keras model (``keras_model.keras``) and by the Shakespeare checkpoints. Not in the course: it
saved nothing (the notebook only loaded the pretrained ``.h5`` file).
"""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

from shared.run import UserError
from shared.run.io import atomic_path, read_text, write_text_atomic


def sidecar(path: str | os.PathLike) -> Path:
    """The JSON file beside a ``.keras`` file."""
    return Path(path).with_suffix(".json")


def save_model(model, path: str | os.PathLike, meta: dict) -> Path:
    """``model.save(path)`` and ``meta`` as ``sidecar(path)``, each written atomically; returns ``path``."""
    path = Path(path)
    with atomic_path(path) as tmp:
        model.save(tmp)
    write_text_atomic(sidecar(path), json.dumps(meta, indent=1) + "\n")
    return path


def read_meta(path: str | os.PathLike, what: str = "model") -> dict:
    """The sidecar of ``path`` as a dict; :class:`UserError` if it is missing or not a JSON object."""
    meta = sidecar(path)
    if not meta.is_file():
        raise UserError(f"{what} {path} has no {meta.name} beside it (written with the model)")
    try:
        value = json.loads(read_text(meta, f"{what} sidecar"))
    except ValueError as exc:
        raise UserError(f"cannot read {meta}: {exc}") from None
    if not isinstance(value, dict):
        raise UserError(f"cannot read {meta}: not a JSON object")
    return value


def load_model(path: str | os.PathLike, what: str = "model"):
    """A ``.keras`` file, loaded with ``safe_mode=True``; one :class:`UserError` line if it is missing or damaged.

    Custom objects (the Shakespeare model's ``course_hard_sigmoid``) must be registered first: import the
    module that defines them.
    """
    import keras

    path = Path(path)
    if path.suffix != ".keras":
        raise UserError(f"{what} must be a .keras file: {path}")
    if not path.is_file():
        raise UserError(f"{what} not found: {path}")
    try:
        return keras.models.load_model(path, safe_mode=True)
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError(f"cannot load {what} {path}: {first}") from None
