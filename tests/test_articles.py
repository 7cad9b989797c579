import hashlib
from pathlib import Path

import pytest

from annotations.articles import ArticleError, load_article, load_corpus

from .conftest import SEEDS

# sha256 of the five articles as they were given (shared/seeds): the seeds' bodies must stay these bytes.
ORIGINAL_SHA256 = {
    "000_64331d8c72ca9866": "5c3de17f576b09daea59b52abc80dbc00dc1d17df6c1937668761b970102c4d6",
    "001_dd604056335a0bf9": "c818b70f9a88d5545c36eff9f77b13500f0c56418dacc116c58f2dc2bc2e09b3",
    "002_adeb6bf3238f9c36": "02a8c4d93739430024375196f203fd870cd73f0bf8248d5fc222b536b9331576",
    "003_5d1040d77a3fa8e0": "c6d277ee3ea7ee611ba082f520bd1751fa0121758c878791033904c54b4e8a66",
    "004_1efd9bbacad779dd": "02e153348fa0aaeb351d7d9781d2729fe6b2fd736c6cf9f242c3ee912172d25b",
}


def test_seed_bodies_are_the_original_bytes():
    for path in sorted(SEEDS.glob("*.txt")):
        raw = path.read_bytes()
        assert raw.startswith(b"---\n")
        body = raw[raw.index(b"\n---\n", 3) + 5 :]
        assert hashlib.sha256(body).hexdigest() == ORIGINAL_SHA256[path.stem], path.name


def test_seeds_load_with_their_front_matter(seeds):
    by_id = {article.id: article for article in seeds}
    assert sorted(by_id) == sorted(ORIGINAL_SHA256)
    assert by_id["001_dd604056335a0bf9"].outlet == "Reuters"
    assert by_id["001_dd604056335a0bf9"].date == "2019-12-31"
    assert by_id["004_1efd9bbacad779dd"].title.startswith("US conducts strikes in Iraq")
    assert by_id["001_dd604056335a0bf9"].text.startswith(" date 2019-12-31 Reuters")
    assert "[Trump]" in by_id["001_dd604056335a0bf9"].text
    assert "\n" not in by_id["000_64331d8c72ca9866"].text


def test_front_matter_id_and_source_alias(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_text("---\nid: story-1\nsource: AP\ndate: 2020-01-01\n---\nBody text.\n")
    article = load_article(path)
    assert (article.id, article.outlet, article.date, article.text) == ("story-1", "AP", "2020-01-01", "Body text.\n")


def test_broken_front_matter_names_file_and_line(tmp_path: Path):
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: [unclosed\n---\nBody\n")
    with pytest.raises(ArticleError, match=r"bad\.md: front matter is not valid YAML at line"):
        load_article(path)


@pytest.mark.parametrize(
    "front, problem",
    [
        ("date: 2019-13-45\n", "month must be in 1..12"),
        ('title: "x"\ndate: 2019-02-30\n', "day is out of range for month"),
    ],
)
def test_a_date_yaml_cannot_build_is_a_one_line_problem(tmp_path: Path, front: str, problem: str):
    path = tmp_path / "bad.md"
    path.write_text(f"---\n{front}---\nBody\n")
    with pytest.raises(ArticleError) as raised:
        load_article(path)
    assert str(raised.value) == f"{path}: front matter is not valid YAML at line 2: {problem}"


def test_corpus_skips_bad_files_and_keeps_the_rest(tmp_path: Path):
    (tmp_path / "good.txt").write_text("Readable.")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\x00\x00\x00")
    (tmp_path / "ignored.csv").write_text("a,b")
    corpus = load_corpus([tmp_path, tmp_path / "missing.txt"])
    assert [article.id for article in corpus.articles] == ["good"]
    assert corpus.problems == [  # what cannot be listed first, then file by file
        f"{tmp_path / 'missing.txt'}: no such file or directory",
        f"{tmp_path / 'binary.txt'}: binary file (NUL byte at byte 4)",
        f"{tmp_path / 'empty.txt'}: empty file",
    ]


def test_duplicate_ids_name_both_sources(tmp_path: Path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "same.txt").write_text("First.")
    (tmp_path / "two" / "same.txt").write_text("Second.")
    corpus = load_corpus([tmp_path])
    assert len(corpus.articles) == 1
    assert corpus.problems == [
        f"{tmp_path / 'two' / 'same.txt'}: article id 'same' is already used by "
        f"{tmp_path / 'one' / 'same.txt'}; skipped"
    ]


@pytest.mark.parametrize(
    "block",
    [
        "outlet: Reuters\ndate: 2019-12-31\ntitle: US strikes Kataib Hezbollah in Iraq and Syria\n",
        "title: Pentagon says - strikes were defensive (update)\nurl: https://example.com/a\n",
        "title: yes\n",
        "title: 'quoted: text'\n",
        "id: 007\ntitle: x\n",
        "title: [a, b]\n",
        "date: 2019-12-31 10:00:00\n",
        "title: value # a comment\n",
        "outlet: AP\noutlet: Reuters\n",
        "title: null\n",
        "\n",
        "# a comment only\n",
        'title: "US conducts strikes in Iraq, Syria"\n',
        "title: Kataib Hezbollah's leader\n",
    ],
)
def test_front_matter_reads_the_same_with_or_without_the_fast_path(block):
    import yaml

    from annotations import simple_yaml
    from annotations.articles import meta_value, split_front_matter

    try:
        meta, body = split_front_matter(f"---\n{block}---\nBody", "x.md")
    except ArticleError:  # bad YAML, or a key given twice (which PyYAML alone would take)
        assert simple_yaml.read(block) is None  # the fast path never accepts what the loader refuses
        return
    expected = yaml.safe_load(block) or {}
    assert meta == {
        ("outlet" if k == "source" else str(k)): meta_value(v) for k, v in expected.items() if v is not None
    }
    assert body == "Body"
    fast = simple_yaml.read(block)
    if fast is not None:
        assert {k: meta_value(v) for k, v in fast.items()} == {str(k): meta_value(v) for k, v in expected.items()}
