"""Gold export in every format, import back, validate, and spaCy reading what we export."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.export import (
    DOCUMENT_START,
    ExportSelection,
    OverlapReport,
    exported_articles,
    write_brat,
    write_conll,
    write_lines,
)
from annotations.importing import import_jsonl
from annotations.review import decide
from annotations.store import Store
from annotations.validate import validate_jsonl

from .conftest import broadsheet
from .test_store import tag

# A realistic pass over the seeds: nested, overlapping and multi-paragraph spans included.
SEED_TAGS = [
    (0, "Kataib Hezbollah", "actor"),
    (0, "At least 25 militia fighters were killed", "claim"),
    (0, "At least 25 militia fighters", "figure"),
    (0, "Brian Hook", "actor"),
    (1, "at least 25 militia fighters", "figure"),
    (1, "We discussed with him [Trump] other options that are available", "quote"),
    (1, "Trump", "actor"),
    (1, "Jonathan Hoffman", "actor"),
    (2, "24 “martyrs”", "figure"),
    (2, "Jaafar Al-Husseini", "actor"),
    (2, "approximately 5,000 troops", "figure"),
    (3, "19 fighters were killed and 35 were injured", "claim"),
    (3, "Kitaeb Hezbollah", "actor"),
    (4, "Kataeb Hezbollah", "actor"),
    (4, "at least 19 of its members dead", "figure"),
]


REJECTED = 3  # Brian Hook: the span the lead rejects, which no export writes as a label
EXPORTED = len(SEED_TAGS) - 1
EVERYTHING = ExportSelection()


def export(db_path: Path, fmt: str = "jsonl", selection: ExportSelection = EVERYTHING) -> str:
    with Store.open(db_path, read_only=True) as store:
        out = io.StringIO()
        write_lines(exported_articles(store, selection), out, fmt)
    return out.getvalue()


@pytest.fixture
def tagged_db(seeds, db_path):
    with Store.open(db_path) as store:
        spans = []
        for index, phrase, label in SEED_TAGS:
            occurrence = 1 if phrase == "Trump" else 0
            spans.append(tag(store, seeds[index], phrase, label, occurrence))
        for span in spans[::2]:
            decide(store, span, "accepted", "lead")
        decide(store, spans[REJECTED], "rejected", "lead")
    return db_path, spans


def test_gold_keeps_only_accepted_spans_and_filters_combine(tagged_db, seeds):
    db_path, spans = tagged_db
    accepted = {span.id for span in spans[::2]}
    gold = [json.loads(line) for line in export(db_path, selection=ExportSelection(gold=True)).splitlines()]
    assert {span["id"] for line in gold for span in line["spans"]} == accepted
    assert all(span["status"] == "accepted" for line in gold for span in line["spans"])
    figures = ExportSelection(gold=True, labels=frozenset({"figure"}), articles=frozenset({seeds[0].id, seeds[2].id}))
    lines = [json.loads(line) for line in export(db_path, selection=figures).splitlines()]
    assert [(line["meta"]["id"], [span["text"] for span in line["spans"]]) for line in lines] == [
        (seeds[0].id, ["At least 25 militia fighters"]),
        (seeds[2].id, ["24 “martyrs”", "approximately 5,000 troops"]),
    ]
    assert export(db_path, selection=ExportSelection(annotators=frozenset({"nobody"}))) == ""


def test_jsonl_round_trip_through_import_is_identical(tagged_db, tmp_path):
    db_path, _ = tagged_db
    first = tmp_path / "first.jsonl"
    first.write_text(export(db_path), encoding="utf-8")
    with Store.open(tmp_path / "fresh.json") as fresh:
        report = import_jsonl(fresh, first, "importer")
    assert (report.articles, report.spans, report.problems) == (5, EXPORTED, [])
    assert export(tmp_path / "fresh.json") == first.read_text(encoding="utf-8")
    with Store.open(tmp_path / "fresh.json") as fresh:  # importing again adds nothing
        assert import_jsonl(fresh, first, "importer").duplicates == EXPORTED


def test_doccano_round_trip(tagged_db, tmp_path):
    db_path, _ = tagged_db
    doccano = export(db_path, "doccano")
    first = json.loads(doccano.splitlines()[0])
    assert set(first) == {"id", "text", "label"}
    assert all(first["text"][start:end] and isinstance(label, str) for start, end, label in first["label"])
    path = tmp_path / "doccano.jsonl"
    path.write_text(doccano, encoding="utf-8")
    with Store.open(tmp_path / "fresh.json") as fresh:
        report = import_jsonl(fresh, path, "importer")
    assert report.problems == [] and report.spans == EXPORTED
    assert export(tmp_path / "fresh.json", "doccano") == doccano
    assert all(
        span["status"] == "pending"
        for line in export(tmp_path / "fresh.json").splitlines()
        for span in json.loads(line)["spans"]
    )


def test_prodigy_lines_import_with_meta(tmp_path, db_path):
    path = tmp_path / "prodigy.jsonl"
    lines = [
        {"text": "Mark Esper spoke.", "spans": [{"start": 0, "end": 10, "label": "actor"}], "meta": {"source": "wire"}},
        {
            "text": "Pompeo warned Iran.",
            "spans": [{"start": 0, "end": 6, "label": "actor", "token_start": 0}],
            "meta": {"id": "p-2", "outlet": "AP"},
            "_input_hash": 1,
        },
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    with Store.open(db_path) as store:
        report = import_jsonl(store, path, "model")
        assert (report.articles, report.spans, report.problems) == (2, 2, [])
        assert store.stored_article("p-2").meta == {"outlet": "AP", "_input_hash": 1}  # the hash goes back out
        [pompeo] = store.annotations("p-2")
        assert (pompeo.text, pompeo.annotator, pompeo.status) == ("Pompeo", "model", "pending")


def test_bad_import_lines_are_named_and_the_rest_imported(tmp_path, db_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        json.dumps({"text": "Good line.", "spans": [{"start": 0, "end": 4, "label": "actor"}]})
        + "\n"
        + "{not json\n"
        + json.dumps({"text": "Short.", "spans": [{"start": 0, "end": 40, "label": "actor"}]})
        + "\n"
        + json.dumps({"text": "Claims.", "spans": [{"start": 0, "end": 6, "label": "claim", "text": "nope"}]})
        + "\n"
        + json.dumps({"text": "a\r\nb", "spans": [{"start": 1, "end": 2, "label": "actor"}]})
        + "\n"
    )
    with Store.open(db_path) as store:
        report = import_jsonl(store, path, "me")
    assert report.spans == 1
    assert report.problems == [
        f"{path}:2: not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        f"{path}:3: span 1: offsets 0-40 lie outside the text (length 6)",
        f"{path}:4: span 1: says 'nope' but offsets 0-6 cover 'Claims'",
        f"{path}:5: span 1: offsets 1-2 hold nothing but line-ending or control characters",
    ]


def parse_brat(folder: Path) -> dict[str, list[tuple[str, list[tuple[int, int]], str]]]:
    parsed = {}
    for ann in sorted(folder.glob("*.ann")):
        entries = []
        for line in ann.read_text(encoding="utf-8").splitlines():
            key, middle, covered = line.split("\t")
            label, offsets = middle.split(" ", 1)
            fragments = [tuple(map(int, part.split())) for part in offsets.split(";")]
            assert key.startswith("T")
            entries.append((label, fragments, covered))
        parsed[ann.stem] = entries
    return parsed


def test_brat_standoff_round_trip(tagged_db, tmp_path):
    db_path, spans = tagged_db
    folder = tmp_path / "brat"
    with Store.open(db_path, read_only=True) as store:
        assert write_brat(exported_articles(store), folder) == 5
    parsed = parse_brat(folder)
    for stem, entries in parsed.items():
        text = (folder / f"{stem}.txt").read_text(encoding="utf-8")
        for _label, fragments, covered in entries:
            assert " ".join(text[start:end] for start, end in fragments) == covered
            assert all("\n" not in text[start:end] for start, end in fragments)
    back = sorted(
        (label, fragments[0][0], fragments[-1][1]) for entries in parsed.values() for label, fragments, _ in entries
    )
    assert back == sorted((span.label, span.start, span.end) for index, span in enumerate(spans) if index != REJECTED)


def test_brat_splits_a_span_across_paragraphs_into_fragments(seeds, db_path, tmp_path):
    reuters = seeds[1]
    start = reuters.text.index("The Pentagon said it had targeted")
    end = reuters.text.index("and two in Syria.") + len("and two in Syria.") + 2 + len("The locations")
    with Store.open(db_path) as store:
        store.add(reuters, start, end, "claim", "me")
        write_brat(exported_articles(store), tmp_path / "brat")
    [(_label, fragments, covered)] = parse_brat(tmp_path / "brat")[reuters.id]
    assert len(fragments) == 2 and covered.endswith("two in Syria. The locations")


def test_conll_bio_keeps_the_outer_span_and_reports_the_overlap(tagged_db):
    db_path, _ = tagged_db
    report = OverlapReport()
    with Store.open(db_path, read_only=True) as store:
        out = io.StringIO()
        write_conll(exported_articles(store), out, report)
    lines = out.getvalue().splitlines()
    tagged = [line.split("\t") for line in lines if "\t" in line]
    assert ["At", "B-claim"] in tagged and ["militia", "I-claim"] in tagged and ["killed", "I-claim"] in tagged
    assert ["Kataib", "B-actor"] in tagged and ["Hezbollah", "I-actor"] in tagged
    assert ["[", "O"] in tagged and ["Trump", "I-quote"] in tagged  # the actor inside the quote gave way
    messages = report.lines()
    assert any(
        "figure 'At least 25 militia fighters'" in message and "kept the outer span" in message for message in messages
    )
    assert any("actor 'Trump'" in message for message in messages)
    for line in lines:
        assert line in ("", DOCUMENT_START) or re.fullmatch(r"\S+\t(O|[BI]-\w+)", line), line


def test_cli_export_formats_and_strict(tagged_db, tmp_path):
    db_path, _ = tagged_db
    strict = broadsheet(
        "export", "--db", str(db_path), "--format", "conll", "--strict", "-o", str(tmp_path / "x.conll")
    )
    assert strict.returncode == 1 and "cannot be IOB2-encoded as they are; nothing written (--strict)" in strict.stderr
    assert not (tmp_path / "x.conll").exists()
    loose = broadsheet("export", "--db", str(db_path), "--format", "conll", "-o", str(tmp_path / "x.conll"))
    assert loose.returncode == 0 and "kept the outer span" in loose.stderr and (tmp_path / "x.conll").exists()
    gold = broadsheet("export", "--db", str(db_path), "--gold", "--format", "doccano")
    assert gold.returncode == 0 and len(gold.stdout.splitlines()) == 5
    brat = broadsheet("export", "--db", str(db_path), "--format", "brat")
    assert brat.returncode == 2 and "brat writes a folder" in brat.stderr


def test_spacy_reads_every_exported_span_of_the_seeds(tagged_db, tmp_path):
    import spacy  # in the test extra: the proof must not be skippable
    from spacy.tokens import DocBin

    db_path, _ = tagged_db
    nlp = spacy.blank("en")
    doc_bin = DocBin()
    count = 0
    for line in export(db_path).splitlines():
        record = json.loads(line)
        doc = nlp.make_doc(record["text"])
        spans = []
        for span in record["spans"]:
            char_span = doc.char_span(span["start"], span["end"], label=span["label"])
            assert char_span is not None, span
            assert char_span.text == span["text"]
            spans.append(char_span)
            count += 1
        doc.spans["sc"] = spans  # overlapping spans live in a span group
        doc_bin.add(doc)
    assert count == EXPORTED
    path = tmp_path / "seeds.spacy"
    doc_bin.to_disk(path)
    docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    assert sum(len(doc.spans["sc"]) for doc in docs) == EXPORTED


def test_validate_reports_line_numbers_and_spacy_misalignment(tagged_db, tmp_path):
    db_path, _ = tagged_db
    good = tmp_path / "good.jsonl"
    good.write_text(export(db_path), encoding="utf-8")
    report = validate_jsonl(good)
    assert (report.lines, report.errors, report.warnings) == (5, [], [])
    record = json.loads(good.read_text(encoding="utf-8").splitlines()[0])
    misaligned = dict(record, spans=[{"start": 2, "end": 6, "label": "actor", "text": record["text"][2:6]}])
    outside = dict(record, spans=[{"start": 5, "end": 999999, "label": "actor", "text": "x"}])
    wrong_text = dict(record, spans=[{"start": 0, "end": 1, "label": "actor", "text": "Z"}])
    no_spans = {"text": "x", "meta": {"id": "a"}}  # ours (meta.id), but without its spans
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(json.dumps(line) for line in (misaligned, outside, wrong_text, no_spans)) + "\n{oops\n")
    report = validate_jsonl(bad)
    assert report.lines == 5
    assert [error.split(": ", 2)[0].rsplit(":", 1)[1] for error in report.errors] == ["2", "3", "4", "5"]
    assert "lies outside the text" in report.errors[0]
    assert "says 'Z' but the text there is 'A'" in report.errors[1]
    assert "'spans' is a required property" in report.errors[2]
    assert "not valid JSON" in report.errors[3]
    assert report.notes == [
        f"{bad}: read as Broadsheet JSONL (4 line(s))"
    ]  # and no note that spaCy is missing: alignment was checked
    assert report.warnings == [f"{bad}:1: span 1 (actor 2-6) {record['text'][2:6]!r} does not align to spaCy tokens"]
    result = broadsheet("validate", str(bad))
    assert result.returncode == 1 and "invalid: 5 line(s), 4 error(s)" in result.stderr


def read_conll(text: str, article_texts: dict[str, str]) -> dict[str, list[tuple[int, int, str]]]:
    """Spans back from BIO lines, located by walking the article text token by token; the
    documents are the articles in export order (CoNLL carries no id)."""
    spans: dict[str, list[tuple[int, int, str]]] = {}
    article_ids = iter(article_texts)
    article_id, position, current = None, 0, None
    for line in text.splitlines():
        if line == DOCUMENT_START:
            article_id, position, current = next(article_ids), 0, None
            spans[article_id] = []
            continue
        if not line:
            current = None
            continue
        token, tag = line.split("\t")
        start = article_texts[article_id].index(token, position)
        end = position = start + len(token)
        if tag == "O":
            current = None
        elif tag.startswith("B-") or current is None:
            current = [start, end, tag[2:]]
            spans[article_id].append(current)
        else:
            current[1] = end
    return {key: [tuple(span) for span in value] for key, value in spans.items()}


def test_conll_round_trip_gives_back_the_spans_bio_can_hold(tagged_db):
    db_path, _ = tagged_db
    report = OverlapReport()
    with Store.open(db_path, read_only=True) as store:
        articles = list(exported_articles(store))
        out = io.StringIO()
        write_conll(iter(articles), out, report)
    back = read_conll(out.getvalue(), {article.id: article.text for article in articles})
    dropped = {span.id for _, span, _ in report.dropped}
    expected = {
        article.id: [(span.start, span.end, span.label) for span in article.spans if span.id not in dropped]
        for article in articles
    }
    assert back == expected
    assert len(dropped) == 2  # the figure inside the claim, the actor inside the quote


def test_import_names_the_file_offset_of_a_line_that_is_not_utf8(tmp_path, db_path):
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"text": "Good line.", "spans": [{"start": 0, "end": 4, "label": "actor"}]}) + "\n"
    path.write_bytes(good.encode() + b'{"text": "caf\xe9"}\n' + good.replace("Good", "Fine").encode())
    with Store.open(db_path) as store:
        report = import_jsonl(store, path, "me")
    assert report.spans == 2
    assert report.problems == [f"{path}:2: not UTF-8 at byte {len(good) + 13}"]


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "conll"])
def test_a_rejected_span_is_never_written_as_a_label(tagged_db, fmt):
    db_path, spans = tagged_db
    assert spans[REJECTED].text == "Brian Hook" and spans[REJECTED].status == "pending"  # as tagged; then rejected
    result = broadsheet("export", "--db", str(db_path), "--format", fmt)
    assert result.returncode == 0, result.stderr
    if fmt == "conll":  # its tokens carry no actor tag
        lines = result.stdout.splitlines()
        assert "Brian\tO" in lines and "Hook\tO" in lines and "Kataib\tB-actor" in lines
    else:
        records = [json.loads(line) for line in result.stdout.splitlines()]
        labelled = [
            (line["text"][start:end], label)
            for line in records
            for start, end, label in (
                [(span["start"], span["end"], span["label"]) for span in line.get("spans", [])]
                or [tuple(item) for item in line.get("label", [])]
            )
        ]
        assert ("Brian Hook", "actor") not in labelled and ("Kataib Hezbollah", "actor") in labelled


def test_a_rejected_span_is_never_in_a_brat_file(tagged_db, tmp_path):
    db_path, _ = tagged_db
    result = broadsheet("export", "--db", str(db_path), "--format", "brat", "-o", str(tmp_path / "brat"))
    assert result.returncode == 0, result.stderr
    annotations = "".join(path.read_text() for path in (tmp_path / "brat").glob("*.ann"))
    assert "\tBrian Hook\n" not in annotations and "\tKataib Hezbollah\n" in annotations


def test_with_rejected_writes_them_with_their_status_in_jsonl_only(tagged_db):
    db_path, spans = tagged_db
    with_rejected = [
        json.loads(line) for line in export(db_path, selection=ExportSelection(with_rejected=True)).splitlines()
    ]
    statuses = {span["id"]: span["status"] for line in with_rejected for span in line["spans"]}
    assert statuses[spans[REJECTED].id] == "rejected"
    for args, problem in (
        (["--format", "conll"], "conll writes no status"),
        (["--gold"], "gold holds accepted spans only"),
    ):
        result = broadsheet("export", "--db", str(db_path), "--with-rejected", *args)
        assert result.returncode == 2 and problem in result.stderr and result.stdout == ""


def test_prodigy_answers_travel_accept_is_gold_reject_is_no_label_and_ignore_stays_out(tmp_path, db_path):
    path = tmp_path / "ner_teach.jsonl"
    lines = [  # a binary ner.teach set: one span a task, the annotator's answer on the task
        {"text": "Mark Esper spoke.", "spans": [{"start": 0, "end": 10, "label": "actor"}], "answer": "accept"},
        {"text": "Pompeo warned Iran.", "spans": [{"start": 14, "end": 18, "label": "actor"}], "answer": "reject"},
        {"text": "Hoffman said so.", "spans": [{"start": 0, "end": 7, "label": "actor"}], "answer": "ignore"},
        {
            "text": "Esper and Pompeo.",
            "spans": [
                {"start": 0, "end": 5, "label": "actor", "answer": "reject"},
                {"start": 10, "end": 16, "label": "actor"},
            ],
            "answer": "accept",
        },
        {"text": "Odd line.", "spans": [], "answer": "maybe"},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    with Store.open(db_path) as store:
        report = import_jsonl(store, path, "prodigy")
    assert (report.articles, report.spans, report.ignored) == (3, 4, 1)
    assert report.problems == [f"{path}:5: the example: answer 'maybe' is not one of accept, reject or ignore"]
    gold = [json.loads(line) for line in export(db_path, selection=ExportSelection(gold=True)).splitlines()]
    assert sorted(span["text"] for line in gold for span in line["spans"]) == ["Mark Esper", "Pompeo"]
    everything = [json.loads(line) for line in export(db_path, "doccano").splitlines()]
    labelled = sorted(line["text"][start:end] for line in everything for start, end, _ in line["label"])
    assert labelled == ["Mark Esper", "Pompeo"]  # the rejected Iran and Esper are no labels, Hoffman never came in


def _conll(db_path: Path, *args: str) -> subprocess.CompletedProcess:
    return broadsheet("export", "--db", str(db_path), "--format", "conll", *args)


def _blocks(conll: str) -> list[list[tuple[str, str]]]:
    """Sentences as [(token, tag)], the document lines left out."""
    blocks = []
    for block in conll.split("\n\n"):
        rows = [tuple(line.split("\t")) for line in block.splitlines() if line != DOCUMENT_START]
        if rows:
            blocks.append(rows)
    return blocks


def test_a_span_across_a_paragraph_break_starts_with_b_in_each_sentence_and_is_named(seeds, db_path):
    reuters = seeds[1]
    start = reuters.text.index("The Pentagon said it had targeted")
    end = reuters.text.index("The locations included") + len("The locations included")
    with Store.open(db_path) as store:
        store.add(reuters, start, end, "claim", "me")
    result = _conll(db_path)
    assert result.returncode == 0, result.stderr
    blocks = _blocks(result.stdout)
    first = next(block for block in blocks if ("Pentagon", "I-claim") in block)
    second = next(block for block in blocks if ("locations", "I-claim") in block)
    assert first[0] == ("The", "B-claim") and second[0] == ("The", "B-claim")
    assert "claim 'The Pentagon said it had targeted" in result.stderr and "crosses a sentence break" in result.stderr
    strict = _conll(db_path, "--strict")
    assert strict.returncode == 1 and strict.stdout == ""


def test_a_span_that_splits_a_word_is_named_as_widened_and_strict_refuses_it(db_path):
    from annotations.articles import Article

    article = Article("toll", "The group said 24 martyrs had been killed.")
    start = article.text.index("4 martyrs")  # begun on the 4 of 24, as an import or an old tag may be
    with Store.open(db_path) as store:
        store.add(article, start, start + len("4 martyrs"), "figure", "me")
    result = _conll(db_path)
    assert result.returncode == 0, result.stderr
    assert ("24", "B-figure") in _blocks(result.stdout)[0]
    assert (
        f"toll: figure '4 martyrs' ({start}-{start + 9}) begins or ends inside a word; written as the whole word"
        in result.stderr
    )
    strict = _conll(db_path, "--strict")
    assert strict.returncode == 1 and strict.stdout == ""


def test_sentences_not_paragraphs_and_us_does_not_end_one(db_path, tmp_path):
    from annotations.articles import Article

    article = Article("us", "U.S. forces struck three targets. The Pentagon said so. About 5,000 U.S. troops remain.")
    with Store.open(db_path) as store:
        store.add(article, 0, 4, "actor", "me")
    blocks = _blocks(_conll(db_path).stdout)
    assert [" ".join(token for token, _ in block) for block in blocks] == [
        "U.S. forces struck three targets .",
        "The Pentagon said so .",
        "About 5,000 U.S. troops remain .",
    ]


def test_seqeval_reads_every_span_in_strict_iob2(tagged_db):
    from seqeval.scheme import IOB2, Entities

    db_path, _ = tagged_db
    conll = _conll(db_path).stdout
    sequences = [[tag for _, tag in block] for block in _blocks(conll)]
    strict = Entities(sequences, IOB2, suffix=False).entities
    begun = sum(tag.startswith("B-") for sequence in sequences for tag in sequence)
    assert sum(len(entities) for entities in strict) == begun  # no I- without its B-: nothing dropped


def test_spacy_convert_reads_our_conll_document_by_document(tagged_db, tmp_path):
    db_path, _ = tagged_db
    path = tmp_path / "seeds.conll"
    path.write_text(_conll(db_path).stdout, encoding="utf-8")
    converted = subprocess.run(
        [sys.executable, "-m", "spacy", "convert", "-c", "ner", "-n", "0", str(path), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert converted.returncode == 0, converted.stdout + converted.stderr
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    docs = list(DocBin().from_disk(tmp_path / "seeds.spacy").get_docs(Vocab()))
    assert len(docs) == 5
    ents = [(ent.text, ent.label_) for doc in docs for ent in doc.ents]
    assert ("Kataib Hezbollah", "actor") in ents and (
        "24 “ martyrs ”",
        "figure",
    ) in ents  # spaCy joins tokens with spaces
    assert len(ents) == EXPORTED - 2  # all but the two spans BIO cannot hold (nested)
    assert ("Brian Hook", "actor") not in ents  # rejected


def test_every_jsonl_line_has_the_same_keys_and_doccano_overlaps_are_named(tagged_db):
    db_path, _ = tagged_db
    lines = [json.loads(line) for line in export(db_path).splitlines()]
    assert {tuple(sorted(line)) for line in lines} == {("meta", "relations", "spans", "text")}
    result = broadsheet("export", "--db", str(db_path), "--format", "doccano")
    assert result.returncode == 0, result.stderr
    assert (
        "000_64331d8c72ca9866: figure 'At least 25 militia fighters' (410-438) overlaps claim 'At least 25 militia "
        "fighters were killed' (410-450); a doccano project keeps both only if it allows overlapping spans"
    ) in result.stderr
    assert sum("overlaps" in line for line in result.stderr.splitlines()) == 2  # and the actor inside the quote


def test_crlf_text_imports_with_every_offset_moved_to_the_text_kept(tmp_path, db_path):
    text = "Line one.\r\nMark Esper spoke\r\nand Pompeo said \u201cno\u201d.\rEnd."
    record = {
        "text": text,
        "meta": {"id": "crlf"},
        "answer": "accept",
        "spans": [
            {"start": text.index("Mark"), "end": text.index("Mark") + 10, "label": "actor", "text": "Mark Esper"},
            {"start": text.index("spoke"), "end": text.index("Pompeo") + 6, "label": "claim"},
        ],
        "relations": [
            {
                "head_span": {"start": text.index("Mark"), "end": text.index("Mark") + 10},
                "child_span": {"start": text.index("spoke"), "end": text.index("Pompeo") + 6},
                "label": "said-by",
            }
        ],
    }
    path = tmp_path / "prodigy.jsonl"
    path.write_text(json.dumps(record) + "\n")
    with Store.open(db_path) as store:
        report = import_jsonl(store, path, "me")
        assert (report.spans, report.links, report.problems) == (2, 1, [])
        assert store.article_text("crlf") == "Line one.\nMark Esper spoke\nand Pompeo said \u201cno\u201d.\nEnd."
    [line] = [json.loads(line) for line in export(db_path).splitlines()]
    assert [(line["text"][span["start"] : span["end"]], span["status"]) for span in line["spans"]] == [
        ("Mark Esper", "accepted"),
        ("spoke\nand Pompeo", "accepted"),
    ]
    assert len(line["relations"]) == 1


def test_import_renames_labels_with_label_map_and_refuses_those_the_schema_does_not_name(tmp_path, db_path):
    path = tmp_path / "ner.jsonl"
    path.write_text(
        json.dumps(
            {
                "text": "Mark Esper met KH.",
                "meta": {"id": "m"},
                "spans": [{"start": 0, "end": 10, "label": "PERSON"}, {"start": 15, "end": 17, "label": "ORG"}],
            }
        )
        + "\n"
    )
    schema = tmp_path / "labels.yaml"
    schema.write_text("labels:\n  - {name: actor, key: a, color: blue, description: People.}\n")
    result = broadsheet(
        "import", str(path), "--db", str(db_path), "--labels", str(schema), "--label-map", "PERSON=actor"
    )
    assert result.returncode == 1
    assert (
        f"broadsheet: skipped {path}:1: span 2: label 'ORG' is not in {schema}; rename it with --label-map ORG=NEW"
        in result.stderr.splitlines()
    )
    result = broadsheet(
        "import", str(path), "--db", str(db_path), "--label-map", "PERSON=actor", "--label-map", "ORG=actor"
    )
    assert result.returncode == 0, result.stderr
    with Store.open(db_path) as store:
        assert [(span.text, span.label) for span in store.annotations("m")] == [
            ("Mark Esper", "actor"),
            ("KH", "actor"),
        ]
    assert broadsheet("import", str(path), "--db", str(db_path), "--label-map", "PERSON").returncode == 2


def test_validate_reads_what_import_reads_and_says_which_shape(tagged_db, tmp_path):
    db_path, _ = tagged_db
    doccano = tmp_path / "doccano.jsonl"
    doccano.write_text(export(db_path, "doccano"), encoding="utf-8")
    prodigy = tmp_path / "prodigy.jsonl"
    prodigy.write_text(
        json.dumps(
            {
                "text": "Mark Esper spoke.",
                "spans": [{"start": 0, "end": 10, "label": "actor"}],
                "answer": "accept",
                "_input_hash": 1,
            }
        )
        + "\n"
        + json.dumps({"text": "Odd.", "spans": [{"start": 0, "end": 9, "label": "actor"}], "answer": "maybe"})
        + "\n"
    )
    ours = validate_jsonl(doccano)
    assert (ours.errors, ours.notes[0]) == ([], f"{doccano}: read as doccano JSONL (5 line(s))")
    report = validate_jsonl(prodigy)
    assert report.notes[0] == f"{prodigy}: read as Prodigy JSONL (2 line(s))"
    assert report.errors == [f"{prodigy}:2: answer 'maybe' is not one of accept, reject, ignore"]
    result = broadsheet("validate", str(doccano))
    assert result.returncode == 0 and f"broadsheet: {doccano}: read as doccano JSONL (5 line(s))" in result.stderr


def test_brat_gets_r_lines_for_links_and_an_annotation_conf_that_lists_every_type_used(seeds, db_path, tmp_path):
    articles = {article.id: article for article in seeds}
    with Store.open(db_path) as store:
        reuters = articles["001_dd604056335a0bf9"]
        quote = tag(store, reuters, "We discussed with him [Trump] other options that are available", "quote")
        esper = tag(store, reuters, "Esper", "actor")
        store.link(quote, esper, "said-by", "tester")
        tag(store, reuters, "Trump", "actor", 1)  # nested inside the quote
        write_brat(exported_articles(store), tmp_path / "brat")
    conf = (tmp_path / "brat" / "annotation.conf").read_text()
    sections: dict[str, list[str]] = {}
    for line in conf.splitlines():
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
        elif line:
            current.append(line)
    assert sections["entities"] == ["actor", "quote"]
    assert "said-by\tArg1:<ENTITY>, Arg2:<ENTITY>" in sections["relations"]
    assert any(line.startswith("<OVERLAP>\t") for line in sections["relations"])  # nested spans are allowed
    ann = (tmp_path / "brat" / "001_dd604056335a0bf9.ann").read_text().splitlines()
    numbers = {line.split("\t")[2]: line.split("\t")[0] for line in ann if line.startswith("T")}
    [relation] = [line for line in ann if line.startswith("R")]
    assert relation == f"R1\tsaid-by Arg1:{numbers[quote.text]} Arg2:{numbers['Esper']}"
    assert {line.split("\t")[1].split()[0] for line in ann if line.startswith("T")} <= set(sections["entities"])


# doccano's own examples, as its documentation shows them (relation extraction; intent detection).
DOCCANO_RE = {
    "text": "Google was founded on September 4, 1998, by Larry Page and Sergey Brin.",
    "entities": [
        {"id": 0, "start_offset": 0, "end_offset": 6, "label": "ORG"},
        {"id": 1, "start_offset": 22, "end_offset": 39, "label": "DATE"},
        {"id": 2, "start_offset": 44, "end_offset": 54, "label": "PERSON"},
        {"id": 3, "start_offset": 59, "end_offset": 70, "label": "PERSON"},
    ],
    "relations": [
        {"id": 0, "from_id": 0, "to_id": 1, "type": "foundedAt"},
        {"id": 1, "from_id": 0, "to_id": 2, "type": "foundedBy"},
        {"id": 2, "from_id": 0, "to_id": 3, "type": "foundedBy"},
    ],
}
DOCCANO_INTENT = {
    "text": "Find a flight from Memphis to Tacoma",
    "entities": [
        {"id": 0, "start_offset": 19, "end_offset": 26, "label": "City"},
        {"id": 1, "start_offset": 30, "end_offset": 36, "label": "City"},
    ],
    "cats": ["flight"],
}


def test_doccano_relation_extraction_and_intent_lines_import_with_their_relations(tmp_path, db_path):
    path = tmp_path / "doccano-re.jsonl"
    path.write_text(json.dumps(DOCCANO_RE) + "\n" + json.dumps(DOCCANO_INTENT) + "\n")
    assert validate_jsonl(path).errors == []
    with Store.open(db_path) as store:
        report = import_jsonl(store, path, "doccano")
        assert (report.articles, report.spans, report.links, report.problems) == (2, 6, 3, [])
        [google] = [article_id for article_id in store.article_ids() if "flight" not in store.article_text(article_id)]
        spans = {span.id: span.text for span in store.annotations(google)}
        links = sorted((spans[link.head], link.label, spans[link.child]) for link in store.links())
    assert links == [
        ("Google", "foundedAt", "September 4, 1998"),
        ("Google", "foundedBy", "Larry Page"),
        ("Google", "foundedBy", "Sergey Brin"),
    ]


def test_doccano_re_export_goes_out_and_comes_back_with_its_relations(tmp_path, db_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(DOCCANO_RE) + "\n")
    with Store.open(db_path) as store:
        import_jsonl(store, path, "doccano")
    out = export(db_path, "doccano-re")
    [line] = [json.loads(text) for text in out.splitlines()]
    assert set(line) == {"id", "text", "entities", "relations"}
    entity = {entity["id"]: line["text"][entity["start_offset"] : entity["end_offset"]] for entity in line["entities"]}
    assert sorted((entity[rel["from_id"]], rel["type"], entity[rel["to_id"]]) for rel in line["relations"]) == [
        ("Google", "foundedAt", "September 4, 1998"),
        ("Google", "foundedBy", "Larry Page"),
        ("Google", "foundedBy", "Sergey Brin"),
    ]
    again = tmp_path / "again.jsonl"
    again.write_text(out)
    assert validate_jsonl(again).errors == []
    with Store.open(tmp_path / "fresh.json") as fresh:
        assert import_jsonl(fresh, again, "x").links == 3
    assert export(tmp_path / "fresh.json", "doccano-re") == out


def test_prodigy_relations_by_token_index_alone_import(tmp_path, db_path):
    text = "Hoffman said the strikes were defensive."
    tokens = [
        {"text": word, "start": text.index(word), "end": text.index(word) + len(word), "id": index}
        for index, word in enumerate(["Hoffman", "said", "the", "strikes", "were", "defensive", "."])
    ]
    line = {
        "text": text,
        "tokens": tokens,
        "answer": "accept",
        "spans": [
            {"start": 0, "end": 7, "label": "actor", "token_start": 0, "token_end": 0},
            {"start": 13, "end": 39, "label": "claim", "token_start": 2, "token_end": 5},
        ],
        "relations": [{"head": 5, "child": 0, "label": "said-by"}],
    }
    path = tmp_path / "rel.jsonl"
    path.write_text(json.dumps(line) + "\n")
    with Store.open(db_path) as store:
        report = import_jsonl(store, path, "prodigy")
        assert (report.spans, report.links, report.problems) == (2, 1, [])
        [link] = store.links()
        [article_id] = store.article_ids()
        spans = {span.id: span.text for span in store.annotations(article_id)}
    assert (spans[link.head], link.label, spans[link.child]) == ("the strikes were defensive", "said-by", "Hoffman")


def test_a_finished_article_with_no_span_is_exported_as_a_negative_and_comes_back_finished(seeds, db_path, tmp_path):
    reuters, post = seeds[1], seeds[3]
    with Store.open(db_path) as store:
        assert store.set_done(reuters, "ana") is not None
        assert store.set_done(reuters, "ana") is None  # already so: no step
        tag(store, post, "Jonathan Hoffman", "actor")
    for fmt in ("jsonl", "doccano"):
        lines = [json.loads(line) for line in export(db_path, fmt).splitlines()]
        assert [line.get("meta", {}).get("id", line.get("id")) for line in lines] == [reuters.id, post.id]
    [negative, positive] = [json.loads(line) for line in export(db_path).splitlines()]
    assert (negative["spans"], negative["meta"]["done"], positive["meta"]["done"]) == ([], True, False)
    path = tmp_path / "gold.jsonl"
    path.write_text(export(db_path), encoding="utf-8")
    with Store.open(tmp_path / "fresh.json") as fresh:
        import_jsonl(fresh, path, "x")
        assert fresh.done_articles() == {reuters.id}
    assert export(tmp_path / "fresh.json") == path.read_text(encoding="utf-8")
    with Store.open(db_path) as store:  # the mark is an undo step like a tag
        store.undo()
        store.undo()
        assert store.done_articles() == set()


def test_prodigy_accepted_examples_are_finished_so_an_accepted_empty_one_is_a_negative(tmp_path, db_path):
    path = tmp_path / "fashion.jsonl"
    path.write_text(
        json.dumps({"text": "A plain sentence.", "spans": [], "answer": "accept"})
        + "\n"
        + json.dumps({"text": "Another one.", "spans": [], "answer": "reject"})
        + "\n"
    )
    with Store.open(db_path) as store:
        import_jsonl(store, path, "prodigy")
    [line] = [json.loads(line) for line in export(db_path).splitlines()]
    assert (line["text"], line["spans"], line["meta"]["done"]) == ("A plain sentence.", [], True)


def test_prodigy_format_has_tokens_token_offsets_relations_by_token_and_comes_back(seeds, db_path, tmp_path):
    articles = {article.id: article for article in seeds}
    reuters = articles["001_dd604056335a0bf9"]
    with Store.open(db_path) as store:
        quote = tag(store, reuters, "We discussed with him [Trump] other options that are available", "quote")
        esper = tag(store, reuters, "Esper", "actor")
        store.link(quote, esper, "said-by", "tester")
    [task] = [json.loads(line) for line in export(db_path, "prodigy").splitlines()]
    assert task["answer"] == "accept" and task["meta"]["id"] == reuters.id
    tokens = task["tokens"]
    assert all(task["text"][token["start"] : token["end"]] == token["text"] for token in tokens)
    assert [token["id"] for token in tokens] == list(range(len(tokens)))
    for span in task["spans"]:
        assert (tokens[span["token_start"]]["start"], tokens[span["token_end"]]["end"]) == (span["start"], span["end"])
    [relation] = task["relations"]
    assert tokens[relation["head"]]["end"] == relation["head_span"]["end"] == quote.end
    assert tokens[relation["child"]]["text"] == "Esper" and relation["label"] == "said-by"
    path = tmp_path / "prodigy.jsonl"
    path.write_text(export(db_path, "prodigy"), encoding="utf-8")
    assert validate_jsonl(path).errors == []
    with Store.open(tmp_path / "fresh.json") as fresh:
        report = import_jsonl(fresh, path, "x")
        assert (report.spans, report.links) == (2, 1)
        assert {span.text for span in fresh.annotations(reuters.id)} == {quote.text, "Esper"}


def test_prodigy_hashes_and_unknown_meta_keys_survive_a_round_trip(tmp_path, db_path):
    line = {
        "text": "Mark Esper spoke.",
        "spans": [{"start": 0, "end": 10, "label": "actor"}],
        "answer": "accept",
        "_input_hash": -1248930,
        "_task_hash": 88123,
        "meta": {"id": "t-1", "section": "world", "score": 0.91, "pinned": True},
    }
    path = tmp_path / "prodigy.jsonl"
    path.write_text(json.dumps(line) + "\n")
    with Store.open(db_path) as store:
        import_jsonl(store, path, "prodigy")
    [task] = [json.loads(text) for text in export(db_path, "prodigy").splitlines()]
    assert (task["_input_hash"], task["_task_hash"]) == (-1248930, 88123)
    assert {key: task["meta"][key] for key in ("section", "score", "pinned")} == {
        "section": "world",
        "score": 0.91,
        "pinned": True,
    }
    [ours] = [json.loads(text) for text in export(db_path).splitlines()]
    assert ours["meta"]["_input_hash"] == -1248930 and ours["meta"]["section"] == "world"
    again = tmp_path / "ours.jsonl"
    again.write_text(export(db_path), encoding="utf-8")
    with Store.open(tmp_path / "fresh.json") as fresh:
        import_jsonl(fresh, again, "x")
    assert export(tmp_path / "fresh.json") == again.read_text(encoding="utf-8")
