"""The help screen: the whole keymap, generated from the same binding lists as the footer."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from annotations.schema import LabelSchema

from ..keymap import (
    ADJUDICATION_BINDINGS,
    COMPARE_BINDINGS,
    MAIN_BINDINGS,
    REVIEW_BINDINGS,
    VIEW_BINDINGS,
    label_bindings,
)
from ..session import Session
from ..shown import plain
from .dialog import Dialog


def key_text(binding: Binding, keymap: dict[str, str]) -> str:
    keys = keymap.get(binding.id or "", binding.key)
    if binding.key_display and binding.id not in keymap:
        return binding.key_display
    return " / ".join(key.strip() for key in keys.split(","))


def keymap_table(schema: LabelSchema, keymap: dict[str, str]) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column(style="bold")
    table.add_column()
    table.add_column(style="dim")
    sections = [
        ("Move and select", VIEW_BINDINGS),
        ("Tags, history, search, columns", MAIN_BINDINGS),
        (f"Labels ({schema.source})", label_bindings(schema)),
        ("Review (r)", REVIEW_BINDINGS),
        ("Adjudication (d in review)", ADJUDICATION_BINDINGS),
        ("Compare view (C)", COMPARE_BINDINGS),
    ]
    descriptions = {label.name: label.description for label in schema.labels}
    for title, bindings in sections:
        # Titles, keys, label names and descriptions come from files: Text, never markup.
        table.add_row(plain(title, style="underline"), "", "")
        for binding in bindings:
            # The id is what a --keymap file names; a label's description says what to tag.
            label_description = descriptions.get((binding.id or "").removeprefix("tag."), "")
            detail = "   ".join(part for part in (binding.id or "", label_description) if part)
            table.add_row(plain(key_text(binding, keymap)), plain(binding.description), plain(detail))
        table.add_row("", "", "")
    return table


class HelpScreen(Dialog):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(Text("Broadsheet keys  (escape closes)", style="bold"))
            yield Static(keymap_table(self.session.schema, self.session.keymap))
