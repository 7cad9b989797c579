"""A job over every open article (running the suggesters, finding every occurrence) that
leaves the interface free: finding runs in a worker thread, and what it finds is handed to
the interface's thread, an article at a time, which alone writes the store."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from annotations.articles import Article, ArticleError
from annotations.suggest import Candidate

PROGRESS_INTERVAL = 0.1  # seconds between progress repaints
SWITCH_INTERVAL = 0.0005  # seconds a thread may hold the GIL while a job runs


class ArticleJob:
    def __init__(
        self,
        screen: Screen,
        title: str,
        articles: list[Article],
        find: Callable[[Article], list[Candidate]],
        on_found: Callable[[Article, list[Candidate]], int],
        on_done: Callable[[ArticleJob], None],
        on_progress: Callable[[], None],
    ) -> None:
        """``on_found`` stores what was found in one article and says how many spans it made;
        ``on_done`` runs when every article was looked at (not when the app is closing)."""
        self.screen = screen
        self.title = title
        self.articles = articles
        self.find = find
        self.on_found = on_found
        self.on_done = on_done
        self.on_progress = on_progress
        self.done = 0
        self.count = 0  # spans made
        self.unreadable = 0
        self.worker: Worker | None = None

    @property
    def total(self) -> int:
        return len(self.articles)

    def describe(self) -> str:
        return f"{self.title} {self.done:,}/{self.total:,} articles"

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0

    def start(self) -> None:
        self.worker = self.screen.run_worker(self._run, thread=True, group="articles", exit_on_error=False)

    def _found(self, article: Article, found: list[Candidate]) -> None:
        self.count += self.on_found(article, found)

    def _run(self) -> None:
        worker = get_current_worker()
        app = self.screen.app
        shown = time.monotonic()
        # The finding holds the GIL; a key waits for it up to the switch interval (5 ms by
        # default). A shorter one, while the job runs, keeps keys answered promptly.
        switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        try:
            for article in self.articles:
                if worker.is_cancelled:
                    return
                try:
                    found = self.find(article)
                except ArticleError:  # named when the article is shown; here it is only skipped
                    self.unreadable += 1
                    found = []
                self.done += 1
                if found:
                    app.call_from_thread(self._found, article, found)
                if time.monotonic() - shown > PROGRESS_INTERVAL:
                    shown = time.monotonic()
                    app.call_from_thread(self.on_progress)
            app.call_from_thread(self.on_done, self)
        except RuntimeError:  # the app closed under the job (call_from_thread has no loop)
            return
        finally:
            sys.setswitchinterval(switch_interval)
