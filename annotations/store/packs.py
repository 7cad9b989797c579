"""Packs: the articles an import brings, many to a file, until one is first changed.

Creating a file costs about 400 µs on the disks we measured, and an article of its own is
two (its TinyDB file and its text): an import of 100,000 articles spent most of its time
creating 200,000 files, and every later read of the whole database opening them. An
import writes its new articles instead as lines of one pack, ``_pack-NNNNNN.jsonl`` (a
line an article: its key, its file's tables and its text), and lists them in the pack's
index, ``_pack-NNNNNN.index`` (a line a batch: each key's byte offset and length in the
pack, and its article's id).

A batch is appended to the pack and synced, then its index line is appended and synced:
the line is the batch's durable point. A crash leaves at most a batch's bytes past the
last indexed offset or an index line cut short (no newline), neither ever read (the next
import writes a pack of its own), so every article is in the database whole or not at all.

An article's own file, once it exists, is the article: the first change to a packed
article writes its text and its file (PackedStorage), and the pack's line for it is never
read again. A later pack's line shadows an earlier one's.
"""

from __future__ import annotations

import json
import os
import re
from array import array
from dataclasses import dataclass
from pathlib import Path

from ..storage import AtomicJSONStorage, CorruptFileError, append_synced, atomic_write, fsync_directory

PACK_PREFIX = "_pack-"
_PACK_NAME = re.compile(r"_pack-(\d{6})\.(?:index|jsonl)")


class Pack:
    """A pack file, read where an entry says (one descriptor kept open while it is read)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def read(self, offset: int, length: int) -> bytes:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDONLY)
        return os.pread(self._fd, length, offset)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@dataclass(frozen=True, slots=True)
class PackEntry:
    """Where a packed article's line is: its pack, offset and length; and its id and key."""

    pack: Pack
    offset: int
    length: int
    article_id: str
    key: str

    def read(self) -> dict:
        """The line, parsed: ``{"key", "tables", "text"}``; CorruptFileError naming the pack
        and the byte where the line should be when it is not this article's."""
        path = self.pack.path
        try:
            line = json.loads(self.pack.read(self.offset, self.length))
        except OSError as error:
            raise CorruptFileError(path, f"cannot read byte {self.offset}: {error.strerror}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CorruptFileError(path, f"the article at byte {self.offset} is damaged: {error}") from None
        if not (
            isinstance(line, dict)
            and line.get("key") == self.key
            and isinstance(line.get("tables"), dict)
            and isinstance(line.get("text"), str)
        ):
            raise CorruptFileError(path, f"the line at byte {self.offset} is not the article {self.key}")
        return line


class PackIndex:
    """The packed articles, as the packs' indexes list them: a dict a pack, from key to
    ``[offset, length, article id]``, a later pack's over an earlier one's. An entry is
    made when asked for: making 100,000 as the indexes were read was 0.19 s of a review's
    first card over a million spans (measured)."""

    def __init__(self) -> None:
        self._packs: list[tuple[Pack, Path, dict[str, list]]] = []  # a pack, its index, what it lists

    def add(self, pack: Pack, index: Path, listed: dict[str, list]) -> None:
        self._packs.append((pack, index, listed))

    def get(self, key: str) -> PackEntry | None:
        for pack, index, listed in reversed(self._packs):
            found = listed.get(key)
            if found is not None:
                return PackEntry(pack, *_checked(found, index, key), key)
        return None

    def __contains__(self, key: str) -> bool:
        return any(key in listed for _, _, listed in self._packs)

    def keys(self) -> set[str]:
        return set().union(*(listed for _, _, listed in self._packs))

    def article_ids(self) -> set[str]:
        return {_checked(found, index, key)[2] for _, index, listed in self._packs for key, found in listed.items()}


def _checked(found: object, index: Path, key: str) -> tuple[int, int, str]:
    """An index's entry for ``key``, ``[offset, length, article id]``; CorruptFileError if it is not one."""
    if (
        isinstance(found, list)
        and len(found) == 3
        and type(found[0]) is type(found[1]) is int
        and type(found[2]) is str
    ):
        return found[0], found[1], found[2]
    raise CorruptFileError(index, f"the entry of {key} is not [offset, length, article id]")


class Packs:
    """The packs of a database's folder: which key each packed article has and where its
    line is, read from the indexes on first use and kept."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._index: PackIndex | None = None
        self._packs: dict[Path, Pack] = {}  # kept across readings of the indexes: a descriptor a pack

    def numbers(self) -> list[int]:
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return []
        return sorted({int(found.group(1)) for name in names if (found := _PACK_NAME.fullmatch(name))})

    def pack_path(self, number: int, suffix: str) -> Path:
        return self.directory / f"{PACK_PREFIX}{number:06d}{suffix}"

    @property
    def index(self) -> PackIndex:
        """What the packs hold, read from their indexes on first use."""
        if self._index is None:
            index = PackIndex()
            for number in self.numbers():
                self._read_index(number, index)
            self._index = index
        return self._index

    def _read_index(self, number: int, index: PackIndex) -> None:
        path = self.pack_path(number, ".index")
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # a pack whose first batch was never committed
            return
        complete = data[: data.rfind(b"\n") + 1]  # a last line without its newline was never committed
        listed: dict[str, list] = {}
        for line_number, line in enumerate(complete.splitlines(), start=1):
            try:
                listed.update(json.loads(line))
            except (UnicodeDecodeError, json.JSONDecodeError, TypeError, ValueError) as error:
                raise CorruptFileError(path, f"line {line_number} is not a batch of articles: {error}") from None
        index.add(self._pack(self.pack_path(number, ".jsonl")), path, listed)

    def _pack(self, path: Path) -> Pack:
        pack = self._packs.get(path)
        if pack is None:
            pack = self._packs[path] = Pack(path)
        return pack

    def writer(self) -> PackWriter:
        """A new pack, numbered after the last."""
        number = max(self.numbers(), default=0) + 1
        return PackWriter(self, self._pack(self.pack_path(number, ".jsonl")), self.pack_path(number, ".index"))

    def forget(self) -> None:
        """Read the indexes again when next asked (a pack was written since)."""
        self._index = None

    def sweep_empty(self) -> None:
        """Remove packs whose index lists nothing (an import killed, or stopped by a full
        disk, before its first batch was committed)."""
        for number in self.numbers():
            index = self.pack_path(number, ".index")
            if not index.exists() or index.stat().st_size == 0:
                self.pack_path(number, ".jsonl").unlink(missing_ok=True)
                index.unlink(missing_ok=True)

    def close(self) -> None:
        for pack in self._packs.values():
            pack.close()


class PackWriter:
    """One import's pack, created on its first batch and appended to a batch at a time.

    What it holds is known by its keys' hashes only (KeyHashes), and Packs' entries
    leave it out until read again (Packs.forget): the entries of a million-span import held
    30 MiB, a third of its memory, for the few articles an import names twice."""

    def __init__(self, packs: Packs, pack: Pack, index: Path) -> None:
        self.packs = packs
        self.pack = pack
        self.index = index
        self._sizes: tuple[int, int] | None = None  # bytes of the pack and the index committed
        self._keys = KeyHashes()

    def may_hold(self, key: str) -> bool:
        """Whether the pack may hold ``key`` (False: it does not; True: it does, or, once in
        a long while, another key of the same hash does)."""
        return key in self._keys

    def commit(self, articles: list[tuple[str, str, bytes]]) -> None:
        """Append ``(key, article id, line)`` for each article (pack_line's), durably, as one
        batch. If that fails (a full disk), neither file keeps any of it."""
        if not articles:
            return
        created = self._sizes is None
        pack_size, index_size = self._sizes or (0, 0)
        batch, offset = {}, pack_size
        for key, article_id, line in articles:
            batch[key] = [offset, len(line), article_id]
            offset += len(line)
        index_line = (json.dumps(batch) + "\n").encode()
        _append(self.pack.path, pack_size, b"".join(line for _, _, line in articles), created)
        _append(self.index, index_size, index_line, created)
        if created:
            fsync_directory(self.index.parent)
        self._sizes = offset, index_size + len(index_line)
        for key in batch:
            self._keys.add(key)


class KeyHashes:
    """A set of keys' 64-bit hashes, in an array (open addressing, linear probing): 16
    bytes a key at most, where a set of the hashes took 85 (8.5 MiB of a million-span
    import's peak). Two keys of one hash (one pair in 10^8 among 100,000 keys) are
    taken for one: the caller looks the key up where it is sure."""

    def __init__(self) -> None:
        self._slots = array("q", bytes(8 * 1024))  # 0: an empty slot
        self._count = 0

    def add(self, key: str) -> None:
        if 2 * (self._count + 1) > len(self._slots):
            old, self._slots, self._count = self._slots, array("q", bytes(16 * len(self._slots))), 0
            for value in old:
                if value:
                    self._put(value)
        self._put(_hash(key))

    def __contains__(self, key: str) -> bool:
        return self._slots[self._slot(_hash(key))] != 0

    def _slot(self, value: int) -> int:
        """The slot that holds ``value``, or the empty one where it would go."""
        slots, mask = self._slots, len(self._slots) - 1
        place = value & mask
        while slots[place] not in (0, value):
            place = (place + 1) & mask
        return place

    def _put(self, value: int) -> None:
        place = self._slot(value)
        if not self._slots[place]:
            self._slots[place] = value
            self._count += 1


def _hash(key: str) -> int:
    return hash(key) or 1  # 0 marks an empty slot


def _append(path: Path, size: int, data: bytes, create: bool) -> None:
    """Write ``data`` at ``size`` (what was committed) and sync it (see append_synced); the
    OSError of a failure names ``path``."""
    fd = os.open(path, os.O_WRONLY | (os.O_CREAT | os.O_EXCL if create else 0), 0o644)
    try:
        append_synced(fd, size, data)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from None
    finally:
        os.close(fd)


def pack_line(key: str, tables: dict, text: str) -> bytes:
    """An article's line in a pack: its key, its file's tables and its text."""
    # Keys sorted, as an article file holds its records: they read back in the same order.
    line = json.dumps({"key": key, "tables": tables, "text": text}, ensure_ascii=False, sort_keys=True)
    return (line + "\n").encode("utf-8")


class PackedStorage(AtomicJSONStorage):
    """An article's file, or, given the ``entry`` of an article that has no file yet (the
    folder's listing says), its pack line: its tables until the first write (the article's
    first change), which writes its text, then its file; from then on it is an article
    file like any other."""

    def __init__(self, path: str | Path, read_only: bool = False, entry: PackEntry | None = None) -> None:
        super().__init__(path, read_only)
        self.entry = entry  # None once the article has a file of its own
        self._line: dict | None = None

    def read(self) -> dict | None:
        if self._tables is None and self.entry is not None:
            self._line = self.entry.read()
            self._tables = self._line["tables"]
        return super().read()

    def packed_text(self) -> str | None:
        """The article's text from its pack line, while it has no file of its own."""
        self.read()
        return None if self.entry is None or self._line is None else self._line["text"]

    def own_files(self) -> None:
        """Write the article's text and file from its pack line, unless it has them."""
        if not self.read_only and self.packed_text() is not None:
            self._write_whole()

    def _write_whole(self) -> None:
        text = self.packed_text()
        if text is not None:  # the text first: a file is never without its text
            atomic_write(self.path.with_suffix(".txt"), text.encode("utf-8"), keep_backup=False)
        super()._write_whole()
        self.entry = self._line = None

    def forget(self) -> None:
        super().forget()
        self._line = None  # its tables were changed in place: read the line again
