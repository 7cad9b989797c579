"""Finished articles from the keyboard: F marks one, the panel and the picker say so,
u takes it back, and export writes it even with no tag (a negative example)."""

from __future__ import annotations

from annotations.store import Store

from .conftest import make_app
from .test_app import WIDE
from .test_picker import picker_rows


async def test_f_marks_the_focused_article_done_and_u_takes_it_back(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("2", "F")
            await pilot.pause()
            assert store.done_articles() == {seeds[1].id}
            assert any("done ✓" in line for line in app.screen.query_one("#panel").text_lines())
            await pilot.press("o")
            await pilot.pause()
            rows = picker_rows(app)
            assert [row.startswith("✓ ") for row in rows] == [article.id == seeds[1].id for article in seeds], rows
            await pilot.press("escape", "u")
            await pilot.pause()
            assert store.done_articles() == set()
            assert not any("done ✓" in line for line in app.screen.query_one("#panel").text_lines())
    with Store.open(db_path, read_only=True) as reopened:
        assert reopened.done_articles() == set()


async def test_review_marks_the_cards_article_done_and_backspace_takes_it_back(seeds, db_path):
    from tui.screens.review import ReviewScreen

    from .test_review_screen import card, seed_tags

    seed_tags(seeds, db_path)
    app, store = make_app(seeds, db_path, annotator="lead")
    with store:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("r")
            assert isinstance(app.screen, ReviewScreen) and "Brian Hook" in card(app)
            await pilot.press("F")
            await pilot.pause()
            assert store.done_articles() == {seeds[0].id} and "done ✓" in card(app)
            await pilot.press("backspace")
            await pilot.pause()
            assert store.done_articles() == set() and "done ✓" not in card(app)
