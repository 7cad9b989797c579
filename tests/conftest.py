from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.articles import Article, load_corpus
from annotations.schema import load_schema
from annotations.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture
def seeds() -> list[Article]:
    corpus = load_corpus([SEEDS])
    assert not corpus.problems
    return corpus.articles


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "db" / "broadsheet.json"


@pytest.fixture
def store(db_path: Path):
    with Store.open(db_path) as opened:
        yield opened


def shard_files(db_path: Path) -> list[Path]:
    return sorted(
        path for path in db_path.with_name(db_path.name + ".d").glob("*.json") if not path.name.startswith("_")
    )


def saved_annotations(db_path: Path) -> list[dict]:
    """Every annotation as written on disk, read back with plain json (no Broadsheet code)."""
    found = []
    for path in shard_files(db_path):
        tables = json.loads(path.read_text(encoding="utf-8"))
        found.extend(tables.get("annotations", {}).values())
    return sorted(found, key=lambda record: (record["article_id"], record["start"], record["end"]))


def make_app(articles, db_path: Path, annotator: str = "tester", review=None, **session):
    """The real app over a real database file; the caller closes the store."""
    from tui.app import BroadsheetApp
    from tui.keymap import reserved_keys
    from tui.session import Session

    store = Store.open(db_path)
    schema = load_schema(None, reserved_keys())
    return BroadsheetApp(Session(store, schema, annotator, articles, **session), review=review), store
