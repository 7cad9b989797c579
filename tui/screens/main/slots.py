"""Which article each column of the main screen shows, and how many columns fit.

Plain Python, no widgets: the rule for filling and swapping columns (an article is
shown once; one that cannot be read is skipped and named once) can be read and tested
apart from the screen that draws the columns (columns.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from annotations.articles import Article, ArticleError, Corpus

from ...widgets.annotation_panel import PANEL_WIDTH

MIN_COLUMN_WIDTH = 40
MAX_COLUMNS = 9
# Side by side is the point: where the panel leaves room for one column, two narrower
# columns beside a narrower panel (at 80 cells: 30, 30 and 20).
NARROW_COLUMN_WIDTH = 30
NARROW_PANEL_WIDTH = 20


def arrangement(width: int, articles: int, panel_folded: bool = False) -> tuple[int, int]:
    """(article columns, panel cells) for a screen ``width`` cells wide: three columns and
    the panel at 160 cells, two and a narrower panel at 80; a folded panel has no cells."""
    panel = 0 if panel_folded else PANEL_WIDTH
    columns = (width - panel) // MIN_COLUMN_WIDTH
    if columns < 2 <= articles and not panel_folded and (width - NARROW_PANEL_WIDTH) // NARROW_COLUMN_WIDTH >= 2:
        columns, panel = 2, NARROW_PANEL_WIDTH
    return max(1, min(columns, MAX_COLUMNS, articles)), panel


class ColumnSlots:
    """``slots[position]`` is the index (in ``articles``) of the article column ``position`` shows.

    The corpus is read only as far as the columns need: at start, the articles they show."""

    def __init__(self, articles: Sequence[Article], on_unreadable: Callable[[ArticleError], None]) -> None:
        """``on_unreadable`` names an article whose text cannot be read, the first time it is needed."""
        self.articles = Corpus.of(articles)
        self.slots: list[int] = list(range(min(len(self.articles), MAX_COLUMNS)))
        self.unreadable: set[int] = set()
        self._on_unreadable = on_unreadable

    def restore(self, article_ids: list[str]) -> None:
        """Columns as a layout kept from the last session had them: the articles named, where
        they are still open, then the others in order (as ``fill`` comes to them)."""
        kept = dict.fromkeys(index for article_id in article_ids if (index := self.index_of(article_id)) is not None)
        self.slots = list(kept)[:MAX_COLUMNS]

    def index_of(self, article_id: str) -> int | None:
        """Where the article is among the open ones (the corpus is read on until it is found)."""
        return self.articles.find(article_id)

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

    def wanted(self, width: int, panel_folded: bool = False) -> tuple[int, int]:
        """(columns, panel cells) a screen ``width`` cells wide shows."""
        fit, _ = arrangement(width, MAX_COLUMNS, panel_folded)
        self.articles.has(fit + len(self.unreadable) - 1)  # read as far as the columns that fit need
        return arrangement(width, len(self.articles) - len(self.unreadable), panel_folded)

    def fill(self, position: int) -> int | None:
        """The article for column ``position``: its own, or the next readable one not shown
        in the columns before it (its own may be, if an unreadable one before it was replaced)."""
        taken = set(self.slots[:position])
        if position < len(self.slots) and self.slots[position] not in taken and self.readable(self.slots[position]):
            return self.slots[position]
        index = 0
        while self.articles.has(index):
            if index not in taken and self.readable(index):
                if position < len(self.slots):
                    self.slots[position] = index
                else:
                    self.slots.append(index)
                return index
            index += 1
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
