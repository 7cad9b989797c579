"""The label schema: which labels exist, the key that applies each, and its colour;
and which relations can link two spans."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rich.color import Color, ColorParseError

from . import simple_yaml

DEFAULT_SCHEMA = "labels.yaml"


class SchemaError(ValueError):
    """A label schema that cannot be used. ``str()`` is the one-line message."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")


class PatternError(ValueError):
    """A pattern (from a file the schema or --patterns names) that cannot be used: ``str()``
    is 'FILE:LINE: problem'. Here rather than in suggest.py, so the command line can catch
    it without loading the suggesters."""


# The kinds of row Broadsheet proposes (annotations/proposals/), each by default for the
# label of its own name; a schema's label says `propose: KIND` to have another label's
# rows found by it, or `propose: none` to have none.
PROPOSERS = ("actor", "figure", "quote", "claim")


@dataclass(frozen=True)
class Label:
    name: str
    key: str
    color: str
    description: str
    proposer: str = ""  # which of PROPOSERS finds this label's rows, if any


@dataclass(frozen=True)
class Relation:
    name: str
    key: str  # picks it in the relation chooser, so it may repeat a label key
    description: str
    clusters: bool = False  # its links join spans into clusters (the compare view's rows)
    heads: tuple[str, ...] = ()  # the labels its links may start from; () for any
    children: tuple[str, ...] = ()  # the labels they may go to; () for any
    same_label: bool = False  # both ends of one label (a figure is the same as a figure)

    def refuses(self, head: str, child: str) -> str:
        """Why a link of this relation cannot go from a ``head`` span to a ``child`` span
        (their labels), in words; "" when it can."""
        if self.same_label and head != child:
            return f"{self.name} joins spans of one label, not {head} to {child}"
        if (self.heads and head not in self.heads) or (self.children and child not in self.children):
            return f"{self.name} joins {self.joins}, not {head} -> {child}"
        return ""

    @property
    def joins(self) -> str:
        """What it joins, as the schema's ``joins:`` says it."""
        if self.same_label:
            return SAME_LABEL
        return f"{', '.join(self.heads) or ANY} -> {', '.join(self.children) or ANY}"


CLUSTER_RELATION = "same-as"  # the default relation whose links form clusters
SAME_LABEL, ANY = "same label", "any"  # the ``joins:`` of a relation whose two ends share a label, of any end

DEFAULT_RELATIONS = (
    Relation(
        CLUSTER_RELATION,
        "s",
        "The same actor, claim, figure or quote, in another article or later in this one.",
        True,
        same_label=True,
    ),
    Relation("said-by", "b", "A quote, to the actor who said it.", heads=("quote",), children=("actor",)),
)


@dataclass(frozen=True)
class LabelSchema:
    labels: tuple[Label, ...]
    source: str
    relations: tuple[Relation, ...] = DEFAULT_RELATIONS
    suggesters: tuple[tuple[str, str], ...] = ()  # built-in suggesters switched on: (name, label)
    pattern_files: tuple[Path, ...] = ()
    proposals_as: str = "pending"  # a confirmed proposal's new spans: tags ("pending") or "suggested"

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {label.name: label for label in self.labels})

    def get(self, name: str) -> Label | None:
        return self._by_name.get(name)  # type: ignore[attr-defined]

    @property
    def names(self) -> list[str]:
        return [label.name for label in self.labels]

    @property
    def proposers(self) -> dict[str, str]:
        """Each label that gets proposed rows, to the kind of proposal that finds them."""
        return {label.name: label.proposer for label in self.labels if label.proposer}

    @property
    def cluster_relation(self) -> str:
        return next((relation.name for relation in self.relations if relation.clusters), "")


# What a confirmed proposal's untagged members become (the schema's "proposals:").
PROPOSALS_AS = {"tags": "pending", "suggestions": "suggested"}


def _read_yaml(source: str, text: str) -> object:
    try:
        return simple_yaml.load(text)
    except simple_yaml.YamlError as error:
        raise SchemaError(source, str(error)) from None


def parse_schema(
    text: str, source: str, reserved_keys: Mapping[str, str] | None = None, base: Path = Path()
) -> LabelSchema:
    """``reserved_keys``: each key a label may not take, to what already has it ("the key of
    article.pick (Open article)"); ``base``: the folder that pattern files named in the
    schema are relative to."""
    data = _read_yaml(source, text)
    if not isinstance(data, dict) or not isinstance(data.get("labels"), list) or not data["labels"]:
        raise SchemaError(source, "expected a 'labels:' list with at least one label")
    reserved = reserved_keys or {}
    labels: list[Label] = []
    names: set[str] = set()
    keys: dict[str, str] = {}
    for number, entry in enumerate(data["labels"], start=1):
        where = f"label {number}"
        if not isinstance(entry, dict):
            raise SchemaError(source, f"{where}: expected name, key, color and description")
        missing = [field for field in ("name", "key", "color") if not entry.get(field)]
        if missing:
            raise SchemaError(source, f"{where}: missing {', '.join(missing)}")
        name, key, color, description = _text_fields(source, where, entry, ("name", "key", "color", "description"))
        name, color = name.strip(), color.strip()
        where = f"label {name!r}"
        _check_name(source, where, name)
        if name in names:
            raise SchemaError(source, f"{where}: the name is used twice")
        _check_key(source, where, key)
        if key in reserved:
            raise SchemaError(source, f"{where}: key {key!r} is already {reserved[key]}")
        if key in keys:
            raise SchemaError(source, f"{where}: key {key!r} is already used by label {keys[key]!r}")
        color = _color(source, where, color)
        names.add(name)
        keys[key] = name
        labels.append(Label(name, key, color, description.strip(), _proposer(source, where, name, entry)))
    relations = _parse_relations(data["relations"], source, names) if "relations" in data else _default_relations(names)
    suggesters, pattern_files = _parse_suggest(data.get("suggest") or {}, source, names, base)
    confirmed = data.get("proposals", "tags")
    if confirmed not in PROPOSALS_AS:
        raise SchemaError(source, f"proposals: {confirmed!r}; expected 'tags' or 'suggestions'")
    return LabelSchema(tuple(labels), source, relations, suggesters, pattern_files, PROPOSALS_AS[confirmed])


def _text_fields(source: str, where: str, entry: dict, fields: tuple[str, ...]) -> list[str]:
    """The entry's fields as text (a number is text too; a missing one is empty); a list
    or a mapping where text belongs is refused."""
    values = []
    for field in fields:
        value = entry.get(field)
        if isinstance(value, (list, dict)):
            raise SchemaError(source, f"{where}: {field} must be text, not a {type(value).__name__}")
        values.append("" if value is None else str(value))
    return values


@functools.lru_cache(maxsize=1024)  # asked once a span by an import: its few labels, a million times
def is_valid_name(name: str) -> bool:
    """A label's or a relation's name: what export writes (a brat or CoNLL field), so one printable word."""
    return bool(name) and not any(char.isspace() or not char.isprintable() for char in name)


def _color(source: str, where: str, color: str) -> str:
    """``color`` as Rich reads it: its own names (``dodger_blue2``) and ``#rrggbb`` as they
    are, and the CSS names a person types (``orange``, ``pink``, ``light blue``), which Rich
    lacks, as their ``#rrggbb``."""
    try:
        Color.parse(color)
        return color
    except ColorParseError:
        pass
    import webcolors  # only for a name Rich does not know

    try:
        return webcolors.name_to_hex(color.lower().replace("_", "").replace(" ", ""))
    except ValueError:
        raise SchemaError(
            source, f"{where}: unknown color {color!r} (a name such as orange or dodger_blue2, or #rrggbb)"
        ) from None


def _proposer(source: str, where: str, name: str, entry: dict) -> str:
    """The label's ``propose:`` (a kind of proposal, or none), else the kind of its name."""
    if "propose" not in entry:
        return name if name in PROPOSERS else ""
    kind = entry["propose"]
    if kind in (None, False, "none"):
        return ""
    if kind not in PROPOSERS:
        raise SchemaError(source, f"{where}: propose: {kind!r}; expected one of {', '.join(PROPOSERS)} or none")
    return kind


def _check_name(source: str, where: str, name: str) -> None:
    if not is_valid_name(name):
        raise SchemaError(source, f"{where}: a name must be printable with no spaces")


def _check_key(source: str, where: str, key: str) -> None:
    if len(key) != 1 or not key.isprintable() or key.isspace():
        raise SchemaError(source, f"{where}: key {key!r} must be a single printable character")


SUGGESTERS = ("figures", "quotes", "titles")  # built in: see suggest.py


def _parse_suggest(
    entries: object, source: str, labels: set[str], base: Path
) -> tuple[tuple[tuple[str, str], ...], tuple[Path, ...]]:
    """``suggest: {figures: figure, quotes: quote, titles: actor, patterns: [FILE, ...]}``;
    pattern files are found relative to the schema file."""
    if not isinstance(entries, dict):
        raise SchemaError(source, "'suggest:' must map suggesters to labels (figures: figure) and 'patterns' to files")
    suggesters = []
    patterns: tuple[Path, ...] = ()
    for name, value in entries.items():
        if name == "patterns":
            files = [value] if isinstance(value, str) else value
            if not isinstance(files, list) or not all(isinstance(file, str) and file for file in files):
                raise SchemaError(source, "suggest: 'patterns' must be a file or a list of files")
            patterns = tuple(base / file for file in files)
        elif name not in SUGGESTERS:
            raise SchemaError(
                source, f"suggest: unknown suggester {name!r} (built in: {', '.join(SUGGESTERS)}; or patterns)"
            )
        elif not isinstance(value, str) or value not in labels:
            raise SchemaError(source, f"suggest: {name}: unknown label {value!r}")
        else:
            suggesters.append((str(name), str(value)))
    return tuple(suggesters), patterns


def _default_relations(names: set[str]) -> tuple[Relation, ...]:
    """The default relations, without the ends a schema's own labels do not have."""
    return tuple(
        relation
        if set(relation.heads + relation.children) <= names
        else dataclasses.replace(relation, heads=(), children=())
        for relation in DEFAULT_RELATIONS
    )


def _parse_joins(source: str, where: str, joins: object, names: set[str]) -> dict:
    """A relation's ``joins:`` ("quote -> actor", "quote, claim -> actor", "any -> actor",
    "same label") as Relation's fields."""
    if joins is None:
        return {}
    if not isinstance(joins, str):
        raise SchemaError(source, f"{where}: joins must be text such as 'quote -> actor' or '{SAME_LABEL}'")
    if joins.strip() == SAME_LABEL:
        return {"same_label": True}
    head, arrow, child = joins.partition("->")
    if not arrow:
        raise SchemaError(source, f"{where}: joins: {joins!r}; expected 'LABELS -> LABELS' or '{SAME_LABEL}'")
    ends = []
    for side in (head, child):
        labels = tuple(label.strip() for label in side.split(",") if label.strip() and label.strip() != ANY)
        unknown = [label for label in labels if label not in names]
        if unknown:
            raise SchemaError(source, f"{where}: joins: no label {unknown[0]!r}")
        ends.append(labels)
    return {"heads": ends[0], "children": ends[1]}


def _parse_relations(entries: object, source: str, names: set[str]) -> tuple[Relation, ...]:
    if not isinstance(entries, list):
        raise SchemaError(source, "'relations:' must be a list of relations")
    relations: list[Relation] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("key"):
            raise SchemaError(source, f"relation {number}: expected a name and a key")
        name, key, description = _text_fields(source, f"relation {number}", entry, ("name", "key", "description"))
        name = name.strip()
        where = f"relation {name!r}"
        _check_name(source, where, name)
        _check_key(source, where, key)
        for other in relations:
            if other.name == name:
                raise SchemaError(source, f"{where}: the name is used twice")
            if other.key == key:
                raise SchemaError(source, f"{where}: key {key!r} is already used by relation {other.name!r}")
        clusters = entry.get("clusters", False)
        if not isinstance(clusters, bool):
            raise SchemaError(source, f"{where}: 'clusters' must be true or false")
        if clusters and any(other.clusters for other in relations):
            raise SchemaError(source, f"{where}: only one relation can form clusters")
        relations.append(
            Relation(name, key, description.strip(), clusters, **_parse_joins(source, where, entry.get("joins"), names))
        )
    return tuple(relations)


def load_schema(path: Path | None = None, reserved_keys: Mapping[str, str] | None = None) -> LabelSchema:
    """Load a schema file, or the packaged default when ``path`` is None."""
    if path is None:
        # Beside this module, as package data (importlib.resources would add 13 ms to start-up).
        text = Path(__file__).with_name(DEFAULT_SCHEMA).read_text(encoding="utf-8")
        return parse_schema(text, f"default {DEFAULT_SCHEMA}", reserved_keys)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SchemaError(str(path), f"cannot read: {getattr(error, 'strerror', None) or error}") from None
    return parse_schema(text, str(path), reserved_keys, path.parent)
