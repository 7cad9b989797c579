"""UIMA CAS, as INCEpTION and WebAnno write it, in and out through dkpro-cassis.

Spans are DKPro Core's named entities (``NamedEntity``, the label in ``value``); links are
INCEpTION's relation layer over them (``Relation``: a ``Governor``, a ``Dependent`` and a
``label``), and the article's id and title are in ``DocumentMetaData``. UIMA counts offsets
in UTF-16 code units (Java's strings): cassis converts them to code points on reading and
back on writing, so a span after an emoji sits where Python has it.

In: a CAS XMI file (with the type system beside it, ``TypeSystem.xml`` as INCEpTION exports
it, or else DKPro Core's), a CAS JSON file (which carries its types), or a folder of XMI
files (``*.xmi``, recursively), a document an article. Named entities without a value and
annotations of other layers are counted and left out. Out: a folder of ``ARTICLE.xmi``
and the ``TypeSystem.xml`` they use.
"""

from __future__ import annotations

import functools
import hashlib
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

from .export import ExportedArticle, article_stems
from .readers import ReadDocument, ReadError, read_text, unreadable

NAMED_ENTITY = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
RELATION = "webanno.custom.Relation"  # INCEpTION names a project's own layers webanno.custom.*
METADATA = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
TYPE_SYSTEM = "TypeSystem.xml"
# What every CAS holds besides annotations: not left out, since there is nothing to keep.
_STRUCTURE = ("Token", "Sentence", "DocumentMetaData", "DocumentAnnotation", "TagsetDescription")


@functools.cache  # DKPro Core's type system takes a while to read; a CAS never changes it
def type_system():
    """DKPro Core's types with its DocumentMetaData and INCEpTION's relation layer over its named entities."""
    from cassis import load_dkpro_core_typesystem

    with warnings.catch_warnings():  # cassis reads its resource the way importlib now warns against
        warnings.simplefilter("ignore", DeprecationWarning)
        types = load_dkpro_core_typesystem()
    if not types.contains_type(METADATA, match_exactly=True):
        metadata = types.create_type(METADATA, "uima.tcas.DocumentAnnotation")
        for name in ("documentTitle", "documentId", "documentUri", "collectionId", "documentBaseUri"):
            types.create_feature(metadata, name, "uima.cas.String")
        types.create_feature(metadata, "isLastSegment", "uima.cas.Boolean")
    if not types.contains_type(RELATION, match_exactly=True):
        relation = types.create_type(RELATION, "uima.tcas.Annotation")
        types.create_feature(relation, "Governor", NAMED_ENTITY)
        types.create_feature(relation, "Dependent", NAMED_ENTITY)
        types.create_feature(relation, "label", "uima.cas.String")
    return types


def _load(path: Path):
    """The CAS in ``path``: JSON (it names its own types), or XMI with the type system beside
    it. cassis's warnings (an offset outside the text, left as it is) are not printed: the
    import names what such a span holds, in one line."""
    from cassis import load_cas_from_json, load_cas_from_xmi, load_typesystem

    text = read_text(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if text.lstrip().startswith("{"):
            return load_cas_from_json(text, lenient=True)  # with the types it carries
        beside = next(
            (
                candidate
                for candidate in (path.with_name(TYPE_SYSTEM), path.with_name("typesystem.xml"))
                if candidate.is_file()
            ),
            None,
        )
        return load_cas_from_xmi(
            text, typesystem=type_system() if beside is None else load_typesystem(beside), lenient=True
        )


def uima_documents(path: Path) -> Iterator[ReadDocument]:
    """The CAS of ``path``, or of every .xmi file of the folder ``path``, by path."""
    files = sorted(path.rglob("*.xmi")) if path.is_dir() else [path]
    for file in files:
        yield _document(file)


def _document(path: Path) -> ReadDocument:
    try:
        cas = _load(path)
    except ReadError as error:
        return next(unreadable(path, error))
    except Exception as error:  # noqa: BLE001 - cassis and lxml raise many kinds on a file that is no CAS
        return ReadDocument(
            path,
            problems=[
                f"{path}: not a UIMA CAS cassis reads ({type(error).__name__}: "
                f"{str(error).splitlines()[0][:200] if str(error) else 'no detail'})"
            ],
        )
    document = ReadDocument(path)
    text = cas.sofa_string
    if not isinstance(text, str) or not text:
        document.problems.append(f"{path}: the CAS holds no text")
        return document
    meta = {"id": path.stem, "source": str(path)}
    for metadata in _select(cas, METADATA):
        meta.update(
            {
                key: value
                for key, value in (("id", metadata.get("documentId")), ("title", metadata.get("documentTitle")))
                if value
            }
        )
    spans, span_ids = _spans(cas, path, document)
    document.record = {"text": text, "meta": meta, "spans": spans, "relations": _relations(cas, span_ids, document)}
    return document


def _select(cas, type_name: str) -> list:
    """The CAS's annotations of a type, none when its type system lacks the type."""
    return cas.select(type_name) if cas.typesystem.contains_type(type_name, match_exactly=True) else []


def _spans(cas, path: Path, document: ReadDocument) -> tuple[list[dict], dict[int, str]]:
    spans, span_ids = [], {}
    entities = _select(cas, NAMED_ENTITY)  # Location, Person and DKPro's other kinds too
    for entity in entities:
        label = entity.get("value")
        if not label:
            document.left_out["named entity without a value"] += 1
            continue
        span_id = hashlib.sha1(f"{path}\0{entity.xmiID}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
        spans.append({"start": entity.begin, "end": entity.end, "label": label, "id": span_id})
        span_ids[id(entity)] = span_id
    read = {id(entity) for entity in entities}
    for annotation in cas.select_all_annotations():
        name = annotation.type.name.rpartition(".")[2]
        if id(annotation) not in read and not _is_relation(annotation) and name not in _STRUCTURE:
            document.left_out[f"{name} annotation"] += 1
    return spans, span_ids


def _is_relation(annotation) -> bool:
    return annotation.type.get_feature("Governor") is not None and annotation.type.get_feature("Dependent") is not None


def _relations(cas, span_ids: dict[int, str], document: ReadDocument) -> list[dict]:
    """Every relation layer's arcs between two of the spans, labelled by its first text feature."""
    relations = []
    for annotation in cas.select_all_annotations():
        if not _is_relation(annotation):
            continue
        ends = [span_ids.get(id(annotation.get(end))) for end in ("Governor", "Dependent")]
        label = next(
            (
                annotation.get(feature.name)
                for feature in annotation.type.all_features
                if feature.rangeType.name == "uima.cas.String" and annotation.get(feature.name)
            ),
            None,
        )
        if None in ends or not label:
            document.left_out["relation not between two named entities, or without a label"] += 1
            continue
        relations.append({"head": ends[0], "child": ends[1], "label": label})
    return relations


# -- out ------------------------------------------------------------------------------


def article_cas(types, article: ExportedArticle):
    """The article as a CAS: its text, its id and title, a named entity per span and a
    relation per link (placed on its dependent, as INCEpTION places them)."""
    from cassis import Cas

    cas = Cas(typesystem=types)
    cas.sofa_string = article.text
    cas.add(
        types.get_type(METADATA)(
            begin=0, end=len(article.text), documentId=article.id, documentTitle=article.meta.get("title") or None
        )
    )
    entity_type, relation_type = types.get_type(NAMED_ENTITY), types.get_type(RELATION)
    entities = {span.id: entity_type(begin=span.start, end=span.end, value=span.label) for span in article.spans}
    cas.add_all(entities.values())
    for link in article.relations:
        dependent = entities[link.child]
        cas.add(
            relation_type(
                begin=dependent.begin,
                end=dependent.end,
                Governor=entities[link.head],
                Dependent=dependent,
                label=link.label,
            )
        )
    return cas


def write_uima(articles: Iterable[ExportedArticle], folder: Path) -> int:
    """Write an .xmi per article and the type system into ``folder``, which gets them all or
    none (output.new_folder)."""
    from .output import new_folder
    from .storage import atomic_write

    types = type_system()
    count = 0
    with new_folder(folder) as filling:
        for stem, article in article_stems(articles):
            atomic_write(
                filling / f"{stem}.xmi", article_cas(types, article).to_xmi().encode("utf-8"), keep_backup=False
            )
            count += 1
        atomic_write(filling / TYPE_SYSTEM, types.to_xml().encode("utf-8"), keep_backup=False)
    return count
