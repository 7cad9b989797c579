"""The main screen: articles side by side, the annotation panel, and every editing key.

The screen lays out its widgets and turns each key (one binding list, keymap.MAIN_BINDINGS)
into a call of the part that does it; the parts are the modules beside this one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen

from ...keymap import MAIN_BINDINGS
from ...session import Session
from ...widgets.annotation_panel import AnnotationPanel
from ...widgets.bars import KeyBar, TitleBar
from .columns import Columns
from .history import History
from .linking import Linking
from .listing import Listing
from .search import Search
from .shown import ShownArticles
from .suggesting import Suggesting
from .tagging import Tagging

# What only suggestions, decisions, background jobs and choices need is imported where it
# is used: the first frame does without it (4 dataclasses and 5 ms of start-up, measured).
if TYPE_CHECKING:
    from ..background import JobFinished, JobFound


class MainScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [*MAIN_BINDINGS]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.panel = AnnotationPanel(session.schema, session.label_styles, id="panel")
        self.columns = Columns(self)
        self.shown = ShownArticles(self)
        self.tagging = Tagging(self)
        self.history = History(self)
        self.suggesting = Suggesting(self)
        self.linking = Linking(self)
        self.search = Search(self)
        self.listing = Listing(self)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        # The columns and the panel sit side by side on the screen itself, with no
        # container between: every container is a layer the first frame renders in full.
        # The first columns are composed, not mounted after, so the first frame shows them.
        yield from self.columns.new(self.app.size.width, 0)
        yield self.panel
        yield KeyBar()

    def on_mount(self) -> None:
        views = self.columns.views
        if not views:  # every article failed when its text was first read
            self.app.exit(return_code=1)
            return
        self.columns.restore_cursors()
        self.call_after_refresh(self.listing.start)  # the rest of the corpus, once the first frame is out

    def on_resize(self) -> None:
        self.columns.lay_out(self.size.width)

    def on_descendant_focus(self) -> None:
        self.show_panel()

    def show_panel(self) -> None:
        """The panel, for the focused column's article."""
        view = self.columns.focused
        if view is None:
            return
        article, store = view.article, self.session.store
        title = " · ".join(part for part in (article.outlet, article.title or article.id) if part)
        if store.is_done(article.id):
            title += " · done ✓"
        orphans = store.orphans(article.id)
        self.panel.show(
            title, view.span_list, orphans, self.linking.listed(article.id), self.linking.marked(), self.suggesting.job
        )

    def on_job_found(self, message: JobFound) -> None:
        message.job.take(message)

    def on_job_finished(self, message: JobFinished) -> None:
        message.job.finish()

    # -- keys: each is one call of a part ------------------------------------------------

    def action_focus_column(self, step: int) -> None:
        self.columns.focus_next(step)

    def action_focus_slot(self, number: int) -> None:
        self.columns.focus_number(number)

    def action_toggle_panel(self) -> None:
        self.columns.toggle_panel()

    def action_pick_article(self) -> None:
        self.listing.start()  # the picker takes in the rest as it is read
        self.columns.pick_article()

    def action_tag(self, label: str) -> None:
        self.tagging.tag(label)

    def action_delete_annotation(self) -> None:
        self.tagging.delete()

    def action_note(self) -> None:
        self.tagging.note()

    def action_accept_suggestion(self) -> None:
        self.tagging.accept_suggestion()

    def action_decide_all_suggestions(self, status: str) -> None:
        self.tagging.decide_all(status)

    def action_toggle_done(self) -> None:
        self.tagging.toggle_done()

    def action_jump_annotation(self, direction: int) -> None:
        self.tagging.jump(direction)

    def action_undo(self) -> None:
        self.history.undo()

    def action_redo(self) -> None:
        self.history.redo()

    def action_suggest_everywhere(self) -> None:
        self.suggesting.everywhere()

    def action_tag_occurrences(self) -> None:
        self.suggesting.occurrences()

    def action_mark_link_source(self) -> None:
        self.linking.mark()

    def action_cancel(self) -> None:
        view = self.columns.focused
        if view is not None and view.selection_anchor is not None:
            view.clear_selection()
        elif not self.linking.cancel():
            self.search.clear()

    def action_link(self) -> None:
        self.linking.link()

    def action_delete_link(self) -> None:
        self.linking.delete()

    def action_compare(self) -> None:
        self.linking.compare()

    def action_open_search(self) -> None:
        self.search.open()

    def action_search_again(self, direction: int) -> None:
        self.search.again(direction)

    def action_search_everywhere(self) -> None:
        self.search.everywhere()

    def action_review(self) -> None:
        from ..review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.session), lambda _: self.shown.refresh_all())

    def action_help(self) -> None:
        self.app.action_show_help_panel()
