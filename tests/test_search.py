"""Search as a person means it: typesetting folded, offsets in the article's own text."""

from __future__ import annotations

import pytest

from annotations.search import find_matches


@pytest.mark.parametrize(("text", "query", "found"), [
    ("Kata’ib Hezbollah said", "Kata'ib", ["Kata’ib"]),  # a straight apostrophe finds the curly one
    ("the “martyrs” and \"martyrs\"", '"martyrs"', ["“martyrs”", '"martyrs"']),
    ("a US—Iraq deal, a US-Iraq deal", "us-iraq", ["US—Iraq", "US-Iraq"]),
    ("Réseau, Reseau", "reseau", ["Réseau", "Reseau"]),  # diacritics, precomposed
    ("Re\u0301seau", "Reseau", ["Re\u0301seau"]),  # and decomposed: the accent stays with its letter
    ("cafe\u0301!", "cafe", ["cafe\u0301"]),  # a decomposed accent at a match's end is inside it
    ("ﬁghters", "fighters", ["ﬁghters"]),  # a ligature
    ("Hezbollah hezbollah", "Hezbollah", ["Hezbollah"]),  # smartcase, as before
    ("Hezbollah hezbollah", "hezbollah", ["Hezbollah", "hezbollah"]),
    ("İstanbul and Istanbul", "istanbul", ["İstanbul", "Istanbul"]),
])
def test_search_folds_typesetting_and_gives_the_articles_own_offsets(text, query, found):
    assert [text[start:end] for start, end in find_matches(text, query)] == found


def test_a_query_of_only_marks_finds_nothing():
    assert find_matches("café", "\u0301") == []
