"""The main screen at 160x48 and 80x24, review, compare and help, as pictures (snapshot.py)."""

from __future__ import annotations

import pytest

from annotations.store import Store

from .conftest import make_app
from .snapshot import assert_snapshot
from .test_app import NARROW, WIDE
from .test_compare_screen import _compare_and_propose

TAGGED = [("Kataib Hezbollah", "actor"), ("at least 25 militia fighters", "figure")]


@pytest.fixture
def tagged(seeds, tmp_path, monkeypatch):
    """The seeds with two tags, in a database in the current folder: the header names it
    from there, the same in every run (a temporary folder's name is not)."""
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "broadsheet.json"
    with Store.open(db) as store:
        for phrase, label in TAGGED:
            article = next(article for article in seeds if phrase in article.text)
            start = article.text.index(phrase)
            store.add(article, start, start + len(phrase), label, "tester")
    return db


@pytest.mark.parametrize(("size", "name"), [(WIDE, "main-160x48"), (NARROW, "main-80x24")])
async def test_the_main_screen(seeds, tagged, tmp_path, size, name):
    app, store = make_app(seeds, tagged)
    with store:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            assert_snapshot(app.export_screenshot(), name, tmp_path)


@pytest.mark.parametrize(("keys", "name"), [(["r"], "review"), (["question_mark"], "help")])
async def test_a_screen_over_the_main_one(seeds, tagged, tmp_path, keys, name):
    app, store = make_app(seeds, tagged)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press(*keys)
            await pilot.pause()
            assert_snapshot(app.export_screenshot(), name, tmp_path)


async def test_the_compare_view_with_its_proposals(seeds, tagged, tmp_path):
    app, store = make_app(seeds, tagged)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await _compare_and_propose(pilot, app)
            await pilot.pause()
            assert_snapshot(app.export_screenshot(), "compare", tmp_path)
