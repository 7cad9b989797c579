"""What the screen shows (issue 24): a tag's status in the view and the panel, two articles
side by side at 80x24, and the small things (names cut with an ellipsis, paths that keep
their file name, few and short toasts clear of the review filter)."""

from __future__ import annotations

from rich.style import Style

from annotations.articles import Article
from annotations.schema import parse_schema
from annotations.store import Store
from tui.keymap import reserved_keys
from tui.widgets.annotation_panel import AnnotationPanel
from tui.widgets.article_view import HEADING_ROWS, ArticleView
from tui.widgets.wrap import line_of

from .conftest import make_app
from .test_app import NARROW, WIDE, views

WORDS = ("Iraqi", "militia", "leader", "Monday")  # in the first seed's first line, in this order


def styles_of(view: ArticleView, word: str) -> Style:
    """The style the view draws the first character of ``word`` in (the word is on screen)."""
    row = HEADING_ROWS + line_of(view._starts, view.text.index(word)) - view.scroll_offset.y
    strip = view.render_line(row)
    column = strip.text.index(word)
    return [segment.style for segment in strip for _ in segment.text][column]


def tag_words(store: Store, article: Article, statuses: dict[str, str]) -> None:
    """Tag each word 'actor' and give it its status (a suggestion also gets its source)."""
    for word, status in statuses.items():
        start = article.text.index(word)
        span = store.add(article, start, start + len(word), "actor", "tester")
        if status != "pending":
            store.update(span, status=status, source="patterns.yaml" if status == "suggested" else "")


def panel(app) -> list[str]:
    return app.screen.query_one(AnnotationPanel).text_lines()


# -- 1. a tag's status shows -------------------------------------------------------------


async def test_each_status_looks_different_in_the_view_and_the_panel_which_does_not_count_a_rejected_tag(
    seeds, db_path
):
    app, store = make_app(seeds, db_path)
    with store:
        tag_words(store, seeds[0], dict(zip(WORDS, ("pending", "accepted", "rejected", "suggested"), strict=True)))
        async with app.run_test(size=WIDE) as pilot:
            await pilot.pause()
            view = views(app)[0]
            looks = {word: styles_of(view, word) for word in WORDS}
            pending, accepted, rejected, suggested = looks.values()
            assert len({pending, accepted, rejected, suggested}) == 4, looks
            colour = app.session.label_styles["actor"].bgcolor
            assert pending.bgcolor == colour and not pending.bold and not pending.strike
            assert accepted.bgcolor == colour and accepted.bold
            assert rejected.strike and rejected.bgcolor != colour  # turned down: struck through, no tag colour
            assert suggested.underline and suggested.bgcolor != colour  # as before: underlined, no background

            lines = panel(app)
            assert lines[1] == "2 tags · 1 rejected · 1 suggested"
            assert " actor  2" in lines
            listed = {line.split()[-1]: line for line in lines if line.startswith("actor")}
            assert listed == {
                "Iraqi": "actor    Iraqi",
                "militia": "actor  ✓ militia",
                "leader": "actor  ✗ leader",
                "Monday": "actor  ? Monday",
            }
            assert "✓ accepted · ✗ rejected · ? suggested" in lines


async def test_a_decision_made_in_review_and_its_undo_repaint_the_tags_line(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        tag_words(store, seeds[0], {"Iraqi": "pending"})
        async with app.run_test(size=WIDE) as pilot:
            await pilot.pause()
            view = views(app)[0]
            assert not styles_of(view, "Iraqi").bold  # drawn, and kept in the view's cache
            await pilot.press("r", "a", "escape")
            assert styles_of(view, "Iraqi").bold
            await pilot.press("u")
            assert not styles_of(view, "Iraqi").bold


# -- 2. two articles side by side at 80x24 -----------------------------------------------


def title(app) -> str:
    from tui.widgets.bars import TitleBar

    return app.screen.query_one(TitleBar).render_line(0).text.strip()


async def test_80x24_shows_two_articles_beside_a_narrower_panel_and_says_how_many_are_open(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            assert [view.article.id for view in views(app)] == [article.id for article in seeds[:2]]
            assert all(view.outer_size.width >= 30 for view in views(app))
            assert app.screen.query_one(AnnotationPanel).display
            assert title(app).startswith("▤  Broadsheet — 5 open, 2 shown — db ")
    app, store = make_app(seeds[:3], db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.pause()
            assert " shown" not in title(app)  # every open article is on screen


async def test_P_folds_the_panel_away_for_more_columns_and_brings_it_back(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.pause()
            assert len(views(app)) == 3
            await pilot.press("P")
            assert not app.screen.query_one(AnnotationPanel).display
            assert [view.outer_size.width for view in views(app)] == [40, 40, 40, 40]
            assert "5 open, 4 shown" in title(app)
            await pilot.press("P")
            assert app.screen.query_one(AnnotationPanel).display and len(views(app)) == 3
            assert "5 open, 3 shown" in title(app)


# -- 3. small things ---------------------------------------------------------------------

LONG_LABELS = """
labels:
  - name: location
    key: l
    color: "#5fafff"
    description: A place.
  - name: organisation_or_group
    key: o
    color: "#d7af5f"
    description: An organisation.
"""


def app_with_labels(articles, db_path, schema_text: str):
    from tui.app import BroadsheetApp
    from tui.session import Session

    reserved = {key: use for key, use in reserved_keys().items() if key not in ("l", "o")}
    schema = parse_schema(schema_text, "labels.yaml", reserved)
    store = Store.open(db_path)
    return BroadsheetApp(Session(store, schema, "tester", articles)), store


async def test_the_panel_gives_a_label_name_room_or_an_ellipsis_and_a_gap_before_the_mark(db_path):
    article = Article("a", "Iraq and the Kataib Hezbollah militia")
    app, store = app_with_labels([article], db_path, LONG_LABELS)
    with store:
        iraq = store.add(article, 0, 4, "location", "tester")
        store.update(iraq, status="suggested", source="patterns.yaml")
        store.add(article, 13, 29, "organisation_or_group", "tester")
        async with app.run_test(size=WIDE) as pilot:
            await pilot.pause()
            lines = panel(app)
            assert "location   ? Iraq" in lines
            assert "organisat…   Kataib Hezbollah" in lines


async def test_the_picker_cuts_a_long_path_with_an_ellipsis_and_keeps_the_file_name(db_path):
    folder = "/srv/corpora/" + "/".join(f"collection-{number}" for number in range(12))
    articles = [Article("a1", "A text.", source=f"{folder}/2024-05-01_kataib_hezbollah_strikes.txt")]
    app, store = make_app(articles, db_path)
    with store:
        async with app.run_test(size=NARROW) as pilot:
            await pilot.press("o")
            await pilot.pause()
            listing = app.screen.query_one("#picker-list")
            row = listing.render_line(0).text.rstrip()
            assert row.endswith("/2024-05-01_kataib_hezbollah_strikes.txt")
            assert "  …/" in row and len(row) <= listing.size.width


async def test_toasts_are_few_information_goes_soon_and_none_covers_the_review_filter(seeds, db_path):
    from textual.widgets._toast import Toast

    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE, notifications=True) as pilot:
            for number in range(7):
                app.notify(f"notice {number}")
            app.notify("careful", severity="warning", timeout=10)
            await pilot.pause()
            kept = list(app._notifications)
            assert [notice.message for notice in kept] == ["notice 5", "notice 6", "careful"]
            assert [notice.timeout for notice in kept] == [3, 3, 10]
            await pilot.press("r", "slash")
            app.notify("a notice over the review")
            await pilot.pause()
            box = app.screen.query_one("#review-filter").region
            toasts = [toast.region for toast in app.screen.query(Toast)]
            assert toasts and not any(toast.overlaps(box) for toast in toasts)


def shown_lines(widget) -> list[str]:
    from textual.geometry import Region

    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))]


async def test_a_dialog_and_the_title_cut_long_text_with_an_ellipsis(seeds, tmp_path):
    from textual.widgets import Static

    from tui.screens.choice import Choice, ChoiceScreen

    deep = tmp_path.joinpath(*(f"folder-{number}" for number in range(8))) / "broadsheet.json"
    app, store = make_app(seeds, deep)
    with store:
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            assert title(app).endswith("…") and len(title(app)) <= NARROW[0]
            long = "a quotation that runs on and on " * 4
            app.push_screen(
                ChoiceScreen(f"Link quote {long!r} as", [Choice("s", "same-as", long)], lambda choice: None)
            )
            await pilot.pause()
            heading, table = list(app.screen.query(Static))[:2]
            assert shown_lines(heading) == [f"Link quote {long!r} as"[: heading.size.width - 1] + "…"]
            [row] = shown_lines(table)
            assert row.startswith("s  same-as  a quotation") and row.endswith("…")


async def test_a_selection_is_drawn_over_the_whole_words_a_label_key_will_take(seeds, db_path):
    """From "The" of "The US military", v w w leaves the cursor on the "m": the tag takes
    "The US military", and so the selection shows it, not "The US m"."""
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("2")
            view = app.screen.columns.focused
            view.move_to(view.text.index("The US military"))
            await pilot.press("v", "w", "w")
            await pilot.pause()
            selection = app.screen.columns.focused.line_styles.selection
            assert styles_of(view, "ilitary").bgcolor == selection.bgcolor  # the rest of the word the cursor is on
            await pilot.press("c")
            assert [span.text for span in store.annotations(view.article.id)] == ["The US military"]
