"""What the database holds and how it changes: the stored article, the kinds of record,
and the undoable Change and Step that the undo log holds and the files are brought to show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Annotation, ClusterName, Dismissal, Done, Link


@dataclass(frozen=True)
class StoredArticle:
    """What the database keeps of an article, enough to export it without the corpus."""

    id: str
    meta: dict
    source: str
    text_hash: str


class ReadArticle:
    """An article read in turn (Store.read_article, Store.article_once): its record and its
    annotations, and its text once asked for (a review of the spans never reads it)."""

    __slots__ = ("_read_text", "_text", "annotations", "stored")

    def __init__(self, stored: StoredArticle, annotations: list[Annotation], read_text: Callable[[], str]) -> None:
        self.stored, self.annotations = stored, annotations
        self._read_text = read_text
        self._text: str | None = None

    @property
    def id(self) -> str:
        return self.stored.id

    @property
    def text(self) -> str:
        """The text the offsets refer to, checked against its hash."""
        if self._text is None:
            self._text = self._read_text()
        return self._text


Record = Annotation | Link | ClusterName | Dismissal | Done

# How each kind of record is named in the undo log.
KINDS: dict[str, type[Record]] = {
    "span": Annotation,
    "link": Link,
    "name": ClusterName,
    "dismissal": Dismissal,
    "done": Done,
}


@dataclass(frozen=True)
class Change:
    """One undoable step: ``before`` None means a record was added, ``after`` None a delete.

    ``article_id`` is the span's article, or a link's head article ("" for a cluster name)."""

    article_id: str
    before: Record | None
    after: Record | None

    @property
    def record(self) -> Record:
        record = self.after or self.before
        assert record is not None
        return record

    @property
    def kind(self) -> str:
        return next(kind for kind, record_type in KINDS.items() if isinstance(self.record, record_type))

    def inverted(self) -> Change:
        return Change(self.article_id, self.after, self.before)

    def describe(self) -> str:
        verb = "tag" if self.before is None else "delete" if self.after is None else "change"
        record = self.record
        if isinstance(record, Link):
            verb = {"tag": "link", "delete": "unlink"}.get(verb, verb)
            return f"{verb} {record.label}"
        if isinstance(record, ClusterName):
            return f"name cluster {record.name!r}" if self.after else f"name {record.name!r}"
        if isinstance(record, Dismissal):
            return f"dismiss the proposed {record.label} row"
        if isinstance(record, Done):
            return f"mark {record.id} done" if self.after else f"mark {record.id} not done"
        return f"{verb} {record.label} {record.text!r}"


@dataclass(frozen=True)
class Step:
    """One undoable action: usually one change; several when one key changed many records
    (accept every suggestion, tag every occurrence). ``name`` says what it was then."""

    changes: tuple[Change, ...]
    name: str = ""

    def inverted(self) -> Step:
        return Step(tuple(change.inverted() for change in reversed(self.changes)), self.name)

    def describe(self) -> str:
        return self.name or self.changes[0].describe()

    def article_ids(self) -> list[str]:
        return list(dict.fromkeys(change.article_id for change in self.changes))

    def spans(self, side: str = "after") -> list[Annotation]:
        """The spans the step left (``after``), or those an undo of it brings back (``before``)."""
        return [
            getattr(change, side)
            for change in self.changes
            if change.kind == "span" and getattr(change, side) is not None
        ]
