"""What the review and adjudication screens share: a queue walked one card at a time,
under a status line and a progress bar."""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ProgressBar, Static

from annotations.store import Step

from ..notices import saving
from ..session import Session
from ..shown import printable_lines
from ..widgets.bars import KeyBar, TitleBar

STATUS_STYLES = {"suggested": "cyan", "pending": "yellow", "accepted": "green", "rejected": "red"}

Item = TypeVar("Item")


class WalkScreen(Screen, Generic[Item]):
    AUTO_FOCUS = ""  # nothing: keys go to the screen's bindings (None would inherit the app's "*")

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.queue: list[Item] = []
        self.position = 0

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="review-body"):
            yield Static(classes="review-status")
            yield ProgressBar(show_eta=False, id="review-progress")
            yield Static(classes="review-card")
        yield from self.compose_extra()
        yield KeyBar()

    def compose_extra(self) -> list[Widget]:
        return []

    @property
    def current(self) -> Item | None:
        return self.queue[self.position] if 0 <= self.position < len(self.queue) else None

    def _show(self) -> None:
        done, status = self._status()
        self.query_one(ProgressBar).update(total=max(len(self.queue), 1), progress=done)
        # Labels, names, outlets and filters in them came from files and imports.
        self.query_one(".review-status", Static).update(printable_lines(status))
        self.query_one(".review-card", Static).update(printable_lines(self._card()))

    def _status(self) -> tuple[int, Text]:
        """How many items are decided, and the status line that says so."""
        raise NotImplementedError

    def _card(self) -> Text:
        raise NotImplementedError

    def _append_article(self, card: Text, article_id: str) -> None:
        """The article as the card names it: outlet (or id) and date."""
        stored = self.session.store.stored_article(article_id)
        meta = stored.meta if stored else {}
        card.append(f"{meta.get('outlet') or article_id}", style="bold")
        if meta.get("date"):
            card.append(f" · {meta['date']}")

    def _undone(self, step: Step) -> None:
        """Show in the queue what an undo of ``step`` brought back."""
        raise NotImplementedError

    def action_undo(self) -> None:
        with saving(self) as saved:
            step = self.session.store.undo()
        if not saved:
            return
        if step is None:
            self.notify("Nothing to undo", severity="warning")
            return
        self._undone(step)
        self.notify(f"Undone: {step.describe()}")
        self._show()

    def action_step(self, step: int) -> None:
        self.position = min(max(self.position + step, 0), len(self.queue))
        self._show()

    def action_close(self) -> None:
        if self.app.screen_stack[0] is not self:  # opened from another screen
            self.dismiss()
        else:
            self.app.exit()
