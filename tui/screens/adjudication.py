"""Adjudication: where annotators differ, their versions one under another; a key settles each region.

Opened from the review screen (d) or with ``broadsheet review --disputes``, on a merged
database. Every version is shown in the same stretch of text with its span highlighted,
so differing boundaries line up; the annotators who tagged nothing there are listed too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import BindingType

from annotations.adjudication import Region, first_undecided, pick, regions, reject_all
from annotations.sentences import sentence_around
from annotations.store import Step

from ..keymap import ADJUDICATION_BINDINGS
from ..notices import saving
from ..styles import UNKNOWN_LABEL
from .walk import STATUS_STYLES, WalkScreen


def in_queue(region: Region) -> bool:
    """Regions to walk: every dispute (decided or not, to look back at), and agreed spans
    still waiting (a merge without --accept-agreed), one key from gold."""
    return region.disputed or not region.decided


class AdjudicationScreen(WalkScreen[Region]):
    """Walks the disputed regions of a merged database; every decision is saved at once."""

    BINDINGS: ClassVar[list[BindingType]] = [*ADJUDICATION_BINDINGS]

    def on_mount(self) -> None:
        self._load()
        self.position = first_undecided(self.queue)
        self._show()

    def _load(self) -> None:
        self.queue = [region for region in regions(self.session.store) if in_queue(region)]

    # -- display -------------------------------------------------------------------

    def _status(self) -> tuple[int, Text]:
        decided = sum(region.decided for region in self.queue)
        disputed = sum(region.disputed for region in self.queue)
        status = Text(f"Adjudicated {decided} of {len(self.queue)} regions   ", style="bold")
        status.append(f" {disputed} disputed ", style=STATUS_STYLES["pending"])
        status.append(f"   annotators: {', '.join(self.queue[0].annotators) if self.queue else 'none'}", style="dim")
        return decided, status

    def _card(self) -> Text:
        region = self.current
        if region is None:
            done = Text(
                "No dispute left here"
                if self.queue
                else "Nothing to adjudicate: no annotator's spans in this database",
                style="bold",
            )
            done.append("\nbackspace undoes the last decision, escape closes.", style="dim")
            return done
        text = self.session.store.article_text(region.article_id)
        start, end = sentence_around(text, region.start, region.end)
        before = ("…" if start > 0 and text[start - 1] not in ".\n" else "") + text[start : region.start]
        after = text[region.end : end] + ("…" if end < len(text) and text[end - 1] not in ".\n" else "")
        card = Text()
        card.append(f"{self.position + 1}/{len(self.queue)}  ", style="bold")
        self._append_article(card, region.article_id)
        card.append(
            f"   {region.describe()}", style=STATUS_STYLES["pending"] if region.disputed else STATUS_STYLES["accepted"]
        )
        card.append("\n")
        for number, version in enumerate(region.versions, start=1):
            style = self.session.label_styles.get(version.label, UNKNOWN_LABEL)
            card.append(f"\n{number}  ", style="bold")
            card.append(f" {version.label} ", style=style)
            card.append(f"  {', '.join(version.annotators)}", style="bold")
            card.append(f"   {version.start}–{version.end}", style="dim")
            if version.status != "pending":
                card.append(f"   {version.status}", style=STATUS_STYLES[version.status])
            # Every version in the same stretch of text, from the same column: boundaries line up.
            card.append("\n")
            card.append((before + text[region.start : version.start]).replace("\n", " "))
            card.append(text[version.start : version.end].replace("\n", " "), style=style + Style(bold=True))
            card.append((text[version.end : region.end] + after).replace("\n", " "))
            card.append("\n")
        for name in region.missing():
            card.append("\n—  ", style="bold")
            card.append("nothing", style="dim italic")
            card.append(f"  {name}\n", style="bold")
        keys = "1" if len(region.versions) == 1 else f"1-{len(region.versions)}"
        card.append(f"\n{keys} makes that version the gold span, x rejects every span here", style="dim")
        return card

    # -- decisions -------------------------------------------------------------------

    def _decide(self, change: Callable[[Region], Step]) -> None:
        """Save a decision on the current region, show it, and go on to the next region."""
        region = self.current
        if region is None:
            return
        with saving(self) as saved:
            step = change(region)
        if not saved:
            return
        self.queue[self.position] = region.with_spans(step.spans())
        self.position = min(self.position + 1, len(self.queue))
        self._show()

    def action_pick(self, number: int) -> None:
        region = self.current
        if region is not None and number <= len(region.versions):
            self._decide(lambda region: pick(self.session.store, region, number, self.session.annotator))

    def action_reject_all(self) -> None:
        self._decide(lambda region: reject_all(self.session.store, region, self.session.annotator))

    def _undone(self, step: Step) -> None:
        restored = step.spans("before")
        if all(change.before is not None and change.after is not None for change in step.changes):
            # Decisions taken back: the same regions, so the walk keeps its places.
            self.queue = [region.with_spans(restored) for region in self.queue]
        else:  # spans came back or went (an undo from the main screen's history): regroup
            self._load()
        restored_ids = {span.id for span in restored}
        self.position = next(
            (index for index, region in enumerate(self.queue) if any(span.id in restored_ids for span in region.spans)),
            self.position,
        )
        self.position = min(self.position, len(self.queue))
