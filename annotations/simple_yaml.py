"""Reading YAML, the one way for every Broadsheet file: front matter, label schemas,
keymaps and pattern files.

Front matter (``outlet: Reuters``) and label schemas (``labels:`` over a list of
``- name: actor`` entries) are nearly always simple. Importing PyYAML costs about
10 ms, a sixth of what the app adds to Textual's own start-up, and its pure-Python
loader is slow over thousands of articles. ``read`` returns exactly what
``yaml.safe_load`` returns for such text, and None for anything else; ``load`` then gives
it to PyYAML's safe loader (libyaml's when installed), refusing what no Broadsheet file
needs and a hostile one could use: aliases (400 bytes of nested ``*a`` expand to
gigabytes), a key given twice, and nesting too deep to build.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

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


class YamlError(ValueError):
    """YAML that cannot be read. ``str()`` is 'line N: invalid YAML: problem' for a one-line
    message after the file's name; ``line`` counts from 1 in the text given (None when unknown)."""

    def __init__(self, problem: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: invalid YAML: {problem}" if line is not None else f"invalid YAML: {problem}")
        self.problem = problem
        self.line = line


def load(text: str) -> object:
    """What ``yaml.safe_load(text)`` gives (an empty mapping for an empty text), or YamlError."""
    data = read(text)
    if data is not None:
        return data
    root, construct = compose(text)
    return None if root is None else construct(root)


def compose(text: str) -> tuple[yaml.Node | None, Callable[[yaml.Node], object]]:
    """The document's node tree (its nodes carry their lines), and a function that builds
    the value of a node of it; raises YamlError for bad YAML or an alias."""
    import yaml

    loader = _strict_loader("*" in text)(text)  # an alias is written *name
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as error:
        raise _yaml_error(error) from None
    except RecursionError:
        raise YamlError("nested too deeply") from None

    def construct(node: yaml.Node) -> object:
        try:
            return loader.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            raise _yaml_error(error) from None
        except RecursionError:
            raise YamlError("nested too deeply") from None
        except ValueError as error:  # a value the resolver claims but cannot build: date: 2019-13-45
            raise YamlError(str(error), node.start_mark.line + 1) from None

    return root, construct


def _yaml_error(error: yaml.YAMLError) -> YamlError:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).replace("\n", " ")
    return YamlError(problem, mark.line + 1 if mark is not None else None)


@functools.cache
def _strict_loader(may_alias: bool) -> type:
    """PyYAML's safe loader (libyaml's when installed) whose mappings refuse a key given
    twice rather than keep the last, and which refuses an alias before following it. That
    takes PyYAML's composer, in Python: libyaml's is ten times faster over thousands of
    articles' front matter, so only text that ``may_alias`` pays for it."""
    import yaml

    if not hasattr(yaml, "CSafeLoader"):
        bases: tuple[type, ...] = (yaml.SafeLoader,)
    else:
        bases = (yaml.composer.Composer, yaml.CSafeLoader) if may_alias else (yaml.CSafeLoader,)

    reader: Any = bases[-1]  # SafeLoader or CSafeLoader: the base that takes the stream

    class StrictLoader(*bases):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            reader.__init__(self, stream)
            yaml.composer.Composer.__init__(self)  # the anchors the Python composer keeps

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, f"aliases (*{event.anchor}) are not allowed", event.start_mark
                )
            return super().compose_node(parent, index)

        def construct_mapping(self, node, deep=False):
            seen: set[object] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if not isinstance(key, Hashable):
                    break  # PyYAML's own message follows
                if key in seen:
                    raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return StrictLoader


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
