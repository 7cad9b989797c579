"""One writer at a time: the flock on ``<db>.lock`` and the database's real path, through
any symlink, so that a second name cannot open the same files beside a writer."""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

from .errors import DatabaseLocked, StoreError


def database_file(path: str | Path, read_only: bool) -> Path:
    """The database file ``path`` names, through any symlink; StoreError when it names no
    file (or, ``read_only``, no database)."""
    if not str(path):
        raise StoreError("the database path is empty; give a file, e.g. --db broadsheet.json")
    # Through any symlink: the lock and the .d folder belong to the real file, which a
    # second name must not open beside a writer, or split into a folder of its own.
    path = Path(path).expanduser().resolve()
    if path.is_dir():
        raise StoreError(f"{path}: is a folder; the database is a file in it, e.g. {path / 'broadsheet.json'}")
    if read_only and not path.exists():
        raise StoreError(f"{path}: no such database")
    return path


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def take_lock(path: Path) -> int:
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
        release_lock(fd)
        raise StoreError(f"{_lock_path(path)}: cannot write: {error.strerror}") from None
    return fd


def database_parts(path: Path) -> list[Path]:
    """The file, lock and folder that a database at ``path`` is made of."""
    return [path, _lock_path(path), path.with_name(path.name + ".d")]


def release_lock(fd: int | None) -> None:
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
