"""A one-key choice (which relation, which link): each option has its key; escape cancels.
The title and each option take one line, cut with an ellipsis where they do not fit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ..shown import plain
from .dialog import Dialog


@dataclass(frozen=True)
class Choice:
    key: str  # one character
    name: str
    detail: str = ""


class ChoiceScreen(Dialog):
    """The chosen option goes to ``on_choose`` at once (not through dismiss's callback,
    which runs later), so a key typed right after the choice finds it made."""

    AUTO_FOCUS = ""  # nothing to focus: keys come to the screen

    def __init__(self, title: str, choices: list[Choice], on_choose: Callable[[Choice], None]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self._on_choose = on_choose

    def compose(self) -> ComposeResult:
        names = [plain(choice.name) for choice in self.choices]
        width = max(name.cell_len for name in names)
        options = Text("\n").join(  # one line each, in columns: key, name, detail
            Text.assemble(
                plain(choice.key, "bold"), "  ", name, " " * (width - name.cell_len + 2), plain(choice.detail, "dim")
            )
            for choice, name in zip(self.choices, names, strict=True)
        )
        with Vertical(id="choice-body"):
            yield Static(plain(self.title_text, style="bold"))
            yield Static(options)
            yield Static(Text("escape: cancel", style="dim"))

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        if event.key == "escape":
            self.dismiss()
            return
        choice = next((choice for choice in self.choices if choice.key == event.character), None)
        if choice is not None:
            self.dismiss()
            self._on_choose(choice)
