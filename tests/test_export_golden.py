"""Export's bytes do not change when the way it reads the database does: a small database,
imported from tests/golden/export-input.jsonl, goes out in each text format and is
compared with the file that format wrote before export streamed (tests/golden/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

GOLDEN = Path(__file__).with_name("golden")
# The golden file of each export, by the options that write it.
EXPORTS = {
    "export.jsonl": [],
    "export-with-rejected.jsonl": ["--with-rejected"],
    "export-gold.jsonl": ["--gold"],
    "export.prodigy.jsonl": ["--format", "prodigy"],
    "export.doccano.jsonl": ["--format", "doccano"],
    "export.doccano-re.jsonl": ["--format", "doccano-re"],
    "export.conll": ["--format", "conll"],
}


def broadsheet(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True, cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def golden_db(tmp_path_factory) -> Path:
    db_path = tmp_path_factory.mktemp("golden") / "golden.json"
    imported = broadsheet("import", "--db", str(db_path), "--annotator", "importer", str(GOLDEN / "export-input.jsonl"))
    assert imported.returncode == 0, imported.stderr
    return db_path


@pytest.mark.parametrize("name", list(EXPORTS))
def test_each_format_exports_the_bytes_it_always_has(golden_db, tmp_path, name):
    output = tmp_path / name
    result = broadsheet("export", "--db", str(golden_db), "-o", str(output), *EXPORTS[name])
    assert result.returncode == 0, result.stderr
    assert output.read_bytes() == (GOLDEN / name).read_bytes()


def test_export_to_standard_output_writes_the_same_bytes(golden_db):
    result = broadsheet("export", "--db", str(golden_db))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / "export.jsonl").read_bytes()
