"""Suggesting over 10,000 articles: how long it takes, and how fast keys are answered meanwhile.

    .venv/bin/python benchmarks/suggest.py [--count 10000] [--reps 30]

The corpus is the five seeds copied to COUNT articles (real sentences, so the built-in
suggesters find what they find on the seeds: about 30 spans an article). In one run:
- in-process: finding alone (the worker thread's part), then finding and storing into a
  fresh database (one atomic write per article);
- in a real terminal (tmux, through ../shared/tools/tuibench.py's control client): the
  app on the corpus with figures, quotes and titles switched on; a cursor move's
  latency (l, until the first column shows it) idle, then while S runs over every
  article; and the time from S to the "Suggested" notice.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from terminal import ROOT, latencies_while_working, latency_row, running, use_this_checkout

sys.path.insert(0, str(ROOT))
from annotations.articles import load_corpus
from annotations.schema import load_schema
from annotations.store import Store
from annotations.suggest import candidates, configured_suggesters, store_suggestions

SUGGEST = "suggest:\n  figures: figure\n  quotes: quote\n  titles: actor\n"
COLUMN_CELLS = 41  # the first article column at 160 columns, with its border
TEXT_ROWS = (3, 8)  # the first lines of its text, where l moves the cursor
_TOKEN = re.compile(r"\x1b\[[0-9;:]*[A-Za-z]|[^\x1b]+")  # a colour change, or text


def make_corpus(folder: Path, count: int) -> None:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    bodies = [path.read_text(encoding="utf-8").split("---\n", 2)[-1] for path in seeds]
    for number in range(count):
        front = f"---\noutlet: Outlet {number}\ntitle: Copy {number} of seed {number % len(bodies)}\n---\n"
        (folder / f"a{number:05d}.md").write_text(front + bodies[number % len(bodies)], encoding="utf-8")


def first_column(bench) -> str:
    """The first column's cells (with their colours) on the first lines of text: what a cursor
    move there changes, and what the panel's progress and the notices (on the right) do not.
    Only those lines are captured: a whole 160x48 screen with colours takes tmux 10 ms."""
    _, screen = bench.tmux.run(
        "capture-pane", "-p", "-e", "-t", bench.pane, "-S", str(TEXT_ROWS[0]), "-E", str(TEXT_ROWS[1])
    )
    lines = []
    for line in screen.split("\n"):
        cells, out = 0, []
        for token in _TOKEN.finditer(line):
            text = token.group()
            if text.startswith("\x1b"):
                out.append(text)
                continue
            out.append(text[: COLUMN_CELLS - cells])
            cells += len(text)
            if cells >= COLUMN_CELLS:
                break
        lines.append("".join(out))
    return "\n".join(lines)


def in_process(folder: Path, schema_path: Path) -> list[tuple[str, str]]:
    corpus = load_corpus([folder])
    suggesters = configured_suggesters(load_schema(schema_path))
    started = time.perf_counter()
    found = [candidates(article.text, suggesters) for article in corpus.articles]
    finding = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as scratch, Store.open(Path(scratch) / "db.json") as store:
        started = time.perf_counter()
        made = sum(
            len(store_suggestions(store, article, spans, "bench"))
            for article, spans in zip(corpus.articles, found, strict=True)
        )
        storing = time.perf_counter() - started
    count = len(corpus.articles)
    return [
        (
            f"find (worker's part), {count:,} articles",
            f"{finding:.1f} s",
            f"{finding / count * 1000:.2f} ms an article",
        ),
        (
            f"store {made:,} suggestions, {count:,} articles",
            f"{storing:.1f} s",
            f"{storing / count * 1000:.2f} ms an article",
        ),
    ]


def in_terminal(folder: Path, schema_path: Path, reps: int) -> list[tuple[str, str, str]]:
    command = f"{sys.executable} -m tui.cli {folder} --db {folder}/db.json --labels {schema_path}"
    with running(command, folder, "Outlet 0") as bench:
        idle, busy, total = latencies_while_working(
            bench, "l", lambda: first_column(bench), reps, "S", "Suggesting", "Suggested"
        )
    return [
        latency_row("cursor move, idle", idle),
        latency_row("cursor move while S runs", busy),
        ("S over every article, to the notice", f"{total:.1f} s", ""),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args()
    use_this_checkout()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "corpus"
        folder.mkdir()
        make_corpus(folder, args.count)
        schema_path = Path(scratch) / "labels.yaml"
        schema_path.write_text((ROOT / "annotations" / "labels.yaml").read_text() + SUGGEST)
        core = in_process(folder, schema_path)
        terminal = in_terminal(folder, schema_path, args.reps)
    print("| measure | median / total | p90 / per article |")
    print("|---|---|---|")
    for name, value, detail in core + terminal:
        print(f"| {name} | {value} | {detail} |")


if __name__ == "__main__":
    main()
