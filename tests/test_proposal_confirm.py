"""Confirming and turning down proposals in a real database (annotations/proposals/confirm.py)."""

from __future__ import annotations

from annotations.compare import build_clusters
from annotations.proposals import propose
from annotations.proposals.confirm import confirm, dismiss, open_proposals
from annotations.store import Store

from .test_links import by_id
from .test_store import tag


def _toll(seeds):
    return next(
        proposal
        for proposal in propose((article.id, article.text) for article in seeds)
        if proposal.reason == "same count: fighters killed"
    )


def test_confirming_the_death_toll_tags_and_links_its_members_in_one_undo_step(seeds, db_path):
    articles = by_id(seeds)
    toll = _toll(seeds)
    with Store.open(db_path) as store:
        already = tag(store, articles["002_adeb6bf3238f9c36"], "24 “martyrs”", "figure")
        step = confirm(store, articles, toll, "ana", "same-as")
        (cluster,) = build_clusters(store, list(articles))
        assert sorted(span.text for span in cluster.spans) == sorted(member.text for member in toll.members)
        assert already.id in {span.id for span in cluster.spans}  # the tag there is used, not doubled
        assert cluster.disagrees
        assert all(span.status == "pending" and span.annotator in ("ana", "tester") for span in cluster.spans)
        assert open_proposals(store, [toll], "same-as") == []
        assert store.undo() == step  # one key takes the whole row back
        assert build_clusters(store, list(articles)) == []
        assert [span.id for span in store.annotations("002_adeb6bf3238f9c36")] == [already.id]
    with Store.open(db_path) as store:  # and it was all durable
        assert [span.text for span in store.annotations("002_adeb6bf3238f9c36")] == ["24 “martyrs”"]


def test_confirming_as_suggestions_leaves_them_to_accept(seeds, db_path):
    articles = by_id(seeds)
    with Store.open(db_path) as store:
        confirm(store, articles, _toll(seeds), "ana", "same-as", status="suggested")
        spans = [span for article_id in articles for span in store.annotations(article_id)]
        assert spans and {(span.status, span.source) for span in spans} == {("suggested", "proposal")}


def test_a_turned_down_proposal_is_not_proposed_again_until_undone(seeds, db_path):
    toll = _toll(seeds)
    with Store.open(db_path) as store:
        dismiss(store, toll, "ana")
    with Store.open(db_path) as store:
        assert open_proposals(store, [toll], "same-as") == []
        store.undo()
        assert open_proposals(store, [toll], "same-as") == [toll]


def test_a_member_already_tagged_longer_is_that_tag_not_a_second_one(seeds, db_path):
    """Reuters' "at least 25 militia fighters were killed" was tagged by hand: confirming
    the death toll links that tag instead of adding "at least 25 militia fighters" over it."""
    toll = _toll(seeds)
    member = next(member for member in toll.members if member.article_id == "001_dd604056335a0bf9")
    articles = {article.id: article for article in seeds}
    with Store.open(db_path) as store:
        reuters = articles[member.article_id]
        longer = store.add(
            reuters, member.start, reuters.text.index("killed", member.end) + len("killed"), "figure", "me"
        )
        confirm(store, articles, toll, "me", "same-as")
        assert [span.id for span in store.annotations(reuters.id)] == [longer.id]
        assert any(longer.id in link.ends() for link in store.links())
        assert open_proposals(store, [toll], "same-as") == []  # confirmed, not proposed again
