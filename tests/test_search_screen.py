"""Search in the app: where a match is among the article's ("3 of 7"), and every open
article's matches as a list to jump from (ctrl+f)."""

from __future__ import annotations

from .conftest import make_app
from .test_app import WIDE


async def test_search_says_which_match_of_how_many_and_escape_clears_it(seeds, db_path):
    from textual.widgets import Static

    from annotations.search import find_matches

    from .test_app import type_text

    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            screen = app.screen
            view = screen.columns.focused
            count = len(find_matches(view.text, "hezbollah"))
            await pilot.press("slash")
            await type_text(pilot, "hezbollah")
            await pilot.press("enter", "n")
            await pilot.pause()
            status = str(screen.query_one("#search-status", Static).render())
            assert status.startswith(f"/hezbollah: 2 of {count} here") and count > 2
            await pilot.press("escape", "escape")  # the selected match, then the search
            assert not screen.query_one("#search-status").display and view.matches == []


async def test_ctrl_f_lists_the_matches_in_every_open_article_and_enter_goes_to_one(seeds, db_path):
    from textual.widgets import OptionList

    from annotations.search import find_matches
    from tui.screens.matches import MatchesScreen

    from .test_app import type_text

    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("ctrl+f")  # no search yet: the box opens first
            await type_text(pilot, "hoffman")
            await pilot.press("enter")
            for _ in range(100):
                await pilot.pause(0.02)
                if isinstance(app.screen, MatchesScreen) and app.screen.found:
                    break
            listing = app.screen
            expected = [(article.id, start) for article in seeds for start, _ in find_matches(article.text, "hoffman")]
            assert [(match.article_id, match.start) for match in listing.found] == expected
            assert len({article_id for article_id, _ in expected}) >= 2
            summary = str(listing.query_one("#matches-summary").render())
            assert summary.startswith(f"{len(expected)} matches of 'hoffman'")
            assert listing.query_one(OptionList).highlighted == 0  # enter goes to the first at once
            last = listing.found[-1]
            listing.query_one(OptionList).highlighted = len(listing.found) - 1
            await pilot.press("enter")
            await pilot.pause()
            view = app.screen.columns.focused
            assert view.article.id == last.article_id and view.selection == (last.start, last.end)
