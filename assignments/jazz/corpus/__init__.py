"""The corpus room: a MIDI file's melody and chords -> the course's grammar tokens -> one-hot training windows.

``build`` (the course's ``preprocess.py``, cached), ``grammar`` (``parse_melody`` and tone classes), ``harmony``
(chords from several parts sounding together), ``windows`` (``data_processing``'s arrays); ``python -m
assignments.jazz.corpus`` prints a file's corpus. Imports only from ``..midi``.
"""
