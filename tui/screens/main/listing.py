"""Reading the rest of the corpus after the first paint.

Start-up reads only the files the first columns show (the corpus is listed, and read in
order as far as asked); the others are read here, in a worker thread, once the first
frame is out: 100,000 small files took 3 to 4.5 s to open before the app could start.
Until then the picker and the title take the articles read so far (the picker takes in
the others as they come), and a search or a job over every article reads the rest in its
own thread. What the files hold wrong (a duplicate id, a binary file) joins the session's
problems: named in one notice when the reading is done, and on stderr when the app ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from ...notices import name_skipped

if TYPE_CHECKING:
    from .screen import MainScreen


class Listing:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self._started = False

    def start(self) -> None:
        """Read the rest in a worker, unless it is read or being read. Called once the first
        frame is out, and by what waits for the rest: a callback after the refresh waits for
        the screen's next idle moment, which never came while a picker opened first covered
        it (the picker then said "listing…" for good)."""
        if not self._started and not self.screen.session.articles.complete:
            self._started = True
            self.screen.run_worker(self._read_rest, thread=True, exit_on_error=False, group="listing")

    def _read_rest(self) -> None:
        worker = get_current_worker()
        problems = self.screen.session.problems
        named = len(problems)
        self.screen.session.articles.read_rest(stop=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.screen.app.call_from_thread(self._listed, problems[named:])

    def _listed(self, problems: list[str]) -> None:
        """Every file read: the title says how many are open, and a notice names those skipped."""
        if self.screen.is_attached:
            self.screen.columns.say_shown(len(self.screen.columns.views))
        name_skipped(self.screen, problems)
