"""The app's keys in an article of 10,000 tags (issue 28): what the screen shows after any
mix of changes is what a fresh start on the same database shows, and a change costs the
view and the panel the one change, whatever the article's tags."""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

from annotations.articles import Article
from annotations.model import Annotation
from annotations.review import relabel
from annotations.store import Store
from tui.screens.main import MainScreen
from tui.widgets.line_view import LineView

from .conftest import make_app
from .test_large_articles import WORDS, words

SIZE = (160, 48)
SUGGESTED_EVERY = 7  # every seventh stored span is a suggestion, for y and x


def article_of_tags(db_path: Path, tags: int) -> Article:
    """A 20,100-word article whose even words, from the first, hold ``tags`` spans."""
    rng = random.Random(28)
    article = Article("long", " ".join(rng.choice(WORDS) for _ in range(20_100)) + ".")
    labels = ("actor", "claim", "figure", "quote")
    with Store.open(db_path) as store:
        store.import_spans(
            article,
            [
                Annotation.create(
                    article.id,
                    article.text,
                    *bounds,
                    labels[number % 4],
                    "bench",
                    *(("suggested", "a pattern") if number % SUGGESTED_EVERY == 3 else ()),
                )
                for number, bounds in enumerate(words(article)[: tags * 2 : 2])
            ],
        )
    return article


def main_screen(app) -> MainScreen:
    assert isinstance(app.screen, MainScreen)
    return app.screen


def shown(screen: MainScreen, offsets: list[int]) -> tuple:
    """What the screen shows of the article: the panel's lines, and the view's lines (text
    and styles) with the cursor on each of ``offsets`` in turn."""
    view = screen.columns.focused
    assert view is not None
    seen = [screen.panel.text_lines()]
    for offset in offsets:
        view.move_to(offset)
        height = view.viewport.region.height
        seen.append([[(segment.text, segment.style) for segment in view.render_line(y)] for y in range(height)])
    return tuple(seen)


async def mixed_changes(pilot, screen: MainScreen, store: Store, article: Article, rng: random.Random) -> list[int]:
    """Tags, deletions, decisions, relabellings, notes, undos and redos, on words near the
    cursor; the offsets they were at."""
    view = screen.columns.focused
    bounds = words(article)
    places = []
    for _ in range(40):
        word = rng.randrange(0, 400)
        view.move_to(bounds[word][0])
        places.append(bounds[word][0])
        action = rng.choice(["tag", "tag", "delete", "decide", "undo", "undo", "redo", "relabel", "note"])
        span = screen.tagging.innermost_at_cursor(view)
        if action == "tag":
            await pilot.press(rng.choice("acfq"))
        elif action == "delete":
            await pilot.press("x")  # a suggestion there is rejected
        elif action == "decide":
            await pilot.press("y")
        elif action in ("undo", "redo"):
            await pilot.press("u" if action == "undo" else "ctrl+r")
        elif action == "relabel" and span is not None:  # as the review does; its undo shows here
            relabel(store, span, rng.choice(["actor", "quote"]), "tester")
            await pilot.press("u", "ctrl+r")
        elif action == "note" and span is not None:
            screen.tagging._save_note(span, f"note {rng.randrange(100)}")
            await pilot.pause()
    return places


async def test_after_many_mixed_changes_the_screen_shows_what_a_fresh_start_shows(tmp_path):
    db_path = tmp_path / "tagged.json"
    article = article_of_tags(db_path, 10_000)
    app, store = make_app([article], db_path)
    with store:
        async with app.run_test(size=SIZE) as pilot:
            screen = main_screen(app)
            places = await mixed_changes(pilot, screen, store, article, random.Random(10))
            await pilot.pause()
            after_changes = shown(screen, places[-8:])
            spans_shown = list(screen.columns.focused.spans)
    fresh, store = make_app([article], db_path)
    with store:
        async with fresh.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = main_screen(fresh)
            assert spans_shown == screen.columns.focused.spans
            assert after_changes == shown(screen, places[-8:])


class Work:
    """What the app's work for a key visits, counted: spans read or handed over whole, rows
    marked to repaint, and the Python calls made."""

    def __init__(self, monkeypatch) -> None:
        self.counts: Counter[str] = Counter()
        from tui.screens.main.shown import ShownArticles
        from tui.widgets.article_view import ArticleView

        spans, set_spans, refresh = ShownArticles.spans, ArticleView.set_spans, LineView.refresh

        def counted_spans(shown, article_id):
            found = spans(shown, article_id)
            self.counts["spans read"] += len(found)
            return found

        def counted_set_spans(view, spans, *args):
            self.counts["spans handed to a view"] += len(spans)
            return set_spans(view, spans, *args)

        def counted_refresh(view, *regions, **kwargs):
            self.counts["rows marked"] += sum(region.height for region in regions) if regions else view.size.height
            return refresh(view, *regions, **kwargs)

        monkeypatch.setattr(ShownArticles, "spans", counted_spans)
        monkeypatch.setattr(ArticleView, "set_spans", counted_set_spans)
        monkeypatch.setattr(LineView, "refresh", counted_refresh)

    async def of(self, pilot, key: str) -> Counter[str]:
        await pilot.pause()
        self.counts.clear()
        calls = 0

        def profile(frame, event, argument):
            nonlocal calls
            calls += event in ("call", "c_call")

        sys.setprofile(profile)
        try:
            await pilot.press(key)
            await pilot.pause()
        finally:
            sys.setprofile(None)
        return Counter({**self.counts, "calls": calls})


async def work_of_keys(tmp_path: Path, monkeypatch, tags: int) -> dict[str, Counter[str]]:
    """The work of a tag, a delete, an accept, an undo and a redo in an article of ``tags``."""
    db_path = tmp_path / f"{tags}.json"
    article = article_of_tags(db_path, tags)
    bounds = words(article)
    app, store = make_app([article], db_path)
    work = Work(monkeypatch)
    with store:
        async with app.run_test(size=SIZE) as pilot:
            screen = main_screen(app)
            view = screen.columns.focused
            await work.of(pilot, "a")  # the first key of each kind sets up what it needs
            measured = {}
            for name, word, key in [
                ("tag", 41, "a"),
                ("delete", 44, "x"),
                ("accept", 2 * (SUGGESTED_EVERY + 3), "y"),
                ("undo", 41, "u"),
                ("redo", 41, "ctrl+r"),
            ]:
                view.move_to(bounds[word][0])
                measured[name] = await work.of(pilot, key)
            # Two tags, a delete, an accept undone and redone.
            suggested = len(range(3, tags, SUGGESTED_EVERY))
            assert screen.panel.text_lines()[1] == f"{tags - suggested + 2:,} tags · {suggested - 1} suggested"
    return measured


async def test_a_keys_work_in_an_article_of_10000_tags_is_what_it_is_in_one_of_100(tmp_path, monkeypatch):
    few = await work_of_keys(tmp_path, monkeypatch, 100)
    many = await work_of_keys(tmp_path, monkeypatch, 10_000)
    for key, work in many.items():
        assert work["spans read"] == work["spans handed to a view"] == 0, (key, work)
        assert work["rows marked"] <= few[key]["rows marked"] + SIZE[1], (key, work, few[key])
        assert work["calls"] <= 1.5 * few[key]["calls"], (key, work, few[key])
