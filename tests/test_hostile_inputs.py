"""Inputs that must be refused or bounded (issue 21 items 8, 12, 13, 20, 23): each ends in
one line naming the file and the problem, in bounded time, and stores nothing unsafe."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from annotations.articles import load_corpus
from annotations.store import Store
from tui.cli import main

from .conftest import saved_annotations

ESC_TITLE = "\x1b]2;pwned\x07"


def run(capsys, *argv: str) -> tuple[int, list[str]]:
    status = main(list(argv))
    return status, capsys.readouterr().err.splitlines()


def write_lines(path: Path, *records: object) -> Path:
    path.write_text("".join((record if isinstance(record, str) else json.dumps(record)) + "\n" for record in records))
    return path


def deeply_nested(depth: int = 100_000) -> str:
    return '{"text": "Deep.", "meta": ' + "[" * depth + "]" * depth + "}"


# -- item 20: JSON nested 100,000 deep --------------------------------------------------------


def test_deeply_nested_json_is_one_line_in_import_and_validate(tmp_path, db_path, capsys):
    path = write_lines(tmp_path / "deep.jsonl", deeply_nested(), {"text": "Fine.", "spans": []})
    status, err = run(capsys, "import", str(path), "--db", str(db_path))
    assert status == 1
    assert f"broadsheet: skipped {path}:1: not usable JSON (nested too deeply)" in err
    with Store.open(db_path, read_only=True) as store:
        assert len(store.article_ids()) == 1  # the good line went in
    status, err = run(capsys, "validate", str(path))
    assert status == 1 and err[-1].startswith(f"broadsheet: {path}: invalid")


def test_deeply_nested_json_in_a_corpus_and_in_patterns(tmp_path, db_path, capsys):
    corpus = write_lines(tmp_path / "deep.jsonl", deeply_nested(), {"text": "Fine."})
    loaded = load_corpus([corpus])
    assert [article.text for article in loaded.articles] == ["Fine."]
    assert loaded.problems == [f"{corpus}:1: not usable JSON (nested too deeply); line skipped"]
    patterns = write_lines(tmp_path / "p.jsonl", deeply_nested())
    status, err = run(capsys, "--patterns", str(patterns), "--db", str(db_path), str(corpus))
    assert (status, err) == (2, [f"broadsheet: {patterns}:1: not usable JSON (nested too deeply)"])


def test_a_number_of_5000_digits_is_one_line(tmp_path, db_path, capsys):
    path = write_lines(tmp_path / "big.jsonl", '{"text": "Big.", "spans": [{"start": ' + "1" * 5000 + "}]}")
    status, err = run(capsys, "import", str(path), "--db", str(db_path))
    assert status == 1
    assert f"broadsheet: skipped {path}:1: not usable JSON (Exceeds the limit (4300 digits) for integer string conversion)" in err
