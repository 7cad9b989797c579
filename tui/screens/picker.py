"""The article picker: choose which article fills the focused column.

Its list shows only the rows on screen (widgets/article_list.py), and a key filters a
slice of the articles at once, the rest between keys (annotations/article_filter.py):
with a million open it opens at once and answers each key in milliseconds."""

from __future__ import annotations

from collections.abc import Callable, Set

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input

from annotations.article_filter import ArticleFilter
from annotations.articles import Corpus

from ..widgets.article_list import ArticleList
from ..widgets.keys import forward_key, pass_on_if_unfocused, was_routed
from .dialog import Dialog

LISTING_SECONDS = 0.1  # between looks for the articles a corpus still being read has added
# How long a key may filter before the list shows what was found; the rest is filtered
# in slices as long, between keys, so a key typed meanwhile waits one slice at most.
SLICE_SECONDS = 0.008
# Between slices the loop is left to itself a moment: a typed key takes a few hops (the
# input, its container, this screen), each a turn of the loop, before it filters. A slice
# posted as a message instead ran back to back with the next: the scan held every key.
PAUSE_SECONDS = 0.002


class PickerFilter(Input):
    """The filter box. Enter, escape, up, down and the page keys act here, in order with the typed text."""

    SPECIAL_KEYS = ("enter", "escape", "up", "down", "pageup", "pagedown")

    def __init__(self, on_key: Callable[[str], None], **kwargs) -> None:
        super().__init__(**kwargs)
        self._on_special_key = on_key

    async def _on_key(self, event: events.Key) -> None:
        if pass_on_if_unfocused(self, event):
            return
        if event.key in self.SPECIAL_KEYS:
            event.stop()
            event.prevent_default()
            self._on_special_key(event.key)
            return
        await super()._on_key(event)


class ArticlePicker(Dialog):
    """Type to filter by outlet, title or id; enter opens, escape leaves the column as it was.

    The choice is handed to ``on_pick`` at once, not through dismiss's result callback,
    which runs later: a key typed right after enter must find the new article in place."""

    def __init__(self, articles: Corpus, on_pick: Callable[[int], None], done: Set[str] = frozenset()) -> None:
        """``done``: the ids of the articles the analyst has finished, marked in the list.
        While the corpus is still being read, the list takes in its articles as they come."""
        super().__init__()
        self.articles = articles
        self.done = done
        self._on_pick = on_pick
        self._filter = ArticleFilter(articles)
        self._scan_pending = False

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-body"):
            yield PickerFilter(self._special_key, placeholder="Filter articles (outlet, title, id)", id="picker-filter")
            yield ArticleList(self.articles, self._filter, self.done, id="picker-list")

    def on_mount(self) -> None:
        self._show_count()
        self._scan_later()

    def _fill(self, needle: str) -> None:
        if needle.casefold() == self._filter.needle:
            return
        self._filter.grow()
        self._filter.start(needle)
        self._filter.advance(SLICE_SECONDS)
        self.query_one(ArticleList).refilled()
        self._show_count()
        self._scan_later()

    def _scan_later(self) -> None:
        if self._scan_pending or (self._filter.done and self.articles.complete):
            return
        self._scan_pending = True
        self.set_timer(PAUSE_SECONDS if not self._filter.done else LISTING_SECONDS, self._scan)

    def _scan(self) -> None:
        """Filter the next slice of the articles (keys typed meanwhile come first), with
        those the corpus has added since."""
        self._scan_pending = False
        if not self.is_attached:
            return
        self._filter.grow()
        self._filter.advance(SLICE_SECONDS)  # nothing left when a key (the end, up from the top) filtered to the end
        self.query_one(ArticleList).grew()
        self._show_count()
        self._scan_later()

    def _show_count(self) -> None:
        found = len(self._filter.matches)
        count = f"{found:,} of {len(self.articles):,}" if self._filter.needle else f"{found:,} articles"
        if not self._filter.done:
            count += ", filtering…"
        elif not self.articles.complete:
            count += ", listing…"
        self.query_one("#picker-body").border_subtitle = count

    @on(Input.Changed, "#picker-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _special_key(self, key: str) -> None:
        articles = self.query_one(ArticleList)
        if key == "escape":
            self.dismiss()
        elif key in ("up", "down"):
            articles.move(1 if key == "down" else -1)
        elif key in ("pageup", "pagedown"):
            articles.move_page(1 if key == "pagedown" else -1)
        else:
            self._fill(self.query_one(PickerFilter).value)  # Changed may not have arrived yet
            article_index = articles.highlighted_article()
            if article_index is not None:
                self._pick(article_index)

    def on_key(self, event: events.Key) -> None:
        # Keys typed while this screen was still opening are routed to the screen itself:
        # they are meant for the filter.
        if was_routed(event):
            event.stop()
            forward_key(self.query_one(PickerFilter), event)
        elif event.key == "escape":  # from the list, when it has focus
            self.dismiss()

    @on(ArticleList.Picked)
    def _picked(self, event: ArticleList.Picked) -> None:
        self._pick(event.article_index)

    def _pick(self, article_index: int) -> None:
        self.dismiss()
        self._on_pick(article_index)
