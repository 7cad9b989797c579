"""What the article view and the panel share: both are drawn a line at a time (the
Line API), keep the lines they drew, and look their CSS styles up once, not once a line
or once a frame."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from textual.geometry import Region
from textual.scroll_view import ScrollView


class LineStyles:
    """The CSS styles a view's lines are drawn in: the widget's own (``base``) and its
    component classes (``cursor`` is ``<prefix>--cursor``), each looked up when a line
    first needs it, and kept until the CSS changes. A look-up walks the widget's
    ancestors, and Textual drops its own cache at every refresh: a quarter of a
    millisecond of every key, looking up the same styles again."""

    __slots__ = ("_view", "__dict__")  # the __dict__ holds only the styles looked up

    def __init__(self, view: LineView) -> None:
        self._view = view

    def __getattr__(self, name: str) -> Style:  # only for a style not looked up yet
        view = self._view
        style = view.rich_style if name == "base" else view.get_component_rich_style(f"{view.STYLE_PREFIX}--{name}")
        setattr(self, name, style)
        return style

    def same_as(self, earlier: LineStyles | None) -> bool:
        """Whether every style ``earlier`` looked up is still the same."""
        return earlier is not None and all(getattr(self, name) == style for name, style in vars(earlier).items())


class LineView(ScrollView):
    STYLE_PREFIX: ClassVar[str]  # of the component classes: "article-view" for article-view--cursor

    _line_styles: LineStyles | None = None
    _drawn_styles: LineStyles | None = None  # the styles of the lines kept

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
