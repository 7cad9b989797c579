"""The undo log (``history.jsonl``): appending each step, undo and redo durably before the
files change (write-ahead), replaying it on open, cutting a line a crash left short, and
adopting the one-file-per-step log of earlier versions."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from ..storage import CorruptFileError, atomic_write, fsync_directory, loads
from .errors import StoreError
from .records import KINDS, Change, Step

HISTORY_LIMIT = 500


class History:
    """The undo log: one file, ``history.jsonl``, that only grows, a line at a time, each
    line fsynced before the files it speaks of are written (write-ahead, see steps.py)::

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
                raise StoreError(
                    f"{self.path}: line {number} is not an undo log entry; the file holds only the "
                    "undo history: move it aside to start a new one"
                )
            kind, step = match.group(1), int(match.group(2))
            self.last_entry = (kind.decode(), step)
            if kind == b"do":
                self._add_done(step, line)
            elif not self._names_the_step_due(kind, step):
                raise StoreError(
                    f"{self.path}: line {number} {kind.decode()}es step {step}, which is not the one "
                    "it should be; the file holds only the undo history: move it aside to start a new one"
                )
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
        for (number, _, state), path in sorted(
            (entry for entry in found if entry[0][0].isdigit()), key=lambda entry: int(entry[0][0])
        ):
            try:
                data = loads(path, path.read_bytes())
                records = data["change"]
                step = Step(
                    tuple(_change_from_record(records[key]) for key in sorted(records, key=int)),
                    data.get("step", {}).get("1", {}).get("name", ""),
                )
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
        assert self._fd is not None, "the log is open read-only"
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
    record_type = KINDS[record.get("kind", "span")]  # logs written before links were spans only
    before, after = record["before"], record["after"]
    return Change(
        record["article_id"],
        record_type.from_record(before) if before else None,
        record_type.from_record(after) if after else None,
    )
