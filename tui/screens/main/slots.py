"""Which article each column of the main screen shows, and how many columns fit.

Plain Python, no widgets: the rule for filling and swapping columns (an article is
shown once; one that cannot be read is skipped and named once) can be read and tested
apart from the screen that draws the columns (columns.py).
"""

from __future__ import annotations

from collections.abc import Callable

from annotations.articles import Article, ArticleError

from ...widgets.annotation_panel import PANEL_WIDTH

MIN_COLUMN_WIDTH = 40
MAX_COLUMNS = 9


def column_count(width: int, articles: int) -> int:
    """How many article columns fit: three at 160 cells, one at 80."""
    return max(1, min((width - PANEL_WIDTH) // MIN_COLUMN_WIDTH, MAX_COLUMNS, articles))


class ColumnSlots:
    """``slots[position]`` is the index (in ``articles``) of the article column ``position`` shows."""

    def __init__(self, articles: list[Article], on_unreadable: Callable[[ArticleError], None]) -> None:
        """``on_unreadable`` names an article whose text cannot be read, the first time it is needed."""
        self.articles = articles
        self.slots: list[int] = list(range(min(len(articles), MAX_COLUMNS)))
        self.unreadable: set[int] = set()
        self._on_unreadable = on_unreadable
        self._index_of = {article.id: index for index, article in enumerate(articles)}  # ids are unique in a corpus

    def index_of(self, article_id: str) -> int | None:
        return self._index_of.get(article_id)

    def readable(self, index: int) -> bool:
        """Whether the article's text can be read (it is read on first use)."""
        if index in self.unreadable:
            return False
        try:
            self.articles[index].text  # noqa: B018 - read for the error an unreadable file raises
        except ArticleError as error:
            self.unreadable.add(index)
            self._on_unreadable(error)
            return False
        return True

    def wanted(self, width: int) -> int:
        """How many columns a screen ``width`` cells wide shows."""
        return column_count(width, len(self.articles) - len(self.unreadable))

    def fill(self, position: int) -> int | None:
        """The article for column ``position``: its own, or the next readable one not shown
        in the columns before it (its own may be, if an unreadable one before it was replaced)."""
        taken = set(self.slots[:position])
        if position < len(self.slots) and self.slots[position] not in taken and self.readable(self.slots[position]):
            return self.slots[position]
        for index in range(len(self.articles)):
            if index not in taken and self.readable(index):
                if position < len(self.slots):
                    self.slots[position] = index
                else:
                    self.slots.append(index)
                return index
        return None

    def open(self, position: int, index: int) -> int | None:
        """Show article ``index`` in column ``position``. If another column showed it, the
        two swap: that column's position is returned, to show what this one showed."""
        previous = self.slots[position]
        other = None
        if index in self.slots:
            other = self.slots.index(index)
            self.slots[other] = previous
        self.slots[position] = index
        return other
