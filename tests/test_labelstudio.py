"""Label Studio's JSON in and out: files shaped as its documentation's export examples (the
full export with annotations, predictions and relations; JSON_MIN), offsets after emoji,
and the tasks and labelling config export writes."""

from __future__ import annotations

import json
from xml.etree import ElementTree

from annotations.store import Store

from .conftest import broadsheet

TEXT = "🇺🇸 Esper said Kataib Hezbollah fired 30 rockets at the base."


def _at(text: str, phrase: str) -> dict:
    start = TEXT.index(phrase)
    return {"start": start, "end": start + len(phrase), "text": phrase}


def _offsets(phrase: str) -> tuple[int, int]:
    at = _at(TEXT, phrase)
    return at["start"], at["end"]


def _region(region_id: str, phrase: str, label: str, value=None) -> dict:
    return {
        "value": {**(value or _at(TEXT, phrase)), "labels": [label]},
        "id": region_id,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
    }


# As the "Label Studio JSON format of annotated tasks" page shows a task, for a text project.
EXPORT = [
    {
        "id": 1,
        "data": {"text": TEXT},
        "annotations": [
            {
                "id": 1001,
                "completed_by": {"id": 10, "email": "ana@example.com"},
                "was_cancelled": False,
                "ground_truth": False,
                "created_at": "2021-03-09T22:16:08.728353Z",
                "lead_time": 4.288,
                "task": 1,
                "result": [
                    _region("Dx_aB91ISN", "Esper", "actor"),
                    _region("t5sp3TyXPo", "Kataib Hezbollah", "actor"),
                    _region("Ko9s1mNq2w", "30 rockets", "figure"),
                    {
                        "from_id": "Ko9s1mNq2w",
                        "to_id": "t5sp3TyXPo",
                        "type": "relation",
                        "direction": "right",
                        "labels": ["fired-by"],
                    },
                    {
                        "value": {"choices": ["Conflict"]},
                        "id": "c1",
                        "from_name": "topic",
                        "to_name": "text",
                        "type": "choices",
                    },
                ],
            },
            {"id": 1002, "completed_by": 11, "was_cancelled": True, "result": []},
        ],
        "predictions": [
            {
                "model_version": "model 1",
                "score": 0.5,
                "result": [_region("p1", "the base", "place"), _region("p2", "Esper", "actor")],
            },
        ],
    },
    # An older export: offsets in UTF-16 code units (the flag is four of them, two code points).
    {
        "id": 2,
        "data": {"text": TEXT},
        "annotations": [
            {
                "id": 1003,
                "completed_by": 10,
                "result": [_region("r1", "Esper", "actor", {"start": 5, "end": 10, "text": "Esper"})],
            }
        ],
    },
]
# JSON_MIN: the data's keys, then a list of regions under each tag's name.
JSON_MIN = [
    {
        "text": TEXT,
        "id": 3,
        "label": [
            {**_at(TEXT, "Kataib Hezbollah"), "labels": ["actor"]},
            {**_at(TEXT, "30 rockets"), "labels": ["figure", "claim"]},
        ],
        "topic": "Conflict",
        "annotator": "ben@example.com",
        "annotation_id": 7,
        "created_at": "2021-03-09T22:16:08Z",
        "updated_at": "2021-03-09T22:16:08Z",
        "lead_time": 2.5,
    }
]


def _stored(db) -> tuple[list, list]:
    with Store.open(db, read_only=True) as store:
        spans = sorted(
            (span.text, span.label, span.status, span.annotator, span.source)
            for article_id in store.article_ids()
            for span in store.annotations(article_id)
        )
        by_id = {span.id: span.text for article_id in store.article_ids() for span in store.annotations(article_id)}
        links = sorted((by_id[link.head], link.label, by_id[link.child]) for link in store.links())
    return spans, links


def test_a_label_studio_export_imports_its_spans_relations_and_predictions(tmp_path):
    exported = tmp_path / "project-1-at-2021.json"
    exported.write_text(json.dumps(EXPORT, indent=2, ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "db.json"
    result = broadsheet("import", str(exported), "--db", str(db), "--annotator", "me")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"broadsheet: {exported}: read as Label Studio JSON",
        f"broadsheet: {exported}: 5 span(s) imported into 1 new article(s), 1 link(s), 1 already there, "
        "1 cancelled annotation(s) left out (Broadsheet keeps none), "
        "1 choices result(s) left out (Broadsheet keeps none)",
    ]
    spans, links = _stored(db)
    source = f"{exported.name} (imported)"
    assert spans == [
        ("30 rockets", "figure", "pending", "ana@example.com", ""),
        ("Esper", "actor", "pending", "ana@example.com", ""),
        ("Esper", "actor", "pending", "labelstudio-user-10", ""),  # the older export's, by UTF-16 units
        ("Kataib Hezbollah", "actor", "pending", "ana@example.com", ""),
        ("the base", "place", "suggested", "me", source),  # the model's Esper is already there: not suggested again
    ]
    assert links == [("30 rockets", "fired-by", "Kataib Hezbollah")]
    with Store.open(db, read_only=True) as store:
        assert store.done_articles()  # a submitted annotation says what the task holds


def test_json_min_imports_every_region_and_label(tmp_path):
    exported = tmp_path / "min.json"
    exported.write_text(json.dumps(JSON_MIN), encoding="utf-8")
    db = tmp_path / "db.json"
    result = broadsheet("import", str(exported), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert _stored(db)[0] == [
        ("30 rockets", "claim", "pending", "ben@example.com", ""),
        ("30 rockets", "figure", "pending", "ben@example.com", ""),
        ("Kataib Hezbollah", "actor", "pending", "ben@example.com", ""),
    ]
    again = broadsheet("import", str(exported), "--db", str(db))  # importing it again adds nothing
    assert again.stderr.splitlines()[-1].endswith("0 span(s) imported into 0 new article(s), 3 already there")


def test_a_bad_task_is_named_and_the_others_come_in(tmp_path):
    exported = tmp_path / "bad.json"
    tasks = [
        {"data": {"image": "x.png"}, "annotations": []},
        EXPORT[1],
        {"data": {"text": "Short."}, "annotations": [{"result": [_region("x", "", "actor", {"start": 2, "end": 90})]}]},
        {"data": {"text": TEXT}, "annotations": [{"result": [{"type": "relation", "from_id": "a", "to_id": "b"}]}]},
    ]
    exported.write_text(json.dumps(tasks), encoding="utf-8")
    result = broadsheet("import", str(exported), "--db", str(tmp_path / "db.json"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[1:] == [
        f"broadsheet: skipped {exported}: task 1: no 'text' in its data (Broadsheet reads text tasks)",
        f"broadsheet: skipped {exported}: task 3: span 1: offsets 2-90 lie outside the text (length 6)",
        f"broadsheet: skipped {exported}: task 4: relation 1: from_id and to_id must be ids of labelled regions "
        "of its annotation; skipped",
        f"broadsheet: {exported}: 1 span(s) imported into 1 new article(s)",
    ]


def test_from_overrides_detection_and_a_file_that_is_no_json_array_is_one_line(tmp_path):
    lines = tmp_path / "tasks.json"
    lines.write_text(json.dumps(EXPORT[1]) + "\n", encoding="utf-8")  # one task, not in an array: JSONL would refuse it
    forced = broadsheet("import", str(lines), "--db", str(tmp_path / "db.json"), "--from", "labelstudio")
    assert forced.returncode == 0 and forced.stderr.splitlines()[-1].endswith(
        "1 span(s) imported into 1 new article(s)"
    )
    broken = tmp_path / "broken.json"
    broken.write_text('[{"data": {"text": "x"}', encoding="utf-8")
    result = broadsheet("import", str(broken), "--db", str(tmp_path / "db.json"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[1] == (
        f"broadsheet: skipped {broken}: not valid JSON (Expecting ',' delimiter at line 1, column 24)"
    )


def test_export_writes_tasks_and_the_config_that_shows_them(tmp_path):
    from annotations.articles import Article

    db = tmp_path / "db.json"
    article = Article("a-1", TEXT, "AP", {"outlet": "AP"})
    with Store.open(db) as store:
        esper = store.add(article, *_offsets("Esper"), "actor", "ana")
        rockets = store.add(article, *_offsets("30 rockets"), "figure", "ana")
        store.link(rockets, esper, "said-by", "ana")
    out = tmp_path / "tasks.json"
    result = broadsheet("export", "--db", str(db), "--format", "labelstudio", "-o", str(out))
    assert result.returncode == 0, result.stderr
    [task] = json.loads(out.read_text(encoding="utf-8"))
    regions = [item for item in task["annotations"][0]["result"] if item["type"] == "labels"]
    assert [(item["value"]["start"], item["value"]["text"], item["value"]["labels"]) for item in regions] == [
        (3, "Esper", ["actor"]),
        (37, "30 rockets", ["figure"]),
    ]  # code points, as Label Studio counts now
    assert [item for item in task["annotations"][0]["result"] if item["type"] == "relation"] == [
        {"from_id": rockets.id, "to_id": esper.id, "type": "relation", "direction": "right", "labels": ["said-by"]}
    ]
    config = ElementTree.fromstring((tmp_path / "tasks.config.xml").read_text(encoding="utf-8"))
    assert [label.get("value") for label in config.iter("Label")] == ["actor", "figure"]
    assert [relation.get("value") for relation in config.iter("Relation")] == ["said-by"]
    assert config.find("Labels").get("toName") == config.find("Text").get("name") == "text"
    assert config.find("Text").get("value") == "$text"
    refused = broadsheet("export", "--db", str(db), "--format", "labelstudio")
    assert (
        refused.returncode == 2
        and refused.stderr == "broadsheet: labelstudio writes two files: give the tasks' with -o FILE.json\n"
    )
