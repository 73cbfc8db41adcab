"""The model room: ``layers`` (the course's shared layers, the fused training model, its loss), ``train`` (the
compiled training loop), ``inference`` (the compiled sampler), ``checkpoint`` (saving and loading with
``safe_mode=True``). Imports from ``..midi`` and ``..corpus`` only.
"""
