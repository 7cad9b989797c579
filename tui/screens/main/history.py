"""Undo and redo on the main screen: the store takes back (or makes again) its last step,
and the columns show where it was."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotations.model import Annotation
from annotations.store import Step

from ...notices import saving

if TYPE_CHECKING:
    from .screen import MainScreen

HISTORY_DONE = {"undo": "Undone", "redo": "Redone"}  # what the notice says an undo or a redo did


class History:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def undo(self) -> None:
        with saving(self.screen):
            self._show(self.screen.session.store.undo(), "undo")

    def redo(self) -> None:
        with saving(self.screen):
            self._show(self.screen.session.store.redo(), "redo")

    def _show(self, step: Step | None, action: str) -> None:
        """Show what an undo or a redo (``action``) changed, or that there was nothing to change."""
        if step is None:
            self.screen.notify(f"Nothing to {action}", severity="warning")
            return
        before, after = step.spans("before"), step.spans("after")
        gone, back = (after, before) if action == "undo" else (before, after)
        if not gone and not back:  # links or a cluster name: only the panel shows them
            self.screen.show_panel()
        for article_id in step.article_ids():
            removed = [span for span in gone if span.article_id == article_id]
            added = [span for span in back if span.article_id == article_id]
            if removed or added:
                self.screen.shown.show_change(article_id, removed, added)
        self._bring_into_view(step, before + after)
        self.screen.notify(f"{HISTORY_DONE[action]}: {step.describe()}")

    def _bring_into_view(self, step: Step, spans: list[Annotation]) -> None:
        """The change where the analyst sees it: an article not shown comes into the focused
        column, the cursor on the span. A change of one span moves the cursor there; a step of
        many in the articles shown leaves the cursor where it was."""
        columns = self.screen.columns
        articles = [article_id for article_id in step.article_ids() if article_id]  # "": a proposal turned down
        first = spans[0] if spans else None
        if articles and not any(columns.showing(article_id) for article_id in articles):
            article_id = first.article_id if first is not None else articles[0]
            columns.show_at(article_id, first.start if first is not None else 0)
        elif first is not None and len(step.changes) == 1:
            columns.showing(first.article_id)[0].move_to(first.start)
