"""A job over every open article (running the suggesters, finding every occurrence) that
leaves the interface free: finding runs in a worker thread, and what it finds is posted to
the interface's thread, which alone writes the store, an article per message. The worker
finds on while the interface stores, but never more than IN_FLIGHT articles ahead: a key
queues behind the messages already posted, so a long backlog would hold every key up."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from annotations.articles import Article, ArticleError

if TYPE_CHECKING:
    from annotations.suggest import Candidate

PROGRESS_INTERVAL = 0.1  # seconds between progress repaints
SWITCH_INTERVAL = 0.0005  # seconds a thread may hold the GIL while a job runs
IN_FLIGHT = 1  # articles posted and not yet stored


class JobFound(Message):
    """What the job found in one article, and how many articles it has looked at."""

    def __init__(self, job: ArticleJob, article: Article, found: list[Candidate], looked_at: int) -> None:
        super().__init__()
        self.job, self.article, self.found, self.looked_at = job, article, found, looked_at


class JobFinished(Message):
    def __init__(self, job: ArticleJob) -> None:
        super().__init__()
        self.job = job


class ArticleJob:
    """The screen that starts a job hands its JobFound and JobFinished messages to
    ``take`` and ``finish``."""

    def __init__(
        self,
        screen: Screen,
        title: str,
        articles: Sequence[Article],  # a corpus still being read is read on as the job goes
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
        self.done = 0  # articles whose findings are stored
        self.count = 0  # spans made
        self._shown = 0.0
        self._room = threading.BoundedSemaphore(IN_FLIGHT)

    @property
    def total(self) -> int:
        return len(self.articles)

    def describe(self) -> str:
        return f"{self.title} {self.done:,}/{self.total:,} articles"

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0

    def start(self) -> None:
        self.screen.run_worker(self._run, thread=True, group="articles", exit_on_error=False)

    def take(self, message: JobFound) -> None:
        try:
            if message.found:
                self.count += self.on_found(message.article, message.found)
        finally:
            self._room.release()
        self.done = message.looked_at
        if time.monotonic() - self._shown > PROGRESS_INTERVAL:
            self._shown = time.monotonic()
            self.on_progress()

    def finish(self) -> None:
        self.done = self.total
        self.on_done(self)

    def _run(self) -> None:
        worker = get_current_worker()
        posted = time.monotonic()
        with keys_first():
            for looked_at, article in enumerate(self.articles, start=1):
                if worker.is_cancelled:
                    return
                try:
                    found = self.find(article)
                except ArticleError:  # named when the article is shown; here it is only skipped
                    found = []
                if found or time.monotonic() - posted > PROGRESS_INTERVAL:
                    while not self._room.acquire(timeout=0.5):
                        if worker.is_cancelled:  # the app closed: nobody takes what is posted
                            return
                    posted = time.monotonic()
                    self.screen.post_message(JobFound(self, article, found, looked_at))
            self.screen.post_message(JobFinished(self))


@contextmanager
def keys_first() -> Iterator[None]:
    """For work in a worker thread: it holds the GIL, and a key waits for it up to the
    switch interval (5 ms by default). A shorter one, while the work runs, keeps keys
    answered promptly."""
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(switch_interval)
