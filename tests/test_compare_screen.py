"""Comparing outlets from the keyboard, on the seeds: link, compare, jump, suggestions, export."""

from __future__ import annotations

import io
import json

from textual.widgets import DataTable

from annotations.export import exported_articles, jsonl_record
from annotations.store import Store
from tui.screens.compare import CompareScreen
from tui.screens.main import MainScreen

from .conftest import make_app
from .test_app import NARROW, WIDE, type_text
from .test_links import PROXY_QUOTE, TOLLS
from .test_store import tag

OUTLET_FILTER = {  # what to type in the picker to open each article
    "003_5d1040d77a3fa8e0": "washington",
    "004_1efd9bbacad779dd": "004_",
}


async def search_and_tag(pilot, phrase: str, label_key: str) -> None:
    """Search ``phrase`` and tag the match; curly quotes cannot be typed through the Pilot,
    so the selection is extended over them instead."""
    typed = phrase.split("“", maxsplit=1)[0].rstrip()
    await pilot.press("slash")
    await type_text(pilot, typed)
    await pilot.press("enter", *["shift+right"] * (len(phrase) - len(typed)), label_key)


async def open_in_focused_column(pilot, article_id: str) -> None:
    await pilot.press("o")
    await type_text(pilot, OUTLET_FILTER[article_id])
    await pilot.press("enter")


def row_text(table: DataTable, row: int) -> list[str]:
    return [cell.plain for cell in table.get_row_at(row)]


async def test_linking_the_death_tolls_shows_one_row_whose_values_disagree(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            ids = list(TOLLS)
            # The first three are in the columns; the last two are opened in column 3 in turn.
            for number, article_id in enumerate(ids, start=1):
                if number <= 3:
                    await pilot.press(str(number))
                else:
                    await open_in_focused_column(pilot, article_id)
                await search_and_tag(pilot, TOLLS[article_id], "f")
                if number > 1:
                    await pilot.press("L")
                    await pilot.pause()
                    assert app.screen.query_one("#choice-body")  # the relation chooser
                    await pilot.press("s")
                await pilot.press("m")
            assert len(store.links()) == 4
            panel = app.screen.query_one("#panel").text_lines()
            assert "Links: 1" in panel
            assert any(
                line.startswith("same-as The Washington Post '19 fighters' → 'at least 19 of its members'")
                for line in panel
            )

            await pilot.press("escape", "C")
            screen = app.screen
            assert isinstance(screen, CompareScreen)
            table = screen.query_one(DataTable)
            assert table.row_count == 1
            cells = row_text(table, 0)
            assert cells[:2] == [" figure ", "At least 25 militia fighters"]
            # Values in column order: the three shown (000, 001 and 004, opened last in column 3), then the rest.
            assert (
                cells[2] == "≠ >=25 militia fighters · >=25 militia fighters · >=19 members · 24 martyrs · 19 fighters"
            )
            by_column = dict(zip([str(column.value) for column in table.columns], cells, strict=True))
            assert {article_id: by_column[article_id] for article_id in ids} == TOLLS
            assert "1 disagree" in str(screen.query_one("#compare-summary").render())

            # enter on the Washington Post cell jumps to that span in the main view.
            column = [str(column.value) for column in table.columns].index("003_5d1040d77a3fa8e0")
            await pilot.press(*["right"] * column, "enter")
            assert isinstance(app.screen, MainScreen)
            view = app.screen.focused
            assert view.article.id == "003_5d1040d77a3fa8e0"
            assert view.text[view.cursor :].startswith("19 fighters")


async def test_an_empty_cell_shows_the_article_does_not_carry_it(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        by_id = {article.id: article for article in seeds}
        first = tag(store, by_id["001_dd604056335a0bf9"], "Kataib Hezbollah", "actor")
        second = tag(store, by_id["002_adeb6bf3238f9c36"], "Kata’ib Hezbollah", "actor")
        store.link(first, second, "same-as", "tester")
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("C")
            table = app.screen.query_one(DataTable)
            by_column = dict(zip([str(column.value) for column in table.columns], row_text(table, 0), strict=True))
            assert by_column["000_64331d8c72ca9866"] == "—"
            assert by_column["001_dd604056335a0bf9"] == "Kataib Hezbollah"
            assert by_column["values"] == ""  # no figure, nothing to disagree on
            # R renames the cluster; the name is saved.
            await pilot.press("R")
            await pilot.press(*["backspace"] * 30)
            await type_text(pilot, "KH")
            await pilot.press("enter")
            assert row_text(app.screen.query_one(DataTable), 0)[1] == "KH"
    with Store.open(db_path) as reopened:
        assert [name.name for name in reopened.cluster_names().values()] == ["KH"]


async def test_alike_quotes_are_offered_and_y_links_them_n_turns_them_down(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        by_id = {article.id: article for article in seeds}
        cns = tag(store, by_id["002_adeb6bf3238f9c36"], PROXY_QUOTE, "quote")
        post = tag(store, by_id["003_5d1040d77a3fa8e0"], PROXY_QUOTE, "quote")
        usa_today = tag(store, by_id["004_1efd9bbacad779dd"], PROXY_QUOTE, "quote")
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("C")
            screen = app.screen
            assert len(screen.suggestions) == 3
            table = screen.query_one(DataTable)
            assert row_text(table, 0)[:2] == [" quote? ", "alike 100%"]
            await pilot.press("y")  # the cursor is on the first suggestion
            assert len(screen.clusters) == 1 and len(screen.suggestions) == 2
            await pilot.press("down", "n")  # the second row is now the first of the two left
            assert len(screen.suggestions) == 1
    with Store.open(db_path) as reopened:
        links = reopened.links()
    assert sorted(link.status for link in links) == ["accepted", "rejected"]
    assert all({link.head, link.child} <= {cns.id, post.id, usa_today.id} for link in links)


async def test_a_said_by_link_from_a_hoffman_quote_to_hoffman_is_exported(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("3")  # CNSNews
            await search_and_tag(
                pilot, "The U.S., however, will not be deterred from exercising its right of self-defense.", "q"
            )
            await pilot.press("m")
            await search_and_tag(pilot, "Jonathan Hoffman", "a")
            await pilot.press("L", "b")
            assert "Links: 1" in app.screen.query_one("#panel").text_lines()
            await pilot.press("u")  # undo the link, then redo it
            assert store.links() == []
            await pilot.press("ctrl+r")
            assert len(store.links()) == 1
        [article] = [article for article in exported_articles(store) if article.id == "002_adeb6bf3238f9c36"]
        record = jsonl_record(article)
    spans = {span["id"]: span for span in record["spans"]}
    [relation] = record["relations"]
    assert relation["label"] == "said-by"
    assert spans[relation["head"]]["label"] == "quote" and spans[relation["head"]]["text"].startswith(
        "The U.S., however"
    )
    assert (spans[relation["child"]]["label"], spans[relation["child"]]["text"]) == ("actor", "Jonathan Hoffman")
    json.dump(record, io.StringIO())  # plain JSON


async def _proposed(pilot, screen) -> None:
    """Wait until the proposing worker has handed its rows to the screen."""
    for _ in range(200):
        await pilot.pause(0.05)
        if not screen.proposing and screen.proposals:
            return
    raise AssertionError("no proposals within 10 s")


async def _compare_and_propose(pilot, app) -> CompareScreen:
    """C, then p, and the compare view once its proposals are in."""
    await pilot.press("C", "p")
    screen = app.screen
    await _proposed(pilot, screen)
    return screen


async def test_three_keys_from_nothing_to_a_confirmed_death_toll_row_that_disagrees(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("C")  # 1: the compare view, empty
            screen = app.screen
            assert isinstance(screen, CompareScreen)
            await pilot.press("p")  # 2: propose over the open articles
            await _proposed(pilot, screen)
            table = screen.query_one(DataTable)
            assert table.row_count == len(screen.proposals) and table.cursor_coordinate.row == 0
            first = row_text(table, 0)
            assert first[:2] == [" figure+ ", "same count: fighters killed"] and first[2].startswith("≠ ")
            assert len(table.columns) == 3 + 5  # the two articles not on screen got their columns
            widths = [column.get_render_width(table) for column in table.columns.values()]
            assert sum(widths) <= WIDE[0]  # five outlets side by side at 160 columns, no scrolling
            assert table.fixed_columns == 3
            await pilot.press("y")  # 3: confirm it
            await pilot.pause()
            clusters = screen.clusters
            assert len(clusters) == 1 and clusters[0].disagrees
            assert {span.article_id for span in clusters[0].spans} == {article.id for article in seeds}
            assert row_text(table, 0)[0] == " figure "  # a confirmed row now, not a proposed one
            assert "1 disagree" in str(screen.query_one("#compare-summary").render())
    with Store.open(db_path) as reopened:  # the tags and links are in the database
        assert sum(len(reopened.annotations(article.id)) for article in seeds) == 7
        assert len(reopened.links()) == 6


async def test_n_turns_a_proposal_down_and_it_is_not_proposed_again(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            screen = await _compare_and_propose(pilot, app)
            turned_down = screen.proposals[0]
            count = len(screen.proposals)
            await pilot.press("n")
            await pilot.pause()
            assert turned_down not in screen.proposals and len(screen.proposals) == count - 1
            await pilot.press("escape")
            again = await _compare_and_propose(pilot, app)
            assert turned_down.key not in {proposal.key for proposal in again.proposals}
    assert store.dismissed() == {turned_down.key}


async def test_a_row_turned_down_after_a_cell_was_taken_out_is_not_proposed_again(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            screen = await _compare_and_propose(pilot, app)
            turned_down = screen.proposals[0]
            proposed = turned_down.key
            assert len(turned_down.article_ids) > 2
            await pilot.press("right", "right", "x", "n")  # a cell out, then the rest of the row down
            await pilot.pause()
            assert turned_down.key != proposed
            await pilot.press("escape")
            again = await _compare_and_propose(pilot, app)
            assert proposed not in {proposal.key for proposal in again.proposals}


async def test_x_takes_a_cell_out_of_a_proposed_row_and_the_outlets_full_name_shows_on_focus(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            screen = await _compare_and_propose(pilot, app)
            table = screen.query_one(DataTable)
            toll = screen.proposals[0]
            post = [str(column.value) for column in table.columns].index("003_5d1040d77a3fa8e0")
            await pilot.press(*["right"] * (post - 1))
            assert "The Washington Post" in str(screen.query_one("#compare-summary").render())
            await pilot.press("x")
            await pilot.pause()
            assert "003_5d1040d77a3fa8e0" not in toll.article_ids and len(toll.article_ids) == 4
            assert row_text(table, 0)[post] == "—"
            await pilot.press("y")
            await pilot.pause()
            (cluster,) = screen.clusters
            assert {span.article_id for span in cluster.spans} == set(toll.article_ids)


async def test_closing_the_view_while_it_proposes_leaves_the_app_running(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("C", "p")
            closed = app.screen
            for _ in range(100):  # until the child process that proposes is there
                await pilot.pause(0.01)
                if closed._child is not None and closed._child._process is not None:
                    break
            await pilot.press("escape")
            for _ in range(40):  # let the worker finish and hand its rows to a view no longer there
                await pilot.pause(0.05)
            assert isinstance(app.screen, MainScreen) and app.is_running
            assert closed._child.stopped and closed._child._process.returncode is not None  # no proposer left running
            await pilot.press("C", "p")  # and a new view proposes as before
            await _proposed(pilot, app.screen)
            assert app.screen.proposals


CUSTOM_SCHEMA = """labels:
  - {name: person, key: e, color: red, propose: actor}
  - {name: toll, key: t, color: green, propose: figure}
  - {name: place, key: w, color: blue}
"""


async def test_a_custom_schemas_labels_get_proposed_rows_of_the_kinds_they_name(seeds, db_path):
    from annotations.schema import parse_schema
    from tui.app import BroadsheetApp
    from tui.session import Session

    with Store.open(db_path) as store:
        app = BroadsheetApp(Session(store, parse_schema(CUSTOM_SCHEMA, "custom.yaml"), "tester", seeds))
        async with app.run_test(size=WIDE) as pilot:
            screen = await _compare_and_propose(pilot, app)
            assert {proposal.label for proposal in screen.proposals} == {"person", "toll"}
            first = row_text(screen.query_one(DataTable), 0)
            assert first[:2] == [" toll+ ", "same count: fighters killed"] and first[2].startswith("≠ ")
            await pilot.press("y")
            await pilot.pause()
            assert {span.label for article in seeds for span in store.annotations(article.id)} == {"toll"}


async def test_p_says_so_when_no_label_of_the_schema_gets_proposed_rows(seeds, db_path):
    from annotations.schema import parse_schema
    from tui.app import BroadsheetApp
    from tui.session import Session

    with Store.open(db_path) as store:
        app = BroadsheetApp(
            Session(store, parse_schema("labels:\n  - {name: place, key: w, color: blue}\n", "x"), "tester", seeds)
        )
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("C", "p")
            await pilot.pause()
            assert not app.screen.proposing
            assert any(
                "No label of this schema gets proposed rows" in str(notice.message) for notice in app._notifications
            )


async def test_at_80_columns_the_compare_view_shows_two_outlets_beside_the_row_names(seeds, db_path):
    store = Store.open(db_path)
    first, second = (next(article for article in seeds if article.id == article_id) for article_id in list(TOLLS)[:2])
    tag(store, first, TOLLS[first.id], "figure")
    tag(store, second, TOLLS[second.id], "figure")
    store.link(store.annotations(first.id)[0], store.annotations(second.id)[0], "same-as", "tester")
    store.close()
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=NARROW) as pilot:
            await pilot.press("C")
            await pilot.pause()
            table = app.screen.query_one(DataTable)
            widths = [column.get_render_width(table) for column in table.columns.values()]
            # The label, the row's name and its values, then the first two outlets: all on screen.
            assert sum(widths[:5]) <= table.scrollable_content_region.width, widths
            assert row_text(table, 0)[3:5] == [TOLLS[first.id], TOLLS[second.id]]
