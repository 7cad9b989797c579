"""Where a command may write, and how: the outputs a user types (export's -o and --clusters,
merge's -o) checked before anything is written, then written as what the path is.

- Never into a database: the database file, its ``.lock`` and ``.bak``, and anything in its
  ``.d`` folder, compared after resolving symlinks and ``..``; never two outputs on one path.
- A regular file or a new path is replaced atomically (old or new, never a mix); a symlink's
  target is written, the link stays; a FIFO, a character device (/dev/null, a terminal), a
  socket or a file held open by a process (/dev/stdout of `> file` or `>> file`) is written
  through, never replaced; a block device is refused.
- A folder (brat's) is filled in a temporary folder and moved into place when complete, so a
  failure leaves no partial folder.
- A problem is an OutputError, one line naming the path (made printable).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .storage import atomic_writer, backup_path, fsync_directory
from .text import printable


class OutputError(Exception):
    """An output path that cannot be written as asked; ``str()`` is the one-line message."""


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _database_parts(database: Path) -> tuple[set[Path], set[Path]]:
    """The database's files and its folder, resolved. Named as given too: a symlink to the
    database file has its own .d folder and .lock until Store.open resolves it first."""
    files, folders = set(), set()
    for name in {Path(database).expanduser().absolute(), _real(Path(database).expanduser())}:
        files |= {_real(name), _real(name.with_name(name.name + ".lock")), _real(backup_path(name))}
        folders.add(_real(name.with_name(name.name + ".d")))
    return files, folders


def refuse_database_paths(outputs: Iterable[Path], databases: Iterable[Path]) -> None:
    """Refuse an output that is, or is inside, one of ``databases`` (as given)."""
    parts = [(database, *_database_parts(database)) for database in databases]
    for output in outputs:
        real_output = _real(output)
        for database, files, folders in parts:
            if real_output in files or any(real_output.is_relative_to(folder) for folder in folders):
                raise OutputError(
                    f"{printable(output)}: is part of the database {printable(database)}; give an output outside it"
                )


def refuse_shared_paths(first: Path, second: Path, first_name: str) -> None:
    """Refuse two outputs on one path: the later write would replace the earlier."""
    if _real(first) == _real(second):
        raise OutputError(f"{printable(second)}: is also the {first_name}'s output; give each output its own path")


def _mode(path: Path) -> int | None:
    """What ``path`` is (following symlinks), None for nothing there yet."""
    try:
        return os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        raise OutputError(f"{printable(path)}: {error.strerror}") from None


def _check_folder_of_new_file(path: Path, folder: Path) -> None:
    if not folder.is_dir():
        raise OutputError(f"{printable(path)}: cannot write there: no such folder {printable(folder)}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{printable(path)}: cannot write in its folder {printable(folder)}: permission denied")


def _names_a_descriptor(path: Path) -> bool:
    """Whether ``path`` reaches its file through /proc/<pid>/fd (as /dev/stdout and /dev/fd/N
    do): that file is one a process holds open, maybe a shell's ``>> file``, which a new file
    in its place would cut off from what was there."""
    for _ in range(40):  # the kernel's own limit on links followed
        if not path.is_symlink():
            return False
        if re.fullmatch(r"/proc/[^/]+/fd", os.path.realpath(path.parent)):
            return True
        path = path.parent / os.readlink(path)
    return False


def _replaced(path: Path, mode: int) -> bool:
    """Whether ``path``, which is there, is written by replacing it (a new file beside, renamed over it)."""
    return stat.S_ISREG(mode) and not _names_a_descriptor(path)


def check_file_output(path: Path) -> None:
    """Refuse, before anything is written, a file output that write_file could not write."""
    mode = _mode(path)
    if mode is None or _replaced(path, mode):
        _check_folder_of_new_file(path, _real(path).parent)
    elif stat.S_ISDIR(mode):
        raise OutputError(f"{printable(path)}: is a folder; this format writes a file")
    elif stat.S_ISBLK(mode):
        raise OutputError(f"{printable(path)}: is a block device; refusing to write to it")


def check_folder_output(path: Path) -> None:
    """Refuse, before anything is written, a folder output that new_folder could not fill."""
    mode = _mode(path)
    if mode is None:
        _check_folder_of_new_file(path, _real(path).parent)
    elif not stat.S_ISDIR(mode):
        raise OutputError(f"{printable(path)}: not a folder; this format writes a folder of files")
    elif not os.access(path, os.W_OK | os.X_OK):
        raise OutputError(f"{printable(path)}: cannot write in this folder: permission denied")


def _cannot_write(path: Path, error: OSError) -> OutputError:
    return OutputError(f"{printable(path)}: cannot write: {error.strerror or error}")


@contextmanager
def output_file(path: Path) -> Iterator[BinaryIO]:
    """A file to write ``path`` through, as what it is (see the module's docstring): what the
    block writes goes out as it is written, and a replaced file takes its place, whole, when
    the block ends (if the block fails, ``path`` is as it was)."""
    mode = _mode(path)
    try:
        if mode is None or _replaced(path, mode):
            with atomic_writer(_real(path), keep_backup=False) as handle:
                yield handle
        elif stat.S_ISSOCK(mode):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.connect(str(path))
                with connection.makefile("wb") as handle:
                    yield handle
        else:  # a FIFO, a device or a held file: its reader wants the bytes, not a new file in its place
            with open(path, "ab") as handle:  # appending: a shell's `>> file` keeps what it had
                yield handle
    except BrokenPipeError:
        raise  # the reader went away, as with `| head`: not an error of ours
    except OSError as error:
        raise _cannot_write(path, error) from None


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as what it is (see output_file)."""
    with output_file(path) as handle:
        handle.write(data)


def _move_into(filled: Path, folder: Path) -> None:
    for entry in filled.iterdir():
        os.replace(entry, folder / entry.name)
    filled.rmdir()
    fsync_directory(folder)


@contextmanager
def new_folder(path: Path) -> Iterator[Path]:
    """A folder to fill with files, which become ``path``'s (a symlink's target's) when the
    block ends. A new ``path`` appears whole (one rename); into an existing folder, already
    complete files are moved one by one, and files already there that are not replaced stay.
    If the block fails, its files are removed and the error is an OutputError."""
    folder = _real(path)
    exists = folder.is_dir()
    filling = (folder if exists else folder.parent) / f".{folder.name[:200]}.{os.getpid()}.tmp"  # 255 bytes a name
    try:
        shutil.rmtree(filling, ignore_errors=True)  # left by a run of ours killed before it finished
        filling.mkdir()
        yield filling
        if exists:
            _move_into(filling, folder)
        else:
            filling.rename(folder)
            fsync_directory(folder.parent)
    except BaseException as error:
        shutil.rmtree(filling, ignore_errors=True)
        if isinstance(error, OSError):
            raise _cannot_write(path, error) from None
        raise
