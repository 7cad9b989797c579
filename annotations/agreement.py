"""How far annotators agree: span-level precision, recall and F1, token-level kappa and alpha.

Each annotator is one database (an analyst's own file). Every article any database
holds is compared; a database keeps only the articles its annotator tagged, so one it
lacks counts as tagged with nothing. An article held with different texts (the same id,
another version) is left out. An annotator's spans are the ones they stand by: settled
(not suggested, not dismissed), not rejected, not orphaned.

- Span level, for each pair: one side is the reference, the other the prediction.
  *Exact* matches need the same start, end and label; *overlap* matches the same label
  and at least one shared character, each span matched at most once (largest overlap
  first; of equal overlaps, the earlier reference's, then the earlier prediction's).
  Precision is matched predictions over predictions, recall matched references over
  references, F1 their harmonic mean. With more than two annotators the counts of every
  pair are pooled (the earlier database of a pair is its reference).
- Token level: the text is cut into tokens (words and single punctuation marks); each
  token takes the label of the innermost span over it (the shortest; of equal lengths,
  the earliest, then the label first in order), or ``O``. Cohen's kappa compares two
  annotators' token labels (the mean over pairs for more); Krippendorff's alpha
  (nominal) takes any number. Per label, the token labels are that label or not.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, combinations
from operator import attrgetter, itemgetter

from .model import Annotation, annotator_names, joined_names
from .store import Store

OUTSIDE = "O"
_TOKEN = re.compile(r"\w+|[^\w\s]")
_WITHIN_WORD = re.compile(r"\w\w")  # the place between two word characters is inside a token


@dataclass(frozen=True)
class Annotator:
    """One annotator's work: a name, and per article its text and spans."""

    name: str
    texts: dict[str, str]
    spans: dict[str, list[Annotation]]


stands_by = attrgetter("standing")  # whether an annotator stands by a span (Annotation.standing)


def load_annotator(store: Store, fallback_name: str) -> Annotator:
    """An annotator from a database: named after the annotators on its spans (or ``fallback_name``)."""
    texts, spans = {}, {}
    for article_id in store.article_ids():
        texts[article_id] = store.article_text(article_id)
        spans[article_id] = [span for span in store.annotations(article_id) if stands_by(span)]
    names = [
        name for article_spans in spans.values() for span in article_spans for name in annotator_names(span.annotator)
    ]
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


# A span as matching and token labels take it: its start, end and label (sorted so, spans are in reading order).
Place = tuple[int, int, str]
_place = attrgetter("start", "end", "label")
_label = itemgetter(2)


def pair_counts(reference: list[Annotation], prediction: list[Annotation], overlap: bool) -> Counts:
    """Counts for two annotators' spans of one article (and one label, if the caller filtered)."""
    matched = _matches(sorted(map(_place, reference)), sorted(map(_place, prediction)))[overlap]
    return Counts(matched, len(prediction), matched, len(reference))


def _matches(reference: list[Place], prediction: list[Place]) -> tuple[int, int]:
    """Exact and overlap matches between two sorted lists of places."""
    if reference == prediction:  # the usual case: every span matches (overlapping, when it is not empty)
        return len(reference), sum(end > start for start, end, _ in reference)
    return _same_places(reference, prediction), _overlap_matches(reference, prediction)


def _same_places(reference: list[Place], prediction: list[Place]) -> int:
    """How many spans of the two sorted lists have a twin in the other (each twin counted once)."""
    same = lower = 0
    for place in reference:
        lower = bisect.bisect_left(prediction, place, lower)
        if lower < len(prediction) and prediction[lower] == place:
            same += 1
            lower += 1
    return same


def _overlap_matches(reference: list[Place], prediction: list[Place]) -> int:
    """One-to-one matches of the same label sharing a character, largest overlap first; a tie
    goes to the earlier reference, then the earlier prediction (the lists are sorted)."""
    used_references, used_predictions = set(), set()
    for _, i, j in sorted(_overlapping(reference, prediction)):
        if i not in used_references and j not in used_predictions:
            used_references.add(i)
            used_predictions.add(j)
    return len(used_references)


def _overlapping(reference: list[Place], prediction: list[Place]) -> Iterator[tuple[int, int, int]]:
    """(-shared characters, i, j) for each reference i and prediction j of the same label that
    share a character. Each reference, in order, against the predictions begun before it and not yet
    ended (kept from one reference to the next) and those begun inside it (by bisection): the
    cost is the overlapping pairs', not every reference times every prediction."""
    begun = 0
    still_open: list[int] = []  # indexes of predictions begun before this reference, not ended before it
    for i, (start, end, label) in enumerate(reference):
        now = bisect.bisect_left(prediction, (start,), begun)
        still_open = [j for j in chain(still_open, range(begun, now)) if prediction[j][1] > start]
        begun = now
        for j in chain(still_open, range(begun, bisect.bisect_left(prediction, (end,), begun))):
            other_start, other_end, other_label = prediction[j]
            shared = min(end, other_end) - max(start, other_start)
            if shared > 0 and other_label == label:
                yield -shared, i, j


def tokens(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _TOKEN.finditer(text)]


def token_labels(text: str, spans: Iterable[Annotation]) -> list[str]:
    """The label of the innermost span over each of the text's tokens (one that covers a character of it), or O."""
    return _token_labels(text, _token_starts(text), list(map(_place, spans)))


def _token_starts(text: str) -> list[int]:
    return [match.start() for match in _TOKEN.finditer(text)]


def _token_labels(text: str, starts: list[int], places: list[Place]) -> list[str]:
    """The label of each token (``starts``: where each begins). Each span labels the tokens it
    shares a character with (found by bisection) as one slice, the outermost first, so that
    the innermost is the last to label a token: the Python work is the spans', not the text's."""
    labels = [OUTSIDE] * len(starts)
    # A tie (one place, two labels) goes to the label first in order, not to whichever span
    # was read first, so the figures do not depend on the reading order.
    for start, end, label in sorted(places, key=_breadth, reverse=True):
        first = bisect.bisect_left(starts, start)
        if first == len(starts) or starts[first] != start:  # not at a token's start: maybe inside one
            first -= start > 0 and _WITHIN_WORD.match(text, start - 1) is not None
        last = bisect.bisect_left(starts, end, first)
        if first < last and start < end:
            labels[first:last] = [label] * (last - first)
    return labels


def _breadth(place: Place) -> tuple[int, int, str]:
    start, end, label = place
    return end - start, start, label


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two equally long label sequences; None when chance agreement is total."""
    return _kappa(Counter(zip(first, second, strict=True)))


def _kappa(pairs: Counter[tuple[object, object]]) -> float | None:
    """Cohen's kappa from how often each pair of labels (first coder's, second's) was given."""
    total = sum(pairs.values())
    if total == 0:
        return None
    observed = sum(count for (a, b), count in pairs.items() if a == b) / total
    left: Counter[object] = Counter()
    right: Counter[object] = Counter()
    for (a, b), count in pairs.items():
        left[a] += count
        right[b] += count
    expected = sum(left[label] * right[label] for label in left) / (total * total)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(units: Sequence[Sequence[str]]) -> float | None:
    """Krippendorff's alpha, nominal, for units each coded by every coder (no missing values).

    ``units[u]`` holds the coders' values for unit u. None when the values never vary."""
    return _alpha(Counter(map(tuple, units)))


def _alpha(units: Counter[tuple]) -> float | None:
    """Krippendorff's alpha, nominal, from how many units had each tuple of coders' values."""
    coincidence: Counter[tuple[object, object]] = Counter()
    for values, times in units.items():
        pairable = len(values)
        if pairable < 2:
            continue
        counts = Counter(values)
        for a in counts:
            for b in counts:
                together = counts[a] * (counts[b] - (a == b))
                if together:
                    coincidence[a, b] += times * together / (pairable - 1)
    marginal: Counter[object] = Counter()
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
            return {
                "precision": counts.precision,
                "recall": counts.recall,
                "f1": counts.f1,
                "predictions": counts.predictions,
                "references": counts.references,
            }

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
    tally = Tally(len(annotators))
    for article in sorted(set().union(*(annotator.texts for annotator in annotators))):
        tally.add(
            article, [(a.texts[article], a.spans.get(article, [])) if article in a.texts else None for a in annotators]
        )
    return tally.agreement([annotator.name for annotator in annotators])


def measure_stores(stores: list[Store], fallback_names: list[str]) -> Agreement:
    """As measure() of each database's annotator (see load_annotator), reading an article of
    each at a time: the memory of the articles of one id, however many the databases hold."""
    if len(stores) < 2:
        raise ValueError("agreement needs two annotators or more")
    tally = Tally(len(stores))
    names: list[set[str]] = [set() for _ in stores]
    for key in sorted(set().union(*(store.article_keys() for store in stores))):
        held = [store.read_article(key) for store in stores]
        for article_id in sorted({found.id for found in held if found is not None}):
            of_id = [found if found is not None and found.id == article_id else None for found in held]
            kept = [
                None if found is None else (found.text, list(filter(stands_by, found.annotations))) for found in of_id
            ]
            for index, article in enumerate(kept):
                names[index].update(map(_annotator, article[1] if article else []))
            tally.add(article_id, kept)
    return tally.agreement(
        [
            joined_names([name for annotator in found for name in annotator_names(annotator)]) or fallback
            for found, fallback in zip(names, fallback_names, strict=True)
        ]
    )


_annotator = attrgetter("annotator")


class Tally:
    """The figures of agreement, summed an article at a time: counts of span matches per
    label, and how many tokens had each tuple of labels (one per annotator), from which
    kappa and alpha follow; what one article needs is let go once it is counted."""

    def __init__(self, coders: int) -> None:
        self.pairs = list(combinations(range(coders), 2))
        self.articles: list[str] = []
        self.skipped: list[str] = []
        self.untagged = [0] * coders
        self.labelled: list[Counter[str]] = [Counter() for _ in range(coders)]  # each coder's spans, by label
        self.exact: Counter[str] = Counter()  # matches by label, summed over every pair
        self.overlap: Counter[str] = Counter()
        self.units: Counter[tuple[str, ...]] = Counter()
        self.tokens = 0

    def add(self, article_id: str, held: list[tuple[str, list[Annotation]] | None]) -> None:
        """One article: each annotator's (text, spans), or None where their database lacks it.
        Held with different texts, it is left out."""
        texts = {article[0] for article in held if article is not None}
        if len(texts) != 1:
            self.skipped.append(article_id)
            return
        self.articles.append(article_id)
        for index, article in enumerate(held):
            self.untagged[index] += article is None
        # In one order whatever order they were read in: greedy overlap matching breaks ties by it.
        places = [sorted(map(_place, article[1])) if article else [] for article in held]
        self._count_tokens(texts.pop(), places)
        self._count_matches(places)

    def _count_tokens(self, text: str, places: list[list[Place]]) -> None:
        """Count each token's tuple of labels, one label a coder."""
        starts = _token_starts(text)
        self.units.update(zip(*(_token_labels(text, starts, coder) for coder in places), strict=True))
        self.tokens += len(starts)

    def _count_matches(self, places: list[list[Place]]) -> None:
        """Matches need one label: each label's are counted (those of every label are their sum)."""
        labels = [list(map(_label, coder)) for coder in places]
        for counts, coder_labels in zip(self.labelled, labels, strict=True):
            counts.update(coder_labels)
        differing = []
        for i, j in self.pairs:
            if places[i] != places[j]:
                differing.append((i, j))
            else:  # two coders who agree on every span: no label need be looked at alone
                self.exact.update(labels[i])
                self.overlap.update(label for start, end, label in places[i] if end > start)
        if differing:
            by_label = [_by_label(coder) for coder in places]
            for i, j in differing:
                for label in by_label[i].keys() | by_label[j].keys():
                    exact, overlap = _matches(by_label[i].get(label, []), by_label[j].get(label, []))
                    self.exact[label] += exact
                    self.overlap[label] += overlap

    def agreement(self, names: list[str]) -> Agreement:
        result = Agreement(
            names, sorted(self.articles), sorted(self.skipped), dict(zip(names, self.untagged, strict=True))
        )
        result.tokens = self.tokens
        result.exact[ALL], result.overlap[ALL] = Counts(), Counts()
        labels = sorted(set().union(*self.labelled))
        for label in labels:
            # A coder is the reference of its pairs with each later coder, the prediction of those with earlier ones.
            references = sum(
                counts[label] * (len(self.labelled) - 1 - coder) for coder, counts in enumerate(self.labelled)
            )
            predictions = sum(counts[label] * coder for coder, counts in enumerate(self.labelled))
            for matches, figures in ((self.exact, result.exact), (self.overlap, result.overlap)):
                figures[label] = Counts(matches[label], predictions, matches[label], references)
                figures[ALL].add(figures[label])
        for label in [*labels, ALL]:
            coded = self.units if label == ALL else _coded(self.units, label)
            kappas = [_kappa(_pair_counts(coded, i, j)) for i, j in self.pairs]
            known = [kappa for kappa in kappas if kappa is not None]
            result.kappa[label] = sum(known) / len(known) if known else None
            result.alpha[label] = _alpha(coded)
        return result


def _by_label(places: list[Place]) -> dict[str, list[Place]]:
    grouped: dict[str, list[Place]] = {}
    for place in places:
        grouped.setdefault(place[2], []).append(place)
    return grouped


def _coded(units: Counter[tuple[str, ...]], label: str) -> Counter[tuple[bool, ...]]:
    """The units with each value turned into whether it is ``label`` (the figures per label)."""
    coded: Counter[tuple[bool, ...]] = Counter()
    for values, count in units.items():
        coded[tuple(value == label for value in values)] += count
    return coded


def _pair_counts(units: Counter[tuple], i: int, j: int) -> Counter[tuple[object, object]]:
    """How often coders ``i`` and ``j`` gave each pair of values."""
    pairs: Counter[tuple[object, object]] = Counter()
    for values, count in units.items():
        pairs[values[i], values[j]] += count
    return pairs
