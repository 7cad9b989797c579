"""The focused article's annotations: counts per label, then each tag in reading order.

Drawn through the Line API like the article view: an update repaints the panel alone,
where replacing a Static's content would lay out (and repaint) the whole screen.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from rich.console import Console
from rich.segment import Segment
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations.model import Annotation
from annotations.schema import LabelSchema
from annotations.text import one_line

from ..styles import UNKNOWN_LABEL, LabelStyles
from .gutter import thumb_rows

if TYPE_CHECKING:
    from ..screens.background import ArticleJob


VIRTUAL_BLOCK = 50
PROGRESS_WIDTH = 30  # cells: the panel is 34 wide, less its padding and scroll thumb


class AnnotationPanel(ScrollView, can_focus=False):
    COMPONENT_CLASSES = {"annotation-panel--thumb"}

    def __init__(self, schema: LabelSchema, label_styles: LabelStyles, **kwargs) -> None:
        super().__init__(**kwargs)
        self.schema = schema
        self.label_styles = label_styles
        self.lines: list[Text] = []
        self._strips: dict[int, Strip] = {}

    def show(self, title: str, spans: list[Annotation], orphans: list[Annotation] = (), links: list[str] = (),
             link_source: str = "", job: ArticleJob | None = None) -> None:
        """``spans``: the tags and suggestions shown; ``links``: one line per link touching
        the article; ``link_source``: the tag marked with m; ``job``: a background job running."""
        tags = [span for span in spans if span.status != "suggested"]
        suggested = len(spans) - len(tags)
        per_label = Counter(span.label for span in tags)
        lines = [Text(title, style="bold"), Text(f"{len(tags)} tags" + (f" · {suggested} suggested" if suggested else ""))]
        for name in self.schema.names + sorted(set(per_label) - set(self.schema.names)):
            line = Text(f" {name} ", style=self.label_styles.get(name, UNKNOWN_LABEL))
            line.append(f" {per_label.get(name, 0)}")
            lines.append(line)
        if suggested:
            lines.append(Text("y accepts, x rejects; A / X all", style="dim"))
        if job is not None:
            width = PROGRESS_WIDTH
            filled = round(job.fraction * width)
            lines += [Text(job.describe(), style="bold"), Text("█" * filled + "░" * (width - filled), style="bold")]
        lines.append(Text())
        for span in spans:
            line = Text(f"{span.label[:7]:<7}", style=self.label_styles.of(span))
            line.append(("?" if span.status == "suggested" else " ") + one_line(span.text))
            lines.append(line)
        if not spans:
            lines += [Text("No tags yet: select with v,", style="dim"), Text("then a label key.", style="dim")]
        if links or link_source:
            lines += [Text(), Text(f"Links: {len(links)}", style="bold")]
            lines += [Text(line) for line in links]
            lines.append(Text("C compares the outlets", style="dim"))
        if link_source:
            lines += [Text(f"Linking from {link_source}", style="bold reverse"), Text("go to the other tag, press L", style="dim")]
        if orphans:
            lines += [Text(), Text(f"Orphaned: {len(orphans)}", style="bold red"),
                      Text("The text changed and these are no", style="dim"),
                      Text("longer in it; kept, not exported.", style="dim")]
            for span in orphans:
                line = Text(f"{span.label[:7]:<7}", style="red")
                line.append(" " + one_line(span.text))
                lines.append(line)
        # Repaint only the lines that changed: a tag changes a count and adds one line.
        changed = [index for index in range(max(len(lines), len(self.lines)))
                   if index >= len(lines) or index >= len(self.lines) or lines[index] != self.lines[index]]
        self.lines = lines
        for index in changed:
            self._strips.pop(index, None)
        # A new virtual size costs a layout of the whole screen (7 ms a tag, measured), so
        # the scrollable height changes only in blocks of lines, not with every tag.
        # Width 0: the panel never scrolls sideways, and the region's width changes when the
        # scrollbar appears, which would cost that layout on the next tag.
        height = max(self.scrollable_content_region.height, -(-len(lines) // VIRTUAL_BLOCK) * VIRTUAL_BLOCK)
        if self.virtual_size != Size(0, height):
            self.virtual_size = Size(0, height)
        # Each run of changed lines on its own: a range from the count at the top to a new
        # tag at the bottom would repaint every line between.
        for first, last in _runs(changed):
            self.refresh_lines(first, last - first + 1)

    def render_line(self, y: int) -> Strip:
        """The line, then the last cell: the scroll thumb where the panel shows its lines
        (when they do not all fit), else blank."""
        index = self.scroll_offset.y + y
        region = self.scrollable_content_region
        width = max(region.width - 1, 0)
        base = self.rich_style
        if index >= len(self.lines):
            strip = Strip.blank(width, base)
        else:
            strip = self._strips.get(index)
            if strip is None or strip.cell_length != width:
                line = self.lines[index].copy()
                line.truncate(width, overflow="ellipsis")
                segments = [Segment(text, base + style if style else base) for text, style, _ in line.render(_CONSOLE)]
                strip = self._strips[index] = Strip(segments).extend_cell_length(width, base).crop(0, width)
        thumb = y in thumb_rows(region.height, len(self.lines), self.scroll_offset.y)
        cell = Segment("▐", base + self.get_component_rich_style("annotation-panel--thumb")) if thumb else Segment(" ", base)
        return Strip.join([strip, Strip([cell], 1)])

    def text_lines(self) -> list[str]:
        """The panel as plain lines (what a reader sees, for tests and screen readers)."""
        return [line.plain for line in self.lines]


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Ascending ``indexes`` as runs of consecutive numbers: [1, 2, 5] -> [(1, 2), (5, 5)]."""
    runs: list[tuple[int, int]] = []
    for index in indexes:
        if runs and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


_CONSOLE = Console(width=1000, color_system=None, legacy_windows=False)
