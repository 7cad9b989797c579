"""A reader for the simple YAML that Broadsheet's own files hold, without PyYAML.

Front matter (``outlet: Reuters``) and label schemas (``labels:`` over a list of
``- name: actor`` entries) are nearly always this simple. Importing PyYAML costs about
10 ms, a sixth of what the app adds to Textual's own start-up, and its pure-Python
loader is slow over thousands of articles. ``read`` returns exactly what
``yaml.safe_load`` returns for such text, and None for anything else, which the caller
then gives to PyYAML: a bad file gets PyYAML's own message, line and all.
"""

from __future__ import annotations

import datetime
import re

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?:[ \t]+(.*?))?[ \t]*")
# Plain text that YAML reads as a string: starts with a letter, and holds no ':' or '#'
# (which could start a mapping or a comment).
_PLAIN_STRING = re.compile(r"[A-Za-z][^:#]*")
_QUOTED_STRING = re.compile(r'"([^"\\]*)"')  # double quotes with no escape in them
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
# Words YAML 1.1 reads as booleans or null rather than text (compared in lower case).
_YAML_WORDS = frozenset("y n yes no true false on off null".split())


class _NotSimple(Exception):
    """The text is not in the simple shape: PyYAML must read it."""


def read(text: str) -> dict | None:
    """The mapping ``yaml.safe_load(text)`` gives, when every line is blank, a comment
    from its first non-blank character, ``key: value``, or ``key:`` over a list of
    mappings of ``key: value`` (``- name: actor`` / ``  key: a``); values are plain text,
    double-quoted text without escapes, an ISO date or true/false. Otherwise None.
    An empty text is an empty mapping here (``safe_load`` gives None)."""
    lines = []
    for line in text.split("\n"):
        content = line.lstrip(" ")
        if not content or content.startswith("#"):
            continue
        if not line.isprintable():  # a tab, a control character: PyYAML's rules
            return None
        lines.append((len(line) - len(content), content))
    try:
        mapping, end = _mapping(lines, 0, 0)
    except _NotSimple:
        return None
    return mapping if end == len(lines) else None


def _mapping(lines: list[tuple[int, str]], start: int, indent: int) -> tuple[dict, int]:
    """The ``key: value`` lines at ``indent`` from ``start``: the mapping, and where it ends."""
    mapping: dict = {}
    index = start
    while index < len(lines) and lines[index][0] == indent and not lines[index][1].startswith("- "):
        key, value = _key_value(lines[index][1])
        if key in mapping:
            raise _NotSimple  # PyYAML keeps the last; the schema's loader refuses it
        index += 1
        if value is None and indent == 0 and index < len(lines) and lines[index][1].startswith("- "):
            value, index = _list_of_mappings(lines, index)
        mapping[key] = value
    if index < len(lines) and lines[index][0] > indent:
        raise _NotSimple  # deeper than this mapping: a shape this reader does not know
    return mapping, index


def _list_of_mappings(lines: list[tuple[int, str]], start: int) -> tuple[list[dict], int]:
    """``- key: value`` items, each with its further ``key: value`` lines under its first."""
    dash_indent = lines[start][0]
    items = []
    index = start
    while index < len(lines) and lines[index][0] == dash_indent and lines[index][1].startswith("- "):
        first = lines[index][1][2:]
        item_indent = dash_indent + 2 + len(first) - len(first.lstrip(" "))
        lines[index] = (item_indent, first.lstrip(" "))  # the dash line is now the item's first key line
        item, index = _mapping(lines, index, item_indent)
        if not item:
            raise _NotSimple  # '- text' or '- - ...': not a mapping
        items.append(item)
    if index < len(lines) and lines[index][0] > 0:
        raise _NotSimple
    return items, index


def _key_value(content: str) -> tuple[str, object]:
    match = _KEY.fullmatch(content)
    if match is None:
        raise _NotSimple
    key, value = match.groups()
    if key.lower() in _YAML_WORDS:
        raise _NotSimple  # YAML reads the key itself as a boolean or null
    return key, None if value is None else _scalar(value)


def _scalar(value: str) -> object:
    if _PLAIN_STRING.fullmatch(value):
        if value in _BOOLEANS:
            return _BOOLEANS[value]
        if value.lower() in _YAML_WORDS:
            raise _NotSimple
        return value
    quoted = _QUOTED_STRING.fullmatch(value)
    if quoted:
        return quoted.group(1)
    if _ISO_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise _NotSimple from None  # PyYAML fails on 2019-13-45 its own way
    raise _NotSimple
