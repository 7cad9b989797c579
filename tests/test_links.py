"""Links between spans, clusters of same-as links, and quotes that look alike: the core, on the seeds."""

import json
from itertools import pairwise

import pytest

from annotations.compare import build_clusters, comparable_quote, ordered_for_comparison, quote_suggestions
from annotations.schema import SchemaError, load_schema, parse_schema
from annotations.store import Store

from .conftest import broadsheet, make_app
from .test_app import WIDE
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
    return [store.link(head, child, relation, "tester") for head, child in pairwise(spans)]


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
    assert {
        span.id: figure.describe()
        for span_id, figure in cluster.figures.items()
        for span in spans
        if span.id == span_id
    } == {
        spans[0].id: ">=25 militia fighters",
        spans[1].id: ">=25 militia fighters",
        spans[2].id: "24 martyrs",
        spans[3].id: "19 fighters",
        spans[4].id: ">=19 members",
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
    assert pairs == {
        frozenset((cns.id, post.id)),
        frozenset((cns.id, usa_today.id)),
        frozenset((post.id, usa_today.id)),
    }
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
    cns = tag(
        store,
        articles["002_adeb6bf3238f9c36"],
        "KH has a strong linkage with Iran’s Quds Force and has repeatedly received lethal aid "
        "and other support from Iran",
        "quote",
    )
    usa_today = tag(
        store,
        articles["004_1efd9bbacad779dd"],
        "has a strong linkage to Iran’s Quds Force\xa0has repeatedly received lethal aid and other support from Iran",
        "quote",
    )
    [suggestion] = quote_suggestions(store, list(TOLLS), [])
    assert {suggestion.head.id, suggestion.child.id} == {cns.id, usa_today.id}
    assert 0.8 <= suggestion.similarity < 1.0


def test_comparable_quote_ignores_case_quote_marks_and_punctuation():
    assert comparable_quote("“The U.S., however, will NOT be deterred.”") == comparable_quote(
        '"the U.S. however will not be deterred"'
    )


def test_the_default_schema_has_same_as_clustering_and_said_by():
    schema = load_schema()
    assert [(relation.name, relation.key, relation.clusters) for relation in schema.relations] == [
        ("same-as", "s", True),
        ("said-by", "b", False),
    ]
    assert schema.cluster_relation == "same-as"


LABELS = "labels:\n  - {name: actor, key: a, color: red}\n"


@pytest.mark.parametrize(
    ("relations", "problem"),
    [
        ("relations: same-as", "'relations:' must be a list"),
        ("relations:\n  - {name: same-as}", "relation 1: expected a name and a key"),
        (
            "relations:\n  - {name: same-as, key: s}\n  - {name: same-as, key: t}",
            "relation 'same-as': the name is used twice",
        ),
        (
            "relations:\n  - {name: same-as, key: s}\n  - {name: cites, key: s}",
            "key 's' is already used by relation 'same-as'",
        ),
        (
            "relations:\n  - {name: a, key: s, clusters: true}\n  - {name: b, key: t, clusters: true}",
            "only one relation can form clusters",
        ),
        ("relations:\n  - {name: a, key: s, clusters: yes please}", "'clusters' must be true or false"),
        ("relations:\n  - {name: '  ', key: s}", "relation '': a name must be printable with no spaces"),
        ("relations:\n  - {name: said by, key: s}", "relation 'said by': a name must be printable with no spaces"),
        ("relations:\n  - {name: cites, key: st}", "relation 'cites': key 'st' must be a single printable character"),
    ],
)
def test_bad_relations_in_a_schema_are_named(relations, problem):
    with pytest.raises(SchemaError, match=problem) as raised:
        parse_schema(LABELS + relations, "mine.yaml")
    assert str(raised.value).startswith("mine.yaml: ")


def test_a_schema_without_relations_gets_the_default_ones():
    assert parse_schema(LABELS, "mine.yaml").cluster_relation == "same-as"


# -- export and import ----------------------------------------------------------------------


def linked_seed_database(seeds, db_path):
    """The death tolls linked same-as across the five seeds, and a said-by link inside CNSNews."""
    articles = by_id(seeds)
    with Store.open(db_path) as store:
        tolls = [tag(store, articles[article_id], phrase, "figure") for article_id, phrase in TOLLS.items()]
        link_chain(store, tolls)
        cns = articles["002_adeb6bf3238f9c36"]
        quote = tag(
            store, cns, "The U.S., however, will not be deterred from exercising its right of self-defense.", "quote"
        )
        hoffman = tag(store, cns, "Jonathan Hoffman", "actor")
        said_by = store.link(quote, hoffman, "said-by", "tester")
    return tolls, quote, hoffman, said_by


def test_export_writes_relations_inside_an_article_and_clusters_across_articles(seeds, db_path, tmp_path):
    _tolls, quote, hoffman, said_by = linked_seed_database(seeds, db_path)
    out, clusters = tmp_path / "gold.jsonl", tmp_path / "clusters.jsonl"
    result = broadsheet("export", "--db", str(db_path), "-o", str(out), "--clusters", str(clusters))
    assert result.returncode == 0, result.stderr
    assert "wrote 1 cluster(s)" in result.stderr
    lines = {json.loads(line)["meta"]["id"]: json.loads(line) for line in out.read_text().splitlines()}
    cns = lines["002_adeb6bf3238f9c36"]
    assert cns["relations"] == [{"head": quote.id, "child": hoffman.id, "label": "said-by", "id": said_by.id}]
    span_ids = {span["id"] for span in cns["spans"]}
    assert {quote.id, hoffman.id} <= span_ids
    assert lines["001_dd604056335a0bf9"]["relations"] == []  # its only link goes to another article
    [cluster] = [json.loads(line) for line in clusters.read_text().splitlines()]
    assert cluster["label"] == "figure" and cluster["relation"] == "same-as" and cluster["disagree"] is True
    assert cluster["name"] == "At least 25 militia fighters" and cluster["named_by"] == ""
    assert [(span["article_id"], span["text"]) for span in cluster["spans"]] == sorted(TOLLS.items())
    for span in cluster["spans"]:
        assert lines[span["article_id"]]["text"][span["start"] : span["end"]] == span["text"]
    assert len(cluster["links"]) == 4
    checked = broadsheet("validate", str(out))
    assert checked.returncode == 0 and "0 error(s)" in checked.stderr, checked.stdout + checked.stderr


def test_validate_names_a_relation_to_a_span_the_line_does_not_have(tmp_path):
    line = {
        "text": "Hoffman spoke.",
        "meta": {"id": "a"},
        "spans": [{"start": 0, "end": 7, "label": "actor", "text": "Hoffman", "id": "s1"}],
        "relations": [{"head": "s9", "child": "s1", "label": "said-by"}],
    }
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(line) + "\n")
    result = broadsheet("validate", str(path))
    assert result.returncode == 1
    assert f"{path}:1: relation 1 (said-by): head 's9' is not the id of a span of this line" in result.stdout


def test_relations_and_clusters_import_back_and_export_the_same(seeds, db_path, tmp_path):
    linked_seed_database(seeds, db_path)
    first, first_clusters = tmp_path / "first.jsonl", tmp_path / "first-clusters.jsonl"
    assert (
        broadsheet("export", "--db", str(db_path), "-o", str(first), "--clusters", str(first_clusters)).returncode == 0
    )
    copy = tmp_path / "copy" / "db.json"
    result = broadsheet("import", str(first), str(first_clusters), "--db", str(copy))
    assert result.returncode == 0, result.stderr
    assert "1 link(s)" in result.stderr and "4 link(s)" in result.stderr
    second, second_clusters = tmp_path / "second.jsonl", tmp_path / "second-clusters.jsonl"
    assert (
        broadsheet("export", "--db", str(copy), "-o", str(second), "--clusters", str(second_clusters)).returncode == 0
    )
    assert second.read_bytes() == first.read_bytes()
    assert second_clusters.read_bytes() == first_clusters.read_bytes()
    again = broadsheet("import", str(first), str(first_clusters), "--db", str(copy))
    assert again.returncode == 0 and "0 span(s) imported" in again.stderr
    with Store.open(copy) as store:
        assert len(store.links()) == 5  # nothing twice


def test_an_imported_cluster_keeps_its_name_and_namer_and_is_not_an_undo_step(seeds, db_path, tmp_path):
    tolls, *_ = linked_seed_database(seeds, db_path)
    with Store.open(db_path) as store:
        store.name_cluster(tolls[0].id, "The militia's dead", "lead")
    gold, clusters = tmp_path / "gold.jsonl", tmp_path / "clusters.jsonl"
    assert broadsheet("export", "--db", str(db_path), "-o", str(gold), "--clusters", str(clusters)).returncode == 0
    copy = tmp_path / "copy" / "db.json"
    assert broadsheet("import", str(gold), str(clusters), "--db", str(copy)).returncode == 0
    with Store.open(copy) as store:
        [name] = store.cluster_names().values()
        assert (name.id, name.name, name.annotator) == (tolls[0].id, "The militia's dead", "lead")
        assert store.undo() is None  # an import, like its spans and links


def test_prodigy_relations_by_span_offsets_import_as_links(tmp_path, db_path):
    text = "Hoffman said the strikes were proportionate."
    line = {
        "text": text,
        "spans": [{"start": 0, "end": 7, "label": "actor"}, {"start": 13, "end": 43, "label": "claim"}],
        "relations": [
            {
                "head": 1,
                "child": 0,
                "label": "said-by",
                "head_span": {"start": 13, "end": 43, "label": "claim"},
                "child_span": {"start": 0, "end": 7, "label": "actor"},
            }
        ],
    }
    source = tmp_path / "prodigy.jsonl"
    source.write_text(json.dumps(line) + "\n")
    assert broadsheet("import", str(source), "--db", str(db_path)).returncode == 0
    with Store.open(db_path) as store:
        [link] = store.links()
        [article_id] = store.article_ids()
        spans = {span.id: span.text for span in store.annotations(article_id)}
    assert (spans[link.head], spans[link.child], link.label) == ("the strikes were proportionate", "Hoffman", "said-by")


def test_a_cluster_of_spans_not_in_the_database_is_named_by_line(tmp_path, db_path):
    clusters = tmp_path / "clusters.jsonl"
    clusters.write_text(
        json.dumps({"id": "x", "relation": "same-as", "spans": [{"id": "s1", "article_id": "a"}], "links": []}) + "\n"
    )
    result = broadsheet("import", str(clusters), "--db", str(db_path))
    assert result.returncode == 1
    assert (
        f"{clusters}:1: span 's1' of article 'a' is not in the database: import the articles' JSONL first"
        in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_a_rejected_tag_is_in_no_cluster_nor_in_what_an_outlet_alone_reports_until_the_rejection_is_undone(
    seeds, store
):
    from annotations.comparison import build_comparison
    from annotations.review import decide

    articles = by_id(seeds)
    first, second = (tag(store, articles[article_id], "Kataib Hezbollah", "actor") for article_id in list(TOLLS)[:2])
    store.link(first, second, "same-as", "tester")
    assert len(build_clusters(store)) == 1
    rejected = decide(store, second, "rejected", "lead")
    assert build_clusters(store) == []
    comparison = build_comparison(store, [articles[first.article_id], articles[second.article_id]], ["actor"])
    assert [part.text for part in comparison.alone[second.article_id]] == []  # rejected: not reported at all
    decide(store, rejected, "pending", "lead")
    assert len(build_clusters(store)) == 1


def test_an_articles_links_are_at_hand_and_follow_every_change_as_the_whole_list_does(seeds, store):
    first, second, third = seeds[:3]
    spans = [tag(store, article, article.text.split()[0], "actor") for article in (first, second, third)]

    def whole_list(article_id: str) -> list:
        return [link for link in store.links() if article_id in (link.head_article, link.child_article)]

    made = [store.link(spans[0], spans[1], "same-as", "tester"), store.link(spans[1], spans[2], "same-as", "tester")]
    checks = [lambda: None, lambda: store.delete_link(made[0]), store.undo, store.undo, store.redo]
    for change in checks:
        change()
        for article in (first, second, third):
            assert store.links_of(article.id) == whole_list(article.id)
    assert [link.id for link in store.links_of(second.id)] == [link.id for link in made]


async def test_the_panel_lists_the_focused_articles_links_without_reading_every_link(seeds, db_path, monkeypatch):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("w", "a")
            await pilot.pause()
            read = []
            every_link = type(store).links
            monkeypatch.setattr(type(store), "links", lambda self: read.append(1) or every_link(self))
            await pilot.press("w", "a", "u")
            await pilot.pause()
            assert app.screen.query_one("#panel").text_lines()  # the panel was shown again
    assert read == []  # a key in an article costs its own links, not the database's
