"""Links between spans, clusters of same-as links, and quotes that look alike: the core, on the seeds."""

import json

import pytest

from annotations.compare import build_clusters, comparable_quote, ordered_for_comparison, quote_suggestions
from annotations.schema import SchemaError, load_schema, parse_schema
from annotations.store import Store

from .test_store import tag

# The militia's dead as each outlet reports it (the fifth, 004, gives "at least 19").
TOLLS = {
    "000_64331d8c72ca9866": "At least 25 militia fighters",
    "001_dd604056335a0bf9": "at least 25 militia fighters",
    "002_adeb6bf3238f9c36": "24 “martyrs”",
    "003_5d1040d77a3fa8e0": "19 fighters",
    "004_1efd9bbacad779dd": "at least 19 of its members",
}
PROXY_QUOTE = "Iran and their KH proxy forces must cease their attacks on U.S. and coalition forces"


def by_id(seeds):
    return {article.id: article for article in seeds}


def link_chain(store, spans, relation="same-as"):
    return [store.link(head, child, relation, "tester") for head, child in zip(spans, spans[1:])]


def test_a_link_is_on_disk_when_link_returns_and_survives_reopening(seeds, db_path):
    articles = by_id(seeds)
    with Store.open(db_path) as store:
        reuters = tag(store, articles["001_dd604056335a0bf9"], "Jonathan Hoffman", "actor")
        post = tag(store, articles["003_5d1040d77a3fa8e0"], "Jonathan Hoffman", "actor")
        link = store.link(reuters, post, "same-as", "tester")
    on_disk = json.loads((db_path.parent / "broadsheet.json.d" / "_links.json").read_text())
    [record] = on_disk["links"].values()
    assert record["head"] == reuters.id and record["child"] == post.id
    assert (record["head_article"], record["child_article"]) == (reuters.article_id, post.article_id)
    assert record["label"] == "same-as" and record["annotator"] == "tester" and record["status"] == "accepted"
    with Store.open(db_path) as store:
        assert store.links() == [link]
        assert store.article_ids() == sorted({reuters.article_id, post.article_id})  # _links.json is no article


def test_links_undo_and_redo_like_spans(seeds, store):
    articles = by_id(seeds)
    quote = tag(store, articles["002_adeb6bf3238f9c36"], "The U.S., however, will not be deterred", "quote")
    actor = tag(store, articles["002_adeb6bf3238f9c36"], "Hoffman", "actor", occurrence=2)
    link = store.link(quote, actor, "said-by", "tester")
    store.delete_link(link)
    assert store.links() == []
    undone = store.undo()
    assert undone.describe() == "unlink said-by" and store.links() == [link]
    assert store.undo().describe() == "link said-by" and store.links() == []
    store.redo()
    assert store.links() == [link]


def test_a_link_to_a_deleted_span_is_hidden_and_returns_when_the_delete_is_undone(seeds, store):
    articles = by_id(seeds)
    spans = [tag(store, articles[article_id], phrase, "figure") for article_id, phrase in TOLLS.items()]
    link_chain(store, spans)
    store.delete(spans[2])
    # The chain is cut at the deleted span: two clusters of two.
    assert sorted(len(cluster.spans) for cluster in build_clusters(store)) == [2, 2]
    store.undo()
    [cluster] = build_clusters(store)
    assert len(cluster.spans) == 5


def test_same_as_links_form_one_cluster_whose_death_tolls_disagree(seeds, store):
    articles = by_id(seeds)
    spans = [tag(store, articles[article_id], phrase, "figure") for article_id, phrase in TOLLS.items()]
    link_chain(store, spans)
    [cluster] = build_clusters(store, list(TOLLS))
    assert cluster.label == "figure"
    assert [span.article_id for span in cluster.spans] == list(TOLLS)
    assert {span.id: figure.describe() for span_id, figure in cluster.figures.items() for span in spans if span.id == span_id} == {
        spans[0].id: ">=25 militia fighters", spans[1].id: ">=25 militia fighters", spans[2].id: "24 martyrs",
        spans[3].id: "19 fighters", spans[4].id: ">=19 members",
    }
    assert cluster.disagrees
    assert cluster.id == spans[0].id and cluster.name == "At least 25 militia fighters"


def test_agreeing_figures_are_not_flagged(seeds, store):
    articles = by_id(seeds)
    first = tag(store, articles["000_64331d8c72ca9866"], "At least 25 militia fighters", "figure")
    second = tag(store, articles["001_dd604056335a0bf9"], "at least 25 militia fighters", "figure")
    store.link(first, second, "same-as", "tester")
    [cluster] = build_clusters(store)
    assert not cluster.disagrees


def test_a_cluster_is_named_after_its_first_actor_until_renamed(seeds, store):
    articles = by_id(seeds)
    spellings = [
        tag(store, articles["001_dd604056335a0bf9"], "Kataib Hezbollah", "actor"),
        tag(store, articles["002_adeb6bf3238f9c36"], "Kata’ib Hezbollah", "actor"),
        tag(store, articles["003_5d1040d77a3fa8e0"], "Kitaeb Hezbollah", "actor"),
        tag(store, articles["004_1efd9bbacad779dd"], "Kataeb Hezbollah", "actor"),
    ]
    link_chain(store, spellings)
    [cluster] = build_clusters(store, list(TOLLS))
    assert cluster.name == "Kataib Hezbollah" and cluster.named_by == ""
    store.name_cluster(spellings[2].id, "KH (Kataib Hezbollah)", "lead")
    [cluster] = build_clusters(store, list(TOLLS))
    assert (cluster.name, cluster.named_by) == ("KH (Kataib Hezbollah)", "lead")
    store.undo()
    assert build_clusters(store, list(TOLLS))[0].name == "Kataib Hezbollah"


def test_clusters_are_grouped_by_label_in_schema_order(seeds, store):
    articles = by_id(seeds)
    figure = [tag(store, articles[article_id], TOLLS[article_id], "figure") for article_id in list(TOLLS)[:2]]
    actor = [tag(store, articles[article_id], "Hoffman", "actor") for article_id in list(TOLLS)[1:3]]
    link_chain(store, figure)
    link_chain(store, actor)
    ordered = ordered_for_comparison(build_clusters(store), ["actor", "claim", "figure", "quote"])
    assert [cluster.label for cluster in ordered] == ["actor", "figure"]


def test_near_identical_quotes_across_articles_are_suggested_until_linked_or_turned_down(seeds, store):
    articles = by_id(seeds)
    cns = tag(store, articles["002_adeb6bf3238f9c36"], PROXY_QUOTE, "quote")
    post = tag(store, articles["003_5d1040d77a3fa8e0"], PROXY_QUOTE, "quote")
    usa_today = tag(store, articles["004_1efd9bbacad779dd"], PROXY_QUOTE, "quote")
    other = tag(store, articles["003_5d1040d77a3fa8e0"], "It’s being done by Iran proxies", "quote")
    ids = list(TOLLS)
    suggestions = quote_suggestions(store, ids, build_clusters(store))
    pairs = {frozenset((suggestion.head.id, suggestion.child.id)) for suggestion in suggestions}
    assert pairs == {frozenset((cns.id, post.id)), frozenset((cns.id, usa_today.id)), frozenset((post.id, usa_today.id))}
    assert all(suggestion.similarity == 1.0 for suggestion in suggestions)
    assert other.id not in {span_id for pair in pairs for span_id in pair}
    store.link(cns, post, "same-as", "tester")
    store.link(post, usa_today, "same-as", "tester", status="rejected")
    suggestions = quote_suggestions(store, ids, build_clusters(store))
    assert [(suggestion.head.id, suggestion.child.id) for suggestion in suggestions] == [(cns.id, usa_today.id)]
    [cluster] = build_clusters(store)  # the rejected link joins nothing
    assert {span.id for span in cluster.spans} == {cns.id, post.id}


def test_slightly_different_wording_of_one_statement_is_similar_enough(seeds, store):
    articles = by_id(seeds)
    cns = tag(store, articles["002_adeb6bf3238f9c36"],
              "KH has a strong linkage with Iran’s Quds Force and has repeatedly received lethal aid and other support from Iran", "quote")
    usa_today = tag(store, articles["004_1efd9bbacad779dd"],
                    "has a strong linkage to Iran’s Quds Force\xa0has repeatedly received lethal aid and other support from Iran", "quote")
    [suggestion] = quote_suggestions(store, list(TOLLS), [])
    assert {suggestion.head.id, suggestion.child.id} == {cns.id, usa_today.id}
    assert 0.8 <= suggestion.similarity < 1.0


def test_comparable_quote_ignores_case_quote_marks_and_punctuation():
    assert comparable_quote("“The U.S., however, will NOT be deterred.”") == comparable_quote('"the U.S. however will not be deterred"')


def test_the_default_schema_has_same_as_clustering_and_said_by():
    schema = load_schema()
    assert [(relation.name, relation.key, relation.clusters) for relation in schema.relations] == [
        ("same-as", "s", True), ("said-by", "b", False),
    ]
    assert schema.cluster_relation == "same-as"


LABELS = "labels:\n  - {name: actor, key: a, color: red}\n"


@pytest.mark.parametrize(("relations", "problem"), [
    ("relations: same-as", "'relations:' must be a list"),
    ("relations:\n  - {name: same-as}", "relation 1: expected a name and a key"),
    ("relations:\n  - {name: same-as, key: s}\n  - {name: same-as, key: t}", "relation 'same-as': the name is used twice"),
    ("relations:\n  - {name: same-as, key: s}\n  - {name: cites, key: s}", "key 's' is already used by relation 'same-as'"),
    ("relations:\n  - {name: a, key: s, clusters: true}\n  - {name: b, key: t, clusters: true}", "only one relation can form clusters"),
    ("relations:\n  - {name: a, key: s, clusters: yes please}", "'clusters' must be true or false"),
])
def test_bad_relations_in_a_schema_are_named(relations, problem):
    with pytest.raises(SchemaError, match=problem) as raised:
        parse_schema(LABELS + relations, "mine.yaml")
    assert str(raised.value).startswith("mine.yaml: ")


def test_a_schema_without_relations_gets_the_default_ones():
    assert parse_schema(LABELS, "mine.yaml").cluster_relation == "same-as"
