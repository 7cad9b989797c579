"""Opening a corpus of 100,000 articles reads only what the first screen needs; the rest
is listed at once and read lazily, in the background, with nothing lost (issue 28)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from annotations.article_filter import ArticleFilter
from annotations.articles import Article, load_corpus, open_corpus
from annotations.layout import Layout, save_layout
from annotations.store import Store
from tui.screens.main import MainScreen
from tui.screens.main.listing import Listing

from .conftest import make_app
from .test_app import WIDE, type_text, views
from .test_store import tag

_watched: dict[str, list[str]] = {}  # folder -> the files opened under it, in order


def _on_audit(event: str, args: tuple) -> None:
    if event == "open" and _watched and isinstance(args[0], (str, os.PathLike)):
        opened = os.fspath(args[0])
        for folder, files in _watched.items():
            if opened.startswith(folder):
                files.append(opened)


sys.addaudithook(_on_audit)  # hooks cannot be removed: it records only while a test watches


@contextmanager
def watching(folder: Path) -> Iterator[list[str]]:
    """The files opened under ``folder`` while the block runs (Python's audit events)."""
    opened: list[str] = []
    _watched[f"{folder}{os.sep}"] = opened
    try:
        yield opened
    finally:
        del _watched[f"{folder}{os.sep}"]


def write_folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for number in range(count):
        (folder / f"a{number:04d}.txt").write_text(f"Article {number} says something.\n")
    return folder


def write_troubles(folder: Path) -> dict[str, Path]:
    """Files sorted after the plain ones: a duplicate id, a binary, an empty one, a story with its own id."""
    files = {
        "duplicate": folder / "b-duplicate.md",
        "binary": folder / "c-binary.txt",
        "empty": folder / "d-empty.txt",
        "story": folder / "e-story.md",
    }
    files["duplicate"].write_text("---\nid: a0001\n---\nClaims the id of a0001.txt.\n")
    files["binary"].write_bytes(b"\x00\x01\x02binary\x00" * 20)
    files["empty"].write_text("")
    files["story"].write_text("---\nid: the-story\ntitle: The Last Story\n---\nIt comes last.\n")
    return files


# -- the library: listed at once, read in order as far as asked -------------------------------


def test_a_corpus_is_listed_at_once_and_read_in_order_only_as_far_as_asked(tmp_path):
    folder = write_folder(tmp_path, 50)
    with watching(folder) as opened:
        corpus = open_corpus([folder])
        assert opened == [] and corpus.files_read == (0, 50) and not corpus.complete
        assert corpus.has(2)
        assert opened == [str(folder / f"a{number:04d}.txt") for number in range(3)]
        assert corpus.find("a0010") == 10 and len(opened) == 11
        assert corpus.find("nowhere") is None and corpus.complete and len(opened) == 50
    assert [article.id for article in corpus] == [f"a{number:04d}" for number in range(50)]


def test_read_lazily_a_corpus_keeps_every_id_problem_and_the_order_given(tmp_path):
    folder = write_folder(tmp_path, 5)
    files = write_troubles(folder)
    corpus = open_corpus([folder])
    assert corpus.has(4) and corpus.problems == []  # the troubles lie further on: not read yet
    corpus.read_rest()
    assert [article.id for article in corpus] == [*(f"a{number:04d}" for number in range(5)), "the-story"]
    assert corpus.index_of("the-story") == 5 and corpus[5].title == "The Last Story"
    assert corpus.problems == [
        f"{files['duplicate']}: article id 'a0001' is already used by {folder / 'a0001.txt'}; skipped",
        f"{files['binary']}: binary file (NUL byte at byte 0)",
        f"{files['empty']}: empty file",
    ]
    eager = load_corpus([folder])
    assert (eager.articles, eager.problems) == (corpus.articles, corpus.problems)


def test_a_filter_takes_in_the_articles_a_corpus_adds_as_it_is_read():
    articles = [Article(f"a{number}", "Text.") for number in range(10)]
    found = ArticleFilter(articles)
    found.start("a1")
    found.advance(1)
    assert list(found.matches) == [1] and found.done
    articles.extend(Article(f"a{number}", "Text.") for number in (10, 11, 20))
    assert found.grow() and not found.done and not found.grow()
    found.advance(1)
    assert list(found.matches) == [1, 10, 11]
    found.start("")
    assert list(found.matches) == list(range(13))
    found.start("a1")  # remembered from before the corpus grew: looked at again
    found.advance(1)
    assert list(found.matches) == [1, 10, 11]


# -- the app: the first screen reads its own files, the rest comes after ---------------------


async def test_start_up_reads_only_the_files_the_first_screen_shows(tmp_path, db_path, monkeypatch):
    folder = write_folder(tmp_path, 500)
    monkeypatch.setattr(Listing, "start", lambda self: None)  # the rest is read after the first paint
    with watching(folder) as opened:
        corpus = open_corpus([folder])  # as `broadsheet FOLDER` does
        assert corpus.has(0)
        app, store = make_app(corpus, db_path)
        with store:
            async with app.run_test(size=WIDE) as pilot:
                await pilot.pause()
                shown = [view.article.source for view in views(app)]
    assert shown == [str(folder / f"a{number:04d}.txt") for number in range(3)]
    assert opened == shown
    assert corpus.files_read == (3, 500)


async def test_the_rest_is_read_after_the_first_paint_and_the_picker_finds_every_article(tmp_path, db_path):
    folder = write_folder(tmp_path, 300)
    files = write_troubles(folder)
    corpus = open_corpus([folder])
    app, store = make_app(corpus, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("o")
            await type_text(pilot, "last story")
            for _ in range(400):
                await pilot.pause(0.05)
                subtitle = str(app.screen.query_one("#picker-body").border_subtitle)
                if corpus.complete and "filtering" not in subtitle and "listing" not in subtitle:
                    break
            assert subtitle == "1 of 301"
            await pilot.press("enter")
            assert isinstance(app.screen, MainScreen)
            assert views(app)[0].article.id == "the-story"
            [notice] = [notice for notice in app._notifications if notice.title.startswith("Skipped")]
    skipped = [
        f"{files['duplicate']}: article id 'a0001' is already used by {folder / 'a0001.txt'}; skipped",
        f"{files['binary']}: binary file (NUL byte at byte 0)",
        f"{files['empty']}: empty file",
    ]
    assert app.session.problems == skipped  # named on stderr when the app ends
    assert (notice.title, notice.message) == ("Skipped 3 inputs", " · ".join(skipped))


async def test_reopened_the_columns_show_the_articles_they_showed_with_their_tags(tmp_path, db_path):
    folder = write_folder(tmp_path, 300)
    write_troubles(folder)
    articles = load_corpus([folder]).articles
    story = articles[-1]
    with Store.open(db_path) as store:
        tag(store, story, "It comes", "actor")
        save_layout(store, Layout(["the-story", "a0250"], {"the-story": 3}, focused=0))
    corpus = open_corpus([folder])
    app, store = make_app(corpus, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.pause()
            shown = views(app)
            assert [view.article.id for view in shown] == ["the-story", "a0250", "a0000"]
            assert [(span.label, span.text) for span in shown[0].spans] == [("actor", "It comes")]
            assert shown[0].cursor == 3


def test_what_the_background_reading_skips_is_named_on_stderr_when_the_app_ends(tmp_path, db_path):
    import shlex

    from .conftest import ROOT
    from .tmux import Terminal, broadsheet_command

    folder = write_folder(tmp_path, 30)
    files = write_troubles(folder)
    # A shell keeps the pane alive after the app exits, so what it printed stays on screen.
    command = shlex.join(broadsheet_command(str(folder), "--db", str(db_path)))
    terminal = Terminal(["sh", "-c", f"{command}; echo EXIT=$?; sleep 30"], 250, 30, cwd=ROOT)
    try:
        terminal.wait_for("Skipped 3 inputs", timeout=20)  # the notice, once the rest is read
        terminal.send("C-q")
        screen = terminal.wait_for("EXIT=", timeout=20)
    finally:
        terminal.close()
    assert "EXIT=1" in screen and "Traceback" not in screen
    assert f"broadsheet: skipped {files['duplicate']}: article id 'a0001' is already used by " in screen
    assert f"broadsheet: skipped {files['binary']}: binary file (NUL byte at byte 0)" in screen
    assert f"broadsheet: skipped {files['empty']}: empty file" in screen
