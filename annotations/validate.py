"""Check a JSONL export: the shipped JSON Schema, then offsets against the text, then
(when spaCy is installed) that each span lines up with spaCy's tokens."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

SCHEMA_FILE = "export.schema.json"


def export_schema() -> dict:
    return json.loads(resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


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
        handle = path.open(encoding="utf-8")
    except OSError as error:
        report.errors.append(f"{path}: cannot read: {error.strerror}")
        return report
    with handle:
        try:
            for number, raw in enumerate(handle, start=1):
                if raw.strip():
                    report.lines += 1
                    _check_line(f"{path}:{number}", raw, validator, nlp, report)
        except UnicodeDecodeError as error:
            report.errors.append(f"{path}: not UTF-8 (byte {error.start} of a line)")
    return report


def _check_line(where: str, raw: str, validator, nlp, report: ValidationReport) -> None:
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as error:
        report.errors.append(f"{where}: not valid JSON ({error.msg} at column {error.colno})")
        return
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
