"""Keys of the articles' screen that act beyond the cursor: a relation joins only the labels
the schema says, a mark to link from is cancelled with escape, overlapping tags are chosen
between, and undo and redo bring what they change into view."""

from __future__ import annotations

from annotations.store import Store

from .conftest import make_app
from .test_app import WIDE
from .test_links import TOLLS, by_id
from .test_store import tag

FIRST, SECOND = list(TOLLS)[:2]


def notices(app) -> list[str]:
    return [str(notice.message) for notice in app._notifications]


async def test_l_offers_only_the_relations_that_join_the_two_labels_and_says_why_when_none_does(seeds, db_path):
    articles = by_id(seeds)
    with Store.open(db_path) as store:
        tolls = [tag(store, articles[article_id], TOLLS[article_id], "figure") for article_id in (FIRST, SECOND)]
        actor = tag(store, articles[SECOND], "Kataib Hezbollah", "actor")
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            screen = app.screen
            screen.columns.jump_to(tolls[0])
            await pilot.press("m")
            screen.columns.jump_to(tolls[1])
            await pilot.press("L")
            await pilot.pause()
            assert [choice.name for choice in app.screen.choices] == ["same-as"]  # said-by joins quote -> actor
            await pilot.press("b")  # not offered: nothing happens
            assert store.links() == []
            await pilot.press("escape")
            screen.columns.jump_to(actor)
            await pilot.press("L")
            await pilot.pause()
            assert app.screen is screen  # no chooser
            assert notices(app)[-1] == (
                "same-as joins spans of one label, not figure to actor; "
                "said-by joins quote -> actor, not figure -> actor"
            )
            assert store.links() == []


async def test_escape_cancels_the_mark_to_link_from_once_no_selection_is_left_to_cancel(seeds, db_path):
    articles = by_id(seeds)
    with Store.open(db_path) as store:
        toll = tag(store, articles[FIRST], TOLLS[FIRST], "figure")
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            screen = app.screen
            screen.columns.jump_to(toll)
            await pilot.press("m", "v", "shift+right")
            assert screen.columns.focused.selection_anchor is not None
            await pilot.press("escape")  # the selection goes first
            assert screen.columns.focused.selection_anchor is None and screen.linking.source == toll
            await pilot.press("escape")  # then the mark
            assert screen.linking.source is None and notices(app)[-1] == "Not linking"
            await pilot.press("L")
            assert notices(app)[-1] == "First mark the tag to link from with m"


async def test_m_on_overlapping_tags_asks_which(seeds, db_path):
    articles = by_id(seeds)
    with Store.open(db_path) as store:
        inner = tag(store, articles[FIRST], "Kataib Hezbollah", "actor")
        text = articles[FIRST].text
        start = text.rfind("\n", 0, inner.start) + 1  # the claim: its line up to the name
        outer = store.add(articles[FIRST], start, inner.end, "claim", "tester")
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            screen = app.screen
            screen.columns.jump_to(inner)
            await pilot.press("m")
            await pilot.pause()
            assert [(choice.key, choice.name) for choice in app.screen.choices] == [("1", "actor"), ("2", "claim")]
            await pilot.press("2")
            assert screen.linking.source == outer


async def test_undo_and_redo_bring_a_change_out_of_sight_into_view(seeds, db_path):
    """After a restart, u undoes a review decision in an article no column shows: that
    article comes into the focused column with the cursor on the span, and so for redo."""
    from annotations.review import decide

    last = seeds[-1]  # the fifth article: three columns at 160 show the first three
    with Store.open(db_path) as store:
        span = tag(store, last, "Hoffman", "actor")
        decide(store, span, "accepted", "lead")
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            screen = app.screen
            assert not screen.columns.showing(last.id)
            await pilot.press("u")
            view = screen.columns.focused
            assert view.article.id == last.id and view.cursor == span.start
            assert store.annotation(last.id, span.id).status == "pending"
            other = next(number for number, shown in enumerate(screen.columns.views, start=1) if shown is not view)
            await pilot.press(str(other), "u")  # the tag itself, undone from another column: its column stays
            assert screen.columns.showing(last.id) == [view] and screen.columns.focused is not view
            await pilot.press("ctrl+r")
            assert screen.columns.showing(last.id) == [view] and view.cursor == span.start


async def test_ctrl_e_writes_a_note_on_the_tag_that_review_shows_and_u_takes_back(seeds, db_path):
    from textual.widgets import Static

    from .test_app import type_text

    articles = by_id(seeds)
    with Store.open(db_path) as store:
        toll = tag(store, articles[FIRST], TOLLS[FIRST], "figure")
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            app.screen.columns.jump_to(toll)
            await pilot.press("ctrl+e")
            await type_text(pilot, "AP says 25; check the Iraqi figure")
            await pilot.press("enter")
            assert store.annotation(toll.article_id, toll.id).note == "AP says 25; check the Iraqi figure"
            await pilot.press("r")
            await pilot.pause()
            card = str(app.screen.query_one(".review-card", Static).render())
            assert "note: AP says 25; check the Iraqi figure" in card
            await pilot.press("escape", "u")
            assert store.annotation(toll.article_id, toll.id).note == ""


async def test_the_next_start_opens_as_the_last_one_closed(seeds, db_path):
    """The columns, each cursor, the focused column and a folded panel come back; an article
    no longer open gives its column to the next."""
    last = seeds[-1]
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            screen = app.screen
            screen.columns.show_at(last.id, last.text.index("Hoffman"))  # into the first column
            await pilot.press("2", "w", "w", "P")
            second = screen.columns.views[1]
            where = (second.article.id, second.cursor)
            shown = [view.article.id for view in screen.columns.views]
            await pilot.press("ctrl+q")
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            screen = app.screen
            assert [view.article.id for view in screen.columns.views] == shown and shown[0] == last.id
            assert screen.columns.views[0].cursor == last.text.index("Hoffman")
            assert (
                screen.columns.focused is screen.columns.views[1] and (where[0], screen.columns.focused.cursor) == where
            )
            assert screen.columns.panel_folded
            await pilot.press("ctrl+q")
    app, store = make_app([article for article in seeds if article.id != last.id], db_path)
    with store:
        async with app.run_test(size=WIDE):
            assert [view.article.id for view in app.screen.columns.views][:2] == shown[1:3]


async def test_a_rejected_tag_cannot_be_linked(seeds, db_path):
    from annotations.review import decide

    articles = by_id(seeds)
    with Store.open(db_path) as store:
        rejected = decide(store, tag(store, articles[FIRST], TOLLS[FIRST], "figure"), "rejected", "lead")
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            app.screen.columns.jump_to(rejected)
            await pilot.press("m")
            assert (
                app.screen.linking.source is None and notices(app)[-1] == "That figure is rejected: it links to nothing"
            )
