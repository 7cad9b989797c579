"""CoNLL in: CoNLL-2003 (four columns, -DOCSTART-), two-column TSV, IOB1, IOB2 and BIOES,
tokens rejoined to a text whose offsets are exact; and bad lines named one by one."""

from __future__ import annotations

import subprocess
import sys

import pytest

from annotations.store import Store

from .conftest import ROOT

# As CoNLL-2003's English data is laid out: token, part of speech, chunk, entity (IOB1).
CONLL_2003 = """-DOCSTART- -X- -X- O

EU NNP I-NP I-ORG
rejects VBZ I-VP O
German JJ I-NP I-MISC
call NN I-NP O
to TO I-VP O
boycott VB I-VP O
British JJ I-NP I-MISC
lamb NN I-NP O
. . O O

Peter NNP I-NP I-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

BRUSSELS NNP I-NP I-LOC
1996-08-22 CD I-NP O
"""
# Two columns, tab-separated, IOB2, with emoji and CJK before a span.
TWO_COLUMNS = (
    "🇺🇸\tO\n中文报道\tO\nsaid\tO\nKataib\tB-actor\nHezbollah\tI-actor\nfired\tO\n30\tB-figure\nrockets\tI-figure\n"
)
BIOES = "# sent_id = 1\nThe\tO\nUS\tS-LOC\nstruck\tO\nKataib\tB-ORG\nHezbollah\tE-ORG\nsites\tO\n"


def _import(tmp_path, name: str, data: str, *extra: str) -> subprocess.CompletedProcess:
    path = tmp_path / name
    path.write_text(data, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "import", str(path), "--db", str(tmp_path / "db.json"), *extra],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def _articles(tmp_path) -> dict[str, tuple[str, list]]:
    with Store.open(tmp_path / "db.json", read_only=True) as store:
        return {
            article_id: (
                store.article_text(article_id),
                [(span.start, span.end, span.text, span.label) for span in store.annotations(article_id)],
            )
            for article_id in store.article_ids()
        }


def test_conll_2003_comes_in_a_document_an_article_with_every_entity(tmp_path):
    result = _import(tmp_path, "train.txt", CONLL_2003)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"broadsheet: {tmp_path / 'train.txt'}: read as CoNLL",
        f"broadsheet: {tmp_path / 'train.txt'}: 5 span(s) imported into 2 new article(s)",
    ]
    articles = _articles(tmp_path)
    text, spans = articles["train-1"]
    assert text == "EU rejects German call to boycott British lamb .\nPeter Blackburn"
    assert sorted(spans) == [
        (0, 2, "EU", "ORG"),
        (11, 17, "German", "MISC"),
        (34, 41, "British", "MISC"),
        (49, 64, "Peter Blackburn", "PER"),
    ]
    assert articles["train-2"] == ("BRUSSELS 1996-08-22", [(0, 8, "BRUSSELS", "LOC")])


def test_two_columns_and_bioes_with_emoji_and_cjk_before_the_spans(tmp_path):
    assert _import(tmp_path, "wnut.tsv", TWO_COLUMNS).returncode == 0
    text, spans = _articles(tmp_path)["wnut-1"]
    assert text == "🇺🇸 中文报道 said Kataib Hezbollah fired 30 rockets"
    assert sorted(spans) == [(13, 29, "Kataib Hezbollah", "actor"), (36, 46, "30 rockets", "figure")]
    result = _import(tmp_path, "bioes.conll", BIOES)
    assert result.stderr.splitlines()[-1].endswith(
        "2 span(s) imported into 1 new article(s), 1 comment line(s) left out (Broadsheet keeps none)"
    )
    assert sorted(_articles(tmp_path)["bioes-1"][1]) == [(4, 6, "US", "LOC"), (14, 30, "Kataib Hezbollah", "ORG")]


@pytest.mark.parametrize(
    "tags, expected",
    [
        (["B-X", "I-X", "B-X", "O"], [(0, 3, "X"), (4, 5, "X")]),  # IOB2: B- starts a new span
        (["I-X", "I-X", "B-X", "I-Y"], [(0, 3, "X"), (4, 5, "X"), (6, 7, "Y")]),  # IOB1: I- starts one too
        (["S-X", "S-X", "B-X", "E-X"], [(0, 1, "X"), (2, 3, "X"), (4, 7, "X")]),  # BIOES
        (["U-X", "B-X", "L-X", "O"], [(0, 1, "X"), (2, 5, "X")]),  # BILOU
    ],
)
def test_every_tag_scheme_gives_its_spans(tmp_path, tags, expected):
    from annotations.conll import conll_documents

    path = tmp_path / "tags.conll"
    path.write_text("".join(f"{token}\t{tag}\n" for token, tag in zip("abcd", tags, strict=True)), encoding="utf-8")
    [document] = conll_documents(path)
    assert [(span["start"], span["end"], span["label"]) for span in document.record["spans"]] == expected


def test_a_bad_line_is_named_and_the_rest_comes_in(tmp_path):
    result = _import(tmp_path, "bad.conll", "Hoffman\tB-actor\nsaid\tZ-actor\nit\n\xff\tO\n")
    assert result.returncode == 1
    path = tmp_path / "bad.conll"
    assert result.stderr.splitlines()[1:] == [
        f"broadsheet: skipped {path}:2: not a token and a tag (O, or B-, I-, E- or S- and a label)",
        f"broadsheet: skipped {path}:3: not a token and a tag (O, or B-, I-, E- or S- and a label)",
        f"broadsheet: {path}: 1 span(s) imported into 1 new article(s)",
    ]


def test_export_conll_then_import_keeps_every_span_on_token_edges(tmp_path):
    from annotations.articles import Article
    from annotations.export import _TOKEN, OverlapReport, exported_articles, write_conll
    from annotations.importing import import_documents
    from annotations.readers import read_documents

    article = Article(
        "hard", "Iran’s “Quds Force” 🇺🇸 spoke.\n\n中文报道 said Kataib Hezbollah fired 30 rockets. U.S. bases."
    )
    with Store.open(tmp_path / "out.json") as store:
        for phrase, label in [
            ("Iran’s “Quds Force”", "actor"),
            ("中文报道", "outlet"),
            ("Kataib Hezbollah", "actor"),
            ("30 rockets", "figure"),
            ("U.S.", "place"),
        ]:
            start = article.text.index(phrase)
            store.add(article, start, start + len(phrase), label, "ana")
        conll = tmp_path / "out.conll"
        with conll.open("w", encoding="utf-8") as out:
            write_conll(exported_articles(store), out, OverlapReport())
        sent = sorted((" ".join(_TOKEN.findall(span.text)), span.label) for span in store.annotations("hard"))
    with Store.open(tmp_path / "db.json") as store:
        report = import_documents(store, read_documents(conll, "conll"), "importer")
    assert report.problems == []
    text, spans = _articles(tmp_path)["out-1"]
    assert sorted((span_text, label) for _, _, span_text, label in spans) == sent
    assert all(text[start:end] == span_text for start, end, span_text, _ in spans)
