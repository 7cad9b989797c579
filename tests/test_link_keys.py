"""The link keys in the app: a relation joins only the labels the schema says, a mark
to link from can be cancelled, and overlapping tags are chosen between, not guessed."""

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
            assert notices(app)[-1] == ("same-as joins spans of one label, not figure to actor; "
                                        "said-by joins quote -> actor, not figure -> actor")
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

