"""The round-trip matrix: a database with the hard cases goes out in every format that
import reads back, and comes back with what that format carries (README's format table)."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from annotations.articles import Article
from annotations.export import ExportSelection, exported_articles, write_lines
from annotations.importing import import_jsonl
from annotations.review import decide
from annotations.store import Store

from .conftest import broadsheet

HARD = Article("hard", "Iran’s “Quds Force” 🇺🇸 spoke.\n\n中文报道 said Kataib Hezbollah fired 30 rockets.\nEnd.")
EMPTY = Article("empty", "Nothing to tag in this one.")
# (text, occurrence, label): nested, overlapping, across a paragraph break, emoji and CJK, curly quotes.
SPANS = [
    ("Iran’s “Quds Force”", "actor"),
    ("“Quds Force”", "actor"),  # nested in the one before
    ("🇺🇸 spoke.\n\n中文报道", "claim"),  # across a paragraph break, with an emoji and CJK
    ("中文报道 said Kataib Hezbollah", "claim"),  # overlaps the one before
    ("Kataib Hezbollah", "actor"),
    ("30 rockets", "figure"),
]
# What each format carries back (README): statuses, relations, finished spanless articles.
CARRIES = {
    "jsonl": {"status": True, "relations": True, "done": True, "notes": True},
    "prodigy": {"status": False, "relations": True, "done": "every", "notes": False},  # each task is answered accept
    "doccano": {"status": False, "relations": False, "done": False, "notes": False},
    "doccano-re": {"status": False, "relations": True, "done": False, "notes": False},
}
NOTE = "Check: “Quds Force”\nor Qods?"  # an analyst's comment on the first span


@pytest.fixture
def hard_db(tmp_path):
    path = tmp_path / "hard.json"
    with Store.open(path) as store:
        made = []
        for text, label in SPANS:
            start = HARD.text.index(text)
            made.append(store.add(HARD, start, start + len(text), label, "ana"))
        decide(store, made[4], "accepted", "lead")
        store.update(made[0], note=NOTE)
        store.link(made[5], made[4], "said-by", "ana")
        store.set_done(EMPTY, "ana")
    return path


def _export(path, fmt: str) -> str:
    with Store.open(path, read_only=True) as store:
        out = io.StringIO()
        write_lines(exported_articles(store, ExportSelection()), out, fmt)
    return out.getvalue()


def _contents(path) -> dict:
    with Store.open(path, read_only=True) as store:
        spans = {
            article_id: sorted(
                (span.start, span.end, span.label, span.text, span.status) for span in store.annotations(article_id)
            )
            for article_id in store.article_ids()
        }
        texts = {article_id: store.article_text(article_id) for article_id in store.article_ids()}
        by_id = {
            span.id: (span.article_id, span.start, span.end)
            for spans_of in (store.annotations(article_id) for article_id in store.article_ids())
            for span in spans_of
        }
        links = sorted((by_id[link.head], link.label, by_id[link.child]) for link in store.links())
        notes = {
            (span.start, span.end): span.note
            for article_id in store.article_ids()
            for span in store.annotations(article_id)
            if span.note
        }
        return {"spans": spans, "texts": texts, "links": links, "done": store.done_articles(), "notes": notes}


@pytest.mark.parametrize("fmt", list(CARRIES))
def test_every_format_import_reads_gives_back_what_it_carries(hard_db, tmp_path, fmt):
    exported = tmp_path / f"out.{fmt}.jsonl"
    exported.write_text(_export(hard_db, fmt), encoding="utf-8")
    fresh = tmp_path / "fresh.json"
    with Store.open(fresh) as store:
        report = import_jsonl(store, exported, "importer")
    assert report.problems == []
    before, after = _contents(hard_db), _contents(fresh)
    carries = CARRIES[fmt]
    # doccano lines name articles by their id, and so do ours; Prodigy's by meta.id.
    assert set(after["texts"]) >= {"hard"} and after["texts"]["hard"] == HARD.text

    def shape(spans, with_status):
        return [entry if with_status else entry[:4] for entry in spans]

    assert shape(after["spans"]["hard"], carries["status"]) == shape(before["spans"]["hard"], carries["status"])
    assert after["links"] == (before["links"] if carries["relations"] else [])
    finished = {True: before["done"], "every": set(before["texts"]), False: set()}[carries["done"]]
    assert after["done"] == finished
    assert after["notes"] == (before["notes"] if carries["notes"] else {})
    assert ("empty" in after["texts"]) is True  # every format writes the finished empty article: a negative example
    assert after["spans"]["empty"] == []


# The formats that are files or folders of their own, each with its test below (CoNLL's in
# test_conll_import.py, UIMA's in test_uima.py).
OWN_TESTS = ("brat", "conll", "labelstudio", "spacy", "uima")


def test_the_matrix_covers_every_format_that_import_reads():
    from annotations.export import FORMATS

    assert set(CARRIES) == {fmt for fmt in FORMATS if fmt not in OWN_TESTS}


def _imported(path, fmt: str, fresh):
    from annotations.importing import import_documents
    from annotations.readers import detect_format, read_documents

    assert detect_format(path) == fmt
    with Store.open(fresh) as store:
        return import_documents(store, read_documents(path, fmt), "importer")


@pytest.mark.parametrize("fmt", ["labelstudio", "uima"])
def test_label_studio_tasks_and_uima_xmi_come_back_with_spans_and_relations(hard_db, tmp_path, fmt):
    from annotations.labelstudio import write_labelstudio
    from annotations.uima import write_uima

    target = tmp_path / ("tasks.json" if fmt == "labelstudio" else "xmi")
    with Store.open(hard_db, read_only=True) as store:
        assert {"labelstudio": write_labelstudio, "uima": write_uima}[fmt](exported_articles(store), target) == 2
    fresh = tmp_path / "fresh.json"
    report = _imported(target, fmt, fresh)
    assert report.problems == [] and not report.left_out
    before, after = _contents(hard_db), _contents(fresh)
    assert after["texts"] == before["texts"]  # the article ids come back too (data.meta, DocumentMetaData)
    assert [entry[:4] for entry in after["spans"]["hard"]] == [entry[:4] for entry in before["spans"]["hard"]]
    assert after["links"] == before["links"] and after["spans"]["empty"] == []
    assert after["done"] == (before["done"] if fmt == "labelstudio" else set())  # a CAS does not say who finished it
    assert after["notes"] == (before["notes"] if fmt == "labelstudio" else {})  # a region's meta text; a CAS has none
    assert _imported(target, fmt, fresh).spans == 0  # importing it again adds nothing


def test_a_brat_folder_comes_back_with_its_spans_fragments_and_relations(hard_db, tmp_path):
    from annotations.export import write_brat

    folder = tmp_path / "brat"
    with Store.open(hard_db, read_only=True) as store:
        write_brat(exported_articles(store), folder)
    (folder / "hard.ann").write_text(
        (folder / "hard.ann").read_text() + "#9\tOtherNotes T1\tkept nowhere\nA1\tNegated T2\n"
    )
    fresh = tmp_path / "fresh.json"
    with Store.open(fresh) as store:
        from annotations.importing import import_brat

        report = import_brat(store, folder, "importer")
    assert report.problems == [] and report.left_out == {"note": 1, "attribute": 1}
    before, after = _contents(hard_db), _contents(fresh)
    assert after["notes"] == {
        span: " ".join(note.split()) for span, note in before["notes"].items()
    }  # one line in brat
    assert [entry[:4] for entry in after["spans"]["hard"]] == [entry[:4] for entry in before["spans"]["hard"]]
    assert after["links"] == before["links"] and after["spans"]["empty"] == []
    with Store.open(fresh) as store:  # importing it again adds nothing
        from annotations.importing import import_brat

        assert import_brat(store, folder, "importer").spans == 0


def test_brat_import_names_what_it_cannot_take_and_the_cli_says_what_it_left_out(tmp_path, db_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Hoffman said it. Esper agreed.")
    (folder / "a.ann").write_text(
        "T1\tactor 0 7\tHoffman\nT2\tactor 0 3;17 22\tHof Esper\nT3\tactor 17 80\tx\n"
        "#1\tOtherNotes T1\tnote\nbroken line\n"
    )
    (folder / "b.txt").write_text("Pompeo spoke.")
    (folder / "b.ann").write_text("T1\tactor 0 6\tPompeo\nR1\tsaid-by Arg1:T1 Arg2:T1\n")
    result = broadsheet("import", str(folder), "--db", str(db_path))
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert (
        f"broadsheet: skipped {folder / 'a.ann'}:2: T2's fragments have text between them; "
        "a span is one stretch of text" in errors
    )
    assert f"broadsheet: skipped {folder / 'a.ann'}:3: offsets 17-80 lie outside a.txt" in errors
    assert f"broadsheet: skipped {folder / 'a.ann'}:5: not a brat annotation line" in errors
    assert f"broadsheet: skipped {folder / 'b.ann'}: relation 1: its head and child are the same span" in errors
    assert errors[-1].endswith("1 span(s) imported into 1 new article(s), 1 note(s) left out (Broadsheet keeps none)")


@pytest.mark.parametrize(
    "fmt", ["jsonl", "prodigy", "doccano", "doccano-re", "conll", "brat", "labelstudio", "spacy", "uima"]
)
def test_validate_accepts_what_each_exporter_writes(hard_db, tmp_path, fmt):
    from annotations.docbin import write_docbin
    from annotations.export import OverlapReport, write_brat, write_conll
    from annotations.labelstudio import write_labelstudio
    from annotations.uima import write_uima
    from annotations.validate import validate_path

    target = tmp_path / (fmt if fmt in ("brat", "uima") else f"out.{fmt}")
    with Store.open(hard_db, read_only=True) as store:
        if fmt in ("brat", "uima"):
            (write_brat if fmt == "brat" else write_uima)(exported_articles(store), target)
        elif fmt in ("labelstudio", "spacy"):
            (write_labelstudio if fmt == "labelstudio" else write_docbin)(exported_articles(store), target)
        else:
            out = io.StringIO()
            (
                write_conll(exported_articles(store), out, OverlapReport())
                if fmt == "conll"
                else write_lines(exported_articles(store), out, fmt)
            )
            target.write_text(out.getvalue(), encoding="utf-8")
    report = validate_path(target)
    assert report.errors == [], report.errors
    assert report.notes[0].startswith(f"{target}: read as ")


def test_validate_names_an_i_tag_without_its_b_and_a_type_brat_does_not_list(tmp_path):
    from annotations.validate import validate_path

    conll = tmp_path / "bad.conll"
    conll.write_text("-DOCSTART- -X- O O\n\nThe\tO\nstrikes\tI-claim\nhit\tB-claim\nbases\tI-figure\n")
    assert validate_path(conll).errors == [
        f"{conll}:4: I-claim does not continue a claim span (it must follow B-claim or I-claim)",
        f"{conll}:6: I-figure does not continue a figure span (it must follow B-figure or I-figure)",
    ]
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text("Hoffman spoke.")
    (folder / "a.ann").write_text("T1\tactor 0 7\tHoffman\n")
    (folder / "annotation.conf").write_text("[entities]\nquote\n[relations]\n[events]\n[attributes]\n")
    assert validate_path(folder).errors == [f"{folder / 'annotation.conf'}: the label 'actor' is used but not listed"]


def test_validate_names_a_label_studio_region_off_its_text_and_a_label_its_config_does_not_list(tmp_path):
    from annotations.validate import validate_path

    tasks = tmp_path / "tasks.json"
    region = {"id": "r1", "type": "labels", "value": {"start": 0, "end": 7, "text": "Hoffmann", "labels": ["actor"]}}
    tasks.write_text(json.dumps([{"data": {"text": "Hoffman spoke."}, "annotations": [{"result": [region]}]}]))
    (tmp_path / "tasks.config.xml").write_text(
        '<View><Labels name="label" toName="text"><Label value="quote"/></Labels>'
        '<Text name="text" value="$text"/></View>'
    )
    assert validate_path(tasks).errors == [
        f"{tasks}: task 1: span 1 (actor 0-7) says 'Hoffmann' but the text there is 'Hoffman'",
        f"{tmp_path / 'tasks.config.xml'}: the label 'actor' is used but not listed",
    ]


def test_a_docbin_holds_every_span_at_its_offsets_and_the_ones_that_overlap_none_as_ents(hard_db, tmp_path):
    import spacy
    from spacy.tokens import DocBin

    out = tmp_path / "train.spacy"
    result = broadsheet("export", "--db", str(hard_db), "--format", "spacy", "-o", str(out), "--spans-key", "claims")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "broadsheet: 5 span(s) overlap another: in doc.spans['claims'] only, not in doc.ents",
        "broadsheet: 1 link(s) not written: a DocBin holds no relations",
        f"broadsheet: exported 2 article(s) from {hard_db}",
    ]
    empty, hard = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)  # by article id
    assert hard.text == HARD.text and hard.user_data["id"] == "hard" and empty.text == EMPTY.text
    spans = sorted((span.start_char, span.end_char, span.label_, span.text) for span in hard.spans["claims"])
    assert spans == sorted(
        (HARD.text.index(text), HARD.text.index(text) + len(text), label, text) for text, label in SPANS
    )
    assert [(ent.text, ent.label_) for ent in hard.ents] == [("30 rockets", "figure")]
    assert list(empty.spans["claims"]) == [] and empty.user_data["meta"]["done"] is True


def test_the_spacy_format_without_spacy_says_how_to_install_it(hard_db, tmp_path):
    from .conftest import ROOT

    no_spacy = "import sys; sys.modules['spacy'] = None; from tui.cli import main; sys.exit(main(sys.argv[1:]))"
    out = tmp_path / "train.spacy"
    result = subprocess.run(
        [sys.executable, "-c", no_spacy, "export", "--db", str(hard_db), "--format", "spacy", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert (result.returncode, result.stderr) == (
        2,
        "broadsheet: --format spacy needs spaCy, which is not installed: pip install 'broadsheet[spacy]'\n",
    )
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["jsonl", "prodigy", "doccano", "conll", "brat", "labelstudio", "spacy", "uima"])
def test_each_format_is_told_from_what_the_file_holds(hard_db, tmp_path, fmt):
    from annotations.readers import detect_format
    from tui.cli import main

    target = tmp_path / "out"  # no telling suffix: the contents decide
    assert main(["export", "--db", str(hard_db), "--format", fmt, "-o", str(target)]) == 0
    assert detect_format(target) == {"prodigy": "jsonl", "doccano": "jsonl"}.get(fmt, fmt)


def test_importing_a_folder_of_articles_says_to_open_it_instead(tmp_path, db_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.md").write_text("---\noutlet: Reuters\n---\nHoffman spoke.\n")
    result = broadsheet("import", str(folder), "--db", str(db_path))
    assert result.returncode == 1
    assert (
        f"broadsheet: skipped {folder}: no brat (.ann) or UIMA (.xmi) file in it; to annotate a folder of "
        f"articles, open it: broadsheet {folder}"
    ) in result.stderr.splitlines()


def test_a_file_read_as_brat_is_named_as_not_a_folder(tmp_path, db_path):
    from annotations.brat import brat_documents

    path = tmp_path / "out.conll"
    path.write_text("-DOCSTART- -X- O O\n")
    [document] = brat_documents(path)
    assert document.problems == [f"{path}: not a folder; brat standoff is a folder of .txt and .ann files"]


def test_validate_reads_the_clusters_file_export_writes_and_names_a_broken_one(seeds, tmp_path, db_path):
    from annotations.export import cluster_records
    from annotations.validate import validate_path

    from .test_links import TOLLS, by_id, link_chain
    from .test_store import tag

    articles = by_id(seeds)
    with Store.open(db_path) as store:
        link_chain(store, [tag(store, articles[article_id], phrase, "figure") for article_id, phrase in TOLLS.items()])
        records = cluster_records(store)
    clusters = tmp_path / "clusters.jsonl"
    clusters.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    report = validate_path(clusters)
    assert report.errors == [] and report.notes[0] == (
        f"{clusters}: read as Broadsheet clusters JSONL (export --clusters) (1 line(s))"
    )
    records[0]["spans"][1]["end"] = records[0]["spans"][1]["start"]
    records[0]["links"][0]["child"] = "nobody"
    clusters.write_text(json.dumps(records[0]) + "\n", encoding="utf-8")
    assert validate_path(clusters).errors == [f"{clusters}:1: span 2: needs an article_id, a text and start < end"]
