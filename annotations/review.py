"""Review: walk the annotations, decide on each, fix labels and boundaries.

Every decision is an ordinary store update (so it is durable at once and undoable)
that records the reviewer and the time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import STATUSES, Annotation, now, span_order
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
            for name, values in zip(FILTER_FIELDS, (self.labels, self.articles, self.annotators, self.statuses), strict=True)
            if values
        ]
        return " ".join(parts) or "all"


def review_queue(store: Store, selection: ReviewFilter = ReviewFilter()) -> list[Annotation]:
    """The annotations to review, in article order (by id), then reading order."""
    article_ids = sorted(selection.articles) if selection.articles else store.article_ids()
    return [
        annotation
        for article_id in article_ids
        for annotation in sorted(store.annotations(article_id), key=span_order)
        if selection.matches(annotation)
    ]


UNDECIDED = ("suggested", "pending")


def first_pending(queue: list[Annotation]) -> int:
    """Where a review resumes: the first annotation not decided on (or the end)."""
    return next((index for index, annotation in enumerate(queue) if annotation.status in UNDECIDED), len(queue))


def decide(store: Store, annotation: Annotation, status: str, reviewer: str) -> Annotation:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    return store.update(annotation, status=status, reviewer=reviewer, reviewed=now())


def decide_all(store: Store, annotations: list[Annotation], status: str, reviewer: str) -> list[Annotation]:
    """The same decision on many spans (every suggestion of an article): one undo step."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    verb = {"accepted": "accept", "rejected": "reject"}.get(status, f"mark {status}")
    step = store.update_spans(annotations, f"{verb} {len(annotations)} suggestion(s)", status=status, reviewer=reviewer, reviewed=now())
    return step.spans()


def relabel(store: Store, annotation: Annotation, label: str, reviewer: str) -> Annotation:
    return store.update(annotation, label=label, reviewer=reviewer, reviewed=now())


def move_boundary(store: Store, annotation: Annotation, text: str, edge: str, direction: int, reviewer: str) -> Annotation:
    """Grow or shrink the span by one word at its start or end; unchanged at a limit."""
    start, end = annotation.start, annotation.end
    if edge == "start":
        start = move_start(text, start, end, direction)
    else:
        end = move_end(text, start, end, direction)
    if (start, end) == (annotation.start, annotation.end):
        return annotation
    return store.update(annotation, start=start, end=end, text=text[start:end], reviewer=reviewer, reviewed=now())


def status_counts(queue: list[Annotation]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for annotation in queue:
        counts[annotation.status] = counts.get(annotation.status, 0) + 1
    return counts
