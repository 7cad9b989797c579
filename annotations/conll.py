"""Reading CoNLL: CoNLL-2003 (``-DOCSTART-`` lines between documents, the tag in the last of
four columns), two-column ``token<TAB>tag`` files and the like, tagged in IOB1, IOB2 or
BIOES (BILOU too); one reading serves them all: B-, S- and U- start a span, I-, E- and L-
continue one of their label (or start one, as IOB1 and careless IOB2 do), E-, L-, S- and U-
end it, and a sentence's end ends any.

A document becomes an article whose text is its tokens joined by single spaces, a sentence
a line, so a token's offsets are exact and follow from the file alone: a sentence starts
one past the end of the one before, and a token one past the end of the token before. Its
id is the file's name and the document's number (``train-3``). Comment lines (``# ...``)
are counted and left out; a line that is not a token and a tag is named and skipped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from .readers import CONLL_TAG, ReadDocument, ReadError, read_text, unreadable

DOCUMENT_SEPARATOR = "-DOCSTART-"
_STARTS, _ENDS = frozenset("BSU"), frozenset("ESLU")


class _Document:
    """The document being read: its sentences of tokens, the spans their tags make, and the
    span still open."""

    def __init__(self, path: Path, number: int) -> None:
        self.path, self.number = path, number
        self.sentences: list[str] = []
        self.tokens: list[str] = []
        self.length = 0  # of the text so far, the sentence being read included
        self.spans: list[dict] = []
        self.open: dict | None = None

    def add(self, token: str, tag: re.Match) -> None:
        start = self.length + (1 if self.tokens or self.sentences else 0)
        self.tokens.append(token)
        self.length = start + len(token)
        kind, label = tag.group(1), tag.group(2)
        continues = self.open is not None and self.open["label"] == label and kind not in _STARTS
        if not continues:
            self.close()
            if kind is not None:
                self.open = {"start": start, "label": label}
        if self.open is not None:
            self.open["end"] = self.length
            if kind in _ENDS:
                self.close()

    def close(self) -> None:
        if self.open is not None:
            key = f"{self.path.name}\0{self.number}\0{self.open['start']}\0{self.open['end']}\0{self.open['label']}"
            self.spans.append({**self.open, "id": hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]})
        self.open = None

    def end_sentence(self) -> None:
        self.close()
        if self.tokens:
            self.sentences.append(" ".join(self.tokens))
            self.tokens = []

    def finished(self, document: ReadDocument) -> ReadDocument | None:
        """The document as read, or None when it holds no token."""
        self.end_sentence()
        if not self.sentences:
            return None
        article_id = f"{self.path.stem}-{self.number}"
        document.record = {
            "text": "\n".join(self.sentences),
            "meta": {"id": article_id, "source": str(self.path)},
            "spans": self.spans,
        }
        document.place = article_id
        return document


def conll_documents(path: Path) -> Iterator[ReadDocument]:
    """Every document of the file (its problems go with the first), in order."""
    try:
        lines = read_text(path).splitlines()
    except ReadError as error:
        yield from unreadable(path, error)
        return
    reading, document = _Document(path, 1), ReadDocument(path)
    for number, line in enumerate(lines, start=1):
        fields = line.split("\t") if "\t" in line else line.split()
        if not fields or not line.strip():
            reading.end_sentence()
        elif fields[0] == DOCUMENT_SEPARATOR:
            done = reading.finished(document)
            if done is not None:
                yield done
                document = ReadDocument(path)
            reading = _Document(path, reading.number + (done is not None))
        elif (tag := CONLL_TAG.fullmatch(fields[-1].strip())) is not None and len(fields) >= 2 and fields[0].strip():
            reading.add(fields[0].strip(), tag)
        elif line.startswith("#"):
            document.left_out["comment line"] += 1
        else:
            document.problems.append(f"{path}:{number}: not a token and a tag (O, or B-, I-, E- or S- and a label)")
    done = reading.finished(document)
    if done is not None:
        yield done
    elif document.problems or document.left_out:
        yield document
