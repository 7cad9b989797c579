"""What is stored, exported and undone: spans, the links between them, and cluster names."""

from __future__ import annotations

import datetime
import functools
import getpass
import os
import reprlib
from collections.abc import Iterable
from dataclasses import MISSING, dataclass, fields, replace
from typing import Any, TypeVar

# "suggested": proposed by a pattern, a built-in suggester or a model, not yet decided on.
STATUSES = ("suggested", "pending", "accepted", "rejected")


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


def default_annotator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers) and no USER variable
        return "annotator"


NAME_SEPARATOR = ", "  # between the annotators named on a span they tagged alike (merging)


def joined_names(names: list[str]) -> str:
    return NAME_SEPARATOR.join(sorted(set(names)))


def annotator_names(annotator: str) -> list[str]:
    """The annotators a span is named after (several when they tagged it alike)."""
    return [name for name in annotator.split(NAME_SEPARATOR) if name]


def new_id() -> str:
    """Sixteen random hex digits (64 bits; uuid4's first sixteen held 60, at three times the cost)."""
    return os.urandom(8).hex()


def known_fields(cls: type, record: dict) -> dict:
    """The fields of ``record`` that the dataclass ``cls`` has (a newer version may write more)."""
    return {field.name: record[field.name] for field in fields(cls) if field.name in record}


class RecordError(ValueError):
    """A stored record that lacks a field its kind needs, or holds one of the wrong type;
    ``str()`` says which field and what is wrong with it."""


# The types of the stored fields (as the dataclasses spell them) and how a message names them.
_FIELD_TYPES = {"str": (str, "a string"), "int": (int, "an integer"), "bool": (bool, "true or false")}

# A field a record may hold: its name, type, the type's name in a message, and whether a record must have it.
FieldCheck = tuple[str, type, str, bool]


@functools.cache
def _field_checks(cls: type) -> tuple[FieldCheck, ...]:
    return tuple(
        (field.name, *_FIELD_TYPES[str(field.type)], field.default is MISSING and field.default_factory is MISSING)
        for field in fields(cls)
    )


@functools.cache
def _usual_shape(cls: type) -> tuple[tuple[str, ...], tuple[type, ...]]:
    """The names of the record type's fields, and their types."""
    checks = _field_checks(cls)
    return tuple(name for name, _, _, _ in checks), tuple(kind for _, kind, _, _ in checks)


def shape_problem(checks: Iterable[FieldCheck], record: dict) -> str | None:
    """What keeps ``record`` from passing ``checks``, or None. Types are exact: a true is
    not an offset, nor "4" a start (either would fail far from the file it came from)."""
    for name, kind, kind_name, required in checks:
        if name not in record:
            if required:
                return f"no {name!r}"
        elif type(record[name]) is not kind:
            return f"{name!r} is {reprlib.repr(record[name])}, not {kind_name}"
    return None


_StoredT = TypeVar("_StoredT", bound="_Stored")


class _Stored:
    """A record kept in the database as one document: its fields."""

    def to_record(self) -> dict:
        # Every field holds a plain value, so a copy of the instance's fields is what
        # asdict() gives, without its deep copy of each (twice per tag, once per imported span).
        return dict(vars(self))

    @classmethod
    def from_record(cls: type[_StoredT], record: dict) -> _StoredT:
        """The record read back; RecordError if it lacks a field or holds one of the wrong type.
        Fields this version does not know (a later version's) are left out."""
        record_type: type = cls  # a class is hashable, which mypy does not see through the TypeVar
        names, kinds = _usual_shape(record_type)
        if len(record) == len(names) and tuple(map(type, map(record.get, names))) == kinds:
            # Every field, each of its type, and no other: as the dataclass would build it,
            # without its checks and frozen setattr per field (most of reading a database).
            stored = object.__new__(cls)
            stored.__dict__.update(record)
            return stored
        problem = shape_problem(_field_checks(record_type), record)
        if problem is not None:
            raise RecordError(problem)
        try:
            return cls(**record)
        except TypeError:  # a record with fields this version does not know
            return cls(**known_fields(cls, record))


@dataclass(frozen=True)
class Annotation(_Stored):
    """A labelled span of one article: ``start``/``end`` are character offsets, end exclusive."""

    id: str
    article_id: str
    start: int
    end: int
    label: str
    text: str
    annotator: str
    created: str
    updated: str
    status: str = "pending"
    reviewer: str = ""
    reviewed: str = ""
    orphaned: bool = False  # its article's text changed and its text is no longer there
    source: str = ""  # what suggested it ("" when the annotator tagged it): a pattern file, a suggester, a model
    note: str = ""  # the analyst's free-text comment on the tag (shown in review, exported)

    @classmethod
    def create(
        cls,
        article_id: str,
        text: str,
        start: int,
        end: int,
        label: str,
        annotator: str,
        status: str = "pending",
        source: str = "",
    ) -> Annotation:
        if not 0 <= start < end <= len(text):
            raise ValueError(f"span {start}-{end} is outside the article (length {len(text)})")
        stamp = now()
        return cls(
            new_id(), article_id, start, end, label, text[start:end], annotator, stamp, stamp, status, source=source
        )

    @property
    def dismissed(self) -> bool:
        """A suggestion the analyst turned down: kept, so it is not suggested again, but
        neither shown nor exported."""
        return bool(self.source) and self.status == "rejected"

    @property
    def settled(self) -> bool:
        """Tagged by the analyst, or a suggestion they accepted: what export counts."""
        return self.status != "suggested" and not self.dismissed

    @property
    def standing(self) -> bool:
        """Settled, not rejected, its text still there: what agreement, links and the
        comparison count (a rejected tag is in no row and links to nothing)."""
        # One test, not three properties (agree reads it of every span): a dismissed suggestion is a rejected one.
        return self.status not in ("suggested", "rejected") and not self.orphaned

    def changed(self, **fields: Any) -> Annotation:
        return replace(self, updated=now(), **fields)

    def contains(self, offset: int) -> bool:
        return self.start <= offset < self.end


@dataclass(frozen=True)
class Link(_Stored):
    """A typed relation from one span (``head``) to another (``child``), in one article or across two.

    A link the analyst turned down when it was suggested is kept with status "rejected",
    so it is not suggested again; it takes no part in clusters or export."""

    id: str
    head: str
    head_article: str
    child: str
    child_article: str
    label: str
    annotator: str
    created: str
    status: str = "accepted"

    @classmethod
    def create(cls, head: Annotation, child: Annotation, label: str, annotator: str, status: str = "accepted") -> Link:
        if head.id == child.id:
            raise ValueError("a span cannot be linked to itself")
        return cls(new_id(), head.id, head.article_id, child.id, child.article_id, label, annotator, now(), status)

    def ends(self) -> tuple[str, str]:
        return (self.head, self.child)


@dataclass(frozen=True)
class ClusterName(_Stored):
    """The analyst's name for the cluster that the span ``id`` belongs to."""

    id: str
    name: str
    annotator: str
    updated: str


@dataclass(frozen=True)
class Dismissal(_Stored):
    """A proposal the analyst turned down (annotations.proposals: ``id`` is its key, made
    from its members' places), kept so that it is not proposed again."""

    id: str
    label: str
    annotator: str
    created: str


@dataclass(frozen=True)
class Done(_Stored):
    """An article (``id``) the analyst has finished: exported even with no span, so that a
    model trained on the export also sees texts with nothing in them (negatives)."""

    id: str
    annotator: str
    updated: str


def span_order(annotation: Annotation) -> tuple:
    """Reading order: by start, outer spans before the spans nested in them."""
    return (annotation.start, -annotation.end, annotation.label, annotation.id)
