"""Reading brat standoff: a folder of ``NAME.txt`` and ``NAME.ann`` files, each pair an
article. ``T`` lines are spans (fragments across a paragraph break make one span, as
export writes them), ``R`` lines relations between them, ``#`` AnnotatorNotes the spans' notes; other notes,
attributes, events, normalisations and equivalences have nowhere to go yet, and are counted so the
import can say what it left out. Each document becomes a record in the shape the JSONL
import reads, so one path stores every format."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

from .readers import ReadDocument
from .text import DecodeError, decode

_TEXTBOUND = re.compile(r"(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t?(.*)")
_RELATION = re.compile(r"(R\d+)\t(\S+) Arg1:(T\d+) Arg2:(T\d+)\s*")
_NOTE = re.compile(r"#\d+\tAnnotatorNotes (T\d+)\t(.*)")
_LEFT_OUT = {"#": "note", "A": "attribute", "M": "attribute", "E": "event", "N": "normalisation", "*": "equivalence"}


def _span_id(stem: str, number: str) -> str:
    """The same span of the same file has the same id: importing it again adds nothing."""
    return hashlib.sha1(f"{stem}\0{number}".encode()).hexdigest()[:16]


def read_document(ann: Path) -> ReadDocument:
    document = ReadDocument(ann)
    text_path = ann.with_suffix(".txt")
    try:
        text = decode(text_path.read_bytes())
        lines = decode(ann.read_bytes()).splitlines() if ann.stat().st_size else []
    except (OSError, DecodeError) as error:
        document.problems.append(f"{ann}: {getattr(error, 'strerror', None) or error}")
        return document
    spans, relations, notes = [], [], {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        textbound, relation, note = _TEXTBOUND.fullmatch(line), _RELATION.fullmatch(line), _NOTE.fullmatch(line)
        if textbound:
            span = _span(ann.stem, textbound, text, f"{ann}:{number}", document)
            if span is not None:
                spans.append(span)
        elif relation:
            relations.append(
                {
                    "head": _span_id(ann.stem, relation.group(3)),
                    "child": _span_id(ann.stem, relation.group(4)),
                    "label": relation.group(2),
                    "id": _span_id(ann.stem, relation.group(1)),
                }
            )
        elif note:
            notes[_span_id(ann.stem, note.group(1))] = note.group(2)
        elif line[:1] in _LEFT_OUT:
            document.left_out[_LEFT_OUT[line[:1]]] += 1
        else:
            document.problems.append(f"{ann}:{number}: not a brat annotation line")
    known = {span["id"] for span in spans}
    for span in spans:
        if span["id"] in notes:
            span["note"] = notes[span["id"]]
    document.record = {
        "text": text,
        "meta": {"id": ann.stem, "source": str(text_path)},
        "spans": spans,
        "relations": [relation for relation in relations if {relation["head"], relation["child"]} <= known],
    }
    return document


def _span(stem: str, match: re.Match, text: str, where: str, document: ReadDocument) -> dict | None:
    fragments = [tuple(map(int, pair.split())) for pair in match.group(3).split(";")]
    start, end = fragments[0][0], fragments[-1][1]
    if not 0 <= start < end <= len(text):
        document.problems.append(f"{where}: offsets {start}-{end} lie outside {document.path.with_suffix('.txt').name}")
        return None
    gaps = [text[one[1] : other[0]] for one, other in pairwise(fragments)]
    if any(gap.strip() for gap in gaps):
        document.problems.append(
            f"{where}: {match.group(1)}'s fragments have text between them; a span is one stretch of text"
        )
        return None
    return {"start": start, "end": end, "label": match.group(2), "id": _span_id(stem, match.group(1))}


def brat_documents(folder: Path) -> Iterator[ReadDocument]:
    """Every .ann of the folder (recursively) with its .txt, by path; a folder with none
    (of articles, say) is one problem that says what to do with it."""
    if not folder.is_dir():
        yield ReadDocument(
            folder, problems=[f"{folder}: not a folder; brat standoff is a folder of .txt and .ann files"]
        )
        return
    anns = sorted(folder.rglob("*.ann"))
    if not anns:
        yield ReadDocument(
            folder,
            problems=[
                f"{folder}: no brat (.ann) or UIMA (.xmi) file in it; to annotate a "
                f"folder of articles, open it: broadsheet {folder}"
            ],
        )
    for ann in anns:
        yield read_document(ann)
