"""The focused article's annotations: counts per label, then each tag in reading order.

Drawn through the Line API like the article view: an update repaints the panel alone,
where replacing a Static's content would lay out (and repaint) the whole screen.
"""

from __future__ import annotations

import itertools
import operator
from collections import Counter
from typing import TYPE_CHECKING

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.strip import Strip

from annotations.model import Annotation
from annotations.schema import LabelSchema
from annotations.text import counted, one_line, printable

from ..styles import UNKNOWN_LABEL, LabelStyles
from .gutter import thumb_rows
from .line_view import LineView

if TYPE_CHECKING:
    from ..screens.background import ArticleJob


VIRTUAL_BLOCK = 50
PROGRESS_WIDTH = 30  # cells: the panel is 34 wide, less its padding and scroll thumb


# A line of the panel: runs of (text, style), turned into Text only when drawn.
Line = tuple[tuple[str, Style | str | None], ...]


class AnnotationPanel(LineView, can_focus=False):
    STYLE_PREFIX = "annotation-panel"
    COMPONENT_CLASSES = {"annotation-panel--thumb"}

    def __init__(self, schema: LabelSchema, label_styles: LabelStyles, **kwargs) -> None:
        super().__init__(**kwargs)
        self.schema = schema
        self.label_styles = label_styles
        # The lines in three parts: the counts above the list, the tags listed, and what
        # follows. A tag's line is made when it is drawn, so that a tag costs the panel
        # about the same with 1,000 tags in the article as with ten (rebuilding 1,000 lines
        # took 1.2 ms a tag, measured).
        self._head: list[Line] = []
        self._spans: list[Annotation] = []
        self._per_label: Counter[str] = Counter()  # of _spans' tags
        self._tail: list[Line] = []
        # A span's line by span id, with the span it was made from: made again only when
        # the span changed (the store keeps a span's object until then).
        self._span_lines: LRUCache[str, tuple[Annotation, Line]] = LRUCache(4096)
        # Drawn lines by content and width, not by place: a tag in the middle of the list
        # moves every line below it down one, and they need not be drawn again.
        self._strips: LRUCache[tuple[Line, int], Strip] = LRUCache(1024)

    @property
    def line_count(self) -> int:
        return len(self._head) + len(self._spans) + len(self._tail)

    def line(self, index: int) -> Line:
        """The panel's line ``index`` (0 is its first)."""
        if index < len(self._head):
            return self._head[index]
        index -= len(self._head)
        if index >= len(self._spans):
            return self._tail[index - len(self._spans)]
        span = self._spans[index]
        kept = self._span_lines.get(span.id)
        if kept is None or kept[0] is not span:
            mark = "?" if span.status == "suggested" else " "
            kept = self._span_lines[span.id] = (span, _listed(span, self.label_styles.of(span), mark))
        return kept[1]

    def show(self, title: str, spans: list[Annotation], orphans: list[Annotation] = (), links: list[str] = (),
             link_source: str = "", job: ArticleJob | None = None) -> None:
        """``spans``: the tags and suggestions shown; ``links``: one line per link touching
        the article; ``link_source``: the tag marked with m; ``job``: a background job running."""
        spans = list(spans)
        per_label = self._per_label = _counts_after(self._spans, self._per_label, spans)
        tags = sum(per_label.values())
        suggested = len(spans) - tags
        count = counted(tags, "tag")
        head: list[Line] = [((title, "bold"),), ((count + (f" · {suggested} suggested" if suggested else ""), None),)]
        for name in self.schema.names + sorted(set(per_label) - set(self.schema.names)):
            head.append(((f" {name} ", self.label_styles.get(name, UNKNOWN_LABEL)), (f" {per_label.get(name, 0)}", None)))
        if suggested:
            head.append((("y accepts, x rejects; A / X all", "dim"),))
        if job is not None:
            width = PROGRESS_WIDTH
            filled = round(job.fraction * width)
            head += [((job.describe(), "bold"),), (("█" * filled + "░" * (width - filled), "bold"),)]
        head.append(())
        tail: list[Line] = []
        if not spans:
            tail += [(("No tags yet: select with v,", "dim"),), (("then a label key.", "dim"),)]
        if links or link_source:
            tail += [(), ((f"Links: {len(links)}", "bold"),)]
            tail += [((line, None),) for line in links]
            tail.append((("C compares the outlets", "dim"),))
        if link_source:
            tail += [((f"Linking from {link_source}", "bold reverse"),), (("go to the other tag, press L", "dim"),)]
        if orphans:
            tail += [(), ((f"Orphaned: {len(orphans)}", "bold red"),),
                     (("The text changed and these are no", "dim"),),
                     (("longer in it; kept, not exported.", "dim"),)]
            tail += [_listed(span, "red", " ") for span in orphans]
        # Repaint only the lines that changed: a tag changes a count and adds one line.
        changed = _changed_runs((self._head, self._spans, self._tail), (head, spans, tail))
        self._head, self._spans, self._tail = head, spans, tail
        # A new virtual size costs a layout of the whole screen (7 ms a tag, measured), so
        # the scrollable height changes only in blocks of lines, not with every tag.
        # Width 0: the panel never scrolls sideways, and the region's width changes when the
        # scrollbar appears, which would cost that layout on the next tag.
        height = max(self.viewport.region.height, -(-self.line_count // VIRTUAL_BLOCK) * VIRTUAL_BLOCK)
        if self.virtual_size != Size(0, height):
            self.virtual_size = Size(0, height)
        # Each run of changed lines on its own: a range from the count at the top to a new
        # tag at the bottom would repaint every line between.
        self.refresh_runs(changed)

    def scroll_to_span(self, span_id: str) -> None:
        """Scroll the least that shows the span's line: the list may be longer than the panel."""
        index = next((index for index, span in enumerate(self._spans) if span.id == span_id), None)
        if index is not None:
            self.scroll_to_region(Region(0, len(self._head) + index, 1, 1), animate=False, immediate=True)

    def render_line(self, y: int) -> Strip:
        """The line, then the last cell: the scroll thumb where the panel shows its lines
        (when they do not all fit), else blank."""
        top, region = self.viewport
        index = top + y
        width = max(region.width - 1, 0)
        styles = self.line_styles
        base = styles.base
        if index >= self.line_count:
            strip = Strip.blank(width, base)
        else:
            key = (self.line(index), width)
            strip = self._strips.get(key)
            if strip is None:
                line = Text.assemble(*_printable(key[0]))
                line.truncate(width, overflow="ellipsis")
                segments = [Segment(text, base + style if style else base) for text, style, _ in line.render(_CONSOLE)]
                strip = self._strips[key] = Strip(segments).extend_cell_length(width, base).crop(0, width)
        thumb = y in thumb_rows(region.height, self.line_count, top)
        cell = Segment("▐", styles.thumb) if thumb else Segment(" ", base)
        return Strip([*strip, cell], width + 1)

    def forget_lines(self) -> None:
        self._strips.clear()

    def text_lines(self) -> list[str]:
        """The panel as plain lines (what a reader sees, for tests and screen readers)."""
        return ["".join(text for text, _ in _printable(self.line(index))) for index in range(self.line_count)]


def _printable(line: Line) -> list[tuple[str, Style | str | None]]:
    """The line's runs as shown: labels, names and link lines in it may come from imports."""
    return [(printable(text), style) for text, style in line]


def _listed(span: Annotation, label_style: Style | str, mark: str) -> Line:
    """A span in the list: its label in seven cells in ``label_style``, then ``mark`` and its text."""
    return (f"{span.label[:7]:<7}", label_style), (mark + one_line(span.text), None)


def _counts_after(old: list[Annotation], old_counts: Counter[str], new: list[Annotation]) -> Counter[str]:
    """How many tags (not suggestions) of each label ``new`` holds, given ``old_counts`` of
    ``old``: when ``new`` is ``old`` with one span added or removed (a tag, a delete), from
    that span alone, as an article may hold 10,000 tags (2 ms to count them, measured)."""
    longer, shorter, sign = (new, old, 1) if len(new) == len(old) + 1 else (old, new, -1)
    if len(longer) == len(shorter) + 1:
        first = next(itertools.compress(itertools.count(), map(operator.is_not, shorter, longer)), len(shorter))
        if all(map(operator.is_, shorter[first:], itertools.islice(longer, first + 1, None))):
            counts = old_counts.copy()
            if longer[first].status != "suggested":
                counts[longer[first].label] += sign
            return +counts  # a label down to 0 is left out, as counting afresh would
    return Counter(span.label for span in new if span.status != "suggested")


def _changed_runs(old: tuple[list, ...], new: tuple[list, ...]) -> list[tuple[int, int]]:
    """The runs of rows, (first, last), whose line differs between ``old`` and ``new``, each
    the panel's sections (head, spans, tail): lines compared by value, spans by identity (a
    span's object is kept until it changes). Once a section's length changed, every row
    below it moved. Compared in C (map, compress), as a list may be 10,000 tags long."""
    rows: list[int] = []
    top = 0
    for old_lines, new_lines, differ in zip(old, new, (operator.ne, operator.is_not, operator.ne), strict=True):
        differing = itertools.compress(itertools.count(), map(differ, old_lines, new_lines))
        if len(old_lines) != len(new_lines):
            first = next(differing, min(len(old_lines), len(new_lines)))
            return _runs(rows) + [(top + first, max(sum(map(len, old)), sum(map(len, new))) - 1)]
        rows += [top + index for index in differing]
        top += len(new_lines)
    return _runs(rows)


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
