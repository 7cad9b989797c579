"""Where the analyst left off: which article each column showed, the cursor in each,
the focused column and whether the panel was folded; kept beside the database's records
(``_layout.json`` in its folder) so that the next start opens as the last one closed.

It is a convenience, not work: a layout that cannot be read is ignored (and replaced at
the next close), and nothing is kept for a database open read-only."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from .storage import atomic_write
from .store import Store

LAYOUT_FILE = "_layout.json"


@dataclass
class Layout:
    columns: list[str] = field(default_factory=list)  # the article each column showed, by id, in order
    cursors: dict[str, int] = field(default_factory=dict)  # article id -> where its cursor was
    focused: int = 0  # the focused column, from 0
    panel_folded: bool = False


def read_layout(store: Store) -> Layout | None:
    """The layout kept for ``store``, or None (none kept, or not one this version reads)."""
    try:
        data = json.loads((store.shard_dir / LAYOUT_FILE).read_bytes())
        layout = Layout(**data)
    except (OSError, ValueError, TypeError, RecursionError):
        return None
    well_formed = (
        isinstance(layout.columns, list)
        and all(isinstance(item, str) for item in layout.columns)
        and isinstance(layout.cursors, dict)
        and all(isinstance(key, str) and type(value) is int for key, value in layout.cursors.items())
        and type(layout.focused) is int
        and isinstance(layout.panel_folded, bool)
    )
    return layout if well_formed else None


def save_layout(store: Store, layout: Layout) -> None:
    """Keep ``layout`` for the next start (atomically; not for a database open read-only)."""
    if not store.read_only and store.shard_dir.is_dir():
        atomic_write(store.shard_dir / LAYOUT_FILE, json.dumps(asdict(layout)).encode(), keep_backup=False)
