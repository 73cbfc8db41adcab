"""Settings of the jazz run, with the course's values as defaults.

The one default that departs from the 2021 notebook is sampling: the course decodes greedily
(``argmax``) from a zero start, so all five chunks of its solo share one predicted sequence.
Here each chunk samples its own sequence at ``temperature`` 1.0, seeded; ``greedy=True`` (CLI
``--greedy``) is the course's decoding.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class JazzConfig:
    # data (course: load_music_utils('data/original_metheny.mid'), data_processing(corpus, ..., 60, 30))
    era: str = "2021"                # 2021 = music21 6.7 corpus (90 values), 2018 = music21 5.5 (78)
    m: int = 60                      # training windows
    Tx: int = 30                     # window length
    # model (course: n_a = 64)
    n_a: int = 64
    # training (course: Adam(lr=0.01, beta_1=0.9, beta_2=0.999, decay=0.01), fit(..., epochs=100), batch 32)
    epochs: int = 100
    batch_size: int = 32
    learning_rate: float = 0.01
    beta_1: float = 0.9
    beta_2: float = 0.999
    decay: float = 0.01              # legacy per-update decay, as InverseTimeDecay(lr, 1, decay)
    fused: bool = True               # train through one RNN layer (same weights); False = the course's unrolled model
    # generation (course: Ty = 50, 5 chunks over chord groups 1..5, 130 bpm)
    Ty: int = 50
    greedy: bool = False             # True = the course's argmax decoding
    temperature: float = 1.0
    top_k: int | None = None
    bpm: float = 130.0
    seed: int = 0

    def to_dict(self) -> dict:
        return asdict(self)
