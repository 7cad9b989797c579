"""UIMA CAS in and out through dkpro-cassis, with INCEpTION's types: named entities with
their value, its relation layer, document metadata; offsets in UTF-16 code units in the
file (🇺🇸 and CJK before a span) and code points in Broadsheet."""

from __future__ import annotations

import re

from cassis import load_cas_from_xmi, load_typesystem

from annotations.articles import Article
from annotations.store import Store
from annotations.uima import NAMED_ENTITY, RELATION, type_system

from .conftest import broadsheet

TEXT = "🇺🇸 中文报道: Esper said Kataib Hezbollah fired 30 rockets."


def _contents(db) -> tuple[dict, list]:
    with Store.open(db, read_only=True) as store:
        spans = {
            article_id: sorted((span.start, span.end, span.text, span.label) for span in store.annotations(article_id))
            for article_id in store.article_ids()
        }
        by_id = {span.id: span.text for article_id in store.article_ids() for span in store.annotations(article_id)}
        return spans, sorted((by_id[link.head], link.label, by_id[link.child]) for link in store.links())


def test_broadsheet_to_xmi_to_broadsheet_keeps_spans_offsets_relations_and_ids(tmp_path):
    db = tmp_path / "db.json"
    article = Article("wire-1", TEXT, "AP", {"title": "Strikes"})
    with Store.open(db) as store:
        made = {
            phrase: store.add(article, TEXT.index(phrase), TEXT.index(phrase) + len(phrase), label, "ana")
            for phrase, label in [("Esper", "actor"), ("Kataib Hezbollah", "actor"), ("30 rockets", "figure")]
        }
        store.link(made["30 rockets"], made["Kataib Hezbollah"], "fired-by", "ana")
    folder = tmp_path / "inception"
    result = broadsheet("export", "--db", str(db), "--format", "uima", "-o", str(folder))
    assert result.returncode == 0, result.stderr
    xmi = (folder / "wire-1.xmi").read_text(encoding="utf-8")
    cas = load_cas_from_xmi(xmi, typesystem=load_typesystem(folder / "TypeSystem.xml"))  # INCEpTION's library reads it
    assert sorted(
        (entity.begin, entity.end, entity.get_covered_text(), entity.value) for entity in cas.select(NAMED_ENTITY)
    ) == [
        (TEXT.index(phrase), TEXT.index(phrase) + len(phrase), phrase, label)
        for phrase, label in [("Esper", "actor"), ("Kataib Hezbollah", "actor"), ("30 rockets", "figure")]
    ]
    [relation] = cas.select(RELATION)
    assert (relation.Governor.value, relation.Dependent.get_covered_text(), relation.label) == (
        "figure",
        "Kataib Hezbollah",
        "fired-by",
    )
    esper = TEXT.index("Esper")  # the flag is two code points and four UTF-16 units: the file says two more
    assert re.search(rf'<\w+:NamedEntity [^>]*begin="{esper + 2}" end="{esper + 7}"', xmi)
    fresh = tmp_path / "fresh.json"
    result = broadsheet("import", str(folder), "--db", str(fresh))
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"broadsheet: {folder}: read as UIMA CAS",
        f"broadsheet: {folder}: 3 span(s) imported into 1 new article(s), 1 link(s)",
    ]
    assert _contents(fresh) == _contents(db)
    with Store.open(fresh, read_only=True) as store:
        assert store.stored_article("wire-1").meta["title"] == "Strikes"


def test_a_cas_json_and_an_xmi_with_other_layers_come_in_naming_what_is_left_out(tmp_path):
    from cassis import Cas

    types = type_system()
    cas = Cas(typesystem=types)
    cas.sofa_string = TEXT
    entity = types.get_type(NAMED_ENTITY)
    start = TEXT.index("Kataib Hezbollah")
    cas.add_all(
        [
            entity(begin=start, end=start + 16, value="ORG"),
            entity(begin=0, end=2),
            types.get_type("de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token")(begin=0, end=2),
            types.get_type("de.tudarmstadt.ukp.dkpro.core.api.ner.type.Location")(begin=0, end=2, value="US"),
        ]
    )
    (tmp_path / "doc.json").write_text(cas.to_json(), encoding="utf-8")
    (tmp_path / "doc.xmi").write_text(cas.to_xmi(), encoding="utf-8")
    for name in ("doc.json", "doc.xmi"):
        result = broadsheet("import", str(tmp_path / name), "--db", str(tmp_path / f"{name}.db.json"))
        assert result.returncode == 0, result.stderr
        assert result.stderr.splitlines()[-1] == (
            f"broadsheet: {tmp_path / name}: 2 span(s) imported into 1 new article(s), "
            "1 named entity without a value(s) left out (Broadsheet keeps none)"
        )
        assert _contents(tmp_path / f"{name}.db.json")[0] == {
            "doc": [(0, 2, "🇺🇸", "US"), (start, start + 16, "Kataib Hezbollah", "ORG")]
        }


def test_a_file_that_is_no_cas_is_one_line(tmp_path):
    bad = tmp_path / "bad.xmi"
    bad.write_text('<?xml version="1.0"?><xmi:XMI xmlns:xmi="http://www.omg.org/XMI"><cas:Sofa', encoding="utf-8")
    result = broadsheet("import", str(bad), "--db", str(tmp_path / "db.json"))
    assert result.returncode == 1
    [line] = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert line.startswith(f"broadsheet: skipped {bad}: not a UIMA CAS cassis reads (")
