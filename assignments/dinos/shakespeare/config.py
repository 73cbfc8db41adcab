"""The settings of one ``python -m assignments.dinos.shakespeare`` run: a dataclass whose defaults are the course's.

Added to the course's settings: a seed, the generation mode, training from scratch or from a checkpoint, the output
folder. Each field with a ``help`` text is a command-line option (:func:`shared.run.cli.config_parser`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from shared.paths import DATA_DIR, OUTPUT_DIR
from shared.run.cli import bounded_int, output_dir, seed_int

from ..cli import temperature

DEFAULT_PROMPT = "Forsooth this maketh no sense "  # the notebook's suggested input (section 4)
PRETRAINED = "model_shakespeare_kiank_350_epoch.h5"  # the course's file name
MODES = ("window", "stateful")
BATCH_SIZE = 128  # the course's model.fit(x, y, batch_size=128, epochs=1)
CHECKPOINT_MODEL = "model.keras"  # the model of a checkpoint unit, checkpoints/epoch-NNN/ (its state: model.json)


def _option(text: str, **how) -> dict:
    return {"help": text, **how}


@dataclass
class ShakespeareConfig:
    """Settings of one run; the defaults are the course's (Tx, stride, architecture, batch size, Adam)."""

    text: Path = field(default=DATA_DIR / "shakespeare.txt", metadata=_option(
        "training text (lower-cased, as in the course)"))
    model: Path = field(default=DATA_DIR / PRETRAINED, metadata=_option(
        "the course's Keras 2 .h5 file or a .keras model written by this command"))
    prompt: str = field(default=DEFAULT_PROMPT, metadata=_option(
        "beginning of the poem (its last Tx characters are used)"))
    length: int = field(default=400, metadata=_option("characters to generate", type=bounded_int(1, 100_000)))
    temperature: float = field(default=1.0, metadata=_option("sampling temperature", type=temperature))
    seed: int = field(default=0, metadata=_option(
        "seed for sampling, and for initialisation, batch order and dropout when training", type=seed_int))
    mode: str = field(default="window", metadata=_option(
        "window: the course's loop on the last 40 characters; stateful: carry the LSTM state one character at a "
        "time (much faster, worse predictions past the first window)", choices=MODES))
    Tx: int = 40
    stride: int = 3
    n_a: int = field(default=128, metadata=_option("LSTM units of a model trained from scratch",
                                                   type=bounded_int(1, 4096), only={"from_scratch": (True,)}))
    batch_size: int | None = field(default=None, metadata=_option(
        f"training batch size (None: the course's {BATCH_SIZE}; a resumed run keeps its checkpoint's)",
        type=bounded_int(1, 1_000_000)))
    learning_rate: float = 0.001
    train_epochs: int = field(default=0, metadata=_option(
        "train this many epochs (with --resume: up to this epoch) before generating", type=bounded_int(0, 10_000)))
    from_scratch: bool = field(default=False, metadata=_option("train a freshly initialised model"))
    resume: Path | None = field(default=None, metadata=_option(
        "continue training from a checkpoint folder (OUT/checkpoints/epoch-NNN)"))
    max_examples: int | None = field(default=None, metadata=_option(
        "train on the first N windows only (quick runs)", type=bounded_int(1, 10_000_000)))
    checkpoint_dir: Path | None = field(default=None, metadata=_option(
        "where epoch checkpoints go (None: OUT/checkpoints)"))
    out: Path = field(default=OUTPUT_DIR / "shakespeare", metadata=_option("output folder", type=output_dir))
    quiet: bool = field(default=False, metadata=_option("print the poem only: no settings, no progress bar"))

    @property
    def training(self) -> bool:
        return self.train_epochs > 0 or self.resume is not None

    @property
    def pretrained(self) -> bool:
        """The poem comes from ``model`` (the course's file or a ``.keras`` file), not a checkpoint or a new model."""
        return self.resume is None and not self.from_scratch
