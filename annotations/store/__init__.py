"""The annotation database: TinyDB files that survive crashes, kills and a second process.

Layout for ``--db broadsheet.json``::

    broadsheet.json          the format record
    broadsheet.json.lock     held (flock) by the one process allowed to write
    broadsheet.json.d/
        <article>.json       one TinyDB file per article: its record and its annotations
        <article>.txt        the article's normalised text, the one all offsets refer to
        _links.json          links between spans, across articles too
        _cluster_names.json  names the analyst gave to clusters of same-as links
        _dismissed.json      proposals the analyst turned down
        _done.json           articles the analyst has finished (exported even with no span)
        history.jsonl        the undo log: a line per change, undo and redo (see _History)

Every user action rewrites the one article file it touches, atomically (see storage.py),
and appends a line to the undo log, so the cost of a tag does not grow with the database.
"""

from __future__ import annotations

import bisect
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB

from ..articles import Article
from ..model import Annotation, ClusterName, Dismissal, Done, FieldCheck, Link, RecordError, now, shape_problem, span_order
from ..storage import (
    AtomicJSONStorage,
    CorruptFileError,
    atomic_write,
    backup_path,
    dumps,
    failure,
    fsync_directory,
    loads,
)
from ..text import text_hash

if TYPE_CHECKING:
    from ..reattach import Reattachment

FORMAT_VERSION = 1
HISTORY_LIMIT = 500


class StoreError(Exception):
    """A database that cannot be used as asked; ``str()`` is the one-line message."""


class DatabaseLocked(StoreError):
    pass


class ArticleChangedError(StoreError):
    pass


@dataclass(frozen=True)
class StoredArticle:
    """What the database keeps of an article, enough to export it without the corpus."""

    id: str
    meta: dict
    source: str
    text_hash: str


Record = Annotation | Link | ClusterName | Dismissal | Done

# How each kind of record is named in the undo log.
_KINDS: dict[str, type] = {"span": Annotation, "link": Link, "name": ClusterName, "dismissal": Dismissal, "done": Done}
# The files of links, cluster names and dismissed proposals, in the .d folder (spans: one file per article).
_RECORD_FILES = {"link": "_links.json", "name": "_cluster_names.json", "dismissal": "_dismissed.json", "done": "_done.json"}
# The order in which they are listed (spans: in reading order).
_ORDERS: dict[str, Callable[[Any], Any]] = {
    "link": lambda link: (link.created, link.id), "name": lambda name: name.id, "dismissal": lambda dismissal: dismissal.id,
    "done": lambda done: done.id,
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
        return next(kind for kind, record_type in _KINDS.items() if isinstance(self.record, record_type))

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
        return [getattr(change, side) for change in self.changes
                if change.kind == "span" and getattr(change, side) is not None]


def _shard_name(article_id: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", article_id).strip("._")[:60] or "article"
    digest = hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}"


class _RecordFile:
    """A TinyDB file of one kind of record with an ``id``, indexed from id to TinyDB doc id.

    Records are parsed once and then kept, by id and in ``order``, and brought up to date
    by each change made through this object: a tag would otherwise parse every record of
    its article again, twice (46 ms a tag with 1,000 in the article, measured). Reads go
    straight to the storage's copy of the file: TinyDB's all() would copy every document
    first, which is most of the cost of reading a large database. Writes change the
    storage's copy in place too, as TinyDB's Table does but without its two copies of the
    whole table per insert (1 ms a tag with 1,000 in the article, measured); the file is
    TinyDB's all the same."""

    def __init__(self, path: Path, read_only: bool, table: str, record_type: type, order: Callable[[Any], Any]) -> None:
        self.db = TinyDB(path, storage=AtomicJSONStorage, read_only=read_only)
        self.storage: AtomicJSONStorage = self.db.storage  # type: ignore[assignment]
        self.table_name = table
        self.record_type = record_type
        self.order = order
        self._doc_ids: dict[str, int] | None = None
        self._next_doc_id: int | None = None
        self._by_id: dict[str, Record] | None = None
        self._in_order: list[Record] | None = None
        self.storage.read()  # parse now, so a damaged file is reported when it is opened

    @classmethod
    def of_kind(cls, kind: str, path: Path, read_only: bool) -> _RecordFile:
        """The file at ``path`` of records of one kind ("span": an article's file)."""
        if kind == "span":
            return _Shard(path, read_only)
        return cls(path, read_only, kind + "s", _KINDS[kind], _ORDERS[kind])

    def _raw(self, table: str) -> dict:
        return (self.storage.read() or {}).get(table, {})

    @property
    def doc_ids(self) -> dict[str, int]:
        if self._doc_ids is None:
            self.by_id  # each record checked first: one without an id is named, not a KeyError
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

    def forget(self) -> None:
        """Drop what is in memory, changes held too: the next read is of the file."""
        self.storage.forget()
        self._doc_ids = self._by_id = self._in_order = self._next_doc_id = None

    def _change_documents(self, change: Callable[[dict[str, dict]], None]) -> None:
        """Apply ``change`` to the table's documents (by TinyDB doc id) and write them."""
        with self.writing():
            tables = self.storage.read() or {}
            change(tables.setdefault(self.table_name, {}))
            self.storage.write(tables)

    def put(self, record: Record) -> None:
        def put_document(documents: dict[str, dict]) -> None:
            doc_id = self.doc_ids.get(record.id)
            if doc_id is None:
                if self._next_doc_id is None:  # as TinyDB numbers them: after the highest
                    self._next_doc_id = max(map(int, documents), default=0) + 1
                doc_id = self.doc_ids[record.id] = self._next_doc_id
                self._next_doc_id += 1
            # Fields the record does not know (a later version's) stay, as with TinyDB's update.
            documents[str(doc_id)] = {**documents.get(str(doc_id), {}), **record.to_record()}

        self._change_documents(put_document)
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
            self._change_documents(lambda documents: documents.pop(str(doc_id), None))
            del self.doc_ids[record_id]
            self._keep(record_id, None)


# What an article's record holds (see StoredArticle), checked as model.py checks a span's.
_ARTICLE_FIELDS: tuple[FieldCheck, ...] = (
    ("id", str, "a string", True), ("text_hash", str, "a string", True),
    ("source", str, "a string", False), ("meta", dict, "an object", False),
)


class _Shard(_RecordFile):
    """One article's TinyDB file: its record and its annotations."""

    def __init__(self, path: Path, read_only: bool) -> None:
        super().__init__(path, read_only, "annotations", Annotation, span_order)
        self.article_table = self.db.table("article")
        self.article_record()  # checked now, so a misshapen one is reported when the file is opened

    def article_record(self) -> dict | None:
        found = next(iter(self._raw("article").items()), None)
        if found is None:
            return None
        doc_id, record = found
        problem = shape_problem(_ARTICLE_FIELDS, record)
        if problem is not None:
            raise self.misshapen("article", doc_id, problem)
        return record

    def annotations(self) -> list[Annotation]:
        """In reading order (outer spans before nested ones)."""
        return self.records()


class Store:
    """The annotation database. Open it with ``Store.open(path)``; one writer at a time."""

    def __init__(self, path: Path, read_only: bool, lock_fd: int | None) -> None:
        self.path = path
        self.read_only = read_only
        self.shard_dir = path.with_name(path.name + ".d")
        self._lock_fd = lock_fd
        self._shards: dict[str, _Shard] = {}
        self._record_files: dict[str, _RecordFile] = {}
        self._main = TinyDB(path, storage=AtomicJSONStorage, read_only=read_only)
        self._history: _History | None = None  # the undo log, of a database open for writing
        self._log: _History | None = None  # the undo log as read, in either mode
        # Write-behind (the app): a step is durable once its line is in the undo log, and the
        # files it changes are written by flush(), which this callback schedules (after the
        # screen shows the change). None: the files are written before a step returns.
        self.write_behind: Callable[[], None] | None = None
        self._unwritten: dict[int, _RecordFile] = {}

    # -- opening and closing -------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False) -> Store:
        """Open (creating if need be) the database at ``path``.

        Raises DatabaseLocked when another process writes to it, StoreError when a file
        of it does not parse (the file is left untouched) or ``path`` names no file.
        """
        if not str(path):
            raise StoreError("the database path is empty; give a file, e.g. --db broadsheet.json")
        # Through any symlink: the lock and the .d folder belong to the real file, which a
        # second name must not open beside a writer, or split into a folder of its own.
        path = Path(path).expanduser().resolve()
        if path.is_dir():
            raise StoreError(f"{path}: is a folder; the database is a file in it, e.g. {path / 'broadsheet.json'}")
        if read_only and not path.exists():
            raise StoreError(f"{path}: no such database")
        lock_fd = None if read_only else _take_lock(path)
        try:
            store = cls(path, read_only, lock_fd)
            store._check_format()
        except CorruptFileError as error:
            _release_lock(lock_fd)
            raise StoreError(str(error)) from None
        except OSError as error:  # a full disk, a file or folder the user may not write to
            _release_lock(lock_fd)
            raise StoreError(failure(error, path)) from None
        except BaseException:
            _release_lock(lock_fd)
            raise
        return store

    def _check_format(self) -> None:
        meta = self._main.table("meta")
        records = meta.all()
        if not records:
            if self.read_only:
                raise StoreError(f"{self.path}: not a Broadsheet database (no format record)")
            self.shard_dir.mkdir(exist_ok=True)
            meta.insert({"format": FORMAT_VERSION, "created": now()})
            self._history = self._log = _History(self.shard_dir)
            self._settle_history()
            return
        version = records[0].get("format")
        if version != FORMAT_VERSION:
            raise StoreError(f"{self.path}: database format {version!r}; this Broadsheet reads format {FORMAT_VERSION}")
        if not self.read_only:
            self.shard_dir.mkdir(exist_ok=True)
            for leftover in self.shard_dir.glob(".*.tmp"):
                leftover.unlink(missing_ok=True)  # a write cut short by a crash; the real file is intact
            self._history = self._log = _History(self.shard_dir)
        else:
            self._log = _History(self.shard_dir, read_only=True)
        self._settle_history()

    def close(self) -> None:
        """Write what write-behind holds, and let go. If that write fails, the change is safe
        in the undo log, and the error says so: the next open writes it to its file."""
        try:
            self.flush()
        except OSError as error:
            assert self._history is not None  # only a writer holds changes
            raise StoreError(f"{failure(error, doing='cannot write')}; the last change is kept in the undo log "
                             f"({self._history.path}) and written to its file when the database is next opened") from None
        finally:
            if self._history is not None:
                self._history.close()
            _release_lock(self._lock_fd)
            self._lock_fd = None

    def flush(self) -> None:
        """Write the files that the last step changed in memory only (write-behind). If
        that fails they are kept, and the next call (at the latest, the next step's)
        tries again; the step itself is safe in the undo log."""
        for key in list(self._unwritten):
            self._unwritten[key].write_held()
            del self._unwritten[key]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- articles ----------------------------------------------------------------

    def _shard_path(self, article_id: str) -> Path:
        return self.shard_dir / (_shard_name(article_id) + ".json")

    def _shard(self, article_id: str) -> _Shard:
        shard = self._shards.get(article_id)
        if shard is None:
            try:
                shard = _Shard(self._shard_path(article_id), self.read_only)
            except CorruptFileError as error:
                raise self._damaged(error) from None
            self._shards[article_id] = shard
        return shard

    def article_ids(self) -> list[str]:
        """Ids of every article the database holds, sorted; their files stay loaded."""
        known = {self._shard_path(article_id): article_id for article_id in self._shards}
        for path in sorted(self.shard_dir.glob("*.json")):
            if path in known or path.name.startswith("_"):  # _links.json and the like: not articles
                continue
            try:
                shard = _Shard(path, self.read_only)
            except CorruptFileError as error:
                raise self._damaged(error) from None
            record = shard.article_record()
            if record is not None:
                self._shards[record["id"]] = shard
        return sorted(article_id for article_id, shard in self._shards.items() if shard.article_record() is not None)

    def stored_article(self, article_id: str) -> StoredArticle | None:
        record = self._shard(article_id).article_record()
        if record is None:
            return None
        return StoredArticle(record["id"], record.get("meta", {}), record.get("source", ""), record["text_hash"])

    def article_text(self, article_id: str) -> str:
        """The text the article's offsets refer to, checked against the hash stored with them."""
        path = self._shard_path(article_id).with_suffix(".txt")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise StoreError(f"{path}: cannot read the stored article text: {error}") from None
        stored = self.stored_article(article_id)
        if stored is not None and text_hash(text) != stored.text_hash:
            raise StoreError(f"{path}: the stored article text is damaged (its hash is not the one recorded "
                             f"in {path.with_suffix('.json').name}); restore it from the article's source file")
        return text

    def _register(self, shard: _Shard, article: Article) -> None:
        record = shard.article_record()
        if record is not None:
            if record["text_hash"] != article.text_hash:
                raise ArticleChangedError(
                    f"{article.source or article.id}: the text differs from the one annotated before "
                    f"(stored {record['text_hash'][:15]}, now {article.text_hash[:15]})"
                )
            return
        text_path = self._shard_path(article.id).with_suffix(".txt")
        atomic_write(text_path, article.text.encode("utf-8"), keep_backup=False)
        shard.article_table.insert(
            {"id": article.id, "meta": dict(article.meta), "source": article.source, "text_hash": article.text_hash}
        )

    # -- annotations -------------------------------------------------------------

    def _existing_shard(self, article_id: str) -> _Shard | None:
        """The article's file, or None when it was never annotated (no file is created)."""
        if article_id not in self._shards and not self._shard_path(article_id).exists():
            return None
        return self._shard(article_id)

    def annotations(self, article_id: str) -> list[Annotation]:
        """The article's annotations in reading order (outer spans before nested ones)."""
        shard = self._existing_shard(article_id)
        return [] if shard is None else shard.annotations()

    def reattach(self, article: Article) -> Reattachment | None:
        """If ``article``'s text differs from the one annotated, move its spans to the new
        text (orphaning those whose text is gone) and keep the new text. Returns what
        happened, or None when the text is unchanged or the article was never annotated.

        Undo steps of this article refer to the old text, so they are dropped."""
        self.flush()  # rewrites below must not carry a held change, nor lose it if they fail
        shard = self._shard(article.id)
        record = shard.article_record()
        if record is None or record["text_hash"] == article.text_hash:
            return None
        from ..reattach import reattach_spans  # only a changed text needs it, not every start-up

        old_text = self.article_text(article.id)
        spans, report = reattach_spans(old_text, article.text, shard.annotations())
        report.article_id = article.id
        text_path = self._shard_path(article.id).with_suffix(".txt")
        atomic_write(text_path, article.text.encode("utf-8"))  # the old text stays in .txt.bak
        with shard.writing():
            shard.article_table.update({"text_hash": article.text_hash, "meta": dict(article.meta), "source": article.source})
            for span in spans:
                shard.put(span)
        if self._history is not None:
            self._history.forget(article.id)
        return report

    def add(self, article: Article, start: int, end: int, label: str, annotator: str) -> Annotation:
        """Tag ``article.text[start:end]``; durable on return."""
        annotation = Annotation.create(article.id, article.text, start, end, label, annotator)
        self._do_step(Step((Change(article.id, None, annotation),)), {article.id: article})
        return annotation

    def add_many(self, article: Article, annotations: list[Annotation]) -> None:
        """Store many annotations of one article in a single atomic write (an import, not a
        keystroke: it leaves the undo log alone). Each must lie inside the article's text."""
        for annotation in annotations:
            if annotation.article_id != article.id or article.text[annotation.start : annotation.end] != annotation.text:
                raise ValueError(f"annotation {annotation.id} does not match the text of article {article.id!r}")
        self.flush()
        shard = self._shard(article.id)
        with shard.writing():
            self._register(shard, article)
            for annotation in annotations:
                shard.put(annotation)

    def delete(self, annotation: Annotation) -> None:
        self._do_step(Step((Change(annotation.article_id, annotation, None),)))

    def update(self, annotation: Annotation, **fields: object) -> Annotation:
        changed = annotation.changed(**fields)
        self._do_step(Step((Change(annotation.article_id, annotation, changed),)))
        return changed

    def add_spans(self, spans_by_article: list[tuple[Article, list[Annotation]]], name: str,
                  links: Iterable[Link] = ()) -> Step:
        """Add spans to one or more articles, and ``links`` (between them or older spans),
        as one undoable step called ``name``."""
        articles = {article.id: article for article, _ in spans_by_article}
        changes = [Change(span.article_id, None, span) for _, spans in spans_by_article for span in spans]
        changes += [Change(link.head_article, None, link) for link in links]
        return self._do_step(Step(tuple(changes), name), articles)

    def update_spans(self, annotations: list[Annotation], name: str, **fields: object) -> Step:
        """Change the same fields of many spans as one undoable step called ``name``."""
        return self.change_spans([(span, span.changed(**fields)) for span in annotations], name)

    def change_spans(self, changes: list[tuple[Annotation, Annotation]], name: str) -> Step:
        """Replace each span (before, after) as one undoable step called ``name``."""
        return self._do_step(Step(tuple(Change(before.article_id, before, after) for before, after in changes), name))

    def _do_step(self, step: Step, articles: dict[str, Article] | None = None) -> Step:
        """Do the step: its line goes to the undo log (durable: write-ahead), then its
        changes to the files, each file it touches once; durable on return. ``articles``:
        those of new spans, registered first. With write-behind the files are written
        later, by flush(): the log is then at most one step ahead of them, and the next
        open brings them up to it (see _settle_history). If the files cannot be written
        (and not with write-behind), the step is undone and logged as dropped."""
        assert self._history is not None, "the database is open read-only"
        if not step.changes:
            return step
        self.flush()  # the last step's files first: the log is never more than one step ahead
        for article_id, article in (articles or {}).items():
            shard = self._shard(article_id)
            with shard.writing():
                self._register(shard, article)
        number = self._history.append(step)
        for change in step.changes:
            records = self._records_of(change)
            with records.writing(hold=True):
                self._apply(change)
            self._unwritten[id(records)] = records
        if self.write_behind is not None:
            self.write_behind()
            return step
        try:
            self.flush()
        except BaseException:
            for records in self._unwritten.values():
                records.forget()
            self._unwritten.clear()
            with suppress(OSError, StoreError):  # if this fails too, the next open finishes the step
                self._apply_all(step.inverted())
                self._history.drop(number)
            raise
        return step

    def annotation(self, article_id: str, annotation_id: str) -> Annotation | None:
        shard = self._existing_shard(article_id)
        return None if shard is None else shard.get(annotation_id)  # type: ignore[return-value]

    # -- links and cluster names ----------------------------------------------------------

    def _record_file(self, kind: str) -> _RecordFile:
        """The file of links or of cluster names, opened on first use."""
        records = self._record_files.get(kind)
        if records is None:
            try:
                records = _RecordFile.of_kind(kind, self.shard_dir / _RECORD_FILES[kind], self.read_only)
            except CorruptFileError as error:
                raise self._damaged(error) from None
            self._record_files[kind] = records
        return records

    def links(self) -> list[Link]:
        """Every link, accepted and rejected, oldest first; an end may be a deleted span."""
        return self._record_file("link").records()

    def link(self, head: Annotation, child: Annotation, label: str, annotator: str, status: str = "accepted") -> Link:
        """Link two spans (``status`` "rejected" records a turned-down suggestion); durable on return."""
        link = Link.create(head, child, label, annotator, status)
        self._do_step(Step((Change(link.head_article, None, link),)))
        return link

    def live_links(self, links: Iterable[Link] | None = None) -> tuple[list[Link], dict[str, Annotation]]:
        """Accepted links (of ``links``, or all) whose two spans exist and are not orphaned,
        with those spans by id. A link to a deleted span is kept, so that undoing the delete
        brings it back."""
        spans: dict[str, Annotation | None] = {}

        def span(article_id: str, span_id: str) -> Annotation | None:
            if span_id not in spans:
                found = self.annotation(article_id, span_id)
                spans[span_id] = None if found is None or found.orphaned else found
            return spans[span_id]

        kept = [
            link for link in (self.links() if links is None else links)
            if link.status == "accepted" and span(link.head_article, link.head) and span(link.child_article, link.child)
        ]
        return kept, {span_id: found for span_id, found in spans.items() if found is not None}

    def add_links(self, links: list[Link]) -> None:
        """Store many links in one atomic write (an import: the undo log is left alone)."""
        self._put_unlogged("link", links)

    def _put_unlogged(self, kind: str, records: list[Record]) -> None:
        """Store records of one kind as given, in one atomic write, leaving the undo log alone."""
        self.flush()
        record_file = self._record_file(kind)
        with record_file.writing():
            for record in records:
                record_file.put(record)

    def delete_link(self, link: Link) -> None:
        self._do_step(Step((Change(link.head_article, link, None),)))

    def cluster_names(self) -> dict[str, ClusterName]:
        """The analyst's cluster names, by the id of the span each was given through."""
        return {name.id: name for name in self._record_file("name").records()}

    def name_cluster(self, span_id: str, name: str, annotator: str) -> ClusterName:
        before = self.cluster_names().get(span_id)
        after = ClusterName(span_id, name, annotator, now())
        self._do_step(Step((Change("", before, after),)))
        return after

    def dismiss(self, key: str, label: str, annotator: str) -> Dismissal:
        """Remember that the proposal ``key`` (Proposal.key) was turned down; undoable."""
        dismissal = Dismissal(key, label, annotator, now())
        self._do_step(Step((Change("", None, dismissal),)))
        return dismissal

    def set_done(self, article: Article | str, annotator: str, done: bool = True) -> Step | None:
        """Mark the article finished (or not), as an undoable step; None when it already was.
        An Article is registered with its text if it is new; an id must name a stored one."""
        article_id = article if isinstance(article, str) else article.id
        if isinstance(article, str) and self.stored_article(article) is None:
            raise StoreError(f"{article}: not an article of the database")
        before = self._record_file("done").get(article_id)
        if (before is not None) is done:
            return None
        after = Done(article_id, annotator, now()) if done else None
        articles = {article.id: article} if done and not isinstance(article, str) else None
        return self._do_step(Step((Change(article_id, before, after),)), articles)

    def is_done(self, article_id: str) -> bool:
        return self._record_file("done").get(article_id) is not None

    def done_articles(self) -> set[str]:
        """The ids of the articles the analyst has finished."""
        return {done.id for done in self._record_file("done").records()}

    def add_done(self, article: Article, annotator: str) -> None:
        """Mark an imported article finished, with its text, in plain writes (an import,
        not a keystroke: the undo log is left alone)."""
        if self._record_file("done").get(article.id) is None:
            self.add_many(article, [])
            self._put_unlogged("done", [Done(article.id, annotator, now())])

    def dismissed(self) -> set[str]:
        """The keys of the proposals the analyst turned down."""
        return {dismissal.id for dismissal in self._record_file("dismissal").records()}

    def add_cluster_names(self, names: list[ClusterName]) -> None:
        """Store many cluster names as they were given, in one atomic write (a merge or an
        import: the undo log is left alone, as for its spans and links)."""
        self._put_unlogged("name", names)

    def _records_of(self, change: Change) -> _RecordFile:
        return self._shard(change.article_id) if change.kind == "span" else self._record_file(change.kind)

    def _file_of(self, change: Change) -> Path:
        """The path of the file that holds ``change``'s record."""
        return self._shard_path(change.article_id) if change.kind == "span" else self.shard_dir / _RECORD_FILES[change.kind]

    # -- damaged files -------------------------------------------------------------

    def _damaged(self, error: CorruptFileError) -> StoreError:
        """The error for a file that does not parse. The .bak its message offers is one
        write behind (the file's previous version): the undo log's changes to the file
        are brought into it first, so that the copy offered holds every change the log
        holds. The damaged file itself is left as it is."""
        with suppress(OSError, StoreError, CorruptFileError):  # then the .bak as it was is the best on offer
            self._bring_backup_up_to_log(error.path)
        return StoreError(str(error))

    def _bring_backup_up_to_log(self, path: Path) -> None:
        backup = backup_path(path)
        if self._log is None or not backup.exists():
            return
        changes = self._log.last_changes(lambda change: self._file_of(change) == path)
        if not changes:
            return
        copy = _RecordFile.of_kind(changes[0].kind, backup, read_only=False)
        with copy.writing(hold=True):  # written below, with no .bak of the .bak
            for change in changes:
                copy.set(change.record.id, change.after)
        atomic_write(backup, dumps(copy.storage.read() or {}), keep_backup=False)

    # -- undo and redo -------------------------------------------------------------

    def _apply(self, change: Change) -> None:
        """Make the store show ``change.after``; doing it twice changes nothing more.
        Open read-only, it is shown from memory and no file is written."""
        records = self._records_of(change)
        (records.show if self.read_only else records.set)(change.record.id, change.after)

    def _apply_all(self, step: Step) -> None:
        """Apply each change the store does not show yet (a settled step writes nothing)."""
        for change in step.changes:
            if not self._shows(change, change.after):
                self._apply(change)

    def _shows(self, change: Change, state: Record | None) -> bool:
        return self._records_of(change).get(change.record.id) == state

    def _settle_history(self) -> None:
        """Make the files (open read-only: what is read of them) show what the undo log's
        last line says. Every step, undo and redo is logged before its files are written
        (with write-behind, they are written after the screen shows it), and the files of
        one are written before the next is logged: a crash or a kill leaves them at most
        the last line behind, never ahead.

        A last line cut short was never reported done, and was begun only once the files
        of the line before it were written: the files show that line already. They may be
        ahead of it, if the log lost more than a kill can (the cut line's step was written,
        or more): they are not moved back into a state no one saw. The steps at the end of
        the log that they do not show are forgotten instead (their undo would undo what
        is not there), so that the next open does not settle them either."""
        assert self._log is not None
        if self._log.cut_short:
            if not self.read_only:
                self._log.forget_steps_not_shown(
                    lambda step: all(self._shows(change, change.after) for change in step.changes))
        elif (state := self._log.settled_state()) is not None:
            self._apply_all(state)

    def undo(self) -> Step | None:
        """Revert the newest step not yet undone; returns it, or None when there is none."""
        return self._move_in_history(undo=True)

    def redo(self) -> Step | None:
        """Re-apply the most recently undone step; returns it, or None."""
        return self._move_in_history(undo=False)

    def _move_in_history(self, undo: bool) -> Step | None:
        """Log the undo (or redo) first, then change the files; if they cannot be changed,
        the log is put back as it was."""
        assert self._history is not None, "the database is open read-only"
        self.flush()
        history = self._history
        step = history.newest_done() if undo else history.next_undone()
        if step is None:
            return None
        (history.mark_undone if undo else history.mark_redone)()
        try:
            self._apply_all(step.inverted() if undo else step)
        except BaseException:
            with suppress(OSError, StoreError):  # if this fails too, the next open finishes what is logged
                (history.mark_redone if undo else history.mark_undone)()
                self._apply_all(step if undo else step.inverted())
            raise
        return step


class _History:
    """The undo log: one file, ``history.jsonl``, that only grows, a line at a time, each
    line fsynced before the files it speaks of are written (write-ahead, see Store._do_step)::

        {"do": 17, "name": "", "changes": [...]}    step 17, done
        {"undo": 17}  {"redo": 17}                  undone, redone
        {"drop": 17}                                step 17 could not be written: it never happened

    Replaying the lines gives the steps done and those undone; a new step ends the redo
    chain. Appending a line costs one write and one fdatasync, where a file per step cost
    a rename and two fsyncs; it is all a tag waits for before it shows in the app.
    A crash cuts at most the last line short, which the next open drops. The file is
    rewritten whole, atomically, when it holds over twice HISTORY_LIMIT lines, or when an
    article's steps are forgotten. Logs of earlier versions (a folder ``history/`` of one
    file per step) are read into it when the database is opened.
    """

    def __init__(self, directory: Path, read_only: bool = False) -> None:
        """``read_only``: read the log as it is (a reader beside a writer, or after a crash):
        no line is cut, no earlier log read in, nothing opened for writing."""
        self.path = directory / "history.jsonl"
        self.done: list[int] = []
        self.undone: list[int] = []  # the next to redo first
        self._lines: dict[int, bytes] = {}  # the "do" line of each step done or undone
        self._last = 0  # the highest step number in the file
        self._count = 0  # lines in the file
        self._size = 0  # its length in bytes
        self._fd: int | None = None
        # The log's last line, what the files must show once a crash is settled: ("do", 17).
        self.last_entry: tuple[str, int] | None = None
        self.cut_short = False  # the file ends in a line cut short, which a writable open drops
        if read_only:
            self._replay(self._read())
            return
        earlier = directory / "history"
        if self.path.exists():
            self._replay(self.path.read_bytes())
            self._fd = self._open()
        elif earlier.is_dir():
            self._adopt(earlier)
            self._rewrite()
        else:
            self._fd = self._open()
            fsync_directory(directory)  # the new file's name is durable
        if earlier.is_dir():  # read into the log (or left by a crash after that)
            shutil.rmtree(earlier)

    def _open(self) -> int:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as error:
            raise StoreError(f"{self.path}: cannot open the undo log to add to it: {error.strerror}") from None
        if os.fstat(fd).st_size > self._size:
            os.ftruncate(fd, self._size)  # a line cut short by a crash: the step was never reported done
            os.fsync(fd)
        return fd

    def _read(self) -> bytes:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return b""
        except OSError as error:
            raise StoreError(f"{self.path}: cannot read the undo log: {error.strerror}") from None

    def _replay(self, data: bytes) -> None:
        lines = data.split(b"\n")
        self.cut_short = lines.pop() != b""  # what follows the last newline: nothing, or a line cut short
        for number, line in enumerate(lines, start=1):
            match = _LOG_LINE.match(line)
            if match is None:
                raise StoreError(f"{self.path}: line {number} is not an undo log entry; the file holds only the "
                                 "undo history: move it aside to start a new one")
            kind, step = match.group(1), int(match.group(2))
            self.last_entry = (kind.decode(), step)
            if kind == b"do":
                self._add_done(step, line)
            elif not self._names_the_step_due(kind, step):
                raise StoreError(f"{self.path}: line {number} {kind.decode()}es step {step}, which is not the one "
                                 "it should be; the file holds only the undo history: move it aside to start a new one")
            elif kind == b"undo":
                self.undone.insert(0, self.done.pop())
            elif kind == b"redo":
                self.done.append(self.undone.pop(0))
            else:  # its line is kept while it is the last: settling may have to undo its changes
                self.done.pop()
        self._trim()
        self._count, self._size = len(lines), sum(len(line) + 1 for line in lines)

    def _names_the_step_due(self, kind: bytes, step: int) -> bool:
        """Whether an undo, redo or drop line names the one step it can: the newest done,
        or for a redo the next undone."""
        return (self.undone[:1] if kind == b"redo" else self.done[-1:]) == [step]

    def _adopt(self, folder: Path) -> None:
        """Read a log of an earlier version: ``N.json`` per step done, ``N.undone.json`` undone."""
        found = [(path.name.removesuffix(".json").partition("."), path) for path in folder.glob("*.json")]
        for (number, _, state), path in sorted((entry for entry in found if entry[0][0].isdigit()), key=lambda entry: int(entry[0][0])):
            try:
                data = loads(path, path.read_bytes())
                records = data["change"]
                step = Step(tuple(_change_from_record(records[key]) for key in sorted(records, key=int)),
                            data.get("step", {}).get("1", {}).get("name", ""))
            except (OSError, KeyError, ValueError, AttributeError, CorruptFileError):
                continue  # a step that cannot be read cannot be undone: the changes themselves are kept
            self._lines[int(number)] = _step_line(int(number), step)
            (self.undone if state == "undone" else self.done).append(int(number))
        if self.done and self.undone and self.undone[0] < self.done[-1]:
            self._end_redo_chain()  # a crash after a new change, before its redo chain was dropped
        self._last = max(self.done[-1:] + self.undone[-1:] + [0])
        self._trim()

    def _add_done(self, number: int, line: bytes) -> None:
        """Step ``number`` (its log line ``line``) is the newest done: the redo chain ends."""
        self._end_redo_chain()
        self.done.append(number)
        self._lines[number] = line
        self._last = max(self._last, number)

    def _end_redo_chain(self) -> None:
        for dropped in self.undone:
            del self._lines[dropped]
        self.undone = []

    def _trim(self) -> None:
        while len(self.done) > HISTORY_LIMIT:
            del self._lines[self.done.pop(0)]

    def _rewrite(self) -> None:
        """Write the log afresh with only the steps it holds: each done, then the undone
        ones done and undone again, newest first, so that replaying it gives them back."""
        steps = self.done + self.undone
        content = b"".join(self._lines[step] + b"\n" for step in steps)
        content += b"".join(_mark_line("undo", step) + b"\n" for step in reversed(self.undone))
        atomic_write(self.path, content, keep_backup=False)
        self.last_entry = self._newest_entry()
        if self._fd is not None:
            os.close(self._fd)
        self._count, self._size = len(steps) + len(self.undone), len(content)
        self._fd = self._open()

    def _newest_entry(self) -> tuple[str, int] | None:
        """The last line of the log as _rewrite() writes it."""
        return ("undo", self.undone[0]) if self.undone else ("do", self.done[-1]) if self.done else None

    def settled_state(self) -> Step | None:
        """The last line's step as the files must show it (undone or dropped: inverted)."""
        return None if self.last_entry is None else self._state_after(*self.last_entry)

    def _state_after(self, kind: str, number: int) -> Step:
        """Step ``number`` as the files show it after a line ``kind`` of it (undo, drop: inverted)."""
        step = self.step(number)
        return step if kind in ("do", "redo") else step.inverted()

    def forget_steps_not_shown(self, shown: Callable[[Step], bool]) -> None:
        """Forget the steps of the last lines, newest first, until the files show the last
        line's (``shown``), and write the log without them."""
        forgotten = False
        while self.last_entry is not None and not shown(self._state_after(*self.last_entry)):
            number = self.last_entry[1]
            for numbers in (self.done, self.undone):
                if number in numbers:
                    numbers.remove(number)
            self._lines.pop(number, None)
            self.last_entry = self._newest_entry()
            forgotten = True
        if forgotten:
            self._rewrite()

    def last_changes(self, wanted: Callable[[Change], bool]) -> list[Change]:
        """The newest change the log holds of each record that ``wanted`` changes: its
        ``after`` is the record as the log leaves it (a step undone counts inverted)."""
        steps = [self.step(number) for number in self.done]
        steps += [self.step(number).inverted() for number in reversed(self.undone)]  # newest first, as undone
        newest = {change.record.id: change for step in steps for change in step.changes if wanted(change)}
        return list(newest.values())

    def _append(self, line: bytes) -> None:
        """Add a line, durably; if that fails, the file is cut back to where it was."""
        data = line + b"\n"
        try:
            written = 0
            while written < len(data):
                written += os.write(self._fd, data[written:])
            os.fdatasync(self._fd)
        except BaseException as error:
            with suppress(OSError):
                os.ftruncate(self._fd, self._size)
            if isinstance(error, OSError):  # named: os.write names no file
                raise OSError(error.errno, error.strerror, str(self.path)) from None
            raise
        self._count += 1
        self._size += len(data)

    def append(self, step: Step) -> int:
        """Log ``step`` as the newest done step (the redo chain ends), durably; its number."""
        number = self._last + 1
        line = _step_line(number, step)
        self._append(line)
        self._add_done(number, line)
        self.last_entry = ("do", number)
        self._trim()
        if self._count > 2 * HISTORY_LIMIT:
            self._rewrite()
        return number

    def drop(self, number: int) -> None:
        """The newest step could not be written: log that it never happened."""
        self._append(_mark_line("drop", number))
        self.last_entry = ("drop", number)
        self.done.remove(number)

    def forget(self, article_id: str) -> None:
        """Drop the undo steps that change one article's spans (its text changed under them).

        Links keep their steps: they name spans by id, and ids survive re-attachment."""
        for numbers in (self.done, self.undone):
            for number in list(numbers):
                step = self.step(number)
                if any(change.article_id == article_id and change.kind == "span" for change in step.changes):
                    numbers.remove(number)
                    del self._lines[number]
        self._rewrite()

    def step(self, number: int) -> Step:
        try:
            data = json.loads(self._lines[number])
            changes = tuple(_change_from_record(record) for record in data["changes"])
            name = data.get("name", "")
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            raise StoreError(f"{self.path}: cannot read undo step {number}: {error}") from None
        if not changes:
            raise StoreError(f"{self.path}: cannot read undo step {number}: it holds no change")
        return Step(changes, name)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def newest_done(self) -> Step | None:
        return self.step(self.done[-1]) if self.done else None

    def next_undone(self) -> Step | None:
        return self.step(self.undone[0]) if self.undone else None

    def mark_undone(self) -> None:
        self._append(_mark_line("undo", self.done[-1]))
        self.last_entry = ("undo", self.done[-1])
        self.undone.insert(0, self.done.pop())

    def mark_redone(self) -> None:
        self._append(_mark_line("redo", self.undone[0]))
        self.last_entry = ("redo", self.undone[0])
        self.done.append(self.undone.pop(0))


# The start of a log line: what it does, and to which step.
_LOG_LINE = re.compile(rb'\{"(do|undo|redo|drop)": (\d+)[,}]')


def _step_line(number: int, step: Step) -> bytes:
    record = {"do": number, "name": step.name, "changes": [_change_record(change) for change in step.changes]}
    return json.dumps(record, ensure_ascii=False, separators=(", ", ": ")).encode("utf-8")


def _mark_line(kind: str, number: int) -> bytes:
    return json.dumps({kind: number}).encode("ascii")


def _change_record(change: Change) -> dict:
    return {
        "kind": change.kind,
        "article_id": change.article_id,
        "before": change.before.to_record() if change.before else None,
        "after": change.after.to_record() if change.after else None,
    }


def _change_from_record(record: dict) -> Change:
    record_type = _KINDS[record.get("kind", "span")]  # logs written before links were spans only
    before, after = record["before"], record["after"]
    return Change(
        record["article_id"],
        record_type.from_record(before) if before else None,
        record_type.from_record(after) if after else None,
    )


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _take_lock(path: Path) -> int:
    """Hold an flock on ``<db>.lock``; the kernel drops it when the process dies, so no lock goes stale."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(_lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise StoreError(f"{path}: cannot create the database here: {error.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        holder = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
        os.close(fd)
        if error.errno in (errno.EWOULDBLOCK, errno.EACCES):
            raise DatabaseLocked(
                f"{path}: already open for writing in another Broadsheet (pid {holder}); "
                "close it first, or use --db to pick another database"
            ) from None
        raise
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())  # who holds it, for the message a second writer gets
    except OSError as error:
        _release_lock(fd)
        raise StoreError(f"{_lock_path(path)}: cannot write: {error.strerror}") from None
    return fd


def database_parts(path: Path) -> list[Path]:
    """The file, lock and folder that a database at ``path`` is made of."""
    return [path, _lock_path(path), path.with_name(path.name + ".d")]


def _release_lock(fd: int | None) -> None:
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
