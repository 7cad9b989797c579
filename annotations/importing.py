"""Import: JSONL from Broadsheet, Prodigy (text + spans) or doccano (text + label) into a store.

Each line becomes an article (created if new) and its spans. Spans keep the id, status
and annotator they carry; otherwise they start pending, by the importing annotator.
A line that cannot be used is reported by number and skipped; the others go in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .articles import Article
from .jsonl import JsonlFileError, count_lines, jsonl_lines
from .model import STATUSES, Annotation, new_id, now
from .store import ArticleChangedError, Store, StoreError
from .text import normalise


class LineError(ValueError):
    pass


@dataclass
class ImportReport:
    articles: int = 0
    spans: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)


def _article_from(record: dict) -> Article:
    text = record.get("text")
    if not isinstance(text, str) or not text:
        raise LineError("no 'text'")
    if normalise(text) != text:
        raise LineError("the text has control characters or CR line endings, so its offsets cannot be trusted")
    meta_in = record.get("meta") if isinstance(record.get("meta"), dict) else {}
    article_id = meta_in.get("id") or record.get("id")
    article_id = str(article_id) if article_id not in (None, "") else "import-" + hashlib.sha1(text.encode()).hexdigest()[:16]
    meta = {key: str(meta_in[key]) for key in ("outlet", "date", "title", "url") if meta_in.get(key)}
    return Article(article_id, text, str(meta_in.get("source", "")), meta)


def _raw_spans(record: dict) -> list[dict]:
    """Spans in our/Prodigy shape, or doccano's [start, end, label] triples."""
    if isinstance(record.get("spans"), list):
        spans = record["spans"]
        if not all(isinstance(span, dict) for span in spans):
            raise LineError("'spans' must be a list of objects with start, end and label")
        return spans
    for key in ("label", "labels"):
        if isinstance(record.get(key), list):
            triples = record[key]
            if not all(isinstance(item, list) and len(item) == 3 for item in triples):
                raise LineError(f"'{key}' must be a list of [start, end, label]")
            return [{"start": start, "end": end, "label": label} for start, end, label in triples]
    return []


def _annotation_from(raw: dict, article: Article, annotator: str, index: int) -> Annotation:
    start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(label, str) and label):
        raise LineError(f"span {index + 1}: needs integer start and end and a label")
    if not 0 <= start < end <= len(article.text):
        raise LineError(f"span {index + 1}: offsets {start}-{end} lie outside the text (length {len(article.text)})")
    covered = article.text[start:end]
    if "text" in raw and raw["text"] != covered:
        raise LineError(f"span {index + 1}: says {raw['text']!r} but offsets {start}-{end} cover {covered!r}")
    status = raw.get("status", "pending")
    if status not in STATUSES:
        raise LineError(f"span {index + 1}: unknown status {status!r}")
    stamp = now()
    return Annotation(
        str(raw.get("id") or new_id()), article.id, start, end, label, covered,
        str(raw.get("annotator") or annotator), stamp, stamp, status,
    )


def import_jsonl(
    store: Store, path: Path, annotator: str, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Import every usable line of ``path``; problems are 'FILE:LINE: reason' strings.

    ``progress(done, total)`` is called line by line (for a progress bar)."""
    report = ImportReport()
    total = count_lines(path)
    try:
        for line in jsonl_lines(path):
            if progress is not None:
                progress(line.number, total)
            try:
                if line.problem is not None:
                    raise LineError(line.problem)
                _import_record(store, line.record, annotator, report)
            except LineError as error:
                report.problems.append(f"{path}:{line.number}: {error}")
    except JsonlFileError as error:
        report.problems.append(str(error))
    return report


def _import_record(store: Store, record: dict, annotator: str, report: ImportReport) -> None:
    article = _article_from(record)
    annotations = [_annotation_from(raw, article, annotator, index) for index, raw in enumerate(_raw_spans(record))]
    known = store.annotations(article.id)
    is_new = store.stored_article(article.id) is None
    seen_ids = {span.id for span in known}
    seen_places = {(span.start, span.end, span.label, span.annotator) for span in known}
    fresh = []
    for annotation in annotations:
        place = (annotation.start, annotation.end, annotation.label, annotation.annotator)
        if annotation.id in seen_ids or place in seen_places:
            report.duplicates += 1
            continue
        seen_ids.add(annotation.id)
        seen_places.add(place)
        fresh.append(annotation)
    try:
        store.add_many(article, fresh)
    except ArticleChangedError as error:
        raise LineError(str(error)) from None
    except StoreError as error:
        raise LineError(str(error)) from None
    report.articles += is_new
    report.spans += len(fresh)
