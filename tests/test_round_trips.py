"""The round-trip matrix: a database with the hard cases goes out in every format that
import reads back, and comes back with what that format carries (README's format table)."""

from __future__ import annotations

import io
import json

import pytest

from annotations.articles import Article
from annotations.export import ExportSelection, exported_articles, write_lines
from annotations.importing import import_jsonl
from annotations.review import decide
from annotations.store import Store

HARD = Article("hard", "Iran’s “Quds Force” 🇺🇸 spoke.\n\n中文报道 said Kataib Hezbollah fired 30 rockets.\nEnd.")
EMPTY = Article("empty", "Nothing to tag in this one.")
# (text, occurrence, label): nested, overlapping, across a paragraph break, emoji and CJK, curly quotes.
SPANS = [
    ("Iran’s “Quds Force”", "actor"),
    ("“Quds Force”", "actor"),  # nested in the one before
    ("🇺🇸 spoke.\n\n中文报道", "claim"),  # across a paragraph break, with an emoji and CJK
    ("中文报道 said Kataib Hezbollah", "claim"),  # overlaps the one before
    ("Kataib Hezbollah", "actor"),
    ("30 rockets", "figure"),
]
# What each format carries back (README): statuses, relations, finished spanless articles.
CARRIES = {
    "jsonl": {"status": True, "relations": True, "done": True},
    "prodigy": {"status": False, "relations": True, "done": "every"},  # each task is answered accept
    "doccano": {"status": False, "relations": False, "done": False},
    "doccano-re": {"status": False, "relations": True, "done": False},
}


@pytest.fixture
def hard_db(tmp_path):
    path = tmp_path / "hard.json"
    with Store.open(path) as store:
        made = []
        for text, label in SPANS:
            start = HARD.text.index(text)
            made.append(store.add(HARD, start, start + len(text), label, "ana"))
        decide(store, made[4], "accepted", "lead")
        store.link(made[5], made[4], "said-by", "ana")
        store.set_done(EMPTY, "ana")
    return path


def _export(path, fmt: str) -> str:
    with Store.open(path, read_only=True) as store:
        out = io.StringIO()
        write_lines(exported_articles(store, ExportSelection()), out, fmt)
    return out.getvalue()


def _contents(path) -> dict:
    with Store.open(path, read_only=True) as store:
        spans = {article_id: sorted((span.start, span.end, span.label, span.text, span.status)
                                    for span in store.annotations(article_id)) for article_id in store.article_ids()}
        texts = {article_id: store.article_text(article_id) for article_id in store.article_ids()}
        by_id = {span.id: (span.article_id, span.start, span.end) for spans_of in
                 (store.annotations(article_id) for article_id in store.article_ids()) for span in spans_of}
        links = sorted((by_id[link.head], link.label, by_id[link.child]) for link in store.links())
        return {"spans": spans, "texts": texts, "links": links, "done": store.done_articles()}


@pytest.mark.parametrize("fmt", list(CARRIES))
def test_every_format_import_reads_gives_back_what_it_carries(hard_db, tmp_path, fmt):
    exported = tmp_path / f"out.{fmt}.jsonl"
    exported.write_text(_export(hard_db, fmt), encoding="utf-8")
    fresh = tmp_path / "fresh.json"
    with Store.open(fresh) as store:
        report = import_jsonl(store, exported, "importer")
    assert report.problems == []
    before, after = _contents(hard_db), _contents(fresh)
    carries = CARRIES[fmt]
    # doccano lines name articles by their id, and so do ours; Prodigy's by meta.id.
    assert set(after["texts"]) >= {"hard"} and after["texts"]["hard"] == HARD.text

    def shape(spans, with_status):
        return [entry if with_status else entry[:4] for entry in spans]

    assert shape(after["spans"]["hard"], carries["status"]) == shape(before["spans"]["hard"], carries["status"])
    assert after["links"] == (before["links"] if carries["relations"] else [])
    finished = {True: before["done"], "every": set(before["texts"]), False: set()}[carries["done"]]
    assert after["done"] == finished
    assert ("empty" in after["texts"]) is True  # every format writes the finished empty article: a negative example
    assert after["spans"]["empty"] == []


def test_the_matrix_covers_every_format_that_import_reads():
    from annotations.export import FORMATS

    assert set(CARRIES) == {fmt for fmt in FORMATS if fmt not in ("brat", "conll")}  # those two: export only, so far
