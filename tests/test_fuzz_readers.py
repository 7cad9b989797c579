"""The readers under random and mutated inputs, through the command line (tui.cli.main) in
process: database files, imports, validation, corpora, label schemas, keymaps and pattern
files. Whatever the input, the command ends with exit status 0, 1 or 2, never a traceback,
and what it says on stderr is lines that start 'broadsheet: '.

The inputs are real examples (the seeds, a real database and its export, the schemas of
the tests) mutated with a seeded random generator: bytes flipped, cut, repeated or
replaced with hostile ones, and JSON values replaced with values of the wrong type.
Where the app would start, its run is replaced by the suggesting it does first, so only
the readers run.
"""

from __future__ import annotations

import copy
import gc
import json
import random
import shutil
from pathlib import Path

import pytest

from annotations.store import Store
from tui.cli import main

from .conftest import ROOT, SEEDS
from .test_conll_import import BIOES, CONLL_2003
from .test_formats import SEED_TAGS
from .test_labelstudio import EXPORT as LABEL_STUDIO_EXPORT
from .test_labelstudio import JSON_MIN as LABEL_STUDIO_MIN
from .test_store import tag

HOSTILE_BYTES = [
    b"\x00",
    b"\x1b]2;pwned\x07",
    b"\x1b[2J",
    b"\xff\xfe",
    b"\xc3",
    b"\xed\xa0\x80",
    "\u202e".encode(),
    b"\r",
    b"\t",
    b"[/b]",
    b"[@click=app.quit]x[/]",
    b"*a",
    b"&a ",
    b"---\n",
    b": ",
    b"- ",
    b"\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b'"',
    b"\\",
    b"'",
    b"#",
    b"!!python/object/apply:os.system ['true']",
    b"? ",
    b"%YAML 1.1\n",
    b"9" * 5000,
    b"[" * 3000,
    b'{"a":' * 2000,
    b"true",
    b"null",
    b"-1",
    b"1e999",
    b"NaN",
    "e\u0301".encode(),
]
HOSTILE_VALUES = [
    None,
    True,
    False,
    0,
    -1,
    2**70,
    1.5,
    float("nan"),
    float("inf"),
    "",
    " ",
    "\x1b]2;pwned\x07",
    "a\nb",
    "[/b]",
    "e\u0301",
    "x" * 5000,
    [],
    {},
    [[]],
    [None],
    {"": None},
    ["a", 1],
    {"start": "0"},
]


# -- mutations ---------------------------------------------------------------------------------


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    """One to four edits: a flipped byte, a cut, a repeat, a hostile insertion, a truncation."""
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(data))
        edit = rng.randrange(6)
        if edit == 0 and data:
            index = rng.randrange(len(data))
            data = data[:index] + bytes([rng.randrange(256)]) + data[index + 1 :]
        elif edit == 1:
            data = data[:at] + data[at + rng.randint(1, 40) :]
        elif edit == 2:
            data = data[:at] + data[at : at + rng.randint(1, 80)] * rng.randint(2, 5) + data[at:]
        elif edit == 3:
            data = data[:at]
        else:
            data = data[:at] + rng.choice(HOSTILE_BYTES) + data[at:]
    return data


def _places(value: object) -> list[tuple[object, object]]:
    """Every (container, key or index) in a JSON value."""
    found: list[tuple[object, object]] = []
    stack = [value]
    while stack:
        container = stack.pop()
        keys = (
            list(container)
            if isinstance(container, dict)
            else range(len(container))
            if isinstance(container, list)
            else []
        )
        for key in keys:
            found.append((container, key))
            stack.append(container[key])
    return found


def mutate_value(value: object, rng: random.Random) -> object:
    """The JSON value with one to three of its values replaced by values of a wrong type, or dropped."""
    value = copy.deepcopy(value)
    for _ in range(rng.randint(1, 3)):
        places = _places(value)
        if not places:
            return rng.choice(HOSTILE_VALUES)
        container, key = rng.choice(places)
        if isinstance(container, dict) and rng.random() < 0.2:
            del container[key]
        else:
            container[key] = copy.deepcopy(rng.choice(HOSTILE_VALUES))  # type: ignore[index]
    return value


def mutate_jsonl(data: bytes, rng: random.Random) -> bytes:
    """Values of one or two lines replaced (mostly), or the bytes mutated."""
    lines = data.splitlines(keepends=True)
    if rng.random() < 0.3 or not lines:
        return mutate_bytes(data, rng)
    for _ in range(rng.randint(1, 2)):
        index = rng.randrange(len(lines))
        lines[index] = json.dumps(mutate_value(json.loads(lines[index]), rng)).encode() + b"\n"
    return b"".join(lines)


def mutate_yaml(data: bytes, rng: random.Random) -> bytes:
    """Values replaced with values of a wrong type (half the time), or the bytes mutated."""
    import yaml

    if rng.random() < 0.5:
        return mutate_bytes(data, rng)
    return yaml.safe_dump(mutate_value(yaml.safe_load(data), rng), allow_unicode=True).encode()


def mutate_file(data: bytes, rng: random.Random) -> bytes:
    try:
        value = json.loads(data)
    except ValueError:
        return mutate_jsonl(data, rng) if data.lstrip().startswith(b"{") else mutate_bytes(data, rng)
    if rng.random() < 0.7:
        return json.dumps(mutate_value(value, rng)).encode()
    return mutate_bytes(data, rng)


# -- real examples -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> dict[str, Path]:
    """A real database (tagged seeds, links, a cluster name, undo history), its export and clusters."""
    from annotations.articles import load_corpus

    folder = tmp_path_factory.mktemp("examples")
    seeds = load_corpus([SEEDS]).articles
    db = folder / "db" / "tagged.json"
    with Store.open(db) as store:
        spans = [
            tag(store, seeds[index], phrase, label, 1 if phrase == "Trump" else 0) for index, phrase, label in SEED_TAGS
        ]
        store.link(spans[0], spans[12], "same-as", "ana")
        store.link(spans[6], spans[5], "said-by", "ana")
        store.name_cluster(spans[0].id, "Kataib Hezbollah", "ana")
        store.delete(spans[3])
        store.undo()
    export, clusters = folder / "export.jsonl", folder / "clusters.jsonl"
    assert main(["export", "--db", str(db), "-o", str(export), "--clusters", str(clusters)]) == 0
    with export.open("a") as lines:  # Prodigy's relations by offsets, and doccano's triples
        lines.write(json.dumps(PRODIGY_LINE) + "\n" + json.dumps(DOCCANO_LINE) + "\n")
    tasks = folder / "tasks.json"  # Label Studio's tasks, ours and as its documentation shows them
    assert main(["export", "--db", str(db), "--format", "labelstudio", "-o", str(tasks)]) == 0
    tasks.write_text(
        json.dumps(json.loads(tasks.read_text()) + LABEL_STUDIO_EXPORT + LABEL_STUDIO_MIN), encoding="utf-8"
    )
    conll = folder / "export.conll"  # our CoNLL, then CoNLL-2003's four columns and BIOES
    assert main(["export", "--db", str(db), "--format", "conll", "-o", str(conll)]) == 0
    conll.write_text(conll.read_text(encoding="utf-8") + CONLL_2003 + "\n" + BIOES, encoding="utf-8")
    docbin = folder / "export.spacy"
    assert main(["export", "--db", str(db), "--format", "spacy", "-o", str(docbin)]) == 0
    xmi = folder / "xmi"
    assert main(["export", "--db", str(db), "--format", "uima", "-o", str(xmi)]) == 0
    return {
        "db": db,
        "export": export,
        "clusters": clusters,
        "labelstudio": tasks,
        "conll": conll,
        "spacy": docbin,
        "xmi": xmi,
    }


PRODIGY_LINE = {
    "text": "Esper said the strikes were defensive.",
    "meta": {"source": "AP", "id": "p-1"},
    "spans": [{"start": 0, "end": 5, "label": "actor"}, {"start": 11, "end": 37, "label": "quote"}],
    "relations": [
        {
            "head": 11,
            "child": 0,
            "head_span": {"start": 11, "end": 37},
            "child_span": {"start": 0, "end": 5},
            "label": "said-by",
        }
    ],
}
DOCCANO_LINE = {"id": 7, "text": "Hook met Esper in Baghdad.", "label": [[0, 4, "actor"], [9, 14, "actor"]]}


@pytest.fixture(autouse=True)
def no_app(monkeypatch):
    """Where the app would start, it suggests over its first article (as its first paint
    does) and ends; start-up's gc.freeze is undone after each case."""
    from annotations.suggest import candidates
    from tui.app import BroadsheetApp

    def first_paint(app: BroadsheetApp) -> None:
        if app.session.articles and app.session.suggesters:
            candidates(app.session.articles[0].text, app.session.suggesters)

    monkeypatch.setattr(BroadsheetApp, "run", first_paint)
    yield
    gc.unfreeze()


def check(capsys, argv: list[str], what: bytes = b"") -> None:
    """One run of the command: no exception, a meaningful status, only our lines on stderr."""
    try:
        status = main(argv)
    except BaseException as error:  # noqa: BLE001 - any escape is the failure this test looks for
        pytest.fail(f"{argv} raised {type(error).__name__}: {error}\ninput: {what[:600]!r}")
    err = capsys.readouterr().err
    assert status in (0, 1, 2), (argv, status, what[:600])
    assert all(line.startswith("broadsheet: ") for line in err.splitlines()), (err[:2000], what[:600])


def rng_for(reader: str, case: int) -> random.Random:
    return random.Random(f"{reader}-{case}")


# -- the readers -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", range(60))
def test_database_files(tmp_path, capsys, examples, case):
    rng = rng_for("database", case)
    copied = tmp_path / "db"
    shutil.copytree(examples["db"].parent, copied)
    files = sorted(path for path in copied.rglob("*") if path.is_file() and path.name != ".lock")
    target = rng.choice(files)
    mutated = mutate_file(target.read_bytes(), rng)
    target.write_bytes(mutated)
    db = str(copied / examples["db"].name)
    if case % 2:
        check(
            capsys,
            ["export", "--db", db, "-o", str(tmp_path / "out.jsonl"), "--clusters", str(tmp_path / "c.jsonl")],
            mutated,
        )
    else:
        check(capsys, ["import", str(examples["export"]), "--db", db], mutated)


@pytest.mark.parametrize("case", range(60))
def test_import_files(tmp_path, capsys, examples, case):
    rng = rng_for("import", case)
    source = examples["clusters" if case % 4 == 3 else "export"]
    path = tmp_path / "in.jsonl"
    path.write_bytes(mutate_jsonl(source.read_bytes(), rng))
    db = tmp_path / "db" / "db.json"
    if case % 4 == 3:  # a clusters file goes in after the articles it links
        assert main(["import", str(examples["export"]), "--db", str(db)]) == 0
        capsys.readouterr()
    check(
        capsys,
        ["import", str(path), "--db", str(db)] + (["--as-suggestions"] if case % 5 == 1 else []),
        path.read_bytes(),
    )


@pytest.mark.parametrize("case", range(30))
def test_validated_exports(tmp_path, capsys, examples, case):
    path = tmp_path / "export.jsonl"
    path.write_bytes(mutate_jsonl(examples["export"].read_bytes(), rng_for("validate", case)))
    check(capsys, ["validate", str(path)], path.read_bytes())


@pytest.mark.parametrize("case", range(40))
def test_brat_folders(tmp_path, capsys, examples, case):
    from annotations.export import exported_articles, write_brat
    from annotations.store import Store

    rng = rng_for("brat", case)
    folder = tmp_path / "brat"
    with Store.open(examples["db"], read_only=True) as store:
        write_brat(exported_articles(store), folder)
    target = rng.choice(sorted(folder.glob("*.ann")) + sorted(folder.glob("*.txt")))
    target.write_bytes(mutate_bytes(target.read_bytes(), rng))
    check(capsys, ["import", str(folder), "--db", str(tmp_path / "db" / "db.json")], target.read_bytes())


def check_format_file(capsys, path: Path, fmt: str, case: int) -> None:
    """Validate the mutated file (a case in four), or import it, detected or named with
    --from (the mutation may leave it looking like another format)."""
    db = str(path.with_name("db") / "db.json")
    command = (
        ["validate", str(path)] if case % 4 == 3 else ["import", str(path), "--db", db] + ["--from", fmt] * (case % 2)
    )
    check(capsys, command, path.read_bytes())


@pytest.mark.parametrize("case", range(40))
def test_label_studio_files(tmp_path, capsys, examples, case):
    path = tmp_path / "tasks.json"
    path.write_bytes(mutate_file(examples["labelstudio"].read_bytes(), rng_for("labelstudio", case)))
    check_format_file(capsys, path, "labelstudio", case)


@pytest.mark.parametrize("case", range(40))
def test_conll_files(tmp_path, capsys, examples, case):
    path = tmp_path / "in.conll"
    path.write_bytes(mutate_bytes(examples["conll"].read_bytes(), rng_for("conll", case)))
    check_format_file(capsys, path, "conll", case)


@pytest.mark.parametrize("case", range(20))
def test_docbins(tmp_path, capsys, examples, case):
    path = tmp_path / "out.spacy"
    path.write_bytes(mutate_bytes(examples["spacy"].read_bytes(), rng_for("spacy", case)))
    db = str(tmp_path / "db" / "db.json")
    check(capsys, ["validate", str(path)] if case % 2 else ["import", str(path), "--db", db], path.read_bytes())


@pytest.mark.filterwarnings("error")  # a warning would print a line of its own on stderr
@pytest.mark.parametrize("case", range(20))
def test_uima_files(tmp_path, capsys, examples, case):
    from cassis import load_cas_from_xmi, load_typesystem

    rng = rng_for("uima", case)
    folder = tmp_path / "xmi"
    shutil.copytree(examples["xmi"], folder)
    target = rng.choice(sorted(folder.glob("*.xmi")))
    if case % 3 == 2:  # the same CAS as JSON, which carries its types
        cas = load_cas_from_xmi(
            target.read_text(encoding="utf-8"), typesystem=load_typesystem(folder / "TypeSystem.xml")
        )
        target.unlink()
        target = folder / "doc.json"
        target.write_bytes(mutate_file(cas.to_json().encode("utf-8"), rng))
    else:
        target.write_bytes(mutate_bytes(target.read_bytes(), rng))
    db = str(tmp_path / "db" / "db.json")
    command = (
        ["validate", str(folder)] if case % 4 == 3 else ["import", str(target if case % 2 else folder), "--db", db]
    )
    check(capsys, command, target.read_bytes())


@pytest.mark.parametrize("case", range(30))
def test_webanno_tsv_files(tmp_path, capsys, case):
    from .test_webanno_tsv import TSV

    path = tmp_path / "doc.tsv"
    path.write_bytes(mutate_bytes(TSV.encode("utf-8"), rng_for("webanno-tsv", case)))
    check_format_file(capsys, path, "webanno-tsv", case)


CORPUS_EXAMPLES = {
    ".txt": (SEEDS / "000_64331d8c72ca9866.txt").read_bytes(),
    ".md": b"---\noutlet: Reuters\ndate: 2020-01-01\ntitle: 'Strikes: a reply'\ntags: [a, b]\nid: r-1\n---\n"
    + (SEEDS / "001_dd604056335a0bf9.txt").read_bytes(),
}


@pytest.mark.parametrize("case", range(60))
def test_corpus_files(tmp_path, capsys, examples, case):
    rng = rng_for("corpus", case)
    suffix = (".txt", ".md", ".jsonl")[case % 3]
    data = examples["export"].read_bytes() if suffix == ".jsonl" else CORPUS_EXAMPLES[suffix]
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEEDS / "002_adeb6bf3238f9c36.txt", folder)
    mutated = mutate_file(data, rng)
    (folder / f"mutated{suffix}").write_bytes(mutated)
    check(capsys, [str(folder), "--db", str(tmp_path / "db" / "db.json")], mutated)


SCHEMA_EXAMPLES = [
    (ROOT / "annotations" / "labels.yaml").read_bytes(),
    b'labels:\n  - {name: actor, key: a, color: "#5fafff", description: People.}\n'
    b"  - {name: place, key: p, color: green}\n",
    b"labels:\n  - name: actor\n    key: a\n    color: blue\n  - name: figure\n    key: f\n    color: green\n"
    b"suggest:\n  figures: figure\n  titles: actor\n",
]


def check_option(capsys, option: str, path: Path, data: bytes) -> None:
    """The app's command line on one seed, with ``option`` naming ``path``, which holds ``data``."""
    path.write_bytes(data)
    check(
        capsys,
        [option, str(path), "--db", str(path.with_name("db.json")), str(SEEDS / "000_64331d8c72ca9866.txt")],
        data,
    )


@pytest.mark.parametrize("case", range(40))
def test_label_schemas(tmp_path, capsys, case):
    data = mutate_yaml(SCHEMA_EXAMPLES[case % len(SCHEMA_EXAMPLES)], rng_for("schema", case))
    check_option(capsys, "--labels", tmp_path / "labels.yaml", data)


KEYMAP_EXAMPLES = [
    b"history.undo: z\nhistory.redo: Z\nreview.accept: A\n",
    b"# my keys\nsearch.open: ctrl+f\ncompare.rename: 'r'\napp.help: f1,question_mark\n",
]


@pytest.mark.parametrize("case", range(30))
def test_keymaps(tmp_path, capsys, case):
    data = mutate_yaml(KEYMAP_EXAMPLES[case % len(KEYMAP_EXAMPLES)], rng_for("keymap", case))
    check_option(capsys, "--keymap", tmp_path / "keys.yaml", data)


PATTERN_EXAMPLES = {
    ".yaml": b"patterns:\n  - label: actor\n    phrases: [Mark Esper, Donald Trump]\n  - label: figure\n"
    b"    regex: '\\d+ (?:rockets|troops)'\n    case_sensitive: false\n",
    ".jsonl": b'{"label": "actor", "pattern": "Kataib Hezbollah"}\n{"label": "figure", "regex": "\\\\d+ troops"}\n'
    b'{"label": "actor", "phrases": ["Brian Hook"], "case_sensitive": true}\n',
}


@pytest.mark.parametrize("case", range(40))
def test_pattern_files(tmp_path, capsys, case):
    rng = rng_for("patterns", case)
    suffix = (".yaml", ".jsonl")[case % 2]
    mutate = mutate_jsonl if suffix == ".jsonl" else mutate_yaml
    check_option(capsys, "--patterns", tmp_path / f"patterns{suffix}", mutate(PATTERN_EXAMPLES[suffix], rng))
