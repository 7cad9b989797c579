"""Review: walk the annotations, decide on each, fix labels and boundaries.

Every decision is an ordinary store update (so it is durable at once and undoable)
that records the reviewer and the time.
"""

from __future__ import annotations

import bisect
import time
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

from .model import STATUSES, Annotation, now
from .store import Store
from .text import move_end, move_start

FILTER_FIELDS = ("label", "article", "annotator", "status")


class FilterError(ValueError):
    pass


@dataclass(frozen=True)
class ReviewFilter:
    """Which annotations to show: each field is a set of allowed values (empty: any)."""

    labels: frozenset[str] = field(default_factory=frozenset)
    articles: frozenset[str] = field(default_factory=frozenset)
    annotators: frozenset[str] = field(default_factory=frozenset)
    statuses: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        unknown = sorted(self.statuses - set(STATUSES))
        if unknown:
            raise FilterError(f"unknown status {unknown[0]!r} (one of {', '.join(STATUSES)})")

    def matches(self, annotation: Annotation) -> bool:
        return (
            (not self.labels or annotation.label in self.labels)
            and (not self.articles or annotation.article_id in self.articles)
            and (not self.annotators or annotation.annotator in self.annotators)
            and (not self.statuses or annotation.status in self.statuses)
        )

    @classmethod
    def parse(cls, text: str) -> ReviewFilter:
        """'label:actor,quote status:pending' (fields: label, article, annotator, status)."""
        values: dict[str, set[str]] = {name: set() for name in FILTER_FIELDS}
        for term in text.split():
            name, colon, value = term.partition(":")
            if not colon or name not in values or not value:
                raise FilterError(f"{term!r}: write field:value, with a field among {', '.join(FILTER_FIELDS)}")
            values[name].update(part for part in value.split(",") if part)
        return cls(
            frozenset(values["label"]),
            frozenset(values["article"]),
            frozenset(values["annotator"]),
            frozenset(values["status"]),
        )

    def describe(self) -> str:
        parts = [
            f"{name}:{','.join(sorted(values))}"
            for name, values in zip(
                FILTER_FIELDS, (self.labels, self.articles, self.annotators, self.statuses), strict=True
            )
            if values
        ]
        return " ".join(parts) or "all"


def review_queue(store: Store, selection: ReviewFilter = ReviewFilter()) -> list[Annotation]:
    """The annotations to review, in article order, then reading order (see ReviewQueue)."""
    return list(ReviewQueue(store, selection))


UNDECIDED = ("suggested", "pending")


def first_pending(queue: Sequence[Annotation]) -> int:
    """Where a review resumes: the first annotation not decided on (or the end)."""
    for index, annotation in enumerate(queue):
        if annotation.status in UNDECIDED:
            return index
    return len(queue)  # after the walk: a ReviewQueue's length is what it has read


RECENT_ARTICLES = 32  # articles read lately whose spans are kept, for a walk back and forth


class ReviewQueue(Sequence[Annotation]):
    """The annotations to review, read an article at a time as the walk (or read_more)
    reaches them, so that a review of a million opens on its first card at once and holds
    only what it shows: the spans of the articles changed or read lately, and per article
    read, how many it holds. Articles are in their files' order (their ids, for ids of
    letters, digits, dots, dashes and underscores), or by id when the filter names them;
    spans in reading order. Its length is what was read so far; ``complete`` once all."""

    def __init__(self, store: Store, selection: ReviewFilter = ReviewFilter()) -> None:
        self._store, self._selection = store, selection
        self._sources = sorted(selection.articles) if selection.articles else store.article_keys()
        self._ends: list[int] = []  # per article read: where its spans end in the queue
        self._changed: dict[int, list[Annotation]] = {}  # by article: spans changed through the queue
        self._recent: OrderedDict[int, list[Annotation]] = OrderedDict()
        self._statuses: Counter[str] = Counter()

    @property
    def complete(self) -> bool:
        return len(self._ends) == len(self._sources)

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def read_more(self, seconds: float) -> bool:
        """Read articles for about ``seconds`` (one at least); whether all are read."""
        deadline = time.perf_counter() + seconds
        while not self.complete:
            self._read_next()
            if time.perf_counter() >= deadline:
                break
        return self.complete

    def reach(self, index: int) -> None:
        """Read on until the queue holds ``index`` (or all is read)."""
        while index >= len(self) and not self.complete:
            self._read_next()

    def _read_next(self) -> None:
        article = len(self._ends)
        spans = self._read(article)
        self._ends.append(len(self) + len(spans))
        self._statuses.update(span.status for span in spans)
        self._keep_recent(article, spans)

    def _read(self, article: int) -> list[Annotation]:
        source = self._sources[article]
        if self._selection.articles:
            found = self._store.annotations(source)
        else:
            read = self._store.read_article(source)
            found = [] if read is None else read.annotations
        return [span for span in found if self._selection.matches(span)]

    def _keep_recent(self, article: int, spans: list[Annotation]) -> None:
        self._recent[article] = spans
        self._recent.move_to_end(article)
        if len(self._recent) > RECENT_ARTICLES:
            self._recent.popitem(last=False)

    def _spans_of(self, article: int) -> list[Annotation]:
        spans = self._changed.get(article)
        if spans is None:
            spans = self._recent.get(article)
            if spans is None:  # read before and let go: unchanged since, so the same spans
                spans = self._read(article)
            self._keep_recent(article, spans)
        return spans

    def _place(self, index: int) -> tuple[int, int]:
        """(article, offset in it) of ``index``, reading on as far as needed."""
        self.reach(index)
        if not 0 <= index < len(self):
            raise IndexError(index)
        article = bisect.bisect_right(self._ends, index)
        return article, index - (self._ends[article - 1] if article else 0)

    def __getitem__(self, index: int) -> Annotation:  # type: ignore[override]
        article, offset = self._place(index)
        return self._spans_of(article)[offset]

    def __setitem__(self, index: int, annotation: Annotation) -> None:
        """Show ``annotation`` (a decision's result) in place of the one at ``index``."""
        article, offset = self._place(index)
        spans = self._changed[article] = list(self._spans_of(article))
        self._statuses[spans[offset].status] -= 1
        self._statuses[annotation.status] += 1
        spans[offset] = annotation

    def positions_of(self, span_ids: set[str]) -> list[int]:
        """Where the spans of ``span_ids`` are, among those changed through the queue."""
        return sorted(
            (self._ends[article - 1] if article else 0) + offset
            for article, spans in self._changed.items()
            for offset, span in enumerate(spans)
            if span.id in span_ids
        )

    def status_counts(self) -> dict[str, int]:
        """How many of the spans read are in each status."""
        return {**dict.fromkeys(STATUSES, 0), **+self._statuses}


def decide(store: Store, annotation: Annotation, status: str, reviewer: str) -> Annotation:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    return store.update(annotation, status=status, reviewer=reviewer, reviewed=now())


def decide_all(store: Store, annotations: list[Annotation], status: str, reviewer: str) -> list[Annotation]:
    """The same decision on many spans (every suggestion of an article): one undo step."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    verb = {"accepted": "accept", "rejected": "reject"}.get(status, f"mark {status}")
    step = store.update_spans(
        annotations, f"{verb} {len(annotations)} suggestion(s)", status=status, reviewer=reviewer, reviewed=now()
    )
    return step.spans()


def relabel(store: Store, annotation: Annotation, label: str, reviewer: str) -> Annotation:
    return store.update(annotation, label=label, reviewer=reviewer, reviewed=now())


def move_boundary(
    store: Store, annotation: Annotation, text: str, edge: str, direction: int, reviewer: str
) -> Annotation:
    """Grow or shrink the span by one word at its start or end; unchanged at a limit."""
    start, end = annotation.start, annotation.end
    if edge == "start":
        start = move_start(text, start, end, direction)
    else:
        end = move_end(text, start, end, direction)
    if (start, end) == (annotation.start, annotation.end):
        return annotation
    return store.update(annotation, start=start, end=end, text=text[start:end], reviewer=reviewer, reviewed=now())
