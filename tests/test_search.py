"""Search as a person means it: typesetting folded, offsets in the article's own text."""

from __future__ import annotations

import pytest

from annotations.search import find_matches


@pytest.mark.parametrize(
    ("text", "query", "found"),
    [
        ("Kata’ib Hezbollah said", "Kata'ib", ["Kata’ib"]),  # a straight apostrophe finds the curly one
        ('the “martyrs” and "martyrs"', '"martyrs"', ["“martyrs”", '"martyrs"']),
        ("a US—Iraq deal, a US-Iraq deal", "us-iraq", ["US—Iraq", "US-Iraq"]),
        ("Réseau, Reseau", "reseau", ["Réseau", "Reseau"]),  # diacritics, precomposed
        ("Re\u0301seau", "Reseau", ["Re\u0301seau"]),  # and decomposed: the accent stays with its letter
        ("cafe\u0301!", "cafe", ["cafe\u0301"]),  # a decomposed accent at a match's end is inside it
        ("ﬁghters", "fighters", ["ﬁghters"]),  # a ligature
        ("Hezbollah hezbollah", "Hezbollah", ["Hezbollah"]),  # smartcase, as before
        ("Hezbollah hezbollah", "hezbollah", ["Hezbollah", "hezbollah"]),
        ("İstanbul and Istanbul", "istanbul", ["İstanbul", "Istanbul"]),
    ],
)
def test_search_folds_typesetting_and_gives_the_articles_own_offsets(text, query, found):
    assert [text[start:end] for start, end in find_matches(text, query)] == found


def test_a_query_of_only_marks_finds_nothing():
    assert find_matches("café", "\u0301") == []


def test_every_open_article_is_searched_with_the_words_around_each_match():
    from annotations.search import find_everywhere

    articles = [("a", "The Kata’ib Hezbollah militia.\nKataib again."), ("b", "Nothing here."), ("c", "kata'ib, once")]
    found, total = find_everywhere(articles, "kata'ib")
    assert total == 2  # "Kataib" without an apostrophe is another spelling, not a typesetting
    assert [(f.article_id, f.text) for f in found] == [("a", "Kata’ib"), ("c", "kata'ib")]
    assert (found[0].before, found[0].after) == ("The ", " Hezbollah militia. Kataib again.")
    assert find_everywhere(articles, "kata'ib", limit=1) == (found[:1], 2)  # the count is of all of them
