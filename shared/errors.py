"""The one exception type a user can act on.

Library code raises :class:`UserError` for anything the user can fix (a missing file, a bad option, a
MIDI file without the part asked for); :func:`shared.cli.run` turns it into one ``error: ...`` line and a
non-zero exit. It lives here, apart from the CLI, so library modules import it without importing argparse
glue, and so ``shared.io`` and ``shared.cli`` do not import each other.
"""
from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or environment, reported as one line."""
