"""The screen's frame: the title bar, the key bar, the columns' gutters, the panel's repaints."""

from __future__ import annotations

from textual.geometry import Region

from tui.screens.help import HelpScreen
from tui.screens.review import ReviewScreen
from tui.widgets.annotation_panel import AnnotationPanel, Sections, _changed_runs, _runs
from tui.widgets.article_view import HEADING_ROWS, ArticleView
from tui.widgets.bars import KeyBar, TitleBar
from tui.widgets.gutter import thumb_rows
from tui.widgets.span_list import THROUGH_THE_END

from .conftest import make_app

WIDE = (160, 48)


def key_bar(app) -> str:
    return app.screen.query_one(KeyBar).render_line(0).text.rstrip()


async def test_key_bar_follows_the_screen_and_a_click_presses_the_key(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            # The label keys come first (the focused view's bindings), then the screen's.
            assert key_bar(app).startswith("a actor c claim f figure q quote x Delete u Undo / Find")
            assert key_bar(app).endswith("? Keys ^q Quit")
            await pilot.press("r")
            assert isinstance(app.screen, ReviewScreen)
            assert key_bar(app).startswith("a Accept x Reject space Skip")
            await pilot.press("escape")
            column = key_bar(app).index("? Keys")
            await pilot.click(KeyBar, offset=(column + 1, 0))
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)


async def test_title_bar_shows_the_database_path_as_typed(seeds, tmp_path):
    folder = tmp_path / "[bold]red"
    folder.mkdir()
    app, store = make_app(seeds, folder / "db.json", annotator="[i]ana")
    with store:
        async with app.run_test(size=WIDE):
            title = app.screen.query_one(TitleBar).render_line(0).text.strip()
    assert title == f"▤  Broadsheet — 5 open, 3 shown — db {folder / 'db.json'} · annotator [i]ana"


def gutter(view: ArticleView | AnnotationPanel, first_row: int = 0) -> str:
    """The last cell of each row from ``first_row``: where the thumb is drawn."""
    return "".join(view.render_line(y).text[-1] for y in range(first_row, view.scrollable_content_region.height))


async def test_each_column_ends_in_a_gutter_that_shows_where_the_view_is(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=(100, 24)) as pilot:
            view = app.screen.query_one(ArticleView)
            height = view.scrollable_content_region.height
            assert len(view._lines) > height  # the first seed is longer than the view
            assert gutter(view)[:HEADING_ROWS] == "▕" * HEADING_ROWS  # the heading's edge: no thumb
            top = gutter(view, HEADING_ROWS)
            assert top[0] == "▐" and top[-1] == "▕" and set(top) == {"▐", "▕"}
            assert all(
                view.render_line(y).text[-2] == " " for y in range(HEADING_ROWS, height)
            )  # text never touches the edge
            await pilot.press("G")
            bottom = gutter(view, HEADING_ROWS)
            assert bottom[-1] == "▐" and bottom[0] == "▕"
            assert bottom.count("▐") == top.count("▐")  # the thumb's size is the view's share of the article


def test_changed_panel_lines_repaint_as_separate_runs():
    assert _runs([]) == []
    assert _runs([1, 2, 3]) == [(1, 3)]
    assert _runs([1, 3, 4, 9]) == [(1, 1), (3, 4), (9, 9)]


def test_the_panel_repaints_the_rows_that_changed_and_those_that_moved():
    head, tail = [("title",), ("2 tags",), ("actor 1",), ("claim 1",), ()], [("Links: 0",)]
    before = Sections(head, 4, tail)
    assert _changed_runs(before, Sections(list(head), 4, list(tail)), None) == []  # equal lines, no span changed
    counted = [("title",), ("3 tags",), ("actor 2",), ("claim 1",), ()]
    # The counts, then the new tag's row and every row below it, which moved down one.
    assert _changed_runs(before, Sections(counted, 5, tail), (2, THROUGH_THE_END)) == [(1, 2), (7, 10)]
    assert _changed_runs(before, Sections(head, 4, tail), (1, 1)) == [(6, 6)]  # a span replaced by another
    assert _changed_runs(before, Sections(head, 4, tail), (1, 3)) == [(6, 8)]  # ... that moved two rows down
    assert _changed_runs(before, Sections(head, 4, []), None) == [(9, 9)]  # the tail's row, now blank
    assert _changed_runs(before, Sections([*head, ("job",)], 4, tail), None) == [(5, 10)]  # all below moved


async def test_a_views_runs_of_lines_repaint_what_textuals_refresh_lines_would(seeds, db_path):
    """refresh_runs marks the screen regions that one refresh_lines a run would, scrolled or
    not, in one refresh, cut to the rows on screen; and none at all when no run changed or
    none is on screen (a refresh with no region repaints the whole view)."""
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            view, panel = app.screen.query_one(ArticleView), app.screen.query_one(AnnotationPanel)
            view.scroll_to(y=5, animate=False, immediate=True)
            runs = [(HEADING_ROWS + 6, HEADING_ROWS + 7), (HEADING_ROWS + 14, HEADING_ROWS + 14)]
            for widget in (view, panel):
                await pilot.pause()
                top, region = widget.viewport
                widget.refresh_runs([])
                widget.refresh_runs([(top + region.height, top + 10_000)])  # all below the screen
                assert not widget._repaint_required
                for first, last in runs:
                    widget.refresh_lines(first, last - first + 1)
                expected = set(widget._repaint_regions)
                widget._repaint_regions.clear()
                widget.refresh_runs(runs)
                assert set(widget._repaint_regions) == expected and len(expected) == 2
                widget._repaint_regions.clear()
                widget.refresh_runs([(top + 3, top + 10_000)])  # from a row on screen to far below it
                assert set(widget._repaint_regions) == {
                    Region(0, 3, region.width, region.height - 3).translate(widget.content_offset)
                }


async def test_a_tag_keeps_the_panels_scrollable_size(seeds, db_path):
    """A new virtual size lays out the whole screen; a tag must not cause one."""
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            panel = app.screen.query_one(AnnotationPanel)
            before = panel.virtual_size
            await pilot.press("w", "a")
            await pilot.pause()
            assert "1 tag" in panel.text_lines()
            assert panel.virtual_size == before


async def test_the_panel_shows_a_scroll_thumb_only_when_its_lines_do_not_fit(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=(100, 24)) as pilot:
            panel = app.screen.query_one(AnnotationPanel)
            assert set(gutter(panel)) == {" "}  # a few lines: no thumb
            for _ in range(20):
                await pilot.press("w", "a")  # tag word after word: one panel line each
            await pilot.pause()
            assert panel.line_count > panel.scrollable_content_region.height
            edge = gutter(panel)
            assert edge[0] == "▐" and edge[-1] == " "  # at the top, the thumb is at the top
            assert all(panel.render_line(y).text[-2] != "▐" for y in range(len(edge)))  # one cell, the last


def test_the_thumb_stays_inside_the_view():
    assert thumb_rows(10, 5, 0) == range(0)  # everything fits
    assert thumb_rows(10, 40, 0) == range(0, 2)
    assert thumb_rows(10, 40, 30) == range(8, 10)
    assert thumb_rows(10, 40, 45) == range(8, 10)  # scrolled past the last line (the panel's rounded height)


async def test_the_first_frame_shows_the_text_before_the_views_hear_their_size(seeds, db_path, monkeypatch):
    # Textual renders the first frame before the views' Resize and Show events arrive: a
    # view that wrapped its text only then painted its first frame empty.
    monkeypatch.setattr(ArticleView, "on_resize", lambda view, event: None)
    monkeypatch.setattr(ArticleView, "on_show", lambda view: None)
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.pause()
            view = app.screen.query_one(ArticleView)
            assert view.render_line(HEADING_ROWS).text.startswith(" A Iraqi militia leader on Monday")


async def test_the_focused_columns_heading_is_highlighted_and_follows_the_focus(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            views = list(app.screen.query(ArticleView))

            def heading_backgrounds() -> list:
                return [next(iter(view.render_line(0))).style.bgcolor for view in views]

            first = heading_backgrounds()
            assert first[0] != first[1] == first[2]
            await pilot.press("tab")
            assert heading_backgrounds() == [first[1], first[0], first[1]]


async def test_a_new_theme_recolours_the_lines_already_drawn(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            view = app.screen.query_one(ArticleView)
            panel = app.screen.query_one(AnnotationPanel)

            def backgrounds() -> tuple:
                """The backgrounds of the article's first words and the panel's title, as drawn
                (the second segment: the first is the margin, drawn anew each time)."""
                return tuple(
                    list(widget.render_line(y))[1].style.bgcolor for widget, y in ((view, HEADING_ROWS), (panel, 0))
                )

            dark = backgrounds()
            app.theme = "textual-light"
            await pilot.pause()
            light = backgrounds()
            assert light != dark
            assert light == (view.rich_style.bgcolor, panel.rich_style.bgcolor)


async def test_screens_opened_later_are_styled_by_their_own_stylesheets(seeds, db_path):
    # Their rules are read when they first open (CSS_PATH), not at start-up.
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            # The keys, the article picker, and "tag every other occurrence" of a new tag.
            for keys, body in (
                (["question_mark"], "#help-body"),
                (["o"], "#picker-body"),
                (["w", "a", "T"], "#choice-body"),
            ):
                await pilot.press(*keys)
                await pilot.pause()
                assert app.screen.query_one(body).styles.border.top[0] == "round", body
                assert app.screen.styles.align == ("center", "middle"), body
                assert app.screen.styles.border.top[0] == "" and app.screen.outer_size == app.size, (
                    body
                )  # the box, not the screen
                await pilot.press("escape")
                await pilot.pause()
            await pilot.press("C")
            await pilot.pause()
            assert app.screen.query_one("#compare-summary").outer_size.height == 1
