"""The settings of one ``python -m assignments.dinos.shakespeare`` run: a dataclass whose defaults are the course's.

Tx = 40, stride 3, two LSTM layers of 128 units, batch size 128 and Adam(0.001), the course's pretrained
file, 400 generated characters at temperature 1.0 from the notebook's suggested prompt. Added (not in the
course): a seed, the generation mode, training from scratch or from a checkpoint, and the output folder.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shared.paths import DATA_DIR, OUTPUT_DIR

DEFAULT_PROMPT = "Forsooth this maketh no sense "  # the notebook's suggested input (section 4)
PRETRAINED = "model_shakespeare_kiank_350_epoch.h5"  # the course's file name
MODES = ("window", "stateful")


@dataclass
class ShakespeareConfig:
    """Settings of one run; the defaults are the course's (Tx, stride, architecture, batch size, Adam)."""

    text: Path = DATA_DIR / "shakespeare.txt"
    model: Path = DATA_DIR / PRETRAINED
    prompt: str = DEFAULT_PROMPT
    length: int = 400
    temperature: float = 1.0
    seed: int = 0
    mode: str = "window"
    Tx: int = 40
    stride: int = 3
    n_a: int = 128
    batch_size: int = 128
    learning_rate: float = 0.001
    train_epochs: int = 0
    from_scratch: bool = False
    resume: Path | None = None
    max_examples: int | None = None
    checkpoint_dir: Path | None = None  # default: OUT/checkpoints
    out: Path = OUTPUT_DIR / "shakespeare"
    quiet: bool = False

    @property
    def training(self) -> bool:
        return self.train_epochs > 0 or self.resume is not None
