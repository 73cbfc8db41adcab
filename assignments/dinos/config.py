"""The run's settings: one dataclass whose defaults are the course run (``make dinos``).

``python -m assignments.dinos`` mirrors every field as an option and prints them at start.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from shared.paths import DATA_DIR, OUTPUT_DIR

from .data import SPLIT_SEED

MODELS = ("numpy", "keras")
IMPLS = ("fast", "course")
CELLS = ("simple_rnn", "gru", "lstm")


@dataclass
class DinosConfig:
    """Defaults reproduce the course: 22001 iterations, n_a 50, 7 names every 2000 iterations, seed 0."""

    data: Path = field(default_factory=lambda: DATA_DIR / "dinos.txt")
    keep_case: bool = False  # the course lower-cases the names
    alphabet: str | None = None  # None: any character of the file; "a-z": others are an error (or dropped)
    drop_invalid: bool = False  # with alphabet: drop the offending lines instead of stopping
    model: str = "numpy"  # numpy: the course's model; keras: the Keras char-LM
    impl: str = "fast"  # numpy only: fast (bit-identical) or course (the course's loop structure)
    iterations: int = 22001  # numpy: SGD steps, one name each (the course calls model(..., 22001))
    sample_every: int = 2000  # numpy: checkpoint printout period
    dino_names: int = 7  # names printed per checkpoint
    seed: int = 0  # 0 = the course (init 1, shuffle 0, checkpoint names 0..6); Keras: every random source
    n_a: int = 50  # hidden units
    learning_rate: float = 0.01  # numpy: SGD (course); keras: Adam
    temperature: float = 1.0
    top_k: int = 0  # 0 = no top-k
    samples: int = 20  # names generated after training
    out: Path = field(default_factory=lambda: OUTPUT_DIR / "dinos")
    quiet: bool = False
    # Keras
    cell: str = "lstm"
    epochs: int = 10
    batch_size: int = 32
    clipnorm: float = 5.0  # gradient clipping of the Keras optimizer
    held_out: float = 0.1  # fraction of names held out (Keras); the split has its own seed
    split_seed: int = SPLIT_SEED

    def as_dict(self) -> dict:
        d = asdict(self)
        d["data"], d["out"] = str(self.data), str(self.out)
        return d

    def relevant(self) -> dict:
        """The settings that matter for this model (what the run prints and records)."""
        d = self.as_dict()
        numpy_only = ("impl", "iterations", "sample_every", "dino_names")
        keras_only = ("cell", "epochs", "batch_size", "clipnorm", "held_out", "split_seed")
        drop = keras_only if self.model == "numpy" else numpy_only
        return {k: v for k, v in d.items() if k not in drop}
