"""Merging annotators' databases for adjudication, and database files that diff well in git."""

from __future__ import annotations

import difflib
import json
import shutil

from annotations.merging import merge
from annotations.model import Annotation
from annotations.store import Store

from .conftest import shard_files
from .test_agreement import ANA, BEN, run_cli, tag


def reuters_of(seeds):
    return next(article for article in seeds if article.outlet == "Reuters")


def exported(db) -> list[tuple[str, str, str, str]]:
    out = run_cli("export", "--db", str(db))
    assert out.returncode == 0, out.stderr
    return sorted(
        (span["label"], span["text"], span["annotator"], span["status"])
        for line in out.stdout.splitlines()
        for span in json.loads(line)["spans"]
    )


def test_merge_keeps_every_annotators_spans_pending(seeds, tmp_path):
    reuters = reuters_of(seeds)
    ana, ben = tmp_path / "ana.json", tmp_path / "ben.json"
    tag(ana, reuters, "ana", ANA)
    tag(ben, reuters, "ben", BEN)
    with Store.open(ben) as store:  # a suggestion ben never took up, and a tag he rejected himself
        start = reuters.text.index("Pentagon")
        store.import_spans(
            reuters,
            [
                Annotation.create(
                    reuters.id, reuters.text, start, start + 8, "actor", "ben", status="suggested", source="titles"
                )
            ],
        )
        [qaim] = [span for span in store.annotations(reuters.id) if span.text == "Qaim district"]
        store.update(qaim, status="rejected")
    with (
        Store.open(ana, read_only=True) as first,
        Store.open(ben, read_only=True) as second,
        Store.open(tmp_path / "adjudication.json") as target,
    ):
        report = merge([first, second], target)
    assert (report.articles, report.spans, report.agreed) == (1, 7, 1)
    spans = exported(tmp_path / "adjudication.json")
    assert ("actor", "Qaim district", "ben", "pending") not in spans  # rejected by its own annotator
    assert not any(text == "Pentagon" for _, text, *_ in spans)  # a suggestion nobody took up
    assert spans.count(("actor", "Kataib Hezbollah (KH)", "ana", "pending")) == 1
    assert ("actor", "Kataib Hezbollah (KH)", "ben", "pending") in spans
    assert ("quote", "US officials said on Sunday", "ben", "pending") in spans
    assert all(status == "pending" for *_, status in spans)


def test_merge_command_accepts_what_all_agree_on_and_refuses_to_overwrite(seeds, tmp_path):
    reuters = reuters_of(seeds)
    ana, ben, out = tmp_path / "ana.json", tmp_path / "ben.json", tmp_path / "adjudication.json"
    tag(ana, reuters, "ana", ANA)
    tag(ben, reuters, "ben", BEN)
    with Store.open(ana) as store:  # a link whose two spans both survive the merge
        first, second = sorted(store.annotations(reuters.id), key=lambda span: span.start)[:2]
        store.link(first, second, "same-as", "ana")
    result = run_cli("merge", str(ana), str(ben), "-o", str(out), "--accept-agreed")
    assert result.returncode == 0, result.stderr
    assert (
        result.stderr.strip() == f"broadsheet: {out}: 7 span(s) in 1 article(s), 1 agreed by all (accepted), 1 link(s)"
    )
    spans = exported(out)
    assert ("actor", "Kataib Hezbollah (KH)", "ana, ben", "accepted") in spans
    assert len(spans) == 7 and sum(status == "accepted" for *_, status in spans) == 1
    gold = run_cli("export", "--db", str(out), "--gold")
    [line] = gold.stdout.splitlines()
    assert [span["text"] for span in json.loads(line)["spans"]] == ["Kataib Hezbollah (KH)"]
    with Store.open(out, read_only=True) as merged:
        [link] = merged.live_links()[0]
        assert {merged.annotation(reuters.id, end).text for end in link.ends()} == {
            "Kataib Hezbollah (KH)",
            "US officials said on Sunday",
        }  # the agreed span kept the id the link names
    again = run_cli("merge", str(ana), str(ben), "-o", str(out))
    assert again.returncode == 2
    assert again.stderr.strip() == f"broadsheet: {out}: already exists; merge writes a new database"


def test_merge_carries_the_newest_cluster_names_as_named_and_leaves_nothing_to_undo(seeds, tmp_path):
    """Names come along as their annotators gave them, like spans and links: not as steps
    of the merged database, which an adjudicator's first undo would take back."""
    reuters = reuters_of(seeds)
    ana, ben, out = tmp_path / "ana.json", tmp_path / "ben.json", tmp_path / "adjudication.json"
    tag(ana, reuters, "ana", ANA)
    with Store.open(ana) as store:
        first = store.annotations(reuters.id)[0]
        store.name_cluster(first.id, "the militia", "ana")
    shutil.copytree(ana.with_name("ana.json.d"), ben.with_name("ben.json.d"))  # ben carries on from ana's database
    shutil.copy(ana, ben)
    with Store.open(ben) as store:
        renamed = store.name_cluster(first.id, "Kataib Hezbollah", "ben")
    with Store.open(ben, read_only=True) as newer, Store.open(ana, read_only=True) as older, Store.open(out) as target:
        merge([newer, older], target)
        assert target.cluster_names() == {first.id: renamed}
        assert target.undo() is None


def test_merge_carries_finished_articles_and_turned_down_proposals_as_they_were(seeds, tmp_path):
    """A finished article with no tag is a negative example, and a proposal an annotator
    turned down is not the adjudicator's to turn down again: both come along, as given."""
    reuters, other = reuters_of(seeds), next(article for article in seeds if article.id != reuters_of(seeds).id)
    ana, ben, out = tmp_path / "ana.json", tmp_path / "ben.json", tmp_path / "adjudication.json"
    tag(ana, reuters, "ana", ANA)
    with Store.open(ana) as store:
        store.dismiss("0123456789abcdef", "figure", "ana")
    with Store.open(ben) as store:
        store.set_done(other, "ben")  # finished with nothing in it
        marked = store.done_marks()
    with Store.open(ana, read_only=True) as first, Store.open(ben, read_only=True) as second, Store.open(out) as target:
        merge([first, second], target)
        assert target.done_marks() == marked and target.article_text(other.id) == other.text
        assert [(d.id, d.label, d.annotator) for d in target.dismissals()] == [("0123456789abcdef", "figure", "ana")]
        assert target.undo() is None


def test_a_span_two_databases_share_counts_for_both_and_a_changed_copy_is_kept_apart(seeds, tmp_path):
    """ben carries on from ana's database: the tag he kept as it was is one span that
    both stand by; the one he relabelled is a second version (an id of its own), for the
    adjudicator to choose between, not dropped because its id was seen first in ana's."""
    reuters = reuters_of(seeds)
    ana, ben = tmp_path / "ana.json", tmp_path / "ben.json"
    tag(ana, reuters, "ana", ANA[:2])
    shutil.copytree(ana.with_name("ana.json.d"), ben.with_name("ben.json.d"))
    shutil.copy(ana, ben)
    with Store.open(ben) as store:
        figure = next(span for span in store.annotations(reuters.id) if span.label == "figure")
        store.update(figure, label="claim")
    with (
        Store.open(ana, read_only=True) as first,
        Store.open(ben, read_only=True) as second,
        Store.open(tmp_path / "adjudication.json") as target,
    ):
        report = merge([first, second], target)
        merged = target.annotations(reuters.id)
    assert (report.spans, report.agreed) == (3, 1)
    assert sorted((span.label, span.text) for span in merged) == [
        ("actor", "Kataib Hezbollah (KH)"),
        ("claim", "at least 25 militia fighters"),
        ("figure", "at least 25 militia fighters"),
    ]
    assert len({span.id for span in merged}) == 3 and figure.id in {span.id for span in merged}


def test_a_tag_adds_a_line_to_its_article_file(seeds, db_path):
    """Git-friendly files: one record per line, keys sorted, the comma leading the later
    record's line, so a diff shows the new tag as one added line and nothing else."""
    reuters = reuters_of(seeds)
    tag(db_path, reuters, "ana", ANA[:2])
    [path] = shard_files(db_path)
    before = path.read_text(encoding="utf-8").splitlines()
    tag(db_path, reuters, "ana", ANA[2:3])
    after = path.read_text(encoding="utf-8").splitlines()
    diff = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    [added] = [line[1:] for line in diff]
    assert diff[0].startswith("+")
    new_record = json.loads(added.split(": ", 1)[1])
    assert new_record["text"] == "US officials said on Sunday"
    assert list(new_record) == sorted(new_record)
