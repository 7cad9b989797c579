"""An import writes in bulk (issue 28): each new article's files once, the lot made durable
together a batch at a time, not an fsynced rename a file; memory that does not grow with
the import; and a kill at any moment still leaves every file old or new, the database
opening, and the import finishing when run again."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotations import importing
from annotations.articles import Article
from annotations.model import Annotation
from annotations.store import Store

from .conftest import ROOT, packed_lines, saved_annotations

WORDS = "militia strikes Pentagon Kataib Hezbollah contractor rocket Kirkuk Baghdad statement forces said the".split()
SPANS_PER_LINE = 10


def article_line(number: int) -> dict:
    """A line of our export: an article of about a hundred words, ten spans with their ids, a
    relation in every third, finished every fifth: the same line for the same number."""
    rng = random.Random(number)
    words = [rng.choice(WORDS) for _ in range(100)]
    text = " ".join(words) + "."
    starts = [sum(len(word) + 1 for word in words[:index]) for index in range(len(words))]
    chosen = sorted(rng.sample(range(len(words)), SPANS_PER_LINE))
    spans = [
        {
            "start": starts[index],
            "end": starts[index] + len(words[index]),
            "label": rng.choice(["actor", "claim"]),
            "text": words[index],
            "id": f"{number:08x}{place:08x}",
            "annotator": "ana",
            "status": "pending",
        }
        for place, index in enumerate(chosen)
    ]
    relations = (
        [{"head": spans[0]["id"], "child": spans[1]["id"], "label": "said-by", "id": f"{number:016x}"}]
        if number % 3 == 0
        else []
    )
    return {
        "text": text,
        "meta": {"id": f"story-{number:06d}", "done": number % 5 == 0},
        "spans": spans,
        "relations": relations,
    }


def write_lines(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            out.write(json.dumps(article_line(number)) + "\n")
    return path


def broadsheet(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True, cwd=ROOT, timeout=timeout)


def traced_import(folder: Path, count: int) -> tuple[list[str], list[str]]:
    """Import ``count`` lines into a new database under strace: the sync calls it made, and
    the names of the files it created in the database's folder."""
    folder.mkdir()
    wire, trace, db_path = write_lines(folder / "wire.jsonl", count), folder / "trace", folder / "db.json"
    traced = subprocess.run(
        [
            "strace",
            "-f",
            "-o",
            str(trace),
            "-e",
            "trace=fsync,fdatasync,syncfs,sync,openat",
            sys.executable,
            "-m",
            "tui.cli",
            "import",
            "--db",
            str(db_path),
            str(wire),
        ],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert traced.returncode == 0, traced.stderr
    assert len(saved_annotations(db_path)) == count * SPANS_PER_LINE
    calls = trace.read_text().splitlines()
    syncs = [call for call in calls if "sync" in call.split("(")[0]]
    created = {
        Path(call.split('"')[1]).name
        for call in calls
        if "openat(" in call and "O_CREAT" in call and ".json.d/" in call and "= -1" not in call
    }
    created = {name for name in created if not name.endswith(".tmp")}  # named by the process
    return syncs, sorted(created)


def test_an_import_makes_its_articles_durable_a_batch_at_a_time_in_one_pack(tmp_path):
    few_syncs, few_files = traced_import(tmp_path / "few", 2)
    syncs, files = traced_import(tmp_path / "many", 50)
    # As many syncs for 50 articles as for 2 (the database's own files, and the batch's two);
    # the import before packs created two files an article and synced them: 100 files more.
    assert len(syncs) == len(few_syncs) <= 12, syncs
    assert files == few_files
    assert {"_pack-000001.jsonl", "_pack-000001.index"} <= set(files)
    assert not [name for name in files if name.startswith("story-")]  # no file an article
    assert len(packed_lines(tmp_path / "many" / "db.json")) == 50


def test_an_article_packed_in_bulk_holds_what_a_single_import_writes_to_its_files(tmp_path):
    articles = []
    for number in range(3):
        line = article_line(number)
        article = Article(line["meta"]["id"], line["text"], "", {"outlet": "Wire"})
        spans = [
            Annotation(
                span["id"],
                article.id,
                span["start"],
                span["end"],
                span["label"],
                span["text"],
                "ana",
                "2020-01-01T00:00:00.000+00:00",
                "2020-01-01T00:00:00.000+00:00",
            )
            for span in line["spans"]
        ]
        articles.append((article, spans))
    one_at_a_time, in_bulk = tmp_path / "one.json", tmp_path / "bulk.json"
    with Store.open(one_at_a_time) as store:
        for article, spans in articles:
            store.import_spans(article, spans)
        store.import_spans(Article("spanless", "Nothing here."), [])
    with Store.open(in_bulk) as store, store.bulk_import() as bulk:
        for article, spans in articles:
            bulk.import_spans(article, spans)
        bulk.import_spans(Article("spanless", "Nothing here."), [])
    one_folder = one_at_a_time.with_name("one.json.d")
    files = sorted(path.stem for path in one_folder.glob("*.json") if not path.name.startswith("_"))
    packed = packed_lines(in_bulk)
    assert sorted(packed) == files and len(files) == 4
    for key in files:
        assert packed[key]["tables"] == json.loads((one_folder / f"{key}.json").read_bytes()), key
        assert packed[key]["text"] == (one_folder / f"{key}.txt").read_text(encoding="utf-8"), key


def test_a_packed_article_gets_its_own_files_on_its_first_change_and_reads_the_same(tmp_path):
    wire, db_path = write_lines(tmp_path / "wire.jsonl", 3), tmp_path / "db.json"
    assert broadsheet("import", "--db", str(db_path), str(wire)).returncode == 0
    folder = db_path.with_name("db.json.d")
    before = saved_annotations(db_path)
    with Store.open(db_path) as store:
        article = Article("story-000001", store.article_text("story-000001"))
        store.add(article, 0, len(article.text.split(" ")[0]), "actor", "ana")
    assert [path.name for path in folder.glob("story-*")] != []  # its own file and text now
    own = [path for path in folder.glob("story-000001-*.json")]
    assert len(own) == 1 and own[0].with_suffix(".txt").read_text(encoding="utf-8") == article.text
    after = saved_annotations(db_path)
    assert len(after) == len(before) + 1 and all(record in after for record in before)
    with Store.open(db_path) as store:
        assert store.article_text("story-000001") == article.text
        assert len(store.annotations("story-000001")) == SPANS_PER_LINE + 1
        assert [store.read_article(key).id for key in store.article_keys()] == [f"story-{n:06d}" for n in range(3)]


def test_a_line_that_gives_an_article_of_the_batch_another_text_is_named_and_skipped(tmp_path):
    first, second = article_line(1), article_line(2)
    second["meta"]["id"] = first["meta"]["id"]
    wire = tmp_path / "wire.jsonl"
    wire.write_text(json.dumps(first) + "\n" + json.dumps(second) + "\n", encoding="utf-8")
    with Store.open(tmp_path / "db.json") as store:
        report = importing.import_jsonl(store, wire, "ana")
        assert [problem.split(": ", 2)[:2] for problem in report.problems] == [[f"{wire}:2", first["meta"]["id"]]]
        assert "the text differs from the one annotated before" in report.problems[0]
        assert [span.id for span in store.annotations(first["meta"]["id"])] == [span["id"] for span in first["spans"]]


def peak_mib(tmp_path: Path, *args: str) -> float:
    """The peak memory (VmHWM) of ``broadsheet ARGS`` run in a child of its own, in MiB."""
    peak = tmp_path / "peak.txt"
    script = (
        "import re, runpy, sys\n"
        f"sys.argv = ['broadsheet', *{list(args)!r}]\n"
        "try:\n    runpy.run_module('tui.cli', run_name='__main__')\n"
        "finally:\n    status = open('/proc/self/status').read()\n"
        f"    open({str(peak)!r}, 'w').write(re.search(r'VmHWM:\\s*(\\d+)', status)[1])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    return int(peak.read_text()) / 1024


LARGE = 10_000  # lines: 100,000 spans


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> Path:
    return write_lines(tmp_path_factory.mktemp("large") / "large.jsonl", LARGE)


def test_an_import_of_100k_spans_holds_a_batch_not_the_database(tmp_path, large):
    small = write_lines(tmp_path / "small.jsonl", 200)
    small_peak = peak_mib(tmp_path, "import", "--db", str(tmp_path / "small.json"), str(small))
    large_peak = peak_mib(tmp_path, "import", "--db", str(tmp_path / "large.json"), str(large))
    # Today's import held every article it wrote: 215 MiB at 100,000 spans.
    assert large_peak < small_peak + 25, (small_peak, large_peak)


def test_an_import_killed_at_random_moments_finishes_when_run_again(tmp_path, large):
    whole = tmp_path / "whole.json"
    assert broadsheet("import", "--db", str(whole), str(large)).returncode == 0
    db_path = tmp_path / "killed.json"
    rng = random.Random(28)
    kills = 0
    for _ in range(6):
        child = subprocess.Popen(
            [sys.executable, "-m", "tui.cli", "import", "--db", str(db_path), str(large)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        time.sleep(rng.uniform(0.3, 3.0))
        child.send_signal(signal.SIGKILL)
        _, errors = child.communicate(timeout=60)
        kills += child.returncode == -signal.SIGKILL
        assert child.returncode in (0, -signal.SIGKILL), errors.decode()
        with Store.open(db_path) as store:  # it opens, and every file reads whole
            for article_id in store.article_ids():
                store.annotations(article_id)
                store.article_text(article_id)
        saved_annotations(db_path)  # every article file is JSON, read with no Broadsheet code
    assert kills >= 3  # most runs were cut short
    finished = broadsheet("import", "--db", str(db_path), str(large))
    assert finished.returncode == 0, finished.stderr
    exports = [broadsheet("export", "--db", str(path)) for path in (whole, db_path)]
    assert all(export.returncode == 0 for export in exports)
    assert exports[0].stdout == exports[1].stdout
    assert exports[0].stdout.count(b"\n") == LARGE
    assert not list(db_path.with_name(db_path.name + ".d").glob(".*.tmp"))
    shutil.rmtree(whole.with_name(whole.name + ".d"))


def test_the_articles_an_import_adds_are_listed_by_the_store_that_imported_them(tmp_path, db_path):
    from annotations.importing import import_jsonl

    lines = tmp_path / "in.jsonl"
    lines.write_text("".join(json.dumps({"text": f"Article {n}.", "meta": {"id": f"a{n}"}}) + "\n" for n in range(3)))
    with Store.open(db_path) as store:
        assert store.article_keys() == []  # listed once, before the import
        import_jsonl(store, lines, "me")
        assert [key.rsplit("-", 1)[0] for key in store.article_keys()] == ["a0", "a1", "a2"]  # by file name
