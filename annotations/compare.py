"""Where outlets agree and differ: clusters of same-as links, and quotes that look alike.

A cluster is a connected set of spans joined by links of the clustering relation
(``same-as`` by default), across articles or within one. Its figures are read
(figures.py) so that a row whose outlets give values that cannot all be true is flagged.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .components import Components
from .figures import Figure, disagree, parse_figure
from .model import Annotation, ClusterName, Link
from .schema import CLUSTER_RELATION
from .store import Store
from .text import one_line

QUOTE_LABEL = "quote"
QUOTE_SIMILARITY = 0.8


@dataclass
class Cluster:
    """Spans joined by same-as links. ``id`` is the id of its first span by article id and
    position: it survives an export and import, where the time a span was tagged does not."""

    id: str
    name: str
    label: str
    spans: list[Annotation]
    links: list[Link]
    named_by: str = ""  # the analyst, when the name is theirs rather than the first actor's text
    figures: dict[str, Figure] = field(default_factory=dict)  # by span id, for spans that hold a number

    def in_article(self, article_id: str) -> list[Annotation]:
        return [span for span in self.spans if span.article_id == article_id]

    @property
    def disagrees(self) -> bool:
        """Whether its spans give figures that cannot all be true (19 against 24, say)."""
        return disagree(list(self.figures.values()))


def build_clusters(
    store: Store, article_order: list[str] | None = None, relation: str = CLUSTER_RELATION
) -> list[Cluster]:
    """Every cluster of ``relation`` links, each spanning two or more spans.

    Spans inside a cluster are ordered by ``article_order`` (then by article id) and
    position; the default name is the text of its first actor span by article id and
    position, else of its first span so ordered."""
    links, spans = store.live_links()
    links = [link for link in links if link.label == relation]
    components = Components()
    for link in links:
        components.union(link.head, link.child)
    members: dict[str, list[Annotation]] = {}
    for span_id in components.parent:
        members.setdefault(components.find(span_id), []).append(spans[span_id])
    rank = {article_id: index for index, article_id in enumerate(article_order or [])}
    names = store.cluster_names()
    clusters = []
    for group in members.values():
        group.sort(key=lambda span: (rank.get(span.article_id, len(rank)), span.article_id, span.start, span.end))
        ids = {span.id for span in group}
        cluster = Cluster(
            id=min(group, key=lambda span: (span.article_id, span.start, span.end, span.id)).id,
            name="",
            label=_majority_label(group),
            spans=group,
            links=[link for link in links if link.head in ids],
        )
        _name(cluster, names)
        cluster.figures = {span.id: figure for span in group if (figure := parse_figure(span.text)) is not None}
        clusters.append(cluster)
    return clusters


def _majority_label(spans: list[Annotation]) -> str:
    counts = Counter(span.label for span in spans)
    best = max(counts.values())
    return next(span.label for span in spans if counts[span.label] == best)


def _name(cluster: Cluster, names: dict[str, ClusterName]) -> None:
    given = [names[span.id] for span in cluster.spans if span.id in names and names[span.id].name]
    if given:
        newest = max(given, key=lambda name: name.updated)
        cluster.name, cluster.named_by = newest.name, newest.annotator
        return
    # From the members in a fixed order (article id, place), not the columns' order: a
    # cluster keeps its name whichever articles are on screen.
    fixed = sorted(cluster.spans, key=lambda span: (span.article_id, span.start, span.end, span.id))
    actor = next((span for span in fixed if span.label == "actor"), fixed[0])
    cluster.name = one_line(actor.text)


def ordered_for_comparison(clusters: list[Cluster], label_order: list[str]) -> list[Cluster]:
    """Grouped by label (in the schema's order), then by name."""
    rank = {label: index for index, label in enumerate(label_order)}
    return sorted(
        clusters, key=lambda cluster: (rank.get(cluster.label, len(rank)), cluster.label, cluster.name.casefold())
    )


# -- quotes that look alike ---------------------------------------------------------------

_QUOTE_MARKS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})


def comparable_quote(text: str) -> str:
    """Lower case, straight quotes, no punctuation, single spaces: what wording differs in."""
    text = text.translate(_QUOTE_MARKS).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


@dataclass(frozen=True)
class QuoteSuggestion:
    head: Annotation
    child: Annotation
    similarity: float


def quote_suggestions(
    store: Store,
    article_ids: list[str],
    clusters: list[Cluster],
    label: str = QUOTE_LABEL,
    threshold: float = QUOTE_SIMILARITY,
    relation: str = CLUSTER_RELATION,
) -> list[QuoteSuggestion]:
    """Pairs of ``label`` spans in different articles whose texts are near-identical and that
    are not already in one cluster, nor turned down before; most similar first."""
    in_cluster = {span.id: cluster.id for cluster in clusters for span in cluster.spans}
    turned_down = {
        frozenset(link.ends()) for link in store.links() if link.status == "rejected" and link.label == relation
    }
    quotes = [
        (span, comparable_quote(span.text))
        for article_id in article_ids
        for span in store.annotations(article_id)
        if span.label == label and span.settled and not span.orphaned
    ]
    found = []
    for index, (head, head_text) in enumerate(quotes):
        for child, child_text in quotes[index + 1 :]:
            if child.article_id == head.article_id or frozenset((head.id, child.id)) in turned_down:
                continue
            if head.id in in_cluster and in_cluster.get(head.id) == in_cluster.get(child.id):
                continue
            matcher = SequenceMatcher(None, head_text, child_text, autojunk=False)
            if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                continue
            similarity = matcher.ratio()
            if similarity >= threshold:
                found.append(QuoteSuggestion(head, child, similarity))
    found.sort(key=lambda suggestion: -suggestion.similarity)
    return found
