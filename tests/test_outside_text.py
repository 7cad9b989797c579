"""Text from outside (article text, file names, imported labels and names, schema
descriptions, lines of a file) is data: it never runs an action, never becomes markup and
never reaches the terminal as an escape sequence, in the app or on the command line."""

from __future__ import annotations

import ast
import io
import json
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from textual.geometry import Region
from textual.widgets import DataTable, Static
from textual.widgets._toast import Toast

from annotations.articles import Article
from annotations.review import ReviewFilter
from annotations.schema import load_schema
from annotations.store import Store
from annotations.text import normalise, printable_block
from tui.app import BroadsheetApp
from tui.keymap import reserved_keys
from tui.screens.compare import CompareScreen
from tui.screens.help import HelpScreen
from tui.session import Session
from tui.widgets.article_view import ArticleView

from .conftest import ROOT, make_app
from .tmux import Terminal, broadsheet_command

WIDE = (160, 48)
RETITLE = "\x1b]2;PWNED\x07"  # an OSC sequence that sets the terminal's title
CLOSE_BOLD = "[/b]"  # markup that closes what was never opened: Textual raises on it


def hostile_article(text: str, article_id: str = "hostile") -> Article:
    return Article(article_id, text, f"{article_id}.txt")


def shown(app) -> str:
    """What the notifications on screen show (their title and message, unwrapped)."""
    return "\n".join(toast.render().plain for toast in app.screen.query(Toast))


def toast_rows(toast: Toast) -> list[str]:
    strips = toast.render_lines(Region(0, 0, toast.size.width, toast.size.height))
    return ["".join(segment.text for segment in strip) for strip in strips]


def notified(app) -> str:
    return "\n".join(f"{notice.title}: {notice.message}" for notice in app._notifications)


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True, timeout=120, cwd=cwd or ROOT
    )


# -- 10: an action in article text ------------------------------------------------------


async def test_a_click_on_a_notification_quoting_a_tag_runs_no_action_from_its_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a short folder name: the notification holds it on one row
    folder = tmp_path / "shots"
    folder.mkdir()
    text = "[@click=app.screenshot('pwned.svg','shots')]CLICKME[/]"
    article = hostile_article(text)
    app, store = make_app([article], tmp_path / "db" / "broadsheet.json")
    with store:
        store.add(article, 0, len(text), "actor", "tester")
        async with app.run_test(size=WIDE, notifications=True) as pilot:
            await pilot.press("m")  # mark for linking: the notification quotes the tag's text
            await pilot.pause()
            shown_before_click = shown(app)
            [(row, line)] = [
                (row, line) for row, line in enumerate(toast_rows(app.screen.query_one(Toast))) if "CLICKME" in line
            ]
            await pilot.click(Toast, offset=(line.index("CLICKME") + 2, row))
            await pilot.pause(0.3)
    assert list(folder.iterdir()) == []
    assert text in shown_before_click


# -- 15: markup in names and text --------------------------------------------------------


async def test_a_skipped_file_named_with_markup_or_an_escape_is_named_literally(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("A good article about nothing.\n")
    (corpus / "x[").mkdir()
    (corpus / "x[" / "b].txt").write_text("")  # the path reads x[/b].txt
    (corpus / f"y{RETITLE}.txt").write_text("")
    from annotations.articles import load_corpus

    loaded = load_corpus([corpus])
    app, store = make_app(loaded.articles, tmp_path / "db" / "broadsheet.json", problems=loaded.problems)
    with store:
        async with app.run_test(size=WIDE, notifications=True) as pilot:
            await pilot.pause()
            text = shown(app)
            assert f"x{CLOSE_BOLD}.txt: empty file" in text
            assert "y␛]2;PWNED␇.txt: empty file" in text
            assert "\x1b" not in notified(app)


async def test_undo_and_mark_of_a_tag_over_markup_show_it_literally(tmp_path):
    text = f"Before {CLOSE_BOLD} after"
    article = hostile_article(text)
    app, store = make_app([article], tmp_path / "db" / "broadsheet.json")
    with store:
        start = text.index(CLOSE_BOLD)
        store.add(article, start, start + len(CLOSE_BOLD), "actor", "tester")
        async with app.run_test(size=WIDE, notifications=True) as pilot:
            app.screen.query_one(ArticleView).move_to(start)
            await pilot.press("m")
            await pilot.pause()
            assert f"Link from actor '{CLOSE_BOLD}'" in shown(app)
            await pilot.press("u")
            await pilot.pause()
            assert f"Undone: tag actor '{CLOSE_BOLD}'" in shown(app)
            await pilot.press("u")
            await pilot.press("ctrl+r", "ctrl+r")
            await pilot.pause()
            assert "Nothing to redo" in notified(app)
            assert "redone" not in notified(app)


async def test_ctrl_c_still_says_which_key_quits_in_plain_words(seeds, db_path):
    """Textual's own notice for it was markup; every notice is plain text now."""
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("ctrl+c")
            assert [(notice.title, notice.message) for notice in app._notifications] == [
                ("Do you want to quit?", "Press ctrl+q to quit the app")
            ]


def hostile_schema(tmp_path: Path):
    path = tmp_path / "labels.yaml"
    path.write_text(
        json.dumps(
            {
                "labels": [
                    {"name": CLOSE_BOLD, "key": "a", "color": "red", "description": f"Bold{RETITLE} [b]not bold"},
                ]
            }
        )
    )
    return load_schema(path, reserved_keys())


async def test_help_shows_a_label_named_with_markup_and_a_description_with_an_escape_literally(tmp_path, seeds):
    schema = hostile_schema(tmp_path)
    with Store.open(tmp_path / "db" / "broadsheet.json") as store:
        app = BroadsheetApp(Session(store, schema, "tester", seeds))
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            console = Console(width=150, file=io.StringIO(), color_system=None)
            for static in app.screen.query_one("#help-body").query(Static):
                console.print(static.content)
            help_text = console.file.getvalue()
            assert CLOSE_BOLD in help_text
            assert "Bold␛]2;PWNED␇ [b]not bold" in help_text
            assert "\x1b" not in help_text and "\x07" not in help_text
            await pilot.press("escape")
            bar = app.screen.query_one("KeyBar").render_line(0).text
            assert "\x1b" not in bar


async def test_the_command_palettes_keys_show_broadsheets_help_not_a_panel_that_reads_label_names_as_markup(
    tmp_path, seeds
):
    with Store.open(tmp_path / "db" / "broadsheet.json") as store:
        app = BroadsheetApp(Session(store, hostile_schema(tmp_path), "tester", seeds))
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("ctrl+p", *"keys")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            assert not app.screen.query("KeyPanel")


# -- 11: escape sequences from names and imported data ----------------------------------


def test_an_unterminated_osc_in_article_text_loses_only_its_escape():
    assert normalise("keep \x1b]2;this text\nand this line") == "keep ␛]2;this text\nand this line"
    assert normalise("keep \x1bPdcs text\nnext") == "keep ␛Pdcs text\nnext"
    assert normalise("keep \x9d2;this text") == "keep \ufffd2;this text"
    assert normalise("gone \x1b]2;title\x07here") == "gone here"  # a complete one is still removed


def test_printable_block_keeps_lines_and_tabs_and_shows_every_other_control():
    assert printable_block(f"a\tb{RETITLE}\nc\x9bd\r") == "a\tb␛]2;PWNED␇\nc\ufffdd␍"


async def test_the_heading_shows_a_file_name_with_a_newline_or_an_escape_as_pictures(tmp_path):
    article = hostile_article("Some text without front matter.", f"two\nlines{RETITLE}")
    app, store = make_app([article], tmp_path / f"db{RETITLE}" / "broadsheet.json")
    with store:
        async with app.run_test(size=WIDE):
            view = app.screen.query_one(ArticleView)
            heading = view.render_line(0).text + view.render_line(1).text
            assert "two␊lines␛]2;PWNED␇" in heading
            title = app.screen.query_one("TitleBar").render_line(0).text
            assert "db␛]2;PWNED␇" in title and "\x1b" not in title


def tag_hostile(store: Store, article: Article, label: str, annotator: str):
    """A span stored with a label and annotator that an older import let through unchecked."""
    return store.add(article, 0, 4, label, annotator)


async def test_the_review_card_shows_an_imported_label_annotator_and_outlet_as_pictures(tmp_path):
    db = tmp_path / "db" / "broadsheet.json"
    article = Article("hostile", "Text of\tthe article.", "hostile.txt", {"outlet": f"Out{RETITLE}let"})
    with Store.open(db) as store:
        tag_hostile(store, article, f"lab{RETITLE}el", f"ann{RETITLE}otator")
    app, store = make_app([], db, annotator="lead", review=ReviewFilter())
    with store:
        async with app.run_test(size=WIDE):
            card = app.screen.query_one(".review-card").render()
            status = app.screen.query_one(".review-status").render()
            plain = str(card) + str(status)
            # Rich drops a BEL from Text; the ESC that would start the sequence shows.
            assert "lab␛]2;PWNEDel" in plain and "ann␛]2;PWNEDotator" in plain and "Out␛]2;PWNEDlet" in plain
            assert "\x1b" not in plain and "\x07" not in plain
            assert "Text of\tthe article." in plain  # a tab is layout, not a danger: kept


async def test_the_compare_view_shows_an_imported_cluster_name_as_pictures(tmp_path):
    db = tmp_path / "db" / "broadsheet.json"
    first, second = hostile_article("Ten people died.", "first"), hostile_article("Ten people died here.", "second")
    app, store = make_app([first, second], db)
    with store:
        head = store.add(first, 0, 3, "figure", "tester")
        child = store.add(second, 0, 3, "figure", "tester")
        store.link(head, child, "same-as", "tester")
        store.name_cluster(head.id, f"name{RETITLE}\nsecond line", "tester")
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("C")
            await pilot.pause()
            assert isinstance(app.screen, CompareScreen)
            cells = [cell.plain for cell in app.screen.query_one(DataTable).get_row_at(0)]
            assert any("name␛]2;PWNED␇" in cell for cell in cells)
            assert not any("\x1b" in cell for cell in cells)


def hostile_database(path: Path, label: str = f"act{RETITLE}or") -> None:
    with Store.open(path) as store:
        article = Article(f"id{RETITLE}", "Hoffman said ten people died.", "hostile.txt", {"outlet": f"Out{RETITLE}"})
        store.add(article, 0, 7, label, f"ann{RETITLE}")


def test_a_skipped_file_named_with_an_escape_is_named_on_stderr_as_pictures(tmp_path):
    (tmp_path / f"y{RETITLE}.txt").write_text("")
    result = run_cli(str(tmp_path / f"y{RETITLE}.txt"), "--db", str(tmp_path / "db.json"))
    assert result.returncode == 1
    assert f"broadsheet: skipped {tmp_path}/y␛]2;PWNED␇.txt: empty file\n" in result.stderr
    assert "\x1b" not in result.stderr


def test_agree_prints_imported_labels_and_annotators_as_pictures(tmp_path):
    for name in ("one", f"two{RETITLE}"):
        hostile_database(tmp_path / f"{name}.json")
    result = run_cli("agree", str(tmp_path / "one.json"), str(tmp_path / f"two{RETITLE}.json"))
    assert result.returncode == 0, result.stderr
    assert "act␛]2;PWNED␇or" in result.stdout and "ann␛]2;PWNED␇" in result.stdout
    assert "\x1b" not in result.stdout + result.stderr


def test_agree_json_writes_an_imported_8_bit_control_as_a_picture(tmp_path):
    """JSON escapes the 7-bit controls itself, but not C1 ones such as the 8-bit CSI."""
    for name in ("one", "two"):
        hostile_database(tmp_path / f"{name}.json", label="act\x9b31mor")
    result = run_cli("agree", "--json", str(tmp_path / "one.json"), str(tmp_path / "two.json"))
    assert result.returncode == 0, result.stderr
    assert "act\ufffd31mor" in json.loads(result.stdout)["labels"]
    assert "\x9b" not in result.stdout


def test_export_conll_writes_imported_labels_and_ids_as_pictures(tmp_path):
    hostile_database(tmp_path / "db.json")
    result = run_cli("export", "--db", str(tmp_path / "db.json"), "--format", "conll")
    assert result.returncode == 0, result.stderr
    assert "Hoffman\tB-act␛]2;PWNED␇or\n" in result.stdout
    assert "\x1b" not in result.stdout + result.stderr


def test_validate_echoes_a_line_with_an_escape_as_pictures(tmp_path):
    record = {
        "text": "Hoffman said.",
        "meta": {"id": "x"},
        "spans": [{"start": 0, "end": 7, "label": f"act{RETITLE}or", "text": "Hoffmann"}],
    }
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n")
    result = run_cli("validate", str(path))
    assert "act␛]2;PWNED␇or" in result.stdout
    assert "\x1b" not in result.stdout + result.stderr


def _called_name(call: ast.Call) -> str:
    return getattr(call.func, "id", "") or getattr(call.func, "attr", "")


def test_everything_the_cli_prints_goes_through_the_sanitiser():
    """Every message to stderr goes through ``say``, and every other print or write of
    output passes its text through ``printable`` (or ``printable_block``) first."""
    tree = ast.parse((ROOT / "tui" / "cli.py").read_text(encoding="utf-8"))
    [say] = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "say"]
    outputs = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and _called_name(node) in ("print", "write")
        and not say.lineno <= node.lineno <= say.end_lineno
    ]
    assert outputs, "the CLI prints something"
    for call in outputs:
        assert not any(keyword.arg == "file" for keyword in call.keywords), f"line {call.lineno}: use say()"
        [argument] = call.args
        assert isinstance(argument, ast.Call) and _called_name(argument) in ("printable", "printable_block"), (
            f"line {call.lineno}: output not made printable"
        )
    [inside] = [node for node in ast.walk(say) if isinstance(node, ast.Call) and _called_name(node) == "print"]
    assert "printable(message)" in ast.unparse(inside)


def test_say_prints_one_line_with_pictures(capsys):
    from tui.cli import say

    say(f"skipped a{RETITLE}\nb: empty file")
    assert capsys.readouterr().err == "broadsheet: skipped a␛]2;PWNED␇␊b: empty file\n"


class TerminalStderr(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_shows_a_file_name_literally(monkeypatch):
    """``import`` names the file it reads in the bar: Rich read it as markup, and its ESC went out."""
    import tui.cli

    stderr = TerminalStderr()
    monkeypatch.setattr(sys, "stderr", stderr)
    monkeypatch.setattr(tui.cli, "PROGRESS_DELAY", 0)
    with tui.cli.progress_bar(f"Importing [red]x[link=http://x]{RETITLE}.jsonl") as update:
        update(0, 10)
        update(5, 10)
    assert "Importing [red]x[link=http://x]␛]2;PWNED␇.jsonl" in stderr.getvalue()
    assert "\x1b]" not in stderr.getvalue()


def test_the_pane_title_stays_after_opening_and_skipping_files_named_with_a_title_sequence(tmp_path, db_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / f"good{RETITLE}.txt").write_text("A good article about nothing at all.\n")
    (corpus / f"empty{RETITLE}.txt").write_text("")
    terminal = Terminal(broadsheet_command(str(corpus), "--db", str(db_path)), cwd=ROOT)
    try:
        title_before = terminal.pane("#{pane_title}")
        screen = terminal.wait_for("A good article about nothing at all.", ".txt: empty file")
        terminal.send("C-q")
        assert terminal.wait_for_exit() == 1
        assert terminal.pane("#{pane_title}") == title_before
        assert "good␛]2;PWNED␇" in screen and "empty␛]2;PWNED␇.txt: empty file" in screen
        # Printed before the app took the screen, so in the pane's history once it is gone.
        scrollback = terminal._tmux("capture-pane", "-p", "-t", "0", "-S", "-")
        assert "broadsheet: skipped " in scrollback and "empty␛]2;PWNED␇.txt: empty file" in scrollback
    finally:
        terminal.close()


async def test_the_header_shows_the_database_from_the_current_folder_and_a_hostile_name_as_pictures(
    seeds, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    app, store = make_app(seeds, tmp_path / "db\x1b]0;pwned\x07.json", annotator="ana\x1b[31m")
    with store:
        async with app.run_test():
            assert app.sub_title == "db db\u241b]0;pwned\u2407.json · annotator ana\u241b[31m"
