"""The run's settings: one dataclass whose defaults are the course run (``make dinos``); the command line is
built from it (:func:`shared.run.cli.config_parser`: one option per field, the help text in its metadata).

An option that does not apply to the chosen model (``--epochs`` with the numpy model) is refused, naming it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from shared.paths import OUTPUT_DIR
from shared.run.backend import bf16_matmul_hardware
from shared.run.cli import bounded_float, bounded_int, output_dir, positive_float, seed_int

from .cli import temperature
from .data import COURSE_FILE, SPLIT_SEED
from .names import MAX_VOCAB

MODELS = ("numpy", "keras")
IMPLS = ("fast", "course")
CELLS = ("simple_rnn", "gru", "lstm")
MATMULS = ("auto", "bfloat16", "float32")
NUMPY, KERAS = {"model": ("numpy",)}, {"model": ("keras",)}
# --model keras: the best setting found for a list of tens of thousands of names in a few minutes on 2 cores
# (bench/README.md, "Dinosaur Island"); it is also better than the course's RNN on dinos.txt
KERAS_DEFAULTS = {"n_a": 512, "learning_rate": 6e-3}


def _option(help: str, only: dict | None = None, **meta):
    return {"help": help, **({"only": only} if only else {}), **meta}


@dataclass
class DinosConfig:
    """Defaults reproduce the course: 22001 iterations, n_a 50, 7 names every 2000 iterations, seed 0."""

    data: Path = field(default=COURSE_FILE, metadata=_option(
        "names file, one name per line, any UTF-8 text (the vocabulary is its characters)", metavar="FILE"))
    keep_case: bool = field(default=False, metadata=_option("keep upper case (the course lower-cases the names)"))
    alphabet: str | None = field(default=None, metadata=_option(
        "allowed characters, with x-y ranges (e.g. a-z or \"a-z '-\"): any other is an error"))
    drop_invalid: bool = field(default=False, metadata=_option(
        "with --alphabet: drop the lines with other characters instead of stopping"))
    model: str = field(default="numpy", metadata=_option(
        "numpy: the course's RNN trained by SGD one name at a time; keras: batched Keras char-LM", choices=MODELS))
    load: Path | None = field(default=None, metadata=_option(
        "sample from a saved model instead of training: parameters.npz (numpy) or keras_model.keras (keras)",
        metavar="MODEL"))
    impl: str = field(default="fast", metadata=_option(
        "'fast' (bit-identical, several times faster) or 'course' (the course's loop)", NUMPY, choices=IMPLS))
    iterations: int = field(default=22001, metadata=_option(
        "training iterations, one name each (the course runs 22001)", NUMPY, type=bounded_int(1, 10_000_000)))
    sample_every: int = field(default=2000, metadata=_option(
        "print the loss and sampled names every this many iterations", NUMPY, type=bounded_int(1, 10_000_000)))
    dino_names: int = 7  # names printed per checkpoint (the course's)
    seed: int = field(default=0, metadata=_option(
        "one seed for every random source; 0 reproduces the course (see below)", type=seed_int))
    n_a: int | None = field(default=None, metadata=_option(
        f"hidden units (per layer); numpy: 50, the course's; keras: {KERAS_DEFAULTS['n_a']}",
        type=bounded_int(1, 4096)))
    learning_rate: float | None = field(default=None, metadata=_option(
        f"SGD step (numpy: 0.01, the course's) or Adam learning rate (keras: {KERAS_DEFAULTS['learning_rate']:g})",
        type=positive_float))
    temperature: float = field(default=1.0, metadata=_option(
        "sampling temperature for the final names (<1: safer, >1: wilder)", type=temperature))
    top_k: int = field(default=0, metadata=_option(
        "sample only among the k likeliest characters (0: all)", type=bounded_int(0, MAX_VOCAB)))
    samples: int = field(default=20, metadata=_option("names to generate", type=bounded_int(1, 100_000)))
    out: Path | None = field(default=None, metadata=_option(
        "output folder; default output/dinos for the course's file, output/dinos-NAME for a file NAME.txt",
        type=output_dir, metavar="DIR"))
    quiet: bool = field(default=False, metadata=_option("no progress bar, no per-checkpoint or per-epoch lines"))
    # Keras
    cell: str = field(default="lstm", metadata=_option("recurrent layer", KERAS, choices=CELLS))
    layers: int = field(default=1, metadata=_option("stacked recurrent layers", KERAS, type=bounded_int(1, 8)))
    embedding: int = field(default=64, metadata=_option(
        "character embedding size (0: one-hot input, the course's; simple_rnn always one-hot)", KERAS,
        type=bounded_int(0, 4096)))
    dropout: float = field(default=0.5, metadata=_option(
        "dropout after each recurrent layer", KERAS, type=bounded_float(0, 1, hi_open=True)))
    input_dropout: float = field(default=0.3, metadata=_option(
        "dropout of the character embedding's features, one mask per name (none with --embedding 0)", KERAS,
        type=bounded_float(0, 1, hi_open=True)))
    recurrent_dropout: float = field(default=0.2, metadata=_option(
        "dropout of the recurrent state, one mask per name (with lstm shared by the four gates)", KERAS,
        type=bounded_float(0, 1, hi_open=True)))
    matmul: str = field(default="auto", metadata=_option(
        "the LSTM's matrix products: bfloat16 (rounded inputs; weights, state and gates stay float32; about twice "
        "as fast per epoch on a CPU with AMX or AVX-512 BF16), float32, or auto: bfloat16 on such a CPU with "
        "--cell lstm, else float32", KERAS, choices=MATMULS))
    members: int = field(default=3, metadata=_option(
        "networks trained side by side on the same batches; the model predicts their mean (an ensemble)", KERAS,
        type=bounded_int(1, 16)))
    average_epochs: float = field(default=2.0, metadata=_option(
        "score, keep and save a moving average of the weights spanning about this many epochs (0: the raw "
        "weights)", KERAS, type=bounded_float(0, 1000)))
    epochs: int = field(default=22, metadata=_option(
        "at most this many passes over the training names (early stopping ends sooner)", KERAS,
        type=bounded_int(1, 100_000)))
    patience: int = field(default=2, metadata=_option(
        "stop after this many epochs without a better held-out score (0: never stop early); the best epoch's "
        "weights are kept", KERAS, type=bounded_int(0, 100_000)))
    time_budget: float | None = field(default=None, metadata=_option(
        "stop after the epoch that ends past this many seconds of training", KERAS, type=positive_float,
        metavar="SECONDS"))
    batch_size: int = field(default=128, metadata=_option("names per batch", KERAS, type=bounded_int(1, 1_000_000)))
    epoch_batches: int = field(default=10, metadata=_option(
        "an epoch is at least this many batches: a small list's names are passed over several times per epoch "
        "(0: one pass)", KERAS, type=bounded_int(0, 1_000_000)))
    lr_drop: float = field(default=0.3, metadata=_option(
        "multiply the learning rate by this after an epoch without a held-out gain (1: never)", KERAS,
        type=bounded_float(0, 1, lo_open=True)))
    weight_decay: float = field(default=0.0, metadata=_option(
        "AdamW's decoupled weight decay (0: Adam)", KERAS, type=bounded_float(0, 1)))
    clipnorm: float = field(default=5.0, metadata=_option("gradient clipping (global norm)", KERAS,
                                                          type=positive_float))
    held_out: float = field(default=0.1, metadata=_option(
        "names held out: a fraction in (0, 1), or a count (1000)", KERAS,
        type=bounded_float(0, 10_000_000, lo_open=True)))
    split_seed: int = field(default=SPLIT_SEED, metadata=_option(
        "seed of the held-out split (independent of --seed)", KERAS, type=seed_int))

    def __post_init__(self):
        defaults = {"n_a": 50, "learning_rate": 0.01} if self.model == "numpy" else KERAS_DEFAULTS
        for key, value in defaults.items():
            if getattr(self, key) is None:
                setattr(self, key, value)
        if self.matmul == "auto":  # the run card records what was used
            self.matmul = "bfloat16" if self.model == "keras" and self.cell == "lstm" and bf16_matmul_hardware() \
                else "float32"
        if self.out is None:  # the course run's folder belongs to the course run
            own = Path(self.data).resolve() != COURSE_FILE.resolve()
            self.out = OUTPUT_DIR / (f"dinos-{Path(self.data).stem}" if own else "dinos")

    def as_dict(self) -> dict:
        d = asdict(self)
        d["data"], d["out"] = str(self.data), str(self.out)
        d["load"] = None if self.load is None else str(self.load)
        return d

    def _only(self, which: dict) -> tuple[str, ...]:
        """The fields of the options that apply only with ``which`` (``NUMPY`` or ``KERAS``)."""
        return tuple(f.name for f in fields(self) if f.metadata.get("only") == which)

    def keras_training(self) -> dict:
        """The keyword arguments of ``keras_model.train`` (all but the seed): the model and training settings,
        every keras-only option except the split's (``held_out``, ``split_seed``)."""
        keys = ("n_a", "learning_rate") + tuple(k for k in self._only(KERAS) if k not in ("held_out", "split_seed"))
        return {key: getattr(self, key) for key in keys}

    def relevant(self) -> dict:
        """The settings that matter for this model (what the run prints and records)."""
        d = self.as_dict()
        numpy_only, keras_only = self._only(NUMPY) + ("dino_names",), self._only(KERAS)
        drop = keras_only if self.model == "numpy" else numpy_only
        if self.load is None:
            drop += ("load",)
        else:  # sampling only
            drop += numpy_only + keras_only + ("n_a", "learning_rate")
        return {k: v for k, v in d.items() if k not in drop}
