"""Export: the annotated articles as labelled data in the formats NLP tools read.

- jsonl: one line per article, {"text", "meta", "spans": [{start, end, label, text, id,
  annotator, status}], "relations": [{head, child, label, id}]}, the span shape spaCy and
  Prodigy read; relations (links inside the article, head and child are span ids) on
  every line, empty or not;
- clusters: one line per cluster of same-as links across articles, and per other link
  between two articles (cluster_records);
- prodigy: Prodigy's task, {"text", "tokens", "spans" with token_start/token_end,
  "relations" with head/child token indices and head_span/child_span, "answer", "meta"};
- doccano: {"id", "text", "label": [[start, end, "LABEL"], ...]} per line (sequence
  labelling); doccano-re: {"id", "text", "entities": [{id, label, start_offset,
  end_offset}], "relations": [{id, from_id, to_id, type}]} (relation extraction);
- brat: a folder of <article>.txt and <article>.ann standoff files (T lines for spans, R
  lines for links between them) and an annotation.conf of the labels and relations used;
- conll: CoNLL-2003's -DOCSTART- line before each article, then one token a line with
  its IOB2 tag and a blank line after each sentence;
- labelstudio: Label Studio's tasks and the labelling config beside them (labelstudio.py);
- spacy: a DocBin, spaCy's training format (docbin.py);
- uima: a folder of UIMA CAS XMI files and their type system, as INCEpTION reads them (uima.py).

Offsets are Python string offsets into the exported text, end exclusive, and
``text[start:end] == span["text"]`` always holds.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .model import Annotation, Link
from .output import new_folder
from .schema import CLUSTER_RELATION
from .sentences import sentence_spans
from .storage import atomic_write
from .store import Store
from .text import one_line

FORMATS = ("jsonl", "prodigy", "doccano", "doccano-re", "brat", "conll", "labelstudio", "spacy", "uima")
STATUS_FORMATS = ("jsonl",)  # the formats that write each span's status, so may carry rejected spans


class TextSink(Protocol):
    """Where an export's text goes as it is made: a file, standard output, a StringIO."""

    def write(self, text: str, /) -> object: ...


@dataclass(frozen=True)
class ExportSelection:
    """Which spans to export: accepted only with ``gold``; empty sets mean any.

    Suggestions are never exported until accepted, nor are the ones turned down; a span
    a reviewer rejected is not either, unless ``with_rejected`` (a format that carries
    each span's status, for training on negatives), and then never with ``gold``."""

    gold: bool = False
    labels: frozenset[str] = field(default_factory=frozenset)
    articles: frozenset[str] = field(default_factory=frozenset)
    annotators: frozenset[str] = field(default_factory=frozenset)
    with_rejected: bool = False

    def keeps(self, annotation: Annotation) -> bool:
        return (
            annotation.settled
            and (annotation.status != "rejected" or self.with_rejected)
            and (not self.gold or annotation.status == "accepted")
            and (not self.labels or annotation.label in self.labels)
            and (not self.annotators or annotation.annotator in self.annotators)
        )


@dataclass
class ExportedArticle:
    id: str
    text: str
    meta: dict
    spans: list[Annotation]
    relations: list[Link] = field(default_factory=list)  # links between two of ``spans``


# The article's own meta keys, which the export writes from the article; the others in the
# stored meta (a Prodigy line's hashes, a team's own keys) go out as they came in.
_WRITTEN_META = frozenset({"id", "outlet", "date", "title", "source", "done"})


def _links_within(store: Store) -> dict[str, list[Link]]:
    """Accepted links inside one article, by article. Those whose two spans are exported are
    written: an exported span exists and is not orphaned, so the link is live."""
    links_within: dict[str, list[Link]] = {}
    for link in store.links():
        if link.status == "accepted" and link.head_article == link.child_article:
            links_within.setdefault(link.head_article, []).append(link)
    return links_within


def exported_articles(
    store: Store,
    selection: ExportSelection = ExportSelection(),
    orphans: list[Annotation] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[ExportedArticle]:
    """Articles with at least one selected span, and those the analyst has finished even
    with none (negative examples), by id; spans by start, then end.

    Orphaned spans (their article's text changed and their text is gone) are never
    exported; they are appended to ``orphans`` so the caller can say so.
    ``progress(done, total)`` is called per article looked at (for a progress bar)."""
    article_ids = store.article_ids_in_turn()
    finished = store.done_articles()
    links_within = _links_within(store)
    if selection.articles:
        article_ids = [article_id for article_id in article_ids if article_id in selection.articles]
    for done, article_id in enumerate(article_ids, start=1):
        if progress is not None:
            progress(done, len(article_ids))
        found = store.article_once(article_id)  # one article in memory at a time
        if found is None:
            continue
        stored = found.stored
        spans = [span for span in found.annotations if selection.keeps(span)]
        if any(span.orphaned for span in spans):
            if orphans is not None:
                orphans.extend(span for span in spans if span.orphaned)
            spans = [span for span in spans if not span.orphaned]
        if not spans and article_id not in finished:
            continue
        meta = {
            "id": stored.id,
            "outlet": stored.meta.get("outlet", ""),
            "date": stored.meta.get("date", ""),
            "title": stored.meta.get("title", ""),
            "source": stored.source,
            "done": article_id in finished,
            **{key: value for key, value in stored.meta.items() if key not in _WRITTEN_META},  # kept as imported
        }
        spans.sort(key=lambda span: (span.start, span.end, span.label, span.id))
        exported = {span.id for span in spans}
        position = {span.id: index for index, span in enumerate(spans)}
        # In span order, not the order they were made: an import makes them all at once.
        relations = sorted(
            (link for link in links_within.get(article_id, []) if exported.issuperset(link.ends())),
            key=lambda link: (position[link.head], position[link.child], link.label, link.created, link.id),
        )
        yield ExportedArticle(article_id, found.text, meta, spans, relations)


def link_record(link: Link) -> dict:
    return {"head": link.head, "child": link.child, "label": link.label, "id": link.id}


def jsonl_record(article: ExportedArticle) -> dict:
    record = {
        "text": article.text,
        "meta": article.meta,
        "spans": [
            {
                "start": span.start,
                "end": span.end,
                "label": span.label,
                "text": span.text,
                "id": span.id,
                "annotator": span.annotator,
                "status": span.status,
                **({"note": span.note} if span.note else {}),
            }
            for span in article.spans
        ],
    }
    # On every line, empty or not: doccano's importer needs the same keys on every line.
    record["relations"] = [link_record(link) for link in article.relations]
    return record


def doccano_record(article: ExportedArticle) -> dict:
    return {
        "id": article.id,
        "text": article.text,
        "label": [[span.start, span.end, span.label] for span in article.spans],
    }


def doccano_relations_record(article: ExportedArticle) -> dict:
    """doccano's relation-extraction line: entities numbered within the line, relations
    between them by those numbers."""
    number = {span.id: index for index, span in enumerate(article.spans, start=1)}
    return {
        "id": article.id,
        "text": article.text,
        "entities": [
            {"id": number[span.id], "label": span.label, "start_offset": span.start, "end_offset": span.end}
            for span in article.spans
        ],
        "relations": [
            {"id": index, "from_id": number[link.head], "to_id": number[link.child], "type": link.label}
            for index, link in enumerate(article.relations, start=1)
        ],
    }


def prodigy_record(article: ExportedArticle) -> dict:
    """Prodigy's task: its tokens, each span with token_start and token_end, relations by
    the token indices of their ends' last tokens (and head_span and child_span), and the
    answer (accept: what is exported was decided or stands)."""
    tokens: list[dict[str, Any]] = [
        {
            "text": match.group(),
            "start": match.start(),
            "end": match.end(),
            "id": index,
            "ws": article.text[match.end() : match.end() + 1].isspace(),
        }
        for index, match in enumerate(_TOKEN.finditer(article.text))
    ]
    starts = [token["start"] for token in tokens]
    ends = [token["end"] for token in tokens]

    def token_range(span: Annotation) -> tuple[int, int]:
        """The tokens the span covers (a span that cuts a token takes the whole token)."""
        first = max(bisect.bisect_right(starts, span.start) - 1, 0)
        last = max(bisect.bisect_left(ends, span.end), first)
        return first, min(last, len(tokens) - 1)

    ranges = {span.id: token_range(span) for span in article.spans}
    spans = [
        {
            "start": span.start,
            "end": span.end,
            "label": span.label,
            "text": span.text,
            "token_start": ranges[span.id][0],
            "token_end": ranges[span.id][1],
        }
        for span in article.spans
    ]
    place = {
        span.id: {
            "start": span.start,
            "end": span.end,
            "token_start": ranges[span.id][0],
            "token_end": ranges[span.id][1],
            "label": span.label,
        }
        for span in article.spans
    }
    relations = [
        {
            "head": ranges[link.head][1],
            "child": ranges[link.child][1],
            "label": link.label,
            "head_span": place[link.head],
            "child_span": place[link.child],
        }
        for link in article.relations
    ]
    hashes = {key: article.meta[key] for key in ("_input_hash", "_task_hash") if key in article.meta}
    return {
        "text": article.text,
        "tokens": tokens,
        "spans": spans,
        "relations": relations,
        "answer": "accept",
        "meta": {key: value for key, value in article.meta.items() if key != "done" and key not in hashes},
        **hashes,
    }


def write_lines(
    articles: Iterator[ExportedArticle], out: TextSink, fmt: str = "jsonl", report: OverlapReport | None = None
) -> int:
    """One JSON line per article. For doccano, overlapping spans are written and listed in
    ``report``: a doccano project that does not allow overlaps silently keeps one."""
    make = {
        "jsonl": jsonl_record,
        "doccano": doccano_record,
        "doccano-re": doccano_relations_record,
        "prodigy": prodigy_record,
    }[fmt]
    count = 0
    for article in articles:
        out.write(json.dumps(make(article), ensure_ascii=False) + "\n")
        if fmt.startswith("doccano") and report is not None:
            report.overlapping.extend((article.id, span, other) for span, other in overlapping_pairs(article.spans))
        count += 1
    return count


def overlapping_pairs(spans: list[Annotation]) -> Iterator[tuple[Annotation, Annotation]]:
    """Each pair of overlapping spans, ``spans`` sorted by start."""
    for index, span in enumerate(spans):
        for other in spans[index + 1 :]:
            if other.start >= span.end:
                break
            yield span, other


def write_jsonl(store: Store, out: TextSink, selection: ExportSelection = ExportSelection()) -> int:
    """Write the JSONL export to ``out``; returns the number of lines (articles) written."""
    return write_lines(exported_articles(store, selection), out)


# -- clusters across articles -----------------------------------------------------------


def _member_record(span: Annotation) -> dict:
    return {
        "id": span.id,
        "article_id": span.article_id,
        "start": span.start,
        "end": span.end,
        "label": span.label,
        "text": span.text,
    }


def cluster_records(
    store: Store, selection: ExportSelection = ExportSelection(), relation: str = CLUSTER_RELATION
) -> list[dict]:
    """The clusters of ``relation`` links, then every other link between two articles, as
    {"id", "relation", "spans": [{id, article_id, start, end, label, text}], "links": [...]};
    a cluster also has "name", "named_by" (empty for the default name), "label" and, when
    two or more of its spans hold figures, "disagree". Members outside ``selection`` are
    left out, and a group left with fewer than two spans is not written."""

    from .compare import build_clusters  # figures and difflib: not for start-up, which imports this module
    from .figures import disagree

    def kept(span: Annotation) -> bool:
        return selection.keeps(span) and (not selection.articles or span.article_id in selection.articles)

    records = []
    for cluster in sorted(build_clusters(store, relation=relation), key=lambda cluster: cluster.id):
        members = [span for span in cluster.spans if kept(span)]
        if len(members) < 2:
            continue
        position = {span.id: index for index, span in enumerate(members)}
        links = sorted(
            (link for link in cluster.links if position.keys() >= set(link.ends())),
            key=lambda link: (position[link.head], position[link.child], link.label, link.id),
        )
        record: dict[str, object] = {
            "id": cluster.id,
            "name": cluster.name,
            "named_by": cluster.named_by,
            "label": cluster.label,
            "relation": relation,
            "spans": [_member_record(span) for span in members],
            "links": [link_record(link) for link in links],
        }
        figures = [figure for span_id, figure in cluster.figures.items() if span_id in position]
        if len(figures) >= 2:
            record["disagree"] = disagree(figures)
        records.append(record)
    links, spans = store.live_links()
    for link in links:
        if link.label == relation or link.head_article == link.child_article:
            continue
        head, child = spans[link.head], spans[link.child]
        if kept(head) and kept(child):
            records.append(
                {
                    "id": link.id,
                    "relation": link.label,
                    "spans": [_member_record(head), _member_record(child)],
                    "links": [link_record(link)],
                }
            )
    return records


# -- brat ---------------------------------------------------------------------------


def brat_fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """brat's standoff cannot hold a newline inside a fragment: split the span at newlines."""
    fragments = []
    for match in re.finditer(r"[^\n]+", text[start:end]):
        fragments.append((start + match.start(), start + match.end()))
    return fragments


def brat_annotation_file(article: ExportedArticle) -> str:
    """The article's .ann: a T line per span, an R line per link between two of them, and
    a ``#`` AnnotatorNotes line per span with a note."""
    lines = []
    number_of = {}
    for number, span in enumerate(article.spans, start=1):
        fragments = brat_fragments(article.text, span.start, span.end)
        offsets = ";".join(f"{start} {end}" for start, end in fragments)
        covered = " ".join(article.text[start:end] for start, end in fragments)
        lines.append(f"T{number}\t{span.label} {offsets}\t{covered}")
        number_of[span.id] = number
    for number, link in enumerate(article.relations, start=1):
        lines.append(f"R{number}\t{link.label} Arg1:T{number_of[link.head]} Arg2:T{number_of[link.child]}")
    notes = [(number_of[span.id], span.note) for span in article.spans if span.note]
    for number, (span_number, note) in enumerate(notes, start=1):  # one line each: brat's notes hold no newline
        lines.append(f"#{number}\tAnnotatorNotes T{span_number}\t{one_line(note)}")
    return "".join(line + "\n" for line in lines)


def brat_configuration(labels: set[str], relations: set[str]) -> str:
    """annotation.conf for the labels and relations an export uses: brat's verifier flags
    every span of a type it does not list. Spans may nest and overlap (the <OVERLAP> rule)."""
    sections = [
        "[entities]",
        *sorted(labels),
        "",
        "[relations]",
        *(f"{relation}\tArg1:<ENTITY>, Arg2:<ENTITY>" for relation in sorted(relations)),
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
        "",
        "[events]",
        "",
        "[attributes]",
        "",
    ]
    return "\n".join(sections)


STEM_LIMIT = 100  # characters (ASCII): room for ".ann" and a writer's temporary name within 255 bytes


def _with_digest(stem: str, key: str) -> str:
    return f"{stem[: STEM_LIMIT - 17]}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"


def safe_file_stem(article_id: str) -> str:
    """The id as a file name: ASCII letters, digits, '.', '_' and '-'; one too long is cut
    and ends in a hash of the whole id, so two long ids alike at the start stay apart."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", article_id).strip("._") or "article"
    if len(stem) > STEM_LIMIT:
        stem = _with_digest(stem, article_id)
    return stem


def article_stems(articles: Iterable[ExportedArticle]) -> Iterator[tuple[str, ExportedArticle]]:
    """Each article with the file stem it is written under in a folder; two ids with one stem
    (say "a b" and "a_b") are told apart by a hash."""
    used: set[str] = set()
    for article in articles:
        stem = safe_file_stem(article.id)
        while stem in used:
            stem = _with_digest(stem, stem + article.id)
        used.add(stem)
        yield stem, article


def write_brat(articles: Iterator[ExportedArticle], folder: Path) -> int:
    """Write a .txt and a .ann per article into ``folder``, which gets them all or none (see
    output.new_folder)."""
    count = 0
    labels: set[str] = set()
    relations: set[str] = set()
    with new_folder(folder) as filling:
        for stem, article in article_stems(articles):
            atomic_write(filling / f"{stem}.txt", article.text.encode("utf-8"), keep_backup=False)
            atomic_write(filling / f"{stem}.ann", brat_annotation_file(article).encode("utf-8"), keep_backup=False)
            labels.update(span.label for span in article.spans)
            relations.update(link.label for link in article.relations)
            count += 1
        atomic_write(
            filling / "annotation.conf", brat_configuration(labels, relations).encode("utf-8"), keep_backup=False
        )
    return count


# -- CoNLL ----------------------------------------------------------------------------

# "U.S." is one token with its full stop (as spaCy has it), so its letters stay one span.
_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|\w+(?:[’'.,-]\w+)*|[^\w\s]", re.UNICODE)


@dataclass
class OverlapReport:
    """What a format cannot hold as it is. CoNLL: spans that overlap a longer span that
    was kept (dropped), and spans that cross a sentence or paragraph break (written as one
    span a sentence, since a block of tokens must not start inside a span), and spans
    that begin or end inside a token (written as the whole token). doccano: overlapping
    spans (written; its default project keeps one of them)."""

    dropped: list[tuple[str, Annotation, Annotation]] = field(default_factory=list)
    split: list[tuple[str, Annotation]] = field(default_factory=list)
    widened: list[tuple[str, Annotation]] = field(default_factory=list)
    overlapping: list[tuple[str, Annotation, Annotation]] = field(default_factory=list)  # written, for doccano

    @property
    def iob_changes(self) -> int:
        """Spans CoNLL could not write as they are (dropped, split or widened)."""
        return len(self.dropped) + len(self.split) + len(self.widened)

    def lines(self) -> list[str]:
        return (
            [
                f"{article_id}: {span.label} {span.text!r} ({span.start}-{span.end}) overlaps "
                f"{kept.label} {kept.text!r} ({kept.start}-{kept.end}); kept the outer span"
                for article_id, span, kept in self.dropped
            ]
            + [
                f"{article_id}: {span.label} {one_line(span.text)!r} ({span.start}-{span.end}) crosses a sentence "
                "break; written as a span in each sentence"
                for article_id, span in self.split
            ]
            + [
                f"{article_id}: {span.label} {one_line(span.text)!r} ({span.start}-{span.end}) begins or ends inside a "
                "word; written as the whole word"
                for article_id, span in self.widened
            ]
            + [
                f"{article_id}: {span.label} {one_line(span.text)!r} ({span.start}-{span.end}) overlaps {other.label} "
                f"{one_line(other.text)!r} ({other.start}-{other.end}); a doccano project keeps both only if it allows "
                "overlapping spans"
                for article_id, span, other in self.overlapping
            ]
        )


def bio_spans(article: ExportedArticle, report: OverlapReport) -> list[Annotation]:
    """The spans BIO can encode: longest first, each dropping the ones it overlaps."""
    kept: list[Annotation] = []
    for span in sorted(article.spans, key=lambda s: (-(s.end - s.start), s.start)):
        clash = next((other for other in kept if span.start < other.end and other.start < span.end), None)
        if clash is None:
            kept.append(span)
        else:
            report.dropped.append((article.id, span, clash))
    return sorted(kept, key=lambda span: span.start)


# CoNLL-2003's document separator: spaCy's converter splits documents on it, and a line
# of its own ("# id = ...") made spaCy stop with E177. The article id cannot travel in it.
DOCUMENT_START = "-DOCSTART- -X- O O"


def conll_lines(article: ExportedArticle, report: OverlapReport) -> list[str]:
    """The article as CoNLL: its separator, then a token a line with its IOB2 tag and a
    blank line after each sentence (sentences.py). Every span starts B- in each sentence
    it reaches, so the tags are valid IOB2 (seqeval's strict mode)."""
    spans = bio_spans(article, report)
    lines = [DOCUMENT_START, ""]
    for sentence_start, sentence_end in sentence_spans(article.text):
        previous = None  # the span of the token before, in this sentence
        for match in _TOKEN.finditer(article.text, sentence_start, sentence_end):
            start, end = match.span()
            span = next((s for s in spans if s.start < end and start < s.end), None)
            if span is None:
                tag = "O"
            else:
                tag = ("I-" if span is previous else "B-") + span.label
                if span is not previous and start > span.start and (article.id, span) not in report.split:
                    report.split.append((article.id, span))
                if (start < span.start or span.end < end) and (article.id, span) not in report.widened:
                    report.widened.append((article.id, span))
            previous = span
            lines.append(f"{match.group()}\t{tag}")
        lines.append("")
    return lines


def write_conll(articles: Iterator[ExportedArticle], out: TextSink, report: OverlapReport) -> int:
    count = 0
    for article in articles:
        out.write("\n".join(conll_lines(article, report)) + "\n")
        count += 1
    return count
