"""Saving a trained jazz LSTM and loading it back (``--load``), always with ``safe_mode=True``.

A run saves the fused training model twice: whole (``model.keras``) and as weights
(``model.weights.h5``), with the vocabulary it was trained on beside them (``values.json``). Loading
accepts either file, or any ``.keras`` model that holds one LSTM and one Dense layer (the course's
``djmodel`` or ``music_inference_model`` too), and copies the weights into fresh shared layers.
The course saved nothing; its notebook retrained on every run.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

from shared.run import UserError
from shared.run.io import atomic_path, write_text_atomic

VALUES_FILE = "values.json"


def save_model(model, directory: str | os.PathLike, values: Sequence[str], stem: str = "model") -> dict[str, Path]:
    """Write ``stem.keras``, ``stem.weights.h5`` and ``values.json`` into ``directory`` (each atomically)."""
    directory = Path(directory)
    paths = {"model": directory / f"{stem}.keras", "weights": directory / f"{stem}.weights.h5",
             "values": directory / VALUES_FILE}
    check_free_space(directory, model.count_params())
    with atomic_path(paths["model"]) as tmp:
        model.save(tmp)
    with atomic_path(paths["weights"]) as tmp:
        model.save_weights(tmp)
    write_text_atomic(paths["values"], json.dumps({"values": list(values)}, indent=1) + "\n")
    return paths


def check_free_space(directory: Path, n_params: int) -> None:
    """UserError (one line) unless ``directory`` has room for the two model files: h5py on a full disk prints
    dozens of lines of HDF5 errors and can crash the process, so the space is checked before writing."""
    import shutil

    needed = 2 * 4 * n_params * 2 + 2_000_000  # two files of float32 weights (the .keras also holds Adam's) + slack
    free = shutil.disk_usage(directory).free
    if free < needed:
        raise UserError(f"cannot write the model into {directory}: {free / 1e6:.1f} MB free, about "
                        f"{needed / 1e6:.1f} MB needed")


def _check_values(path: Path, values: Sequence[str]) -> None:
    saved = path.parent / VALUES_FILE
    if not saved.is_file():
        return
    try:
        trained_on = json.loads(saved.read_text(encoding="utf-8"))["values"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise UserError(f"{saved} is not a vocabulary file written by this program") from None
    if list(trained_on) != list(values):
        raise UserError(f"the model in {path} was trained on a different vocabulary ({len(trained_on)} values) "
                        f"than this corpus ({len(values)} values); use the same --midi/--era/--window")


def load_into(path: str | os.PathLike, LSTM_cell, densor, values: Sequence[str]) -> None:
    """Copy the weights saved at ``path`` into the (fresh) shared ``LSTM_cell`` and ``densor``."""
    import keras

    from .layers import fused_model

    path = Path(path)
    if not path.is_file():
        raise UserError(f"model file not found: {path}")
    _check_values(path, values)
    n_values = densor.units
    target = fused_model(None, LSTM_cell, densor)  # builds the shared layers
    if path.name.endswith(".weights.h5"):
        try:
            target.load_weights(path)
        except Exception as exc:  # h5py / Keras raise many types for a foreign or damaged file
            raise UserError(f"cannot load weights from {path}: {_first_line(exc)}") from None
        return
    if path.suffix != ".keras":
        raise UserError(f"--load expects a .keras model or a .weights.h5 file, got {path.name}")
    try:
        loaded = keras.models.load_model(path, safe_mode=True, compile=False)
    except Exception as exc:
        raise UserError(f"cannot load model {path}: {_first_line(exc)}") from None
    recurrent = [layer for layer in loaded.layers if hasattr(layer, "cell")]
    dense = [layer for layer in loaded.layers if isinstance(layer, keras.layers.Dense)]
    if len(recurrent) != 1 or len(dense) != 1:
        raise UserError(f"{path} is not a jazz LSTM model (expected one LSTM and one Dense layer)")
    if dense[0].units != n_values or recurrent[0].cell.units != LSTM_cell.units:
        raise UserError(f"{path} has {dense[0].units} values and {recurrent[0].cell.units} units; "
                        f"this corpus needs {n_values} values and {LSTM_cell.units} units")
    _check_shapes(path, "LSTM", recurrent[0].cell.get_weights(), LSTM_cell.cell.get_weights())
    _check_shapes(path, "Dense", dense[0].get_weights(), densor.get_weights())
    LSTM_cell.cell.set_weights(recurrent[0].cell.get_weights())
    densor.set_weights(dense[0].get_weights())


def _check_shapes(path: Path, layer: str, saved: list, wanted: list) -> None:
    """UserError naming the first weight whose shape differs (another architecture), before ``set_weights``."""
    names = ("kernel", "recurrent kernel", "bias") if layer == "LSTM" else ("kernel", "bias")
    if len(saved) != len(wanted):
        raise UserError(f"{path}: its {layer} layer has {len(saved)} weight arrays, this model {len(wanted)} "
                        f"(another architecture)")
    for k, (a, b) in enumerate(zip(saved, wanted)):
        if tuple(a.shape) != tuple(b.shape):
            name = names[k] if k < len(names) else f"weight {k}"
            raise UserError(f"{path}: {layer} {name} is {tuple(a.shape)}, this model needs {tuple(b.shape)} "
                            f"(another architecture)")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
