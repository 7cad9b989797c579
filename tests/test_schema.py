import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.schema import SchemaError, load_schema, parse_schema
from tui.keymap import reserved_keys

GOOD = """
labels:
  - {name: actor, key: a, color: "#5fafff", description: People.}
  - {name: place, key: p, color: green, description: Places.}
"""


def test_default_schema_has_the_four_labels():
    schema = load_schema(None, reserved_keys())
    assert [(label.name, label.key) for label in schema.labels] == [
        ("actor", "a"),
        ("claim", "c"),
        ("figure", "f"),
        ("quote", "q"),
    ]


def test_a_custom_schema_replaces_the_default():
    schema = parse_schema(GOOD, "custom.yaml", reserved_keys())
    assert schema.names == ["actor", "place"]
    assert schema.get("place").color == "green"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("labels: [\n", "custom.yaml: line 2: invalid YAML"),  # where the list was still open
        (
            "labels:\n  - {name: a, key: a, color: red}\n  - {name: a, key: b, color: red}",
            "label 'a': the name is used twice",
        ),
        (
            "labels:\n  - {name: a, key: z, color: red}\n  - {name: b, key: z, color: red}",
            "key 'z' is already used by label 'a'",
        ),
        ("labels:\n  - {name: a, key: j, color: red}", "key 'j' is already the key of cursor.down (Down)"),
        ("labels:\n  - {name: a, key: '?', color: red}", "key '?' is already the key of app.help (Keys)"),
        ("labels:\n  - {name: a, key: z, color: notacolour}", "unknown color 'notacolour'"),
        ("labels:\n  - {name: a, key: zz, color: red}", "must be a single printable character"),
        ("labels:\n  - {name: a, name: b, key: z, color: red}", "duplicate key 'name'"),
        ("labels: []", "expected a 'labels:' list"),
        ("labels:\n  - {key: z, color: red}", "label 1: missing name"),
    ],
)
def test_bad_schemas_are_one_line_errors(text, problem):
    with pytest.raises(SchemaError) as caught:
        parse_schema(text, "custom.yaml", reserved_keys())
    message = str(caught.value)
    assert message.startswith("custom.yaml: ")
    assert problem in message
    assert "\n" not in message


def test_cli_reports_a_bad_schema_with_exit_status_2_and_no_traceback(tmp_path: Path):
    schema = tmp_path / "labels.yaml"
    schema.write_text("labels:\n  - {name: a, key: k, color: red}\n")
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--labels", str(schema), "--db", str(tmp_path / "db.json")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr == f"broadsheet: {schema}: label 'a': key 'k' is already the key of cursor.up (Up)\n"
    assert not (tmp_path / "db.json").exists()


def test_proposals_become_tags_unless_the_schema_says_suggestions():
    assert parse_schema(GOOD, "custom.yaml").proposals_as == "pending"
    assert parse_schema(GOOD + "proposals: suggestions\n", "custom.yaml").proposals_as == "suggested"
    with pytest.raises(SchemaError, match=r"^custom.yaml: proposals: 'maybe'; expected 'tags' or 'suggestions'$"):
        parse_schema(GOOD + "proposals: maybe\n", "custom.yaml")


def test_a_label_says_which_kind_of_proposal_finds_its_rows():
    assert load_schema(None, reserved_keys()).proposers == {
        "actor": "actor",
        "claim": "claim",
        "figure": "figure",
        "quote": "quote",
    }
    custom = parse_schema(
        "labels:\n  - {name: person, key: p, color: red, propose: actor}\n"
        "  - {name: toll, key: t, color: red, propose: figure}\n"
        "  - {name: actor, key: z, color: red, propose: none}\n"
        "  - {name: place, key: w, color: red}\n",
        "custom.yaml",
    )
    assert custom.proposers == {"person": "actor", "toll": "figure"}  # actor said none; place has no kind
    with pytest.raises(
        SchemaError,
        match=r"^custom.yaml: label 'person': propose: 'people'; expected one of "
        r"actor, figure, quote, claim or none$",
    ):
        parse_schema("labels:\n  - {name: person, key: p, color: red, propose: people}\n", "custom.yaml")


def test_colour_names_a_person_types_are_known():
    schema = parse_schema(
        "labels:\n  - {name: a, key: z, color: orange}\n  - {name: b, key: y, color: Light Blue}\n"
        "  - {name: c, key: x, color: dodger_blue2}\n  - {name: d, key: w, color: '#123456'}\n",
        "c.yaml",
    )
    assert [label.color for label in schema.labels] == ["#ffa500", "#add8e6", "dodger_blue2", "#123456"]
    with pytest.raises(SchemaError, match=r"label 'a': unknown color 'blurple' \(a name such as orange"):
        parse_schema("labels:\n  - {name: a, key: z, color: blurple}\n", "c.yaml")


def test_a_relation_says_which_labels_it_joins():
    schema = load_schema(None, reserved_keys())
    said_by, same_as = (next(r for r in schema.relations if r.name == name) for name in ("said-by", "same-as"))
    assert said_by.refuses("quote", "actor") == "" and same_as.refuses("figure", "figure") == ""
    assert said_by.refuses("figure", "figure") == "said-by joins quote -> actor, not figure -> figure"
    assert same_as.refuses("actor", "figure") == "same-as joins spans of one label, not actor to figure"
    custom = parse_schema(
        "labels:\n  - {name: person, key: p, color: red}\n  - {name: speech, key: t, color: red}\n"
        "relations:\n  - {name: by, key: b, joins: 'speech, person -> any'}\n",
        "c.yaml",
    )
    assert (
        custom.relations[0].refuses("person", "speech") == "" and custom.relations[0].joins == "speech, person -> any"
    )
    # without a relations: list, the defaults' ends that the schema's labels lack are dropped
    assert (
        parse_schema("labels:\n  - {name: person, key: p, color: red}\n", "c.yaml")
        .relations[1]
        .refuses("person", "person")
        == ""
    )
    for joins, problem in (
        ("quote -> nobody", "no label 'nobody'"),
        ("quote", "expected 'LABELS -> LABELS'"),
        ("[quote]", "joins must be text"),
    ):
        with pytest.raises(SchemaError, match=f"relation 'by': (joins: )?.*{problem}"):
            parse_schema(
                "labels:\n  - {name: quote, key: p, color: red}\n"
                f"relations:\n  - {{name: by, key: b, joins: {joins}}}\n",
                "c.yaml",
            )


def _run_with(tmp_path: Path, keymap: str, labels: str | None = None) -> subprocess.CompletedProcess:
    (tmp_path / "keys.yaml").write_text(keymap)
    command = [
        sys.executable,
        "-m",
        "tui.cli",
        "--keymap",
        str(tmp_path / "keys.yaml"),
        "--db",
        str(tmp_path / "db.json"),
    ]
    if labels is not None:
        (tmp_path / "labels.yaml").write_text(labels)
        command += ["--labels", str(tmp_path / "labels.yaml")]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize(
    ("keymap", "labels", "message"),
    [
        # a keymap that gives a label's key to a binding is the keymap's clash, not the label file's
        (
            "history.undo: a\n",
            None,
            "{keys}: history.undo: key 'a' is already the key of label 'actor' in default labels.yaml",
        ),
        ("history.undo: x\n", None, "{keys}: key 'x' would do two things: 'annotation.delete' and 'history.undo'"),
        # a label's key that a binding has names that binding, whatever it does
        (
            "history.undo: z\n",
            "labels:\n  - {name: place, key: o, color: red}\n",
            "{labels}: label 'place': key 'o' is already the key of article.pick (Open article)",
        ),
    ],
)
def test_every_key_clash_is_one_line_naming_the_file_both_bindings_and_the_key(tmp_path, keymap, labels, message):
    result = _run_with(tmp_path, keymap, labels)
    assert result.returncode == 2
    assert (
        result.stderr
        == "broadsheet: " + message.format(keys=tmp_path / "keys.yaml", labels=tmp_path / "labels.yaml") + "\n"
    )
    assert not (tmp_path / "db.json").exists()


def test_a_keymap_that_moves_a_binding_frees_its_key_for_a_label(tmp_path):
    from tui.cli import _keymap_and_schema

    (tmp_path / "keys.yaml").write_text("article.pick: ctrl+o\n")
    (tmp_path / "labels.yaml").write_text("labels:\n  - {name: place, key: o, color: red}\n")
    args = argparse.Namespace(keymap=tmp_path / "keys.yaml", labels=tmp_path / "labels.yaml")
    keymap, schema = _keymap_and_schema(args)
    assert keymap == {"article.pick": "ctrl+o"} and schema.get("place").key == "o"
