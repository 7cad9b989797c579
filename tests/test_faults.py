"""Real faults around the store (issue 21, items 16-19): a damaged or wrongly shaped file, a
full disk (a real tmpfs), a folder or file the user may not write (a real non-root user).
Each ends in one line naming the file and the problem, exit status 2, and nothing lost."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from annotations.articles import Article
from annotations.storage import atomic_write
from annotations.store import Store, StoreError

from .conftest import ROOT, broadsheet, saved_annotations, shard_files
from .faults import NOBODY, as_nobody, fill, nobody_folder, small_disk
from .tmux import Terminal, broadsheet_command

# As the app reads them from first.txt and second.txt (a text file's last newline is kept).
FIRST = Article("first", "The Pentagon said on Friday that rockets hit the Kirkuk base.\n", "first.txt", {})
SECOND = Article("second", "Rockets hit the base in Kirkuk on Friday night.\n", "second.txt", {})
WIRE = [
    Article(f"wire-{number}", f"Report {number}: rockets hit the Kirkuk base on Friday.\n", "", {})
    for number in range(12)
]


def tagged_database(db_path: Path, *articles: Article) -> None:
    """A database with one tag (its first word) in each of ``articles``."""
    with Store.open(db_path) as store:
        for article in articles:
            store.add(article, 0, article.text.index(" "), "actor", "tester")


def the_one_line(result: subprocess.CompletedProcess, *fragments: str) -> str:
    """The command's one line on stderr (no traceback), which holds every one of ``fragments``."""
    assert "Traceback" not in result.stderr, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("broadsheet: ") and all(fragment in line for fragment in fragments), line
    return line


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but a database's lock (it holds the pid of its last writer)."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix != ".lock"
    }


def temporaries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.tmp"))


def import_file(folder: Path, count: int, prefix: str = "wire") -> Path:
    path = folder / f"{prefix}.jsonl"
    lines = [
        {
            "text": f"Report {number}: rockets hit the Kirkuk base on Friday. " * 20,
            "meta": {"id": f"{prefix}-{number}"},
            "spans": [{"start": 0, "end": 6, "label": "event"}],
        }
        for number in range(count)
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def app_in_terminal(*args: str, nobody: bool = False) -> Terminal:
    """The app in a real terminal; a shell keeps the pane open after it exits, with its status."""
    command = broadsheet_command(*args)
    if nobody:
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    return Terminal(["sh", "-c", f"{shlex.join(command)}; echo EXIT=$?; sleep 60"], 200, 40, cwd=ROOT)


def after_exit(terminal: Terminal) -> tuple[int, str]:
    """The app's exit status and what it printed, each line whole (tmux wraps long ones)."""
    terminal.wait_for("EXIT=", timeout=30)
    pane = terminal._tmux("capture-pane", "-p", "-J", "-t", "0")
    status = int(pane.split("EXIT=")[1].split()[0])
    return status, pane.split("EXIT=")[0]


def the_line_on_quitting_after_a_failed_save(
    terminal: Terminal, before_the_tag: Callable[[], object] = lambda: None
) -> str:
    """Tag a word, see its files fail to be written, quit: the one line the app printed as
    it ended (status 2, no traceback), which says where the tag is kept."""
    try:
        terminal.wait_for("The Pentagon said", "^q Quit")
        before_the_tag()
        terminal.send("w", "a")
        terminal.wait_for("Could not write the database files")
        terminal.send("C-q")
        status, printed = after_exit(terminal)
    finally:
        terminal.close()
    assert status == 2 and "Traceback" not in printed
    [line] = [line for line in printed.splitlines() if line.startswith("broadsheet:")]
    assert "kept in the undo log" in line and "history.jsonl" in line
    return line


# -- 16: a damaged tag file of an article on screen ---------------------------------------------


def test_a_damaged_tag_file_of_an_article_on_screen_ends_the_app_with_one_line(tmp_path):
    db_path = tmp_path / "db.json"
    tagged_database(db_path, FIRST, SECOND)  # the undo log's last step is SECOND's: opening leaves FIRST's file alone
    (tmp_path / "first.txt").write_text(FIRST.text)
    [damaged, _] = shard_files(db_path)
    damaged.write_bytes(damaged.read_bytes()[:50])
    damage = damaged.read_bytes()
    terminal = app_in_terminal(str(tmp_path / "first.txt"), "--db", str(db_path))
    try:
        status, printed = after_exit(terminal)
    finally:
        terminal.close()
    assert status == 2
    assert "Traceback" not in printed and "Error" not in printed
    assert f"broadsheet: {damaged}: not valid JSON at line 3" in printed
    assert damaged.read_bytes() == damage


# -- 17: a full disk ----------------------------------------------------------------------------


def test_atomic_write_on_a_full_disk_keeps_the_old_file_and_leaves_no_temporary():
    with small_disk() as disk:
        path = disk / "out.jsonl"
        path.write_bytes(b"the old export\n")
        fill(disk)
        with pytest.raises(OSError, match="No space left on device") as failure:
            atomic_write(path, b"x" * 100_000, keep_backup=False)
        assert failure.value.filename == str(path)
        assert path.read_bytes() == b"the old export\n"
        assert temporaries(disk) == []


def test_export_on_a_full_disk_leaves_the_old_output_and_no_temporary(tmp_path):
    db_path = tmp_path / "db.json"
    tagged_database(db_path, FIRST, SECOND)
    with small_disk() as disk:
        output = disk / "out.jsonl"
        output.write_bytes(b"the old export\n")
        fill(disk)
        result = broadsheet("export", "--db", str(db_path), "-o", str(output))
        assert result.returncode != 0
        assert output.read_bytes() == b"the old export\n"
        assert temporaries(disk) == []


def test_creating_a_database_on_a_full_disk_names_the_lock_file(tmp_path):
    with small_disk() as disk:
        fill(disk)
        db_path = disk / "db.json"
        result = broadsheet("import", "--db", str(db_path), str(import_file(tmp_path, 1)))
        assert result.returncode == 2
        the_one_line(result, f"{db_path}.lock: cannot write: No space left on device")
        assert not db_path.exists() and temporaries(disk) == []


def test_quitting_after_a_failed_save_on_a_full_disk_keeps_the_tag_in_the_undo_log(tmp_path):
    (tmp_path / "first.txt").write_text(FIRST.text)
    with small_disk() as disk:
        db_path = disk / "db.json"
        tagged_database(db_path, FIRST)
        terminal = app_in_terminal(str(tmp_path / "first.txt"), "--db", str(db_path))
        # The undo log has room left in its last block for the tag; a new file has none.
        line = the_line_on_quitting_after_a_failed_save(terminal, lambda: fill(disk))
        assert "No space left on device" in line
        assert temporaries(disk) == []
        (disk / "filler").unlink()
        with Store.open(db_path) as store:
            assert [span.text for span in store.annotations("first")] == ["The", "Pentagon"]
        assert [record["text"] for record in saved_annotations(db_path)] == ["The", "Pentagon"]


def test_an_import_that_fills_the_disk_stops_with_one_line_and_resumes_later(tmp_path):
    wire = import_file(tmp_path, 300)  # 330 KB of articles, in one pack
    with small_disk(kilobytes=160) as disk:
        db_path = disk / "db.json"
        tagged_database(db_path, FIRST)
        result = broadsheet("import", "--db", str(db_path), str(wire))
        assert result.returncode == 2, result.stderr
        the_one_line(result, ": cannot write: No space left on device", f"importing {wire} again adds only the rest")
        assert temporaries(disk) == []
        saved = saved_annotations(db_path)
        assert saved[0]["text"] == "The" and 0 < len(saved) < 301  # the tag kept, the import cut short
        roomy = tmp_path / "roomy"
        shutil.copytree(disk, roomy)  # the same database, on a disk with room
    assert broadsheet("import", "--db", str(roomy / "db.json"), str(wire)).returncode == 0
    assert len(saved_annotations(roomy / "db.json")) == 301


def test_a_merge_that_fills_the_disk_leaves_no_partial_database(tmp_path):
    sources = []
    for name in ("ann", "bob"):
        source = tmp_path / f"{name}.json"
        tagged_database(source, *WIRE)
        sources.append(str(source))
    before = snapshot(tmp_path)
    with small_disk(kilobytes=32) as disk:
        output = disk / "merged.json"
        result = broadsheet("merge", *sources, "-o", str(output))
        assert result.returncode == 2, result.stderr
        the_one_line(result, ": cannot write: No space left on device", "nothing was merged")
        assert sorted(path.name for path in disk.iterdir()) == []  # no half a database to mistake for one
    assert snapshot(tmp_path) == before


# -- 18: permissions, as a user who is not root ---------------------------------------------------


@pytest.fixture
def nobody_db() -> Iterator[Path]:
    """A database with a tag in FIRST, in a folder the user nobody owns, every file theirs."""
    folder = nobody_folder()
    db_path = folder / "db.json"
    tagged_database(db_path, FIRST)
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, NOBODY, NOBODY)
    yield db_path
    shutil.rmtree(folder)


def test_an_import_into_a_read_only_database_folder_stops_with_one_line(nobody_db):
    db_path = nobody_db
    shards = db_path.with_name("db.json.d")
    shards.chmod(0o555)
    wire = import_file(db_path.parent, 3)
    before = snapshot(shards)
    result = as_nobody("import", "--db", str(db_path), str(wire))
    assert result.returncode == 2, result.stderr
    the_one_line(result, str(shards), ": cannot write: Permission denied")
    assert snapshot(shards) == before


def test_quitting_the_app_after_a_tag_in_a_read_only_database_folder_keeps_the_tag(nobody_db):
    db_path = nobody_db
    text_file = db_path.parent / "first.txt"
    text_file.write_text(FIRST.text)
    shards = db_path.with_name("db.json.d")
    shards.chmod(0o555)
    terminal = app_in_terminal(str(text_file), "--db", str(db_path), nobody=True)
    assert "Permission denied" in the_line_on_quitting_after_a_failed_save(terminal)
    shards.chmod(0o755)
    with Store.open(db_path) as store:
        assert [span.text for span in store.annotations("first")] == ["The", "Pentagon"]


def test_a_read_only_undo_log_stops_the_open_with_one_line(nobody_db):
    db_path = nobody_db
    log = db_path.with_name("db.json.d") / "history.jsonl"
    log.chmod(0o444)
    wire = import_file(db_path.parent, 1)
    before = snapshot(db_path.parent)
    result = as_nobody("import", "--db", str(db_path), str(wire))
    assert result.returncode == 2, result.stderr
    the_one_line(result, f"{log}: ", "Permission denied")
    assert snapshot(db_path.parent) == before


@pytest.mark.parametrize("mode", [0o600, 0o444, 0o640])
def test_a_rewrite_keeps_the_file_mode(db_path, mode):
    tagged_database(db_path, FIRST)
    [shard] = shard_files(db_path)
    shard.chmod(mode)
    with Store.open(db_path) as store:
        store.add(FIRST, 4, 12, "actor", "tester")
    assert stat.S_IMODE(shard.stat().st_mode) == mode
    assert len(saved_annotations(db_path)) == 2


def test_a_rewrite_by_root_keeps_the_file_owner(db_path):
    if os.geteuid() != 0:
        pytest.skip("giving a file away needs root")
    tagged_database(db_path, FIRST)
    [shard] = shard_files(db_path)
    os.chown(shard, NOBODY, NOBODY)
    with Store.open(db_path) as store:
        store.add(FIRST, 4, 12, "actor", "tester")
    assert (shard.stat().st_uid, shard.stat().st_gid) == (NOBODY, NOBODY)


# -- 19: valid JSON of the wrong shape ------------------------------------------------------------


def reshape(record: dict, field: str, value: object) -> dict:
    """``record`` with ``field`` set to ``value``, or without it when ``value`` is None."""
    changed = {key: item for key, item in record.items() if key != field}
    return changed if value is None else {**changed, field: value}


@pytest.mark.parametrize(
    ("table", "field", "value", "problem"),
    [
        ("annotations", "start", None, "no 'start'"),
        ("annotations", "start", "4", "'start' is '4', not an integer"),
        ("annotations", "id", None, "no 'id'"),
        ("annotations", "label", 7, "'label' is 7, not a string"),
        ("article", "text_hash", None, "no 'text_hash'"),
        ("article", "id", None, "no 'id'"),
    ],
)
def test_a_record_of_the_wrong_shape_is_named_with_its_file(tmp_path, table, field, value, problem):
    db_path = tmp_path / "db.json"
    tagged_database(db_path, FIRST)
    [shard] = shard_files(db_path)
    tables = json.loads(shard.read_text())
    tables[table]["1"] = reshape(tables[table]["1"], field, value)
    shard.write_text(json.dumps(tables))
    damaged = shard.read_bytes()
    for command in (["export", "--db", str(db_path)], ["import", "--db", str(db_path), str(import_file(tmp_path, 1))]):
        result = broadsheet(*command)
        assert result.returncode == 2, result.stderr
        the_one_line(result, f"{shard}: {table} record 1: {problem}")
        assert shard.read_bytes() == damaged


def test_a_link_of_the_wrong_shape_is_named_with_its_file(db_path):
    with Store.open(db_path) as store:
        head = store.add(FIRST, 0, 3, "actor", "tester")
        child = store.add(FIRST, 4, 12, "actor", "tester")
        store.link(head, child, "same-as", "tester")
    links = db_path.with_name(db_path.name + ".d") / "_links.json"
    tables = json.loads(links.read_text())
    del tables["links"]["1"]["head"]
    links.write_text(json.dumps(tables))
    # Raised at the open (a reader settles the undo log in memory, which reads the links) or at
    # the first read of the links: either way the one line names the file and the record.
    with (
        pytest.raises(StoreError, match=f"^{links}: links record 1: no 'head'"),
        Store.open(db_path, read_only=True) as store,
    ):
        store.links()
