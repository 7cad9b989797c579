"""A TinyDB storage that never leaves a half-written file.

TinyDB's JSONStorage rewrites the file in place (seek, write, truncate): a crash in
between leaves JSON that no longer parses. This storage writes a complete new file,
fsyncs it, keeps the previous version as ``<file>.bak`` (a hard link, no copy),
renames the new file over the old one and fsyncs the directory, so a crash at any
instant leaves the old or the new state. Reads are served from memory after the
first, so a write costs one serialisation of this file only.

Rewriting a file of 10,000 tags to add one costs a serialisation, a write and an fsync of
every tag (the cost of a tag then grows with its article). Past TAIL_FROM bytes, a file's
changes are appended instead to ``<file>.tail``, a line each write, and fsynced: a line is
a list of ``[table, doc_id, document or null]`` (a document set or removed), or
``{"all": tables}`` (every table as it now is). Reading the file applies its tail's lines
in order. A line is complete with its newline: a crash or a full disk can cut short only
the last, which was never reported written, so it is ignored, and cut off before the
next append. Every change goes to the tail before the file is written whole again
(compacted), and the tail is removed after: a tail read over a file that already holds
it sets each document to what it already is.
"""

from __future__ import annotations

import functools
import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from tinydb.storages import Storage


class CorruptFileError(Exception):
    """A database file that does not parse. It is never written over."""

    def __init__(self, path: Path, problem: str) -> None:
        backup = backup_path(path)
        hint = (
            f"the last good version is {backup}: copy it over {path.name} to recover"
            if backup.exists()
            else "move it aside to start afresh, or restore it from your own backup"
        )
        super().__init__(f"{path}: {problem}; it was left untouched ({hint})")
        self.path = path


def failure(error: OSError, path: Path | None = None, doing: str = "") -> str:
    """An OSError as 'FILE: problem' ('FILE: cannot write: problem' with ``doing``), naming
    ``path`` if the error names no file."""
    return f"{error.filename or path}: {doing + ': ' if doing else ''}{error.strerror or error}"


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temporary(path: Path, suffix: str = "") -> Path:
    """The name a new version of ``path`` is written under; a leftover of a crash (``.*.tmp``)
    is swept when the database is next opened."""
    return path.with_name(f".{path.name}.{os.getpid()}{suffix}.tmp")


def _replace(temporary: Path, path: Path, keep_backup: bool) -> None:
    """Rename the complete ``temporary`` over ``path``, the old file kept as its .bak."""
    if keep_backup and path.exists():
        link = _temporary(path, ".bak")
        link.unlink(missing_ok=True)
        os.link(path, link)
        os.replace(link, backup_path(path))
    os.replace(temporary, path)


def _remove_temporaries(paths: Iterable[Path]) -> None:
    for path in paths:
        for leftover in (_temporary(path), _temporary(path, ".bak")):
            with suppress(OSError):
                leftover.unlink(missing_ok=True)


@contextmanager
def atomic_writer(path: Path, keep_backup: bool = True) -> Iterator[BinaryIO]:
    """A file to write, which replaces ``path`` when the block ends, so that readers and
    crashes see old or new, never a mix; if the block fails, ``path`` is as it was.

    The new file keeps the mode of the one it replaces, and its owner where this process
    may give it (root can). If the write fails (a full disk, a folder the user may not
    write to), ``path`` is as it was, no temporary is left behind, and the OSError names
    ``path``, not the temporary the user never asked for."""
    try:
        with open(_temporary(path), "wb") as handle:
            yield handle
            handle.flush()
            _take_mode_and_owner(handle.fileno(), path)
            os.fsync(handle.fileno())
        _replace(_temporary(path), path, keep_backup)
    except BaseException as error:
        _remove_temporaries([path])
        if isinstance(error, OSError):
            raise OSError(error.errno, error.strerror, str(path)) from None
        raise
    fsync_directory(path.parent)


def atomic_write(path: Path, data: bytes, keep_backup: bool = True) -> None:
    """Replace ``path`` with ``data`` (see atomic_writer)."""
    with atomic_writer(path, keep_backup) as handle:
        handle.write(data)


def atomic_write_all(writes: Sequence[tuple[Path, bytes, bool]]) -> None:
    """Replace each ``(path, data, keep_backup)`` as atomic_write does, with one sync for the
    lot: every new file is written, then all are made durable at once, then renamed into
    place in the order given, then their folders synced. A crash at any instant leaves each
    file old or new; when this returns, all are new. If a write fails, no file was replaced
    (or, failing among the renames, those before it were), and no temporary is left."""
    current = Path()
    try:
        for current, data, _ in writes:
            with open(_temporary(current), "wb") as handle:
                handle.write(data)
                _take_mode_and_owner(handle.fileno(), current)
        _sync_files([_temporary(path) for path, _, _ in writes])
        for current, _, keep_backup in writes:
            _replace(_temporary(current), current, keep_backup)
    except OSError as error:
        _remove_temporaries(path for path, _, _ in writes)
        raise OSError(error.errno, error.strerror, str(current)) from None
    for folder in dict.fromkeys(path.parent for path, _, _ in writes):
        fsync_directory(folder)


@functools.cache
def _syncfs() -> Callable[[int], None] | None:
    """Linux's syncfs(2), which makes every file of a file system durable in one call, or None."""
    import ctypes  # only a bulk write needs it

    syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
    if syncfs is None:
        return None

    def sync(fd: int) -> None:
        if syncfs(fd) != 0:
            number = ctypes.get_errno()
            raise OSError(number, os.strerror(number))

    return sync


def _sync_files(paths: list[Path]) -> None:
    """Make the files at ``paths`` durable: one syncfs of their folder's file system where the
    system has it (an fsync a file costs a journal commit each), else an fsync each."""
    syncfs = _syncfs()
    for target in dict.fromkeys(path.parent for path in paths) if syncfs else paths:
        fd = os.open(target, os.O_RDONLY)
        try:
            (syncfs or os.fsync)(fd)
        finally:
            os.close(fd)


def _take_mode_and_owner(fd: int, path: Path) -> None:
    """Give the open file ``fd`` the mode and owner of ``path``, if it exists: a rewrite must
    not turn a 600 file into a 644 one, nor give a user's file to root."""
    try:
        old = os.stat(path)
    except FileNotFoundError:
        return
    if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
        with suppress(PermissionError):  # only root may give a file away
            os.fchown(fd, old.st_uid, old.st_gid)
    os.fchmod(fd, stat.S_IMODE(old.st_mode))


def append_synced(fd: int, at: int, data: bytes) -> None:
    """Write ``data`` at byte ``at`` of the open file ``fd`` and sync it. What stood from
    ``at`` on goes first: a line a crash cut short, which was never reported written, so
    that none follows it. If the write fails (a full disk), the file is cut back to ``at``
    and the OSError raised."""
    try:
        os.ftruncate(fd, at)
        os.lseek(fd, at, os.SEEK_SET)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fdatasync(fd)
    except OSError:
        with suppress(OSError):
            os.ftruncate(fd, at)
        raise


TAIL_FROM = 64 * 1024  # bytes: a file smaller is rewritten whole (as cheap as appending), one larger gets a tail
COMPACT_AFTER = (
    200  # lines: a tail longer is folded into its file, so the file's .bak stays within the undo log's reach
)


def tail_path(path: Path) -> Path:
    return path.with_name(path.name + ".tail")


class Tail:
    """The tail of the file at ``path``: its lines as read, and appending to it."""

    def __init__(self, path: Path) -> None:
        self.of = path
        self.size = 0  # bytes of complete lines
        self.lines = 0

    @property
    def path(self) -> Path:
        return tail_path(self.of)

    def apply(self, tables: dict) -> None:
        """Bring ``tables`` (the file as read) up to the tail's lines, if it has one."""
        self.size = self.lines = 0
        if not os.path.exists(f"{self.of}.tail"):  # most files have none: a stat, not a failed open
            return
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        complete = data[: data.rfind(b"\n") + 1]
        for number, line in enumerate(complete.splitlines(), start=1):
            try:
                change = json.loads(line)
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                raise CorruptFileError(self.path, f"line {number} is not a change: {error}") from None
            _apply_line(self.path, number, change, tables)
        self.size, self.lines = len(complete), complete.count(b"\n")

    def append(self, change: list | dict) -> None:
        """Add ``change`` as a line, durably; if that fails, the tail is as it was."""
        data = (json.dumps(change, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        created = not self.path.exists()
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            if created:
                _take_mode_and_owner(fd, self.of)
            append_synced(fd, self.size, data)
            if created:
                fsync_directory(self.path.parent)
        except OSError as error:
            if created:
                with suppress(OSError):
                    self.path.unlink()
            raise OSError(error.errno, error.strerror, str(self.of)) from None
        finally:
            os.close(fd)
        self.size += len(data)
        self.lines += 1

    def remove(self) -> None:
        """Once the file holds every line: no tail."""
        if self.size:
            self.path.unlink(missing_ok=True)
            fsync_directory(self.path.parent)
            self.size = self.lines = 0


def _apply_line(path: Path, number: int, change: object, tables: dict) -> None:
    if isinstance(change, dict) and _is_tables(change.get("all")):
        tables.clear()
        tables.update(change["all"])
        return
    if not isinstance(change, list):
        raise CorruptFileError(path, f"line {number} is not a change")
    for item in change:
        if not (
            isinstance(item, list)
            and len(item) == 3
            and isinstance(item[0], str)
            and isinstance(item[1], str)
            and isinstance(item[2], (dict, type(None)))
        ):
            raise CorruptFileError(path, f"line {number} is not a change")
        table, doc_id, document = item
        if document is None:
            tables.get(table, {}).pop(doc_id, None)
        else:
            tables.setdefault(table, {})[doc_id] = document


_SCALARS = (str, int, float, bool, type(None))


def _doc_order(doc_id: str) -> tuple[int, str]:
    return (int(doc_id), "") if doc_id.isdigit() else (0, doc_id)


def _in_doc_order(documents: dict) -> list[str]:
    """The documents' ids by number: usually their order already, as TinyDB adds at the end."""
    ids = list(documents)
    if all(map(str.isdigit, ids)):
        numbers = list(map(int, ids))
        if numbers == sorted(numbers):
            return ids
    return sorted(ids, key=_doc_order)


def dumps(tables: dict, known: dict | None = None) -> bytes:
    """JSON with one document a line and sorted keys, so a diff of two versions reads well.

    The comma between documents leads the line of the later one: a document added at the
    end (a new tag) is then one added line in a diff, and the line before it is untouched.

    ``known`` keeps each document's line from one call to the next, with a copy of the
    document it was made from: a document equal to its copy is not serialised again, so
    rewriting an article's file after a tag serialises the new tag, not every tag."""
    known = {} if known is None else known
    lines = ["{"]
    for table_index, table_name in enumerate(sorted(tables)):
        documents = tables[table_name]
        kept_lines = known.setdefault(table_name, {})
        body = []
        for doc_id in _in_doc_order(documents):
            document = documents[doc_id]
            kept = kept_lines.get(doc_id)
            if kept is None or kept[0] != document:  # (as Python compares: a true that became 1 keeps its line)
                # A copy of a flat document shares no object that could change in place; a
                # nested one keeps no copy, so it is serialised at every write.
                copy = dict(document) if all(type(value) in _SCALARS for value in document.values()) else None
                kept = kept_lines[doc_id] = (
                    copy,
                    f"{json.dumps(doc_id)}: {json.dumps(document, sort_keys=True, ensure_ascii=False)}",
                )
            body.append(kept[1])
        lines.append(f"{',' if table_index else ''}{json.dumps(table_name)}: {{")
        if body:
            lines.append(" " + "\n,".join(body))
        lines.append("}")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def loads(path: Path, data: bytes) -> dict:
    """Parse a database file, raising CorruptFileError with the position of the damage."""
    try:
        tables = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise CorruptFileError(path, f"not UTF-8 at byte {error.start}") from None
    except json.JSONDecodeError as error:
        raise CorruptFileError(
            path, f"not valid JSON at line {error.lineno} column {error.colno} (byte {error.pos}): {error.msg}"
        ) from None
    if not _is_tables(tables):
        raise CorruptFileError(path, "not a TinyDB database (expected tables of documents)")
    return tables


def _is_tables(tables: object) -> bool:
    """Whether ``tables`` is what a TinyDB file holds: tables of documents."""
    return isinstance(tables, dict) and all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values()) for table in tables.values()
    )


class AtomicJSONStorage(Storage):
    """TinyDB storage with atomic, durable writes and an in-memory copy of the file."""

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = path if isinstance(path, Path) else Path(path)
        self.read_only = read_only
        self._tables: dict | None = None
        self._deferred = 0
        self._dirty = False
        self._lines: dict = {}  # dumps()'s lines of this file's documents, kept between writes
        self._tail = Tail(self.path)
        self._size = 0  # bytes of the file as last read or written whole
        # The documents changed since the last write, by (table, doc id); None: not known
        # (a write through TinyDB's Table), so the next write records every table.
        self._changes: dict[tuple[str, str], None] | None = {}

    def read(self) -> dict | None:
        if self._tables is None:
            try:
                data = self.path.read_bytes()
            except FileNotFoundError:
                return None
            tables = loads(self.path, data)
            self._tail.apply(tables)
            self._tables, self._size = tables, len(data)
        return self._tables

    def write(self, data: dict, changed: tuple[str, str] | None = None) -> None:
        """Keep ``data`` as the file's tables; ``changed``: the one document (table, doc id)
        this write changes, which lets a large file take the change in its tail."""
        if self.read_only:
            raise PermissionError(f"{self.path}: the database is open read-only")
        self._tables = data
        if changed is None:
            self._changes = None
        elif self._changes is not None:
            self._changes[changed] = None
        if self._deferred:
            self._dirty = True
        else:
            self._flush()

    def _write_copy(self) -> None:
        """Append the changes to the tail (a large file, or one with a tail already), or
        write the file whole; a tail grown long is then folded into the file."""
        if not (self._tail.size or (self._changes is not None and self._size >= TAIL_FROM)):
            self._write_whole()
            return
        tables = self._tables or {}
        changes = self._changes
        self._tail.append(
            {"all": tables}
            if changes is None
            else [[table, doc_id, tables.get(table, {}).get(doc_id)] for table, doc_id in changes]
        )
        self._dirty, self._changes = False, {}
        if changes is None or self._tail.lines >= COMPACT_AFTER or self._tail.size >= max(self._size, TAIL_FROM):
            with suppress(OSError):  # the change is durable in the tail; folding it in can wait
                self._write_whole()

    def _write_whole(self) -> None:
        data = dumps(self._tables or {}, self._lines)
        atomic_write(self.path, data)
        self._size = len(data)
        self._tail.remove()
        self._dirty, self._changes = False, {}

    def compact(self) -> None:
        """Fold the tail into the file (what it holds, written: nothing held back)."""
        if self._tail.size and self._tables is not None and not self._dirty:
            self._write_whole()

    def _flush(self) -> None:
        try:
            self._write_copy()
        except BaseException:
            # TinyDB changed our copy in place before asking us to write it; the file
            # on disk is the truth, so forget the copy and read the file again.
            self.forget()
            raise

    def forget(self) -> None:
        """Drop the copy in memory, changes not written too: the next read is of the file."""
        self._tables, self._dirty, self._changes = None, False, {}

    @contextmanager
    def one_write(self, hold: bool = False) -> Iterator[None]:
        """Let several TinyDB operations land as a single atomic write; with ``hold``,
        they stay in memory until ``write_held`` (their durability is the caller's)."""
        self._deferred += 1
        try:
            yield
        except BaseException:
            self._deferred -= 1
            if self._dirty and not self._deferred:
                self.forget()
            raise
        self._deferred -= 1
        if self._dirty and not self._deferred and not hold:
            self._flush()

    def write_held(self) -> None:
        """Write what ``one_write(hold=True)`` left in memory. If that fails, it stays there,
        to be written by the next call."""
        if self._dirty:
            self._write_copy()

    def close(self) -> None:
        pass
