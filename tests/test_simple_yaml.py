"""simple_yaml reads what PyYAML reads, or declines (None) and leaves it to PyYAML."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from annotations import simple_yaml

from .conftest import ROOT


def agrees_with_pyyaml(text: str) -> bool:
    """simple_yaml declines, or reads what safe_load reads; it never accepts what safe_load refuses."""
    ours = simple_yaml.read(text)
    try:
        theirs = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError):
        return ours is None
    return ours is None or ours == (theirs if theirs is not None else {})


def test_the_bundled_schema_is_read_without_pyyaml_as_pyyaml_reads_it():
    text = (ROOT / "annotations" / "labels.yaml").read_text(encoding="utf-8")
    assert simple_yaml.read(text) == yaml.safe_load(text)


@pytest.mark.parametrize(
    "text, read",
    [
        ("outlet: Reuters\ndate: 2019-12-31\n", {"outlet": "Reuters", "date": yaml.safe_load("d: 2019-12-31")["d"]}),
        ('title: "US strikes: Iraq, Syria"\n', {"title": "US strikes: Iraq, Syria"}),
        ('title: Kataib Hezbollah\'s "leader" (a) [b] {c}\n', {"title": 'Kataib Hezbollah\'s "leader" (a) [b] {c}'}),
        ("# only a comment\n\n", {}),
        (
            "labels:\n- name: actor\n  key: a\nrelations:\n  -   name: same-as\n      clusters: true\n",
            {"labels": [{"name": "actor", "key": "a"}], "relations": [{"name": "same-as", "clusters": True}]},
        ),
        (
            "suggest:\nlabels:\n  - name: actor\n    # a comment inside\n    key: a\n",
            {"suggest": None, "labels": [{"name": "actor", "key": "a"}]},
        ),
    ],
)
def test_simple_shapes_are_read(text, read):
    assert simple_yaml.read(text) == read
    assert yaml.safe_load(text) in (read, None)


@pytest.mark.parametrize(
    "text",
    [
        "title: yes\n",
        "title: null\n",
        "on: x\n",
        "id: 007\n",
        "title: [a, b]\n",
        "title: value # a comment\n",
        "title: 'single'\n",
        'title: "esc\\"aped"\n',
        "date: 2019-13-45\n",
        "date: 2019-12-31 10:00:00\n",
        "outlet: AP\noutlet: Reuters\n",
        "title: a\n  continued\n",
        "\ttitle: tab\n",
        "title: x\r\n",
        "- a\n- b\n",
        "plain text\n",
        "key:value\n",
        "  indented: x\n",
        "---\ntitle: x\n",
        "labels:\n  - name: a\n    tags:\n    - x\n",
        "suggest:\n  figures: figure\n",
        "labels:\n  - plain\n",
        "labels:\n  - name: a\n     key: b\n",
        "color: #5fafff\n",
        "key:   \n",
        "title: \u00a0nbsp\n",
    ],
)
def test_other_shapes_are_left_to_pyyaml(text):
    assert simple_yaml.read(text) is None


def random_document(rng: random.Random) -> str:
    """Mostly the simple shape (top-level keys, lists of mappings, comments), with now and
    then a value, a key or an indentation that YAML reads some other way."""
    keys = ["name", "key", "title", "a_b", "x-y", "Name", "on", "No"]
    values = [
        "actor",
        "a",
        "true",
        "False",
        "it's",
        "Hezbollah’s",
        '"#5fafff"',
        '"q: x"',
        "2019-12-31",
        "x  ",
        "yes",
        "null",
        "'s'",
        "2019-02-30",
        "12",
        "a: b",
        "a #c",
        "",
        "[x]",
        '"e\\n"',
    ]
    value = lambda: rng.choice(values[:10] if rng.random() < 0.8 else values)  # noqa: E731
    key = lambda: rng.choice(keys[:6] if rng.random() < 0.9 else keys)  # noqa: E731
    lines = []
    for _ in range(rng.randrange(1, 5)):
        if rng.random() < 0.1:
            lines.append(rng.choice(["", "  "]) + "# comment")
        if rng.random() < 0.5:
            lines.append(f"{key()}: {value()}")
            continue
        lines.append(f"{key()}:")
        dash = rng.choice([0, 2, 2, 4])
        for _ in range(rng.randrange(1, 4)):
            gap = rng.choice([1, 1, 1, 3])
            lines.append(" " * dash + "-" + " " * gap + f"{key()}: {value()}")
            for _ in range(rng.randrange(0, 3)):
                indent = dash + 1 + gap + rng.choice([0, 0, 0, 0, 1, -1])
                lines.append(" " * indent + f"{key()}: {value()}")
    return "\n".join(lines) + "\n"


def test_random_documents_read_as_pyyaml_reads_them_or_are_declined():
    rng = random.Random(20)
    with_lists = 0
    for _ in range(3000):
        text = random_document(rng)
        assert agrees_with_pyyaml(text), text
        read = simple_yaml.read(text)
        with_lists += read is not None and any(isinstance(value, list) for value in read.values())
    assert with_lists > 150  # many were read, lists and all: the agreement is not only declines


def test_opening_the_seeds_does_not_import_pyyaml():
    # The default schema and the seeds' front matter are simple: PyYAML's import would add
    # 10 ms to every start-up.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from annotations.articles import load_corpus\n"
        "from annotations.schema import load_schema\n"
        "import tui.cli, tui.app\n"
        f"corpus = load_corpus([Path({str(ROOT / 'seeds')!r})])\n"
        "[article.text for article in corpus.articles]\n"
        "load_schema(None)\n"
        "print('yaml' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=Path(ROOT), check=True)
    assert result.stdout.strip() == "False"
