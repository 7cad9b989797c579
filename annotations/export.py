"""Export: the annotated articles as labelled JSONL, the span shape spaCy and Prodigy read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TextIO

from .store import Store


def export_records(store: Store) -> Iterator[dict]:
    """One record per article that has annotations, articles in id order, spans by start."""
    for article_id in store.article_ids():
        annotations = store.annotations(article_id)
        if not annotations:
            continue
        article = store.stored_article(article_id)
        assert article is not None
        text = store.article_text(article_id)
        spans = sorted(annotations, key=lambda span: (span.start, span.end, span.label, span.id))
        yield {
            "text": text,
            "meta": {
                "id": article.id,
                "outlet": article.meta.get("outlet", ""),
                "date": article.meta.get("date", ""),
                "title": article.meta.get("title", ""),
                "source": article.source,
            },
            "spans": [
                {"start": span.start, "end": span.end, "label": span.label, "text": span.text} for span in spans
            ],
        }


def write_jsonl(store: Store, out: TextIO) -> int:
    """Write the export to ``out``; returns the number of lines (articles) written."""
    count = 0
    for record in export_records(store):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
