"""Reading JSONL line by line, for corpora, imports and validation alike."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class JsonlFileError(Exception):
    """A JSONL file that cannot be read at all; ``str()`` is the one-line message."""


@dataclass(frozen=True)
class JsonlLine:
    """A non-blank line: ``record`` is its JSON object, or ``problem`` says why there is none."""

    number: int
    text: str
    record: dict | None
    problem: str | None


def jsonl_lines(path: Path) -> Iterator[JsonlLine]:
    """Every non-blank line of ``path`` with its number. A line that is not UTF-8, not JSON
    or not an object comes with a problem (naming the file's byte offset where it helps);
    the lines after it are still read. Raises JsonlFileError when the file cannot be opened."""
    try:
        handle = path.open("rb")
    except OSError as error:
        raise JsonlFileError(f"{path}: cannot read: {error.strerror}") from None
    offset = 0
    with handle:
        for number, raw in enumerate(handle, start=1):
            line_start, offset = offset, offset + len(raw)
            try:
                text = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as error:
                yield JsonlLine(number, "", None, f"not UTF-8 at byte {line_start + error.start}")
                continue
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as error:
                yield JsonlLine(number, text, None, f"not valid JSON ({error.msg} at column {error.colno})")
                continue
            except RecursionError:
                yield JsonlLine(number, text, None, "not usable JSON (nested too deeply)")
                continue
            except ValueError as error:  # a number of over 4,300 digits
                yield JsonlLine(number, text, None, f"not usable JSON ({str(error).partition(':')[0]})")
                continue
            if not isinstance(record, dict):
                yield JsonlLine(number, text, None, "expected a JSON object")
                continue
            yield JsonlLine(number, text, record, None)


def count_lines(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            return sum(1 for _ in handle)
    except OSError:
        return 0
