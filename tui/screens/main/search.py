"""Search in the focused column's article: the search box (/), the next or previous match
(n, N) of the last query, selected so that a label key tags it, with where it is among
them ("3 of 7") on the line under the columns; and the list of its matches in every open
article (ctrl+f, screens/matches.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from annotations.search import find_matches, next_match
from annotations.text import counted

from ...shown import plain
from ...widgets.article_view import ArticleView
from ...widgets.bars import KeyBar

if TYPE_CHECKING:
    from annotations.search import Found

    from ...widgets.search_box import SearchBox
    from .screen import MainScreen


class Search:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.query = ""
        self._origin: ArticleView | None = None  # the column searched, focused again when the box closes
        self._box: SearchBox | None = None  # mounted when first opened
        self._status: Static | None = None  # "3 of 7": mounted with the box
        self._everywhere = False  # the box was opened by ctrl+f: enter lists every open article's matches

    def open(self, everywhere: bool = False) -> None:
        self._everywhere = everywhere
        box = self._box
        if box is None:
            # Mounted on first use: the first frame does without an Input (its import, its
            # styles and a node). The mount is not awaited: set_focus takes effect at once,
            # so the keys typed next queue on the box, behind its mount.
            from ...widgets.search_box import SearchBox

            box = self._box = SearchBox(
                self._run,
                self._close,
                placeholder="Search (enter: the next match here, or with ctrl+f every open article's; escape: close)",
                id="search",
            )
            self._status = Static(id="search-status")
            self._status.display = False
            self.screen.mount(box, self._status, before=self.screen.query_one(KeyBar))
        self._origin = self.screen.columns.focused
        if self._status is not None:
            self._status.display = False
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
        if self._everywhere:
            self.everywhere()
        else:
            self._select_match(view, 1, include_cursor=True)

    def everywhere(self) -> None:
        """The last query's matches in every open article, to jump from; without a query
        yet, the search box first."""
        if not self.query:
            self.open(everywhere=True)
            return
        from ..matches import MatchesScreen

        self.screen.app.push_screen(MatchesScreen(self.screen.session.articles, self.query, self._jump))

    def _jump(self, found: Found) -> None:
        self.screen.columns.show_at(found.article_id, found.start)
        view = self.screen.columns.focused
        if view is not None and view.article.id == found.article_id:
            self._select_match(view, 1, include_cursor=True)

    def clear(self) -> bool:
        """Forget the query and its highlights (escape, when nothing else is left to
        cancel); False when there was none."""
        if not self.query:
            return False
        self.query = ""
        for view in self.screen.columns.views:
            view.set_matches([])
        if self._status is not None:
            self._status.display = False
        return True

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
        self._show_where(match, matches)
        if match is not None:
            view.select(*match)

    def _show_where(self, match: tuple[int, int] | None, matches: list[tuple[int, int]]) -> None:
        if self._status is None:
            return
        where = f"{matches.index(match) + 1} of {len(matches)} here" if match else "none here"
        self._status.update(
            plain(
                f"/{self.query}: {where} · n/N: next/previous · ctrl+f: "
                f"{counted(len(self.screen.session.articles), 'open article')} · escape: clear"
            )
        )
        self._status.display = True
