"""Merging annotators' databases into one for adjudication.

Every span an annotator stands by (see agreement.stands_by) is copied with its
annotator, as pending: in the merged database gold is what the adjudicator accepts, not
what an annotator accepted in their own. With ``accept_agreed``, a span that every
annotator tagged alike (same article, start, end and label) becomes one accepted span,
with the annotators named in its source (and the first one's id, so its links hold);
the rest wait for adjudication. A span in two databases (one carried on from the
other) is one span that both stand by; if one changed it, both versions are kept.
Links whose two spans are copied come along; cluster names too, and the articles marked
finished (with no span, a negative example) and the proposals turned down, as they were
recorded. Each source database counts as one annotator, whatever names its spans carry.
"""

from __future__ import annotations

import hashlib
import shutil
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from .agreement import stands_by
from .articles import Article
from .model import Annotation, joined_names
from .store import Store, database_parts


class MergeError(ValueError):
    pass


@dataclass
class MergeReport:
    articles: int = 0
    spans: int = 0
    agreed: int = 0  # spans every annotator tagged alike (accepted, with accept_agreed)
    links: int = 0
    skipped: list[str] = field(default_factory=list)  # articles held with different texts


def _stored_article(store: Store, article_id: str) -> Article:
    stored = store.stored_article(article_id)
    assert stored is not None
    return Article(article_id, store.article_text(article_id), stored.source, stored.meta)


def merge_into_new(sources: list[Store], path: Path, accept_agreed: bool = False) -> MergeReport:
    """Merge into a new database at ``path``. If that fails (a full disk), no part of it is
    left behind, to be taken for a whole merge or to stop the next one; parts that were
    there before (a folder of a database moved away) are left alone."""
    created = [part for part in database_parts(path) if not part.exists()]
    try:
        with Store.open(path) as target:
            return merge(sources, target, accept_agreed)
    except BaseException:
        for part in created:
            if part.is_dir():
                shutil.rmtree(part, ignore_errors=True)
            else:
                part.unlink(missing_ok=True)
        raise


def merge(sources: list[Store], target: Store, accept_agreed: bool = False) -> MergeReport:
    """Copy every source's spans (and links and cluster names) into ``target``, an empty database."""
    if target.article_ids():
        raise MergeError(f"{target.path}: already holds articles; merge into a new database")
    report = MergeReport()
    articles: dict[str, Article] = {}
    spans: dict[str, list[tuple[int, Annotation]]] = defaultdict(list)  # article -> (source number, span)
    for number, source in enumerate(sources):
        for article_id in source.article_ids():
            article = _stored_article(source, article_id)
            if article_id in articles and articles[article_id].text != article.text:
                report.skipped.append(article_id)
                continue
            articles.setdefault(article_id, article)
            spans[article_id] += [(number, span) for span in source.annotations(article_id) if stands_by(span)]
    for article_id in report.skipped:
        articles.pop(article_id, None)
        spans.pop(article_id, None)
    kept_ids: set[str] = set()
    for article_id, article in sorted(articles.items()):
        merged = _merged_spans(spans[article_id], len(sources), accept_agreed, report)
        if merged:
            target.import_spans(article, merged)
            report.articles += 1
            report.spans += len(merged)
            kept_ids.update(span.id for span in merged)
    links = [link for source in sources for link in source.links() if link.head in kept_ids and link.child in kept_ids]
    unique_links = list({link.id: link for link in links}.values())
    if unique_links:
        target.import_links(unique_links)
    report.links = len(unique_links)
    # A cluster named in several databases (one carried on from another) keeps its newest name.
    names = sorted(
        (name for source in sources for name in source.cluster_names().values() if name.id in kept_ids),
        key=lambda name: name.updated,
    )
    if names:
        target.import_cluster_names(list({name.id: name for name in names}.values()))
    _carry_marks(sources, target, articles)
    return report


def _carry_marks(sources: list[Store], target: Store, articles: dict[str, Article]) -> None:
    """The finished articles (the first mark of each, with its text) and the turned-down
    proposals of every source, as recorded."""
    for source in sources:
        for mark in source.done_marks():
            if mark.id in articles:
                target.import_done(articles[mark.id], mark.annotator, mark.updated)
    dismissals = {dismissal.id: dismissal for source in reversed(sources) for dismissal in source.dismissals()}
    if dismissals:
        target.import_dismissals(list(dismissals.values()))


def _merged_spans(
    spans: list[tuple[int, Annotation]], sources: int, accept_agreed: bool, report: MergeReport
) -> list[Annotation]:
    """The article's spans as the merged database keeps them (see the module's docstring)."""
    by_place: dict[tuple[int, int, str], list[tuple[int, Annotation]]] = defaultdict(list)
    for number, span in spans:
        by_place[span.start, span.end, span.label].append((number, span))
    merged = []
    for alike in by_place.values():
        if sources > 1 and len({number for number, _ in alike}) == sources:
            report.agreed += 1
            if accept_agreed:
                names = joined_names([span.annotator for _, span in alike])
                merged.append(replace(alike[0][1], status="accepted", annotator=names, source=f"agreed by {names}"))
                continue
        copies: dict[str, Annotation] = {}  # the same span in two databases (one carried on from the other) is one
        for _, span in alike:
            copies.setdefault(span.id, replace(span, status="pending"))
        merged += copies.values()
    return _with_own_ids(sorted(merged, key=lambda span: (span.start, span.end, span.label, span.annotator)))


def _with_own_ids(spans: list[Annotation]) -> list[Annotation]:
    """Each span with an id no other has: a span changed in a database carried on from
    another is two versions under one id, and the one listed later gets an id made from
    the id and what changed, the same in every merge."""
    seen: set[str] = set()
    unique = []
    for span in spans:
        kept = span
        if span.id in seen:
            key = f"{span.id} {span.start} {span.end} {span.label}"
            kept = replace(span, id=hashlib.sha1(key.encode("utf-8")).hexdigest()[:16])
        seen.add(kept.id)
        unique.append(kept)
    return unique
