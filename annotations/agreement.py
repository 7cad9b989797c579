"""How far annotators agree: span-level precision, recall and F1, token-level kappa and alpha.

Each annotator is one database (an analyst's own file). Every article any database
holds is compared; a database keeps only the articles its annotator tagged, so one it
lacks counts as tagged with nothing. An article held with different texts (the same id,
another version) is left out. An annotator's spans are the ones they stand by: settled
(not suggested, not dismissed), not rejected, not orphaned.

- Span level, for each pair: one side is the reference, the other the prediction.
  *Exact* matches need the same start, end and label; *overlap* matches the same label
  and at least one shared character, each span matched at most once (largest overlap
  first). Precision is matched predictions over predictions, recall matched references
  over references, F1 their harmonic mean. With more than two annotators the counts of
  every pair are pooled (the earlier database of a pair is its reference).
- Token level: the text is cut into tokens (words and single punctuation marks); each
  token takes the label of the innermost span over it, or ``O``. Cohen's kappa compares
  two annotators' token labels (the mean over pairs for more); Krippendorff's alpha
  (nominal) takes any number. Per label, the token labels are that label or not.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from .model import Annotation, annotator_names, joined_names
from .store import Store

OUTSIDE = "O"
_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Annotator:
    """One annotator's work: a name, and per article its text and spans."""

    name: str
    texts: dict[str, str]
    spans: dict[str, list[Annotation]]


def stands_by(span: Annotation) -> bool:
    return span.settled and span.status != "rejected" and not span.orphaned


def load_annotator(store: Store, fallback_name: str) -> Annotator:
    """An annotator from a database: named after the annotators on its spans (or ``fallback_name``)."""
    texts, spans = {}, {}
    for article_id in store.article_ids():
        texts[article_id] = store.article_text(article_id)
        spans[article_id] = [span for span in store.annotations(article_id) if stands_by(span)]
    names = [name for article_spans in spans.values() for span in article_spans for name in annotator_names(span.annotator)]
    return Annotator(joined_names(names) or fallback_name, texts, spans)


@dataclass
class Counts:
    """Matches of one pair (or a sum of pairs), for one label or all."""

    matched_predictions: int = 0
    predictions: int = 0
    matched_references: int = 0
    references: int = 0

    def add(self, other: Counts) -> None:
        self.matched_predictions += other.matched_predictions
        self.predictions += other.predictions
        self.matched_references += other.matched_references
        self.references += other.references

    @property
    def precision(self) -> float | None:
        return self.matched_predictions / self.predictions if self.predictions else None

    @property
    def recall(self) -> float | None:
        return self.matched_references / self.references if self.references else None

    @property
    def f1(self) -> float | None:
        """None when neither side has a span; 0 when only one side has any (nothing can match)."""
        precision, recall = self.precision, self.recall
        if precision is None and recall is None:
            return None
        if not precision or not recall:
            return 0.0
        return 2 * precision * recall / (precision + recall)


def _exact_matches(reference: list[Annotation], prediction: list[Annotation]) -> int:
    left = Counter((span.start, span.end, span.label) for span in reference)
    right = Counter((span.start, span.end, span.label) for span in prediction)
    return sum((left & right).values())


def _overlap_matches(reference: list[Annotation], prediction: list[Annotation]) -> int:
    """One-to-one matches of the same label sharing a character, largest overlap first."""
    pairs = []
    for i, ref in enumerate(reference):
        for j, pred in enumerate(prediction):
            shared = min(ref.end, pred.end) - max(ref.start, pred.start)
            if ref.label == pred.label and shared > 0:
                pairs.append((-shared, i, j))
    used_ref, used_pred = set(), set()
    for _, i, j in sorted(pairs):
        if i not in used_ref and j not in used_pred:
            used_ref.add(i)
            used_pred.add(j)
    return len(used_ref)


def _place(span: Annotation) -> tuple[int, int, str]:
    return span.start, span.end, span.label


def pair_counts(reference: list[Annotation], prediction: list[Annotation], overlap: bool) -> Counts:
    """Counts for two annotators' spans of one article (and one label, if the caller filtered)."""
    matched = (_overlap_matches if overlap else _exact_matches)(reference, prediction)
    return Counts(matched, len(prediction), matched, len(reference))


def tokens(text: str) -> list[tuple[int, int]]:
    return [(match.start(), match.end()) for match in _TOKEN.finditer(text)]


def token_labels(text_tokens: list[tuple[int, int]], spans: list[Annotation]) -> list[str]:
    """The label of the innermost span over each token (one that covers a character of it), or O.

    Spans are painted onto the characters longest first, so each character ends up with its
    innermost span; a token takes the innermost of its characters'. Linear in the text and
    the spans' lengths, where comparing every token with every span was not."""
    # Innermost first; a tie (one place, two labels) goes to the label first in order, not
    # to whichever span was read first, so the figures do not depend on the reading order.
    ranked = sorted(spans, key=lambda span: (span.end - span.start, span.start, span.label))
    painted: dict[int, int] = {}  # character offset -> rank of its innermost span
    for rank in range(len(ranked) - 1, -1, -1):
        for offset in range(ranked[rank].start, ranked[rank].end):
            painted[offset] = rank
    labels = []
    for start, end in text_tokens:
        ranks = [painted[offset] for offset in range(start, end) if offset in painted]
        labels.append(ranked[min(ranks)].label if ranks else OUTSIDE)
    return labels


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two equally long label sequences; None when chance agreement is total."""
    total = len(first)
    if total == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / total
    left, right = Counter(first), Counter(second)
    expected = sum(left[label] * right[label] for label in left) / (total * total)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(units: Sequence[Sequence[str]]) -> float | None:
    """Krippendorff's alpha, nominal, for units each coded by every coder (no missing values).

    ``units[u]`` holds the coders' values for unit u. None when the values never vary."""
    coincidence: defaultdict[tuple[str, str], float] = defaultdict(float)
    for values in units:
        pairable = len(values)
        if pairable < 2:
            continue
        counts = Counter(values)
        for a in counts:
            for b in counts:
                together = counts[a] * (counts[b] - (a == b))
                if together:
                    coincidence[a, b] += together / (pairable - 1)
    marginal: defaultdict[str, float] = defaultdict(float)
    for (a, _), value in coincidence.items():
        marginal[a] += value
    n = sum(marginal.values())
    if n <= 1:
        return None
    disagreement = sum(value for (a, b), value in coincidence.items() if a != b)
    expected = sum(marginal[a] * marginal[b] for a in marginal for b in marginal if a != b) / (n - 1)
    if expected == 0:
        return None
    return 1 - disagreement / expected


@dataclass
class Agreement:
    annotators: list[str]
    articles: list[str]
    skipped: list[str]  # articles held with different texts
    untagged: dict[str, int] = field(default_factory=dict)  # annotator -> compared articles their database lacks
    exact: dict[str, Counts] = field(default_factory=dict)  # label (or "all") -> counts over every pair
    overlap: dict[str, Counts] = field(default_factory=dict)
    kappa: dict[str, float | None] = field(default_factory=dict)
    alpha: dict[str, float | None] = field(default_factory=dict)
    tokens: int = 0

    def labels(self) -> list[str]:
        return [label for label in self.exact if label != ALL]

    def as_dict(self) -> dict:
        def figures(counts: Counts) -> dict:
            return {"precision": counts.precision, "recall": counts.recall, "f1": counts.f1,
                    "predictions": counts.predictions, "references": counts.references}

        return {
            "annotators": self.annotators,
            "articles": len(self.articles),
            "skipped_articles": self.skipped,
            "articles_untagged": self.untagged,
            "tokens": self.tokens,
            "labels": {
                label: {
                    "exact": figures(self.exact[label]),
                    "overlap": figures(self.overlap[label]),
                    "cohen_kappa": self.kappa.get(label),
                    "krippendorff_alpha": self.alpha.get(label),
                }
                for label in [*self.labels(), ALL]
            },
        }


ALL = "all"


def measure(annotators: list[Annotator]) -> Agreement:
    """Agreement between two or more annotators over the articles they share."""
    if len(annotators) < 2:
        raise ValueError("agreement needs two annotators or more")
    every = sorted(set().union(*(annotator.texts for annotator in annotators)))
    same_text = [article for article in every if len({a.texts[article] for a in annotators if article in a.texts}) == 1]
    result = Agreement([a.name for a in annotators], same_text, sorted(set(every) - set(same_text)))
    result.untagged = {a.name: sum(article not in a.texts for article in same_text) for a in annotators}
    labels = sorted({span.label for a in annotators for article in same_text for span in a.spans.get(article, [])})
    for label in [*labels, ALL]:
        result.exact[label], result.overlap[label] = Counts(), Counts()
    pairs = list(combinations(range(len(annotators)), 2))
    # Token labels per annotator, all articles in a row.
    sequences: list[list[str]] = [[] for _ in annotators]
    for article in same_text:
        text_tokens = tokens(next(a.texts[article] for a in annotators if article in a.texts))
        # In one order whatever order they were read in: greedy overlap matching pairs by index.
        spans = [sorted(annotator.spans.get(article, []), key=_place) for annotator in annotators]
        for index, annotator_spans in enumerate(spans):
            sequences[index].extend(token_labels(text_tokens, annotator_spans))
        for i, j in pairs:
            reference, prediction = spans[i], spans[j]
            for label in [*labels, ALL]:
                ref = reference if label == ALL else [span for span in reference if span.label == label]
                pred = prediction if label == ALL else [span for span in prediction if span.label == label]
                result.exact[label].add(pair_counts(ref, pred, overlap=False))
                result.overlap[label].add(pair_counts(ref, pred, overlap=True))
    result.tokens = len(sequences[0])
    for label in [*labels, ALL]:
        coded = sequences if label == ALL else [[value == label for value in sequence] for sequence in sequences]
        kappas = [cohen_kappa(coded[i], coded[j]) for i, j in pairs]
        known = [kappa for kappa in kappas if kappa is not None]
        result.kappa[label] = sum(known) / len(known) if known else None
        result.alpha[label] = krippendorff_alpha(list(zip(*coded, strict=True)))
    return result
