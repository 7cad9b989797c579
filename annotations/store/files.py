"""The database's files of records: one TinyDB JSON file each, parsed once and kept in step
with each change, written atomically (see storage.py) and, for a step, held in memory until
the undo log has it (write-behind)."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Table

from ..model import Annotation, FieldCheck, Link, RecordError, shape_problem, span_order
from ..storage import AtomicJSONStorage, CorruptFileError
from .errors import StoreError
from .packs import PackedStorage, PackEntry
from .records import KINDS, Record

# The order in which the records of each kind other than spans are listed (spans: in reading order).
_ORDERS: dict[str, Callable[[Any], Any]] = {
    "link": lambda link: (link.created, link.id),
    "name": lambda name: name.id,
    "dismissal": lambda dismissal: dismissal.id,
    "done": lambda done: done.id,
}


class RecordFile:
    """A TinyDB file of one kind of record with an ``id``, indexed from id to TinyDB doc id.

    Records are parsed once and then kept, by id and in ``order``, and brought up to date
    by each change made through this object: a tag would otherwise parse every record of
    its article again, twice (46 ms a tag with 1,000 in the article, measured). Reads go
    straight to the storage's copy of the file: TinyDB's all() would copy every document
    first, which is most of the cost of reading a large database. Writes change the
    storage's copy in place too, as TinyDB's Table does but without its two copies of the
    whole table per insert (1 ms a tag with 1,000 in the article, measured); the file is
    TinyDB's all the same."""

    storage: AtomicJSONStorage

    def __init__(
        self,
        path: Path,
        read_only: bool,
        table: str,
        record_type: type[Record],
        order: Callable[[Any], Any],
        storage: type[AtomicJSONStorage] = AtomicJSONStorage,
        **storage_arguments: Any,
    ) -> None:
        # The storage alone: a file read once (an export reads every article) never needs
        # TinyDB, whose making was a fifth of reading an article (measured).
        self.storage = storage(path, read_only=read_only, **storage_arguments)
        self.table_name = table
        self.record_type = record_type
        self.order = order
        self._doc_ids: dict[str, int] | None = None
        self._next_doc_id: int | None = None
        self._by_id: dict[str, Record] | None = None
        self._in_order: list[Record] | None = None
        self.storage.read()  # parse now, so a damaged file is reported when it is opened

    @classmethod
    def of_kind(cls, kind: str, path: Path, read_only: bool) -> RecordFile:
        """The file at ``path`` of records of one kind ("span": an article's file)."""
        if kind == "span":
            return Shard(path, read_only)
        if kind == "link":
            return LinkFile(path, read_only, "links", Link, _ORDERS["link"])
        return cls(path, read_only, kind + "s", KINDS[kind], _ORDERS[kind])

    def _raw(self, table: str) -> dict:
        return (self.storage.read() or {}).get(table, {})

    @property
    def doc_ids(self) -> dict[str, int]:
        if self._doc_ids is None:
            self.by_id  # noqa: B018 - read to check each record first: one without an id is named, not a KeyError
            self._doc_ids = {record["id"]: int(doc_id) for doc_id, record in self._raw(self.table_name).items()}
        return self._doc_ids

    @property
    def by_id(self) -> dict[str, Record]:
        if self._by_id is None:
            by_id = {}
            for doc_id, document in self._raw(self.table_name).items():
                try:
                    record = self.record_type.from_record(document)
                except RecordError as problem:
                    raise self.misshapen(self.table_name, doc_id, problem) from None
                by_id[record.id] = record
            self._by_id = by_id
        return self._by_id

    def misshapen(self, table: str, doc_id: str, problem: object) -> StoreError:
        """The error for a record of the file that is not the shape its kind must have."""
        return StoreError(str(CorruptFileError(self.storage.path, f"{table} record {doc_id}: {problem}")))

    def records(self) -> list:
        """Every record, in ``order``."""
        if self._in_order is None:
            self._in_order = sorted(self.by_id.values(), key=self.order)
        return list(self._in_order)

    def _keep(self, record_id: str, record: Record | None) -> None:
        """Bring the parsed records in line with a change just made to the table
        (``record`` None: it was removed). Records not parsed yet are left for later."""
        if self._by_id is None:
            return
        old = self._by_id.pop(record_id, None)
        if record is not None:
            self._by_id[record_id] = record
        if self._in_order is not None:
            if old is not None:
                del self._in_order[bisect.bisect_left(self._in_order, self.order(old), key=self.order)]
            if record is not None:
                bisect.insort(self._in_order, record, key=self.order)

    @contextmanager
    def writing(self, hold: bool = False) -> Iterator[None]:
        """Changes inside land as one atomic write (with ``hold``, when ``write_held`` is
        called); if it fails (a full disk), the file is unchanged and the storage forgets
        its copy, so the index and the parsed records are rebuilt from the file."""
        try:
            with self.storage.one_write(hold):
                yield
        except BaseException:
            self.forget()
            raise

    def write_held(self) -> None:
        self.storage.write_held()

    def compact(self) -> None:
        """Fold the file's tail of changes into it (see storage.py), if it has one."""
        self.storage.compact()

    def forget(self) -> None:
        """Drop what is in memory, changes held too: the next read is of the file."""
        self.storage.forget()
        self._doc_ids = self._by_id = self._in_order = self._next_doc_id = None

    def _change_document(self, doc_id: int, document: dict | None) -> None:
        """Set the table's document ``doc_id`` (None: remove it) and write it."""
        with self.writing():
            tables = self.storage.read() or {}
            documents = tables.setdefault(self.table_name, {})
            if document is None:
                documents.pop(str(doc_id), None)
            else:
                # Fields the record does not know (a later version's) stay, as with TinyDB's update.
                documents[str(doc_id)] = {**documents.get(str(doc_id), {}), **document}
            self.storage.write(tables, changed=(self.table_name, str(doc_id)))

    def put(self, record: Record) -> None:
        doc_id = self.doc_ids.get(record.id)
        if doc_id is None:
            if self._next_doc_id is None:  # as TinyDB numbers them: after the highest
                self._next_doc_id = max(map(int, self._raw(self.table_name)), default=0) + 1
            doc_id = self.doc_ids[record.id] = self._next_doc_id
            self._next_doc_id += 1
        self._change_document(doc_id, record.to_record())
        self._keep(record.id, record)

    def get(self, record_id: str) -> Record | None:
        return self.by_id.get(record_id)

    def set(self, record_id: str, record: Record | None) -> None:
        """Hold ``record`` under ``record_id`` (None: no record there)."""
        if record is None:
            self.remove(record_id)
        else:
            self.put(record)

    def show(self, record_id: str, record: Record | None) -> None:
        """As set(), in the parsed records only: the file is neither changed nor written
        (a database open read-only shows so what its undo log holds beyond its files)."""
        self.records()  # parsed first: _keep changes only what is parsed
        self._keep(record_id, record)

    def remove(self, record_id: str) -> None:
        doc_id = self.doc_ids.get(record_id)
        if doc_id is not None:
            self._change_document(doc_id, None)
            del self.doc_ids[record_id]
            self._keep(record_id, None)


class LinkFile(RecordFile):
    """The links' file, with each article's links at hand: the panel lists the focused
    article's after every key, and picking them out of every link in the database made
    the key's cost grow with it (a millisecond at 10,000 links)."""

    def __init__(self, *arguments: Any, **keywords: Any) -> None:
        self._by_article: dict[str, list[Link]] | None = None
        super().__init__(*arguments, **keywords)

    def of_article(self, article_id: str) -> list[Link]:
        """The links with an end in the article, in the order of records()."""
        if self._by_article is None:
            by_article: dict[str, list[Link]] = {}
            for link in self.records():
                for end in dict.fromkeys((link.head_article, link.child_article)):
                    by_article.setdefault(end, []).append(link)
            self._by_article = by_article
        return list(self._by_article.get(article_id, ()))

    def _keep(self, record_id: str, record: Record | None) -> None:
        super()._keep(record_id, record)
        self._by_article = None  # a link changed: read from the records again when next asked

    def forget(self) -> None:
        super().forget()
        self._by_article = None


# What an article's record holds (see StoredArticle), checked as model.py checks a span's.
_ARTICLE_FIELDS: tuple[FieldCheck, ...] = (
    ("id", str, "a string", True),
    ("text_hash", str, "a string", True),
    ("source", str, "a string", False),
    ("meta", dict, "an object", False),
)


class Shard(RecordFile):
    """One article's TinyDB file: its record and its annotations. With ``packed``, the
    article's line in a pack, which the file holds until it is first written (packs.py)."""

    storage: PackedStorage

    def __init__(self, path: Path, read_only: bool, packed: PackEntry | None = None) -> None:
        self._orphans: list[Annotation] | None = None
        self._checked_record: dict | None = None  # the article record last found of the right shape
        super().__init__(path, read_only, "annotations", Annotation, span_order, PackedStorage, entry=packed)
        self.article_record()  # checked now, so a misshapen one is reported when the file is opened

    @functools.cached_property
    def article_table(self) -> Table:
        """The article's record as a TinyDB table, to write it."""
        return TinyDB(storage=lambda: self.storage).table("article")

    def article_record(self) -> dict | None:
        found = next(iter(self._raw("article").items()), None)
        if found is None:
            return None
        doc_id, record = found
        if record is not self._checked_record:  # asked three times an article read in turn
            problem = shape_problem(_ARTICLE_FIELDS, record)
            if problem is not None:
                raise self.misshapen("article", doc_id, problem)
            self._checked_record = record
        return record

    def annotations(self) -> list[Annotation]:
        """In reading order (outer spans before nested ones)."""
        return self.records()

    def orphans(self) -> list[Annotation]:
        """The annotations whose text is gone from the article's, in reading order: kept from
        one change to the next, as the panel asks after every tag (10,000 spans to look at)."""
        if self._orphans is None:
            self._orphans = [span for span in self.records() if span.orphaned]
        return list(self._orphans)

    def _keep(self, record_id: str, record: Record | None) -> None:
        old = self._by_id.get(record_id) if self._by_id is not None else None
        super()._keep(record_id, record)
        if any(isinstance(span, Annotation) and span.orphaned for span in (old, record)):
            self._orphans = None

    def forget(self) -> None:
        super().forget()
        self._orphans = None
