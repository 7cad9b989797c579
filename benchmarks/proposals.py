"""Proposals: how well they match the hand-written key on the seeds, and how long they take.

    .venv/bin/python benchmarks/proposals.py [--count 100] [--rounds 5]

Quality: precision and recall of each kind against tests/proposal_key.py (the seeds,
as the tests check them). Speed: proposing over COUNT articles of seed size (the five
seeds copied, each copy's numbers and names as the seed's, so every copy meets every
other: the most work there can be per article), the median of ROUNDS runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from annotations.articles import load_article  # noqa: E402
from annotations.proposals import KINDS, propose  # noqa: E402
from tests.proposal_key import evaluate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    seeds = [load_article(path) for path in sorted((ROOT / "seeds").glob("*.txt"))]
    texts = {article.id: article.text for article in seeds}
    found = propose(texts.items())
    for label in KINDS:
        precision, recall = evaluate(found, texts, label)
        print(f"{label:7} precision {precision:.2f}  recall {recall:.2f}  ({sum(p.label == label for p in found)} proposed)")
    corpus = [(f"copy{number}", seeds[number % len(seeds)].text) for number in range(args.count)]
    for label in KINDS:
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            propose(corpus, [label])
            times.append(time.perf_counter() - started)
        print(f"{label:7} over {args.count} articles: {statistics.median(times) * 1000:.0f} ms (median of {args.rounds})")


if __name__ == "__main__":
    main()
