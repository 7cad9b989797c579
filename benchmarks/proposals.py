"""Proposals: how well they match the hand-written key on the seeds, and how long they take.

    .venv/bin/python benchmarks/proposals.py [--count 100] [--rounds 5] [--reps 20]

Quality: precision and recall of each kind against tests/proposal_key.py (the seeds,
as the tests check them). Speed: proposing over COUNT articles of seed size (the five
seeds copied, each copy's numbers and names as the seed's, so every copy meets every
other: the most work there can be per article), the median of ROUNDS runs. Then, in a
real terminal (tmux), the app on those COUNT articles with two clusters linked: in the
compare view, a cursor move (down, timed until the table's rows change) idle, while
p proposes over every open article, and among the proposed rows; and the time from p to
the proposed rows.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from suggest import make_corpus
from terminal import ROOT, key_latencies, latencies_while_working, latency_row, rows, running, use_this_checkout

sys.path.insert(0, str(ROOT))
from annotations.articles import load_article, load_corpus
from annotations.proposals import KINDS, propose
from annotations.store import Store
from tests.proposal_key import evaluate

TABLE_ROWS = (2, 12)  # the compare view's first rows, where down moves the cursor


def linked_database(folder: Path) -> Path:
    """Two clusters across the first two copies, so the compare view has rows to move on."""
    articles = {article.id: article for article in load_corpus([folder]).articles}
    first, second = sorted(articles)[:2]
    db = folder / "db.json"
    with Store.open(db) as store:
        for words in ("Kataib Hezbollah", "Pentagon"):
            spans = [
                store.add(
                    articles[article_id],
                    articles[article_id].text.index(words),
                    articles[article_id].text.index(words) + len(words),
                    "actor",
                    "bench",
                )
                for article_id in (first, second)
            ]
            store.link(spans[0], spans[1], "same-as", "bench")
    return db


def in_terminal(count: int, reps: int) -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "corpus"
        folder.mkdir()
        make_corpus(folder, count)
        db = linked_database(folder)
        command = f"{sys.executable} -m tui.cli {folder} --db {db}"
        with running(command, folder, "Outlet 0") as bench:
            bench.send_keys(["C"])
            while "clusters across" not in bench.capture(escapes=False):
                time.sleep(0.02)
            idle, busy, total = latencies_while_working(
                bench,
                "Down",
                lambda: rows(bench, *TABLE_ROWS),
                reps,
                "p",
                "proposing",
                "proposed (y: confirm",
                before_each=["Up"],
                timeout=300,
            )
            proposed = bench.capture(escapes=False).split(" proposed (y: confirm")[0].rsplit(" ", 1)[-1]
            after = key_latencies(bench, "Down", lambda: rows(bench, *TABLE_ROWS), reps, ["Up"])
    return [
        latency_row("cursor move in the compare view, idle", idle),
        latency_row("cursor move while p proposes", busy),
        (f"p over {count} open articles, to the proposed rows", f"{total:.2f} s", ""),
        latency_row(f"cursor move among the {proposed} proposed rows", after),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    use_this_checkout()
    seeds = [load_article(path) for path in sorted((ROOT / "seeds").glob("*.txt"))]
    texts = {article.id: article.text for article in seeds}
    found = propose(texts.items())
    for label in KINDS:
        precision, recall = evaluate(found, texts, label)
        print(
            f"{label:7} precision {precision:.2f}  recall {recall:.2f}  "
            f"({sum(p.label == label for p in found)} proposed)"
        )
    corpus = [(f"copy{number}", seeds[number % len(seeds)].text) for number in range(args.count)]
    for label in KINDS:
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            propose(corpus, [label])
            times.append(time.perf_counter() - started)
        print(
            f"{label:7} over {args.count} articles: {statistics.median(times) * 1000:.0f} ms (median of {args.rounds})"
        )
    print("| measure | median / total | p90 |")
    print("|---|---|---|")
    for name, value, p90 in in_terminal(args.count, args.reps):
        print(f"| {name} | {value} | {p90} |")


if __name__ == "__main__":
    main()
