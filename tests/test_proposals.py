"""Proposals on the five seeds: where the outlets meet, found without a tag."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.articles import load_article
from annotations.figures import disagree, parse_figure
from annotations.proposals import propose
from annotations.proposals.claims import propose_claims
from annotations.proposals.counts import propose_counts
from annotations.proposals.names import propose_actors
from annotations.proposals.quotes import propose_quotes

from .proposal_key import evaluate

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {article.id: article.text for article in map(load_article, sorted(SEEDS.glob("*.txt")))}


@pytest.fixture(scope="module")
def proposals(texts):
    return propose(texts.items())


@pytest.mark.parametrize("label", ["actor", "figure", "quote"])
def test_proposals_find_what_the_outlets_share(proposals, texts, label):
    precision, recall = evaluate(proposals, texts, label)
    assert recall >= 0.9 and precision >= 0.8, (label, precision, recall)


def test_claims_find_most_facts_the_outlets_share(proposals, texts):
    precision, recall = evaluate(proposals, texts, "claim")
    assert recall >= 0.7 and precision >= 0.75, (precision, recall)


def test_a_claim_row_holds_one_sentence_an_article_and_no_quotation():
    articles = [
        (
            "a",
            "U.S. forces struck three targets in Iraq and two in Syria, the Pentagon said. "
            "“We will not stand for it, not now and not ever,” he said.",
        ),
        (
            "b",
            "The Pentagon said it had targeted three locations in Iraq and two in Syria. "
            "The Pentagon said it struck three sites in Iraq and two in Syria.",
        ),
        ("c", "“We will not stand for it, not now and not ever,” the minister said on the radio today."),
    ]
    (row,) = propose_claims(articles)
    assert [(member.article_id, member.text) for member in row.members] == [
        ("a", "U.S. forces struck three targets in Iraq and two in Syria, the Pentagon said."),
        ("b", "The Pentagon said it struck three sites in Iraq and two in Syria."),
    ]


def test_every_member_is_the_text_at_its_offsets(proposals, texts):
    for proposal in proposals:
        for member in proposal.members:
            assert texts[member.article_id][member.start : member.end] == member.text


def _with(proposals, label, words):
    return [
        proposal
        for proposal in proposals
        if proposal.label == label and any(member.text == words for member in proposal.members)
    ]


def test_the_death_toll_is_one_row_across_five_outlets_and_it_disagrees(proposals):
    (toll,) = _with(proposals, "figure", "24 “martyrs”")
    assert toll.reason == "same count: fighters killed"
    assert len(toll.article_ids) == 5
    assert disagree([parse_figure(member.text) for member in toll.members])
    assert not any(member.text == "55 wounded" for member in toll.members)  # another count of the same noun


def test_the_militia_is_one_actor_in_four_spellings_and_not_lebanons_hezbollah(proposals):
    (militia,) = _with(proposals, "actor", "Kitaeb Hezbollah")
    assert {member.text for member in militia.members} == {
        "Kataib Hezbollah",
        "Kata’ib Hezbollah",
        "Kitaeb Hezbollah",
        "Kataeb Hezbollah",
    }
    (lebanese,) = _with(proposals, "actor", "Lebanese Hezbollah")
    assert lebanese is not militia
    assert "Kataib Hezbollah" not in {member.text for member in lebanese.members}


def test_a_partial_quotation_joins_the_whole_statement(proposals):
    (statement,) = _with(proposals, "quote", "degrade KH’s ability to conduct future attacks")
    assert statement.reason == "same quotation, partial"
    assert len(statement.article_ids) == 4


def test_different_counts_and_names_are_not_proposed_together():
    articles = [
        ("a", "At least 25 militia fighters were killed and 55 wounded. About 500 people died in protests."),
        ("b", "Officials said 55 fighters were wounded. Some 500 U.S. military personnel died from 2005 onwards."),
        ("c", "Hezbollah in Lebanon condemned it. Mr Hoffman spoke. “We will respond in time,” he said."),
        ("d", "Kataib Hezbollah denied it. Jonathan Hoffman spoke. “Nothing of the kind was said today,” she said."),
    ]
    figures = propose_counts(articles)
    assert [(proposal.reason, [member.text for member in proposal.members]) for proposal in figures] == [
        ("same count: fighters wounded", ["55 wounded", "55 fighters"]),
    ]
    actors = propose_actors(articles)
    assert [[member.text for member in proposal.members] for proposal in actors] == [["Hoffman", "Jonathan Hoffman"]]
    assert propose_quotes(articles) == []


def test_a_proposal_is_known_by_its_members_whatever_the_order(texts):
    forward = {proposal.key for proposal in propose(texts.items())}
    backward = {proposal.key for proposal in propose(reversed(list(texts.items())))}
    assert forward == backward


def test_a_schemas_own_labels_get_the_rows_of_the_kind_they_name(texts, proposals):
    renamed = propose(texts.items(), ["toll", "person"], {"toll": "figure", "person": "actor"})
    assert {proposal.label for proposal in renamed} == {"toll", "person"}
    as_default = {
        (proposal.kind, tuple(proposal.members)) for proposal in proposals if proposal.label in ("figure", "actor")
    }
    assert {(proposal.kind, tuple(proposal.members)) for proposal in renamed} == as_default
    toll = next(proposal for proposal in renamed if proposal.reason == "same count: fighters killed")
    assert disagree(list(toll.figures().values()))  # read as figures, whatever the label is called


def test_proposing_in_a_child_process_finds_what_proposing_here_finds(texts, proposals):
    from annotations.proposals.apart import ProposingChild

    started = []
    found = ProposingChild(list(texts.items()), {"figure": "figure", "quote": "quote"}).run(started.append)
    assert started == ["figure", "quote"]
    assert [(proposal.key, proposal.reason) for proposal in found] == [
        (proposal.key, proposal.reason) for proposal in proposals if proposal.label in ("figure", "quote")
    ]


def test_a_child_that_fails_is_one_line_and_one_that_is_stopped_is_not_a_failure(texts):
    from annotations.proposals.apart import ProposingChild, ProposingFailed

    with pytest.raises(ProposingFailed, match=r"^KeyError: 'no such kind'$"):
        ProposingChild(list(texts.items()), {"figure": "no such kind"}).run(lambda label: None)
    child = ProposingChild(list(texts.items()), {"claim": "claim", "quote": "quote"})
    assert child.run(lambda label: child.stop()) == []  # killed at its first label: nothing, and no error
    assert child.stopped
