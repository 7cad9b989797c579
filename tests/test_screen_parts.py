"""The main screen is a thin screen over parts with one job each; every screen shares one
typed session; a store action that fails says so through one helper; reads never write."""

from __future__ import annotations

import ast
import inspect
import io
import re

from rich.console import Console
from textual.widget import Widget

from annotations.articles import Article, ArticleError
from annotations.store import Store
from tui.app import BroadsheetApp
from tui.keymap import reserved_keys
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.widgets.annotation_panel import PANEL_WIDTH, AnnotationPanel
from tui.widgets.article_view import ArticleView

from .conftest import ROOT, make_app, saved_annotations
from .faults import fill, small_disk
from .test_store import tag

WIDE = (160, 48)
TUI = ROOT / "tui"


def unreadable(article_id: str) -> Article:
    def fail() -> str:
        raise ArticleError(f"{article_id}.md", "not UTF-8")

    return Article(article_id, loader=fail)


# -- 1: MainScreen is thin, over parts -------------------------------------------------------


def test_opening_an_article_shown_in_another_column_swaps_the_two():
    from tui.screens.main.slots import ColumnSlots

    articles = [Article(name, f"{name} text") for name in "abcd"]
    slots = ColumnSlots(articles, on_unreadable=lambda error: None)
    assert slots.slots == [0, 1, 2, 3]
    assert slots.open(0, 2) == 2  # column 3 now shows what column 1 showed
    assert slots.slots == [2, 1, 0, 3]
    assert slots.open(1, 3) == 3
    assert slots.slots == [2, 3, 0, 1]


def test_a_column_skips_an_unreadable_article_and_names_it_once():
    from tui.screens.main.slots import ColumnSlots

    named: list[str] = []
    articles = [Article("a", "a text"), unreadable("b"), Article("c", "c text")]
    slots = ColumnSlots(articles, on_unreadable=lambda error: named.append(str(error)))
    assert [slots.fill(position) for position in range(3)] == [0, 2, None]
    assert not slots.readable(1) and not slots.readable(1)
    assert named == ["b.md: not UTF-8"]
    assert slots.wanted(160) == (2, PANEL_WIDTH)  # three fit at 160 cells, two can be read


def test_the_main_screen_is_thin_and_its_actions_call_its_parts():
    source = inspect.getsource(MainScreen)
    assert len(source.splitlines()) <= 220
    tree = ast.parse(inspect.cleandoc("\n" + source) if source.startswith(" ") else source)
    actions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("action_")]
    assert actions
    for action in actions:
        assert action.end_lineno - action.lineno + 1 <= 6, action.name


# -- 2: reads never write --------------------------------------------------------------------


async def test_reading_an_articles_spans_writes_nothing_and_showing_it_reattaches(seeds, db_path):
    reuters = seeds[1]
    with Store.open(db_path) as store:
        tag(store, reuters, "Jonathan Hoffman", "actor")
    rescraped = Article(reuters.id, "Update: " + reuters.text, reuters.source, reuters.meta)
    articles = [seeds[0], rescraped]
    app, store = make_app(articles, db_path)
    with store:
        async with app.run_test(size=(70, 24)) as pilot:  # one column: the Reuters one is not shown
            await pilot.pause()
            files = {path: path.read_bytes() for path in db_path.parent.rglob("*") if path.is_file()}
            [span] = app.screen.shown.spans(reuters.id)
            assert span.start == reuters.text.index("Jonathan Hoffman")  # as stored, not moved
            assert store.stored_article(reuters.id).text_hash == reuters.text_hash
            assert {path: path.read_bytes() for path in db_path.parent.rglob("*") if path.is_file()} == files
            app.screen.shown.first_show(rescraped)
            [span] = app.screen.shown.spans(reuters.id)
            assert span.start == rescraped.text.index("Jonathan Hoffman")
            assert store.stored_article(reuters.id).text_hash == rescraped.text_hash


# -- 3: one helper says a change was not saved -----------------------------------------------


def test_no_screen_writes_its_own_not_saved_handler():
    handlers = []
    for path in TUI.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        handlers += [
            f"{path.name}: {line.strip()}"
            for line in source.splitlines()
            if re.search(r"except \(StoreError, OSError|not_saved\(", line)
        ]
    assert handlers == []
    assert sum(path.read_text(encoding="utf-8").count("Not saved") for path in TUI.rglob("*.py")) == 1


async def test_a_tag_on_a_full_disk_says_it_was_not_saved_and_shows_nothing(seeds):
    with small_disk(kilobytes=512) as disk:
        db_path = disk / "db" / "broadsheet.json"
        app, store = make_app(seeds, db_path)
        with store:
            async with app.run_test(size=WIDE) as pilot:
                await pilot.pause()
                filler = fill(disk)
                await pilot.press("a")
                await pilot.pause()
                notices = [notice.message for notice in app._notifications]
                assert any(message.startswith("Not saved: ") for message in notices), notices
                assert app.screen.focused.spans == []
                filler.unlink()
        assert saved_annotations(db_path) == []


# -- 4: one typed session --------------------------------------------------------------------


async def test_the_session_carries_the_keymap_to_help_and_late_problems_to_the_caller(seeds, db_path):
    from annotations.schema import load_schema
    from tui.session import Session

    problems: list[str] = []
    keymap = {"history.undo": "z"}
    with Store.open(db_path) as store:
        schema = load_schema(None, reserved_keys(keymap))
        session = Session(
            store, schema, "tester", articles=[unreadable("gone"), *seeds], problems=problems, keymap=keymap
        )
        app = BroadsheetApp(session)
        async with app.run_test(size=WIDE) as pilot:
            assert app.session is session
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            console = Console(width=150, file=io.StringIO(), color_system=None)
            for static in app.screen.query("#help-body Static"):
                console.print(static.content)
            [undo] = [line for line in console.file.getvalue().splitlines() if "history.undo" in line]
            assert undo.split()[0] == "z"
    assert problems == ["gone.md: not UTF-8"]


# -- 5: one panel width; ArticleView does not shadow Widget.anchor -----------------------------


async def test_the_panel_is_as_wide_as_one_constant_says(seeds, db_path):
    from tui.widgets.annotation_panel import PANEL_WIDTH

    stylesheet = (TUI / "broadsheet.tcss").read_text(encoding="utf-8")
    assert "34" not in stylesheet
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE):
            panel = app.screen.query_one(AnnotationPanel)
            assert panel.outer_size.width == PANEL_WIDTH
            assert sum(view.outer_size.width for view in app.screen.query(ArticleView)) == WIDE[0] - PANEL_WIDTH


async def test_an_article_view_keeps_widgets_anchor(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE):
            view = app.screen.query_one(ArticleView)
            assert getattr(view.anchor, "__func__", None) is Widget.anchor
