"""Store benchmark: Broadsheet's store against plain TinyDB (default JSONStorage), same data, same run.

    .venv/bin/python benchmarks/store.py            # the full run (about two minutes)
    .venv/bin/python benchmarks/store.py --quick    # smaller samples, for a smoke test

Measures, with 1,000 / 10,000 / 100,000 annotations already stored over 5,000 articles:
the time from a tag to its being durable on disk (median and p99), opening the
database, and exporting it to JSONL. The baseline keeps the same articles and
annotations in one TinyDB file as TinyDB ships (and does not even fsync).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinydb import TinyDB

from annotations.articles import Article
from annotations.export import write_jsonl
from annotations.model import Annotation
from annotations.store import HISTORY_LIMIT, Store

ARTICLES = 5_000
SIZES = (1_000, 10_000, 100_000)
WORDS = (
    "militia strikes Pentagon Kataib Hezbollah contractor rocket Kirkuk Baghdad statement forces "
    "said the of in and a to at least 25 fighters killed wounded spokesman Hoffman Esper Iraq Syria"
).split()


def make_articles(rng: random.Random) -> list[Article]:
    return [
        Article(f"bench-{number:05d}", " ".join(rng.choice(WORDS) for _ in range(rng.randrange(150, 400))) + ".")
        for number in range(ARTICLES)
    ]


def random_span(rng: random.Random, article: Article) -> tuple[int, int]:
    start = rng.randrange(0, len(article.text) - 30)
    return start, start + rng.randrange(3, 30)


def make_annotations(rng: random.Random, articles: list[Article], count: int) -> dict[str, list[Annotation]]:
    per_article: dict[str, list[Annotation]] = {}
    for index in range(count):
        article = articles[index % ARTICLES]
        start, end = random_span(rng, article)
        annotation = Annotation.create(article.id, article.text, start, end, rng.choice(["actor", "figure"]), "bench")
        per_article.setdefault(article.id, []).append(annotation)
    return per_article


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def build_broadsheet(path: Path, articles: list[Article], annotations: dict[str, list[Annotation]], rng) -> None:
    by_id = {article.id: article for article in articles}
    with Store.open(path) as store:
        for article_id, spans in annotations.items():
            store.import_spans(by_id[article_id], spans)
        for _ in range(HISTORY_LIMIT):  # a full undo log: the steady state after a day of work
            article = rng.choice(articles)
            store.add(article, *random_span(rng, article), "claim", "bench")


def build_baseline(path: Path, articles: list[Article], annotations: dict[str, list[Annotation]]) -> None:
    """The same data as plain TinyDB keeps it: one JSON file, written the way JSONStorage writes."""
    records = [annotation.to_record() for spans in annotations.values() for annotation in spans]
    tables = {
        "articles": {
            str(n + 1): {"id": a.id, "text": a.text, "text_hash": a.text_hash} for n, a in enumerate(articles)
        },
        "annotations": {str(n + 1): record for n, record in enumerate(records)},
    }
    path.write_text(json.dumps(tables))


def time_tags(path: Path, articles: list[Article], samples: int, rng) -> list[float]:
    timings = []
    with Store.open(path) as store:
        for _ in range(samples):
            article = rng.choice(articles)
            span = random_span(rng, article)
            started = time.perf_counter()
            store.add(article, *span, "quote", "bench")
            timings.append(time.perf_counter() - started)
    return timings


def time_baseline_tags(path: Path, articles: list[Article], samples: int, rng) -> list[float]:
    timings = []
    with TinyDB(path) as db:
        table = db.table("annotations")
        for _ in range(samples):
            article = rng.choice(articles)
            start, end = random_span(rng, article)
            record = Annotation.create(article.id, article.text, start, end, "quote", "bench").to_record()
            started = time.perf_counter()
            table.insert(record)
            timings.append(time.perf_counter() - started)
    return timings


def time_open(path: Path, articles: list[Article]) -> tuple[float, float]:
    """(open and read what the first screen shows, open and read every annotation)."""
    started = time.perf_counter()
    with Store.open(path) as store:
        for article in articles[:3]:
            store.annotations(article.id)
        first_screen = time.perf_counter() - started
    started = time.perf_counter()
    with Store.open(path, read_only=True) as store:
        total = sum(len(store.annotations(article_id)) for article_id in store.article_ids())
    assert total > 0
    return first_screen, time.perf_counter() - started


def time_baseline_open(path: Path) -> float:
    started = time.perf_counter()
    with TinyDB(path) as db:
        db.table("annotations").all()
    return time.perf_counter() - started


def time_export(path: Path) -> float:
    started = time.perf_counter()
    with Store.open(path, read_only=True) as store:
        write_jsonl(store, io.StringIO())
    return time.perf_counter() - started


def time_baseline_export(path: Path) -> float:
    started = time.perf_counter()
    out = io.StringIO()
    with TinyDB(path) as db:
        texts = {doc["id"]: doc["text"] for doc in db.table("articles").all()}
        spans: dict[str, list[dict]] = {}
        for doc in db.table("annotations").all():
            spans.setdefault(doc["article_id"], []).append(doc)
        for article_id in sorted(spans):
            ordered = sorted(spans[article_id], key=lambda doc: (doc["start"], doc["end"]))
            line = {
                "text": texts[article_id],
                "meta": {"id": article_id},
                "spans": [{k: doc[k] for k in ("start", "end", "label", "text")} for doc in ordered],
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    args = parser.parse_args()
    samples = 50 if args.quick else 300
    rng = random.Random(29122019)
    articles = make_articles(rng)
    rows = []
    medians = {}
    with tempfile.TemporaryDirectory() as scratch:
        for size in SIZES:
            annotations = make_annotations(rng, articles, size)
            ours, baseline = Path(scratch) / f"ours-{size}.json", Path(scratch) / f"tinydb-{size}.json"
            build_broadsheet(ours, articles, annotations, rng)
            build_baseline(baseline, articles, annotations)
            tags = time_tags(ours, articles, samples, rng)
            baseline_samples = max(5, min(samples, int(200_000 / size)))
            baseline_tags = time_baseline_tags(baseline, articles, baseline_samples, rng)
            medians[size] = statistics.median(tags)
            rows.append(
                (
                    f"tag → durable, {size:,} stored",
                    f"{ms(statistics.median(tags))} / {ms(percentile(tags, 0.99))}",
                    f"{ms(statistics.median(baseline_tags))} / {ms(percentile(baseline_tags, 0.99))}",
                )
            )
            if size == SIZES[-1]:
                first_screen, everything = time_open(ours, articles)
                rows.append((f"open, {size:,}: first screen", ms(first_screen), "—"))
                rows.append((f"open, {size:,}: every annotation", ms(everything), ms(time_baseline_open(baseline))))
                rows.append((f"export {size:,} to JSONL", ms(time_export(ours)), ms(time_baseline_export(baseline))))
            print(f"  done: {size:,} annotations", file=sys.stderr, flush=True)
    print("| measure (median / p99 for tags) | Broadsheet | plain TinyDB |")
    print("|---|---|---|")
    for row in rows:
        print(f"| {' | '.join(row)} |")
    ratio = medians[SIZES[-1]] / medians[SIZES[0]]
    print(
        f"\nTag median at {SIZES[-1]:,} over {SIZES[0]:,}: {ratio:.2f}x "
        f"({samples} tags a size; the baseline's tags are fewer at large sizes, each takes long)."
    )


if __name__ == "__main__":
    main()
