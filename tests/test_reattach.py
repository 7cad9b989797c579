"""Spans follow an article whose text changed; the ones whose text is gone become orphans."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from annotations.articles import Article
from annotations.export import exported_articles, write_lines
from annotations.model import Annotation
from annotations.reattach import new_place, reattach_spans
from annotations.store import Store
from tui.widgets.annotation_panel import AnnotationPanel

from .conftest import ROOT, make_app, saved_annotations
from .test_store import tag


def span_at(text: str, phrase: str, occurrence: int = 0) -> Annotation:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    return Annotation.create("a", text, start, start + len(phrase), "actor", "me")


def test_the_occurrence_with_the_same_surroundings_wins_over_the_nearest():
    old = "Hoffman said no. Later, Pentagon spokesman Hoffman said yes."
    new = "Hoffman said yes. Pentagon spokesman Hoffman said yes, again. Hoffman."
    second = span_at(old, "Hoffman", 1)
    assert new_place(old, new, second) == new.index("spokesman Hoffman") + len("spokesman ")


def test_ties_go_to_the_nearest_occurrence_and_missing_text_orphans():
    old = "KH KH KH"
    spans = [span_at(old, "KH", 2), span_at(old, "KH", 0)]
    moved, report = reattach_spans(old, "x KH KH KH", spans)
    assert [span.start for span in moved] == [8, 2]  # the last KH, the first KH
    gone, report = reattach_spans(old, "nothing here", spans)
    assert all(span.orphaned for span in gone) and len(report.orphaned) == 2
    assert [(span.start, span.text) for span in gone] == [(span.start, span.text) for span in spans]


def rescraped(article: Article, new_text: str) -> Article:
    return Article(article.id, new_text, article.source, article.meta)


def test_the_store_moves_spans_keeps_orphans_and_drops_stale_undo_steps(seeds, db_path):
    reuters = seeds[1]
    with Store.open(db_path) as store:
        hoffman = tag(store, reuters, "Jonathan Hoffman", "actor")
        esper = tag(store, reuters, "Mark Esper", "actor")
        gone = tag(store, reuters, "F-15 jets", "claim")
    correction = "Correction appended above the story.\n\n"
    new_text = correction + reuters.text.replace("F-15 jets", "fighter jets")
    with Store.open(db_path) as store:
        report = store.reattach(rescraped(reuters, new_text))
        assert (report.moved, report.kept, [span.id for span in report.orphaned]) == (2, 0, [gone.id])
        by_id = {span.id: span for span in store.annotations(reuters.id)}
        for original in (hoffman, esper):
            moved = by_id[original.id]
            assert moved.start == new_text.index(original.text)
            assert new_text[moved.start : moved.end] == moved.text == original.text
        assert by_id[gone.id].orphaned and by_id[gone.id].text == "F-15 jets"
        assert store.article_text(reuters.id) == new_text
        assert store.undo() is None  # its steps referred to the old text
        assert store.reattach(rescraped(reuters, new_text)) is None  # nothing changed since
        tag(store, rescraped(reuters, new_text), "Mike Pompeo", "actor")  # tagging works again
    assert len(saved_annotations(db_path)) == 4
    with Store.open(db_path, read_only=True) as store:
        orphans: list = []
        out = io.StringIO()
        write_lines(exported_articles(store, orphans=orphans), out)
    [line] = [json.loads(raw) for raw in out.getvalue().splitlines()]
    assert [span["text"] for span in line["spans"]] == ["Jonathan Hoffman", "Mike Pompeo", "Mark Esper"]
    assert [orphan.id for orphan in orphans] == [gone.id]
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "export", "--db", str(db_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert "not exported: orphaned claim 'F-15 jets'" in result.stderr


async def test_the_app_reattaches_on_open_and_lists_orphans(seeds, db_path):
    reuters = seeds[1]
    with Store.open(db_path) as store:
        tag(store, reuters, "Jonathan Hoffman", "actor")
        tag(store, reuters, "F-15 jets", "claim")
    changed = list(seeds)
    changed[1] = rescraped(reuters, "Update: " + reuters.text.replace("F-15 jets", "jets"))
    app, store = make_app(changed, db_path)
    with store:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.press("2")
            view = app.screen.focused
            assert [span.text for span in view.spans] == ["Jonathan Hoffman"]
            assert view.text[view.spans[0].start : view.spans[0].end] == "Jonathan Hoffman"
            listing = "\n".join(app.screen.query_one(AnnotationPanel).text_lines())
            assert "Orphaned: 1" in listing and "F-15 jets" in listing
