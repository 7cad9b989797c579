"""Doing, undoing and redoing steps in write-ahead order: a step's line goes to the undo
log (history.py) before its changes go to the files (folder.py), and the files of one
step are written before the next is logged. Settling, on open, what a crash left between
the two."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress

from ..articles import Article
from .errors import ReadOnlyError, StoreError
from .files import RecordFile
from .folder import Folder
from .history import History
from .records import Change, Record, Step


class Steps:
    """The steps of one open database. ``log`` is its undo log as read; a database open
    for writing adds to it (``history``), one open read-only shows from memory what the
    log holds beyond the files, and writes nothing."""

    def __init__(self, folder: Folder, log: History) -> None:
        self.folder = folder
        self.log = log
        self.history = None if folder.read_only else log
        self._unwritten: dict[int, RecordFile] = {}

    def flush(self) -> None:
        """Write the files that the last step changed in memory only (write-behind). If
        that fails they are kept, and the next call (at the latest, the next step's)
        tries again; the step itself is safe in the undo log."""
        for key in list(self._unwritten):
            self._unwritten[key].write_held()
            del self._unwritten[key]

    def do(self, step: Step, articles: dict[str, Article] | None, write_behind: Callable[[], None] | None) -> Step:
        """Do the step: its line goes to the undo log (durable: write-ahead), then its
        changes to the files, each file it touches once; durable on return. ``articles``:
        those of new spans, registered first. With ``write_behind`` the files are written
        later, by flush(), which it schedules: the log is then at most one step ahead of
        them, and the next open brings them up to it (see settle). If the files cannot be
        written (and not with write-behind), the step is undone and logged as dropped."""
        if self.history is None:
            raise ReadOnlyError("the database is open read-only (another Broadsheet writes to it): nothing is saved")
        if not step.changes:
            return step
        self.flush()  # the last step's files first: the log is never more than one step ahead
        for article_id, article in (articles or {}).items():
            shard = self.folder.shard(article_id)
            with shard.writing():
                self.folder.register(shard, article)
        number = self.history.append(step)
        for change in step.changes:
            records = self.folder.records_of(change)
            with records.writing(hold=True):
                self._apply(change)
            self._unwritten[id(records)] = records
        if write_behind is not None:
            write_behind()
            return step
        try:
            self.flush()
        except BaseException:
            self._drop(step, number)
            raise
        return step

    def _drop(self, step: Step, number: int) -> None:
        """Take back step ``number``, whose files could not be written: the files as they
        were, and a line in the log that it never happened."""
        assert self.history is not None
        for records in self._unwritten.values():
            records.forget()
        self._unwritten.clear()
        with suppress(OSError, StoreError):  # if this fails too, the next open finishes the step
            self._apply_all(step.inverted())
            self.history.drop(number)

    def _apply(self, change: Change) -> None:
        """Make the store show ``change.after``; doing it twice changes nothing more.
        Open read-only, it is shown from memory and no file is written."""
        records = self.folder.records_of(change)
        (records.show if self.folder.read_only else records.set)(change.record.id, change.after)

    def _apply_all(self, step: Step) -> None:
        """Apply each change the store does not show yet (a settled step writes nothing)."""
        for change in step.changes:
            if not self._shows(change, change.after):
                self._apply(change)

    def _shows(self, change: Change, state: Record | None) -> bool:
        return self.folder.records_of(change).get(change.record.id) == state

    def settle(self) -> None:
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
        if self.log.cut_short:
            if not self.folder.read_only:
                self.log.forget_steps_not_shown(
                    lambda step: all(self._shows(change, change.after) for change in step.changes)
                )
        elif (state := self.log.settled_state()) is not None:
            self._apply_all(state)

    def move(self, undo: bool) -> Step | None:
        """Undo the newest step done (or redo the most recently undone); returns it, or None
        when there is none. The undo (or redo) is logged first, then the files change; if
        they cannot be changed, the log is put back as it was."""
        if self.history is None:
            raise ReadOnlyError("the database is open read-only (another Broadsheet writes to it): nothing is saved")
        self.flush()
        history = self.history
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
