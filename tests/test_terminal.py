"""End to end in a real terminal (tmux): what a person at the keyboard gets."""

from __future__ import annotations

import json

import pytest

from .conftest import ROOT, broadsheet, saved_annotations
from .tmux import Terminal, broadsheet_command


@pytest.fixture
def terminal_factory():
    opened: list[Terminal] = []

    def start(*args: str, cols: int = 160, rows: int = 48) -> Terminal:
        terminal = Terminal(broadsheet_command(*args), cols, rows, cwd=ROOT)
        opened.append(terminal)
        return terminal

    yield start
    for terminal in opened:
        terminal.close()


def test_search_tag_quit_then_export(terminal_factory, db_path):
    terminal = terminal_factory("--db", str(db_path))
    terminal.wait_for("Reuters · 2019-12-31", "CNSNews.com", "? Keys", "^q Quit")
    terminal.send("2", "/")
    terminal.wait_for("Search (enter")
    terminal.type("Jonathan Hoffman")
    terminal.send("Enter")
    terminal.send("a")
    terminal.wait_for("1 tag")
    terminal.send("C-q")
    assert terminal.wait_for_exit() == 0
    [saved] = saved_annotations(db_path)
    assert (saved["label"], saved["text"]) == ("actor", "Jonathan Hoffman")
    export = broadsheet("export", "--db", str(db_path))
    [line] = [json.loads(line) for line in export.stdout.splitlines()]
    assert line["meta"]["outlet"] == "Reuters"
    assert line["spans"] == [
        {
            "start": saved["start"],
            "end": saved["end"],
            "label": "actor",
            "text": "Jonathan Hoffman",
            "id": saved["id"],
            "annotator": saved["annotator"],
            "status": "pending",
        }
    ]


def test_a_second_broadsheet_on_a_database_in_use_opens_it_read_only_and_saves_nothing(terminal_factory, db_path):
    writer = terminal_factory("--db", str(db_path))
    writer.wait_for("Reuters · 2019-12-31", "^q Quit")
    writer.send("w", "a")
    writer.wait_for("1 tag")
    viewer = terminal_factory("--db", str(db_path))
    viewer.wait_for("READ-ONLY, another Broadsheet writes to it", "1 tag", "^q Quit")  # the writer's tag shows
    viewer.send("w", "w", "a")
    viewer.wait_for("Not saved", "read-only")
    viewer.send("u")
    viewer.send("C-q")
    assert viewer.wait_for_exit() == 0
    writer.send("C-q")
    assert writer.wait_for_exit() == 0
    assert [record["label"] for record in saved_annotations(db_path)] == ["actor"]  # the writer's tag alone


def test_narrow_terminal_shows_two_columns_and_the_footer(terminal_factory, db_path):
    terminal = terminal_factory("--db", str(db_path), cols=80, rows=24)
    terminal.wait_for("A Iraqi militia leader", "2  Reuters", "5 open, 2 shown", "^q Quit", "a actor")
    terminal.send("C-q")
    assert terminal.wait_for_exit() == 0


def test_keys_typed_in_one_burst_apply_in_order_to_the_right_article(terminal_factory, db_path):
    """Focus moves ('2', '/', enter, the picker) must not let the next key go astray."""
    terminal = terminal_factory("--db", str(db_path))
    terminal.wait_for("Reuters · 2019-12-31", "^q Quit")
    # One send-keys call: tmux writes it all at once, faster than any typist.
    terminal.send("2", "/", *"Kataib Hezbollah", "Enter", "a", "1", "w", "f", "o", *"post", "Enter", "w", "q")
    terminal.wait_for("1 tag")
    terminal.send("C-q")
    assert terminal.wait_for_exit() == 0
    saved = {(record["article_id"], record["label"], record["text"]) for record in saved_annotations(db_path)}
    assert saved == {
        ("001_dd604056335a0bf9", "actor", "Kataib Hezbollah"),
        ("000_64331d8c72ca9866", "figure", "Iraqi"),
        ("003_5d1040d77a3fa8e0", "quote", "U.S"),
    }


def test_undo_after_a_restart_in_a_real_terminal(terminal_factory, db_path):
    first = terminal_factory("--db", str(db_path))
    first.wait_for("Reuters · 2019-12-31", "^q Quit")
    first.send("w", "a")
    first.wait_for("1 tag")
    first.send("w", "w", "f")
    first.wait_for("2 tags")
    first.send("C-q")
    assert first.wait_for_exit() == 0
    assert [record["text"] for record in saved_annotations(db_path)] == ["Iraqi", "leader"]
    second = terminal_factory("--db", str(db_path))
    second.wait_for("2 tags")
    second.send("u")
    second.wait_for("1 tag", "Undone: tag figure 'leader'")
    second.send("C-q")
    assert second.wait_for_exit() == 0
    assert [record["text"] for record in saved_annotations(db_path)] == ["Iraqi"]


def test_markup_shows_literally_and_an_osc_title_does_not_reach_the_terminal(terminal_factory, tmp_path, db_path):
    article = tmp_path / "hostile.txt"
    article.write_bytes(
        b"\x1b]0;PWNED-TITLE\x07\x1b]2;PWNED-TOO\x1b\\[bold]not bold[/] and [link=http://x]no link[/link] end"
    )
    terminal = terminal_factory(str(article), "--db", str(db_path))
    title_before = terminal.pane("#{pane_title}")
    screen = terminal.wait_for("[bold]not bold[/] and [link=http://x]no link[/link] end")
    assert "PWNED" not in screen
    terminal.send("w", "a")
    terminal.wait_for("1 tag")
    assert "PWNED" not in terminal.pane("#{pane_title}")
    assert terminal.pane("#{pane_title}") == title_before
    terminal.send("C-q")
    assert terminal.wait_for_exit() == 0


def test_patterns_suggest_and_y_accepts_in_a_real_terminal(terminal_factory, db_path, tmp_path):
    patterns = tmp_path / "names.jsonl"
    patterns.write_text('{"label": "actor", "pattern": "Brian Hook"}\n', encoding="utf-8")
    terminal = terminal_factory("--db", str(db_path), "--patterns", str(patterns))
    terminal.wait_for("0 tags · 1 suggested", "? Brian Hook")
    terminal.send("1", "]", "y")
    terminal.wait_for("1 tag")
    terminal.send("C-q")
    assert terminal.wait_for_exit() == 0
    [saved] = saved_annotations(db_path)
    assert (saved["text"], saved["status"], saved["source"]) == ("Brian Hook", "accepted", f"{patterns}:1")


def test_a_bad_pattern_file_stops_with_one_line(tmp_path):
    patterns = tmp_path / "bad.yaml"
    patterns.write_text("- label: actor\n  regex: '[unclosed'\n", encoding="utf-8")
    result = broadsheet("--db", str(tmp_path / "db.json"), "--patterns", str(patterns))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"broadsheet: {patterns}:1: invalid regular expression '[unclosed'")
    assert len(result.stderr.splitlines()) == 1


def test_propose_confirm_the_death_toll_then_export_its_cluster_and_the_comparison_page(
    terminal_factory, db_path, tmp_path
):
    terminal = terminal_factory("--db", str(db_path))
    terminal.wait_for("Reuters · 2019-12-31", "^q Quit")
    terminal.send("C")
    terminal.wait_for("p proposes rows")
    terminal.send("p")
    terminal.wait_for("proposed (y: confirm", "same count: fighters", "≠ >=25 militia fighters")
    terminal.send("y")
    screen = terminal.wait_for("1 cluster across 5 articles", "1 disagree")
    assert "figure+" in screen  # the other proposals are still offered
    terminal.send("Escape")
    terminal.wait_for("^q Quit")
    terminal.send("C-q")
    assert terminal.wait_for_exit() == 0
    clusters, page = tmp_path / "clusters.jsonl", tmp_path / "comparison.html"
    exported = broadsheet(
        "export", "--db", str(db_path), "-o", str(tmp_path / "gold.jsonl"), "--clusters", str(clusters)
    )
    assert exported.returncode == 0, exported.stderr
    [cluster] = [json.loads(line) for line in clusters.read_text().splitlines()]
    assert cluster["disagree"] is True and len({span["article_id"] for span in cluster["spans"]}) == 5
    compared = broadsheet("compare", "--db", str(db_path), "--format", "html", "-o", str(page))
    assert compared.returncode == 0, compared.stderr
    assert '<tr class="disagree">' in page.read_text() and "24 “martyrs”" in page.read_text()
