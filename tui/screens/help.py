"""The help screen: every key of every screen and the relations the link key picks,
generated from the binding lists the key bars and the command palette read (keymap.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from annotations.schema import LabelSchema
from annotations.text import printable

from ..keymap import key_character, listed_bindings
from ..session import Session
from ..shown import plain
from .dialog import Dialog

# The headings of keymap.listed_bindings' groups, in the order shown.
SECTION_TITLES = {
    "cursor": "Move and select",
    "main": "Tags, history, search, columns",
    "labels": "Labels ({source})",
    "review": "Review (r)",
    "adjudication": "Adjudication (d in review)",
    "compare": "Compare view (C)",
}
RELATIONS_TITLE = "Relations (the key after L)"

Row = tuple[str, str, str, str]  # the keys; what they do; the binding's id (what a relation joins); more
COLUMN_STYLES = ("bold", "", "dim", "dim")
HELP_BOX_WIDTH = 96  # dialog.tcss's #help-body; less its border and padding, the tables' width


def key_text(binding: Binding, keymap: dict[str, str]) -> str:
    """The keys of ``binding`` as a person types them, after the user's keymap."""
    keys = keymap.get(binding.id or "", binding.key)
    return " / ".join(key_character(key) for key in keys.split(","))


def keymap_sections(schema: LabelSchema, keymap: dict[str, str]) -> list[tuple[str, list[Row]]]:
    """Each heading of the help screen with its rows; after the labels, the relations a
    link takes (their keys pick one once L is pressed), with what each may join."""
    sections = []
    for name, bindings in listed_bindings(schema).items():
        rows = [
            (key_text(binding, keymap), binding.description, binding.id or "", binding.tooltip) for binding in bindings
        ]
        sections.append((SECTION_TITLES[name].format(source=schema.source), rows))
        if name == "labels":
            relations = [
                (relation.key, relation.name, relation.joins, relation.description) for relation in schema.relations
            ]
            sections.append((RELATIONS_TITLE, relations))
    return sections


# Below this many cells for the last column, a row's detail goes under what it does: at
# 80 columns the detail had 8 cells, and its words folded a few letters a line.
DETAIL_MIN_WIDTH = 20


def keymap_tables(sections: list[tuple[str, list[Row]]], width: int) -> Iterator[RenderableType]:
    """A heading and a table per section, ``width`` cells wide, every table with the same
    column widths so that the columns line up down the whole screen. Every cell is Text,
    never markup: keys, label names, descriptions and the schema's name come from files."""
    widths = [max(cell_len(printable(row[column])) for _, rows in sections for row in rows) for column in range(3)]
    beside = width - sum(column + 2 for column in widths) >= DETAIL_MIN_WIDTH + 2
    for title, rows in sections:
        yield plain(title, style="underline")
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=not beside)
        if beside:
            for column, style in zip([*widths, None], COLUMN_STYLES, strict=True):
                table.add_column(style=style, width=column, overflow="fold")  # a long word folds, never cut
            for row in rows:
                table.add_row(*(plain(cell) for cell in row))
        else:  # what a key does takes the room left, its detail on the lines under it
            table.add_column(style=COLUMN_STYLES[0], width=widths[0], overflow="fold")
            table.add_column(ratio=1, overflow="fold")
            table.add_column(style=COLUMN_STYLES[2], width=widths[2], overflow="fold")
            for keys, does, binding_id, detail in rows:
                cell = plain(does)
                if detail:
                    cell.append("\n").append_text(plain(detail, style=COLUMN_STYLES[3]))
                table.add_row(plain(keys), cell, plain(binding_id))
        yield table
        yield Text("")


class HelpScreen(Dialog):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(Text("Broadsheet keys  (escape closes; ctrl+p finds a command by what it does)", style="bold"))
            sections = keymap_sections(self.session.schema, self.session.keymap)
            yield Static(Group(*keymap_tables(sections, min(HELP_BOX_WIDTH, self.app.size.width) - 4)))
