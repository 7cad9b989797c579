"""Adjudication: settling where annotators differ, one region of an article at a time.

Run on a merged database (see merging.py), which holds every annotator's spans. Spans
that differ only in boundaries or label are rival versions of one thing: two spans are
rivals when they overlap and either share their label or share at least half of the
characters they cover between them. A *region* is a group of spans joined by rivalry;
a span nested in a much longer one with another label (an actor inside a quote) is a
thing of its own and gets a region of its own.

A region's *versions* are its distinct (start, end, label); each names the annotators
who tagged it so. A region is disputed unless it has one version that every annotator
tagged. Deciding a region is one undoable step: picking a version accepts one span of
it (named after everyone who tagged it so) and rejects the rest of the region; or every
span of the region is rejected. The accepted span is the gold span (export --gold).
"""

from __future__ import annotations

from dataclasses import dataclass

from .components import Components
from .model import Annotation, annotator_names, joined_names, now, span_order
from .store import Step, Store

RIVAL_SHARE = 0.5  # of the characters two spans cover between them, for rivals with different labels


def rivals(first: Annotation, second: Annotation) -> bool:
    shared = min(first.end, second.end) - max(first.start, second.start)
    if shared <= 0:
        return False
    covered = max(first.end, second.end) - min(first.start, second.start)
    return first.label == second.label or shared >= RIVAL_SHARE * covered


@dataclass(frozen=True)
class Version:
    """One way the region was tagged, and the spans (one per annotator, normally) that tag it so."""

    start: int
    end: int
    label: str
    spans: tuple[Annotation, ...]

    @property
    def text(self) -> str:
        return self.spans[0].text

    @property
    def annotators(self) -> list[str]:
        return sorted({name for span in self.spans for name in annotator_names(span.annotator)})

    @property
    def status(self) -> str:
        """accepted when one of its spans is, rejected when all are; else pending."""
        statuses = {span.status for span in self.spans}
        if "accepted" in statuses:
            return "accepted"
        return "rejected" if statuses == {"rejected"} else "pending"


@dataclass(frozen=True)
class Region:
    article_id: str
    versions: tuple[Version, ...]
    annotators: tuple[str, ...]  # everyone whose work is being adjudicated, tagged here or not

    @property
    def start(self) -> int:
        return min(version.start for version in self.versions)

    @property
    def end(self) -> int:
        return max(version.end for version in self.versions)

    @property
    def spans(self) -> list[Annotation]:
        return [span for version in self.versions for span in version.spans]

    @property
    def disputed(self) -> bool:
        return len(self.versions) > 1 or set(self.versions[0].annotators) != set(self.annotators)

    @property
    def decided(self) -> bool:
        return all(span.status in ("accepted", "rejected") for span in self.spans)

    def describe(self) -> str:
        """How the versions differ, in a few words."""
        if not self.disputed:
            return "all agree"
        if len(self.versions) == 1:
            return f"only {', '.join(self.versions[0].annotators)} tagged this"
        labels = {version.label for version in self.versions}
        boundaries = {(version.start, version.end) for version in self.versions}
        difference = (
            "boundaries differ"
            if len(labels) == 1
            else "labels differ"
            if len(boundaries) == 1
            else "labels and boundaries differ"
        )
        missing = self.missing()
        return difference + (f"; {', '.join(missing)} tagged nothing" if missing else "")

    def missing(self) -> list[str]:
        """Annotators who tagged nothing here."""
        tagged = {name for version in self.versions for name in version.annotators}
        return [name for name in self.annotators if name not in tagged]

    def with_spans(self, spans: list[Annotation]) -> Region:
        """The region after a decision: the same versions, holding the spans as they are now."""
        current = {span.id: span for span in spans}
        return Region(
            self.article_id,
            tuple(
                Version(
                    version.start,
                    version.end,
                    version.label,
                    tuple(current.get(span.id, span) for span in version.spans),
                )
                for version in self.versions
            ),
            self.annotators,
        )


def _adjudicated(span: Annotation) -> bool:
    """Spans a region shows: an annotator's tags and the decisions taken on them (suggestions
    nobody took up, and spans whose text left the article, have nothing to adjudicate)."""
    return span.status != "suggested" and not span.orphaned


def article_regions(article_id: str, spans: list[Annotation], annotators: tuple[str, ...]) -> list[Region]:
    """The article's spans grouped into regions, in reading order."""
    spans = sorted((span for span in spans if _adjudicated(span)), key=span_order)
    components = Components()
    open_spans: list[Annotation] = []  # spans that may still overlap the next one (sorted by start)
    for span in spans:
        open_spans = [other for other in open_spans if other.end > span.start]
        for other in open_spans:
            if rivals(other, span):
                components.union(span.id, other.id)
        open_spans.append(span)
    groups: dict[str, list[Annotation]] = {}
    for span in spans:
        groups.setdefault(components.find(span.id), []).append(span)
    regions = []
    for members in groups.values():
        versions: dict[tuple[int, int, str], list[Annotation]] = {}
        for span in members:
            versions.setdefault((span.start, span.end, span.label), []).append(span)
        regions.append(
            Region(
                article_id,
                tuple(Version(start, end, label, tuple(alike)) for (start, end, label), alike in versions.items()),
                annotators,
            )
        )
    return sorted(regions, key=lambda region: (region.start, -region.end))


def regions(store: Store) -> list[Region]:
    """Every region of every article, article by article (by id) in reading order."""
    spans = {article_id: store.annotations(article_id) for article_id in store.article_ids()}
    annotators = tuple(
        sorted(
            {
                name
                for article_spans in spans.values()
                for span in article_spans
                if _adjudicated(span)
                for name in annotator_names(span.annotator)
            }
        )
    )
    return [
        region
        for article_id, article_spans in spans.items()
        for region in article_regions(article_id, article_spans, annotators)
    ]


def first_undecided(found: list[Region]) -> int:
    """Where adjudication resumes: the first region with a span nobody decided on (or the end)."""
    return next((index for index, region in enumerate(found) if not region.decided), len(found))


def pick(store: Store, region: Region, number: int, adjudicator: str) -> Step:
    """Make version ``number`` (from 1) the gold span: one of its spans accepted, named after
    everyone who tagged it so; every other span of the region rejected. One undoable step."""
    chosen = region.versions[number - 1]
    kept = chosen.spans[0]
    stamp = now()
    changes = [
        (
            kept,
            kept.changed(
                status="accepted", annotator=joined_names(chosen.annotators), reviewer=adjudicator, reviewed=stamp
            ),
        )
    ]
    changes += [
        (span, span.changed(status="rejected", reviewer=adjudicator, reviewed=stamp))
        for span in region.spans
        if span.id != kept.id
    ]
    return store.change_spans(changes, f"adjudicate: {chosen.label} {chosen.text!r} ({', '.join(chosen.annotators)})")


def reject_all(store: Store, region: Region, adjudicator: str) -> Step:
    """No version is right: every span of the region rejected, in one undoable step."""
    stamp = now()
    return store.change_spans(
        [(span, span.changed(status="rejected", reviewer=adjudicator, reviewed=stamp)) for span in region.spans],
        f"adjudicate: reject {len(region.spans)} span(s)",
    )
