"""Text from outside as the app shows it: Rich Text, never markup, with every control
character as its picture (through the one sanitiser, ``annotations.text.printable``),
so a name, a label or a line of a file neither runs an action nor reaches the terminal."""

from __future__ import annotations

import contextlib
from pathlib import Path

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
