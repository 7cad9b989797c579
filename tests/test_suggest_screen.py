"""Suggestions from the keyboard, on the seeds: shown, accepted, rejected, all at once,
every occurrence, the background run over every article, and the review screen."""

from __future__ import annotations

from annotations.schema import parse_schema
from annotations.suggest import configured_suggesters, phrase_suggester
from tui.screens.review import ReviewScreen
from tui.widgets.article_view import HEADING_ROWS

from .conftest import make_app
from .test_app import WIDE, type_text, views

BUILT_IN = configured_suggesters(
    parse_schema(
        "labels: [{name: actor, key: a, color: blue}, {name: figure, key: f, color: green}, "
        "{name: quote, key: q, color: red}]\n"
        "suggest: {figures: figure, quotes: quote, titles: actor}",
        "test schema",
    )
)
FIRST = "000_64331d8c72ca9866"


async def job_done(app, pilot) -> None:
    """Wait until the background job has found everything and the screen has stored it."""
    await app.workers.wait_for_complete()
    for _ in range(200):
        if app.screen.suggesting.job is None:
            return
        await pilot.pause(0.02)
    raise AssertionError("the background job did not finish")


def statuses(store, article_id: str) -> list[tuple[str, str]]:
    return [(span.text, span.status) for span in store.annotations(article_id)]


def suggested(store, article_id: str) -> list[str]:
    return [span.text for span in store.annotations(article_id) if span.status == "suggested"]


async def test_suggestions_show_underlined_and_y_accepts_x_rejects_walking_on(seeds, db_path):
    app, store = make_app(seeds, db_path, suggesters=BUILT_IN)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            # The articles on screen were suggested in as they were first shown.
            assert suggested(store, FIRST)[:3] == ["five locations", "defensive action", "four soldiers"]
            view = views(app)[0]
            await pilot.press("right_square_bracket")
            assert view.text[view.cursor :].startswith("five locations")
            top = HEADING_ROWS + view.cursor_line() - view.scroll_offset.y
            styles = [
                segment.style for y in (top, top + 1) for segment in view.render_line(y) if "locations" in segment.text
            ]
            # In the label's colour, underlined, on the page's own background (a tag has the colour as background).
            assert styles and styles[0].underline and styles[0].bgcolor == view.rich_style.bgcolor
            assert styles[0].color == app.session.label_styles["figure"].bgcolor
            panel = app.screen.query_one("#panel").text_lines()
            assert any("0 tags · " in line and "suggested" in line for line in panel)
            assert "y accepts, x rejects; A / X all" in panel
            assert "figure ? five locations" in panel

            await pilot.press("y")
            assert ("five locations", "accepted") in statuses(store, FIRST)
            panel = app.screen.query_one("#panel").text_lines()  # the span's line follows its change
            assert "figure ✓ five locations" in panel and "figure ? five locations" not in panel
            assert view.text[view.cursor :].startswith("defensive action")  # on to the next one
            await pilot.press("x")
            assert statuses(store, FIRST)[1] == ("defensive action", "rejected")  # the first of two
            assert [span.text for span in view.spans[:2]] == ["five locations", "four soldiers"]  # hidden once rejected
            assert view.text[view.cursor :].startswith("four soldiers")

            left = suggested(store, FIRST)
            await pilot.press("A")
            assert suggested(store, FIRST) == []
            await pilot.press("u")  # one undo for all of them
            assert suggested(store, FIRST) == left
            await pilot.press("X")
            assert suggested(store, FIRST) == []
            assert [span.text for span in view.spans if span.status != "accepted"] == []
    # Restarting suggests nothing again: rejected suggestions stay rejected.
    app, store = make_app(seeds, db_path, suggesters=BUILT_IN)
    with store:
        async with app.run_test(size=WIDE):
            assert suggested(store, FIRST) == []
            assert ("five locations", "accepted") in statuses(store, FIRST)


async def test_tag_every_occurrence_here_then_everywhere_each_one_undo_step(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("slash")
            await type_text(pilot, "Kataib Hezbollah")
            await pilot.press("enter", "a")
            texts = [span.text for span in store.annotations(FIRST)]
            assert texts == ["Kataib Hezbollah"]
            here = views(app)[0].text.count("Kataib Hezbollah") - 1
            assert here >= 2
            await pilot.press("T")
            await pilot.pause()
            assert app.screen.query_one("#choice-body")
            await pilot.press("t")
            assert [span.text for span in store.annotations(FIRST)] == ["Kataib Hezbollah"] * (here + 1)
            assert {span.status for span in store.annotations(FIRST)} == {"pending"}
            await pilot.press("u")
            assert len(store.annotations(FIRST)) == 1

            await pilot.press("T", "S")  # suggestions, in every open article, in the background
            await job_done(app, pilot)
            counts = {article.id: article.text.count("Kataib Hezbollah") for article in seeds}
            for article in seeds:
                expected = counts[article.id] - (1 if article.id == FIRST else 0)
                assert len(suggested(store, article.id)) == expected, article.id
            assert sum(counts.values()) > counts[FIRST]  # other articles had some
            assert not any("Finding" in line for line in app.screen.query_one("#panel").text_lines())
            await pilot.press("u")
            assert all(suggested(store, article.id) == [] for article in seeds)


async def test_tagging_every_occurrence_takes_the_suggestions_of_it_too(seeds, db_path):
    """A suggester found the name first: T, T tags every occurrence in every open article,
    the suggested ones as accepted, where it used to offer them all and tag none."""
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("slash")
            await type_text(pilot, "Kataib Hezbollah")
            await pilot.press("enter", "a", "T", "S")  # suggest every other occurrence everywhere
            await job_done(app, pilot)
            before = sum(len(suggested(store, article.id)) for article in seeds)
            assert before > 0
            await pilot.press("T", "T")  # now tag them all
            await job_done(app, pilot)
            assert all(suggested(store, article.id) == [] for article in seeds)
            statuses = [span.status for article in seeds for span in store.annotations(article.id)]
            assert statuses.count("accepted") == before and statuses.count("pending") == 1
            await pilot.press("u")  # one step: the suggestions are back
            assert sum(len(suggested(store, article.id)) for article in seeds) == before


async def test_S_suggests_in_every_article_in_the_background(seeds, db_path):
    pentagon = [phrase_suggester("actor", ["Pentagon"], "names.yaml:1")]
    app, store = make_app(seeds, db_path, suggesters=pentagon)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            shown = {column.article.id for column in app.screen.columns.views}
            others = [article for article in seeds if article.id not in shown]
            assert others and all(store.annotations(article.id) == [] for article in others)  # not shown yet
            await pilot.press("S")
            await job_done(app, pilot)
            for article in seeds:
                assert len(suggested(store, article.id)) == article.text.count("Pentagon") > 0
            assert any("Suggested" in notice.message for notice in app._notifications)


async def test_S_without_suggesters_says_how_to_switch_them_on(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("S")
            assert any("--patterns" in notice.message for notice in app._notifications)


async def test_the_review_screen_walks_suggestions_only_with_s(seeds, db_path):
    app, store = make_app(seeds, db_path, suggesters=BUILT_IN)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("slash")
            await type_text(pilot, "Brian Hook")
            await pilot.press("enter", "a", "r")
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            assert any(span.status == "pending" for span in screen.queue)
            await pilot.press("s")
            assert screen.queue and {span.status for span in screen.queue} == {"suggested"}
            first = screen.current
            assert "suggested by" in screen._card().plain
            await pilot.press("a")
            assert store.annotation(first.article_id, first.id).status == "accepted"
            await pilot.press("s")  # everything again
            assert any(span.status == "pending" for span in screen.queue)
