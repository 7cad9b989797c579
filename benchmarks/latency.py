"""Keystroke latency and first paint on large articles, in a real terminal (tmux).

    .venv/bin/python benchmarks/latency.py [--reps 40] [--runs 7] [--baseline REV]

Uses ../shared/tools/tuibench.py (or TUIBENCH=path). In one run, at 160x48:
- first paint (the first article's text on screen) of three 200,000-character articles
  side by side, against a minimal Textual app that shows one word (the framework's floor);
- key-to-screen latency on a 200,000-character article, median and p95: a cursor move
  (l) and a tag (a on the word under the cursor, durable before the screen changes),
  beside the same keys in a minimal curses annotator that redraws the whole screen per
  key and fsyncs its tags (curses_annotator.py, the yardstick of issue 8), and a minimal
  Textual app whose key repaints one small widget. Each key is timed twice: until the
  screen's first nine rows change (terminal.py says why not the whole screen), and until
  tmux receives the frame (the capture's own cost left out);
- the same keys on that article when it already holds 1,000 tags (a day's work, or one
  run of the suggesters), where each tag rewrites the article's file and repaints the
  panel's list, and each line drawn looks up the tags on it.
With --baseline, Broadsheet's keys are also timed with that git revision's code. All the
apps run side by side, and the keys are timed in rounds of one key each, so that the
machine's slow spells fall on every case alike.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import MINIMAL_APP, WORDS, export_revision, first_paints, first_words
from terminal import ROOT, KeyTiming, key_latency, median, percentile, rows, running, use_this_checkout

SIZE = 200_000
STORED_TAGS = 1_000
CAPTURED_ROWS = (0, 8)  # the title, the headings and the first lines of text (and the panel's counts)
# The framework's floor for a key: a key that repaints one small widget, nothing else.
MINIMAL_KEY_APP = """
from textual.app import App
from textual.reactive import reactive
from textual.widget import Widget
class Counter(Widget):
    count = reactive(0)
    def render(self):
        return f"Outlet 1 · key {self.count}"
class Minimal(App):
    BINDINGS = [("ctrl+q", "quit"), ("l", "bump")]
    def compose(self):
        yield Counter()
    def action_bump(self):
        self.query_one(Counter).count += 1
Minimal().run()
"""


def make_article(path: Path, seed: int) -> None:
    rng = random.Random(seed)
    paragraphs, length = [], 0
    while length < SIZE:
        paragraph = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(40, 120))) + "."
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    path.write_text(f"---\noutlet: Outlet {seed}\ntitle: Long article {seed}\n---\n" + "\n\n".join(paragraphs)[:SIZE])


def make_tagged_database(path: Path, article_path: Path, count: int) -> None:
    """A database in which the article holds ``count`` tags, on words spread over its text."""
    from annotations.articles import load_article
    from annotations.model import Annotation
    from annotations.store import Store

    article = load_article(article_path)
    words = [match.span() for match in re.finditer(r"\w+", article.text)]
    every = len(words) // count
    labels = ("actor", "claim", "figure", "quote")
    with Store.open(path) as store:
        store.import_spans(
            article,
            [
                Annotation.create(article.id, article.text, *words[index * every], labels[index % 4], "bench")
                for index in range(count)
            ],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", metavar="REV", help="also time Broadsheet's keys with this git revision's code")
    args = parser.parse_args()
    use_this_checkout()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "minimal.py").write_text(MINIMAL_APP)
        (work / "minimal_key.py").write_text(MINIMAL_KEY_APP)
        articles = [work / f"long{seed}.md" for seed in (1, 2, 3)]
        for seed, article in enumerate(articles, start=1):
            make_article(article, seed)
        app = f"{sys.executable} -m tui.cli"
        (floor, _), (three, _) = first_paints(
            [
                (f"{sys.executable} minimal.py", "Kirkuk"),
                (f"{app} {' '.join(map(str, articles))} --db paint.json", first_words(articles[0])),
            ],
            work,
            args.runs,
        )
        print("| first paint, 160x48 | median | / floor |")
        print("|---|---|---|")
        print(f"| minimal Textual app (floor) | {floor:.0f} ms | 1.00x |")
        print(f"| three 200,000-character articles | {three:.0f} ms | {three / floor:.2f}x |")
        curses_app = f"{sys.executable} {ROOT / 'benchmarks' / 'curses_annotator.py'} {articles[0]}"
        versions = [("Broadsheet", app)]
        if args.baseline:
            versions.append(
                (
                    f"Broadsheet at {args.baseline}",
                    f"env PYTHONPATH={export_revision(args.baseline, work / 'baseline')} {app}",
                )
            )
        cases = [
            ("minimal Textual app, one repaint", f"{sys.executable} minimal_key.py", "Outlet 1", "l", []),
            ("curses annotator: cursor move (l)", f"{curses_app} move-tags.json", "long1.md", "l", []),
            ("curses annotator: tag (a), durable", f"{curses_app} tag-tags.json", "long1.md", "a", ["l"]),
        ]
        for version, command in versions:
            slug = version.replace(" ", "_")
            for stored in ("", f", {STORED_TAGS:,} tags stored"):
                for action, key, before_each in (("cursor move (l)", "l", []), ("tag (a), durable", "a", ["w"])):
                    # A database each: all the cases run side by side, and a database has one writer.
                    database = work / f"{slug}-{len(cases)}.json"
                    if stored:
                        make_tagged_database(database, articles[0], STORED_TAGS)
                    cases.append(
                        (
                            f"{version}: {action}{stored}",
                            f"{command} {articles[0]} --db {database}",
                            "Outlet 1",
                            key,
                            before_each,
                        )
                    )
        # Every case's app runs from the start, and each round times one key in each: the
        # machine's slow spells fall on all of them alike, not on one case's block of keys.
        with ExitStack() as stack:
            benches = [stack.enter_context(running(command, work, expect)) for _, command, expect, _, _ in cases]
            samples: list[list[KeyTiming]] = [[] for _ in cases]
            for _ in range(args.reps):
                for (_, _, _, key, before_each), bench, taken in zip(cases, benches, samples, strict=True):
                    taken.append(key_latency(bench, key, lambda bench=bench: rows(bench, *CAPTURED_ROWS), before_each))
                    time.sleep(0.03)
        print()
        print("| key, 160x48 | rows change: median | p95 | frame reaches tmux: median | p95 |")
        print("|---|---|---|---|---|")
        for (name, _, _, _, _), taken in zip(cases, samples, strict=True):
            screen, frame = [timing.screen for timing in taken], [timing.frame for timing in taken]
            print(
                f"| {name} | {median(screen):.1f} ms | {percentile(screen, 0.95):.1f} ms "
                f"| {median(frame):.1f} ms | {percentile(frame, 0.95):.1f} ms |"
            )


if __name__ == "__main__":
    main()
