"""The picker's list of articles: one row per article that matches the filter, drawn a row
at a time (the Line API), so that a million open articles cost the rows on screen, not a
widget or an option each (an OptionList of a million took 48 s to fill and 1.2 GB)."""

from __future__ import annotations

import sys
from collections.abc import Sequence, Set
from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip

from annotations.article_filter import ArticleFilter
from annotations.articles import Article
from annotations.text import printable

from ..shown import fitted_path
from .keys import pass_on_if_unfocused
from .line_view import LineView

ALL = sys.maxsize  # rows wanted: every one (the scan runs to its end)


def article_label(article: Article, done: bool = False, width: int = sys.maxsize) -> Text:
    """Outlet and date (or the id), then the title (or the file: cut at its start, to keep
    its name, in a row ``width`` cells wide), a ✓ before one the analyst has finished: text
    from the file, never markup."""
    heading = " · ".join(part for part in (article.outlet, article.date) if part) or article.id
    label = Text("✓ " if done else "  ", style="bold green")
    label.append(printable(heading), style="bold")
    label.append("  ")
    # Not the text: it is read lazily.
    title = (
        printable(article.title) if article.title else fitted_path(printable(article.source), width - label.cell_len)
    )
    label.append(title, style="italic")
    return label


class ArticleList(LineView):
    """The filter's matches, a row each, one highlighted. Rows beyond those found so far are
    asked of the filter when a key moves to them (the end, a page down)."""

    STYLE_PREFIX = "article-list"
    COMPONENT_CLASSES: ClassVar[set[str]] = {"article-list--cursor"}
    DEFAULT_CSS = """
    ArticleList {
        height: 1fr;
        padding: 0 1;
        background: $surface;
        & > .article-list--cursor {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .article-list--cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
    }
    """

    class Picked(Message):
        """An article was chosen by a click or by enter on the list."""

        def __init__(self, article_index: int) -> None:
            super().__init__()
            self.article_index = article_index

    def __init__(
        self, articles: Sequence[Article], article_filter: ArticleFilter, done: Set[str] = frozenset(), **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.articles = articles
        self.filter = article_filter
        self.done = done
        self.highlighted = 0  # a row number; no article is highlighted when there is no such row
        self._strips: LRUCache[tuple[int, bool, int], Strip] = LRUCache(1024)  # by article, highlight, width

    @property
    def rows(self) -> Sequence[int]:
        return self.filter.matches

    def highlighted_article(self) -> int | None:
        """The article highlighted (its index), once the filter has found that far."""
        self.filter.advance(0, at_least=self.highlighted + 1)
        rows = self.rows
        return rows[self.highlighted] if self.highlighted < len(rows) else None

    def refilled(self) -> None:
        """The filter started again: the first row highlighted, at the top."""
        self.highlighted = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self.grew()

    def grew(self) -> None:
        """The filter found more rows."""
        height = len(self.rows)
        if self.virtual_size.height != height:
            self.virtual_size = Size(0, height)  # width 0: labels are cut to fit, never scrolled sideways
        self.refresh()

    def move(self, step: int) -> None:
        """Up or down a row, round from either end to the other, as the OptionList did."""
        target = self.highlighted + step
        self.filter.advance(0, at_least=target + 1 if target >= 0 else ALL)
        count = len(self.rows)
        if count:
            self._highlight(target % count)

    def move_page(self, direction: int) -> None:
        """A page up or down, stopping at either end."""
        self.move_to(self.highlighted + direction * max(self.viewport.region.height, 1))

    def move_to(self, row: int) -> None:
        """Highlight ``row``, or the nearest there is (ALL: the last)."""
        self.filter.advance(0, at_least=row + 1)
        if self.rows:
            self._highlight(min(max(row, 0), len(self.rows) - 1))

    def _highlight(self, row: int) -> None:
        self.highlighted = row
        self.grew()
        self.scroll_to_region(Region(0, row, 1, 1), animate=False, immediate=True)

    def render_line(self, y: int) -> Strip:
        top, region = self.viewport
        row, width = top + y, region.width
        styles = self.line_styles
        rows = self.rows
        if row >= len(rows):
            return Strip.blank(width, styles.base)
        key = (rows[row], row == self.highlighted, width)
        strip = self._strips.get(key)
        if strip is None:
            style = styles.base + styles.cursor if key[1] else styles.base
            article = self.articles[key[0]]
            label = article_label(article, article.id in self.done, width)
            label.truncate(width, overflow="ellipsis")
            segments = [
                Segment(text, style + part if part else style) for text, part, _ in label.render(self.app.console)
            ]
            strip = self._strips[key] = Strip(segments).extend_cell_length(width, style).crop(0, width)
        return strip

    def forget_lines(self) -> None:
        self._strips.clear()

    async def _on_key(self, event: events.Key) -> None:
        if pass_on_if_unfocused(self, event):
            return
        moves = {
            "up": lambda: self.move(-1),
            "down": lambda: self.move(1),
            "home": lambda: self.move_to(0),
            "end": lambda: self.move_to(ALL),
            "pageup": lambda: self.move_page(-1),
            "pagedown": lambda: self.move_page(1),
        }
        if event.key in moves:
            moves[event.key]()
        elif event.key == "enter":
            self._pick(self.highlighted_article())
        else:
            return
        event.stop()
        event.prevent_default()

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            row = self.viewport.top + offset.y
            if row < len(self.rows):
                self._highlight(row)
                self._pick(self.rows[row])

    def _pick(self, article_index: int | None) -> None:
        if article_index is not None:
            self.post_message(self.Picked(article_index))
