"""The title bar and the key bar: one widget each, one line each.

Textual's Header and Footer are built of child widgets (a footer key is a widget, and
the footer rebuilds them all after the first refresh and on every focus change), each
styled and laid out before the first frame. These render a line of text instead, from
the same sources: the app's title and sub-title, and the focused screen's bindings (the
one list in keymap.py). Each draws its line as a strip of segments (the Line API):
going through Text and Textual's Content cost several ms a frame at start-up.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from annotations.text import printable


class TitleBar(Widget):
    """'▤ Broadsheet — <sub-title>', centred, the sub-title cut with an ellipsis where it
    does not fit; plain segments, so a path is never markup (and printable: its control
    characters show as pictures). A screen's own sub-title stands for the app's."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        height: 1;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"title-bar--sub-title"}

    def on_mount(self) -> None:
        self.watch(self.screen, "sub_title", self._sub_title_changed, init=False)

    def _sub_title_changed(self, _sub_title: str) -> None:
        self.refresh()

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        width = self.size.width
        title = f"▤  {self.app.title}"
        segments = [Segment(title, base)]
        sub_title = self.screen.sub_title or self.app.sub_title
        if sub_title:
            sub_title = f" — {printable(sub_title)}"
            room = width - cell_len(title)
            if cell_len(sub_title) > room:
                sub_title = set_cell_size(sub_title, max(room - 1, 0)) + "…" if room > 0 else ""
            segments.append(Segment(sub_title, base + self.get_component_rich_style("title-bar--sub-title")))
        margin = max(0, (width - Strip(segments).cell_length) // 2)
        return Strip([Segment(" " * margin, base), *segments]).crop_extend(0, width, base)


class KeyBar(Widget):
    """The shown bindings of the focused widget and its screen, as 'key description' pairs
    (one per action); clicking one presses its key."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--disabled"}

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, str, bool]] = []  # start, end, key, enabled: what render drew

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        self.refresh()

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        key_style = base + self.get_component_rich_style("key-bar--key")
        disabled_style = base + self.get_component_rich_style("key-bar--disabled")
        self._spans = []
        segments: list[Segment] = []
        x = 0
        actions: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            # Label names and keys come from the schema and keymap files.
            key, description = printable(self.app.get_key_display(binding)), f" {printable(binding.description)}"
            segments += [
                Segment(key, key_style),
                Segment(description, base if enabled else disabled_style),
                Segment(" ", base),
            ]  # one space, as in Textual's compact footer: 80 columns hold the main screen's keys
            end = x + cell_len(key) + cell_len(description)
            self._spans.append((x, end, binding.key, enabled))
            x = end + 1
        return Strip(segments).crop_extend(0, self.size.width, base)

    def on_click(self, event: events.Click) -> None:
        for start, end, key, enabled in self._spans:
            if start <= event.x < end:
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return
