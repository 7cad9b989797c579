"""Export and validate stream (issue 28): a line out per article read, so their memory does
not grow with the database; an export to a file still replaces it whole or not at all."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_bulk_import import LARGE, peak_mib, write_lines


def broadsheet(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True, cwd=ROOT, timeout=600)


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    """A database of 200 articles (2,000 spans) and one of LARGE (100,000 spans)."""
    folder = tmp_path_factory.mktemp("streaming")
    made = []
    for name, count in (("small", 200), ("large", LARGE)):
        db_path = folder / f"{name}.json"
        assert (
            broadsheet("import", "--db", str(db_path), str(write_lines(folder / f"{name}.jsonl", count))).returncode
            == 0
        )
        made.append(db_path)
    return made


@pytest.mark.parametrize("fmt", ["jsonl", "conll"])
def test_an_export_of_100k_spans_holds_an_article_at_a_time(tmp_path, databases, fmt):
    small, large = databases
    peaks = [
        peak_mib(tmp_path, "export", "--db", str(db_path), "--format", fmt, "-o", str(tmp_path / f"{db_path.stem}.out"))
        for db_path in (small, large)
    ]
    # Today's export held every article and the whole output: 1,854 MiB at 1,000,000 spans.
    assert peaks[1] < peaks[0] + 25, peaks
    assert (tmp_path / "large.out").read_text(encoding="utf-8").count("-DOCSTART-" if fmt == "conll" else "\n") == LARGE


def test_export_to_standard_output_streams_too(tmp_path, databases):
    small, large = databases
    peaks = [peak_mib(tmp_path, "export", "--db", str(db_path)) for db_path in (small, large)]
    assert peaks[1] < peaks[0] + 25, peaks


@pytest.fixture(scope="module")
def exports(databases, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Each database exported as JSONL and as CoNLL, by (database, format)."""
    folder = tmp_path_factory.mktemp("exports")
    made = {}
    for db_path in databases:
        for fmt in ("jsonl", "conll"):
            output = made[db_path.stem, fmt] = folder / f"{db_path.stem}.{fmt}"
            assert broadsheet("export", "--db", str(db_path), "--format", fmt, "-o", str(output)).returncode == 0
    return made


@pytest.mark.parametrize("fmt", ["jsonl", "conll"])
def test_validate_of_100k_spans_holds_a_line_at_a_time(tmp_path, exports, fmt):
    peaks = []
    for size in ("small", "large"):
        peaks.append(peak_mib(tmp_path, "validate", str(exports[size, fmt])))
    # Today's validate read a CoNLL file whole, and split it into a list of its lines.
    assert peaks[1] < peaks[0] + 25, peaks


def mutations(record: dict, rng: random.Random) -> dict:
    """``record`` with one value somewhere in it replaced or removed."""
    mutated = json.loads(json.dumps(record))
    holder: dict | list = mutated
    while True:
        keys = list(holder) if isinstance(holder, dict) else list(range(len(holder)))
        if not keys:  # an empty list or object: nothing in it to change
            return mutated
        key = rng.choice(keys)
        if not isinstance(holder[key], (dict, list)) or rng.random() < 0.3:
            break
        holder = holder[key]
    if isinstance(holder, dict) and rng.random() < 0.2:
        del holder[key]
    else:
        holder[key] = rng.choice([None, 1, 1.5, -1, 0, "", "x", [], {}, True, "rejected", "bogus", [{}], {"id": ""}])
    return mutated


def test_a_line_validate_passes_without_the_schema_is_one_the_schema_passes():
    from jsonschema import Draft202012Validator

    from annotations.validate import _surely_ours, export_schema

    validator = Draft202012Validator(export_schema())
    golden = Path(__file__).with_name("golden")
    records = [
        json.loads(line)
        for name in ("export.jsonl", "export-with-rejected.jsonl")
        for line in (golden / name).read_text(encoding="utf-8").splitlines()
    ]
    assert all(_surely_ours(record) for record in records)  # our export's lines are not sent to the schema
    rng = random.Random(28)
    passed = 0
    for _ in range(3000):
        mutated = mutations(rng.choice(records), rng)
        if _surely_ours(mutated):
            passed += 1
            assert not list(validator.iter_errors(mutated)), mutated
    assert 0 < passed < 3000


def test_a_database_copied_without_its_folder_exports_no_article(tmp_path):
    db_path = tmp_path / "db.json"
    imported = broadsheet(
        "import", "--db", str(db_path), str(Path(__file__).with_name("golden") / "export-input.jsonl")
    )
    assert imported.returncode == 0, imported.stderr
    shutil.rmtree(db_path.with_name("db.json.d"))
    result = broadsheet("export", "--db", str(db_path))
    assert (result.returncode, result.stdout) == (0, b"")
    assert result.stderr.decode() == f"broadsheet: exported 0 article(s) from {db_path}\n"
