"""One line to type (a cluster's name, a tag's note): enter hands it over, escape keeps what was."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from annotations.text import printable

from ..shown import plain
from ..widgets.search_box import SearchBox
from .dialog import Dialog


class LinePrompt(Dialog):
    def __init__(self, title: str, value: str, on_enter: Callable[[str], None]) -> None:
        super().__init__()
        self.title_text = title
        self.current = value
        self._on_value = on_enter

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-body"):
            yield Static(plain(self.title_text, style="bold"))
            # A value from outside (an imported name) shows its control characters as pictures
            # (and is saved so, if kept).
            box = SearchBox(self._done, self.dismiss, value=printable(self.current), id="prompt-input")
            box.display = True
            yield box

    def on_mount(self) -> None:
        self.set_focus(self.query_one(SearchBox))

    def _done(self, value: str) -> None:
        self.dismiss()
        self._on_value(value)
