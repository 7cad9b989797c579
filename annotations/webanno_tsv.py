"""Reading WebAnno TSV 3 (``#FORMAT=WebAnno TSV 3.x``), as WebAnno and INCEpTION export it.

Its header names the layers (``#T_SP=`` span layers, ``#T_RL=`` relation layers, ``#T_CH=``
chains) and their features, a column each; a relation layer has one more column, the
governor's token (``BT_``). Each token row gives its offsets in UTF-16 code units, which
are converted to code points; a span over several tokens carries the same ``[N]`` on each,
and stacked annotations are separated by ``|``. A span's label is its ``value`` feature (a
named entity's), else its first feature with one, else its layer's name; a relation's is its
first feature. The text is rebuilt from the ``#Text=`` sentences at their tokens' offsets,
with a newline where the file gives nothing between two sentences. Chains are counted and
left out.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .readers import ReadDocument, ReadError, read_text, unreadable
from .text import Utf16Offsets

# Numbers of nine digits at most: a file's billion-digit number is not one to convert.
_ITEM = re.compile(r"(.*?)(?:\[(\d{1,9})(?:_(\d{1,9}))?\])?")
_ROW = re.compile(r"(\d+-\d+(?:\.\d+)?)\t(\d{1,9})-(\d{1,9})\t")
_ESCAPED = re.compile(r"\\(.)")
_LONGEST_GAP = 10_000  # UTF-16 units between two sentences: more is a damaged file, not blank lines


@dataclass
class _Layer:
    kind: str  # SP, RL or CH
    name: str
    features: list[str]
    first_column: int
    base: str = ""  # a relation layer's span layer (BT_)

    @property
    def columns(self) -> int:
        return max(len(self.features), 1) + (self.kind == "RL")

    @property
    def short_name(self) -> str:
        return self.name.rpartition(".")[2]

    @property
    def kept(self) -> bool:
        """Named entities and a project's own layers; not DKPro Core's linguistic ones (lemmas,
        parts of speech, dependencies), which are counted and left out."""
        return not self.name.startswith(_LINGUISTIC) or self.name.startswith(_NAMED_ENTITIES)


_LINGUISTIC = "de.tudarmstadt.ukp.dkpro.core.api."
_NAMED_ENTITIES = "de.tudarmstadt.ukp.dkpro.core.api.ner.type."


@dataclass
class _Reading:
    path: Path
    layers: list[_Layer] = field(default_factory=list)
    sentences: list[tuple[int, str]] = field(default_factory=list)  # (UTF-16 start, text)
    spans: dict[tuple, dict] = field(default_factory=dict)
    on_token: dict[tuple[str, str], list[tuple[int, tuple]]] = field(
        default_factory=dict
    )  # (layer, token): (N, span key)
    arcs: list[tuple[str, str, str, int, int, str]] = field(
        default_factory=list
    )  # (layer, dependent, governor, N, N, label)
    document: ReadDocument = None  # type: ignore[assignment]


def _unescaped(value: str) -> str:
    return _ESCAPED.sub(r"\1", value)


def _items(cell: str) -> list[re.Match]:
    """The cell's stacked annotations; none for "_"."""
    items = [] if cell in ("_", "") else re.split(r"(?<!\\)\|", cell)
    return [match for item in items if (match := _ITEM.fullmatch(item))]  # all do: each part of _ITEM is optional


def webanno_tsv_documents(path: Path) -> Iterator[ReadDocument]:
    try:
        lines = read_text(path).splitlines()
    except ReadError as error:
        yield from unreadable(path, error)
        return
    reading = _Reading(path, document=ReadDocument(path))
    if not lines or not lines[0].startswith("#FORMAT=WebAnno TSV 3"):
        reading.document.problems.append(f"{path}:1: not WebAnno TSV 3 (its first line is #FORMAT=WebAnno TSV 3.x)")
        yield reading.document
        return
    for number, line in enumerate(lines[1:], start=2):
        _read_line(reading, line, f"{path}:{number}")
    yield _finished(reading)


def _read_line(reading: _Reading, line: str, where: str) -> None:
    if line.startswith(("#T_SP=", "#T_RL=", "#T_CH=")):
        name, *features = line[6:].split("|")
        base = next((feature[3:] for feature in features if feature.startswith("BT_")), "")
        reading.layers.append(
            _Layer(
                line[3:5],
                name,
                [feature for feature in features if not feature.startswith("BT_")],
                sum(layer.columns for layer in reading.layers),
                base,
            )
        )
    elif line.startswith("#Text="):
        if reading.sentences and reading.sentences[-1][0] < 0:  # a sentence across lines: a #Text= line each
            reading.sentences[-1] = (-1, reading.sentences[-1][1] + "\n" + _unescaped(line[6:]))
        else:
            reading.sentences.append((-1, _unescaped(line[6:])))
    elif line.strip() and not line.startswith("#"):
        row = _ROW.match(line)
        cells = line.split("\t")[3:]
        if row is None or len(cells) < sum(layer.columns for layer in reading.layers):
            reading.document.problems.append(f"{where}: not a token row (ID, offsets, token and a column per feature)")
            return
        if reading.sentences and reading.sentences[-1][0] < 0:
            reading.sentences[-1] = (int(row.group(2)), reading.sentences[-1][1])
        for layer in reading.layers:
            _read_cells(reading, layer, row, cells[layer.first_column : layer.first_column + layer.columns])


def _read_cells(reading: _Reading, layer: _Layer, row: re.Match, cells: list[str]) -> None:
    token, start, end = row.group(1), int(row.group(2)), int(row.group(3))
    if layer.kind == "CH" or not layer.kept:
        reading.document.left_out[f"{layer.short_name} annotation"] += len(_items(cells[0]))
        return
    if layer.kind == "RL":
        labels, governors = _items(cells[0]) if layer.features else [], _items(cells[-1])
        for index, governor in enumerate(governors):
            given = labels[index].group(1) if index < len(labels) else "*"
            label = _unescaped(given) if given not in ("*", "") else layer.short_name
            reading.arcs.append(
                (layer.base, token, governor.group(1), int(governor.group(2) or 0), int(governor.group(3) or 0), label)
            )
        return
    chosen = layer.features.index("value") if "value" in layer.features else None
    columns = [_items(cell) for cell in cells]
    for index in range(max(map(len, columns))):  # a feature with no value says "_", however many are stacked
        items = [column[index] if index < len(column) else None for column in columns]
        values = ["*" if item is None else item.group(1) for item in items]
        given = values[chosen] if chosen is not None else next((value for value in values if value != "*"), "*")
        label = _unescaped(given) if given not in ("*", "") else layer.short_name
        number = int(next((item.group(2) for item in items if item is not None and item.group(2)), 0))
        key = (layer.name, number) if number else (layer.name, token, index)
        span = reading.spans.setdefault(key, {"start": start, "label": label})
        span["end"] = end
        reading.on_token.setdefault((layer.name, token), []).append((number, key))


def _finished(reading: _Reading) -> ReadDocument:
    """The document's record: the text rebuilt, spans and relations in code points."""
    document, text, units = reading.document, "", 0
    for given_start, sentence in reading.sentences:
        start = given_start
        if start - units > _LONGEST_GAP:
            document.problems.append(
                f"{reading.path}: a sentence starts at {start}, far past the text before it "
                f"(which ends at {units}); its offsets are not to be trusted"
            )
            start = units + 1
        if start > units:
            text += "\n" + " " * (start - units - 1)
            units = start
        text += sentence
        units += len(sentence.encode("utf-16-le")) // 2
    offsets = Utf16Offsets(text)
    ids, spans = {}, []
    for key, span in reading.spans.items():
        span_start, span_end = offsets.to_python(span["start"]), offsets.to_python(span["end"])
        if span_start is None or span_end is None:
            document.problems.append(
                f"{reading.path}: {span['label']} at {span['start']}-{span['end']} (UTF-16 units) "
                "lies outside the text or inside a character; skipped"
            )
            continue
        ids[key] = hashlib.sha1(f"{reading.path}\0{key}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
        spans.append({**span, "start": span_start, "end": span_end, "id": ids[key]})
    document.record = {
        "text": text,
        "meta": {"id": reading.path.stem, "source": str(reading.path)},
        "spans": spans,
        "relations": _relations(reading, ids),
    }
    return document


def _relations(reading: _Reading, ids: dict[tuple, str]) -> list[dict]:
    relations = []
    for base, dependent, governor, governor_number, dependent_number, label in reading.arcs:
        ends = [
            next((ids.get(key) for number, key in reading.on_token.get((base, at), []) if number == wanted), None)
            for at, wanted in ((governor, governor_number), (dependent, dependent_number))
        ]
        if None in ends:
            reading.document.left_out["relation not between two spans"] += 1
            continue
        relations.append({"head": ends[0], "child": ends[1], "label": label})
    return relations
