"""The figure parser, on wording taken from news reports (most from the seeds themselves)."""

import math

import pytest

from annotations.figures import disagree, parse_figure

INF = math.inf

# text, qualifier, low, high, unit
PHRASINGS = [
    # the seeds
    ("At least 25 militia fighters", ">=", 25, INF, "militia fighters"),
    ("at least 25 militia fighters were killed", ">=", 25, INF, "militia fighters"),
    ("at least 55 wounded", ">=", 55, INF, "wounded"),
    ("24 “martyrs” had been killed", "=", 24, 24, "martyrs"),
    ("19 fighters were killed", "=", 19, 19, "fighters"),
    ("at least 19 of its members dead", ">=", 19, INF, "members"),
    ("four fighters", "=", 4, 4, "fighters"),
    ("killing four fighters", "=", 4, 4, "fighters"),
    ("more than 30 rockets", ">", 31, INF, "rockets"),
    ("at least 30 rockets were fired", ">=", 30, INF, "rockets"),
    ("more than 50 wounded", ">", 51, INF, "wounded"),
    ("approximately 5,000 troops", "~", 4500, 5500, "troops"),
    ("About 5,000 U.S. troops", "~", 4500, 5500, "U.S. troops"),
    ("some 500 U.S. military personnel", "~", 450, 550, "U.S. military personnel"),
    ("about 500 people dead", "~", 450, 550, "people"),
    ("thousands of additional troops", "range", 2000, 9999, "additional troops"),
    ("the deaths of hundreds of U.S. troops", "range", 200, 999, "U.S. troops"),
    ("At least four local Kataib Hezbollah commanders", ">=", 4, INF, "local Kataib Hezbollah commanders"),
    ("three US airstrikes", "=", 3, 3, "US airstrikes"),
    ("at least 11 attacks", ">=", 11, INF, "attacks"),
    ("35 were injured", "=", 35, 35, ""),  # what was counted is earlier in the sentence
    # wire-service and newspaper wording
    ("24", "=", 24, 24, ""),
    ("four", "=", 4, 4, ""),
    ("hundreds", "range", 200, 999, ""),
    ("dozens of rockets", "range", 24, 99, "rockets"),
    ("a dozen rockets", "=", 12, 12, "rockets"),
    ("twenty-five fighters", "=", 25, 25, "fighters"),
    ("two hundred and fifty soldiers", "=", 250, 250, "soldiers"),
    ("between 20 and 30 civilians", "range", 20, 30, "civilians"),
    ("20-30 people", "range", 20, 30, "people"),
    ("15 to 20 rockets", "range", 15, 20, "rockets"),
    ("1.5 million people", "=", 1_500_000, 1_500_000, "people"),
    ("nearly 100 protesters", "~", 90, 110, "protesters"),
    ("up to 40 dead", "<=", 0, 40, "dead"),
    ("fewer than 10 casualties", "<", 0, 9, "casualties"),
    ("25 or more", ">=", 25, INF, ""),
    ("over 1,000 rockets", ">", 1001, INF, "rockets"),
    ("tens of thousands of protesters", "range", 20_000, 99_999, "protesters"),
    ("roughly 3 million", "~", 2_700_000, 3_300_000, ""),
    ("as many as 12 soldiers", "<=", 0, 12, "soldiers"),
    ("an estimated 2,500 U.S. troops", "~", 2250, 2750, "U.S. troops"),
    ("no fewer than seven people", ">=", 7, INF, "people"),
    ("a hundred", "=", 100, 100, ""),
]


@pytest.mark.parametrize(("text", "qualifier", "low", "high", "unit"), PHRASINGS, ids=[row[0] for row in PHRASINGS])
def test_news_wording_reads_as_an_interval_with_its_unit(text, qualifier, low, high, unit):
    figure = parse_figure(text)
    assert figure is not None
    assert (figure.qualifier, figure.unit) == (qualifier, unit)
    assert figure.low == pytest.approx(low) and figure.high == pytest.approx(high)


def test_there_are_at_least_thirty_phrasings():
    assert len(PHRASINGS) >= 30


@pytest.mark.parametrize("text", ["no figure here", "an American contractor", "the Pentagon said", ""])
def test_text_without_a_number_is_not_a_figure(text):
    assert parse_figure(text) is None


def test_describe_shows_the_qualifier_value_and_unit():
    assert parse_figure("at least 25 militia fighters").describe() == ">=25 militia fighters"
    assert parse_figure("about 5,000 U.S. troops").describe() == "~5000 U.S. troops"
    assert parse_figure("hundreds").describe() == "200–999"
    assert parse_figure("24").describe() == "24"


def test_the_seeds_death_tolls_disagree_but_a_hedge_agrees_with_its_number():
    tolls = [parse_figure(text) for text in ("at least 25", "24", "19", "four")]
    assert disagree(tolls)
    assert not disagree([parse_figure("at least 25 militia fighters"), parse_figure("25 fighters")])
    assert not disagree([parse_figure("about 5,000 U.S. troops"), parse_figure("5,200 troops")])
    assert disagree([parse_figure("at least 19"), parse_figure("four")])
    assert not disagree([parse_figure("19")])
