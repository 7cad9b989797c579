"""Text from outside as the app shows it: Rich Text, never markup, with every control
character as its picture (through the one sanitiser, ``annotations.text.printable``),
so a name, a label or a line of a file neither runs an action nor reaches the terminal."""

from __future__ import annotations

import contextlib
from pathlib import Path

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from annotations.text import printable, printable_block


def plain(text: object, style: str | Style = "") -> Text:
    """``text`` (a name, a label, a description) as Text that shows it as it is."""
    return Text(printable(text), style=style)


def printable_lines(text: Text) -> Text:
    """``text``, built from pieces some of which came from outside, made printable in place
    (its lines and tabs kept): one character is replaced by one, so every style stays on
    the characters it was on."""
    text.plain = printable_block(text.plain)
    return text


def shown_path(path: Path) -> str:
    """``path`` as the header shows it: from the current folder when it is inside it (as a
    person typed it, and short), else whole; printable."""
    with contextlib.suppress(ValueError):
        path = path.relative_to(Path.cwd())
    return printable(str(path))


def fitted_path(path: str, cells: int) -> str:
    """``path`` in ``cells`` cells: whole if it fits, else its end after '…', from a folder's
    start where one fits, so the file name stays in view ('…/seeds/a.txt')."""
    if cell_len(path) <= cells:
        return path
    tail = path[-(cells - 1) :] if cells > 1 else ""  # as many characters as cells; fewer if some are wide
    while cell_len(tail) > cells - 1:
        tail = tail[1:]
    folder = tail.find("/")
    return "…" + (tail[folder:] if 0 <= folder < len(tail) - 1 else tail)
