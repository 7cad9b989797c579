"""The article picker at a million articles: it opens at once, shows only the rows on
screen, and each key filters incrementally (issue 21, item 14)."""

from __future__ import annotations

import random

import pytest
from textual import events
from textual.geometry import Region

from annotations import article_filter
from annotations.article_filter import ArticleFilter, haystack
from annotations.articles import Article
from tui.screens.main import MainScreen
from tui.widgets.article_list import article_label

from .conftest import make_app
from .test_app import WIDE, type_text, views

MILLION = 1_000_000


def report(number: int) -> Article:
    """A lightweight article: its label is 'Outlet N  Report NUMBER'."""
    return Article(
        f"a{number:07d}", "A short text.", meta={"outlet": f"Outlet {number % 10}", "title": f"Report {number}"}
    )


def picker_rows(app) -> list[str]:
    """The picker's list as a reader sees it: the rows on screen, trailing blanks dropped."""
    listing = app.screen.query_one("#picker-list")
    region = Region(0, 0, listing.size.width, listing.size.height)
    rows = [strip.text.strip() for strip in listing.render_lines(region)]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def label_row(number: int) -> str:
    return f"Outlet {number % 10}  Report {number}"


async def filtered(pilot, app) -> None:
    """Wait until the picker has filtered every article (it does so in slices between keys:
    on a busy machine, the first needle over a million takes longer than one pause)."""
    await pilot.pause()
    box = app.screen.query_one("#picker-body")
    for _ in range(400):
        if "filtering" not in str(box.border_subtitle):
            return
        await pilot.pause(0.05)
    raise AssertionError(f"still filtering after 20 s: {box.border_subtitle}")


async def test_a_million_articles_filter_as_typed_and_enter_opens_the_highlighted_one(db_path):
    articles = [report(number) for number in range(MILLION)]
    app, store = make_app(articles, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            for key in ("o", *"report 999990"):  # in one burst: most arrive while the picker opens
                app.post_message(events.Key({" ": "space"}.get(key, key), key))
            await filtered(pilot, app)
            assert picker_rows(app) == [label_row(999_990)]
            await pilot.press("backspace")  # back to "report 99999": 99999 and 999990-999999
            await filtered(pilot, app)
            assert picker_rows(app) == [label_row(number) for number in (99_999, *range(999_990, MILLION))]
            assert app.screen.query_one("#picker-body").border_subtitle == "11 of 1,000,000"
            await pilot.press("down", "down", "enter")
            assert isinstance(app.screen, MainScreen)
            assert views(app)[0].article.id == "a0999991"


async def test_up_from_the_first_row_goes_round_to_the_last_and_page_keys_stop_at_the_ends(db_path):
    articles = [report(number) for number in range(MILLION)]
    app, store = make_app(articles, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("o")
            await type_text(pilot, "outlet 7")
            await pilot.press("up")  # the last of 100,000 matches: found only by filtering to the end
            await pilot.pause()
            assert picker_rows(app)[-1] == label_row(999_997)
            await pilot.press("down")  # and round again to the first
            await pilot.pause()
            assert picker_rows(app)[0] == label_row(7)
            page = app.screen.query_one("#picker-list").scrollable_content_region.height
            await pilot.press("pageup", "pagedown", "pagedown")  # the first stays on the first row
            await pilot.pause()
            assert picker_rows(app)[-1] == label_row(7 + 10 * 2 * page)  # the page's last row, highlighted
            await pilot.press("enter")
            assert views(app)[0].article.id == f"a{7 + 10 * 2 * page:07d}"


async def test_a_click_on_a_row_opens_its_article(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("o")
            await pilot.click("#picker-list", offset=(3, 4))  # the fifth row
            assert isinstance(app.screen, MainScreen)
            assert views(app)[0].article.id == seeds[4].id


def test_labels_from_files_show_as_text_never_markup_or_escape_codes():
    article = Article(
        "id\x1b]2;pwned\x07", "text", meta={"outlet": "[b]Wire[/b] \x1b[31m", "title": "[@click=app.quit]x[/]"}
    )
    label = article_label(article)
    assert label.plain == "  [b]Wire[/b] ␛[31m  [@click=app.quit]x[/]"  # two cells where a finished one has ✓
    assert "\x1b" not in article_label(Article("\x1b]2;pwned\x07", "text")).plain


@pytest.fixture
def small_slices(monkeypatch):
    monkeypatch.setattr(article_filter, "CHUNK", 7)


def test_every_needle_finds_what_a_full_scan_finds_however_the_keys_interleave(small_slices):
    rng = random.Random(21)
    words = ["Kirkuk", "Baghdad", "STRASSE", "straße", "militia", "Reuters", "AP"]
    articles = [
        Article(f"id{number}", "text", meta={"outlet": rng.choice(words), "title": " ".join(rng.sample(words, 2))})
        for number in range(300)
    ]
    found = ArticleFilter(articles)
    typed = [
        "k",
        "ki",
        "kir",
        "kirk",
        "kir",
        "ki",
        "b",
        "ba",
        "bag",
        "ab",
        "",
        "s",
        "st",
        "strasse",
        "straße",
        "x",
        "id1",
        "id12",
    ]
    for needle in typed:
        found.start(needle)
        for _ in range(rng.randrange(3)):  # a few slices, or none, before the next key
            found.advance(0, at_least=len(found.matches) + 1)
        expected = [index for index, article in enumerate(articles) if needle.casefold() in haystack(article)]
        assert list(found.matches) == expected[: len(found.matches)], needle
        found.advance(0, at_least=len(articles) + 1)
        assert found.done and list(found.matches) == expected, needle


class CountedArticle(Article):
    """Counts how often its title is read: once a haystack is built it need not be again."""

    __slots__ = ()
    reads = 0

    @property
    def title(self) -> str:
        CountedArticle.reads += 1
        return self.meta.get("title", "")


class CountingList(list):
    """Haystacks that count how many are looked at."""

    looked_at = 0

    def __getitem__(self, index):
        CountingList.looked_at += 1
        return super().__getitem__(index)


def test_haystacks_are_built_once_and_a_longer_needle_looks_only_at_the_last_matches(small_slices):
    articles = [CountedArticle(f"id{number}", "text", meta={"title": f"Report {number}"}) for number in range(1000)]
    found = ArticleFilter(articles)
    assert CountedArticle.reads == 0  # opening builds nothing
    for needle in ("r", "re", "report 1", "report 12", "report 1", "9"):
        found.start(needle)
        found.advance(0, at_least=len(articles) + 1)
    assert CountedArticle.reads == len(articles)
    found.start("report 1")
    found.advance(0, at_least=len(articles) + 1)
    found._haystacks = CountingList(found._haystacks)
    found.start("report 12")  # remembered: nothing to look at
    found.start("report 12x")
    found.advance(0, at_least=len(articles) + 1)
    assert CountingList.looked_at == len([number for number in range(1000) if "report 12" in f"report {number}"])
    assert list(found.matches) == []
