"""The agreement measure alone, fed from memory: its cost apart from reading the databases (issue 28).

    .venv/bin/python benchmarks/agreement.py                       # 100k spans, this checkout against main
    .venv/bin/python benchmarks/agreement.py --spans 1M --rounds 3 --against HEAD~2

Two annotators' articles are built as scale.py builds its databases (ten spans an article;
the second's spans relabelled, moved or dropped here and there), held in memory as the
articles a database reads (ReadArticle), and handed to ``measure_stores`` through a store
that only lists and returns them: what is timed is agreement.py's work, every line of it,
and none of the store's. The agreement.py of another git revision (``--against``; beside
this checkout's other modules) runs on the same articles, the two in turn, round after
round, each timed in CPU seconds, so that neither the machine's other work nor its slow
spells count against one more than the other; their figures must be the same, or the
benchmark stops and says so. Every article is held in memory: at 1M, a few GiB.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from scale import parse_size, size_name, write_jsonl  # noqa: E402

from annotations import agreement  # noqa: E402
from annotations.model import Annotation  # noqa: E402
from annotations.store import ReadArticle, StoredArticle  # noqa: E402


class ArticlesInMemory:
    """As much of a Store as measure_stores uses: the articles' keys, and each article by its key."""

    def __init__(self, articles: list[ReadArticle]) -> None:
        self.articles = {article.id: article for article in articles}

    def article_keys(self) -> list[str]:
        return sorted(self.articles)

    def read_article(self, key: str) -> ReadArticle | None:
        return self.articles.get(key)


def read_articles(path: Path, annotator: str) -> list[ReadArticle]:
    """The articles of a scale.py JSONL file, their spans accepted by ``annotator``."""
    articles = []
    with path.open() as lines:
        for line in lines:
            record = json.loads(line)
            article_id, text = record["meta"]["id"], record["text"]
            spans = [
                Annotation.create(
                    article_id, text, span["start"], span["end"], span["label"], annotator, status="accepted"
                )
                for span in record["spans"]
            ]
            stored = StoredArticle(article_id, {}, "", "")  # agreement reads the id, text and spans alone
            articles.append(ReadArticle(stored, spans, lambda text=text: text))
    return articles


def two_annotators(spans: int) -> list[ArticlesInMemory]:
    with tempfile.TemporaryDirectory() as scratch:
        first, second = Path(scratch, "first.jsonl"), Path(scratch, "second.jsonl")
        write_jsonl(first, spans, seed=spans)
        write_jsonl(second, spans, seed=7, moved_from=first)
        return [ArticlesInMemory(read_articles(first, "ana")), ArticlesInMemory(read_articles(second, "ben"))]


def agreement_at(revision: str) -> ModuleType:
    """agreement.py as ``revision`` holds it, imported beside this checkout's (its imports are relative)."""
    source = subprocess.run(
        ["git", "show", f"{revision}:annotations/agreement.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    name = "annotations.agreement_at_" + "".join(c if c.isalnum() else "_" for c in revision)
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader=None))
    module.__package__ = "annotations"
    sys.modules[name] = module
    exec(compile(source, f"{revision}:annotations/agreement.py", "exec"), module.__dict__)
    return module


def timed(measure: ModuleType, stores: list[ArticlesInMemory]) -> tuple[float, dict]:
    """The CPU seconds of a measure (not the machine's other work, which wall time counts) and its figures."""
    started = time.process_time()
    figures = measure.measure_stores(stores, ["first", "second"]).as_dict()
    return time.process_time() - started, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spans", type=parse_size, default="100k", help="spans an annotator holds (100k, 1M)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", default="main", help="the git revision whose measure to time beside this one")
    args = parser.parse_args()
    stores = two_annotators(args.spans)
    measures = {args.against: agreement_at(args.against), "this checkout": agreement}
    seconds: dict[str, list[float]] = {name: [] for name in measures}
    for round_number in range(args.rounds):
        figures = {}
        for name in sorted(measures, reverse=round_number % 2 == 1):
            took, figures[name] = timed(measures[name], stores)
            seconds[name].append(took)
        if len({json.dumps(found, sort_keys=True) for found in figures.values()}) != 1:
            sys.exit(f"the figures differ: {json.dumps(figures, indent=1)}")
    per_100k = 100_000 / args.spans
    print(f"measure_stores of two annotators of {size_name(args.spans)} spans, {args.rounds} rounds:")
    for name, taken in seconds.items():
        print(
            f"  {name}: {statistics.median(taken) * per_100k:.3f} s CPU per 100k spans"
            f" (median; fastest {min(taken) * per_100k:.3f} s)"
        )


if __name__ == "__main__":
    main()
