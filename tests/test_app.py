"""The app driven by its keys (Textual's Pilot), checked against the database file and the export."""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys
from pathlib import Path

from textual import events

from annotations.articles import load_article
from annotations.export import write_jsonl
from annotations.model import Annotation
from annotations.store import Store
from tui.screens.help import HelpScreen, keymap_sections
from tui.screens.main import MainScreen
from tui.widgets.annotation_panel import AnnotationPanel
from tui.widgets.article_view import HEADING_ROWS, ArticleView

from .conftest import SEEDS, make_app, saved_annotations

WIDE, NARROW = (160, 48), (80, 24)


def views(app) -> list[ArticleView]:
    return list(app.screen.query(ArticleView))


def visible_text(view: ArticleView) -> str:
    return "\n".join(view.render_line(y).text for y in range(view.scrollable_content_region.height))


def exported(db_path: Path) -> list[dict]:
    with Store.open(db_path, read_only=True) as store:
        out = io.StringIO()
        write_jsonl(store, out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(char, char) for char in text])


async def test_search_selects_the_match_and_a_label_key_tags_it(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("2")
            assert app.screen.focused is views(app)[1]
            await pilot.press("slash")
            await type_text(pilot, "jonathan hoffman")
            await pilot.press("enter", "a")
            await pilot.press("n")  # the next match is selected: nothing else is tagged until a key says so
    [saved] = saved_annotations(db_path)
    reuters = seeds[1]
    assert (saved["article_id"], saved["label"], saved["text"]) == (reuters.id, "actor", "Jonathan Hoffman")
    assert saved["start"] == reuters.text.index("Jonathan Hoffman")
    [line] = exported(db_path)
    assert line["meta"] == {
        "id": reuters.id,
        "outlet": "Reuters",
        "date": "2019-12-31",
        "title": "",
        "source": reuters.source,
        "done": False,
    }
    assert line["spans"] == [
        {
            "start": saved["start"],
            "end": saved["end"],
            "label": "actor",
            "text": "Jonathan Hoffman",
            "id": saved["id"],
            "annotator": "tester",
            "status": "pending",
        }
    ]
    assert line["text"][saved["start"] : saved["end"]] == "Jonathan Hoffman"


async def test_visual_selection_extends_by_motion_and_to_the_word_end(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            # "A Iraqi militia leader on Monday": from "militia" to "Mon", which grows to "Monday".
            await pilot.press("w", "w", "v", "w", "w", "w", "l", "l", "f")
            view = views(app)[0]
            assert view.selection is None
            await pilot.press("g", "shift+right", "shift+right", "escape")
            assert view.selection is None
    assert [record["text"] for record in saved_annotations(db_path)] == ["militia leader on Monday"]


async def test_shift_arrows_select_and_a_key_without_selection_tags_the_word(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("3", "j", "j", "j", "w")  # third column, on "(CNSNews.com)"'s next word
            view = views(app)[2]
            word_start = view.cursor
            await pilot.press("c")
            await pilot.press("shift+right", "shift+right", "shift+right", "q")
    records = saved_annotations(db_path)
    text = seeds[2].text
    assert text[word_start - 1 : word_start + 12] == "(CNSNews.com)"
    assert [(record["label"], record["text"]) for record in records] == [
        ("claim", "CNSNews.com"),
        ("quote", "CNSNews.com"),
    ]


async def test_delete_removes_the_innermost_and_undo_redo_follow(seeds, db_path):
    reuters = seeds[1]
    quote_start = reuters.text.index("We discussed with him [Trump]")
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            view = views(app)[1]
            await pilot.press("2")
            view.select(quote_start, quote_start + len("We discussed with him [Trump] other options"))
            await pilot.press("q")
            view.move_to(reuters.text.index("Trump]", quote_start))
            await pilot.press("a")
            assert [span.label for span in view.spans] == ["quote", "actor"]
            await pilot.press("x")
            assert [span.label for span in view.spans] == ["quote"]
            await pilot.press("u")
            assert [span.label for span in view.spans] == ["quote", "actor"]
            await pilot.press("u", "u")
            assert view.spans == []
            await pilot.press("ctrl+r")
            assert [span.label for span in view.spans] == ["quote"]
    assert [(r["label"], r["text"]) for r in saved_annotations(db_path)] == [
        ("quote", "We discussed with him [Trump] other options")
    ]


async def test_undo_after_a_restart_removes_the_last_tag_of_the_previous_session(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("w", "a", "w", "w", "f")
    assert len(saved_annotations(db_path)) == 2
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("u")
    assert [record["text"] for record in saved_annotations(db_path)] == ["Iraqi"]


async def test_jumping_between_tags(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("w", "a", "w", "w", "w", "a", "g")
            view = views(app)[0]
            starts = [span.start for span in view.spans]
            await pilot.press("right_square_bracket")
            assert view.cursor == starts[0]
            await pilot.press("right_square_bracket")
            assert view.cursor == starts[1]
            await pilot.press("left_square_bracket")
            assert view.cursor == starts[0]


async def test_jumping_to_a_tag_brings_its_line_into_the_panel(seeds, db_path):
    """More tags than the panel has rows: [ and ] scroll the list to the tag they reach."""
    article = seeds[0]
    words = [match for match in re.finditer(r"[A-Za-z]{4,}", article.text)][:80]
    with Store.open(db_path) as store:
        store.import_spans(
            article,
            [
                Annotation.create(article.id, article.text, word.start(), word.end(), "actor", "tester")
                for word in words
            ],
        )
    app, store = make_app([article], db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            panel = app.screen.query_one(AnnotationPanel)

            def panel_shows() -> str:
                return "\n".join(panel.render_line(y).text for y in range(panel.scrollable_content_region.height))

            assert f"actor   {words[-1].group()}" not in panel_shows()
            await pilot.press("left_square_bracket")  # from the start: back round to the last tag
            await pilot.pause()
            assert views(app)[0].cursor == words[-1].start()
            assert f"actor    {words[-1].group()}" in panel_shows()
            await pilot.press("right_square_bracket")  # and on round to the first
            await pilot.pause()
            assert f"actor    {words[0].group()}" in panel_shows()


async def test_three_columns_at_160_and_two_at_80_each_with_outlet_and_date(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            assert len(views(app)) == 3
            headings = [[view.render_line(y).text for y in (0, 1)] for view in views(app)]
            assert headings[1][0].startswith(" 2  Reuters · 2019-12-31")
            assert headings[1][1].startswith(" 001_dd604056335a0bf9")  # no title: the id in its place
            assert headings[0] == [
                " 1  000_64331d8c72ca9866".ljust(41) + "▕",
                " " * 41 + "▕",
            ]  # no outlet, date or title
            await pilot.press("tab")
            assert app.screen.focused is views(app)[1]
            await pilot.press("shift+tab", "shift+tab")
            assert app.screen.focused is views(app)[2]
            assert "db " + str(store.path) in app.sub_title
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            assert len(views(app)) == 2
            assert "A Iraqi militia leader" in visible_text(views(app)[0])


async def test_cursor_moves_by_line_page_and_to_the_ends(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=NARROW) as pilot:
            view = views(app)[0]
            text = view.text
            await pilot.press("G")
            assert view.cursor == len(text) - 1
            assert "in the region." in visible_text(view)
            await pilot.press("g", "j")
            assert view.cursor_line() == 1
            await pilot.press("pagedown")
            assert view.cursor_line() > 10 and view.scroll_offset.y > 0
            await pilot.press("pageup", "k", "l", "h", "b")
            assert view.cursor == 0


async def test_picker_puts_another_article_in_the_focused_column(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("o")
            await type_text(pilot, "washington")
            await pilot.press("enter")
            assert isinstance(app.screen, MainScreen)
            assert [view.article.id for view in views(app)] == [seeds[3].id, seeds[1].id, seeds[2].id]
            await pilot.press("o", "down", "escape")
            assert views(app)[0].article.id == seeds[3].id


async def test_brackets_show_literally(seeds, db_path):
    reuters = seeds[1]
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("2")
            view = views(app)[1]
            view.move_to(reuters.text.index("[Trump]"))
            await pilot.pause()
            assert "with him [Trump] other" in visible_text(view)
            view.move_to(reuters.text.index("[OIR]"))
            await pilot.pause()
            assert "Inherent Resolve [OIR]" in visible_text(view)


async def test_markup_and_escape_codes_in_an_article_are_inert(tmp_path, db_path):
    path = tmp_path / "hostile.txt"
    path.write_bytes(b"\x1b]0;HACKED\x07[bold]not bold[/] [@click=app.quit]x[/] \x1b[31mred\x1b[0m\x07 end")
    article = load_article(path)
    assert article.text == "[bold]not bold[/] [@click=app.quit]x[/] red\u2407 end"
    app, store = make_app([article], db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.pause()
            shown = visible_text(views(app)[0])
            assert "[bold]not bold[/] [@click=app.quit]x[/] red\u2407 end" in shown
            assert "\x1b" not in shown and "HACKED" not in shown
            await pilot.press("w", "a")
            assert app.is_running
    assert [record["text"] for record in saved_annotations(db_path)] == ["bold"]


async def test_mouse_drag_selects(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.pause()
            view = views(app)[0]
            row = HEADING_ROWS  # the first line of text
            start_x = view.render_line(row).text.index("militia")
            await pilot.mouse_down(view, offset=(start_x, row))
            # Pilot's hover sends no button; a drag is a move with the button held.
            await pilot._post_mouse_events(
                [events.MouseMove], view, offset=(start_x + len("militia lea"), row), button=1
            )
            await pilot.mouse_up(view, offset=(start_x + len("militia lea"), row))
            assert view.selection is not None
            await pilot.press("a")
    assert [record["text"] for record in saved_annotations(db_path)] == ["militia leader"]


async def test_panel_lists_the_focused_articles_tags_with_counts(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("w", "a", "w", "w", "a", "w", "f")
            panel = app.screen.query_one(AnnotationPanel).text_lines()
            assert panel[1:7] == ["3 tags", " actor  2", " claim  0", " figure  1", " quote  0", ""]
            assert panel[7:] == ["actor    Iraqi", "actor    leader", "figure   on"]
            await pilot.press("2")
            assert "0 tags" in app.screen.query_one(AnnotationPanel).text_lines()


async def test_help_lists_every_key(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)
            rows = [row for _, section in keymap_sections(app.session.schema, {}) for row in section]
            keys, descriptions, details = ([row[column] for row in rows] for column in range(3))
            for expected in (
                "h / left",
                "w",
                "v",
                "shift+left",
                "x",
                "]",
                "u",
                "ctrl+r",
                "/",
                "n",
                "N",
                "tab",
                "o",
                "?",
                "ctrl+q",
                "a",
                "c",
                "f",
                "q",
            ):
                assert expected in keys, expected
            assert "figure" in descriptions and "Delete" in descriptions
            for screen_binding in ("history.undo", "review.accept", "adjudicate.reject-all", "compare.rename"):
                assert screen_binding in details, screen_binding  # the ids a keymap names, every screen's
            assert "Pick version 1" in descriptions and "Confirm" in descriptions


async def test_a_keymap_remaps_by_binding_id(seeds, db_path):
    app, store = make_app(seeds, db_path, keymap={"history.undo": "z"})
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("w", "a", "u")
            assert len(views(app)[0].spans) == 1
            await pilot.press("z")
            assert views(app)[0].spans == []


async def test_nested_spans_both_stay_visible(seeds, db_path):
    reuters = seeds[1]
    quote = "We discussed with him [Trump] other options"
    app, store = make_app(seeds, db_path)
    with store:
        start = reuters.text.index(quote)
        store.add(reuters, start, start + len(quote), "quote", "tester")
        trump = reuters.text.index("Trump]", start)
        store.add(reuters, trump, trump + 5, "actor", "tester")
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("2", "right_square_bracket")
            view = views(app)[1]
            strip = view.render_line(HEADING_ROWS + view.cursor_line() - view.scroll_offset.y)
            styles = [segment.style for segment in strip for _ in segment.text]
            text = strip.text
            # The quote's colour around the actor, the actor's inside it, underlined: both visible.
            assert styles[text.index("him")].bgcolor == app.session.label_styles["quote"].bgcolor
            assert styles[text.index("Trump")].bgcolor == app.session.label_styles["actor"].bgcolor
            assert styles[text.index("Trump")].underline and not styles[text.index("him")].underline


def test_a_view_finds_the_spans_over_a_stretch_of_text_as_a_scan_of_all_would(seeds):
    from annotations.model import Annotation
    from annotations.schema import load_schema
    from tui.keymap import reserved_keys
    from tui.styles import LabelStyles

    rng = random.Random(4)
    article = seeds[1]
    view = ArticleView(article, LabelStyles(load_schema(None, reserved_keys())))
    for length in (0, 1, 30, 400):
        spans = []
        for _ in range(length):
            start = rng.randrange(len(article.text) - 1)
            spans.append(
                Annotation.create(
                    article.id,
                    article.text,
                    start,
                    min(start + rng.choice((1, 6, 40, 900)), len(article.text)),
                    "actor",
                    "tester",
                )
            )
        view.spans = spans
        for _ in range(300):
            start = rng.randrange(len(article.text))
            end = start + rng.randrange(1, 120)
            found = view.spans_over(start, end)
            assert {span.id for span in found} == {span.id for span in spans if span.start < end and span.end > start}
            assert [span.start for span in found] == sorted(span.start for span in found)


async def test_a_tag_is_written_to_its_article_file_once_the_screen_shows_it(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("w", "a")
            await pilot.pause()
            # Durable before it showed, in the undo log; in the article's file a moment after
            # it has shown (once the frame is out: FILES_AFTER_FRAME).
            assert b'"text": "Iraqi"' in db_path.with_name(db_path.name + ".d").joinpath("history.jsonl").read_bytes()
            for _ in range(200):
                if saved_annotations(db_path):
                    break
                await pilot.pause(0.01)
            assert [record["text"] for record in saved_annotations(db_path)] == ["Iraqi"]


def test_the_seeds_first_frame_loads_no_code_it_does_not_show(tmp_path):
    # Each module is start-up time (review, suggest and the choice screen were 5 ms): what
    # only another screen, a suggestion or an export needs is loaded when it is asked for.
    script = f"""
import asyncio, sys
from pathlib import Path
from annotations.articles import load_corpus
from annotations.schema import load_schema
from annotations.store import Store
from tui.app import BroadsheetApp
from tui.keymap import reserved_keys
from tui.session import Session

async def main():
    with Store.open(Path({str(tmp_path / "db.json")!r})) as store:
        app = BroadsheetApp(
            Session(store, load_schema(None, reserved_keys()), "tester", load_corpus([Path({str(SEEDS)!r})]).articles)
        )
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            assert "Iraqi" in app.screen.query_one("ArticleView").render_line(2).text
    print(" ".join(sorted(sys.modules)))

asyncio.run(main())
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = set(result.stdout.split())
    assert "tui.screens.main" in loaded and "annotations.store" in loaded
    unneeded = {
        "yaml",
        "annotations.review",
        "annotations.suggest",
        "annotations.export",
        "annotations.reattach",
        "annotations.jsonl",
        "tui.screens.choice",
        "tui.screens.background",
        "tui.screens.review",
        "tui.screens.compare",
        "tui.screens.help",
        "tui.palette",
    }
    assert loaded & unneeded == set()
