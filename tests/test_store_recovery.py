"""The store's read and recovery edges (issue 21): readers see every logged change, the
remedies it offers are true, and odd paths are refused in one line."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.export import exported_articles, write_lines
from annotations.reattach import reattach_spans
from annotations.store import DatabaseLocked, Store, StoreError

from .conftest import ROOT, saved_annotations, shard_files
from .test_reattach import rescraped
from .test_store import killed, tag, undo_log


def files_of(db_path: Path) -> dict[str, bytes]:
    """Every file of the database, by name, as bytes: to show that a reader wrote nothing."""
    folder = db_path.with_name(db_path.name + ".d")
    return {path.name: path.read_bytes() for path in [db_path, *folder.iterdir()] if path.is_file()}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def assert_one_line(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("broadsheet: ") and all(word in result.stderr for word in words), result.stderr


# -- item 1: a reader sees the step the log holds and the files do not yet ---------------------


def test_a_read_only_open_shows_the_last_logged_step_and_writes_nothing(seeds, db_path):
    article = seeds[0]
    store = Store.open(db_path)
    store.write_behind = lambda: None  # the app's flush comes after the paint; the crash comes first
    first = tag(store, article, "Brian Hook", "actor")
    second = tag(store, article, "Mike Pompeo", "actor")
    killed(store)
    assert [record["id"] for record in saved_annotations(db_path)] == [first.id]
    before = files_of(db_path)
    with Store.open(db_path, read_only=True) as reader:
        assert reader.annotations(article.id) == [first, second]
        out = io.StringIO()
        write_lines(exported_articles(reader), out)
    [line] = [json.loads(raw) for raw in out.getvalue().splitlines()]
    assert sorted(span["text"] for span in line["spans"]) == ["Brian Hook", "Mike Pompeo"]
    assert files_of(db_path) == before  # in memory only


CHILD = """
import sys, time
from pathlib import Path
from annotations.articles import load_corpus
from annotations.store import Store
article = load_corpus([Path(sys.argv[2])]).articles[0]
store = Store.open(sys.argv[1])
store.write_behind = lambda: None
start = article.text.index("Brian Hook")
print(store.add(article, start, start + 10, "actor", "child").id, flush=True)
time.sleep(60)
"""


def test_export_and_merge_after_a_sigkill_show_the_tag_that_was_on_screen(seeds, db_path, tmp_path):
    first = sorted((ROOT / "seeds").iterdir())[0]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path), str(first)],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    tag_id = child.stdout.readline().decode().strip()
    assert tag_id, "the child tagged nothing"
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    assert saved_annotations(db_path) == []  # logged, its file not yet written
    exported = cli("export", "--db", str(db_path))
    assert exported.returncode == 0, exported.stderr
    assert [span["id"] for line in exported.stdout.splitlines() for span in json.loads(line)["spans"]] == [tag_id]
    merged = tmp_path / "merged.json"
    assert cli("merge", str(db_path), "-o", str(merged)).returncode in (0, 1)
    assert [record["text"] for record in saved_annotations(merged)] == ["Brian Hook"]


# -- item 4: the .bak the message offers holds every change --------------------------------------


@pytest.mark.parametrize("read_only", [False, True], ids=["app", "export"])
def test_the_backup_the_message_offers_holds_the_articles_newest_tag(seeds, db_path, read_only):
    article, other = seeds[0], seeds[1]
    with Store.open(db_path) as store:
        tag(store, article, "Brian Hook", "actor")
        tag(store, article, "Mike Pompeo", "actor")
        tag(store, other, "Jonathan Hoffman", "actor")  # the log's last step is another article's
    shard = next(
        path for path in shard_files(db_path) if json.loads(path.read_text())["article"]["1"]["id"] == article.id
    )
    with open(shard, "r+b") as damaged:  # in place, as a faulty disk or editor would
        damaged.truncate(len(shard.read_bytes()) // 2)
    with pytest.raises(StoreError) as caught, Store.open(db_path, read_only=read_only) as store:
        store.annotations(article.id)
    message = str(caught.value)
    backup = shard.with_name(shard.name + ".bak")
    assert f"the last good version is {backup}: copy it over {shard.name} to recover" in message
    shutil.copyfile(backup, shard)  # what the message says to do
    with Store.open(db_path) as store:
        assert [span.text for span in store.annotations(article.id)] == ["Brian Hook", "Mike Pompeo"]
        assert [span.text for span in store.annotations(other.id)] == ["Jonathan Hoffman"]


# -- item 5: a cut log does not move the files back ---------------------------------------------


def test_a_log_cut_inside_its_last_line_does_not_bring_a_deleted_tag_back(seeds, db_path):
    article = seeds[0]
    with Store.open(db_path) as store:
        kept = tag(store, article, "Mike Pompeo", "actor")
        deleted = tag(store, article, "Brian Hook", "actor")
        store.delete(deleted)
    log = undo_log(db_path).read_bytes()
    undo_log(db_path).write_bytes(log[: log.rindex(b"\n", 0, -1) + 20])  # inside the delete's line
    with Store.open(db_path, read_only=True) as reader:
        assert reader.annotations(article.id) == [kept]
    for _ in range(2):  # the open that cuts the log, and the one after it
        with Store.open(db_path) as store:
            assert store.annotations(article.id) == [kept]
    with Store.open(db_path) as store:
        assert store.undo().changes[0].after == kept  # the log goes on with what the files show
        assert store.annotations(article.id) == []
        assert store.redo().changes[0].after == kept
    assert [record["id"] for record in saved_annotations(db_path)] == [kept.id]


# -- item 6: orphans re-attach when their text comes back --------------------------------------


def test_spans_orphaned_by_a_truncated_text_reattach_when_it_comes_back(seeds, db_path):
    reuters = seeds[1]
    with Store.open(db_path) as store:
        hoffman = tag(store, reuters, "Jonathan Hoffman", "actor")
        late = tag(store, reuters, "Mark Esper", "actor")
        truncated = reuters.text[: hoffman.end + 5]
        assert late.start > len(truncated)
        report = store.reattach(rescraped(reuters, truncated))
        assert [span.id for span in report.orphaned] == [late.id]
        report = store.reattach(reuters)
        assert report.orphaned == [] and report.moved + report.kept == 2
        assert store.annotation(reuters.id, late.id).orphaned is False
        restored = store.annotation(reuters.id, late.id)
        assert (restored.start, restored.end, restored.text) == (late.start, late.end, late.text)
    exported = cli("export", "--db", str(db_path))
    assert exported.returncode == 0 and "not exported: orphaned" not in exported.stderr
    [line] = [json.loads(raw) for raw in exported.stdout.splitlines()]
    assert sorted(span["text"] for span in line["spans"]) == ["Jonathan Hoffman", "Mark Esper"]


def test_an_orphan_goes_to_its_text_nearest_its_old_place():
    from annotations.model import Annotation

    text = "KH said. KH said again."
    orphan = Annotation("o", "a", 9, 11, "actor", "KH", "t", "c", "u", orphaned=True)
    [placed], report = reattach_spans("gone", text, [orphan])
    assert (placed.start, placed.orphaned, report.moved + report.kept, report.orphaned) == (9, False, 1, [])


# -- item 7: a damaged stored text is refused, named --------------------------------------------


def test_a_damaged_stored_text_is_refused_naming_its_file(seeds, db_path):
    article = seeds[0]
    with Store.open(db_path) as store:
        tag(store, article, "Brian Hook", "actor")
    [shard] = shard_files(db_path)
    stored = shard.with_suffix(".txt")
    stored.write_text(article.text[:50], encoding="utf-8")
    with Store.open(db_path, read_only=True) as reader, pytest.raises(StoreError) as caught:
        reader.article_text(article.id)
    assert str(caught.value).startswith(f"{stored}: ") and "hash" in str(caught.value)
    assert_one_line(cli("export", "--db", str(db_path)), str(stored))


# -- item 9: a symlink to the database is the database ------------------------------------------


def test_a_second_writer_through_a_symlink_is_refused_and_a_reader_sees_the_tags(seeds, db_path):
    alias = db_path.with_name("alias.json")
    with Store.open(db_path) as store:
        annotation = tag(store, seeds[0], "Brian Hook", "actor")
        alias.symlink_to(db_path.name)
        with pytest.raises(DatabaseLocked, match="already open for writing"):
            Store.open(alias)
        with Store.open(alias, read_only=True) as reader:
            assert reader.annotations(seeds[0].id) == [annotation]
    assert not alias.with_name("alias.json.d").exists()
    with Store.open(alias) as store:
        assert store.path == db_path and store.annotations(seeds[0].id) == [annotation]
    assert not alias.with_name("alias.json.d").exists() and not alias.with_name("alias.json.lock").exists()


# -- item 22 (part): a folder or an empty path ------------------------------------------------


@pytest.mark.parametrize("read_only", [False, True])
def test_a_folder_or_an_empty_path_is_refused_in_one_line(tmp_path, read_only):
    with pytest.raises(StoreError) as caught:
        Store.open(tmp_path, read_only=read_only)
    assert str(caught.value).startswith(f"{tmp_path}: ") and "folder" in str(caught.value)
    with pytest.raises(StoreError, match="empty"):
        Store.open("", read_only=read_only)
    assert list(tmp_path.iterdir()) == []  # no lock, no .d folder made beside or inside it


def test_the_cli_refuses_a_folder_or_an_empty_db_in_one_line(seeds, db_path, tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    with Store.open(db_path) as store:
        tag(store, seeds[0], "Brian Hook", "actor")
    assert_one_line(cli("export", "--db", str(folder)), str(folder), "folder")
    assert_one_line(cli("import", "--db", str(folder), str(ROOT / "seeds")), str(folder), "folder")
    assert_one_line(cli("export", "--db", ""), "folder")
    assert_one_line(cli("agree", str(db_path), str(folder)), str(folder), "folder")
    assert list(folder.iterdir()) == []
