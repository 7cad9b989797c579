"""The database's ``.d`` folder: which file holds which records (an article's spans, the
links, the cluster names...), each opened on first use and kept open, an article's text
beside its file, and the report of a file that does not parse."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

from ..articles import Article
from ..model import Annotation
from ..storage import CorruptFileError, atomic_write, backup_path, dumps
from .errors import ArticleChangedError, StoreError
from .files import LinkFile, RecordFile, Shard
from .history import History
from .packs import PackIndex, Packs
from .records import Change

# The files of links, cluster names and dismissed proposals, in the .d folder (spans: one file per article).
_RECORD_FILES = {
    "link": "_links.json",
    "name": "_cluster_names.json",
    "dismissal": "_dismissed.json",
    "done": "_done.json",
}


def article_key(article_id: str) -> str:
    """The name of the article's file (less .json), the same in every database."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", article_id).strip("._")[:60] or "article"
    digest = hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}"


def _named_id(key: str) -> str | None:
    """The article id that the file name ``key`` (without .json) spells whole, or None: an id
    the name had to change or cut, which only the file holds."""
    article_id = key[:-9]  # less the "-" and the digest
    return article_id if article_key(article_id) == key else None


def article_record(article: Article) -> dict:
    """What an article's file keeps of it (StoredArticle's fields)."""
    return {"id": article.id, "meta": dict(article.meta), "source": article.source, "text_hash": article.text_hash}


def check_spans_fit(article: Article, annotations: Iterable[Annotation]) -> None:
    """ValueError when an annotation is not of ``article`` or its text is not the article's at its place."""
    for annotation in annotations:
        if annotation.article_id != article.id or article.text[annotation.start : annotation.end] != annotation.text:
            raise ValueError(f"annotation {annotation.id} does not match the text of article {article.id!r}")


def check_same_text(record: dict, article: Article) -> None:
    """ArticleChangedError when the article's stored ``record`` is of another text than ``article``'s."""
    if record["text_hash"] != article.text_hash:
        raise ArticleChangedError(
            f"{article.source or article.id}: the text differs from the one annotated before "
            f"(stored {record['text_hash'][:15]}, now {article.text_hash[:15]})"
        )


class Folder:
    """The files of one database, by what they hold. ``log`` is its undo log as read, once
    open: what the .bak of a damaged file is brought up to."""

    def __init__(self, directory: Path, read_only: bool) -> None:
        self.directory = directory
        self.read_only = read_only
        self._shards: dict[str, Shard] = {}
        self._record_files: dict[str, RecordFile] = {}
        self.log: History | None = None
        # The folder's names as last listed, until an article is added (this process is its
        # one writer): listing 200,000 names is a tenth of a second, and opening needs them.
        self._names: list[str] | None = None
        self._own: set[str] | None = None  # the keys of the articles with files of their own, as listed
        self.packs = Packs(directory)

    # -- articles ----------------------------------------------------------------

    def shard_path(self, article_id: str) -> Path:
        return self.directory / (article_key(article_id) + ".json")

    def text_path(self, article_id: str) -> Path:
        """The file of the article's text, the one its offsets refer to."""
        return self.shard_path(article_id).with_suffix(".txt")

    def shard(self, article_id: str) -> Shard:
        shard = self._shards.get(article_id)
        if shard is None:
            shard = self._shards[article_id] = self._open(article_key(article_id), self.read_only)
        return shard

    def _open(self, key: str, read_only: bool) -> Shard:
        """The article file of ``key``, or the pack's line for it until it exists."""
        path = self.directory / f"{key}.json"
        try:
            return Shard(path, read_only, None if key in self.own_keys() else self.packed().get(key))
        except CorruptFileError as error:
            raise self.damaged(error) from None

    def packed(self) -> PackIndex:
        """The packed articles (see packs.py); a damaged index is named."""
        try:
            return self.packs.index
        except CorruptFileError as error:
            raise self.damaged(error) from None

    def _held(self, key: str) -> bool:
        """Whether the article of ``key`` has a file of its own or a line in a pack."""
        return key in self.own_keys() or key in self.packed()

    def existing_shard(self, article_id: str) -> Shard | None:
        """The article's file, or None when it was never annotated (no file is created)."""
        if article_id not in self._shards and not self._held(article_key(article_id)):
            return None
        return self.shard(article_id)

    def shard_read_once(self, article_id: str) -> Shard | None:
        """The article's file as the database shows it, for a look: the one open, else the
        file read afresh and not kept (None: never annotated). Reading many articles in turn
        so holds one at a time."""
        shard = self._shards.get(article_id)
        if shard is not None:
            return shard
        key = article_key(article_id)
        return self._open(key, read_only=True) if self._held(key) else None

    def listed_article_ids(self) -> list[str]:
        """Ids of every article the folder holds, sorted, as article_ids() has them but with no
        file kept open: each read from its file's name where the name spells it whole, else
        from the file, read once."""
        ids = {article_id for article_id, shard in self._shards.items() if shard.article_record() is not None}
        for key in self.own_keys():
            article_id = _named_id(key)
            if article_id is None:
                record = self._open(key, read_only=True).article_record()
                article_id = None if record is None else record["id"]
            if article_id is not None:
                ids.add(article_id)
        try:
            ids.update(self.packed().article_ids())
        except CorruptFileError as error:
            raise self.damaged(error) from None
        return sorted(ids)

    def article_ids(self) -> list[str]:
        """Ids of every article the folder holds, sorted; their files stay loaded."""
        known = {article_key(article_id) for article_id in self._shards}
        for key in self.article_keys():
            if key in known:
                continue
            shard = self._open(key, self.read_only)
            record = shard.article_record()
            if record is not None:
                self._shards[record["id"]] = shard
        return sorted(article_id for article_id, shard in self._shards.items() if shard.article_record() is not None)

    def names(self) -> list[str]:
        """The names of the folder's files (listed as names, not paths: half the time)."""
        if self._names is None:
            try:
                self._names = os.listdir(self.directory)
            except FileNotFoundError:  # a database copied without its folder: no article file
                self._names = []
        return self._names

    def own_keys(self) -> set[str]:
        """The keys of the articles that have files of their own (the rest are packed): as
        listed once, and kept up to date by this process, the database's one writer. An
        article's first change, which gives a packed one its files, keeps it open (shard())."""
        if self._own is None:
            self._own = {name[:-5] for name in self.names() if name.endswith(".json") and name[0] not in "_."}
        return self._own

    def added_article(self, article_id: str) -> None:
        """The article's files were just written: listed from now on."""
        key = article_key(article_id)
        if self._names is not None:
            self._names += [f"{key}.json", f"{key}.txt"]
        if self._own is not None:
            self._own.add(key)

    def article_keys(self) -> list[str]:
        """The keys of the articles, their files' names, sorted (an article's id names the
        same in every database); a packed article's is the name its file will have."""
        return sorted(self.own_keys().union(self.packed().keys()))

    def passing_shard(self, key: str) -> Shard:
        """The article file ``key`` names, as this database shows it: the one open (which may
        show what the undo log holds beyond the file), else the file (or pack line) read
        afresh, not kept."""
        shard = self._open(key, read_only=True)
        record = shard.article_record()
        return self._shards.get(record["id"], shard) if record is not None else shard

    def register(self, shard: Shard, article: Article) -> None:
        """Keep ``article``'s record and text in its file, ``shard``, unless it has them;
        ArticleChangedError when it holds another text under the article's id."""
        record = shard.article_record()
        if record is not None:
            check_same_text(record, article)
            return
        atomic_write(self.text_path(article.id), article.text.encode("utf-8"), keep_backup=False)
        self.added_article(article.id)
        shard.article_table.insert(article_record(article))

    # -- records of a change -----------------------------------------------------

    def record_file(self, kind: str) -> RecordFile:
        """The file of links, of cluster names, and so on, opened on first use."""
        records = self._record_files.get(kind)
        if records is None:
            try:
                records = RecordFile.of_kind(kind, self.directory / _RECORD_FILES[kind], self.read_only)
            except CorruptFileError as error:
                raise self.damaged(error) from None
            self._record_files[kind] = records
        return records

    def link_file(self) -> LinkFile:
        links = self.record_file("link")
        assert isinstance(links, LinkFile)  # of_kind's for links
        return links

    def records_of(self, change: Change) -> RecordFile:
        return self.shard(change.article_id) if change.kind == "span" else self.record_file(change.kind)

    def _file_of(self, change: Change) -> Path:
        """The path of the file that holds ``change``'s record."""
        return (
            self.shard_path(change.article_id) if change.kind == "span" else self.directory / _RECORD_FILES[change.kind]
        )

    def compact(self) -> None:
        """Fold each open file's tail of changes into it (see storage.py): the files closed
        are plain TinyDB files again, each change a line in a diff. If one cannot be
        written, its tail stays: each change in it is safe, and read with the file."""
        for records in [*self._shards.values(), *self._record_files.values()]:
            with suppress(OSError):
                records.compact()

    # -- damaged files -------------------------------------------------------------

    def damaged(self, error: CorruptFileError) -> StoreError:
        """The error for a file that does not parse. The .bak its message offers is one
        write behind (the file's previous version): the undo log's changes to the file
        are brought into it first, so that the copy offered holds every change the log
        holds. The damaged file itself is left as it is."""
        with suppress(OSError, StoreError, CorruptFileError):  # then the .bak as it was is the best on offer
            self._bring_backup_up_to_log(error.path)
        return StoreError(str(error))

    def _bring_backup_up_to_log(self, path: Path) -> None:
        backup = backup_path(path)
        if self.log is None or not backup.exists():
            return
        changes = self.log.last_changes(lambda change: self._file_of(change) == path)
        if not changes:
            return
        copy = RecordFile.of_kind(changes[0].kind, backup, read_only=False)
        with copy.writing(hold=True):  # written below, with no .bak of the .bak
            for change in changes:
                copy.set(change.record.id, change.after)
        atomic_write(backup, dumps(copy.storage.read() or {}), keep_backup=False)
