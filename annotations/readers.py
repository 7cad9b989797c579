"""Which format a file (or folder) given to import or validate is in, and the documents its
reader makes of it: each one a record in the shape the JSONL import reads (annotations/
importing.py), so one path stores every format, with the problems and what the format holds
that Broadsheet cannot keep.

Detection looks at the file itself, never only at its name: a folder is brat standoff (or
UIMA XMI when it holds .xmi files and no .ann), an XMI document or a JSON object of
``%TYPES``/``%FEATURE_STRUCTURES`` is a UIMA CAS, ``#FORMAT=WebAnno TSV 3`` WebAnno's TSV,
zlib's header a spaCy DocBin, CoNLL-2003's
``-DOCSTART-`` or a line of a token and a tag CoNLL, a JSON array Label Studio's export,
anything else JSONL.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .text import DecodeError, decode

# What each format is called where import says which it read.
FORMAT_NAMES = {
    "jsonl": "JSONL",
    "brat": "brat standoff",
    "labelstudio": "Label Studio JSON",
    "conll": "CoNLL",
    "uima": "UIMA CAS",
    "webanno-tsv": "WebAnno TSV 3",
}
READ_FORMATS = tuple(FORMAT_NAMES)
# Formats export writes as JSON lines, which the JSONL reader reads line by line (telling
# them apart itself): --from accepts their names too.
JSONL_FORMATS = ("prodigy", "doccano", "doccano-re")
FORMAT_NAMES["spacy"] = "a spaCy DocBin"  # export writes it; validate reads it, import not (yet)
_ZLIB_HEADERS = (b"x\x01", b"x\x5e", b"x\x9c", b"x\xda")  # a DocBin is compressed with zlib


@dataclass
class ReadDocument:
    """One document of a file or folder as an import record, with what could not come along.
    ``place`` says where in ``path`` it is (a task's number), for messages; ``suggested``:
    its spans are a model's predictions, to come in as suggestions."""

    path: Path
    record: dict | None = None
    problems: list[str] = field(default_factory=list)
    left_out: Counter[str] = field(default_factory=Counter)
    place: str = ""
    suggested: bool = False

    @property
    def where(self) -> str:
        return f"{self.path}: {self.place}" if self.place else str(self.path)


class ReadError(ValueError):
    """A file that cannot be read at all; ``str()`` is the one-line message."""


def read_text(path: Path) -> str:
    """The file's text (UTF-8, or UTF-16 with a BOM), without a BOM; a ReadError names why not."""
    try:
        return decode(path.read_bytes()).removeprefix("\ufeff")
    except OSError as error:
        raise ReadError(f"{path}: cannot read: {error.strerror}") from None
    except DecodeError as error:
        raise ReadError(f"{path}: {error}") from None


def read_json(path: Path) -> object:
    """The file as one JSON value; a ReadError names why it is not one."""
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as error:
        raise ReadError(f"{path}: not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})") from None
    except RecursionError:
        raise ReadError(f"{path}: not usable JSON (nested too deeply)") from None
    except ValueError as error:  # a number of over 4,300 digits
        raise ReadError(f"{path}: not usable JSON ({str(error).partition(':')[0]})") from None


CONLL_TAG = re.compile(r"O|([BIESLU])-(\S+)")  # a CoNLL tag in IOB1, IOB2, BIOES or BILOU


def _head(path: Path) -> tuple[bytes, bytes]:
    """The file's first 4 KB, and its first line there that is neither blank nor a comment."""
    with open(path, "rb") as handle:
        head = handle.read(4096).removeprefix(b"\xef\xbb\xbf")
    return head, next((line.strip() for line in head.splitlines() if line.strip() and not line.startswith(b"#")), b"")


def detect_format(path: Path) -> str:
    """The format ``path`` is in, by what it holds (see the module's docstring); a file that
    cannot be opened is read as JSONL, whose reader names the problem."""
    if path.is_dir():
        return "uima" if next(path.rglob("*.xmi"), None) and not next(path.rglob("*.ann"), None) else "brat"
    try:
        head, first = _head(path)
    except OSError:
        return "jsonl"
    fields = first.decode("utf-8", "replace").split()
    if head.startswith(b"#FORMAT=WebAnno TSV 3"):
        return "webanno-tsv"
    if first.startswith(_ZLIB_HEADERS):
        return "spacy"
    if (first.startswith(b"<") and b"xmi:XMI" in head) or (
        first.startswith(b"{") and (b'"%TYPES"' in head or b'"%FEATURE_STRUCTURES"' in head)
    ):
        return "uima"
    if first.startswith(b"-DOCSTART-") or (len(fields) >= 2 and CONLL_TAG.fullmatch(fields[-1])):
        return "conll"  # before the JSON array: a first token may be "["
    return "labelstudio" if first.startswith(b"[") else "jsonl"


def read_documents(path: Path, fmt: str) -> Iterator[ReadDocument]:
    """The documents of ``path`` read as ``fmt`` (any of READ_FORMATS but jsonl, which is read line by line)."""
    if fmt == "brat":
        from .brat import brat_documents

        return brat_documents(path)
    if fmt not in READ_FORMATS:
        return unreadable(path, ReadError(f"{path}: {FORMAT_NAMES[fmt]}, which import does not read"))
    if fmt == "labelstudio":
        from .labelstudio import labelstudio_documents

        return labelstudio_documents(path)
    if fmt == "uima":
        from .uima import uima_documents

        return uima_documents(path)
    if fmt == "webanno-tsv":
        from .webanno_tsv import webanno_tsv_documents

        return webanno_tsv_documents(path)
    from .conll import conll_documents

    return conll_documents(path)


def unreadable(path: Path, error: ReadError) -> Iterator[ReadDocument]:
    """A file that cannot be read at all, as one document with its problem."""
    yield ReadDocument(path, problems=[str(error)])
