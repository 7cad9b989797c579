"""The review screen driven by its keys, checked against the database and the gold export."""

from __future__ import annotations

import io
import json

import pytest

from annotations.export import ExportSelection, exported_articles, write_lines
from annotations.review import ReviewFilter
from annotations.store import Store
from tui.cli import UsageError, load_keymap
from tui.screens.main import MainScreen
from tui.screens.review import ReviewScreen

from .conftest import ROOT, make_app, saved_annotations
from .test_store import tag
from .tmux import Terminal, broadsheet_command


def seed_tags(seeds, db_path):
    with Store.open(db_path) as store:
        return [
            tag(store, seeds[0], "Brian Hook", "actor"),
            tag(store, seeds[1], "at least 25 militia fighters", "figure"),
            tag(store, seeds[1], "Jonathan Hoffman", "claim"),
            tag(store, seeds[3], "Hoffman said", "actor"),
        ]


def gold(db_path) -> list[dict]:
    with Store.open(db_path, read_only=True) as store:
        out = io.StringIO()
        write_lines(exported_articles(store, ExportSelection(gold=True)), out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def card(app) -> str:
    return str(app.screen.query_one(".review-card").render())


async def test_review_accept_reject_relabel_fix_and_undo(seeds, db_path):
    hook, figure, hoffman, wapo = seed_tags(seeds, db_path)
    app, store = make_app(seeds, db_path, annotator="lead")
    with store:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("r")
            assert isinstance(app.screen, ReviewScreen)
            assert "Brian Hook" in card(app) and "Reviewed 0 of 4" in str(
                app.screen.query_one(".review-status").render()
            )
            await pilot.press("a")  # Brian Hook: accepted
            await pilot.press("x")  # the figure: rejected
            await pilot.press("1", "a")  # Hoffman: claim -> actor, accepted
            assert "Hoffman said" in card(app)
            await pilot.press("right_curly_bracket")  # wrong: undo that boundary move with backspace
            await pilot.press("backspace")
            await pilot.press("left_curly_bracket", "a")  # "Hoffman said" -> "Hoffman", accepted
            assert "Nothing left to review" in card(app)
            assert "Reviewed 4 of 4" in str(app.screen.query_one(".review-status").render())
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)
    records = {record["id"]: record for record in saved_annotations(db_path)}
    assert (records[hook.id]["status"], records[hook.id]["reviewer"]) == ("accepted", "lead")
    assert records[figure.id]["status"] == "rejected"
    assert (records[hoffman.id]["label"], records[hoffman.id]["status"]) == ("actor", "accepted")
    assert (records[wapo.id]["text"], records[wapo.id]["status"]) == ("Hoffman", "accepted")
    assert all(record["reviewed"] for record in records.values())
    exported = {span["text"]: span for line in gold(db_path) for span in line["spans"]}
    assert sorted(exported) == ["Brian Hook", "Hoffman", "Jonathan Hoffman"]
    assert exported["Jonathan Hoffman"]["label"] == "actor"


async def test_review_resumes_at_the_first_pending_and_filters(seeds, db_path):
    seed_tags(seeds, db_path)
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("r", "a", "escape")
            await pilot.press("r")
            assert "at least 25 militia fighters" in card(app)  # the first pending one
            await pilot.press("slash", *"label:actor", "enter")
            assert app.screen.selection == ReviewFilter(labels=frozenset({"actor"}))
            assert "Hoffman said" in card(app)  # Brian Hook is accepted; the next pending actor
            await pilot.press("space")
            assert "Nothing left to review" in card(app)


def test_broadsheet_review_in_a_real_terminal_accepts_a_span(seeds, db_path):
    seed_tags(seeds, db_path)
    terminal = Terminal(broadsheet_command("review", "--db", str(db_path), "--label", "figure"), 120, 40, cwd=ROOT)
    try:
        terminal.wait_for("at least 25 militia fighters", "Reviewed 0 of 1", "a Accept")
        terminal.send("a")
        terminal.wait_for("Reviewed 1 of 1")
        terminal.send("escape")
        assert terminal.wait_for_exit() == 0
    finally:
        terminal.close()
    [line] = gold(db_path)
    assert [span["text"] for span in line["spans"]] == ["at least 25 militia fighters"]


async def test_a_keymap_file_remaps_review_keys(seeds, db_path, tmp_path):
    """Every screen's bindings take part in remapping, not only the main screen's."""
    hook, *_ = seed_tags(seeds, db_path)
    keymap_file = tmp_path / "keys.yaml"
    keymap_file.write_text("review.accept: A\n", encoding="utf-8")
    keymap = load_keymap(keymap_file)
    keymap_file.write_text("review.nonesuch: A\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"unknown binding id 'review\.nonesuch'"):
        load_keymap(keymap_file)
    app, store = make_app(seeds, db_path, keymap=keymap, review=ReviewFilter())
    with store:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("a")  # no longer accept
            await pilot.press("A")
            assert "Reviewed 1 of 4" in str(app.screen.query_one(".review-status").render())
    records = {record["id"]: record for record in saved_annotations(db_path)}
    assert records[hook.id]["status"] == "accepted"


async def test_review_of_a_large_database_opens_on_its_first_card_and_counts_the_rest_meanwhile(tmp_path, monkeypatch):
    import tui.screens.review

    from .test_agreement import database_of

    db_path = database_of(tmp_path / "many.json", 1_500, 1, status="pending")
    monkeypatch.setattr(tui.screens.review, "FIRST_READ", 0.001)  # a slower machine's share of 15,000 spans
    app, store = make_app([], db_path, review=ReviewFilter())
    with store:
        async with app.run_test(size=(120, 40)) as pilot:
            status = lambda: str(app.screen.query_one(".review-status").render())  # noqa: E731
            assert card(app).startswith("1/") and "+ (counting)" in status()  # shown before all is read
            await pilot.press("a")
            for _ in range(300):
                if "Reviewed 1 of 15,000 " in status():
                    break
                await pilot.pause(0.1)
            assert "Reviewed 1 of 15,000 " in status() and card(app).startswith("2/15,000 ")
