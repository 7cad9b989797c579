"""An article of thousands of tags: a tag there costs what it costs in a fresh article (issue 28),
and is as safe: durable on return, whole after a kill, and nothing lost on a full disk."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotations.articles import Article
from annotations.model import Annotation, span_order
from annotations.store import Store

from .conftest import ROOT, shard_files
from .faults import fill, small_disk

STORED = 3_000
WORDS = "militia strikes Pentagon Hezbollah contractor rocket Kirkuk Baghdad statement forces".split()


def long_article(article_id: str = "long") -> Article:
    rng = random.Random(article_id)
    return Article(article_id, " ".join(rng.choice(WORDS) for _ in range(STORED * 2)) + ".")


def words(article: Article) -> list[tuple[int, int]]:
    bounds, position = [], 0
    for word in article.text.split(" "):
        bounds.append((position, position + len(word.rstrip("."))))
        position += len(word) + 1
    return bounds


def with_stored_tags(store: Store, article: Article) -> None:
    """``article`` holding STORED tags, on its even words."""
    store.import_spans(
        article,
        [
            Annotation.create(article.id, article.text, *bounds, "actor", "bench")
            for bounds in words(article)[: STORED * 2 : 2]
        ],
    )


def bytes_written() -> int:
    """What this process has handed to write() so far (the kernel's count)."""
    return int(dict(line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())["wchar"])


def tag_cost(store: Store, article: Article, odd_word: int) -> int:
    """Bytes written by one tag (durable on return) on the article's ``odd_word``-th odd word."""
    before = bytes_written()
    store.add(article, *words(article)[odd_word * 2 + 1], "quote", "tester")
    return bytes_written() - before


def test_a_tag_writes_as_much_in_an_article_of_thousands_of_tags_as_in_a_fresh_one(db_path):
    long, fresh = long_article(), long_article("fresh")
    with Store.open(db_path) as store:
        with_stored_tags(store, long)
        store.import_spans(fresh, [])
        tag_cost(store, long, 0), tag_cost(store, fresh, 0)  # the first of each may set up its files
        in_long = [tag_cost(store, long, number) for number in range(1, 6)]
        in_fresh = [tag_cost(store, fresh, number) for number in range(1, 6)]
    assert max(in_long) < 2 * max(in_fresh), (in_long, in_fresh)  # it wrote every tag of the article: 400x


def test_tags_in_a_long_article_are_durable_on_return_and_the_closed_file_is_plain_tinydb(db_path):
    article = long_article()
    with Store.open(db_path) as store:
        with_stored_tags(store, article)
        added = [store.add(article, *words(article)[number], "quote", "tester") for number in (1, 3, 5)]
        store.delete(added[1])
        with Store.open(db_path, read_only=True) as reader:  # as export sees it: the same files, now
            assert {span.id for span in reader.annotations(article.id)} >= {added[0].id, added[2].id}
            assert added[1].id not in {span.id for span in reader.annotations(article.id)}
    [shard] = shard_files(db_path)
    documents = json.loads(shard.read_text())["annotations"].values()
    assert len(documents) == STORED + 2 and added[1].id not in {document["id"] for document in documents}
    assert not list(shard.parent.glob("*.tail"))


def test_a_tail_line_cut_short_is_dropped_and_the_next_tag_follows_a_whole_line(db_path):
    article = long_article()
    with Store.open(db_path) as store:
        with_stored_tags(store, article)
        kept = store.add(article, *words(article)[1], "quote", "tester")
        [tail] = db_path.with_name(db_path.name + ".d").glob("*.tail")
        with tail.open("ab") as cut:
            cut.write(b'[["annotations", "9999", {"id": "half')  # as a kill in the middle of a write leaves it
        with Store.open(db_path, read_only=True) as reader:
            assert kept in reader.annotations(article.id)
        later = store.add(article, *words(article)[3], "quote", "tester")
        assert all(json.loads(line) for line in tail.read_bytes().splitlines())
        with Store.open(db_path, read_only=True) as reader:
            assert {kept, later} <= set(reader.annotations(article.id))


CHILD = """
import sys
from pathlib import Path
from tests.test_large_articles import long_article, with_stored_tags, words
from annotations.store import Store
article = long_article()
with Store.open(Path(sys.argv[1])) as store:
    if not store.annotations(article.id):
        with_stored_tags(store, article)
    bounds = words(article)
    for number in range(int(sys.argv[2]), len(bounds), 2):
        span = store.add(article, *bounds[number], "quote", "child")
        print("+" + span.id, flush=True)
"""


def test_sigkill_while_tagging_a_long_article_loses_no_tag_reported_saved(db_path):
    rng = random.Random(28)
    reported: set[str] = set()
    db_path.parent.mkdir()
    for round_number in range(8):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(db_path), str(1 + 2 * 40 * round_number)],
            bufsize=0,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert child.stdout is not None
        first = child.stdout.readline()
        assert first, child.stderr.read().decode() if child.stderr else ""
        time.sleep(rng.uniform(0.0, 0.15))
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate(timeout=30)
        reported |= {line[1:] for line in (first + rest).decode().split("\n")[:-1] if line}
        with Store.open(db_path, read_only=True) as reader:
            assert reported <= {span.id for span in reader.annotations("long")}, f"round {round_number}"
    with Store.open(db_path):  # a writer folds the tail in on closing: the plain file holds them all
        pass
    [shard] = shard_files(db_path)
    assert reported <= {document["id"] for document in json.loads(shard.read_text())["annotations"].values()}


def test_a_tag_on_a_full_disk_leaves_a_long_article_whole(tmp_path):
    article = long_article()
    with small_disk(kilobytes=8192) as disk:
        db_path = disk / "db.json"
        with Store.open(db_path) as store:
            with_stored_tags(store, article)
            before = store.annotations(article.id)
            log, other = db_path.with_name(db_path.name + ".d") / "history.jsonl", long_article("other")
            while not 0 < log.stat().st_size % 4096 <= 2048:  # room in the undo log's last block for the tag's line
                store.add(other, *words(other)[log.stat().st_size % 1000], "actor", "tester")
            filler = fill(disk)  # and none for a new block: the tag's line reaches the log, not the article
            with pytest.raises(OSError, match="No space left on device"):
                store.add(article, *words(article)[1], "quote", "tester")
            assert store.annotations(article.id) == before
        assert not list(disk.rglob("*.tmp")) and not list(disk.rglob("*.tail"))
        filler.unlink()
        with Store.open(db_path) as store:
            assert store.annotations(article.id) == before
            added = store.add(article, *words(article)[1], "quote", "tester")
        with Store.open(db_path, read_only=True) as reader:
            assert reader.annotations(article.id) == sorted([*before, added], key=span_order)


async def test_the_app_takes_a_tag_in_an_article_of_10000_tags_as_the_one_change(tmp_path, monkeypatch):
    """The view and the panel take the one tag, not the whole list again (10x slower at
    10,000 tags, measured: benchmarks/scale.py times it; a test asserts what is done)."""
    from tui.screens.main import MainScreen
    from tui.widgets.annotation_panel import AnnotationPanel
    from tui.widgets.article_view import ArticleView

    from .conftest import make_app

    rng = random.Random(10_000)
    article = Article("long", " ".join(rng.choice(WORDS) for _ in range(20_100)) + ".")
    db_path = tmp_path / "tagged.json"
    with Store.open(db_path) as store:
        store.import_spans(
            article,
            [
                Annotation.create(article.id, article.text, *bounds, "actor", "bench")
                for bounds in words(article)[: 10_000 * 2 : 2]
            ],
        )
    whole_lists: list[int] = []
    set_spans = ArticleView.set_spans
    monkeypatch.setattr(
        ArticleView,
        "set_spans",
        lambda view, spans, *args: (whole_lists.append(len(spans)), set_spans(view, spans, *args))[1],
    )
    app, store = make_app([article], db_path)
    with store:
        async with app.run_test(size=(160, 48)) as pilot:
            screen = app.screen
            assert isinstance(screen, MainScreen)
            whole_lists.clear()
            for _ in range(15):
                await pilot.press("w", "w", "a")
            shown = list(screen.columns.focused.spans)
            assert whole_lists == []  # no tag handed the view every span again
            assert shown == store.annotations(article.id) and len(shown) == 10_015
            assert screen.query_one(AnnotationPanel).text_lines()[1] == "10,015 tags"
