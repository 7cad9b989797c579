"""Pictures of screens, compared with the ones kept in tests/snapshots/: a change of
layout shows as a picture in review, not only as a failed assertion on text.

The picture is Textual's own SVG screenshot. When a change is meant, run
``BROADSHEET_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_snapshots.py`` and
look at the new pictures (any browser shows them) before committing them."""

from __future__ import annotations

import os
from pathlib import Path

KEPT = Path(__file__).parent / "snapshots"


def assert_snapshot(svg: str, name: str, scratch: Path) -> None:
    """``svg`` is the picture ``name`` kept; a different one is written to ``scratch`` for
    a person to look at, and the test fails naming both."""
    kept = KEPT / f"{name}.svg"
    if os.environ.get("BROADSHEET_UPDATE_SNAPSHOTS"):
        kept.write_text(svg, encoding="utf-8")
        return
    assert kept.exists(), f"no picture {kept}: make it with BROADSHEET_UPDATE_SNAPSHOTS=1"
    if kept.read_text(encoding="utf-8") != svg:
        new = scratch / f"{name}.svg"
        new.write_text(svg, encoding="utf-8")
        raise AssertionError(f"the screen differs from {kept}: see {new} (BROADSHEET_UPDATE_SNAPSHOTS=1 keeps it)")
