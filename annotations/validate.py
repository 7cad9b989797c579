"""Check a JSONL export: the shipped JSON Schema, then offsets against the text, then
(when spaCy is installed) that each span lines up with spaCy's tokens."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .jsonl import JsonlFileError, jsonl_lines

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


def validate_jsonl(path: Path) -> ValidationReport:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(export_schema())
    nlp = _blank_spacy()
    report = ValidationReport()
    if nlp is None:
        report.notes.append("spaCy is not installed: token alignment was not checked (pip install spacy)")
    try:
        for line in jsonl_lines(path):
            report.lines += 1
            where = f"{path}:{line.number}"
            if line.problem is not None:
                report.errors.append(f"{where}: {line.problem}")
            else:
                _check_record(where, line.record, validator, nlp, report)
    except JsonlFileError as error:
        report.errors.append(str(error))
    return report


def _check_record(where: str, record: dict, validator, nlp, report: ValidationReport) -> None:
    schema_errors = sorted(validator.iter_errors(record), key=lambda error: list(error.absolute_path))
    for error in schema_errors:
        location = "/".join(str(part) for part in error.absolute_path) or "(line)"
        report.errors.append(f"{where}: {location}: {error.message}")
    if schema_errors:
        return
    text = record["text"]
    doc = nlp.make_doc(text) if nlp is not None else None
    for index, span in enumerate(record["spans"], start=1):
        start, end = span["start"], span["end"]
        label = f"span {index} ({span['label']} {start}-{end})"
        if not 0 <= start < end <= len(text):
            report.errors.append(f"{where}: {label} lies outside the text (length {len(text)})")
            continue
        if text[start:end] != span["text"]:
            report.errors.append(f"{where}: {label} says {span['text']!r} but the text there is {text[start:end]!r}")
            continue
        if doc is not None and doc.char_span(start, end, label=span["label"]) is None:
            report.warnings.append(f"{where}: {label} {span['text']!r} does not align to spaCy tokens")
    span_ids = {span.get("id") for span in record["spans"]}
    for index, relation in enumerate(record.get("relations", []), start=1):
        for end in ("head", "child"):
            if relation[end] not in span_ids:
                report.errors.append(f"{where}: relation {index} ({relation['label']}): {end} {relation[end]!r} is not the id of a span of this line")
