"""The review screen: one annotation at a time, in its sentence, decided from the keyboard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.timer import Timer
from textual.widget import Widget

from annotations.model import Annotation
from annotations.review import FilterError, ReviewFilter, ReviewQueue, decide, first_pending, move_boundary, relabel
from annotations.sentences import sentence_around
from annotations.store import Step

from ..keymap import REVIEW_BINDINGS
from ..notices import saving
from ..session import Session
from ..styles import UNKNOWN_LABEL
from ..widgets.search_box import SearchBox
from .walk import STATUS_STYLES, WalkScreen

# A queue is read for FIRST_READ seconds before the first card shows, then READ_SLICE at a
# time every READ_EVERY, so that keys come first while a large database is counted.
FIRST_READ, READ_SLICE, READ_EVERY = 0.01, 0.008, 0.02


class ReviewScreen(WalkScreen[Annotation]):
    """Walks the review queue; every decision is saved at once with the reviewer and time."""

    BINDINGS: ClassVar[list[BindingType]] = [*REVIEW_BINDINGS]
    queue: ReviewQueue  # type: ignore[assignment]  # read as the walk goes (WalkScreen's is a list)

    def __init__(self, session: Session, selection: ReviewFilter = ReviewFilter()) -> None:
        super().__init__(session)
        self.selection = selection
        self._reading: Timer | None = None

    def compose_extra(self) -> list[Widget]:
        return [
            SearchBox(
                self._apply_filter,
                self._close_filter,
                id="review-filter",
                placeholder="Filter: label:actor status:pending annotator:NAME article:ID (empty: all)",
            )
        ]

    def on_mount(self) -> None:
        self._load()

    def _load(self) -> None:
        if self._reading is not None:
            self._reading.stop()
            self._reading = None
        self.queue = ReviewQueue(self.session.store, self.selection)
        self.queue.read_more(FIRST_READ)
        self.position = first_pending(self.queue)
        self._show()
        if not self.queue.complete:  # the rest read in slices between keys, for the counts and the total
            self._reading = self.set_interval(READ_EVERY, self._read_more)

    def _read_more(self) -> None:
        if self.queue.read_more(READ_SLICE) and self._reading is not None:
            self._reading.stop()
            self._reading = None
        self._show()

    def _show(self) -> None:
        self.queue.reach(self.position + 1)  # the next card is there for a step forward
        super()._show()

    # -- display -------------------------------------------------------------------

    def _status(self) -> tuple[int, Text]:
        counts = self.queue.status_counts()
        reviewed = counts["accepted"] + counts["rejected"]
        status = Text(f"Reviewed {reviewed} of {self._total()}   ", style="bold")
        for name, count in counts.items():
            status.append(f" {name} {count} ", style=STATUS_STYLES.get(name, ""))
        status.append(f"   filter: {self.selection.describe()}", style="dim")
        return reviewed, status

    def _card(self) -> Text:
        annotation = self.current
        if annotation is None:
            done = Text("Nothing left to review here", style="bold")
            done.append("\nbackspace undoes the last decision, / changes the filter, escape closes.", style="dim")
            return done
        text = self.session.store.article_text(annotation.article_id)
        start, end = sentence_around(text, annotation.start, annotation.end)
        card = Text()
        card.append(f"{self.position + 1}/{self._total()}  ", style="bold")
        label_style = self.session.label_styles.get(annotation.label, UNKNOWN_LABEL)
        card.append(f" {annotation.label} ", style=label_style)
        card.append(f"  {annotation.status}", style=STATUS_STYLES.get(annotation.status, ""))
        card.append("   ")
        self._append_article(card, annotation.article_id)
        if self.session.store.is_done(annotation.article_id):
            card.append(" · done ✓", style="bold green")
        card.append(f"   by {annotation.annotator}", style="dim")
        if annotation.source:
            card.append(f", suggested by {annotation.source}", style="dim")
        if annotation.reviewer:
            card.append(f", reviewed by {annotation.reviewer}", style="dim")
        card.append("\n\n")
        card.append(text[start : annotation.start].replace("\n", " "))
        card.append(annotation.text.replace("\n", " "), style=label_style + Style(bold=True))
        card.append(text[annotation.end : end].replace("\n", " "))
        if annotation.note:
            card.append("\n\nnote: ", style="bold").append(annotation.note, style="italic")
        card.append("\n\n")
        labels = "  ".join(
            f"{number} {label.name}" for number, label in enumerate(self.session.schema.labels[:9], start=1)
        )
        card.append(f"relabel: {labels}", style="dim")
        return card

    def _total(self) -> str:
        return f"{len(self.queue):,}" + ("" if self.queue.complete else "+ (counting)")

    # -- decisions -------------------------------------------------------------------

    def _save(self, change: Callable[[], Annotation]) -> bool:
        """Run a store change of the current annotation and show its result in the queue;
        False (and a message) when it could not be saved."""
        with saving(self) as saved:
            self.queue[self.position] = change()
        return bool(saved)

    def action_decide(self, status: str) -> None:
        annotation = self.current
        store = self.session.store
        if annotation is None or not self._save(lambda: decide(store, annotation, status, self.session.annotator)):
            return
        self.position = min(self.position + 1, len(self.queue))
        self._show()

    def action_toggle_done(self) -> None:
        """Mark the current card's article finished, or not (as F does in the articles)."""
        annotation = self.current
        if annotation is None:
            return
        done = not self.session.store.is_done(annotation.article_id)
        with saving(self) as saved:
            self.session.store.set_done(annotation.article_id, self.session.annotator, done)
        if not saved:
            return
        self.notify(f"{annotation.article_id}: {'done' if done else 'not done'} (backspace undoes)")
        self._show()

    def action_relabel(self, number: int) -> None:
        annotation = self.current
        if annotation is None or number > len(self.session.schema.labels):
            return
        label, store = self.session.schema.labels[number - 1].name, self.session.store
        if label != annotation.label and self._save(lambda: relabel(store, annotation, label, self.session.annotator)):
            self._show()

    def action_boundary(self, edge: str, direction: int) -> None:
        annotation, store = self.current, self.session.store
        if annotation is not None and self._save(
            lambda: move_boundary(
                store, annotation, store.article_text(annotation.article_id), edge, direction, self.session.annotator
            )
        ):
            self._show()

    def _undone(self, step: Step) -> None:
        restored = {span.id: span for span in step.spans("before")}
        positions = self.queue.positions_of(set(restored))
        for index in positions:
            self.queue[index] = restored[self.queue[index].id]
        if positions:
            self.position = positions[0]

    # -- filter ------------------------------------------------------------------------

    def action_open_filter(self) -> None:
        box = self.query_one(SearchBox)
        box.value = "" if self.selection == ReviewFilter() else self.selection.describe()
        box.display = True
        self.set_focus(box)

    def _close_filter(self) -> None:
        self.query_one(SearchBox).display = False
        self.set_focus(None)

    def _apply_filter(self, text: str) -> None:
        try:
            selection = ReviewFilter.parse(text)
        except FilterError as error:
            self.notify(str(error), severity="error")
            return
        self._close_filter()
        self.selection = selection
        self._load()

    def action_suggestions_only(self) -> None:
        """Walk the suggestions alone (s again: everything), keeping the other filters."""
        statuses = frozenset() if self.selection.statuses == {"suggested"} else frozenset({"suggested"})
        self.selection = replace(self.selection, statuses=statuses)
        self._load()

    def action_disputes(self) -> None:
        """Where annotators differ (a merged database): their versions side by side."""
        from .adjudication import AdjudicationScreen

        self.app.push_screen(AdjudicationScreen(self.session), lambda _: self._load())
