"""An import's writes, in bulk: the articles it brings are gathered in memory and appended
to a pack of the import's own (packs.py), a batch at a time, with one sync for the batch,
not two files made an article; the links, cluster names and finished marks it adds are
written once a batch too.

A kill or a crash at any instant leaves every article whole or absent and every file old
or new; the batch being gathered is lost, and running the import again brings it (a span
already stored is not added twice).
An article already in the database (an import run again) is written as Store.import_spans
writes it: it is read afresh to find what the line adds, and only written if it adds something.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..articles import Article
from ..model import Annotation, ClusterName, Done, Link, now
from .errors import ReadOnlyError
from .files import RecordFile, Shard
from .folder import Folder, article_key, article_record, check_same_text, check_spans_fit
from .packs import PackWriter, pack_line

if TYPE_CHECKING:
    from . import Store

# A batch is written once it holds this many new articles or this many bytes of their text:
# 400 syncs for a million spans, and a batch of 2,500 spans held (3 MiB): 1,000 articles held
# 11 MiB more, which the million-span import's peak (37 MiB) showed, for no time saved.
BATCH_ARTICLES = 250
BATCH_BYTES = 4 * 1024 * 1024


@dataclass
class _NewArticle:
    """An article new to the database, as its pack line will hold it once the batch is written."""

    key: str  # of its file, once it has one
    record: dict
    text: str
    annotations: dict[str, Annotation] = field(default_factory=dict)  # by id, in the order added

    def tables(self) -> dict:
        """Its file's tables, as Shard would write them: the article's record, its spans numbered from 1."""
        tables: dict = {"article": {"1": self.record}}
        if self.annotations:
            tables["annotations"] = {
                str(number): span.to_record() for number, span in enumerate(self.annotations.values(), 1)
            }
        return tables


class BulkImport:
    """The writes of one import (Store.bulk_import), and the reads it needs, which see what
    the batch holds. As a context manager: the last batch is written when the block ends; if
    the block fails, what was not written yet is dropped."""

    def __init__(self, store: Store, folder: Folder) -> None:
        if folder.read_only:
            raise ReadOnlyError("the database is open read-only (another Broadsheet writes to it): nothing is imported")
        self._store = store
        self._folder = folder
        self._new: dict[str, _NewArticle] = {}  # by id: not yet written
        self._size = 0
        self._held: dict[str, RecordFile] = {}  # the files of links, names, done marks holding changes
        self._looked: tuple[str, Shard | None] | None = None  # the stored article last read, and its file
        self._pack: PackWriter | None = None  # created with the first batch

    def __enter__(self) -> BulkImport:
        return self

    def __exit__(self, error_type: type[BaseException] | None, *rest: object) -> None:
        try:
            if error_type is None:
                self.write()
            else:
                for records in self._held.values():
                    records.forget()
        finally:
            self._folder.packs.forget()  # what this import packed is read from its index from now on

    # -- reads -------------------------------------------------------------------

    def _stored(self, article_id: str) -> Shard | None:
        """The file of an article not in the batch, read afresh (not kept), or None; a line
        asks several times, and the file is read once."""
        if self._looked is None or self._looked[0] != article_id:
            key = article_key(article_id)
            if self._pack is not None and self._pack.may_hold(key) and key not in self._folder.packed():
                self._folder.packs.forget()  # named again: the packs' entries read afresh, this one's too
            self._looked = article_id, self._folder.shard_read_once(article_id)
        return self._looked[1]

    def annotations(self, article_id: str) -> list[Annotation]:
        new = self._new.get(article_id)
        if new is not None:
            return list(new.annotations.values())
        shard = self._stored(article_id)
        return [] if shard is None else shard.annotations()

    def annotation(self, article_id: str, annotation_id: str) -> Annotation | None:
        return next((span for span in self.annotations(article_id) if span.id == annotation_id), None)

    def is_stored(self, article_id: str) -> bool:
        if article_id in self._new:
            return True
        shard = self._stored(article_id)
        return shard is not None and shard.article_record() is not None

    def links(self) -> list[Link]:
        return self._store.links()

    def cluster_names(self) -> dict[str, ClusterName]:
        return self._store.cluster_names()

    # -- writes ------------------------------------------------------------------

    def import_spans(self, article: Article, annotations: list[Annotation]) -> None:
        """As Store.import_spans, in the batch when the article is new."""
        new = self._new.get(article.id)
        if new is None:
            if self._stored(article.id) is not None:
                self._looked = None  # written below: read afresh next time
                self._store.import_spans(article, annotations)  # checks the text is the one stored
                return
            new = self._start(article)
        else:
            check_same_text(new.record, article)
        check_spans_fit(article, annotations)
        new.annotations.update((annotation.id, annotation) for annotation in annotations)

    def _start(self, article: Article) -> _NewArticle:
        """A new article, in the batch (which is written first if full)."""
        if len(self._new) >= BATCH_ARTICLES or self._size >= BATCH_BYTES:
            self.write()
        new = _NewArticle(article_key(article.id), article_record(article), article.text)
        self._new[article.id] = new
        self._size += len(new.text)
        return new

    def import_links(self, links: list[Link]) -> None:
        self._hold("link", links)

    def import_cluster_names(self, names: list[ClusterName]) -> None:
        self._hold("name", names)

    def import_done(self, article: Article, annotator: str) -> None:
        """As Store.import_done: the article (with its text) marked finished."""
        if self._folder.record_file("done").get(article.id) is None:
            self.import_spans(article, [])
            self._hold("done", [Done(article.id, annotator, now())])

    def _hold(self, kind: str, records: Iterable[Link | ClusterName | Done]) -> None:
        record_file = self._held.setdefault(kind, self._folder.record_file(kind))
        for record in records:
            with record_file.writing(hold=True):
                record_file.put(record)

    def write(self) -> None:
        """Write the batch: the new articles to the pack, durably; then the links, names and
        done marks added (which may refer to them)."""
        if self._new:
            self._pack = self._pack or self._folder.packs.writer()
            lines = [
                (new.key, article_id, pack_line(new.key, new.tables(), new.text))
                for article_id, new in self._new.items()
            ]
            self._pack.commit(lines)
        self._new, self._size, self._looked = {}, 0, None  # what was looked up as new is stored now
        for records in self._held.values():
            records.write_held()
