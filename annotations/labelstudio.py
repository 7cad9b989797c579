"""Label Studio's JSON, in and out, for text tasks labelled with ``<Labels>`` and ``<Relations>``.

In: the JSON export (an array of tasks, text in ``data.text``, ``annotations[].result[]``
with ``value.start``/``end``/``text``/``labels``, relations as ``type: relation`` results
between region ids, ``predictions`` as a model's suggestions) and JSON_MIN (the data's keys
with one list of regions per labelling tag, no relations). Each annotation that was not
cancelled is a document by its annotator, finished (submitted, it says what the task holds);
a region of several labels is a span per label. Results of other tags (choices, text areas,
ratings) are counted and left out. Offsets are code points, as Label Studio writes them
now; a region whose ``text`` shows UTF-16 units instead (older versions) is converted.

Out: the tasks with one annotation each (every span and link of the article) and the
labelling config that shows them, beside (``labelling_config``).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.etree import ElementTree

from .export import ExportedArticle
from .readers import ReadDocument, ReadError, read_json, unreadable
from .text import Utf16Offsets

FROM_NAME, TO_NAME = "label", "text"  # the names export gives the config's <Labels> and <Text> tags
UNLABELLED_RELATION = "related"  # a relation drawn without a label still needs one here
# JSON_MIN's keys that are the annotation's, not the task's data.
_MIN_KEYS = frozenset({"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "agreement"})


class TaskError(ValueError):
    pass


def labelstudio_documents(path: Path) -> Iterator[ReadDocument]:
    """Every annotation and prediction of every task of the file, a document each."""
    try:
        tasks = read_json(path)
    except ReadError as error:
        yield from unreadable(path, error)
        return
    if not isinstance(tasks, list):
        tasks = [tasks]
    for number, task in enumerate(tasks, start=1):
        place = f"task {number}"
        try:
            yield from _task_documents(path, place, task)
        except TaskError as error:
            yield ReadDocument(path, problems=[f"{path}: {place}: {error}"])


def _task_documents(path: Path, place: str, task: object) -> Iterator[ReadDocument]:
    if not isinstance(task, dict):
        raise TaskError("expected a task, a JSON object")
    full = isinstance(task.get("data"), dict)
    data = task["data"] if full else {key: value for key, value in task.items() if key not in _MIN_KEYS}
    text, meta = data.get("text"), data.get("meta")
    if not isinstance(text, str) or not text:
        raise TaskError("no 'text' in its data (Broadsheet reads text tasks)")
    meta = dict(meta) if isinstance(meta, dict) else {}
    if isinstance(task.get("id"), (int, str)) and not isinstance(task.get("id"), bool):
        meta.setdefault("labelstudio_task", task["id"])
    if not full:  # JSON_MIN: one annotation, its regions under each tag's name
        regions = [
            item for value in data.values() if isinstance(value, list) for item in value if isinstance(item, dict)
        ]
        annotation = {"id": task.get("annotation_id"), "completed_by": task.get("annotator"), "result": regions}
        yield _document(path, place, text, meta, annotation, suggested=False)
        return
    annotations = task.get("annotations", task.get("completions")) or []
    predictions = task.get("predictions") or []
    if not isinstance(annotations, list) or not isinstance(predictions, list):
        raise TaskError("'annotations' and 'predictions' must be lists")
    kept = [annotation for annotation in annotations if not _cancelled(annotation)]
    for annotation in kept:
        yield _document(path, place, text, meta, annotation, suggested=False)
    for prediction in predictions:
        yield _document(path, place, text, meta, prediction, suggested=True)
    if len(kept) < len(annotations):
        yield ReadDocument(path, left_out=Counter({"cancelled annotation": len(annotations) - len(kept)}))
    if not kept and not predictions:  # the task alone: its article comes in, unfinished
        yield ReadDocument(path, {"text": text, "meta": meta}, place=place)


def _cancelled(annotation: object) -> bool:
    return isinstance(annotation, dict) and bool(annotation.get("was_cancelled") or annotation.get("skipped"))


def _annotator(given: object) -> str | None:
    """Label Studio's completed_by: a user's id, or an object with the user's email."""
    if isinstance(given, dict):
        given = given.get("email") or given.get("id")
    if isinstance(given, bool) or not isinstance(given, (int, str)) or given == "":
        return None
    return f"labelstudio-user-{given}" if isinstance(given, int) else given


def _document(path: Path, place: str, text: str, meta: dict, annotation: object, suggested: bool) -> ReadDocument:
    """One annotation (or prediction) of the task as a document."""
    if not isinstance(annotation, dict) or not isinstance(annotation.get("result"), list):
        raise TaskError("an annotation or prediction needs a 'result' list")
    document = ReadDocument(path, place=place, suggested=suggested)
    key = f"{hashlib.sha1(text.encode('utf-8', 'surrogatepass')).hexdigest()}\0{annotation.get('id')}\0{suggested}"
    annotator = _annotator(annotation.get("completed_by"))
    status = "accepted" if annotation.get("ground_truth") is True else None
    spans, relations = [], []
    first_span_of: dict[str, str] = {}
    for item in annotation["result"]:
        if not isinstance(item, dict):
            raise TaskError("each result must be a JSON object")
        if item.get("type") == "relation":
            relations.append(item)
            continue
        made = _spans(item, text, key, annotator, status)
        if made is None:
            document.left_out[f"{item.get('type') or 'other'} result"] += 1
            continue
        spans.extend(made)
        if isinstance(item.get("id"), str):
            first_span_of.setdefault(item["id"], made[0]["id"])
    if suggested and relations:
        document.left_out["relation in a prediction"] += len(relations)
    record_meta = {"done": not suggested, **meta}  # a submitted annotation says what the task holds
    document.record = {
        "text": text,
        "meta": record_meta,
        "spans": spans,
        "relations": [] if suggested else _links(relations, first_span_of, document),
    }
    return document


def _spans(item: dict, text: str, key: str, annotator: str | None, status: str | None) -> list[dict] | None:
    """The region's spans, one per label; None for a result that is not a labelled stretch of text."""
    value = item.get("value", item)  # JSON_MIN gives the value alone
    if not isinstance(value, dict) or not ("start" in value and "end" in value):
        return None
    labels = next((value[name] for name in value if name.endswith("labels") and isinstance(value[name], list)), None)
    if not labels:
        return None
    start, end = _code_points(text, value["start"], value["end"], value.get("text"))
    region = item.get("id")
    spans = []
    for label in labels:
        span = {
            "start": start,
            "end": end,
            "label": label,
            "id": hashlib.sha1(f"{key}\0{region}\0{label}".encode("utf-8", "surrogatepass")).hexdigest()[:16],
        }
        span.update(
            {
                name: given
                for name, given in (
                    ("text", value.get("text")),
                    ("annotator", annotator),
                    ("status", status),
                    ("note", _note(item)),
                )
                if given is not None
            }
        )
        spans.append(span)
    return spans


def _note(item: dict) -> str | None:
    """The region's meta text (Label Studio's per-region note), as one note; None without one."""
    meta = item.get("meta")
    said = meta.get("text") if isinstance(meta, dict) else None
    if isinstance(said, str):
        return said
    if isinstance(said, list) and said and all(isinstance(line, str) for line in said):
        return "\n".join(said)
    return None


def _code_points(text: str, start: object, end: object, said: object) -> tuple[object, object]:
    """The region's offsets in code points: as given, unless its text is found there only
    when they count UTF-16 units (Label Studio before it counted code points)."""
    if not (type(start) is int and type(end) is int and isinstance(said, str)) or text[start:end] == said:
        return start, end
    units = Utf16Offsets(text)
    moved = units.to_python(start), units.to_python(end)
    if None not in moved and text[moved[0] : moved[1]] == said:
        return moved
    return start, end


def _links(relations: list[dict], first_span_of: dict, document: ReadDocument) -> list[dict]:
    """The relations between two of the annotation's spans, a link per label; others named."""
    links: list[dict] = []
    for number, relation in enumerate(relations, start=1):
        ends = [
            first_span_of.get(relation.get(key)) if isinstance(relation.get(key), str) else None
            for key in ("from_id", "to_id")
        ]
        if None in ends:
            document.problems.append(
                f"{document.where}: relation {number}: from_id and to_id must be ids of "
                "labelled regions of its annotation; skipped"
            )
            continue
        if relation.get("direction") == "left":
            ends.reverse()
        labels = relation.get("labels") or [UNLABELLED_RELATION]
        links.extend(
            {"head": ends[0], "child": ends[1], "label": label}
            for label in (labels if isinstance(labels, list) else [labels])
        )
    return links


# -- out ------------------------------------------------------------------------------


def labelstudio_task(article: ExportedArticle) -> dict:
    """The article as a task: its text and meta as data, one annotation of every span
    (a region each, by the span's id) and link (a relation between two regions)."""
    # A span's note is the region's meta text, which Label Studio shows and edits per region.
    regions = [
        {
            "id": span.id,
            "from_name": FROM_NAME,
            "to_name": TO_NAME,
            "type": "labels",
            "value": {"start": span.start, "end": span.end, "text": span.text, "labels": [span.label]},
            **({"meta": {"text": [span.note]}} if span.note else {}),
        }
        for span in article.spans
    ]
    relations = [
        {"from_id": link.head, "to_id": link.child, "type": "relation", "direction": "right", "labels": [link.label]}
        for link in article.relations
    ]
    return {
        "data": {"text": article.text, "meta": article.meta},
        "annotations": [{"result": regions + relations, "was_cancelled": False, "ground_truth": False}],
    }


def write_tasks(articles: Iterable[ExportedArticle], labels: set[str], relations: set[str]) -> tuple[int, str]:
    """The tasks as a JSON array, one task a line; the labels and relations used are added
    to ``labels`` and ``relations`` (for the config)."""
    lines = []
    for article in articles:
        lines.append(json.dumps(labelstudio_task(article), ensure_ascii=False))
        labels.update(span.label for span in article.spans)
        relations.update(link.label for link in article.relations)
    return len(lines), "[\n" + ",\n".join(lines) + "\n]\n"


def labelling_config(labels: set[str], relations: set[str]) -> str:
    """The labelling config that shows the tasks: a <Labels> tag of every label used, a
    <Relations> tag of every relation, and the <Text> they label."""
    view = ElementTree.Element("View")
    tag = ElementTree.SubElement(view, "Labels", name=FROM_NAME, toName=TO_NAME)
    for label in sorted(labels):
        ElementTree.SubElement(tag, "Label", value=label)
    if relations:
        tag = ElementTree.SubElement(view, "Relations")
        for relation in sorted(relations):
            ElementTree.SubElement(tag, "Relation", value=relation)
    ElementTree.SubElement(view, "Text", name=TO_NAME, value="$" + TO_NAME)
    ElementTree.indent(view)
    return ElementTree.tostring(view, encoding="unicode") + "\n"


def write_labelstudio(articles: Iterable[ExportedArticle], path: Path) -> int:
    """Write the tasks to ``path`` and their config beside it (config_path), each through
    output.write_file; returns the number of tasks."""
    from .output import write_file

    labels: set[str] = set()
    relations: set[str] = set()
    count, tasks = write_tasks(articles, labels, relations)
    write_file(path, tasks.encode("utf-8"))
    write_file(config_path(path), labelling_config(labels, relations).encode("utf-8"))
    return count


def config_path(tasks: Path) -> Path:
    """Where the config goes beside the tasks: OUT.json's is OUT.config.xml."""
    stem = tasks.name.removesuffix(".json") if tasks.name.endswith(".json") else tasks.name
    return tasks.with_name(stem + ".config.xml")
