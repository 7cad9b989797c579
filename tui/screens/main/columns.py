"""The article columns of the main screen: as many as fit the width beside the panel
(narrower, or folded away), focused in turn or by number, and an article opened in one
(from the picker, or to show a span). The title says when open articles are not shown.

Which article each column shows is ColumnSlots' (slots.py); this part makes, mounts and
focuses the ArticleView widgets for it. Focus changes go through set_focus, which takes
effect at once: Widget.focus() waits for a refresh, and a fast typist's next key would
still reach the old widget.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from annotations.articles import ArticleError
from annotations.layout import Layout, read_layout, save_layout
from annotations.model import Annotation
from annotations.text import counted

from ...keymap import label_bindings
from ...widgets.article_view import ArticleView
from .slots import ColumnSlots

if TYPE_CHECKING:
    from annotations.proposals.model import Mention

    from .screen import MainScreen


class Columns:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.slots = ColumnSlots(screen.session.articles, self._skip)
        self.panel_folded = False
        self._kept = read_layout(screen.session.store)  # where the last session left off
        if self._kept is not None:
            self.slots.restore(self._kept.columns)
            self.panel_folded = self._kept.panel_folded

    def restore_cursors(self) -> None:
        """Once the columns are there: each cursor where the last session left it, and its
        focused column focused."""
        views = self.views
        if self._kept is not None:
            for view in views:
                if view.article.id in self._kept.cursors:
                    view.move_to(min(self._kept.cursors[view.article.id], max(len(view.text) - 1, 0)))
        focused = self._kept.focused if self._kept is not None and self._kept.focused < len(views) else 0
        self.screen.set_focus(views[focused])

    def keep_layout(self) -> None:
        """Keep the columns, cursors and focus for the next start (a convenience: a layout
        that cannot be written, on a full disk, is not worth a word as the app closes)."""
        views, focused = self.views, self.focused
        layout = Layout(
            [view.article.id for view in views],
            {view.article.id: view.cursor for view in views},
            views.index(focused) if focused in views else 0,
            self.panel_folded,
        )
        with suppress(OSError):
            save_layout(self.screen.session.store, layout)

    def _skip(self, error: ArticleError) -> None:
        """An article whose text cannot be read: named once, and counted among the skipped inputs."""
        self.screen.session.problems.append(str(error))
        self.screen.notify(str(error), title="Skipped", severity="warning", timeout=15)

    @property
    def views(self) -> list[ArticleView]:
        # Walked, not queried: a query cost a tenth of a millisecond on every tag.
        return [child for child in self.screen.children if isinstance(child, ArticleView)]

    @property
    def focused(self) -> ArticleView | None:
        focused = self.screen.focused
        return focused if isinstance(focused, ArticleView) else None

    def showing(self, article_id: str) -> list[ArticleView]:
        """The columns that show the article."""
        return [view for view in self.views if view.article.id == article_id]

    def _fit(self, width: int) -> int:
        """Size the panel for a screen ``width`` cells wide; how many columns fit beside it."""
        columns, panel = self.slots.wanted(width, self.panel_folded)
        self.screen.panel.set_width(panel)
        return columns

    def new(self, width: int, shown: int) -> list[ArticleView]:
        """The columns to add to the ``shown`` ones for a screen ``width`` cells wide."""
        views = []
        for number in range(shown + 1, self._fit(width) + 1):
            index = self.slots.fill(number - 1)
            if index is None:
                break
            article = self.slots.articles[index]
            view = ArticleView(article, self.screen.session.label_styles, number)
            view.spans = self.screen.shown.first_show(article)
            view.add_leading_bindings(label_bindings(self.screen.session.schema))
            views.append(view)
        return views

    def lay_out(self, width: int) -> None:
        """Remove the columns that no longer fit, and add those that now do."""
        views = self.views
        kept = views[: self._fit(width)]
        if self.focused in views[len(kept) :]:
            self.screen.set_focus(kept[-1])
        for view in views[len(kept) :]:
            view.remove()
        added = self.new(width, len(kept))
        if added:
            self.screen.mount_all(added, before=self.screen.panel)
        self.say_shown(len(kept) + len(added))

    def say_shown(self, shown: int) -> None:
        """'5 open, 2 shown' in the title, when some open articles have no column ('5+ open'
        while the rest of the corpus is read)."""
        articles = self.slots.articles
        opened = f"{len(articles):,}" + ("" if articles.complete else "+")
        self.screen.sub_title = (
            f"{opened} open, {shown} shown — {self.screen.app.sub_title}"
            if shown < len(articles) or not articles.complete
            else None
        )

    def toggle_panel(self) -> None:
        """Fold the panel away, for a column more, or bring it back."""
        self.panel_folded = not self.panel_folded
        self.lay_out(self.screen.size.width)

    def focus_next(self, step: int) -> None:
        views = self.views
        current = next((index for index, view in enumerate(views) if view is self.focused), -1)
        self.screen.set_focus(views[(current + step) % len(views)])

    def focus_number(self, number: int) -> None:
        views = self.views
        if number <= len(views):
            self.screen.set_focus(views[number - 1])
        else:
            self.screen.notify(f"Only {counted(len(views), 'column')} fit at this width", severity="warning")

    def pick_article(self) -> None:
        """The picker, to open another article in the focused column."""
        view = self.focused
        if view is None:
            return
        from ..picker import ArticlePicker  # screens the first frame does not show load when asked for

        self.screen.app.push_screen(
            ArticlePicker(
                self.slots.articles, lambda index: self.open(view, index), self.screen.session.store.done_articles()
            )
        )

    def open(self, view: ArticleView, index: int) -> None:
        """Show article ``index`` in the ``view`` column, and focus it."""
        if not self.slots.readable(index):
            return
        views = self.views
        previous = self.slots.slots[views.index(view)]
        swapped = self.slots.open(views.index(view), index)
        if swapped is not None and swapped < len(views):
            self._show_in(views[swapped], previous)
        self._show_in(view, index)
        self.screen.set_focus(view)
        self.screen.show_panel()

    def _show_in(self, view: ArticleView, index: int) -> None:
        article = self.slots.articles[index]
        view.show_article(article, self.screen.shown.first_show(article))

    def jump_to(self, span: Annotation | Mention) -> None:
        """Show ``span`` (a tag, or a proposal's member): in its column if shown, else in the
        focused column."""
        self.show_at(span.article_id, span.start)

    def show_at(self, article_id: str, offset: int) -> None:
        """Put the cursor on ``offset`` of the article: in its column if shown, else in the
        focused column."""
        views = self.showing(article_id)
        if not views:
            view = self.focused or self.views[0]
            index = self.slots.index_of(article_id)
            if index is None:
                self.screen.notify(f"{article_id} is not among the open articles", severity="warning")
                return
            self.open(view, index)
            views = [view]
        self.screen.set_focus(views[0])
        views[0].move_to(offset)
        self.screen.show_panel()
