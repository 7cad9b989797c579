"""Claims: sentences in different articles that report the same fact.

Each sentence becomes a bag of its content words, reduced to a common form (stems;
"injured" and "wounded" as one, "airstrikes" and "struck" as one, names by their
consonant skeleton so "Kataib" and "Kitaeb" meet; numbers kept as they are), weighted by
how rare each word is across the open articles (tf-idf), so that two sentences meet on
"five", "sites" and "Syria" rather than on "said". Sentences whose cosine similarity
passes a threshold in two or more articles make a proposal.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from ..sentences import sentence_spans
from .model import Mention, Proposal
from .names import skeleton

SIMILAR = 0.3  # cosine of tf-idf vectors: below it sentences share words, not a fact
SHORTEST = 6  # content words: a heading or a byline is not a claim
QUOTED_SHARE = 0.6
NUMBER_WEIGHT = 2.0  # the same figure in two sentences says more than any one word they share
_QUOTED = re.compile(r"[“\"][^“”\"\n]*[”\"]?")
_TOKEN = re.compile(r"[A-Za-z][\w’'.-]*\w|\d[\d,.]*\d|\d|[A-Za-z]")
_STOP = frozenset(
    """
    a an the of in on at as to for from by with and or but that this these those it its it's is are was were be been
    being has have had do does did will would can could may might must shall should not no than then there their they
    them he she his her we our us i you who whom which what when where while after before since also about into over
    under said says say told according statement spokesman official officials earlier later last week month year
    time more most some any all both other another such very just so up out if
""".split()
)
# Words news writes for one thing.
_SAME = {
    "injur": "wound",
    "wound": "wound",
    "kill": "kill",
    "dead": "kill",
    "die": "kill",
    "death": "kill",
    "martyr": "kill",
    "airstrike": "strike",
    "struck": "strike",
    "strike": "strike",
    "launch": "fire",
    "fire": "fire",
    "location": "site",
    "facility": "site",
    "facilitie": "site",
    "target": "site",
    "site": "site",
    "american": "us",
    "u.s": "us",
    "u.s.": "us",
    "assault": "attack",
    "troop": "troop",
    "soldier": "troop",
    "personnel": "troop",
    "servicemember": "troop",
    "depot": "storage",
}


def _stem(word: str) -> str:
    for suffix in ("ation", "ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(sentence: str) -> list[str]:
    """The words a fact is made of, each in its common form."""
    words = []
    for token in _TOKEN.findall(sentence.replace("’", "'")):
        folded = token.casefold()
        if folded in _STOP or (folded.endswith("'s") and folded[:-2] in _STOP):
            continue
        if token[0].isdigit():
            words.append(token.replace(",", ""))
        elif token[0].isupper() and not token.isupper() and len(token) > 3:
            words.extend("~" + skeleton(part) for part in token.removesuffix("'s").split("-") if len(part) > 2)
        else:
            stem = _stem(folded.removesuffix("'s"))
            words.append(_SAME.get(stem, _SAME.get(folded, stem)))
    return words


def _mostly_quoted(sentence: str) -> bool:
    """A sentence that is a quotation is a quote to compare (quotes.py), not a claim."""
    quoted = sum(len(match.group()) for match in _QUOTED.finditer(sentence))
    return quoted > QUOTED_SHARE * len(sentence)


def _vectors(sentences: list[list[str]], copies: list[int]) -> list[dict[str, float]]:
    """Unit tf-idf vectors of distinct sentences; ``copies``: how often each occurs."""
    documents: Counter[str] = Counter()
    for words, count in zip(sentences, copies, strict=True):
        for word in set(words):
            documents[word] += count
    total = sum(copies)
    vectors = []
    for words in sentences:
        vector = {
            word: (1 + math.log(count))
            * math.log(1 + total / documents[word])
            * (NUMBER_WEIGHT if word[0].isdigit() else 1)
            for word, count in Counter(words).items()
        }
        norm = math.sqrt(sum(value * value for value in vector.values())) or 1.0
        vectors.append({word: value / norm for word, value in vector.items()})
    return vectors


def propose_claims(articles: Iterable[tuple[str, str]]) -> list[Proposal]:
    """Sentences of two or more of ``articles`` (id, text) that report one fact."""
    mentions: list[Mention] = []
    distinct: dict[tuple[str, ...], list[int]] = {}  # a sentence's words: the mentions that have them
    for article_id, text in articles:
        for start, end in sentence_spans(text):
            words = content_words(text[start:end])
            if len(words) >= SHORTEST and not _mostly_quoted(text[start:end]):
                distinct.setdefault(tuple(sorted(words)), []).append(len(mentions))
                mentions.append(Mention(article_id, start, end, text[start:end]))
    rows = _rows(mentions, _similar_pairs(mentions, list(distinct.values()), list(distinct)))
    return [
        Proposal("claim", sorted(mentions[index] for index in row), "same claim", round(min(scores), 3))
        for row, scores in rows
        if len(row) >= 2
    ]


def _similar_pairs(
    mentions: list[Mention], holders: list[list[int]], sentences: list[tuple[str, ...]]
) -> list[tuple[float, int, int]]:
    """Pairs of sentences of different articles at SIMILAR or more, most similar first.

    Each distinct sentence is compared once (wire copies and repeated boilerplate are
    many mentions of one), and a pass over an index from word to sentences adds up every
    dot product at once instead of comparing each pair that shares a word (4.3 s for a
    hundred articles before, measured)."""
    vectors = _vectors([list(words) for words in sentences], [len(held) for held in holders])
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for index, vector in enumerate(vectors):
        for word, weight in vector.items():
            postings[word].append((index, weight))
    pairs = [
        (1.0, first, second)
        for held in holders
        for position, first in enumerate(held)
        for second in held[position + 1 :]
    ]
    for index, vector in enumerate(vectors):
        dots: dict[int, float] = defaultdict(float)
        for word, weight in vector.items():
            for other, other_weight in postings[word]:
                if other > index:
                    dots[other] += weight * other_weight
        pairs.extend(
            (dot, first, second)
            for other, dot in dots.items()
            if dot >= SIMILAR
            for first in holders[index]
            for second in holders[other]
        )
    return sorted(
        (
            (score, first, second)
            for score, first, second in pairs
            if mentions[first].article_id != mentions[second].article_id
        ),
        reverse=True,
    )


def _rows(mentions: list[Mention], pairs: list[tuple[float, int, int]]) -> list[tuple[list[int], list[float]]]:
    """Rows of a comparison: the most similar pairs first, two rows joining only when no
    article is in both, so that a row holds one sentence an article and similar facts do
    not chain into one row (as joining every similar pair did: 17 sentences in one)."""
    row_of = {index: [index] for index in range(len(mentions))}
    articles = {index: {mentions[index].article_id} for index in range(len(mentions))}  # by the row's first mention
    scores: dict[int, list[float]] = defaultdict(list)
    for cosine, first, second in pairs:
        one, other = row_of[first], row_of[second]
        if one is other or articles[one[0]] & articles[other[0]]:
            continue
        articles[one[0]] |= articles.pop(other[0])
        scores[one[0]].extend([*scores.pop(other[0], []), cosine])
        one.extend(other)
        for index in other:
            row_of[index] = one
    return [(row, scores[row[0]]) for row in {id(row): row for row in row_of.values()}.values()]
