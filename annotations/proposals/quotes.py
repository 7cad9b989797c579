"""Quotations that two or more articles share: whole, in part, or with a few words changed.

A quotation is text between quotation marks (curly or straight, paired within a line).
Two are the same when the shorter aligns with some stretch of the longer (a local
alignment: rapidfuzz's partial_ratio over the wording, case, punctuation and "U.S."/"US"
folded), so "degrade KH's ability to conduct future attacks" is found inside the whole
statement another outlet printed. Candidates are first paired by a shared run of three
words, so the alignment runs on few pairs, not on every pair of a hundred articles.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz

from ..components import Components
from .model import Mention, Proposal

# An opening mark, then text with no other opening mark, then a closing mark, on one line.
_QUOTATION = re.compile(r"[“\"]\s*([^“”\"\n]+?)\s*[”\"]")
SHORTEST = 20  # characters of folded wording: "command and control" is a phrase, not a quotation
SIMILAR = 88  # partial_ratio, 0-100: a few words changed still pass, another sentence does not
_SHINGLE = 3  # words


def fold(text: str) -> str:
    """The wording only: lower case, no punctuation, "U.S." as "us", single spaces."""
    text = text.casefold().replace("’", "'").replace(".", "")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def quotations(article_id: str, text: str) -> list[tuple[Mention, str]]:
    """The article's quotations long enough to compare, each with its folded wording."""
    found = []
    for match in _QUOTATION.finditer(text):
        wording = fold(match.group(1))
        if len(wording) >= SHORTEST:
            found.append((Mention(article_id, match.start(1), match.end(1), match.group(1)), wording))
    return found


def _shingles(wording: str) -> set[tuple[str, ...]]:
    words = wording.split()
    return {tuple(words[index : index + _SHINGLE]) for index in range(max(1, len(words) - _SHINGLE + 1))}


def _candidate_pairs(quotes: list[tuple[Mention, str]]) -> set[tuple[int, int]]:
    by_shingle: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, (_, wording) in enumerate(quotes):
        for shingle in _shingles(wording):
            by_shingle[shingle].append(index)
    pairs = set()
    for indices in by_shingle.values():
        for position, first in enumerate(indices):
            for second in indices[position + 1 :]:
                if quotes[first][0].article_id != quotes[second][0].article_id:
                    pairs.add((first, second))
    return pairs


def _reason(similarities: list[tuple[float, float]]) -> str:
    if all(whole >= 97 for whole, _ in similarities):
        return "same quotation"
    if all(part >= 97 for _, part in similarities):
        return "same quotation, partial"
    return "same quotation, a few words differ"


def propose_quotes(articles: Iterable[tuple[str, str]]) -> list[Proposal]:
    """Every quotation two or more of ``articles`` (id, text) share, as one proposal each."""
    quotes = [quote for article_id, text in articles for quote in quotations(article_id, text)]
    joined = Components()
    similarities: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for first, second in sorted(_candidate_pairs(quotes)):
        part = fuzz.partial_ratio(quotes[first][1], quotes[second][1])
        if part >= SIMILAR:
            joined.union(str(first), str(second))
            similarities[first].append((fuzz.ratio(quotes[first][1], quotes[second][1]), part))
    groups: dict[str, list[int]] = defaultdict(list)
    for index in map(int, joined.parent):
        groups[joined.find(str(index))].append(index)
    proposals = []
    for indices in groups.values():
        members = sorted(quotes[index][0] for index in indices)
        pairs = [pair for index in indices for pair in similarities[index]]
        outlets = len({member.article_id for member in members})
        score = min(1.0, sum(part for _, part in pairs) / len(pairs) / 100 * (0.8 + 0.1 * outlets))
        proposals.append(Proposal("quote", members, _reason(pairs), round(score, 3)))
    return proposals
