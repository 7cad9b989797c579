"""WebAnno TSV 3 in, shaped as WebAnno's and INCEpTION's documentation lays it out: span
layers, a relation layer with its governor column, stacked and multi-token annotations,
escapes, UTF-16 offsets (🇺🇸 and CJK before a span), linguistic layers left out."""

from __future__ import annotations

import subprocess
import sys

from annotations.store import Store

from .conftest import ROOT

TSV = """#FORMAT=WebAnno TSV 3.3
#T_SP=de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS|PosValue|coarseValue
#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value
#T_SP=webanno.custom.Claim|
#T_RL=webanno.custom.Relation|label|BT_de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity


#Text=🇺🇸 中文报道: Esper said Kataib Hezbollah fired 30 rockets.
1-1\t0-4\t🇺🇸\tX\t_\t_\t_\t_\t_\t_\t
1-2\t5-9\t中文报道\tNOUN\t_\t_\tORG\t_\t_\t_\t
1-3\t9-10\t:\tPUNCT\t_\t_\t_\t_\t_\t_\t
1-4\t11-16\tEsper\tPROPN\t_\t_\tPER\t*[1]\t_\t_\t
1-5\t17-21\tsaid\tVERB\t_\t_\t_\t*[1]\t_\t_\t
1-6\t22-28\tKataib\tPROPN\t_\t_\tORG[2]|actor\\_group[3]\t*[1]\t_\t_\t
1-7\t29-38\tHezbollah\tPROPN\t_\t_\tORG[2]|actor\\_group[3]\t*[1]\t_\t_\t
1-8\t39-44\tfired\tVERB\t_\t_\t_\t_\t_\t_\t
1-9\t45-47\t30\tNUM\t_\t_\tQUANTITY[4]\t_\tfired-by\t1-6[2_4]\t
1-10\t48-55\trockets\tNOUN\t_\t_\tQUANTITY[4]\t_\t_\t_\t
1-11\t55-56\t.\tPUNCT\t_\t_\t_\t_\t_\t_\t

#Text=End.
2-1\t57-60\tEnd\tNOUN\t_\t_\t_\t_\t_\t_\t
2-2\t60-61\t.\tPUNCT\t_\t_\t_\t_\t_\t_\t
"""
TEXT = "🇺🇸 中文报道: Esper said Kataib Hezbollah fired 30 rockets.\nEnd."


def test_webanno_tsv_comes_in_with_every_span_and_relation_at_code_point_offsets(tmp_path):
    path = tmp_path / "doc1.tsv"
    path.write_text(TSV, encoding="utf-8")
    db = tmp_path / "db.json"
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "import", str(path), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"broadsheet: {path}: read as WebAnno TSV 3",
        f"broadsheet: {path}: 6 span(s) imported into 1 new article(s), 1 link(s), "
        "13 POS annotation(s) left out (Broadsheet keeps none)",
    ]
    with Store.open(db, read_only=True) as store:
        assert store.article_text("doc1") == TEXT
        spans = sorted((span.start, span.end, span.text, span.label) for span in store.annotations("doc1"))
        by_id = {span.id: span.text for span in store.annotations("doc1")}
        links = [(by_id[link.head], link.label, by_id[link.child]) for link in store.links()]

    def at(phrase: str, label: str) -> tuple:
        return TEXT.index(phrase), TEXT.index(phrase) + len(phrase), phrase, label

    assert spans == sorted(
        [
            at("中文报道", "ORG"),
            at("Esper", "PER"),
            at("Esper said Kataib Hezbollah", "Claim"),
            at("Kataib Hezbollah", "ORG"),
            at("Kataib Hezbollah", "actor_group"),
            at("30 rockets", "QUANTITY"),
        ]
    )
    assert links == [("Kataib Hezbollah", "fired-by", "30 rockets")]


def test_a_file_that_is_no_webanno_tsv_is_one_line(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Claim|\n\n\n#Text=a\n1-1\t0-1\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "import", str(path), "--db", str(tmp_path / "db.json")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert (
        f"broadsheet: skipped {path}:6: not a token row (ID, offsets, token and a column per feature)"
        in result.stderr.splitlines()
    )
