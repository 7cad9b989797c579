"""The baseline for key latency: a minimal curses annotator, as issue 8 describes one.

    python benchmarks/curses_annotator.py ARTICLE.md TAGS.json

It shows the article wrapped to the terminal, a reverse-video cursor, and tagged words
underlined; every key redraws the whole screen. `l`/`h` move the cursor, `a` tags the
word under it as an actor and saves every tag durably (a new file, fsync, rename)
before redrawing; ctrl+q quits. benchmarks/latency.py times it beside Broadsheet.
"""

from __future__ import annotations

import bisect
import curses
import json
import os
import sys
import textwrap
from pathlib import Path


def wrapped(text: str, width: int) -> list[tuple[int, str]]:
    """(offset of the line's first character, line) for every screen line."""
    lines, offset = [], 0
    for paragraph in text.split("\n"):
        for line in textwrap.wrap(paragraph, width, drop_whitespace=False) or [""]:
            lines.append((offset, line))
            offset += len(line)
        offset += 1
    return lines


def save(path: Path, tags: list[dict]) -> None:
    temporary = path.with_suffix(".tmp")
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump(tags, file)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def main(screen: curses.window, article: Path, tags_path: Path) -> None:
    curses.curs_set(0)
    curses.raw()
    text = article.read_text(encoding="utf-8")
    height, width = screen.getmaxyx()
    lines = wrapped(text, width - 1)
    starts = [start for start, _ in lines]
    tags: list[dict] = []
    cursor = 0
    while True:
        line_index = max(bisect.bisect_right(starts, cursor) - 1, 0)
        top = max(0, line_index - height + 2)
        screen.erase()
        screen.addstr(0, 0, f"{article.name} · {len(tags)} tags"[: width - 1], curses.A_BOLD)
        for row, (start, line) in enumerate(lines[top : top + height - 1], start=1):
            screen.addstr(row, 0, line)
            for tag in tags:
                if tag["start"] < start + len(line) and tag["end"] > start:
                    left = max(tag["start"], start) - start
                    screen.chgat(row, left, min(tag["end"], start + len(line)) - start - left, curses.A_UNDERLINE)
            if start <= cursor < start + max(len(line), 1):
                screen.chgat(row, cursor - start, 1, curses.A_REVERSE)
        screen.refresh()
        key = screen.getch()
        if key == 17:  # ctrl+q
            return
        if key == ord("l"):
            cursor = min(cursor + 1, len(text) - 1)
        elif key == ord("h"):
            cursor = max(cursor - 1, 0)
        elif key == ord("a"):
            start = cursor
            while start > 0 and text[start - 1].isalnum():
                start -= 1
            end = cursor
            while end < len(text) and text[end].isalnum():
                end += 1
            tags.append({"start": start, "end": end, "label": "actor", "text": text[start:end]})
            save(tags_path, tags)


if __name__ == "__main__":
    curses.wrapper(main, Path(sys.argv[1]), Path(sys.argv[2]))
