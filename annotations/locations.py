"""Where Broadsheet keeps things by default, following the XDG base directory conventions."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "broadsheet"


def default_db_path() -> Path:
    """``$XDG_DATA_HOME/broadsheet/broadsheet.json`` (``~/.local/share/...`` when unset)."""
    return data_dir() / "broadsheet.json"
