"""An article column: its heading, then its text with cursor, selection and label
highlights, all drawn through the Line API.

Only visible lines are rendered, each once until something on it changes: the view
keeps rendered strips in an LRU cache and refreshes just the lines a change touches,
so a tag on a 200,000-character article repaints a line or two, not the article.
The heading is drawn by the view too, not by widgets around it: a container and a
heading widget per column were six more nodes to style and lay out at start-up, and
a container's lines are rendered in every full frame though its children cover them.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from itertools import pairwise
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.strip import Strip

from annotations.articles import Article
from annotations.model import Annotation
from annotations.text import is_zero_width, next_word_start, one_line, previous_word_start, printable, snap_selection

from ..keymap import VIEW_BINDINGS
from ..styles import STRESSED, LabelStyles
from .gutter import thumb_rows
from .keys import pass_on_if_unfocused, run_bindings_here
from .line_view import LineView
from .span_list import SpanList
from .wrap import TAB_CELLS, column_of, line_of, line_starts, offset_at_column, wrap

HEADING_ROWS = 2  # 'n  outlet · date' and the title, above the text; they do not scroll
MARGIN = 1  # a blank cell before the heading and the text
GUTTER = 2  # after the text: a space, then the column's edge with the scroll position in it
BADGE, BOLD, ITALIC = Style(bold=True, reverse=True), Style(bold=True), Style(italic=True)


def heading_lines(article: Article, number: int) -> tuple[list[tuple[str, Style]], list[tuple[str, Style]]]:
    """The heading's two lines as (text, emphasis) runs, never markup: 'n  outlet · date',
    the column's number reversed, then the title. An article whose text names no outlet
    or date shows its id in their place; a file name's newline or escape shows as its picture."""
    first = " · ".join(one_line(part) for part in (article.outlet, article.date) if part)
    title = one_line(article.title) or ("" if not first else article.id)
    return [(f"{number} ", BADGE), (f" {printable(first or article.id)}", BOLD)], [(printable(title), ITALIC)]


class ArticleView(LineView, can_focus=True):
    """One article in column ``number``: a cursor (a character offset), an optional
    selection, and highlights."""

    BINDINGS: ClassVar[list[BindingType]] = [*VIEW_BINDINGS]
    STYLE_PREFIX = "article-view"
    PARTIAL_STYLES = frozenset(STRESSED)
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-view--cursor",
        "article-view--selection",
        "article-view--match",
        "article-view--gutter",
        "article-view--thumb",
        "article-view--heading",
        "article-view--accepted",
        "article-view--rejected",
    }

    def __init__(self, article: Article, label_styles: LabelStyles, number: int = 1, **kwargs) -> None:
        super().__init__(**kwargs)
        self.number = number
        self.article = article
        self.text = article.text
        self._heading = heading_lines(article, number)
        self.label_styles = label_styles
        self.cursor = 0
        # The selection's fixed end, while v extends it (not ``anchor``: that is Widget.anchor()).
        self.selection_anchor: int | None = None
        self.span_list = SpanList()
        self.matches: list[tuple[int, int]] = []
        self._lines: list[tuple[int, int]] = []
        self._starts: list[int] = []
        self._wrap_width = 0
        self._cache: LRUCache[int, Strip] = LRUCache(1024)

    def add_leading_bindings(self, bindings: list[Binding]) -> None:
        """Bindings that come from configuration (the label keys), placed first so the
        footer shows them first, where even a narrow terminal has room."""
        leading: dict[str, list[Binding]] = {}
        for binding in Binding.make_bindings(bindings):
            leading.setdefault(binding.key, []).append(binding)
        self._bindings.key_to_bindings = {**leading, **self._bindings.key_to_bindings}

    # -- what is shown -------------------------------------------------------------

    @property
    def spans(self) -> list[Annotation]:
        """The spans highlighted, in reading order."""
        return self.span_list.spans

    @spans.setter
    def spans(self, spans: list[Annotation]) -> None:
        # Indexed by start, so that drawing a line looks at the spans near it, not at all
        # of them: an article may hold thousands, and a page draws 46 lines.
        self.span_list = SpanList(spans)

    def spans_over(self, start: int, end: int) -> list[Annotation]:
        """The spans that overlap ``text[start:end]``, by start."""
        spans = self.span_list
        first = bisect.bisect_left(spans.starts, start - spans.longest + 1)
        last = bisect.bisect_left(spans.starts, end)
        return [span for span in spans.spans[first:last] if span.end > start]

    def show_article(self, article: Article, spans: list[Annotation]) -> None:
        self.article, self.text = article, article.text
        self._heading = heading_lines(article, self.number)
        self.cursor, self.selection_anchor, self.spans, self.matches = 0, None, spans, []
        self._wrap_width = 0
        self._rewrap()
        self._invalidate_all()
        self.scroll_to(y=0, animate=False)

    def set_spans(self, spans: list[Annotation], changed: tuple[int, int] | None = None) -> None:
        """Replace the highlights; ``changed`` limits the repaint to the lines of that range."""
        self.spans = spans
        if changed is None:
            self._invalidate_all()
        else:
            self._invalidate(*changed)

    def edit_spans(self, removed: Sequence[Annotation], added: Sequence[Annotation]) -> bool:
        """Take ``removed`` off and highlight ``added``, as set_spans with the article's
        spans would, without reading or sorting them all again (an article may hold 10,000);
        False when this view's spans are not those the change was made to (the caller then
        hands it the article's spans)."""
        if not self.span_list.edit(removed, added):
            return False
        changed = [*removed, *added]
        if changed:
            self._invalidate(min(span.start for span in changed), max(span.end for span in changed))
        return True

    def set_matches(self, matches: list[tuple[int, int]]) -> None:
        self.matches = matches
        self._invalidate_all()

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected range (start, end exclusive); the character under the cursor is in it."""
        if self.selection_anchor is None:
            return None
        return min(self.selection_anchor, self.cursor), max(self.selection_anchor, self.cursor) + 1

    def select(self, start: int, end: int) -> None:
        """Select ``text[start:end]`` and put the cursor on its last character."""
        self._set_cursor(max(end - 1, start), anchor=start)

    def clear_selection(self) -> None:
        if self.selection_anchor is not None:
            self._invalidate(self.selection_anchor, self.cursor)
            self.selection_anchor = None

    def move_to(self, offset: int) -> None:
        self._set_cursor(offset, anchor=None)

    # -- layout --------------------------------------------------------------------

    @property
    def _text_width(self) -> int:
        return max(self.viewport.region.width - MARGIN - GUTTER, 0)

    @property
    def _text_height(self) -> int:
        return max(self.viewport.region.height - HEADING_ROWS, 0)

    def _rewrap(self) -> bool:
        """Wrap the text to the view's width if that changed; whether it did."""
        width = self._text_width
        if width <= 0 or width == self._wrap_width:
            return False
        self._wrap_width = width
        self._lines = wrap(self.text, width)
        self._starts = line_starts(self._lines)
        self.forget_lines()
        self.virtual_size = Size(width, len(self._lines) + HEADING_ROWS)
        self._scroll_cursor_into_view()
        return True

    def on_resize(self, event: events.Resize) -> None:
        if self._rewrap():
            self.refresh()

    def on_show(self) -> None:
        if self._rewrap():
            self.refresh()

    def cursor_line(self) -> int:
        return line_of(self._starts, self.cursor)

    def forget_lines(self) -> None:
        self._cache.clear()

    def _invalidate_all(self) -> None:
        self.forget_lines()
        self.refresh()

    def _invalidate(self, start: int, end: int) -> None:
        if not self._lines:
            return
        first = line_of(self._starts, min(start, end))
        last = line_of(self._starts, max(start, end))
        for index in range(first, last + 1):
            self._cache.discard(index)
        self.refresh_runs([(first + HEADING_ROWS, last + HEADING_ROWS)])

    # -- cursor ----------------------------------------------------------------------

    def _clamp(self, offset: int) -> int:
        return min(max(offset, 0), max(len(self.text) - 1, 0))

    def _set_cursor(self, offset: int, anchor: int | bool | None = False) -> None:
        """Move the cursor; ``anchor`` False keeps the current anchor, None drops it."""
        offset = self._clamp(offset)
        old_cursor, old_anchor = self.cursor, self.selection_anchor
        if anchor is not False:
            self.selection_anchor = anchor
        self.cursor = offset
        touched = [old_cursor, offset]
        if old_anchor is not None:
            touched.append(old_anchor)
        if self.selection_anchor is not None:
            touched.append(self.selection_anchor)
        self._invalidate(min(touched), max(touched))
        self._scroll_cursor_into_view()

    def _scroll_cursor_into_view(self) -> None:
        if not self._lines:
            return
        line = self.cursor_line()
        height = self._text_height
        top = self.scroll_offset.y
        if line < top:
            self.scroll_to(y=line, animate=False, immediate=True)
        elif height and line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False, immediate=True)

    def _target(self, motion: str) -> int:
        text, cursor = self.text, self.cursor
        if motion in ("left", "right"):
            # Step over combining marks and joiners: they have no cell of their own.
            step = -1 if motion == "left" else 1
            target = cursor + step
            while 0 < target < len(text) and is_zero_width(text[target]):
                target += step
            return target
        if motion == "word_next":
            return next_word_start(text, cursor)
        if motion == "word_previous":
            return previous_word_start(text, cursor)
        if motion == "start":
            return 0
        if motion == "end":
            return len(text) - 1
        if not self._lines:
            return cursor
        line = self.cursor_line()
        page = max(self._text_height - 1, 1)
        delta = {"up": -1, "down": 1, "page_up": -page, "page_down": page}[motion]
        target_line = min(max(line + delta, 0), len(self._lines) - 1)
        if target_line == line:
            return 0 if delta < 0 else len(text) - 1 if motion.startswith("page") else cursor
        column = column_of(text, self._lines[line], cursor)
        return offset_at_column(text, self._lines[target_line], column)

    def action_move(self, motion: str) -> None:
        self._set_cursor(self._target(motion))

    def action_extend(self, motion: str) -> None:
        if self.selection_anchor is None:
            self.selection_anchor = self.cursor
        self._set_cursor(self._target(motion))

    def action_start_selection(self) -> None:
        if self.selection_anchor is None:
            self._set_cursor(self.cursor, anchor=self.cursor)
        else:
            self.clear_selection()

    async def _on_key(self, event: events.Key) -> None:
        # This view's keys and its screen's run here, in order and on this view (keys.py).
        if not pass_on_if_unfocused(self, event):
            await run_bindings_here(self, event)

    # -- mouse -------------------------------------------------------------------------

    def _offset_at(self, event: events.MouseEvent) -> int | None:
        """The character under the mouse; None over the heading."""
        offset = event.get_content_offset(self)
        if offset is None or not self._lines or offset.y < HEADING_ROWS:
            return None
        line = min(offset.y - HEADING_ROWS + self.scroll_offset.y, len(self._lines) - 1)
        return offset_at_column(self.text, self._lines[line], max(offset.x - MARGIN, 0))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        self.focus()
        offset = self._offset_at(event)
        if offset is not None:
            self.capture_mouse()
            self._set_cursor(offset, anchor=offset)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if event.button == 1 and self.selection_anchor is not None:
            offset = self._offset_at(event)
            if offset is not None and offset != self.cursor:
                self._set_cursor(offset)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        self.release_mouse()
        if self.selection_anchor == self.cursor:
            self.clear_selection()  # a click places the cursor; only a drag selects

    # -- rendering ---------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # Wrapped here too, not only on resize: the first frame is rendered before the
        # view's Resize event arrives, and would show no text.
        self._rewrap()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        if y < HEADING_ROWS:
            return self._heading_line(y)
        row = y - HEADING_ROWS
        index = self.viewport.top + row
        width = self._text_width
        base = self.line_styles.base
        strip: Strip | None  # None: not in the cache yet
        if index >= len(self._lines):
            strip = Strip.blank(width, base)
        else:
            strip = self._cache.get(index)
            if strip is None:
                strip = self._render_visual_line(index).extend_cell_length(width, base).crop(0, width)
                self._cache[index] = strip
        # One strip per row, not a join of three: strips are most of a frame's objects.
        return Strip([Segment(" " * MARGIN, base), *strip, *self._gutter(row)], MARGIN + width + GUTTER)

    def _heading_line(self, y: int) -> Strip:
        styles = self.line_styles
        heading = styles.heading
        width = self.viewport.region.width
        runs = [
            Segment(" " * MARGIN, heading),
            *(Segment(text, heading + emphasis) for text, emphasis in self._heading[y]),
        ]
        edge = Segment("▕", heading + Style(color=styles.gutter.color))
        return Strip([*Strip(runs).crop_extend(0, width - 1, heading), edge], width)

    def _gutter(self, row: int) -> list[Segment]:
        """Text row ``row``'s gutter: a space, then the column's edge, or the thumb where the
        view shows the article (only when the article is longer than the view)."""
        styles = self.line_styles
        glyph, style = "▕", styles.gutter
        if row in thumb_rows(self._text_height, len(self._lines), self.viewport.top):
            glyph, style = "▐", styles.thumb
        return [Segment(" ", styles.base), Segment(glyph, style)]

    def _span_style(self, spans: list[Annotation], offset: int) -> Style | None:
        covering = [span for span in spans if span.start <= offset < span.end]
        if not covering:
            return None
        innermost = min(covering, key=lambda span: span.end - span.start)
        style = self.label_styles.of(innermost)
        if innermost.status in STRESSED:
            style += getattr(self.line_styles, innermost.status)
        if len(covering) > 1:
            # Nested or overlapping tags: the innermost colour, underlined to say there is more.
            style += Style(underline=True)
        return style

    def _render_visual_line(self, index: int) -> Strip:
        """One visual line as runs of equal style: a line with no tag, match, selection or
        cursor is a single segment. Runs break only where one of those starts or ends."""
        start, end = self._lines[index]
        text = self.text
        styles = self.line_styles
        base = styles.base
        line_spans = self.spans_over(start, end)
        line_matches = [match for match in self.matches if match[0] < end and match[1] > start]
        selection = self.selection
        if selection is not None:  # drawn as a label key will take it: whole words (text.snap_selection)
            selection = snap_selection(text, *selection) or selection
        show_cursor = self.has_focus
        cuts = {start, end}
        for span in line_spans:
            cuts.update((span.start, span.end))
        for match_start, match_end in line_matches:
            cuts.update((match_start, match_end))
        if selection:
            cuts.update(selection)
        if show_cursor:
            cuts.update((self.cursor, self.cursor + 1))
        points = sorted(cut for cut in cuts if start <= cut <= end)
        segments: list[Segment] = []
        for run_start, run_end in pairwise(points):
            style = base
            span_style = self._span_style(line_spans, run_start) if line_spans else None
            if span_style is not None:
                style += span_style
            if any(match_start <= run_start < match_end for match_start, match_end in line_matches):
                style += styles.match
            if selection and selection[0] <= run_start < selection[1]:
                style += styles.selection
            if show_cursor and run_start == self.cursor:
                style += styles.cursor
            run = text[run_start:run_end]
            segments.append(Segment(run.replace("\t", " " * TAB_CELLS) if "\t" in run else run, style))
        if self.cursor == end < len(text) and text[end] == "\n":
            # The cursor sits on the newline that ends this line: show it after the text.
            style = base + (styles.selection if selection and selection[0] <= self.cursor < selection[1] else Style())
            segments.append(Segment(" ", style + styles.cursor if show_cursor else style))
        return Strip(segments)

    def on_focus(self) -> None:
        self._invalidate(self.cursor, self.cursor)  # the heading follows by its CSS (:focus)

    def on_blur(self) -> None:
        self._invalidate(self.cursor, self.cursor)
