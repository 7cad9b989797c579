"""The focused article's annotations: counts per label, then each tag in reading order,
marked with its status (STATUS_MARKS), and a line saying what the marks mean.

Drawn through the Line API like the article view: an update repaints the panel alone,
where replacing a Static's content would lay out (and repaint) the whole screen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, NamedTuple

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

from ..styles import STATUS_MARKS, STRESSED, UNKNOWN_LABEL, LabelStyles
from .gutter import thumb_rows
from .line_view import LineView
from .span_list import THROUGH_THE_END, SpanList

if TYPE_CHECKING:
    from ..screens.background import ArticleJob


VIRTUAL_BLOCK = 50
PANEL_WIDTH = 34  # cells, beside the article columns (set here, not in the stylesheet: the columns' count needs it)
PROGRESS_MARGIN = 4  # cells: the progress bar fills the panel less its padding and scroll thumb
NOT_TAGS = ("rejected", "suggested")  # listed, but not counted as tags
LABEL_CELLS = (5, 10)  # a listed tag's label name: as wide as the schema's longest, within these


# A line of the panel: runs of (text, style), turned into Text only when drawn.
Line = tuple[tuple[str, Style | str | None], ...]


class AnnotationPanel(LineView, can_focus=False):
    STYLE_PREFIX = "annotation-panel"
    PARTIAL_STYLES = frozenset(STRESSED)
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "annotation-panel--thumb",
        "annotation-panel--accepted",
        "annotation-panel--rejected",
    }

    def __init__(self, schema: LabelSchema, label_styles: LabelStyles, **kwargs) -> None:
        super().__init__(**kwargs)
        self.cells = PANEL_WIDTH
        self.styles.width = PANEL_WIDTH
        self.schema = schema
        self.label_styles = label_styles
        self.label_cells = min(max(LABEL_CELLS[0], *map(len, schema.names)), LABEL_CELLS[1])
        # The lines in three parts: the counts above the list, the tags listed, and what
        # follows. A tag's line is made when it is drawn, so that a tag costs the panel
        # about the same with 1,000 tags in the article as with ten (rebuilding 1,000 lines
        # took 1.2 ms a tag, measured). The list is the focused column's own, which counts
        # its spans and records the rows each change touched; ``_edits_seen``: how many
        # of those changes are shown.
        self._head: list[Line] = []
        self._spans = SpanList()
        self._rows_listed = 0  # the list's length as last shown: the focused column changes it in place
        self._edits_seen = 0
        self._tail: list[Line] = []
        # A span's line by span id, with the span it was made from: made again only when
        # the span changed (the store keeps a span's object until then).
        self._span_lines: LRUCache[str, tuple[Annotation, Line]] = LRUCache(4096)
        # Drawn lines by content and width, not by place: a tag in the middle of the list
        # moves every line below it down one, and they need not be drawn again.
        self._strips: LRUCache[tuple[Line, int], Strip] = LRUCache(1024)

    def set_width(self, cells: int) -> None:
        """Narrower where the columns need the room; no cells: folded away."""
        self.display = cells > 0
        if cells and cells != self.cells:
            self.cells = self.styles.width = cells

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
        span = self._spans.spans[index]
        kept = self._span_lines.get(span.id)
        if kept is None or kept[0] is not span:
            style = self.label_styles.of(span)
            if span.status in STRESSED:
                style += getattr(self.line_styles, span.status)
            kept = self._span_lines[span.id] = (span, _listed(span, style, self.label_cells))
        return kept[1]

    def show(
        self,
        title: str,
        spans: SpanList,
        orphans: Sequence[Annotation] = (),
        links: Sequence[str] = (),
        link_source: str = "",
        job: ArticleJob | None = None,
    ) -> None:
        """``spans``: the tags and suggestions shown; ``links``: one line per link touching
        the article; ``link_source``: the tag marked with m; ``job``: a background job running."""
        statuses, per_label = _counts(spans)
        head: list[Line] = [((title, "bold"),), ((_described(statuses), None),)]
        for name in self.schema.names + sorted(set(per_label) - set(self.schema.names)):
            head.append(
                ((f" {name} ", self.label_styles.get(name, UNKNOWN_LABEL)), (f" {per_label.get(name, 0)}", None))
            )
        if statuses["suggested"]:
            head.append((("y accepts, x rejects; A / X all", "dim"),))
        if job is not None:
            width = self.cells - PROGRESS_MARGIN
            filled = round(job.fraction * width)
            head += [((job.describe(), "bold"),), (("█" * filled + "░" * (width - filled), "bold"),)]
        marked = [status for status in STATUS_MARKS if statuses[status]]
        if marked:
            head.append(((" · ".join(f"{STATUS_MARKS[status]} {status}" for status in marked), "dim"),))
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
            tail += [
                (),
                ((f"Orphaned: {len(orphans)}", "bold red"),),
                (("The text changed and these are no", "dim"),),
                (("longer in it; kept, not exported.", "dim"),),
            ]
            tail += [_listed(span, "red", self.label_cells) for span in orphans]
        # Repaint only the lines that changed: a tag changes a count and adds one line.
        old, new = Sections(self._head, self._rows_listed, self._tail), Sections(head, len(spans), tail)
        changed = _changed_runs(old, new, self._span_rows(spans))
        self._head, self._spans, self._tail = head, spans, tail
        self._rows_listed, self._edits_seen = len(spans), len(spans.edits)
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

    def _span_rows(self, spans: SpanList) -> tuple[int, int] | None:
        """The rows of the list (first, last) that changed since it was last shown, or None."""
        if spans is not self._spans:  # another article, or all its spans read again
            return 0, THROUGH_THE_END
        edits = spans.edits[self._edits_seen :]
        if not edits:
            return None
        lasts = [last for _, last in edits]
        return min(first for first, _ in edits), THROUGH_THE_END if THROUGH_THE_END in lasts else max(lasts)

    def scroll_to_span(self, span: Annotation) -> None:
        """Scroll the least that shows the span's line: the list may be longer than the panel."""
        index = self._spans.index(span)
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
        strip: Strip | None  # None: not in the cache yet
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
        self._span_lines.clear()  # their label names are in the status's CSS style

    def text_lines(self) -> list[str]:
        """The panel as plain lines (what a reader sees, for tests and screen readers)."""
        return ["".join(text for text, _ in _printable(self.line(index))) for index in range(self.line_count)]


def _printable(line: Line) -> list[tuple[str, Style | str]]:
    """The line's runs as shown: labels, names and link lines in it may come from imports."""
    return [(printable(text), style or "") for text, style in line]


def _counts(spans: SpanList) -> tuple[Counter[str], Counter[str]]:
    """How many ``spans`` have each status, and how many tags (neither rejected nor
    suggested) each label."""
    statuses: Counter[str] = Counter()
    per_label: Counter[str] = Counter()
    for (label, status), count in spans.kinds.items():
        statuses[status] += count
        if status not in NOT_TAGS:
            per_label[label] += count
    return statuses, per_label


def _described(statuses: Counter[str]) -> str:
    """'2 tags · 1 rejected · 1 suggested': a rejected tag or a suggestion is not a tag."""
    tags = sum(count for status, count in statuses.items() if status not in NOT_TAGS)
    return " · ".join(
        [counted(tags, "tag"), *(f"{statuses[status]} {status}" for status in NOT_TAGS if statuses[status])]
    )


def _listed(span: Annotation, label_style: Style | str, label_cells: int) -> Line:
    """A span in the list: its label in ``label_cells`` cells in ``label_style`` (cut with an
    ellipsis), a gap, its status mark (or a blank), a space and its text."""
    name = span.label if len(span.label) <= label_cells else span.label[: label_cells - 1] + "…"
    return (f"{name:<{label_cells}}", label_style), (
        f" {STATUS_MARKS.get(span.status, ' ')} {one_line(span.text)}",
        None,
    )


class Sections(NamedTuple):
    """The panel's lines: those above the list, how many the list has, those below it."""

    head: list[Line]
    spans: int
    tail: list[Line]

    @property
    def rows(self) -> int:
        return len(self.head) + self.spans + len(self.tail)


def _changed_runs(old: Sections, new: Sections, span_rows: tuple[int, int] | None) -> list[tuple[int, int]]:
    """The runs of rows, (first, last), whose line differs between ``old`` and ``new``: the
    lines above and below the list compared by value, the list's rows those ``span_rows``
    says (first, last; THROUGH_THE_END: all below moved; None: none). Once a section's
    length changed, every row below its first change moved."""
    end = max(old.rows, new.rows) - 1
    head = _differing(old.head, new.head, 0)
    if len(old.head) != len(new.head):
        return [(head[0] if head else min(len(old.head), len(new.head)), end)]
    top = len(new.head)
    if span_rows is not None and (span_rows[1] == THROUGH_THE_END or old.spans != new.spans):
        return [*_runs(head), (top + span_rows[0], end)]
    spans = [] if span_rows is None else list(range(top + span_rows[0], top + span_rows[1] + 1))
    top += new.spans
    tail = _differing(old.tail, new.tail, top)
    if len(old.tail) != len(new.tail):
        first = tail[0] if tail else top + min(len(old.tail), len(new.tail))
        return [*_runs([*head, *spans]), (first, end)]
    return _runs([*head, *spans, *tail])


def _differing(old: list[Line], new: list[Line], top: int) -> list[int]:
    """The rows, from ``top``, where ``old`` and ``new`` hold different lines."""
    return [top + index for index, (before, now) in enumerate(zip(old, new, strict=False)) if before != now]


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
