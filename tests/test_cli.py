"""The `broadsheet` command line: export, exit statuses, and what ships in the wheel."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from annotations.store import Store

from .conftest import ROOT, broadsheet


def tag_seeds(seeds, db_path: Path) -> None:
    with Store.open(db_path) as store:
        for article, phrase, label in [
            (seeds[1], "at least 25 militia fighters", "figure"),
            (seeds[1], "Kataib Hezbollah", "actor"),
            (seeds[0], "Brian Hook", "actor"),
            (seeds[1], "Jonathan Hoffman", "actor"),
        ]:
            start = article.text.index(phrase)
            store.add(article, start, start + len(phrase), label, "tester")


def test_export_writes_one_line_per_tagged_article_with_spans_by_start(seeds, db_path, tmp_path):
    tag_seeds(seeds, db_path)
    out = tmp_path / "gold.jsonl"
    result = broadsheet("export", "--db", str(db_path), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"broadsheet: exported 2 article(s) from {db_path}\n"
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["meta"]["id"] for line in lines] == [seeds[0].id, seeds[1].id]
    reuters = lines[1]
    assert reuters["text"] == seeds[1].text
    assert [span["text"] for span in reuters["spans"]] == [
        "Kataib Hezbollah",
        "at least 25 militia fighters",
        "Jonathan Hoffman",
    ]
    for line in lines:
        assert (
            set(line) == {"text", "meta", "spans", "relations"} and line["relations"] == []
        )  # the same keys on every line
        assert (
            set(line["meta"]) == {"id", "outlet", "date", "title", "source", "done"} and line["meta"]["done"] is False
        )
        for span in line["spans"]:
            assert line["text"][span["start"] : span["end"]] == span["text"]
        assert [span["start"] for span in line["spans"]] == sorted(span["start"] for span in line["spans"])


def test_export_to_stdout_works_while_the_app_holds_the_database(seeds, db_path):
    tag_seeds(seeds, db_path)
    with Store.open(db_path):  # the writer's lock is held, as by a running app
        result = broadsheet("export", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2


def test_export_of_a_missing_database_is_a_one_line_error(tmp_path):
    result = broadsheet("export", "--db", str(tmp_path / "none.json"))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"broadsheet: {tmp_path / 'none.json'}: no such database\n"


def test_nothing_readable_to_open_exits_1_naming_each_input(tmp_path, db_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = broadsheet(str(tmp_path / "empty.txt"), str(tmp_path / "nope.md"), "--db", str(db_path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"broadsheet: skipped {tmp_path / 'nope.md'}: no such file or directory",
        f"broadsheet: skipped {tmp_path / 'empty.txt'}: empty file",
        "broadsheet: no article to open",
    ]


def test_help_is_there_for_each_command():
    for command in ([], ["export"], ["import"], ["review"]):
        result = broadsheet(*command, "--help")
        assert result.returncode == 0 and "--db FILE" in result.stdout, command
    result = broadsheet("validate", "--help")
    assert result.returncode == 0 and "FILE|FOLDER" in result.stdout and "brat folder" in result.stdout
    unknown = broadsheet("export", "--format", "xml")
    assert unknown.returncode == 2 and "invalid choice: 'xml'" in unknown.stderr


def test_the_wheel_ships_both_packages_the_seeds_the_schema_and_the_stylesheet(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("broadsheet-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    seeds = sorted(name for name in names if name.startswith("tui/seeds/"))
    assert seeds == sorted(f"tui/seeds/{path.name}" for path in (ROOT / "seeds").glob("*.txt"))
    assert {"annotations/labels.yaml", "tui/broadsheet.tcss", "tui/app.py", "annotations/store/__init__.py"} <= names
    sources = {
        path.relative_to(ROOT).as_posix() for folder in ("annotations", "tui") for path in (ROOT / folder).rglob("*.py")
    }
    assert sources <= names, sorted(sources - names)  # a new subpackage must be listed in pyproject.toml
    entry_points = next(name for name in names if name.endswith("entry_points.txt"))
    assert "broadsheet = tui.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_progress_bars_show_on_a_terminal_and_stay_quiet_when_piped(tmp_path):
    from .tmux import Terminal

    lines = tmp_path / "many.jsonl"
    lines.write_text(
        "".join(
            json.dumps({"text": f"Article {n} on the strikes.", "spans": [{"start": 0, "end": 7, "label": "actor"}]})
            + "\n"
            for n in range(
                15_000
            )  # over PROGRESS_DELAY of work even in bulk: 1,500 lines could end sooner, with no bar
        )
    )
    piped = broadsheet("import", str(lines), "--db", str(tmp_path / "piped.json"))
    assert piped.returncode == 0
    assert piped.stderr == f"broadsheet: {lines}: 15000 span(s) imported into 15000 new article(s)\n"
    terminal = Terminal(
        [sys.executable, "-m", "tui.cli", "import", str(lines), "--db", str(tmp_path / "tty.json")], 100, 10, cwd=ROOT
    )
    try:
        terminal.wait_for("Importing many.jsonl", timeout=30)
        assert terminal.wait_for_exit(timeout=60) == 0
    finally:
        terminal.close()


def test_an_export_filter_that_matches_nothing_is_named_and_an_empty_result_exits_1(seeds, db_path):
    from .test_store import tag

    with Store.open(db_path) as store:
        tag(store, seeds[0], "Pentagon", "actor")
    result = broadsheet(
        "export", "--db", str(db_path), "--labels", "actr", "--articles", "nosuch", "--annotator", "rooot"
    )
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"broadsheet: --articles: no article 'nosuch' in {db_path}",
        "broadsheet: --labels: no 'actr' span was exported",
        "broadsheet: --annotator: no span by 'rooot' was exported",
        f"broadsheet: exported 0 article(s) from {db_path}",
    ]
    partly = broadsheet("export", "--db", str(db_path), "--labels", "actor,actr")
    assert partly.returncode == 0 and len(partly.stdout.splitlines()) == 1
    assert "broadsheet: --labels: no 'actr' span was exported" in partly.stderr


def test_an_import_of_nothing_there_makes_no_database(tmp_path):
    db = tmp_path / "typo.json"
    result = broadsheet("import", str(tmp_path / "nosuch.jsonl"), "--db", str(db))
    assert result.returncode == 1
    assert result.stderr == f"broadsheet: skipped {tmp_path / 'nosuch.jsonl'}: cannot read: No such file or directory\n"
    assert list(tmp_path.iterdir()) == []


def test_import_from_names_every_format_export_writes_as_json_lines(seeds, db_path, tmp_path):
    from .test_store import tag

    with Store.open(db_path) as store:
        tag(store, seeds[0], "Pentagon", "actor")
    for fmt in ("prodigy", "doccano", "doccano-re"):
        out = tmp_path / f"out.{fmt}"
        assert broadsheet("export", "--db", str(db_path), "--format", fmt, "-o", str(out)).returncode == 0
        result = broadsheet("import", str(out), "--from", fmt, "--db", str(tmp_path / f"{fmt}.json"))
        assert result.returncode == 0, result.stderr
        assert "1 span(s) imported into 1 new article(s)" in result.stderr
