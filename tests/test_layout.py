"""The layout kept for the next start: read back as written, ignored when it cannot be
read, and never written for a database open read-only."""

from __future__ import annotations

import pytest

from annotations.layout import LAYOUT_FILE, Layout, read_layout, save_layout
from annotations.store import Store

from .test_store import tag


def test_a_layout_comes_back_as_it_was_kept(store):
    layout = Layout(["b", "a"], {"a": 12, "b": 0}, 1, True)
    save_layout(store, layout)
    assert read_layout(store) == layout


@pytest.mark.parametrize(
    "kept",
    [
        b"",
        b"{",
        b"[]",
        b'{"columns": "a"}',
        b'{"columns": [], "cursors": {"a": "1"}}',
        b'{"columns": [], "extra": 1}',
        b"[" * 100_000,
        b"\xff\xfe",
    ],
)
def test_a_layout_that_cannot_be_read_is_none(store, kept):
    (store.shard_dir / LAYOUT_FILE).write_bytes(kept)
    assert read_layout(store) is None


def test_nothing_is_kept_for_a_database_open_read_only(seeds, db_path):
    with Store.open(db_path) as store:
        tag(store, seeds[0], "Pentagon", "actor")
    with Store.open(db_path, read_only=True) as store:
        save_layout(store, Layout(["x"]))
        assert read_layout(store) is None and not (store.shard_dir / LAYOUT_FILE).exists()
