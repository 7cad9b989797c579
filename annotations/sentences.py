"""Sentences of news text, for everything that works a sentence at a time.

A full stop ends a sentence only where the next word starts one (a capital, a digit or
an opening quote after the space), and not after an abbreviation news writes all the
time: "U.S. forces", "the U.S. The", "Mr. Hook", "Lt. Col. Hassan Kadhim", "Sen. Tom
Cotton (R-Ark.)". A line break always ends one (paragraphs, headings).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Titles and the like that a capitalised name follows: the full stop after them is not an end.
_TITLES = frozenset(
    "mr mrs ms dr prof sen rep gov gen lt col maj capt sgt adm cmdr st jr sr rev hon no vol fig approx".split()
)
_END = re.compile(r"[.!?…]+[\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])|\n+")


def _is_abbreviation(text: str, stop: int) -> bool:
    """Whether the full stop at ``stop`` closes an abbreviation rather than a sentence."""
    if text[stop] != ".":
        return False
    word = re.search(r"(?:^|(?<=[\s(\"“]))[\w.-]*$", text[max(0, stop - 20) : stop])
    token = word.group() if word else ""
    if re.fullmatch(r"(?:[A-Za-z]\.)*[A-Za-z]", token):  # U.S, D.C, a single initial
        return True
    return token.casefold() in _TITLES


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence of ``text[start:end]``, its outer white space left out."""
    end = len(text) if end is None else end
    begin = start
    for match in _END.finditer(text, start, end):
        if match.group().startswith("\n") or not _is_abbreviation(text, match.start()):
            yield from _trimmed(text, begin, match.end() if not match.group().startswith("\n") else match.start())
            begin = match.end()
    yield from _trimmed(text, begin, end)


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end


def sentence_around(text: str, start: int, end: int, limit: int = 300) -> tuple[int, int]:
    """The sentence (or sentences) holding text[start:end], at most ``limit`` characters
    either side: what a review card shows around a span."""
    floor, ceiling = max(0, start - limit), min(len(text), end + limit)
    sentences = list(sentence_spans(text, floor, ceiling))
    sentence_start = max((first for first, _ in sentences if first <= start), default=floor)
    sentence_end = min((last for _, last in sentences if last >= end), default=ceiling)
    return min(sentence_start, start), max(sentence_end, end)
