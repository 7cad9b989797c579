import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.articles import Article
from annotations.model import Annotation
from annotations.storage import backup_path, dumps
from annotations.store import HISTORY_LIMIT, ArticleChangedError, Change, DatabaseLocked, Store, StoreError

from .conftest import saved_annotations, shard_files


def tag(store: Store, article: Article, phrase: str, label: str, occurrence: int = 0):
    start = -1
    for _ in range(occurrence + 1):
        start = article.text.index(phrase, start + 1)
    return store.add(article, start, start + len(phrase), label, "tester")


def killed(store: Store) -> None:
    """Leave as a kill would: the database's files as they are now, not as close() leaves
    them (it writes what write-behind holds); the lock is let go, as the kernel would."""
    files = [store.path, *store.shard_dir.iterdir()]
    as_now = {path: path.read_bytes() for path in files if path.is_file()}
    store.close()
    for path in store.shard_dir.iterdir():
        if path.is_file() and path not in as_now:
            path.unlink()
    for path, data in as_now.items():
        path.write_bytes(data)


def unwritten(path: Path) -> None:
    """Put back the file's previous version (its .bak), as if its last write never happened."""
    path.write_bytes(backup_path(path).read_bytes())


def shard_of(db_path: Path, article_id: str) -> Path:
    return next(
        path for path in shard_files(db_path) if json.loads(path.read_text())["article"]["1"]["id"] == article_id
    )


def test_a_tag_is_on_disk_when_add_returns(seeds, store, db_path):
    reuters = seeds[1]
    annotation = tag(store, reuters, "Jonathan Hoffman", "actor")
    [saved] = saved_annotations(db_path)
    assert saved["id"] == annotation.id
    assert saved["article_id"] == reuters.id
    assert reuters.text[saved["start"] : saved["end"]] == saved["text"] == "Jonathan Hoffman"
    assert saved["label"] == "actor" and saved["annotator"] == "tester" and saved["status"] == "pending"
    assert saved["created"] == saved["updated"]
    [shard] = shard_files(db_path)
    record = json.loads(shard.read_text())["article"]["1"]
    assert record["text_hash"] == reuters.text_hash
    assert shard.with_suffix(".txt").read_text(encoding="utf-8") == reuters.text


def test_files_are_plain_tinydb_and_one_record_a_line(seeds, store, db_path):
    from tinydb import TinyDB

    tag(store, seeds[0], "Kataib Hezbollah", "actor")
    tag(store, seeds[0], "At least 25 militia fighters", "figure")
    [shard] = shard_files(db_path)
    with TinyDB(shard) as plain:
        assert sorted(doc["text"] for doc in plain.table("annotations").all()) == [
            "At least 25 militia fighters",
            "Kataib Hezbollah",
        ]
    lines = shard.read_text().splitlines()
    assert sum('"label":' in line for line in lines) == 2


def test_changes_keep_what_tinydb_would_keep_fields_of_a_later_version_and_its_doc_ids(seeds, db_path):
    from tinydb import TinyDB

    article = seeds[0]
    with Store.open(db_path) as store:
        first = tag(store, article, "Kataib Hezbollah", "actor")
        second = tag(store, article, "At least 25 militia fighters", "figure")
    [shard] = shard_files(db_path)
    with TinyDB(shard) as plain:  # a later version: a field this one does not know; the first span gone
        plain.table("annotations").update({"reviewed_by": "ana"}, doc_ids=[2])
        plain.table("annotations").remove(doc_ids=[1])
    with Store.open(db_path) as store:
        store.update(store.annotation(article.id, second.id), label="claim")
        third = tag(store, article, "Iraqi", "actor")
    documents = json.loads(shard.read_text())["annotations"]
    assert documents["2"]["label"] == "claim" and documents["2"]["reviewed_by"] == "ana"
    assert documents["3"]["id"] == third.id  # after the highest, as TinyDB numbers them
    assert first.id not in {document["id"] for document in documents.values()}


def test_nested_and_overlapping_spans_are_kept(seeds, store):
    article = seeds[1]
    quote = tag(store, article, "We discussed with him [Trump] other options that are available", "quote")
    actor = tag(store, article, "Trump", "actor", occurrence=1)
    assert quote.start < actor.start < actor.end < quote.end
    assert [span.label for span in store.annotations(article.id)] == ["quote", "actor"]


def test_delete_undo_redo_and_history_survive_a_restart(seeds, db_path):
    article = seeds[2]
    with Store.open(db_path) as store:
        first = tag(store, article, "Jonathan Hoffman", "actor")
        second = tag(store, article, "24", "figure")
        store.delete(first)
        assert [span.id for span in store.annotations(article.id)] == [second.id]
    with Store.open(db_path) as store:
        undone = store.undo()  # the delete of the previous session
        assert undone.changes == (Change(first.article_id, first, None),)
        assert {span.id for span in store.annotations(article.id)} == {first.id, second.id}
        store.undo()
        assert [span.id for span in store.annotations(article.id)] == [first.id]
    with Store.open(db_path) as store:
        redone = store.redo()
        assert redone.changes[0].after == second
        assert {span.id for span in store.annotations(article.id)} == {first.id, second.id}
        third = tag(store, article, "Mark Esper", "actor")  # a new change ends the redo chain
        assert store.redo() is None
        assert store.undo().changes[0].after == third
    assert {record["text"] for record in saved_annotations(db_path)} == {"Jonathan Hoffman", "24"}


def test_update_is_undoable(seeds, store):
    annotation = tag(store, seeds[0], "Brian Hook", "actor")
    changed = store.update(annotation, label="quote")
    assert store.annotations(seeds[0].id) == [changed]
    store.undo()
    assert store.annotations(seeds[0].id) == [annotation]


def test_undo_log_is_bounded(seeds, db_path, monkeypatch):
    monkeypatch.setattr("annotations.store.history.HISTORY_LIMIT", 5)
    log = db_path.with_name(db_path.name + ".d") / "history.jsonl"
    with Store.open(db_path) as store:
        for occurrence in range(13):
            tag(store, seeds[0], "Iraq", "actor", occurrence)
            # Rewritten with only the last five steps once it holds over ten lines.
            assert len(log.read_bytes().splitlines()) <= 2 * 5 + 1
        assert len(log.read_bytes().splitlines()) < 13
    with Store.open(db_path) as store:
        for _ in range(5):
            assert store.undo() is not None
        assert store.undo() is None
        assert len(store.annotations(seeds[0].id)) == 8
    assert HISTORY_LIMIT >= 100


def test_an_article_whose_text_changed_is_refused_not_misplaced(seeds, store):
    tag(store, seeds[0], "Brian Hook", "actor")
    edited = Article(seeds[0].id, seeds[0].text.replace("Brian", "B."), seeds[0].source, seeds[0].meta)
    with pytest.raises(ArticleChangedError, match="differs from the one annotated before"):
        store.add(edited, 0, 2, "actor", "tester")
    assert [span.text for span in store.annotations(seeds[0].id)] == ["Brian Hook"]


def test_a_second_writer_is_refused_with_the_holder_named(db_path):
    with Store.open(db_path):
        code = f"from annotations.store import Store; Store.open({str(db_path)!r})"
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert result.returncode != 0
        assert (
            "DatabaseLocked" in result.stderr and "already open for writing in another Broadsheet (pid" in result.stderr
        )
        with pytest.raises(DatabaseLocked):
            Store.open(db_path)
    Store.open(db_path).close()  # released on close


def test_a_killed_writer_leaves_no_stale_lock(db_path):
    code = (
        f"import os, signal; from annotations.store import Store; Store.open({str(db_path)!r}); "
        "os.kill(os.getpid(), signal.SIGKILL)"
    )
    subprocess.run([sys.executable, "-c", code], timeout=60)
    assert db_path.with_name(db_path.name + ".lock").exists()
    Store.open(db_path).close()


@pytest.mark.parametrize("damage", [b'{"meta": {"1": {"format"', b"\x00\x01garbage", b"[1, 2]"])
def test_a_damaged_database_file_is_reported_and_left_untouched(seeds, db_path, damage):
    with Store.open(db_path) as store:
        tag(store, seeds[0], "Brian Hook", "actor")
    db_path.write_bytes(damage)
    with pytest.raises(StoreError) as caught:
        Store.open(db_path)
    message = str(caught.value)
    assert message.startswith(f"{db_path}: ") and "it was left untouched" in message and "\n" not in message
    assert db_path.read_bytes() == damage


def test_a_damaged_article_file_is_reported_untouched_and_its_backup_recovers_it(seeds, db_path):
    with Store.open(db_path) as store:
        tag(store, seeds[0], "Brian Hook", "actor")
        tag(store, seeds[0], "Mike Pompeo", "actor")
    [shard] = shard_files(db_path)
    damaged = shard.read_bytes()[:-20]
    shard.write_bytes(damaged)
    # At open (the undo log looks at it) or first read.
    with pytest.raises(StoreError) as caught, Store.open(db_path) as store:
        tag(store, seeds[0], "Abbas Mousavi", "actor")
    message = str(caught.value)
    assert message.startswith(f"{shard}: not valid JSON at line ")
    assert f"the last good version is {shard}.bak" in message
    assert shard.read_bytes() == damaged
    shard.with_name(shard.name + ".bak").replace(shard)  # what the message says to do
    with Store.open(db_path) as store:  # the backup, and the last tag from the undo log
        assert [span.text for span in store.annotations(seeds[0].id)] == ["Brian Hook", "Mike Pompeo"]


def test_read_only_open_needs_an_existing_database(tmp_path: Path):
    with pytest.raises(StoreError, match="no such database"):
        Store.open(tmp_path / "nothing.json", read_only=True)


def test_import_spans_is_one_write_and_not_undoable(seeds, store, db_path):
    from annotations.model import Annotation

    article = seeds[3]
    spans = []
    for phrase in ("Jonathan Hoffman", "Kitaeb Hezbollah", "19 fighters"):
        start = article.text.index(phrase)
        spans.append(Annotation.create(article.id, article.text, start, start + len(phrase), "actor", "import"))
    store.import_spans(article, spans)
    assert [record["text"] for record in saved_annotations(db_path)] == [
        "Kitaeb Hezbollah",
        "Jonathan Hoffman",
        "19 fighters",
    ]
    assert store.undo() is None
    wrong = Annotation("x", article.id, 0, 3, "actor", "nope", "import", "t", "t")
    with pytest.raises(ValueError, match="does not match the text"):
        store.import_spans(article, [wrong])


def undo_log(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".d") / "history.jsonl"


def test_a_log_line_cut_short_by_a_crash_is_dropped_and_the_log_goes_on(seeds, db_path):
    article = seeds[0]
    with Store.open(db_path) as store:
        first = tag(store, article, "Brian Hook", "actor")
        second = tag(store, article, "Mike Pompeo", "actor")
    with undo_log(db_path).open("ab") as log:
        log.write(b'{"do": 3, "name": "", "chan')  # the crash: the next step's line, half written
    with Store.open(db_path) as store:
        third = tag(store, article, "Abbas Mousavi", "actor")
        assert [store.undo().changes[0].after for _ in range(3)] == [third, second, first]
    assert [json.loads(line).get("do") for line in undo_log(db_path).read_bytes().splitlines()] == [
        1,
        2,
        3,
        None,
        None,
        None,
    ]


def test_a_damaged_undo_log_is_reported_with_its_line_and_left_untouched(seeds, db_path):
    with Store.open(db_path) as store:
        tag(store, seeds[0], "Brian Hook", "actor")
        tag(store, seeds[0], "Mike Pompeo", "actor")
    lines = undo_log(db_path).read_bytes().splitlines(keepends=True)
    damaged = lines[0] + b"garbage\n" + lines[1]
    undo_log(db_path).write_bytes(damaged)
    with pytest.raises(StoreError, match=r"history\.jsonl: line 2 is not an undo log entry.*move it aside"):
        Store.open(db_path)
    undo_log(db_path).write_bytes(lines[0] + b'{"redo": 1}\n')
    with pytest.raises(StoreError, match=r"history\.jsonl: line 2 redoes step 1, which is not the one it should be"):
        Store.open(db_path)
    assert undo_log(db_path).read_bytes() == lines[0] + b'{"redo": 1}\n'


def test_a_failed_log_write_undoes_the_change_and_leaves_the_log_as_it_was(seeds, db_path, monkeypatch):
    import errno
    import os

    article = seeds[0]
    with Store.open(db_path) as store:
        first = tag(store, article, "Brian Hook", "actor")
        before = undo_log(db_path).read_bytes()
        real_fdatasync = os.fdatasync

        def disk_full(fd):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "fdatasync", disk_full)
        with pytest.raises(OSError):
            tag(store, article, "Mike Pompeo", "actor")
        monkeypatch.setattr(os, "fdatasync", real_fdatasync)
        assert store.annotations(article.id) == [first]
        assert [record["id"] for record in saved_annotations(db_path)] == [first.id]
        assert undo_log(db_path).read_bytes() == before  # cut back: no half line for the next to follow
        second = tag(store, article, "Abbas Mousavi", "actor")
    with Store.open(db_path) as store:
        assert [store.undo().changes[0].after for _ in range(2)] == [second, first]
        assert store.undo() is None


def test_a_step_whose_change_failed_is_logged_as_never_done(seeds, db_path, monkeypatch):
    import errno

    from annotations import storage

    article = seeds[0]
    with Store.open(db_path) as store:
        first = tag(store, article, "Brian Hook", "actor")

        def disk_full(path, data, keep_backup=True):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(storage, "atomic_write", disk_full)
        with pytest.raises(OSError):
            tag(store, article, "Mike Pompeo", "actor")
        monkeypatch.undo()
    assert undo_log(db_path).read_bytes().splitlines()[-1] == b'{"drop": 2}'
    with Store.open(db_path) as store:  # one step to undo, the first tag
        assert store.undo().changes[0].after == first
        assert store.undo() is None


def test_an_undo_log_of_an_earlier_version_is_read_into_the_new_one(seeds, db_path):
    """Earlier versions kept one TinyDB file per step in history/: N.json, N.undone.json once undone."""
    article = seeds[0]
    with Store.open(db_path) as store:
        spans = [tag(store, article, phrase, "actor") for phrase in ("Brian Hook", "Mike Pompeo", "Abbas Mousavi")]
        store.undo()
    folder = db_path.with_name(db_path.name + ".d") / "history"
    folder.mkdir()
    for number, span in enumerate(spans, start=1):
        change = {"kind": "span", "article_id": article.id, "before": None, "after": span.to_record()}
        name = f"{number:012d}{'.undone' if number == 3 else ''}.json"
        (folder / name).write_text(json.dumps({"change": {"1": change}}))
    undo_log(db_path).unlink()
    with Store.open(db_path) as store:
        assert not folder.exists()
        assert store.redo().changes[0].after == spans[2]
        assert [store.undo().changes[0].after for _ in range(3)] == spans[::-1]
        assert store.undo() is None


def test_an_undo_cut_short_by_a_crash_is_finished_on_the_next_open(seeds, db_path):
    article = seeds[0]
    with Store.open(db_path) as store:
        kept = tag(store, article, "Brian Hook", "actor")
        undone = tag(store, article, "Mike Pompeo", "actor")
        store.undo()
    unwritten(shard_of(db_path, article.id))  # the crash: the undo was logged, the article not yet written
    with Store.open(db_path) as store:
        assert store.annotations(article.id) == [kept]
        assert store.undo().changes[0].after == kept  # not a second, invisible undo of Pompeo
        assert store.redo().changes[0].after == kept
        assert store.redo().changes[0].after == undone
        assert store.annotations(article.id) == sorted([kept, undone], key=lambda span: span.start)


def test_an_undo_not_yet_logged_when_a_crash_came_did_not_happen(seeds, db_path):
    article = seeds[0]
    with Store.open(db_path) as store:
        kept = tag(store, article, "Brian Hook", "actor")
    # The files show the undo but the log does not: something changed them behind the log's back.
    unwritten(shard_of(db_path, article.id))
    with Store.open(db_path) as store:
        assert store.annotations(article.id) == [kept]  # the log's last line holds
        assert store.undo().changes[0].after == kept


def test_a_failed_write_changes_nothing_and_the_next_one_works(seeds, store, db_path, monkeypatch):
    import errno

    from annotations import storage

    article = seeds[0]
    first = tag(store, article, "Brian Hook", "actor")
    real_write = storage.atomic_write

    def disk_full(path, data, keep_backup=True):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage, "atomic_write", disk_full)
    with pytest.raises(OSError):
        tag(store, article, "Mike Pompeo", "actor")
    with pytest.raises(OSError):
        store.delete(first)
    monkeypatch.setattr(storage, "atomic_write", real_write)
    assert store.annotations(article.id) == [first]
    second = tag(store, article, "Abbas Mousavi", "actor")
    store.delete(first)
    assert [record["id"] for record in saved_annotations(db_path)] == [second.id]
    assert store.annotations(article.id) == [second]


def test_the_records_kept_in_memory_are_those_in_the_files_after_any_changes(seeds, db_path):
    """The store keeps each file's records parsed and in order between changes; after
    every kind of change they must equal what a fresh read of the files gives."""
    rng = random.Random(8)
    article = seeds[1]
    text = article.text
    with Store.open(db_path) as store:
        for _ in range(250):
            spans, links, choice = store.annotations(article.id), store.links(), rng.random()
            if choice < 0.35 or len(spans) < 2:
                start = rng.randrange(0, 400)
                store.add(article, start, start + rng.choice((1, 5, 12)), rng.choice(("actor", "claim")), "tester")
            elif choice < 0.45:
                store.delete(rng.choice(spans))
            elif choice < 0.6:  # a new place moves the span in reading order
                span, start = rng.choice(spans), rng.randrange(0, 400)
                store.update(span, start=start, end=start + 3, text=text[start : start + 3], status="accepted")
            elif choice < 0.72:
                store.undo()
            elif choice < 0.8:
                store.redo()
            elif choice < 0.9:
                store.link(*rng.sample(spans, 2), "same-as", "tester")
            elif links:
                store.delete_link(rng.choice(links))
            with Store.open(db_path, read_only=True) as fresh:
                assert store.annotations(article.id) == fresh.annotations(article.id)
                assert store.links() == fresh.links()
        assert len(store.annotations(article.id)) > 20 and len(store.links()) > 2


def test_a_file_is_written_the_same_whether_its_documents_lines_were_kept_or_not():
    """dumps() reuses the line of a document that has not changed since the last write;
    the bytes must be those of serialising every document afresh, whatever changed."""
    rng = random.Random(3)
    known: dict = {}
    tables: dict = {"annotations": {}, "article": {"1": {"id": "a", "meta": {"outlet": "Reuters"}}}}
    documents = tables["annotations"]
    for step in range(400):
        choice = rng.random()
        if choice < 0.4 or not documents:
            doc_id = str(max(map(int, documents), default=0) + 1)  # TinyDB reuses the id of a removed last document
            documents[doc_id] = {"id": f"s{step}", "start": rng.randrange(9), "label": "actor", "orphaned": False}
        elif choice < 0.6:  # changed in place, as TinyDB's update does
            rng.choice(list(documents.values())).update(label=rng.choice(("actor", "claim")), start=rng.randrange(9))
        elif choice < 0.75:
            del documents[rng.choice(list(documents))]
        else:  # a nested value changed in place
            tables["article"]["1"]["meta"]["outlet"] = f"Outlet {step}"
        assert dumps(tables, known) == dumps(tables)
    assert known  # lines were kept, and reused


def test_a_step_of_many_changes_across_articles_undoes_and_redoes_whole(seeds, db_path):
    first, second = seeds[0], seeds[2]
    with Store.open(db_path) as store:
        own = tag(store, first, "Brian Hook", "actor")
        spans = [
            Annotation.create(article.id, article.text, start, start + 3, "figure", "ana")
            for article, start in ((first, 10), (first, 40), (second, 5))
        ]
        step = store.add_spans([(first, spans[:2]), (second, spans[2:])], "tag 3 figures")
        assert step.describe() == "tag 3 figures" and step.article_ids() == [first.id, second.id]
    with Store.open(db_path) as store:  # the step is on disk, one undo away
        assert store.undo().describe() == "tag 3 figures"
        assert [span.id for span in store.annotations(first.id)] == [own.id]
        assert store.annotations(second.id) == []
        store.redo()
        assert {span.id for span in store.annotations(first.id) + store.annotations(second.id)} == {own.id} | {
            span.id for span in spans
        }
        accepted = store.update_spans(spans, "accept 3", status="accepted")
        assert [change.after.status for change in accepted.changes] == ["accepted"] * 3
        store.undo()
        assert {span.status for span in store.annotations(second.id)} == {"pending"}


def test_a_step_of_many_changes_cut_short_by_a_crash_is_finished_whole(seeds, db_path):
    first, second = seeds[0], seeds[2]
    with Store.open(db_path) as store:
        spans = [Annotation.create(article.id, article.text, 0, 4, "actor", "ana") for article in (first, second)]
        store.add_spans([(first, spans[:1]), (second, spans[1:])], "tag 2 actors")
    unwritten(
        shard_of(db_path, second.id)
    )  # the crash: the step was logged and the first article written, the second not
    with Store.open(db_path) as store:
        assert [len(store.annotations(article.id)) for article in (first, second)] == [1, 1]  # logged: done
        assert store.undo().describe() == "tag 2 actors"
        assert store.annotations(first.id) == [] and store.annotations(second.id) == []


def test_with_write_behind_a_step_is_durable_in_the_log_before_its_files_are_written(seeds, db_path):
    article = seeds[0]
    scheduled = []
    store = Store.open(db_path)
    store.write_behind = lambda: scheduled.append("flush")
    first = tag(store, article, "Brian Hook", "actor")
    assert scheduled == ["flush"] and saved_annotations(db_path) == []  # logged, not yet in the files
    assert store.annotations(article.id) == [first]
    second = tag(store, article, "Mike Pompeo", "actor")  # the files of the one before are written first
    assert [record["id"] for record in saved_annotations(db_path)] == [first.id]
    killed(store)  # the process dies before the second tag's files are written
    with Store.open(db_path) as store:
        assert store.annotations(article.id) == [first, second]
        assert [record["id"] for record in saved_annotations(db_path)] == [first.id, second.id]
        assert store.undo().changes[0].after == second


def test_a_change_asked_of_a_database_open_read_only_is_a_store_error_that_says_so(seeds, db_path):
    from annotations.store import ReadOnlyError

    with Store.open(db_path) as store:
        tag(store, seeds[0], "Kataib Hezbollah", "actor")
    with Store.open(db_path, read_only=True) as store:
        for change in (
            lambda: tag(store, seeds[0], "Pentagon", "actor"),
            store.undo,
            lambda: store.set_done(seeds[0], "me"),
        ):
            with pytest.raises(ReadOnlyError, match="open read-only"):
                change()
        assert len(store.annotations(seeds[0].id)) == 1
