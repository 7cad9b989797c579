"""Finding a phrase in an article: case-insensitive unless the query has a capital (smartcase)."""

from __future__ import annotations

import re


def find_matches(text: str, query: str) -> list[tuple[int, int]]:
    if not query:
        return []
    flags = 0 if any(char.isupper() for char in query) else re.IGNORECASE
    return [match.span() for match in re.finditer(re.escape(query), text, flags)]


def next_match(matches: list[tuple[int, int]], offset: int, direction: int = 1, include_offset: bool = False) -> tuple[int, int] | None:
    """The match after (or before, ``direction`` -1) ``offset``, wrapping around the article."""
    if not matches:
        return None
    if direction > 0:
        after = [match for match in matches if match[0] > offset or (include_offset and match[0] == offset)]
        return after[0] if after else matches[0]
    before = [match for match in matches if match[0] < offset]
    return before[-1] if before else matches[-1]
