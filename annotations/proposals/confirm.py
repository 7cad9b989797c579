"""Confirming a proposal: its members become tags (or suggestions) where they are not
tagged yet, joined by same-as links into one cluster, all as one undoable step; and
turning one down, which is remembered so it is not proposed again."""

from __future__ import annotations

from ..articles import Article
from ..components import Components
from ..model import Annotation, Link
from ..store import Step, Store
from .model import Proposal

SOURCE = "proposal"  # what a span confirmed as a suggestion says suggested it


def tagged_over(spans: list[Annotation], start: int, end: int, label: str) -> Annotation | None:
    """The live span (a tag, or a suggestion) of ``label`` over start-end: the one sharing the most of it (the
    analyst's "at least 25 militia fighters were killed" for the proposed "at least 25
    militia fighters"), the shorter on a tie; None if none overlaps it."""

    def shared(span: Annotation) -> int:
        return min(span.end, end) - max(span.start, start)

    overlapping = [
        span
        for span in spans
        if span.label == label
        and shared(span) > 0
        and not span.dismissed
        and not span.orphaned
        and span.status != "rejected"
    ]  # a suggestion counts
    return max(overlapping, key=lambda span: (shared(span), -(span.end - span.start))) if overlapping else None


def _member_span(
    store: Store, article: Article, start: int, end: int, label: str, annotator: str, status: str
) -> tuple[Annotation, bool]:
    """The live span of ``label`` over start-end, or a new one; and whether it is new."""
    span = tagged_over(store.annotations(article.id), start, end, label)
    if span is not None:
        return span, False
    source = SOURCE if status == "suggested" else ""
    return Annotation.create(article.id, article.text, start, end, label, annotator, status, source), True


def confirm(
    store: Store,
    articles: dict[str, Article],
    proposal: Proposal,
    annotator: str,
    relation: str,
    status: str = "pending",
) -> Step:
    """Tag the members not tagged yet (``status`` "pending", or "suggested"), and link each
    member not yet in the first member's cluster to it: one undo step."""
    spans: list[Annotation] = []
    new: dict[str, list[Annotation]] = {}
    for member in proposal.members:
        span, made = _member_span(
            store, articles[member.article_id], member.start, member.end, proposal.label, annotator, status
        )
        spans.append(span)
        if made:
            new.setdefault(member.article_id, []).append(span)
    joined = Components()
    for link in store.live_links()[0]:
        if link.label == relation:
            joined.union(link.head, link.child)
    links = []
    for span in spans[1:]:
        if joined.find(span.id) != joined.find(spans[0].id):
            links.append(Link.create(spans[0], span, relation, annotator))
            joined.union(span.id, spans[0].id)
    name = f"confirm the proposed {proposal.label} row ({len(proposal.article_ids)} articles)"
    return store.add_spans([(articles[article_id], made) for article_id, made in new.items()], name, links)


def dismiss(store: Store, proposal: Proposal, annotator: str) -> None:
    """Turn the proposal down: it is not proposed again (an undo brings it back)."""
    store.dismiss(proposal.proposed_key, proposal.label, annotator)


def open_proposals(store: Store, proposals: list[Proposal], relation: str) -> list[Proposal]:
    """The proposals the analyst has neither turned down nor confirmed already (every
    member a span of ``relation``'s one cluster)."""
    dismissed = store.dismissed()
    joined = Components()
    for link in store.live_links()[0]:
        if link.label == relation:
            joined.union(link.head, link.child)
    kept = []
    for proposal in proposals:
        if proposal.proposed_key in dismissed:
            continue
        roots = set()
        for member in proposal.members:
            span = tagged_over(store.annotations(member.article_id), member.start, member.end, proposal.label)
            roots.add(joined.find(span.id) if span is not None else None)
        if len(roots) != 1 or None in roots:
            kept.append(proposal)
    return kept
