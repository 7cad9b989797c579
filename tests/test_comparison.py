"""The comparison to share (annotations/comparison.py): rows of confirmed clusters and
proposals, one column per outlet, in Markdown, CSV, JSON and one HTML page."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

from annotations.comparison import build_comparison, render
from annotations.proposals import propose

from .test_links import TOLLS, by_id, link_chain
from .test_store import tag

LABELS = ["actor", "claim", "figure", "quote"]


def _tolls_linked(store, seeds):
    articles = by_id(seeds)
    spans = [tag(store, articles[article_id], words, "figure") for article_id, words in TOLLS.items()]
    link_chain(store, spans)
    return seeds


def test_a_confirmed_death_toll_row_has_every_outlets_words_values_and_disagrees(store, seeds):
    articles = _tolls_linked(store, seeds)
    comparison = build_comparison(store, articles, LABELS)
    (row,) = comparison.rows
    assert row.status == "confirmed" and row.disagrees
    assert [part.text for article in articles for part in row.cells[article.id]] == list(TOLLS.values())
    assert row.cells["002_adeb6bf3238f9c36"][0].value == "24 martyrs"
    record = json.loads(render(comparison, "json"))
    assert record["rows"][0]["disagree"] is True
    text = store.article_text("003_5d1040d77a3fa8e0")
    (part,) = record["rows"][0]["cells"]["003_5d1040d77a3fa8e0"]
    assert text[part["start"] : part["end"]] == "19 fighters"


def test_proposals_come_after_the_confirmed_rows_and_one_already_confirmed_is_not_repeated(store, seeds):
    articles = _tolls_linked(store, seeds)
    proposals = propose((article.id, article.text) for article in seeds)
    comparison = build_comparison(store, articles, LABELS, proposals)
    assert comparison.rows[0].status == "confirmed"
    proposed = comparison.rows[1:]
    assert proposed and all(row.status == "proposed" for row in proposed)
    assert not any(part.text == "24 “martyrs”" for row in proposed for parts in row.cells.values() for part in parts)
    assert len(proposed) == len(proposals) - 1  # the toll's proposal, and only it, is taken up by the confirmed row
    assert {"same name, spelling variant", "same quotation, partial", "same claim"} <= {row.reason for row in proposed}


def test_the_csv_has_a_column_per_outlet_and_marks_disagreement(store, seeds):
    articles = _tolls_linked(store, seeds)
    rows = list(csv.reader(io.StringIO(render(build_comparison(store, articles, LABELS), "csv"))))
    assert rows[0] == [
        "status",
        "label",
        "row",
        "why",
        "000_64331d8c72ca9866",
        "Reuters",
        "CNSNews.com",
        "The Washington Post",
        "004_1efd9bbacad779dd",
        "disagree",
    ]
    assert rows[1][-1] == "≠"
    assert rows[1][6] == "24 “martyrs” (24 martyrs)"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.anchors: set[str] = set()
        self.targets: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        if tag == "a":
            self.targets.add(attributes["href"].lstrip("#"))
        if "id" in attributes:
            self.anchors.add(attributes["id"])

    def handle_data(self, data):
        self.text.append(data)


def test_the_html_page_links_every_cell_to_its_sentence_needs_nothing_else_and_escapes_article_text(store, seeds):
    articles = _tolls_linked(store, seeds)
    (toll,) = store.annotations("000_64331d8c72ca9866")
    store.name_cluster(toll.id, "<script>alert(1)</script>", "tester")  # a name is outside text too
    page_text = render(build_comparison(store, articles, LABELS), "html")
    page = _Page()
    page.feed(page_text)
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert "http" not in page_text  # nothing fetched when an editor opens it
    assert page.targets and page.targets <= page.anchors
    assert "≠" in "".join(page.text)
    assert "<script>alert(1)</script>" in "".join(page.text)  # the name, shown as the words it is
    assert "security and militia sources in Baghdad confirmed" in "".join(page.text)  # 000's sentence, in context


def test_markdown_escapes_table_syntax_from_article_text(store, seeds):
    articles = _tolls_linked(store, seeds)
    (toll,) = store.annotations("000_64331d8c72ca9866")
    store.name_cluster(toll.id, "dead | <i>toll</i> _so far_", "tester")
    lines = render(build_comparison(store, articles, LABELS), "md").splitlines()
    assert lines[2].startswith("| confirmed | figure | dead \\| &lt;i>toll&lt;/i> \\_so far\\_ | ")
    assert lines[2].count(" | ") == lines[0].count(" | ")  # no cell more than the heading's
    assert not any(line.startswith("**Only") for line in lines)  # every tag is in the row


def test_what_one_outlet_alone_reports_is_listed_under_it(store, seeds):
    articles = _tolls_linked(store, seeds)
    tag(store, by_id(seeds)["001_dd604056335a0bf9"], "F-15 jets", "claim")
    comparison = build_comparison(store, articles, LABELS)
    assert [part.text for part in comparison.alone["001_dd604056335a0bf9"]] == ["F-15 jets"]
    assert "**Only Reuters:** F-15 jets" in render(comparison, "md")


def test_broadsheet_compare_writes_the_page_with_proposals_and_never_over_the_database(
    seeds, db_path, tmp_path, capsys
):
    from annotations.store import Store
    from tui.cli import main

    with Store.open(db_path) as store:
        _tolls_linked(store, seeds)
    page = tmp_path / "comparison.html"
    assert main(["compare", "--db", str(db_path), "--format", "html", "--proposed", "-o", str(page)]) == 0
    assert capsys.readouterr().err.startswith("broadsheet: compared 5 article(s): 1 confirmed row(s), ")
    html_text = page.read_text(encoding="utf-8")
    assert html_text.count('<tr class="disagree">') == 1  # the confirmed toll
    assert "Kitaeb Hezbollah" in html_text  # a proposed actor row
    before = db_path.read_bytes()
    assert main(["compare", "--db", str(db_path), "-o", str(db_path)]) == 2
    assert "database" in capsys.readouterr().err
    assert db_path.read_bytes() == before


def test_broadsheet_compare_leaves_out_the_proposals_turned_down(seeds, db_path, tmp_path, capsys):
    from annotations.proposals import propose
    from annotations.proposals.confirm import dismiss
    from annotations.store import Store
    from tui.cli import main

    militia = next(
        proposal
        for proposal in propose((article.id, article.text) for article in seeds)
        if proposal.label == "actor" and any(member.text == "Kitaeb Hezbollah" for member in proposal.members)
    )
    with Store.open(db_path) as store:
        for article in seeds:
            store.set_done(article, "me")  # every article in the database, none tagged
        dismiss(store, militia, "me")
    page = tmp_path / "comparison.json"
    assert main(["compare", "--db", str(db_path), "--format", "json", "--proposed", "-o", str(page)]) == 0
    rows = json.loads(page.read_text(encoding="utf-8"))["rows"]
    assert rows and not any(
        row["label"] == "actor" and "Kitaeb Hezbollah" in json.dumps(row, ensure_ascii=False) for row in rows
    )


def test_broadsheet_compare_on_paths_compares_those_articles_as_markdown(seeds, db_path, capsys):
    from annotations.store import Store
    from tui.cli import main

    from .conftest import SEEDS

    with Store.open(db_path) as store:
        _tolls_linked(store, seeds)
    two = [str(SEEDS / "001_dd604056335a0bf9.txt"), str(SEEDS / "003_5d1040d77a3fa8e0.txt")]
    assert main(["compare", *two, "--db", str(db_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "| status | label | row | why | Reuters | The Washington Post | disagree |"
    # The row keeps the cluster's name from all its members, whichever articles are compared.
    assert lines[2] == (
        "| confirmed | figure | At least 25 militia fighters | linked by the analyst | "
        "at least 25 militia fighters (>=25 militia fighters) | 19 fighters (19 fighters) | ≠ |"
    )
