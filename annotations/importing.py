"""Import: JSONL from Broadsheet, Prodigy (text + spans) or doccano (text + label) into a store.

Each line becomes an article (created if new) and its spans. Spans keep the id, status
and annotator they carry; otherwise Prodigy's answer decides (accept: accepted, reject:
rejected, ignore: the line is not imported), and failing that they start pending, by
the importing annotator.
Relations become links: ours name span ids, Prodigy's give head_span and child_span.
A line of a clusters file (``export --clusters``) links spans already imported.
A line that cannot be used is reported by number and skipped; the others go in.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeGuard

from .articles import Article, meta_value
from .jsonl import JsonlFileError, count_lines, jsonl_lines
from .model import STATUSES, Annotation, ClusterName, Link, new_id, now
from .readers import ReadDocument
from .schema import is_valid_name
from .store import ArticleChangedError, Store, StoreError
from .store.bulk import BulkImport
from .text import normalise, normalise_mapped


class LineError(ValueError):
    pass


@dataclass
class ImportReport:
    articles: int = 0
    spans: int = 0
    links: int = 0
    duplicates: int = 0
    ignored: int = 0  # Prodigy examples answered "ignore": not imported
    left_out: Counter[str] = field(default_factory=Counter)  # what a format holds and Broadsheet cannot: notes...
    problems: list[str] = field(default_factory=list)


DOCCANO_ID = "doccano id"  # where a doccano entity's id waits for the line's relations (no file has this key)

# Prodigy's answer to an example (or to one span of it), as the status of its spans.
ANSWERS = {"accept": "accepted", "reject": "rejected"}
IGNORE = "ignore"


def _answer_status(answer: object, where: str) -> str | None:
    """The status Prodigy's ``answer`` gives (None: the line has none)."""
    if answer is None:
        return None
    if answer not in ANSWERS:
        raise LineError(f"{where}: answer {answer!r} is not one of accept, reject or ignore")
    return ANSWERS[answer]


def _article_from(record: dict) -> tuple[Article, Offsets]:
    """The line's article, its text normalised as any article's is (CRLF line endings,
    a BOM, escapes), with the offsets moved from the file's text to it."""
    text = record.get("text")
    if not isinstance(text, str) or not text:
        raise LineError("no 'text'")
    offsets = Offsets(text)
    text = offsets.text
    meta_in = record.get("meta")
    if not isinstance(meta_in, dict):
        meta_in = {}
    article_id = meta_in.get("id") or record.get("id")
    article_id = (
        str(article_id) if article_id not in (None, "") else "import-" + hashlib.sha1(text.encode()).hexdigest()[:16]
    )
    meta = {key: meta_value(meta_in[key]) for key in ("outlet", "date", "title", "url") if meta_in.get(key)}
    meta = {key: value for key, value in meta.items() if value}
    meta.update(_kept_meta(record, meta_in))
    return Article(article_id, text, meta_value(meta_in.get("source", "")), meta), offsets


# Meta keys the export writes itself, from the article: not kept as given.
_OWN_META = frozenset({"id", "outlet", "date", "title", "url", "source", "done"})
# Prodigy's hashes of the input and of the task: kept, so that a set goes back to Prodigy as it came.
PRODIGY_HASHES = ("_input_hash", "_task_hash")


def _kept_meta(record: dict, meta_in: dict) -> dict:
    """The line's other meta keys and Prodigy's hashes, to go out again as they came in:
    numbers, true/false and null as they are, text without controls, nothing nested."""
    given = {key: value for key, value in meta_in.items() if key not in _OWN_META}
    given.update({key: record[key] for key in PRODIGY_HASHES if key in record})
    kept: dict = {}
    for key, value in given.items():
        if isinstance(value, (bool, int, float)) or value is None:
            kept[meta_value(key)] = value
        elif isinstance(value, str):
            kept[meta_value(key)] = meta_value(value)
    return kept


class Offsets:
    """The file's text and the one Broadsheet keeps, and offsets from the one to the other."""

    def __init__(self, given: str) -> None:
        self.given = given
        self._mapping: list[int] | None
        self.text, self._mapping = (given, None) if normalise(given) == given else normalise_mapped(given)

    def moved(self, start: int, end: int, where: str) -> tuple[int, int]:
        """``start``-``end`` of the file's text, in the kept text."""
        if self._mapping is None:
            return start, end
        moved = self._mapping[start], self._mapping[end]
        if moved[0] >= moved[1]:
            raise LineError(f"{where}: offsets {start}-{end} hold nothing but line-ending or control characters")
        return moved


def _name(given: object, default: str) -> str:
    """An annotator's or a cluster's name from the file, as one line without controls."""
    return meta_value(given) if given else default


def _checked_label(label: object, where: str) -> str:
    if not isinstance(label, str) or not label:
        raise LineError(f"{where}: needs a label")
    if not is_valid_name(label):
        raise LineError(f"{where}: label {label!r} must be printable with no spaces")
    return label


def _joins_previous(char: str) -> bool:
    """A combining mark (or a zero-width joiner): it belongs to the character before it.
    None comes before U+0300, the first combining mark: most text is decided without
    looking the character up (two look-ups a span were a tenth of an import)."""
    return char >= "\u0300" and (unicodedata.category(char).startswith("M") or char == "\u200d")


def _raw_spans(record: dict) -> list[dict]:
    """Spans in our/Prodigy shape, doccano's [start, end, label] triples, or doccano's
    relation-extraction and intent `entities` (their ids kept, for the relations)."""
    if isinstance(record.get("entities"), list) and "spans" not in record:
        entities = record["entities"]
        if not all(isinstance(entity, dict) for entity in entities):
            raise LineError("'entities' must be a list of objects with start_offset, end_offset and label")
        return [
            {
                "start": entity.get("start_offset"),
                "end": entity.get("end_offset"),
                "label": entity.get("label"),
                DOCCANO_ID: entity.get("id"),
            }
            for entity in entities
        ]
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


def _annotation_from(
    raw: dict,
    article: Article,
    offsets: Offsets,
    labels: Labels,
    annotator: str,
    index: int,
    answered: str | None,
    stamp: str,
) -> Annotation:
    """One span of the line; ``answered``: the status the line's Prodigy answer gives;
    ``stamp``: when it is made (the line's spans are made at once)."""
    start, end = raw.get("start"), raw.get("end")
    where = f"span {index + 1}"
    label = labels.mapped(raw.get("label"), where)
    given = offsets.given
    # bool is an int to Python, not to JSON Schema: true would import and then fail validation.
    if not (type(start) is int and type(end) is int and isinstance(label, str) and label):
        raise LineError(f"{where}: needs integer start and end and a label")
    _checked_label(label, where)
    if not 0 <= start < end <= len(given):
        raise LineError(f"{where}: offsets {start}-{end} lie outside the text (length {len(given)})")
    if (start > 0 and _joins_previous(given[start])) or (end < len(given) and _joins_previous(given[end])):
        raise LineError(f"{where}: offsets {start}-{end} split a character from its combining mark")
    if "text" in raw and raw["text"] != given[start:end]:
        raise LineError(f"{where}: says {raw['text']!r} but offsets {start}-{end} cover {given[start:end]!r}")
    start, end = offsets.moved(start, end, where)
    covered = article.text[start:end]
    status = raw.get("status") or _answer_status(raw.get("answer"), where) or answered or "pending"
    if status not in STATUSES:
        raise LineError(f"{where}: unknown status {status!r}")
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise LineError(f"{where}: its note must be text")
    return Annotation(
        str(raw.get("id") or new_id()),
        article.id,
        start,
        end,
        label,
        covered,
        _name(raw.get("annotator"), annotator),
        stamp,
        stamp,
        status,
        note=normalise(note) if note else "",
    )


@dataclass(frozen=True)
class Labels:
    """What span labels an import takes: ``renamed`` first (--label-map OLD=NEW), then, if
    ``allowed`` is given (the label schema's names), only those."""

    renamed: dict[str, str] = field(default_factory=dict)
    allowed: frozenset[str] | None = None
    schema: str = ""  # where ``allowed`` comes from, for the message

    def mapped(self, label: object, where: str) -> object:
        label = self.renamed.get(label, label) if isinstance(label, str) else label
        if self.allowed is not None and isinstance(label, str) and label not in self.allowed:
            raise LineError(f"{where}: label {label!r} is not in {self.schema}; rename it with --label-map {label}=NEW")
        return label


def import_jsonl(
    store: Store,
    path: Path,
    annotator: str,
    progress: Callable[[int, int], None] | None = None,
    as_suggestions: bool = False,
    labels: Labels = Labels(),
) -> ImportReport:
    """Import every usable line of ``path``; problems are 'FILE:LINE: reason' strings.

    ``progress(done, total)`` is called line by line (for a progress bar). With
    ``as_suggestions`` (a model's predictions) every span comes in as a suggestion from
    the file, unless a stored span of its label already covers any of it."""
    source = f"{path.name} (imported)" if as_suggestions else ""
    report = ImportReport()
    total = count_lines(path)
    try:
        with store.bulk_import() as bulk:
            for line in jsonl_lines(path):
                if progress is not None:
                    progress(line.number, total)
                try:
                    if line.problem is not None:
                        raise LineError(line.problem)
                    assert line.record is not None  # a line has its record or a problem
                    _import_record(bulk, line.record, annotator, report, source, labels)
                except LineError as error:
                    report.problems.append(f"{path}:{line.number}: {error}")
    except JsonlFileError as error:
        report.problems.append(str(error))
    return report


def import_documents(
    store: Store,
    documents: Iterable[ReadDocument],
    annotator: str,
    labels: Labels = Labels(),
    as_suggestions: bool = False,
) -> ImportReport:
    """Import what a reader made of a file or folder (annotations/readers.py), a document at
    a time; what the format holds that Broadsheet cannot is counted in ``left_out``. A
    document of a model's predictions, and every one ``as_suggestions``, comes in as suggestions."""
    report = ImportReport()
    with store.bulk_import() as bulk:
        for document in documents:
            report.problems.extend(document.problems)
            report.left_out.update(document.left_out)
            if document.record is None:
                continue
            suggested_by = f"{document.path.name} (imported)" if as_suggestions or document.suggested else ""
            try:
                _import_record(bulk, document.record, annotator, report, suggested_by, labels)
            except LineError as error:
                report.problems.append(f"{document.where}: {error}")
    return report


def import_brat(store: Store, folder: Path, annotator: str, labels: Labels = Labels()) -> ImportReport:
    """Import a folder of brat standoff (annotations/brat.py), a document an article."""
    from .brat import brat_documents

    return import_documents(store, brat_documents(folder), annotator, labels)


def _import_record(
    bulk: BulkImport,
    record: dict,
    annotator: str,
    report: ImportReport,
    suggested_by: str = "",
    labels: Labels = Labels(),
) -> None:
    """``suggested_by``: the source of the spans when they come in as suggestions."""
    if "text" not in record and isinstance(record.get("links"), list):
        _import_group(bulk, record, annotator, report)
        return
    if record.get("answer") == IGNORE:  # Prodigy: the annotator skipped it; it says nothing
        report.ignored += 1
        return
    answered = _answer_status(record.get("answer"), "the example")
    article, offsets = _article_from(record)
    raw_spans = _raw_spans(record)
    stamp = now()
    annotations = [
        _annotation_from(raw, article, offsets, labels, annotator, index, answered, stamp)
        for index, raw in enumerate(raw_spans)
    ]
    known = bulk.annotations(article.id)
    if suggested_by:
        from .suggest import without_overlaps

        kept = without_overlaps([replace(span, status="suggested", source=suggested_by) for span in annotations], known)
        report.duplicates += len(annotations) - len(kept)
        annotations = kept
    is_new = not bulk.is_stored(article.id)
    stored_id = {span.id: span.id for span in known}  # the id each span of the line is stored under
    at_place = {(span.start, span.end, span.label, span.annotator): span.id for span in known}
    fresh = []
    for annotation in annotations:
        place = (annotation.start, annotation.end, annotation.label, annotation.annotator)
        if annotation.id in stored_id or place in at_place:
            stored_id[annotation.id] = stored_id.get(annotation.id) or at_place[place]
            report.duplicates += 1
            continue
        stored_id[annotation.id] = at_place[place] = annotation.id
        fresh.append(annotation)
    # A model's relations are not suggested: links are made between decided spans.
    links = (
        [] if suggested_by else _relations(record, annotations, stored_id, article.id, annotator, offsets, raw_spans)
    )
    try:
        bulk.import_spans(article, fresh)
        _add_new_links(bulk, links, report)
        meta = record.get("meta")
        if answered == "accepted" or (
            isinstance(meta, dict) and meta.get("done") is True
        ):  # finished: a negative if spanless
            bulk.import_done(article, annotator)
    except ArticleChangedError as error:
        raise LineError(str(error)) from None
    except StoreError as error:
        raise LineError(str(error)) from None
    report.articles += is_new
    report.spans += len(fresh)


def _relations(
    record: dict,
    annotations: list[Annotation],
    stored_id: dict[str, str],
    article_id: str,
    annotator: str,
    offsets: Offsets,
    raw_spans: list[dict],
) -> list[Link]:
    """The line's relations as links: ours name span ids; Prodigy's give head_span and
    child_span offsets, or only the token indices head and child; doccano's give the ids
    of its entities, from_id and to_id, and call the label its type."""
    relations = record.get("relations")
    if relations is None:
        return []
    if not isinstance(relations, list) or not all(isinstance(item, dict) for item in relations):
        raise LineError("'relations' must be a list of objects with head, child and label")
    ends = _RelationEnds(record, annotations, offsets, raw_spans)
    links = []
    for number, relation in enumerate(relations, start=1):
        doccano = "from_id" in relation or "to_id" in relation
        found = []
        for end, doccano_key in (("head", "from_id"), ("child", "to_id")):
            given = ends.span_id(relation, end, doccano_key, number)
            if given is None or given not in stored_id:
                raise LineError(f"relation {number}: its {end} is not one of the line's spans")
            found.append(stored_id[given])
        head, child = found
        if head == child:
            raise LineError(f"relation {number}: its head and child are the same span")
        label = _checked_label(relation.get("type" if doccano else "label"), f"relation {number}")
        links.append(_link_from({} if doccano else relation, head, article_id, child, article_id, label, annotator))
    return links


class _RelationEnds:
    """How a relation of the line names its ends, in every shape import reads."""

    def __init__(self, record: dict, annotations: list[Annotation], offsets: Offsets, raw_spans: list[dict]) -> None:
        self.offsets = offsets
        self.annotations = annotations
        self.at_offsets = {(span.start, span.end): span.id for span in annotations}
        self.by_doccano_id = {
            raw[DOCCANO_ID]: span.id
            for raw, span in zip(raw_spans, annotations, strict=True)
            if isinstance(raw.get(DOCCANO_ID), (int, str))
        }
        tokens = record.get("tokens")
        self.tokens = tokens if isinstance(tokens, list) else []

    def span_id(self, relation: dict, end: str, doccano_key: str, number: int) -> str | None:
        """The id of the line's span at the relation's ``end`` (None: no such span)."""
        if doccano_key in relation:
            key = relation[doccano_key]
            return self.by_doccano_id.get(key) if isinstance(key, (int, str)) else None
        given, span_offsets = relation.get(end), relation.get(f"{end}_span")
        if isinstance(span_offsets, dict):
            start, stop, limit = span_offsets.get("start"), span_offsets.get("end"), len(self.offsets.given)
            if type(start) is int and type(stop) is int and 0 <= start <= limit and 0 <= stop <= limit:
                return self.at_offsets.get(self.offsets.moved(start, stop, f"relation {number}"))
            return None
        if type(given) is int:  # Prodigy's token index alone: the span that holds that token
            return self._span_of_token(given, number)
        return given if isinstance(given, str) else None

    def _span_of_token(self, index: int, number: int) -> str | None:
        token = self.tokens[index] if 0 <= index < len(self.tokens) and isinstance(self.tokens[index], dict) else {}
        start, end = token.get("start"), token.get("end")
        if not (type(start) is int and type(end) is int and 0 <= start < end <= len(self.offsets.given)):
            raise LineError(f"relation {number}: token {index} is not one of the line's tokens with start and end")
        start, end = self.offsets.moved(start, end, f"relation {number}")
        holding = [span for span in self.annotations if span.start <= start and end <= span.end]
        return min(holding, key=lambda span: span.end - span.start).id if holding else None


def _link_from(
    raw: dict, head: str, head_article: str, child: str, child_article: str, label: str, annotator: str
) -> Link:
    """A link of the file, keeping the id and annotator it carries (new ones when it has none)."""
    return Link(
        str(raw.get("id") or new_id()),
        head,
        head_article,
        child,
        child_article,
        label,
        _name(raw.get("annotator"), annotator),
        now(),
    )


def _import_group(bulk: BulkImport, record: dict, annotator: str, report: ImportReport) -> None:
    """A line of a clusters file: spans (already in the database) and the links between them."""
    spans = record.get("spans")
    if not isinstance(spans, list) or not all(isinstance(span, dict) for span in spans):
        raise LineError("a cluster needs 'spans', a list of objects with id and article_id")
    article_of = {}
    for span in spans:
        article_id, span_id = str(span.get("article_id", "")), str(span.get("id", ""))
        if bulk.annotation(article_id, span_id) is None:
            raise LineError(
                f"span {span_id!r} of article {article_id!r} is not in the database: import the articles' JSONL first"
            )
        article_of[span_id] = article_id
    links = []
    for number, raw in enumerate(record["links"], start=1):
        head, child, label = (
            (raw.get("head"), raw.get("child"), raw.get("label")) if isinstance(raw, dict) else (None,) * 3
        )
        if not (_is_key(head, article_of) and _is_key(child, article_of)):
            raise LineError(f"link {number}: needs a head and child among the cluster's spans")
        label = _checked_label(label, f"link {number}")
        links.append(_link_from(raw, head, article_of[head], child, article_of[child], label, annotator))
    _add_new_links(bulk, links, report)
    name = _name(record.get("name"), "") if isinstance(record.get("name"), str) else ""
    if (
        record.get("named_by")
        and name
        and _is_key(record.get("id"), article_of)
        and bulk.cluster_names().get(record["id"]) is None
    ):
        bulk.import_cluster_names([ClusterName(record["id"], name, _name(record["named_by"], ""), now())])


def _is_key(value: object, mapping: dict[str, str]) -> TypeGuard[str]:
    """Whether ``value`` (from the file: a list, say) is one of the mapping's keys."""
    return isinstance(value, str) and value in mapping


def _add_new_links(bulk: BulkImport, links: list[Link], report: ImportReport) -> None:
    if not links:  # most lines carry none: do not read every link for them
        return
    stored = bulk.links()
    known = {link.id for link in stored} | {(link.head, link.child, link.label) for link in stored}
    fresh = [link for link in links if link.id not in known and (link.head, link.child, link.label) not in known]
    report.duplicates += len(links) - len(fresh)
    if fresh:
        bulk.import_links(fresh)
    report.links += len(fresh)
