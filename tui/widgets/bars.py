"""The title bar and the key bar: one widget each, one line each.

Textual's Header and Footer are built of child widgets (a footer key is a widget, and
the footer rebuilds them all after the first refresh and on every focus change), each
styled and laid out before the first frame. These render a line of text instead, from
the same sources: the app's title and sub-title, and the focused screen's bindings (the
one list in keymap.py).
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


class TitleBar(Widget):
    """'▤ Broadsheet — <sub-title>', centred; built as Text, so a path is never markup."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        height: 1;
    }
    """
    COMPONENT_CLASSES = {"title-bar--sub-title"}

    def render(self) -> Text:
        title = Text(f"▤  {self.app.title}")
        if self.app.sub_title:
            title.append(f" — {self.app.sub_title}", style=self.get_component_rich_style("title-bar--sub-title"))
        title.justify = "center"
        return title


class KeyBar(Widget):
    """The shown bindings of the focused widget and its screen, as 'key description' pairs
    (one per action); clicking one presses its key."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
    }
    """
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--disabled"}

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, str, bool]] = []  # start, end, key, enabled: what render drew

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        self.refresh()

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="crop")
        key_style = self.get_component_rich_style("key-bar--key")
        disabled_style = self.get_component_rich_style("key-bar--disabled")
        self._spans = []
        actions: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            start = len(line)
            line.append(self.app.get_key_display(binding), key_style)
            line.append(f" {binding.description}", None if enabled else disabled_style)
            self._spans.append((start, len(line), binding.key, enabled))
            line.append(" ")  # one space, as in Textual's compact footer: 80 columns hold the main screen's keys
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key, enabled in self._spans:
            if start <= event.x < end:
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return
