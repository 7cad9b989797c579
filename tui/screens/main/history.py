"""Undo and redo on the main screen: the store takes back (or makes again) its last step,
and the columns show where it was."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
        spans = step.spans("before") + step.spans("after")
        if not spans:  # links or a cluster name: only the panel shows them
            self.screen.show_panel()
        for article_id in step.article_ids():
            touched = [span for span in spans if span.article_id == article_id]
            if not touched:
                continue
            changed = (min(span.start for span in touched), max(span.end for span in touched))
            self.screen.shown.refresh(article_id, changed)
            if len(step.changes) == 1:  # one change: show where it was; for many, stay put
                views = self.screen.columns.showing(article_id)
                if views:
                    views[0].move_to(changed[0])
        self.screen.notify(f"{HISTORY_DONE[action]}: {step.describe()}")
