"""The annotation database: TinyDB files that survive crashes, kills and a second process.

Layout for ``--db broadsheet.json``::

    broadsheet.json          the format record
    broadsheet.json.lock     held (flock) by the one process allowed to write
    broadsheet.json.d/
        <article>.json       one TinyDB file per article: its record and its annotations
        <article>.json.tail  a large one's changes since it was last written whole (storage.py)
        <article>.txt        the article's normalised text, the one all offsets refer to
        _pack-NNNNNN.jsonl   articles an import brought, a line each, until first changed (packs.py)
        _pack-NNNNNN.index   where each packed article's line is, a line per batch
        _links.json          links between spans, across articles too
        _cluster_names.json  names the analyst gave to clusters of same-as links
        _dismissed.json      proposals the analyst turned down
        _done.json           articles the analyst has finished (exported even with no span)
        history.jsonl        the undo log: a line per change, undo and redo (see history.py)

Every user action rewrites the one article file it touches, atomically (see storage.py),
or, for an article file past 64 KiB, appends the change to its tail, and appends a line to
the undo log: the cost of a tag grows neither with the database nor with its article.
Closing folds each tail into its file, which is then plain TinyDB again.

The package's modules, each by what it owns: records.py (what is stored, Change and Step),
files.py (one TinyDB file of records), folder.py (which file holds what), history.py (the
undo log), steps.py (write-ahead order and crash settling), lock.py (one writer), bulk.py
(an import's writes, a batch at a time), packs.py (an import's articles, many to a file),
errors.py.
Here: Store, the one way in for the rest of Broadsheet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tinydb import TinyDB

from ..articles import Article
from ..model import Annotation, ClusterName, Dismissal, Done, Link, now
from ..storage import AtomicJSONStorage, CorruptFileError, atomic_write, failure
from ..text import text_hash
from .bulk import BulkImport
from .errors import ArticleChangedError, DatabaseLocked, ReadOnlyError, StoreError
from .files import Shard
from .folder import Folder, article_record, check_spans_fit
from .history import HISTORY_LIMIT, History
from .lock import database_file, database_parts, release_lock, take_lock
from .records import Change, ReadArticle, Record, Step, StoredArticle
from .steps import Steps

if TYPE_CHECKING:
    from ..reattach import Reattachment

__all__ = [
    "HISTORY_LIMIT",
    "ArticleChangedError",
    "Change",
    "DatabaseLocked",
    "ReadArticle",
    "ReadOnlyError",
    "Record",
    "Step",
    "Store",
    "StoreError",
    "StoredArticle",
    "database_parts",
]

FORMAT_VERSION = 1


class Store:
    """The annotation database. Open it with ``Store.open(path)``; one writer at a time.

    Each public write says whether it is an undo step. A step is logged before the files
    change, and undo() and redo() move through steps only; the imports (``import_*``) are
    plain atomic writes that leave the undo log alone."""

    def __init__(self, path: Path, read_only: bool, lock_fd: int | None) -> None:
        self.path = path
        self.read_only = read_only
        self.shard_dir = path.with_name(path.name + ".d")
        self._lock_fd = lock_fd
        self._folder = Folder(self.shard_dir, read_only)
        self._main = TinyDB(path, storage=AtomicJSONStorage, read_only=read_only)
        self._check_format()
        self._folder.log = log = History(self.shard_dir, read_only=read_only)
        self._steps = Steps(self._folder, log)
        self._steps.settle()
        # Write-behind (the app): a step is durable once its line is in the undo log, and the
        # files it changes are written by flush(), which this callback schedules (after the
        # screen shows the change). None: the files are written before a step returns.
        self.write_behind: Callable[[], None] | None = None

    # -- opening and closing -------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False) -> Store:
        """Open (creating if need be) the database at ``path``.

        Raises DatabaseLocked when another process writes to it, StoreError when a file
        of it does not parse (the file is left untouched) or ``path`` names no file.
        """
        path = database_file(path, read_only)
        lock_fd = None if read_only else take_lock(path)
        try:
            return cls(path, read_only, lock_fd)
        except CorruptFileError as error:
            release_lock(lock_fd)
            raise StoreError(str(error)) from None
        except OSError as error:  # a full disk, a file or folder the user may not write to
            release_lock(lock_fd)
            raise StoreError(failure(error, path)) from None
        except BaseException:
            release_lock(lock_fd)
            raise

    def _check_format(self) -> None:
        """Check the format record (a new database: write it) and, for a writer, make the
        .d folder ready."""
        meta = self._main.table("meta")
        records = meta.all()
        if not records:
            if self.read_only:
                raise StoreError(f"{self.path}: not a Broadsheet database (no format record)")
            self.shard_dir.mkdir(exist_ok=True)
            meta.insert({"format": FORMAT_VERSION, "created": now()})
            return
        version = records[0].get("format")
        if version != FORMAT_VERSION:
            raise StoreError(f"{self.path}: database format {version!r}; this Broadsheet reads format {FORMAT_VERSION}")
        if not self.read_only:
            self.shard_dir.mkdir(exist_ok=True)
            self._folder.packs.sweep_empty()
            for name in self._folder.names():
                if name.startswith(".") and name.endswith(".tmp"):
                    (self.shard_dir / name).unlink(
                        missing_ok=True
                    )  # a write cut short by a crash; the real file is intact

    def close(self) -> None:
        """Write what write-behind holds, and let go. If that write fails, the change is safe
        in the undo log, and the error says so: the next open writes it to its file."""
        try:
            self.flush()
            if not self.read_only:
                self._folder.compact()
        except OSError as error:
            raise StoreError(
                f"{failure(error, doing='cannot write')}; the last change is kept in the undo log "
                f"({self._steps.log.path}) and written to its file when the database is next opened"
            ) from None
        finally:
            self._steps.log.close()
            self._folder.packs.close()
            release_lock(self._lock_fd)
            self._lock_fd = None

    def flush(self) -> None:
        """Write the files that the last step changed in memory only (write-behind). If
        that fails they are kept, and the next call (at the latest, the next step's)
        tries again; the step itself is safe in the undo log."""
        self._steps.flush()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- articles ----------------------------------------------------------------

    def article_ids(self) -> list[str]:
        """Ids of every article the database holds, sorted; their files stay loaded."""
        return self._folder.article_ids()

    def stored_article(self, article_id: str) -> StoredArticle | None:
        record = self._folder.shard(article_id).article_record()
        if record is None:
            return None
        return StoredArticle(record["id"], record.get("meta", {}), record.get("source", ""), record["text_hash"])

    def article_keys(self) -> list[str]:
        """A key for each article's file, sorted, the same for an article's id in every
        database: to read the articles in turn (read_article), not all at once."""
        return self._folder.article_keys()

    def read_article(self, key: str) -> ReadArticle | None:
        """The article of ``key`` (see article_keys), its file read for this once and not kept
        (unless open already); None when the file holds no article."""
        return self._read(self._folder.passing_shard(key))

    def _read(self, shard: Shard) -> ReadArticle | None:
        record = shard.article_record()
        if record is None:
            return None
        stored = StoredArticle(record["id"], record.get("meta", {}), record.get("source", ""), record["text_hash"])
        return ReadArticle(stored, shard.annotations(), lambda: self._checked_text(shard, stored.text_hash))

    def article_text(self, article_id: str) -> str:
        """The text the article's offsets refer to, checked against the hash stored with them."""
        stored = self.stored_article(article_id)
        return self._checked_text(self._folder.shard(article_id), None if stored is None else stored.text_hash)

    def _checked_text(self, shard: Shard, expected_hash: str | None) -> str:
        """The text of the article of ``shard``: its pack line's, else its file's."""
        text, entry = shard.storage.packed_text(), shard.storage.entry
        if text is not None and entry is not None:
            path = entry.pack.path
        else:
            path = shard.storage.path.with_suffix(".txt")
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise StoreError(f"{path}: cannot read the stored article text: {error}") from None
        if expected_hash is not None and text_hash(text) != expected_hash:
            raise StoreError(
                f"{path}: the stored article text is damaged (its hash is not the one recorded "
                f"in {shard.storage.path.name}); restore it from the article's source file"
            )
        return text

    def reattach(self, article: Article) -> Reattachment | None:
        """If ``article``'s text differs from the one annotated, move its spans to the new
        text (orphaning those whose text is gone) and keep the new text. Returns what
        happened, or None when the text is unchanged or the article was never annotated.

        Not an undo step: undo steps of this article refer to the old text, so they are dropped."""
        self.flush()  # rewrites below must not carry a held change, nor lose it if they fail
        shard = self._folder.shard(article.id)
        record = shard.article_record()
        if record is None or record["text_hash"] == article.text_hash:
            return None
        from ..reattach import reattach_spans  # only a changed text needs it, not every start-up

        old_text = self.article_text(article.id)
        spans, report = reattach_spans(old_text, article.text, shard.annotations())
        report.article_id = article.id
        shard.storage.own_files()  # a packed article: its own text and file first, to be replaced below
        atomic_write(self._folder.text_path(article.id), article.text.encode("utf-8"))  # the old text stays in .txt.bak
        with shard.writing():
            shard.article_table.update(article_record(article))  # its id is the same
            for span in spans:
                shard.put(span)
        if self._steps.history is not None:
            self._steps.history.forget(article.id)
        return report

    # -- spans -------------------------------------------------------------------

    def annotations(self, article_id: str) -> list[Annotation]:
        """The article's annotations in reading order (outer spans before nested ones)."""
        shard = self._folder.existing_shard(article_id)
        return [] if shard is None else shard.annotations()

    def orphans(self, article_id: str) -> list[Annotation]:
        """The article's annotations whose text is gone from it (see reattach), in reading order."""
        shard = self._folder.existing_shard(article_id)
        return [] if shard is None else shard.orphans()

    def annotation(self, article_id: str, annotation_id: str) -> Annotation | None:
        shard = self._folder.existing_shard(article_id)
        return None if shard is None else shard.get(annotation_id)  # type: ignore[return-value]

    def add(self, article: Article, start: int, end: int, label: str, annotator: str) -> Annotation:
        """Tag ``article.text[start:end]``, as one undo step; durable on return."""
        annotation = Annotation.create(article.id, article.text, start, end, label, annotator)
        self._do_step(Step((Change(article.id, None, annotation),)), {article.id: article})
        return annotation

    def import_spans(self, article: Article, annotations: list[Annotation]) -> None:
        """Store many annotations of one article in a single atomic write. Not an undo step
        (an import, a merge or new suggestions, not a keystroke: the undo log is left alone).
        Each must lie inside the article's text."""
        check_spans_fit(article, annotations)
        self.flush()
        shard = self._folder.shard(article.id)
        with shard.writing():
            self._folder.register(shard, article)
            for annotation in annotations:
                shard.put(annotation)

    def delete(self, annotation: Annotation) -> None:
        """Delete a span, as one undo step; durable on return."""
        self._do_step(Step((Change(annotation.article_id, annotation, None),)))

    def update(self, annotation: Annotation, **fields: object) -> Annotation:
        """Change fields of a span, as one undo step; durable on return."""
        changed = annotation.changed(**fields)
        self._do_step(Step((Change(annotation.article_id, annotation, changed),)))
        return changed

    def add_spans(
        self,
        spans_by_article: list[tuple[Article, list[Annotation]]],
        name: str,
        links: Iterable[Link] = (),
        changed: Iterable[tuple[Annotation, Annotation]] = (),
    ) -> Step:
        """Add spans to one or more articles, and ``links`` (between them or older spans),
        and replace the spans ``changed`` (before, after), as one undo step called ``name``."""
        articles = {article.id: article for article, _ in spans_by_article}
        changes = [Change(span.article_id, None, span) for _, spans in spans_by_article for span in spans]
        changes += [Change(before.article_id, before, after) for before, after in changed]
        changes += [Change(link.head_article, None, link) for link in links]
        return self._do_step(Step(tuple(changes), name), articles)

    def update_spans(self, annotations: list[Annotation], name: str, **fields: object) -> Step:
        """Change the same fields of many spans as one undo step called ``name``."""
        return self.change_spans([(span, span.changed(**fields)) for span in annotations], name)

    def change_spans(self, changes: list[tuple[Annotation, Annotation]], name: str) -> Step:
        """Replace each span (before, after) as one undo step called ``name``."""
        return self._do_step(Step(tuple(Change(before.article_id, before, after) for before, after in changes), name))

    def _do_step(self, step: Step, articles: dict[str, Article] | None = None) -> Step:
        """Log and do ``step`` (see Steps.do); ``articles``: those of new spans."""
        return self._steps.do(step, articles, self.write_behind)

    # -- links, cluster names, dismissals, done ----------------------------------

    def links(self) -> list[Link]:
        """Every link, accepted and rejected, oldest first; an end may be a deleted span."""
        return self._folder.record_file("link").records()

    def links_of(self, article_id: str) -> list[Link]:
        """The links with an end in the article, as links() orders them."""
        return self._folder.link_file().of_article(article_id)

    def link(self, head: Annotation, child: Annotation, label: str, annotator: str, status: str = "accepted") -> Link:
        """Link two spans (``status`` "rejected" records a turned-down suggestion), as one
        undo step; durable on return."""
        link = Link.create(head, child, label, annotator, status)
        self._do_step(Step((Change(link.head_article, None, link),)))
        return link

    def live_links(self, links: Iterable[Link] | None = None) -> tuple[list[Link], dict[str, Annotation]]:
        """Accepted links (of ``links``, or all) whose two spans stand (Annotation.standing:
        there, not rejected, not orphaned), with those spans by id. A link to a deleted or
        rejected span is kept, so that undoing the delete or the rejection brings it back."""
        spans: dict[str, Annotation | None] = {}

        def span(article_id: str, span_id: str) -> Annotation | None:
            if span_id not in spans:
                found = self.annotation(article_id, span_id)
                spans[span_id] = found if found is not None and found.standing else None
            return spans[span_id]

        kept = [
            link
            for link in (self.links() if links is None else links)
            if link.status == "accepted" and span(link.head_article, link.head) and span(link.child_article, link.child)
        ]
        return kept, {span_id: found for span_id, found in spans.items() if found is not None}

    def import_links(self, links: list[Link]) -> None:
        """Store many links in one atomic write. Not an undo step (an import: the undo log
        is left alone)."""
        self._put_unlogged("link", links)

    def _put_unlogged(self, kind: str, records: Sequence[Record]) -> None:
        """Store records of one kind as given, in one atomic write, leaving the undo log alone."""
        self.flush()
        record_file = self._folder.record_file(kind)
        with record_file.writing():
            for record in records:
                record_file.put(record)

    def delete_link(self, link: Link) -> None:
        """Delete a link, as one undo step; durable on return."""
        self._do_step(Step((Change(link.head_article, link, None),)))

    def cluster_names(self) -> dict[str, ClusterName]:
        """The analyst's cluster names, by the id of the span each was given through."""
        return {name.id: name for name in self._folder.record_file("name").records()}

    def name_cluster(self, span_id: str, name: str, annotator: str) -> ClusterName:
        """Name the cluster of ``span_id`` (renaming it if named), as one undo step."""
        before = self.cluster_names().get(span_id)
        after = ClusterName(span_id, name, annotator, now())
        self._do_step(Step((Change("", before, after),)))
        return after

    def import_cluster_names(self, names: list[ClusterName]) -> None:
        """Store many cluster names as they were given, in one atomic write. Not an undo
        step (a merge or an import: the undo log is left alone, as for its spans and links)."""
        self._put_unlogged("name", names)

    def dismiss(self, key: str, label: str, annotator: str) -> Dismissal:
        """Remember that the proposal ``key`` (Proposal.key) was turned down, as one undo step."""
        dismissal = Dismissal(key, label, annotator, now())
        self._do_step(Step((Change("", None, dismissal),)))
        return dismissal

    def dismissals(self) -> list[Dismissal]:
        """The proposals the analyst turned down, as recorded."""
        return self._folder.record_file("dismissal").records()

    def dismissed(self) -> set[str]:
        """The keys of the proposals the analyst turned down."""
        return {dismissal.id for dismissal in self.dismissals()}

    def import_dismissals(self, dismissals: list[Dismissal]) -> None:
        """Store turned-down proposals as they were given, in one atomic write. Not an undo
        step (a merge: the undo log is left alone)."""
        self._put_unlogged("dismissal", dismissals)

    def set_done(self, article: Article | str, annotator: str, done: bool = True) -> Step | None:
        """Mark the article finished (or not), as one undo step; None when it already was.
        An Article is registered with its text if it is new; an id must name a stored one."""
        article_id = article if isinstance(article, str) else article.id
        if isinstance(article, str) and self.stored_article(article) is None:
            raise StoreError(f"{article}: not an article of the database")
        before = self._folder.record_file("done").get(article_id)
        if (before is not None) is done:
            return None
        after = Done(article_id, annotator, now()) if done else None
        articles = {article.id: article} if done and not isinstance(article, str) else None
        return self._do_step(Step((Change(article_id, before, after),)), articles)

    def import_done(self, article: Article, annotator: str, updated: str = "") -> None:
        """Mark an imported article finished (by ``annotator``, at ``updated`` or now), with
        its text, in plain writes. Not an undo step (an import or a merge, not a keystroke:
        the undo log is left alone)."""
        if self._folder.record_file("done").get(article.id) is None:
            self.import_spans(article, [])
            self._put_unlogged("done", [Done(article.id, annotator, updated or now())])

    def is_done(self, article_id: str) -> bool:
        return self._folder.record_file("done").get(article_id) is not None

    def done_marks(self) -> list[Done]:
        """The articles the analyst has finished, as recorded (who, when)."""
        return self._folder.record_file("done").records()

    def done_articles(self) -> set[str]:
        """The ids of the articles the analyst has finished."""
        return {done.id for done in self.done_marks()}

    # -- undo and redo -------------------------------------------------------------

    def undo(self) -> Step | None:
        """Revert the newest step not yet undone; returns it, or None when there is none."""
        return self._steps.move(undo=True)

    def redo(self) -> Step | None:
        """Re-apply the most recently undone step; returns it, or None."""
        return self._steps.move(undo=False)

    # -- the whole database: an import's writes, every article read in turn -----------

    def bulk_import(self) -> BulkImport:
        """An import's writes, gathered and written a batch at a time with one sync for each
        (see bulk.py). Not undo steps: the undo log is left alone."""
        self.flush()
        return BulkImport(self, self._folder)

    def article_ids_in_turn(self) -> list[str]:
        """Ids of every article, sorted, as article_ids() has them but with no file kept open:
        to read the articles one at a time (article_once), never the whole database at once."""
        return self._folder.listed_article_ids()

    def article_once(self, article_id: str) -> ReadArticle | None:
        """The article of ``article_id`` as read_article reads one (None: no such article)."""
        shard = self._folder.shard_read_once(article_id)
        return None if shard is None else self._read(shard)
