from __future__ import annotations

import json
import subprocess
import sys
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


def broadsheet(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``broadsheet ARGS`` as a user runs it, a process of its own: its status and what it printed, as text."""
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True, timeout=120, cwd=cwd or ROOT
    )


def shard_files(db_path: Path) -> list[Path]:
    return sorted(
        path for path in db_path.with_name(db_path.name + ".d").glob("*.json") if not path.name.startswith("_")
    )


def packed_lines(db_path: Path) -> dict[str, dict]:
    """Each packed article's line (key, tables, text), by key, as the packs' indexes list
    them, read with plain json: complete index lines only, a later pack's over an earlier's."""
    lines = {}
    for index in sorted(db_path.with_name(db_path.name + ".d").glob("_pack-*.index")):
        pack = index.with_suffix(".jsonl").read_bytes()
        data = index.read_bytes()
        for batch in data[: data.rfind(b"\n") + 1].splitlines():
            for key, (offset, length, _) in json.loads(batch).items():
                lines[key] = json.loads(pack[offset : offset + length])
    return lines


def saved_tables(db_path: Path) -> dict[str, dict]:
    """Each article's tables as written on disk, by key: its own file's, else its pack line's."""
    tables = {key: line["tables"] for key, line in packed_lines(db_path).items()}
    tables.update((path.stem, json.loads(path.read_text(encoding="utf-8"))) for path in shard_files(db_path))
    return tables


def saved_annotations(db_path: Path) -> list[dict]:
    """Every annotation as written on disk, read back with plain json (no Broadsheet code)."""
    found = []
    for tables in saved_tables(db_path).values():
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
