"""Search in the focused column's article: the search box (/), and the next or previous
match (n, N) of the last query, selected so that a label key tags it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotations.search import find_matches, next_match

from ...widgets.article_view import ArticleView
from ...widgets.bars import KeyBar

if TYPE_CHECKING:
    from ...widgets.search_box import SearchBox
    from .screen import MainScreen


class Search:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.query = ""
        self._origin: ArticleView | None = None  # the column searched, focused again when the box closes
        self._box: SearchBox | None = None  # mounted when first opened

    def open(self) -> None:
        box = self._box
        if box is None:
            # Mounted on first use: the first frame does without an Input (its import, its
            # styles and a node). The mount is not awaited: set_focus takes effect at once,
            # so the keys typed next queue on the box, behind its mount.
            from ...widgets.search_box import SearchBox

            box = self._box = SearchBox(
                self._run,
                self._close,
                placeholder="Search this article (enter: select the next match, escape: close)",
                id="search",
            )
            self.screen.mount(box, before=self.screen.query_one(KeyBar))
        self._origin = self.screen.columns.focused
        box.display = True
        box.value = self.query
        self.screen.set_focus(box)

    def _close(self) -> None:
        if self._box is not None:
            self._box.display = False
        self.screen.set_focus(self._origin or self.screen.columns.views[0])

    def _run(self, query: str) -> None:
        self.query = query
        view = self._origin or self.screen.columns.views[0]
        self._close()
        self._select_match(view, 1, include_cursor=True)

    def again(self, direction: int) -> None:
        self._select_match(self.screen.columns.focused, direction, include_cursor=False)

    def _select_match(self, view: ArticleView | None, direction: int, include_cursor: bool) -> None:
        if view is None or not self.query:
            return
        matches = find_matches(view.text, self.query)
        view.set_matches(matches)
        selection = view.selection
        origin = selection[0] if selection else view.cursor
        match = next_match(matches, origin, direction, include_offset=include_cursor and selection is None)
        if match is None:
            self.screen.notify(f"Not found: {self.query}", severity="warning")
            return
        view.select(*match)
