"""Adjudication: two annotators' seed databases merged, their differences settled region by region,
in the core, in the review screen, and through a real terminal; checked in the gold export."""

from __future__ import annotations

import json

import pytest

from annotations.adjudication import article_regions, pick, regions, reject_all, rivals
from annotations.merging import merge
from annotations.model import Annotation
from annotations.review import ReviewFilter
from annotations.store import Store
from tui.screens.adjudication import AdjudicationScreen
from tui.screens.review import ReviewScreen

from .conftest import ROOT, make_app
from .test_agreement import ANA, BEN, run_cli, tag
from .test_merging import reuters_of
from .tmux import Terminal, broadsheet_command

QUOTE = "“In response to repeated Kataib Hezbollah attacks"  # opens a quote with an actor inside


def quote_of(reuters) -> str:
    start = reuters.text.index(QUOTE)
    return reuters.text[start : reuters.text.index("Pentagon spokesman", start) - 1]


def nested_actor(reuters, annotator: str) -> Annotation:
    """The actor inside the quote; tag() would find the first Kataib Hezbollah, earlier on."""
    start = reuters.text.index("Kataib Hezbollah", reuters.text.index(QUOTE))
    return Annotation.create(reuters.id, reuters.text, start, start + len("Kataib Hezbollah"), "actor", annotator)


@pytest.fixture
def merged(seeds, tmp_path):
    """ana and ben on Reuters, as in the agreement tests, both tagging the same quote, in which
    ana alone tags the actor; merged without accepting anything."""
    reuters = reuters_of(seeds)
    ana, ben, out = tmp_path / "ana.json", tmp_path / "ben.json", tmp_path / "adjudication.json"
    tag(ana, reuters, "ana", [*ANA, (quote_of(reuters), "quote")])
    tag(ben, reuters, "ben", [*BEN, (quote_of(reuters), "quote")])
    with Store.open(ana) as store:
        store.import_spans(reuters, [nested_actor(reuters, "ana")])
    with Store.open(ana, read_only=True) as first, Store.open(ben, read_only=True) as second, Store.open(out) as target:
        merge([first, second], target)
    return out


def summary(found) -> list[tuple[str, str, list[tuple[str, str, list[str]]]]]:
    return [
        (
            region.describe(),
            region.versions[0].text,
            [(version.label, version.text, version.annotators) for version in region.versions],
        )
        for region in found
    ]


def gold_spans(db) -> list[tuple[str, str, str]]:
    out = run_cli("export", "--db", str(db), "--gold")
    assert out.returncode == 0, out.stderr
    return sorted(
        (span["label"], span["text"], span["annotator"])
        for line in out.stdout.splitlines()
        for span in json.loads(line)["spans"]
    )


def test_regions_group_rival_versions_and_keep_nested_spans_apart(merged, seeds):
    with Store.open(merged, read_only=True) as store:
        found = regions(store)
    quote = quote_of(reuters_of(seeds))
    assert summary(found) == [
        ("all agree", "Kataib Hezbollah (KH)", [("actor", "Kataib Hezbollah (KH)", ["ana", "ben"])]),
        (
            "labels differ",
            "US officials said on Sunday",
            [("claim", "US officials said on Sunday", ["ana"]), ("quote", "US officials said on Sunday", ["ben"])],
        ),
        (
            "boundaries differ",
            "at least 25 militia fighters",
            [("figure", "at least 25 militia fighters", ["ana"]), ("figure", "25 militia fighters", ["ben"])],
        ),
        ("only ben tagged this", "Qaim district", [("actor", "Qaim district", ["ben"])]),
        ("all agree", quote, [("quote", quote, ["ana", "ben"])]),  # the actor inside is a thing of its own
        ("only ana tagged this", "Kataib Hezbollah", [("actor", "Kataib Hezbollah", ["ana"])]),
        ("only ana tagged this", "Jonathan Hoffman", [("actor", "Jonathan Hoffman", ["ana"])]),
    ]
    assert [region.missing() for region in found] == [[], [], [], ["ana"], [], ["ben"], ["ben"]]


def test_rivals_share_a_label_or_most_of_their_characters():
    text = "Pentagon spokesman Jonathan Hoffman said the strikes worked."

    def span(phrase: str, label: str, annotator: str = "ana") -> Annotation:
        start = text.index(phrase)
        return Annotation.create("a", text, start, start + len(phrase), label, annotator)

    hoffman = span("Jonathan Hoffman", "actor")
    assert rivals(hoffman, span("spokesman Jonathan Hoffman", "actor", "ben"))  # same label, overlapping
    assert rivals(hoffman, span("Jonathan Hoffman said", "claim", "ben"))  # 16 of 21 characters shared
    assert not rivals(hoffman, span("Jonathan Hoffman said the strikes worked", "quote", "ben"))  # nested
    assert not rivals(hoffman, span("said", "actor", "ben"))  # touching is not overlapping
    chained = article_regions(
        "a",
        [hoffman, span("spokesman Jonathan", "actor", "ben"), span("Pentagon spokesman", "actor", "carl")],
        ("ana", "ben", "carl"),
    )
    assert [len(region.versions) for region in chained] == [3]  # rivals of rivals settle together


def test_pick_and_reject_all_are_one_undoable_step_each(merged):
    with Store.open(merged) as store:
        agreed, _labels, figures, qaim, *_ = regions(store)
        pick(store, agreed, 1, "lead")
        pick(store, figures, 2, "lead")
        reject_all(store, qaim, "lead")
        after = {span.id: span for span in regions(store)[2].spans}
        assert sorted((span.text, span.status, span.reviewer) for span in after.values()) == [
            ("25 militia fighters", "accepted", "lead"),
            ("at least 25 militia fighters", "rejected", "lead"),
        ]
        kept, copy = sorted(regions(store)[0].spans, key=lambda span: span.status)
        assert (kept.status, kept.annotator, copy.status) == ("accepted", "ana, ben", "rejected")
        step = store.undo()
        assert step is not None and step.describe() == "adjudicate: reject 1 span(s)"
        assert regions(store)[3].versions[0].status == "pending"
        store.undo()
        assert {span.status for span in regions(store)[2].spans} == {"pending"}
    assert gold_spans(merged) == [("actor", "Kataib Hezbollah (KH)", "ana, ben")]


async def test_adjudicating_the_seeds_in_the_review_screen_makes_the_gold_set(merged, seeds):
    app, store = make_app([], merged, annotator="lead", review=ReviewFilter())
    with store:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("d")
            screen = app.screen
            assert isinstance(screen, AdjudicationScreen)
            card = str(screen.query_one(".review-card").render())
            assert "1/7" in card and "all agree" in card and "Kataib Hezbollah (KH)" in card
            await pilot.press("1")  # the actor both tagged
            card = str(screen.query_one(".review-card").render())
            assert "labels differ" in card and "1   claim   ana" in card and "2   quote   ben" in card
            await pilot.press("2")  # ben's quote, not ana's claim
            await pilot.press("1")  # ana's longer figure
            card = str(screen.query_one(".review-card").render())
            assert "only ben tagged this" in card and "—  nothing  ana" in card
            await pilot.press("x")  # nobody should have tagged Qaim district
            await pilot.press("space")  # leave the agreed quote for later
            await pilot.press("1", "3")  # the nested actor; 3 is not a version here: nothing
            await pilot.press("1")  # Jonathan Hoffman
            assert "No dispute left here" in str(screen.query_one(".review-card").render())
            await pilot.press("backspace")  # take back Jonathan Hoffman
            assert "Jonathan Hoffman" in str(screen.query_one(".review-card").render())
            assert "Adjudicated 5 of 7" in str(screen.query_one(".review-status").render())
            await pilot.press("escape")
            assert isinstance(app.screen, ReviewScreen)
    assert gold_spans(merged) == [
        ("actor", "Kataib Hezbollah", "ana"),
        ("actor", "Kataib Hezbollah (KH)", "ana, ben"),
        ("figure", "at least 25 militia fighters", "ana"),
        ("quote", "US officials said on Sunday", "ben"),
    ]
    with Store.open(merged, read_only=True) as store:
        decided = [span for span in store.annotations(reuters_of(seeds).id) if span.reviewer]
    assert {span.reviewer for span in decided} == {"lead"} and len(decided) == 8


def test_review_disputes_in_a_real_terminal(merged):
    terminal = Terminal(
        broadsheet_command("review", "--db", str(merged), "--disputes", "--reviewer", "lead"), 120, 40, cwd=ROOT
    )
    try:
        terminal.wait_for("Adjudicated 0 of 7", "all agree", "1-9 Pick")
        terminal.send("1")
        terminal.wait_for("labels differ", "Adjudicated 1 of 7")
        terminal.send("2")
        terminal.wait_for("boundaries differ")
        terminal.send("escape")
        terminal.wait_for("Reviewed 4 of 11")  # back in the review screen, which counts spans
        terminal.send("escape")
        assert terminal.wait_for_exit() == 0
    finally:
        terminal.close()
    assert gold_spans(merged) == [
        ("actor", "Kataib Hezbollah (KH)", "ana, ben"),
        ("quote", "US officials said on Sunday", "ben"),
    ]
