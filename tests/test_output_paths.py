"""Where export and merge write (issue 21, items 2, 3, 17, 21, 22): never over the database,
never two outputs on one path, into a symlink's target, through a FIFO or a device, and a
bad path, a full disk or a read-only folder ends in one line with nothing lost."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from annotations.articles import Article, load_corpus
from annotations.export import exported_articles, safe_file_stem, write_brat
from annotations.store import Store
from annotations.text import printable
from tui.cli import main

from .conftest import ROOT
from .faults import NOBODY, as_nobody, fill, nobody_folder, small_disk
from .test_cli import tag_seeds


def export(capsys, *args: str) -> tuple[int, list[str]]:
    """Run ``broadsheet export ARGS`` in this process: its exit status and stderr's lines."""
    status = main(["export", *args])
    return status, capsys.readouterr().err.splitlines()


def files_under(folder: Path) -> dict[str, bytes | str]:
    """Every file under ``folder`` (a symlink as where it points), to see that nothing changed."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found[str(path.relative_to(folder))] = os.readlink(path)
        elif path.is_file():
            found[str(path.relative_to(folder))] = path.read_bytes()
    return found


@pytest.fixture
def tagged(seeds, db_path) -> Path:
    """A database with tags in two articles and a same-as link across them (one cluster)."""
    tag_seeds(seeds, db_path)
    with Store.open(db_path) as store:
        hook, hoffman = (
            next(span for span in store.annotations(article.id) if span.label == "actor") for article in seeds[:2]
        )
        store.link(hook, hoffman, "same-as", "tester")
    return db_path


# -- item 2: never over the database, never two outputs on one path ---------------------------


@pytest.mark.parametrize("option", ["-o", "--clusters"])
@pytest.mark.parametrize(
    "inside",
    [
        "broadsheet.json",
        "broadsheet.json.lock",
        "broadsheet.json.bak",
        "broadsheet.json.d/_links.json",
        "broadsheet.json.d/history.jsonl",
        "broadsheet.json.d/new.jsonl",
        "broadsheet.json.d/../broadsheet.json",
        "alias.json",  # a symlink to the database file
    ],
)
def test_export_refuses_any_output_that_is_part_of_the_database(tagged, capsys, option, inside):
    folder = tagged.parent
    (folder / "alias.json").symlink_to(tagged)
    before = files_under(folder)
    output = folder / inside
    status, errors = export(
        capsys, "--db", str(tagged), option, str(output), *(["-o", str(folder / "out.jsonl")] if option != "-o" else [])
    )
    assert status == 2
    assert errors == [f"broadsheet: {output}: is part of the database {tagged}; give an output outside it"]
    assert files_under(folder) == before
    with Store.open(tagged, read_only=True) as store:
        assert len(store.article_ids()) == 2


@pytest.mark.parametrize("inside", ["alias.json.d/x.jsonl", "broadsheet.json.d/x.jsonl", "broadsheet.json"])
def test_a_database_given_through_a_symlink_is_refused_under_both_names(tagged, capsys, inside):
    alias = tagged.parent / "alias.json"
    alias.symlink_to(tagged)
    (tagged.parent / "alias.json.d").mkdir()  # where today's Store.open looks (issue 21, item 9)
    before = files_under(tagged.parent)
    status, errors = export(capsys, "--db", str(alias), "-o", str(tagged.parent / inside))
    assert status == 2 and errors == [
        f"broadsheet: {tagged.parent / inside}: is part of the database {alias}; give an output outside it"
    ]
    assert files_under(tagged.parent) == before


def test_a_brat_folder_inside_the_database_is_refused(tagged, capsys):
    before = files_under(tagged.parent)
    status, errors = export(
        capsys, "--db", str(tagged), "--format", "brat", "-o", str(tagged.parent / "broadsheet.json.d")
    )
    assert status == 2 and len(errors) == 1 and "is part of the database" in errors[0]
    assert files_under(tagged.parent) == before


@pytest.mark.parametrize("second", ["out.jsonl", "sub/../out.jsonl", "alias.jsonl"])
def test_two_outputs_on_one_path_are_refused_and_nothing_is_written(tagged, tmp_path, capsys, second):
    (tmp_path / "sub").mkdir()
    (tmp_path / "alias.jsonl").symlink_to(tmp_path / "out.jsonl")
    status, errors = export(
        capsys, "--db", str(tagged), "-o", str(tmp_path / "out.jsonl"), "--clusters", str(tmp_path / second)
    )
    assert status == 2
    assert errors == [f"broadsheet: {tmp_path / second}: is also the export's output; give each output its own path"]
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize("output", ["a.json.d/merged.json", "a.json.d", "a.json.lock", "a.json"])
def test_merge_refuses_an_output_that_is_part_of_a_source(seeds, tmp_path, capsys, output):
    for name in ("a.json", "b.json"):
        tag_seeds(seeds, tmp_path / name)
    before = files_under(tmp_path)
    status = main(["merge", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "-o", str(tmp_path / output)])
    errors = capsys.readouterr().err.splitlines()
    assert status == 2
    assert errors == [
        f"broadsheet: {tmp_path / output}: is part of the database {tmp_path / 'a.json'}; give an output outside it"
    ]
    assert files_under(tmp_path) == before


# -- item 3: what the output path is decides how it is written --------------------------------


@pytest.mark.parametrize("option", ["-o", "--clusters"])
def test_an_output_symlink_stays_and_its_target_gets_the_export(tagged, tmp_path, capsys, option):
    target_folder = tmp_path / "elsewhere"
    target_folder.mkdir()
    target, link = target_folder / "real.jsonl", tmp_path / "link.jsonl"
    target.write_text("old\n")
    link.symlink_to(target)
    other = ["-o", str(tmp_path / "out.jsonl")] if option == "--clusters" else []
    status, _ = export(capsys, "--db", str(tagged), option, str(link), *other)
    assert status == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    records = [json.loads(line) for line in target.read_text().splitlines()]
    assert len(records) == (1 if option == "--clusters" else 2)
    assert sorted(path.name for path in target_folder.iterdir()) == ["real.jsonl"]


@pytest.mark.parametrize("option", ["-o", "--clusters"])
def test_a_fifo_is_written_through_to_its_reader(tagged, tmp_path, capsys, option):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    other = ["-o", str(tmp_path / "out.jsonl")] if option == "--clusters" else []
    status, _ = export(capsys, "--db", str(tagged), option, str(fifo), *other)
    reader.join(timeout=30)
    assert status == 0
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    records = [json.loads(line) for line in received[0].decode().splitlines()]
    assert len(records) == (1 if option == "--clusters" else 2)


def test_a_unix_socket_is_written_through_to_its_listener(tagged, tmp_path, capsys):
    path = tmp_path / "sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(1)
    received = bytearray()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            while chunk := connection.recv(65536):
                received.extend(chunk)

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    status, _ = export(capsys, "--db", str(tagged), "-o", str(path))
    server.join(timeout=30)
    listener.close()
    assert status == 0 and stat.S_ISSOCK(os.lstat(path).st_mode)
    assert len(received.decode().splitlines()) == 2


def in_private_dev(script: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run a shell ``script`` where /dev is a fresh tmpfs holding a real null device and the
    stdout link: a regression that replaced them must not break /dev/null for the machine."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("a private /dev needs root and unshare")
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True, text=True)
    if probe.returncode:
        pytest.skip(f"no private mount namespace here: {probe.stderr.strip()}")
    setup = (
        "mount -t tmpfs -o mode=755 tmpfs /dev && mknod -m 666 /dev/null c 1 3 && ln -s /proc/self/fd/1 /dev/stdout && "
    )
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", setup + script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_dev_null_stays_the_null_device(tagged, tmp_path):
    broadsheet = f"{sys.executable} -m tui.cli export --db {tagged}"
    result = in_private_dev(
        f"stat -c '%i %F' /dev/null && {broadsheet} -o /dev/null"
        f" && {broadsheet} -o {tmp_path}/o.jsonl --clusters /dev/null"
        f" && stat -c '%i %F' /dev/null"
        f" && {sys.executable} -c 'import os, stat; print(stat.S_ISCHR(os.stat(os.devnull).st_mode))'"
        " && echo $(ls -A /dev)",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    before, after, is_device, listing = result.stdout.splitlines()
    assert before == after and after.endswith("character special file")
    assert is_device == "True" and listing.split() == ["null", "stdout"]


def test_dev_stdout_writes_to_standard_output(tagged, tmp_path):
    result = in_private_dev(
        f"{sys.executable} -m tui.cli export --db {tagged} -o /dev/stdout && readlink /dev/stdout >&2", tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert len([json.loads(line) for line in result.stdout.splitlines()]) == 2
    assert result.stderr.splitlines()[-1] == "/proc/self/fd/1"


def test_dev_stdout_into_a_file_adds_to_it_as_the_shell_said(tagged, tmp_path):
    (tmp_path / "kept.jsonl").write_text('{"old": 1}\n')
    broadsheet = f"{sys.executable} -m tui.cli export --db {tagged} -o /dev/stdout"
    result = in_private_dev(f"{broadsheet} >> kept.jsonl && {broadsheet} > new.jsonl && readlink /dev/stdout", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "/proc/self/fd/1\n"
    kept = [json.loads(line) for line in (tmp_path / "kept.jsonl").read_text().splitlines()]
    assert kept[0] == {"old": 1} and len(kept) == 3
    assert len((tmp_path / "new.jsonl").read_text().splitlines()) == 2


# -- item 21: long names in brat --------------------------------------------------------------


def test_brat_stems_are_bounded_and_unique():
    long_ids = ["x" * 299 + "a", "x" * 299 + "b", "é" * 300]
    stems = [safe_file_stem(article_id) for article_id in long_ids]
    assert len(set(stems)) == 3
    assert all(len(f".{stem}.ann.4194304.tmp".encode()) <= 255 for stem in stems)
    assert safe_file_stem("001_reuters") == "001_reuters"  # a short id keeps its name


def test_brat_exports_an_article_with_a_300_character_id_and_one_from_a_250_character_file_name(tmp_path, capsys):
    long_file = tmp_path / "corpus" / ("n" * 250 + ".txt")
    long_file.parent.mkdir()
    long_file.write_text("Hoffman spoke on Sunday.\n")
    [from_file] = load_corpus([long_file.parent]).articles
    db = tmp_path / "db.json"
    with Store.open(db) as store:
        for article in (from_file, Article("i" * 300, "Hook spoke on Monday.\n", "test", {})):
            store.add(article, 0, 4, "actor", "tester")
    status, errors = export(capsys, "--db", str(db), "--format", "brat", "-o", str(tmp_path / "brat"))
    assert status == 0, errors
    written = sorted((tmp_path / "brat").iterdir())  # and brat's annotation.conf
    assert len(written) == 5 and sorted(path.suffix for path in written) == [".ann", ".ann", ".conf", ".txt", ".txt"]
    assert {path.read_text() for path in written if path.suffix == ".txt"} == {
        "Hoffman spoke on Sunday.\n",
        "Hook spoke on Monday.\n",
    }


def test_brat_into_an_existing_folder_keeps_the_files_already_there(tagged, tmp_path):
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "notes.md").write_text("mine\n")
    with Store.open(tagged, read_only=True) as store:
        assert write_brat(exported_articles(store), folder) == 2
    assert (folder / "notes.md").read_text() == "mine\n"
    assert len(list(folder.glob("*.ann"))) == 2 and not list(tmp_path.glob(".*"))


def test_brat_on_a_full_disk_leaves_no_folder(tagged, capsys):
    with small_disk() as disk:
        filler = fill(disk, leave=3 * 4096)  # the first article fits, the second does not
        status, errors = export(capsys, "--db", str(tagged), "--format", "brat", "-o", str(disk / "brat"))
        assert status == 2
        assert errors == [f"broadsheet: {disk / 'brat'}: cannot write: No space left on device"]
        assert sorted(os.listdir(disk)) == [filler.name]


# -- item 22 and item 17's export part: bad paths and a full disk ------------------------------


@pytest.mark.parametrize(
    "output, problem",
    [
        ("/nonexistent/dir/x.jsonl", "cannot write there: no such folder /nonexistent/dir"),
        (".", "is a folder; this format writes a file"),
        (
            "/nonexistent/\x1b]2;pwned\x07/x.jsonl",
            "cannot write there: no such folder /nonexistent/\u241b]2;pwned\u2407",
        ),
    ],
)
def test_a_bad_output_path_is_one_line(tagged, capsys, monkeypatch, tmp_path, output, problem):
    monkeypatch.chdir(tmp_path)
    before = files_under(tmp_path)
    status, errors = export(capsys, "--db", str(tagged), "-o", output)
    assert status == 2 and errors == [f"broadsheet: {printable(output)}: {problem}"]  # no escape reaches the terminal
    assert files_under(tmp_path) == before


def test_a_brat_output_that_is_a_file_is_one_line(tagged, tmp_path, capsys):
    (tmp_path / "brat").write_text("mine\n")
    status, errors = export(capsys, "--db", str(tagged), "--format", "brat", "-o", str(tmp_path / "brat"))
    assert status == 2 and errors == [
        f"broadsheet: {tmp_path / 'brat'}: not a folder; this format writes a folder of files"
    ]
    assert (tmp_path / "brat").read_text() == "mine\n"


def test_an_output_in_a_read_only_folder_is_one_line_and_left_as_it_was(seeds):
    home = nobody_folder()
    try:
        db = home / "db.json"
        tag_seeds(seeds, db)
        folder = home / "locked"
        folder.mkdir()
        output = folder / "out.jsonl"
        output.write_text("old\n")
        for path in (output, folder, *home.rglob("*")):
            os.chown(path, NOBODY, NOBODY)
        folder.chmod(0o555)
        result = as_nobody("export", "--db", str(db), "-o", str(output), cwd=home)
        assert result.returncode == 2
        assert result.stderr == f"broadsheet: {output}: cannot write in its folder {folder}: permission denied\n"
        assert output.read_text() == "old\n"
    finally:
        shutil.rmtree(home)


def test_export_on_a_full_disk_is_one_line_and_keeps_the_old_output(tagged, capsys):
    with small_disk() as disk:
        output = disk / "out.jsonl"
        output.write_text("old\n")
        fill(disk)
        status, errors = export(capsys, "--db", str(tagged), "-o", str(output))
        assert status == 2
        assert errors == [f"broadsheet: {output}: cannot write: No space left on device"]
        assert output.read_text() == "old\n"


def test_export_on_a_full_disk_leaves_no_temporary_file(tagged, capsys):
    with small_disk() as disk:
        filler = fill(disk)
        export(capsys, "--db", str(tagged), "-o", str(disk / "out.jsonl"))
        assert os.listdir(disk) == [filler.name]
