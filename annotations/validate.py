"""Check a JSONL file in any shape Broadsheet reads or writes (ours, Prodigy's, doccano's):
its shape's rules (ours: the shipped JSON Schema), then offsets against the text, then
(when spaCy is installed) that each span lines up with spaCy's tokens. And what the other
exporters write: CoNLL, a brat folder, Label Studio's tasks and their labelling config, a
spaCy DocBin, UIMA CAS files."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .export import DOCUMENT_START
from .jsonl import JsonlFileError, jsonl_lines
from .readers import ReadDocument

SCHEMA_FILE = "export.schema.json"


def export_schema() -> dict:
    return json.loads(Path(__file__).with_name(SCHEMA_FILE).read_text(encoding="utf-8"))


@dataclass
class ValidationReport:
    lines: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _blank_spacy():
    try:
        import spacy
    except ImportError:
        return None
    return spacy.blank("en")


# The JSONL shapes Broadsheet reads and writes, by what a line of each holds.
SHAPES = {
    "broadsheet": "Broadsheet JSONL",
    "prodigy": "Prodigy JSONL",
    "doccano": "doccano JSONL",
    "doccano-entities": "doccano relation-extraction or intent JSONL",
    "clusters": "Broadsheet clusters JSONL (export --clusters)",
}
_ANSWERS = ("accept", "reject", "ignore")


def shape_of(record: dict) -> str:
    """Which shape a line is: doccano's `label` triples, ours (`meta.id` and `spans`), or
    Prodigy's (`text` with `spans`, `meta` optional, perhaps an `answer`)."""
    if "spans" not in record and isinstance(record.get("label", record.get("labels")), list):
        return "doccano"
    if "spans" not in record and isinstance(record.get("entities"), list):
        return "doccano-entities"
    if "relation" in record and "text" not in record:
        return "clusters"
    meta = record.get("meta")
    if isinstance(meta, dict) and "id" in meta and "answer" not in record:
        return "broadsheet"
    return "prodigy"


def validate_jsonl(path: Path) -> ValidationReport:
    """Check every line in the shape it is (see shape_of), saying which shapes were read."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(export_schema())
    nlp = _blank_spacy()
    report = ValidationReport()
    if nlp is None:
        report.notes.append("spaCy is not installed: token alignment was not checked (pip install spacy)")
    shapes: Counter[str] = Counter()
    try:
        for line in jsonl_lines(path):
            report.lines += 1
            where = f"{path}:{line.number}"
            if line.record is None:  # then its problem says why
                report.errors.append(f"{where}: {line.problem}")
                continue
            shape = shape_of(line.record)
            shapes[shape] += 1
            spans = _CHECKS[shape](where, line.record, validator, report)
            if spans is not None:
                _check_spans(where, line.record, spans, nlp, report)
    except JsonlFileError as error:
        report.errors.append(str(error))
    if shapes:
        report.notes.insert(
            0,
            f"{path}: read as "
            + ", ".join(f"{SHAPES[shape]} ({count} line(s))" for shape, count in shapes.most_common()),
        )
    return report


_META_TEXTS = ("outlet", "date", "title", "source", "url")
_SPAN_TEXTS = ("id", "annotator", "note")


def _surely_ours(record: dict) -> bool:
    """Whether the line plainly passes the JSON Schema (export.schema.json), as our export's
    lines do: then the schema, which takes most of the time of checking a line, is not asked.
    False when in any doubt; the schema then decides, and says what is wrong."""
    text, meta, spans, relations = (
        record.get("text"),
        record.get("meta"),
        record.get("spans"),
        record.get("relations", []),
    )
    if not (type(text) is str and text and type(meta) is dict and type(spans) is list and type(relations) is list):
        return False
    return (
        type(meta.get("id")) is str
        and meta["id"] != ""
        and all(type(meta.get(key, "")) is str for key in _META_TEXTS)
        and type(meta.get("done", False)) is bool
        and all(map(_surely_span, spans))
        and all(
            type(relation) is dict and all(type(relation.get(key)) is str for key in ("head", "child", "label"))
            for relation in relations
        )
    )


def _surely_span(span: object) -> bool:
    """Whether a span of our line plainly passes the schema (see _surely_ours)."""
    return (
        type(span) is dict
        and type(span.get("start")) is int
        and span["start"] >= 0
        and type(span.get("end")) is int
        and span["end"] >= 1
        and type(span.get("label")) is str
        and span["label"] != ""
        and type(span.get("text")) is str
        and span["text"] != ""
        and all(type(span.get(key, "")) is str for key in _SPAN_TEXTS)
        and span.get("id") != ""
        and span.get("status", "pending") in ("pending", "accepted", "rejected")
    )


def _ours(where: str, record: dict, validator, report: ValidationReport) -> list[dict] | None:
    """Our export, against the JSON Schema shipped beside this module."""
    schema_errors = (
        []
        if _surely_ours(record)
        else sorted(validator.iter_errors(record), key=lambda error: list(error.absolute_path))
    )
    for error in schema_errors:
        location = "/".join(str(part) for part in error.absolute_path) or "(line)"
        report.errors.append(f"{where}: {location}: {error.message}")
    if schema_errors:
        return None
    span_ids = {span.get("id") for span in record["spans"]}
    for index, relation in enumerate(record.get("relations", []), start=1):
        for end in ("head", "child"):
            if relation[end] not in span_ids:
                report.errors.append(
                    f"{where}: relation {index} ({relation['label']}): {end} {relation[end]!r} "
                    "is not the id of a span of this line"
                )
    return record["spans"]


def _text_problem(record: dict) -> str | None:
    text = record.get("text")
    return None if isinstance(text, str) and text else "'text' must be a non-empty string"


def _prodigy(where: str, record: dict, validator, report: ValidationReport) -> list[dict] | None:
    """Prodigy's task: text, spans of start, end and label (text optional), an answer."""
    problem = _text_problem(record)
    spans = record.get("spans")
    if not (isinstance(spans, list) and all(isinstance(span, dict) for span in spans)):
        return _checked(where, problem or "'spans' must be a list of objects", [], report)
    if problem is None and record.get("answer", "accept") not in _ANSWERS:
        problem = f"answer {record['answer']!r} is not one of {', '.join(_ANSWERS)}"
    return _checked(where, problem or _misshapen(spans, "span"), spans, report)


def _doccano(where: str, record: dict, validator, report: ValidationReport) -> list[dict] | None:
    """doccano's sequence labelling line: text and [start, end, label] triples."""
    triples = record.get("label", record.get("labels")) or []  # a list: shape_of said so
    problem = _text_problem(record)
    if problem is None and not all(isinstance(item, list) and len(item) == 3 for item in triples):
        problem = "'label' must be a list of [start, end, label]"
    spans = [] if problem else [{"start": start, "end": end, "label": label} for start, end, label in triples]
    return _checked(where, problem or _misshapen(spans, "label"), spans, report)


def _doccano_entities(where: str, record: dict, validator, report: ValidationReport) -> list[dict] | None:
    """doccano's relation-extraction (or intent) line: entities with offsets, relations
    between their ids."""
    entities = record["entities"]
    problem = _text_problem(record)
    spans = (
        []
        if problem
        else [
            {"start": entity.get("start_offset"), "end": entity.get("end_offset"), "label": entity.get("label")}
            for entity in entities
            if isinstance(entity, dict)
        ]
    )
    if problem is None and len(spans) != len(entities):
        problem = "'entities' must be a list of objects"
    problem = problem or _misshapen(spans, "entity")
    ids = {
        entity.get("id") for entity in entities if isinstance(entity, dict) and isinstance(entity.get("id"), (int, str))
    }
    relations = record.get("relations") or []
    for index, relation in enumerate(relations if isinstance(relations, list) else [None], start=1):
        ends = [relation.get(key) for key in ("from_id", "to_id")] if isinstance(relation, dict) else [None]
        if problem is None and not all(isinstance(end, (int, str)) and end in ids for end in ends):
            problem = f"relation {index}: from_id and to_id must be ids of the line's entities"
    return _checked(where, problem, spans, report)


def _clusters(where: str, record: dict, validator, report: ValidationReport) -> list[dict] | None:
    """A line of export --clusters: spans across articles (each with its article id and
    text, no article text to check them against) and the links between them."""
    spans = record.get("spans")
    problem = None if isinstance(record.get("relation"), str) else "'relation' must be a string"
    if not (isinstance(spans, list) and len(spans) >= 2 and all(isinstance(span, dict) for span in spans)):
        problem = problem or "'spans' must be a list of two or more objects"
    else:
        problem = problem or _misshapen(spans, "span")
        ids = {span.get("id") for span in spans}
        bad = next(
            (
                number
                for number, span in enumerate(spans, start=1)
                if not (
                    isinstance(span.get("article_id"), str)
                    and isinstance(span.get("text"), str)
                    and 0 <= span["start"] < span["end"]
                )
            ),
            None,
        )
        if problem is None and bad is not None:
            problem = f"span {bad}: needs an article_id, a text and start < end"
        links = record.get("links", [])
        if problem is None and not (
            isinstance(links, list)
            and all(isinstance(link, dict) and link.get("head") in ids and link.get("child") in ids for link in links)
        ):
            problem = "'links' must join spans of the line"
    _checked(where, problem, [], report)
    return None  # no article text here to check the offsets against


def _misshapen(spans: list[dict], name: str) -> str | None:
    """The first span without integer offsets and a text label, named as its format calls it."""
    bad = next((index for index, span in enumerate(spans, start=1) if not _span_shape(span)), None)
    return None if bad is None else f"{name} {bad}: needs integer offsets and a string label"


def _span_shape(span: dict) -> bool:
    return type(span.get("start")) is int and type(span.get("end")) is int and isinstance(span.get("label"), str)


def _checked(where: str, problem: str | None, spans: list[dict], report: ValidationReport) -> list[dict] | None:
    """The line's spans to check further, or None once its problem is reported."""
    if problem is not None:
        report.errors.append(f"{where}: {problem}")
        return None
    return spans


_CHECKS = {
    "broadsheet": _ours,
    "prodigy": _prodigy,
    "doccano": _doccano,
    "doccano-entities": _doccano_entities,
    "clusters": _clusters,
}


def _check_spans(where: str, record: dict, spans: list[dict], nlp, report: ValidationReport) -> None:
    """Each span's offsets against the text, its text (where it gives one), and spaCy's tokens."""
    text = record["text"]
    doc = nlp.make_doc(text) if nlp is not None else None
    for index, span in enumerate(spans, start=1):
        start, end = span["start"], span["end"]
        label = f"span {index} ({span['label']} {start}-{end})"
        if not 0 <= start < end <= len(text):
            report.errors.append(f"{where}: {label} lies outside the text (length {len(text)})")
            continue
        if "text" in span and text[start:end] != span["text"]:
            report.errors.append(f"{where}: {label} says {span['text']!r} but the text there is {text[start:end]!r}")
            continue
        if doc is not None and doc.char_span(start, end, label=span["label"]) is None:
            report.warnings.append(f"{where}: {label} {text[start:end]!r} does not align to spaCy tokens")


def validate_path(path: Path) -> ValidationReport:
    """Check what export wrote, whatever the format, told by what the file holds as import
    tells it (readers.detect_format)."""
    from .readers import detect_format

    return {
        "brat": validate_brat,
        "conll": validate_conll,
        "labelstudio": validate_labelstudio,
        "spacy": validate_docbin,
        "uima": validate_uima,
        "webanno-tsv": validate_webanno_tsv,
        "jsonl": validate_jsonl,
    }[detect_format(path)](path)


_CONLL_LINE = re.compile(r"(\S+)\t(O|[BI]-\S+)")


def validate_conll(path: Path) -> ValidationReport:
    """Every line a token and an IOB2 tag, and no I- that does not continue its B- (what
    seqeval's strict mode and spaCy's converter need)."""
    report = ValidationReport(notes=[f"{path}: read as CoNLL (IOB2)"])
    try:
        with path.open(encoding="utf-8", newline="") as lines:  # a line at a time: the file may be large
            _check_conll_lines(path, lines, report)
    except (OSError, UnicodeDecodeError) as error:
        report.errors.append(f"{path}: cannot read as UTF-8 text: {error}")
    return report


def _split_lines(chunks: Iterable[str]) -> Iterator[str]:
    """The lines that str.splitlines() makes of the whole text, from its lines as a file reads them."""
    for chunk in chunks:
        yield from chunk.splitlines()


def _check_conll_lines(path: Path, lines: Iterable[str], report: ValidationReport) -> None:
    previous = "O"
    for number, line in enumerate(_split_lines(lines), start=1):
        report.lines += 1
        if not line or line == DOCUMENT_START:
            previous = "O"
            continue
        match = _CONLL_LINE.fullmatch(line)
        if match is None:
            report.errors.append(f"{path}:{number}: not a token, a tab and an IOB2 tag (O, B-LABEL or I-LABEL)")
            previous = "O"
            continue
        tag = match.group(2)
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            report.errors.append(
                f"{path}:{number}: {tag} does not continue a {tag[2:]} span (it must follow B-{tag[2:]} or {tag})"
            )
        previous = tag


def validate_brat(folder: Path) -> ValidationReport:
    """Every .ann reads (spans inside their .txt, relations between its spans), and the
    folder's annotation.conf lists every type used, as brat's verifier wants."""
    from .brat import brat_documents

    report = ValidationReport(notes=[f"{folder}: read as brat standoff"])
    labels: set[str] = set()
    relations: set[str] = set()
    for document in brat_documents(folder):
        report.lines += 1
        report.errors.extend(document.problems)
        if document.record is not None:
            labels.update(span["label"] for span in document.record["spans"])
            relations.update(relation["label"] for relation in document.record["relations"])
    conf = folder / "annotation.conf"
    if not conf.is_file():
        report.errors.append(f"{conf}: missing: brat's verifier flags every span of a type it does not list")
        return report
    listed = {
        line.split("\t")[0].strip()
        for line in conf.read_text(encoding="utf-8", errors="replace").splitlines()
        if line.strip() and not line.startswith(("[", "#"))
    }
    for kind, used in (("label", labels), ("relation", relations)):
        for name in sorted(used - listed):
            report.errors.append(f"{conf}: the {kind} {name!r} is used but not listed")
    return report


def validate_labelstudio(path: Path) -> ValidationReport:
    """Every task reads as import reads it (regions inside the text, covering the text they
    say; relations between the annotation's regions), and the labelling config beside it,
    when there is one, lists every label and relation used, as a project needs."""
    from .labelstudio import config_path, labelstudio_documents

    report = ValidationReport(notes=[f"{path}: read as Label Studio JSON"])
    used = _check_documents(labelstudio_documents(path), "region", report)
    _check_config(config_path(path), used, report)
    return report


def validate_uima(path: Path) -> ValidationReport:
    """cassis reads every CAS (a file, or a folder's .xmi files), and their named entities
    and relations read as import reads them."""
    from .uima import uima_documents

    report = ValidationReport(notes=[f"{path}: read as UIMA CAS"])
    _check_documents(uima_documents(path), "named entity", report)
    return report


def validate_webanno_tsv(path: Path) -> ValidationReport:
    """Every row reads, and the spans and relations read as import reads them."""
    from .webanno_tsv import webanno_tsv_documents

    report = ValidationReport(notes=[f"{path}: read as WebAnno TSV 3"])
    _check_documents(webanno_tsv_documents(path), "span", report)
    return report


def _check_documents(documents: Iterable[ReadDocument], name: str, report: ValidationReport) -> dict[str, set[str]]:
    """Each document's problems and spans (``name``: what its format calls one) into the
    report; the labels ("Label") and relations ("Relation") they use."""
    used: dict[str, set[str]] = {"Label": set(), "Relation": set()}
    for document in documents:
        report.lines += 1
        report.errors.extend(document.problems)
        if document.record is None:
            continue
        given = document.record.get("spans", [])
        spans = _checked(document.where, _misshapen(given, name), given, report)
        if spans is not None:
            _check_spans(document.where, document.record, spans, None, report)
            used["Label"].update(span["label"] for span in spans)
        used["Relation"].update(str(relation["label"]) for relation in document.record.get("relations", []))
    return used


def _check_config(config: Path, used: dict[str, set[str]], report: ValidationReport) -> None:
    from xml.etree import ElementTree

    if not config.is_file():
        report.notes.append(f"{config}: no labelling config beside the tasks: labels not checked against one")
        return
    try:
        root = ElementTree.fromstring(config.read_bytes())
    except (OSError, ElementTree.ParseError) as error:
        report.errors.append(f"{config}: not a labelling config: {error}")
        return
    for tag, names in used.items():
        listed = {element.get("value") for element in root.iter(tag)}
        for name in sorted(names - listed):
            report.errors.append(f"{config}: the {tag.lower()} {name!r} is used but not listed")


def validate_docbin(path: Path) -> ValidationReport:
    """spaCy reads the DocBin: every Doc, with its spans and entities."""
    from .docbin import MissingExtra, require_spacy

    report = ValidationReport(notes=[f"{path}: read as a spaCy DocBin"])
    try:
        spacy = require_spacy()
        from spacy.tokens import DocBin

        docs = list(DocBin().from_disk(path).get_docs(spacy.blank("xx").vocab))
    except MissingExtra as error:
        report.errors.append(f"{path}: {error}")
    except Exception as error:  # noqa: BLE001 - whatever spaCy raises on bytes that are no DocBin
        report.errors.append(f"{path}: not a DocBin spaCy reads ({type(error).__name__})")
    else:
        report.lines = len(docs)
    return report
