"""Finding a phrase in an article as a person means it: case-insensitive unless the query
has a capital (smartcase), and blind to how the text was typeset: curly and straight
quotes, dashes and hyphens, accents and diacritics (``Kata'ib`` finds ``Kata’ib``,
``Reseau`` finds ``Réseau``). Matches are offsets in the article's own text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# Characters typeset in several ways, each to the one a keyboard types.
_TYPESET = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′ʼ`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)


@lru_cache(maxsize=4096)
def _folded_char(char: str) -> str:
    """``char`` as search compares it: the ASCII a keyboard types where typesetting differs,
    without combining marks (NFKD: ``é`` is ``e``, ``ﬁ`` is ``fi``)."""
    char = char.translate(_TYPESET)
    if char.isascii():
        return char
    return "".join(part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part))


def fold(text: str) -> tuple[str, list[int] | None]:
    """``text`` folded, and for each folded character the offset in ``text`` it comes from
    (None when they keep their places: text whose only non-ASCII characters are quotes and
    dashes, the common case, folds one for one, in C; folding 5 MB of news a character at
    a time took 1.8 s, measured)."""
    typeset = text.translate(_TYPESET)  # one character for one
    if typeset.isascii():
        return typeset, None
    folded, origin = [], []
    for offset, char in enumerate(text):
        part = _folded_char(char)
        folded.append(part)
        origin.extend([offset] * len(part))
    return "".join(folded), origin


# n and N search the article they searched before: its fold is kept (a string's hash is
# computed once). Two, not more: the offsets of a 5 MB article are tens of megabytes.
_folded_article = lru_cache(maxsize=2)(fold)


def find_matches(text: str, query: str) -> list[tuple[int, int]]:
    """The places of ``query`` in ``text``, as (start, end) offsets of ``text``."""
    query, _ = fold(query)
    if not query:
        return []
    flags = 0 if any(char.isupper() for char in query) else re.IGNORECASE
    folded, origin = _folded_article(text)
    spans = [match.span() for match in re.finditer(re.escape(query), folded, flags)]
    if origin is None:
        return spans
    return [(origin[start], _end_in_text(text, origin[end - 1] + 1)) for start, end in spans]


def _end_in_text(text: str, end: int) -> int:
    """A match's end, past the marks that fold to nothing after it (a decomposed accent
    belongs to the letter before it)."""
    while end < len(text) and not _folded_char(text[end]):
        end += 1
    return end


def next_match(
    matches: list[tuple[int, int]], offset: int, direction: int = 1, include_offset: bool = False
) -> tuple[int, int] | None:
    """The match after (or before, ``direction`` -1) ``offset``, wrapping around the article."""
    if not matches:
        return None
    if direction > 0:
        after = [match for match in matches if match[0] > offset or (include_offset and match[0] == offset)]
        return after[0] if after else matches[0]
    before = [match for match in matches if match[0] < offset]
    return before[-1] if before else matches[-1]


CONTEXT = 40  # characters either side of a match in a list of matches
_BREAKS = re.compile(r"\s+")


def _spaced(text: str) -> str:
    """``text`` on one line, its breaks and runs of space one space (its ends kept)."""
    return _BREAKS.sub(" ", text)


@dataclass(frozen=True)
class Found:
    """A match in one of many articles, with the words around it."""

    article_id: str
    start: int
    end: int
    before: str
    text: str
    after: str


def find_everywhere(articles: Iterable[tuple[str, str]], query: str, limit: int = 1000) -> tuple[list[Found], int]:
    """The matches of ``query`` in ``articles`` (id, text), in order, up to ``limit``; and
    how many there are in all."""
    found: list[Found] = []
    total = 0
    for article_id, text in articles:
        matches = find_matches(text, query)
        total += len(matches)
        for start, end in matches[: max(0, limit - len(found))]:
            found.append(
                Found(
                    article_id,
                    start,
                    end,
                    _spaced(text[max(0, start - CONTEXT) : start]),
                    _spaced(text[start:end]),
                    _spaced(text[end : end + CONTEXT]),
                )
            )
    return found, total
