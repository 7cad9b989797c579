"""Packs (issue 28): an import's articles, many to a file, read as if each had its own;
a damaged pack or index is named in one line; a torn batch is never read; an article gets
its own files on its first change, and a reader never writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.articles import Article
from annotations.export import exported_articles
from annotations.store import Store, StoreError

from .conftest import packed_lines, saved_annotations, shard_files
from .test_bulk_import import SPANS_PER_LINE, article_line, broadsheet, write_lines
from .test_store_recovery import files_of


def imported(tmp_path: Path, count: int, name: str = "db.json") -> Path:
    wire, db_path = write_lines(tmp_path / f"{name}.jsonl", count), tmp_path / name
    result = broadsheet("import", "--db", str(db_path), str(wire))
    assert result.returncode == 0, result.stderr
    return db_path


def pack_files(db_path: Path) -> tuple[Path, Path]:
    folder = db_path.with_name(db_path.name + ".d")
    return folder / "_pack-000001.jsonl", folder / "_pack-000001.index"


def test_a_packed_database_reads_as_one_of_article_files(tmp_path):
    db_path = imported(tmp_path, 4)
    assert shard_files(db_path) == []  # no file an article
    with Store.open(db_path, read_only=True) as store:
        assert store.article_ids() == [f"story-{n:06d}" for n in range(4)]
        line = article_line(2)
        assert store.article_text("story-000002") == line["text"]
        assert [span.text for span in store.annotations("story-000002")] == [span["text"] for span in line["spans"]]
        assert [article.id for article in exported_articles(store)] == [f"story-{n:06d}" for n in range(4)]


def test_a_batch_whose_index_line_was_cut_short_is_not_in_the_database(tmp_path):
    db_path = imported(tmp_path, 3)
    pack, index = pack_files(db_path)
    # A crash while the next batch was committed: its articles in the pack, its index line torn.
    committed = index.read_bytes()
    extra = json.dumps({"story-x": [pack.stat().st_size, 10, "story-x"]}).encode()
    index.write_bytes(committed + extra[:20])
    with Store.open(db_path) as store:
        assert store.article_ids() == [f"story-{n:06d}" for n in range(3)]
    wire = write_lines(tmp_path / "more.jsonl", 5)  # the same three, and two more
    assert broadsheet("import", "--db", str(db_path), str(wire)).returncode == 0
    assert len(saved_annotations(db_path)) == 5 * SPANS_PER_LINE
    # The torn line is never read; the new articles are in a pack of their own.
    assert index.read_bytes() == committed + extra[:20]
    with Store.open(db_path, read_only=True) as store:
        assert store.article_ids() == [f"story-{n:06d}" for n in range(5)]


def break_a_line(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:40] + b"\x00" * 30 + data[70:])


@pytest.mark.parametrize(("damaged", "words"), [(0, "byte 0"), (1, "line 1")], ids=["pack", "index"])
def test_a_damaged_pack_or_index_is_named_in_one_line(tmp_path, damaged, words):
    db_path = imported(tmp_path, 2)
    path = pack_files(db_path)[damaged]
    break_a_line(path)
    before = files_of(db_path)
    result = broadsheet("export", "--db", str(db_path), "-o", str(tmp_path / "out.jsonl"))
    assert result.returncode == 2 and str(path) in result.stderr.decode() and words in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode() and result.stderr.count(b"\n") == 1
    assert files_of(db_path) == before  # left as it was
    with pytest.raises(StoreError, match=words), Store.open(db_path, read_only=True) as store:
        store.annotations("story-000000")


def test_a_packed_article_changed_then_undone_reads_as_before(tmp_path):
    db_path = imported(tmp_path, 2)
    before = saved_annotations(db_path)
    with Store.open(db_path) as store:
        article = Article("story-000001", store.article_text("story-000001"))
        span = store.annotations("story-000001")[0]
        store.update(span, label="quote")
        store.undo()
    assert saved_annotations(db_path) == before
    assert len(shard_files(db_path)) == 1  # the one changed has its own file now
    with Store.open(db_path) as store:
        assert store.article_text(article.id) == article.text


def test_a_packed_article_whose_text_changed_is_reattached_in_files_of_its_own(tmp_path):
    db_path = imported(tmp_path, 1)
    with Store.open(db_path) as store:
        old = store.article_text("story-000000")
        report = store.reattach(Article("story-000000", "Breaking. " + old))
        assert report is not None and not report.orphaned
        moved = store.annotations("story-000000")
    with Store.open(db_path, read_only=True) as store:
        assert store.article_text("story-000000") == "Breaking. " + old
        assert store.annotations("story-000000") == moved
        assert [span.start for span in moved] == [span["start"] + 10 for span in article_line(0)["spans"]]


def test_a_second_import_packs_only_what_is_new_and_a_later_pack_wins(tmp_path):
    db_path = imported(tmp_path, 2)
    wire = write_lines(tmp_path / "again.jsonl", 3)
    assert broadsheet("import", "--db", str(db_path), str(wire)).returncode == 0
    folder = db_path.with_name("db.json.d")
    assert sorted(path.name for path in folder.glob("_pack-*")) == [
        "_pack-000001.index",
        "_pack-000001.jsonl",
        "_pack-000002.index",
        "_pack-000002.jsonl",
    ]
    second = json.loads(folder.joinpath("_pack-000002.index").read_bytes())
    assert [entry[2] for entry in second.values()] == ["story-000002"]  # the two already there not packed again
    assert len(packed_lines(db_path)) == 3
    assert len(saved_annotations(db_path)) == 3 * SPANS_PER_LINE


def test_an_article_named_again_batches_later_in_one_import_gets_the_new_spans(tmp_path, monkeypatch):
    from annotations.store import bulk

    monkeypatch.setattr(bulk, "BATCH_ARTICLES", 2)  # article 0 is committed long before it comes back
    lines = [article_line(number) for number in range(7)]
    again = article_line(0)
    again["spans"] = [{**span, "id": "f" + span["id"][1:], "label": "quote"} for span in again["spans"][:3]]
    wire = tmp_path / "wire.jsonl"
    wire.write_text("".join(json.dumps(line) + "\n" for line in [*lines, again]), encoding="utf-8")
    db_path = tmp_path / "db.json"
    from annotations.importing import import_jsonl

    with Store.open(db_path) as store:
        report = import_jsonl(store, wire, "ana")
        assert not report.problems
        assert len(store.annotations("story-000000")) == SPANS_PER_LINE + 3  # read back through its pack
    assert len(saved_annotations(db_path)) == 7 * SPANS_PER_LINE + 3
    assert len(shard_files(db_path)) == 1  # the one named again: its own file, the rest packed


def test_an_index_entry_of_the_wrong_shape_is_named_in_one_line(tmp_path):
    db_path = imported(tmp_path, 2)
    index = pack_files(db_path)[1]
    batch = json.loads(index.read_bytes())
    key = sorted(batch)[0]
    batch[key] = [batch[key][0], "far", batch[key][2]]
    index.write_text(json.dumps(batch) + "\n")
    result = broadsheet("export", "--db", str(db_path), "-o", str(tmp_path / "out.jsonl"))
    message = result.stderr.decode()
    assert result.returncode == 2 and str(index) in message and key in message and message.count("\n") == 1


def test_a_key_whose_hash_the_pack_holds_for_another_is_looked_up_and_imported_once(tmp_path, monkeypatch):
    from annotations.importing import import_jsonl
    from annotations.store import bulk, packs

    monkeypatch.setattr(bulk, "BATCH_ARTICLES", 2)
    monkeypatch.setattr(packs.PackWriter, "may_hold", lambda self, key: True)  # every key's hash taken
    wire, db_path = write_lines(tmp_path / "wire.jsonl", 7), tmp_path / "db.json"
    with Store.open(db_path) as store:
        assert not import_jsonl(store, wire, "ana").problems
    assert len(packed_lines(db_path)) == 7 and shard_files(db_path) == []  # each packed once, none given files
    assert len(saved_annotations(db_path)) == 7 * SPANS_PER_LINE


def test_key_hashes_hold_what_was_added_and_nothing_else_as_they_grow():
    from annotations.store.packs import KeyHashes

    hashes, added = KeyHashes(), [f"story-{number:07d}-{number * 7919 % 65536:04x}" for number in range(40_000)]
    for key in added:
        hashes.add(key)
    hashes.add(added[0])  # twice: still one
    assert all(key in hashes for key in added)
    assert not any(f"other-{number}" in hashes for number in range(40_000))
