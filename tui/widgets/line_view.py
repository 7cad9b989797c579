"""What the article view and the panel share: both are drawn a line at a time (the
Line API), and look their CSS styles up once a frame, not once a line."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.strip import Strip


class FrameStyles:
    """The CSS styles of one frame's lines: the widget's own (``base``) and its component
    classes (``cursor`` is ``<prefix>--cursor``), each looked up when a line first needs
    it and kept for the frame. A look-up walks the widget's ancestors, Textual drops its
    own cache at every refresh, and a frame that repaints one line needs only a few."""

    def __init__(self, view: LineView) -> None:
        self._view = view

    def __getattr__(self, name: str) -> Style:  # only for a style not looked up yet this frame
        view = self._view
        style = view.rich_style if name == "base" else view.get_component_rich_style(f"{view.STYLE_PREFIX}--{name}")
        setattr(self, name, style)
        return style


class LineView(ScrollView):
    STYLE_PREFIX: ClassVar[str]  # of the component classes: "article-view" for article-view--cursor

    _frame_styles: FrameStyles | None = None

    @property
    def frame_styles(self) -> FrameStyles:
        if self._frame_styles is None:
            self._frame_styles = FrameStyles(self)
        return self._frame_styles

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame_styles = None  # CSS may have changed since the last frame (focus, theme)
        return super().render_lines(crop)
