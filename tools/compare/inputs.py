"""Reading the committed reference files (``data/reference/``, or ``$REFERENCE_DIR``) with one-line errors.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shared.run import UserError

RESTORE = "committed in data/reference/: restore it with 'git checkout -- data/reference', or set REFERENCE_DIR to a copy"


def reference_file(directory: Path, name: str) -> Path:
    """``directory / name``, which must exist."""
    path = Path(directory) / name
    if not path.is_file():
        raise UserError(f"reference file not found: {path} ({RESTORE})")
    return path


def load_json(directory: Path, name: str, *required: str) -> dict:
    """Parse ``directory / name``; every key path in ``required`` (``"model/checkpoints"``) must be present."""
    path = reference_file(directory, name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise UserError(f"reference file is not UTF-8 text: {path}") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"reference file is not valid JSON: {path} ({exc})") from None
    for key_path in required:
        node: Any = data
        for part in key_path.split("/"):
            if not isinstance(node, dict) or part not in node:
                raise UserError(f"reference file {path} has no '{key_path}'; {RESTORE}")
            node = node[part]
    return data
