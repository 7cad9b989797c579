"""The focused article's annotations: counts per label, then each tag in reading order.

Drawn through the Line API like the article view: an update repaints the panel alone,
where replacing a Static's content would lay out (and repaint) the whole screen.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.strip import Strip

from annotations.model import Annotation
from annotations.schema import LabelSchema
from annotations.text import one_line

from ..styles import UNKNOWN_LABEL, LabelStyles
from .gutter import thumb_rows
from .line_view import LineView

if TYPE_CHECKING:
    from ..screens.background import ArticleJob


VIRTUAL_BLOCK = 50
PROGRESS_WIDTH = 30  # cells: the panel is 34 wide, less its padding and scroll thumb


# A line of the panel: runs of (text, style), turned into Text only when drawn, so that
# a tag rebuilds cheap tuples for the list, not a Text for each of its (possibly 1,000) tags.
Line = tuple[tuple[str, Style | str | None], ...]


class AnnotationPanel(LineView, can_focus=False):
    STYLE_PREFIX = "annotation-panel"
    COMPONENT_CLASSES = {"annotation-panel--thumb"}

    def __init__(self, schema: LabelSchema, label_styles: LabelStyles, **kwargs) -> None:
        super().__init__(**kwargs)
        self.schema = schema
        self.label_styles = label_styles
        self.lines: list[Line] = []
        # Drawn lines by content and width, not by place: a tag in the middle of the list
        # moves every line below it down one, and they need not be drawn again.
        self._strips: LRUCache[tuple[Line, int], Strip] = LRUCache(1024)
        self._span_lines: dict[str, tuple[Annotation, Line]] = {}

    def _span_line(self, span: Annotation) -> Line:
        return _listed(span, self.label_styles.of(span), "?" if span.status == "suggested" else " ")

    def show(self, title: str, spans: list[Annotation], orphans: list[Annotation] = (), links: list[str] = (),
             link_source: str = "", job: ArticleJob | None = None) -> None:
        """``spans``: the tags and suggestions shown; ``links``: one line per link touching
        the article; ``link_source``: the tag marked with m; ``job``: a background job running."""
        tags = [span for span in spans if span.status != "suggested"]
        suggested = len(spans) - len(tags)
        per_label = Counter(span.label for span in tags)
        lines: list[Line] = [((title, "bold"),), ((f"{len(tags)} tags" + (f" · {suggested} suggested" if suggested else ""), None),)]
        for name in self.schema.names + sorted(set(per_label) - set(self.schema.names)):
            lines.append(((f" {name} ", self.label_styles.get(name, UNKNOWN_LABEL)), (f" {per_label.get(name, 0)}", None)))
        if suggested:
            lines.append((("y accepts, x rejects; A / X all", "dim"),))
        if job is not None:
            width = PROGRESS_WIDTH
            filled = round(job.fraction * width)
            lines += [((job.describe(), "bold"),), (("█" * filled + "░" * (width - filled), "bold"),)]
        lines.append(())
        # A span's line is made again only when the span changed: the store keeps a span's
        # object until then.
        previous, self._span_lines = self._span_lines, {}
        for span in spans:
            kept = previous.get(span.id)
            if kept is None or kept[0] is not span:
                kept = (span, self._span_line(span))
            self._span_lines[span.id] = kept
            lines.append(kept[1])
        if not spans:
            lines += [(("No tags yet: select with v,", "dim"),), (("then a label key.", "dim"),)]
        if links or link_source:
            lines += [(), ((f"Links: {len(links)}", "bold"),)]
            lines += [((line, None),) for line in links]
            lines.append((("C compares the outlets", "dim"),))
        if link_source:
            lines += [((f"Linking from {link_source}", "bold reverse"),), (("go to the other tag, press L", "dim"),)]
        if orphans:
            lines += [(), ((f"Orphaned: {len(orphans)}", "bold red"),),
                      (("The text changed and these are no", "dim"),),
                      (("longer in it; kept, not exported.", "dim"),)]
            lines += [_listed(span, "red", " ") for span in orphans]
        # Repaint only the lines that changed: a tag changes a count and adds one line.
        changed = [index for index, (line, old) in enumerate(zip(lines, self.lines)) if line != old]
        changed += range(min(len(lines), len(self.lines)), max(len(lines), len(self.lines)))
        self.lines = lines
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
        styles = self.line_styles
        base = styles.base
        if index >= len(self.lines):
            strip = Strip.blank(width, base)
        else:
            key = (self.lines[index], width)
            strip = self._strips.get(key)
            if strip is None:
                line = Text.assemble(*self.lines[index])
                line.truncate(width, overflow="ellipsis")
                segments = [Segment(text, base + style if style else base) for text, style, _ in line.render(_CONSOLE)]
                strip = self._strips[key] = Strip(segments).extend_cell_length(width, base).crop(0, width)
        thumb = y in thumb_rows(region.height, len(self.lines), self.scroll_offset.y)
        cell = Segment("▐", styles.thumb) if thumb else Segment(" ", base)
        return Strip([*strip, cell], width + 1)

    def forget_lines(self) -> None:
        self._strips.clear()

    def text_lines(self) -> list[str]:
        """The panel as plain lines (what a reader sees, for tests and screen readers)."""
        return ["".join(text for text, _ in line) for line in self.lines]


def _listed(span: Annotation, label_style: Style | str, mark: str) -> Line:
    """A span in the list: its label in seven cells in ``label_style``, then ``mark`` and its text."""
    return (f"{span.label[:7]:<7}", label_style), (mark + one_line(span.text), None)


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
