"""The focused article's annotations: counts per label, then each tag in reading order."""

from __future__ import annotations

from collections import Counter

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from annotations.model import Annotation
from annotations.schema import LabelSchema


class AnnotationPanel(VerticalScroll, can_focus=False):
    def __init__(self, schema: LabelSchema, label_styles: dict[str, Style], **kwargs) -> None:
        super().__init__(**kwargs)
        self.schema = schema
        self.label_styles = label_styles
        self.counts = Static(classes="panel-counts")
        self.listing = Static(classes="panel-list")

    def compose(self) -> ComposeResult:
        yield self.counts
        yield self.listing

    def show(self, title: str, spans: list[Annotation], orphans: list[Annotation] = ()) -> None:
        per_label = Counter(span.label for span in spans)
        counts = Text(f"{title}\n", style="bold", overflow="ellipsis", no_wrap=True)
        counts.append(f"{len(spans)} tags\n")
        names = self.schema.names + sorted(set(per_label) - set(self.schema.names))
        for name in names:
            counts.append(f" {name} ", style=self.label_styles.get(name, Style(reverse=True)))
            counts.append(f" {per_label.get(name, 0)}\n")
        self.counts.update(counts)
        listing = Text(no_wrap=True, overflow="ellipsis")
        for span in spans:
            listing.append(f"{span.label[:7]:<7}", style=self.label_styles.get(span.label, Style(reverse=True)))
            listing.append(" " + " ".join(span.text.split()) + "\n")
        if not spans:
            listing.append("No tags yet: select with v, then a label key.", style="dim")
        if orphans:
            listing.append(f"\nOrphaned: {len(orphans)}\n", style="bold red")
            listing.append("The text changed and these are no longer in it; kept, not exported.\n", style="dim")
            for span in orphans:
                listing.append(f"{span.label[:7]:<7}", style="red")
                listing.append(" " + " ".join(span.text.split()) + "\n")
        self.listing.update(listing)
