"""What the article view and the panel share: both are drawn a line at a time (the
Line API), keep the lines they drew, look their CSS styles up once, not once a line or
once a frame, and their geometry once a frame, not once a line."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, NamedTuple

from rich.style import Style
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.strip import Strip


class LineStyles:
    """The CSS styles a view's lines are drawn in: the widget's own (``base``) and its
    component classes (``cursor`` is ``<prefix>--cursor``), each looked up when a line
    first needs it, and kept until the CSS changes. A look-up walks the widget's
    ancestors, and Textual drops its own cache at every refresh: a quarter of a
    millisecond of every key, looking up the same styles again."""

    __slots__ = ("__dict__", "_view")  # the __dict__ holds only the styles looked up

    def __init__(self, view: LineView) -> None:
        self._view = view

    def __getattr__(self, name: str) -> Style:  # only for a style not looked up yet
        view = self._view
        if name == "base":
            style = view.rich_style
        else:
            style = view.get_component_rich_style(f"{view.STYLE_PREFIX}--{name}", partial=name in view.PARTIAL_STYLES)
        setattr(self, name, style)
        return style

    def same_as(self, earlier: LineStyles | None) -> bool:
        """Whether every style ``earlier`` looked up is still the same."""
        return earlier is not None and all(getattr(self, name) == style for name, style in vars(earlier).items())


class Viewport(NamedTuple):
    """What of a view's lines shows: from line ``top`` (its scroll offset), in ``region``
    (its scrollable content region, relative to the screen)."""

    top: int
    region: Region


class LineView(ScrollView):
    STYLE_PREFIX: ClassVar[str]  # of the component classes: "article-view" for article-view--cursor
    # Component styles laid over a label's colours: only what their CSS sets (a bold), not
    # the widget's background and colour under it.
    PARTIAL_STYLES: ClassVar[frozenset[str]] = frozenset()

    _line_styles: LineStyles | None = None
    _drawn_styles: LineStyles | None = None  # the styles of the lines kept
    _frame_viewport: Viewport | None = None  # while a frame is drawn

    @property
    def viewport(self) -> Viewport:
        """Looked up once while a frame is drawn, not once a line: each look-up walks up to
        the screen and finds the widget in its map."""
        return self._frame_viewport or Viewport(self.scroll_offset.y, self.scrollable_content_region)

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame_viewport = self.viewport
        try:
            return super().render_lines(crop)
        finally:
            self._frame_viewport = None

    def refresh_runs(self, runs: Iterable[tuple[int, int]]) -> None:
        """Repaint the lines ``first`` to ``last`` of each run (numbered as ``refresh_lines``
        numbers them, from the top of the content) in one refresh, where a refresh_lines a
        run looked the widget's region up twice a run. Only the rows on screen: Textual marks
        each row of a region, and a tag high in a list of 10,000 moves every row below it."""
        top, region = self.viewport
        shown = range(top, top + region.height)
        regions = [
            Region(0, first - top, region.width, last - first + 1)
            for first, last in ((max(first, shown.start), min(last, shown.stop - 1)) for first, last in runs)
            if first <= last
        ]
        if regions:  # a refresh with none repaints the whole view
            self.refresh(*regions)

    @property
    def line_styles(self) -> LineStyles:
        styles = self._line_styles
        if styles is None:
            styles = self._line_styles = LineStyles(self)
            if not styles.same_as(self._drawn_styles):
                self.forget_lines()  # a new theme: the kept lines have the old colours
            self._drawn_styles = styles
        return styles

    def forget_lines(self) -> None:
        """Drop the lines kept drawn (their colours changed)."""
        raise NotImplementedError

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_styles = None  # our CSS changed: focus, a new theme

    def refresh(self, *regions: Region, **kwargs) -> LineView:
        if not regions:
            # A whole repaint: how Textual repaints a node's descendants when the node's
            # CSS changes, so our styles may have changed with an ancestor's background.
            self._line_styles = None
        return super().refresh(*regions, **kwargs)
