"""Keystroke latency and first paint on large articles, in a real terminal (tmux).

    .venv/bin/python benchmarks/latency.py [--reps 30]

Uses ../shared/tools/tuibench.py (or TUIBENCH=path). In one run:
- first paint of three 200,000-character articles side by side, against a minimal
  Textual app (the framework's floor);
- key-to-screen latency on a 200,000-character article, median and p90: a cursor
  move (l), and a tag (a on the word under the cursor, durable before the screen
  changes), each measured to the first screen change and to the settled screen,
  beside a minimal Textual app whose key repaints one small widget (the floor).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import MINIMAL_APP, TUIBENCH, WORDS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SIZE = 200_000
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


def tuibench(mode: str, cwd: Path, *args: str) -> dict:
    out = cwd / "result.json"
    subprocess.run(
        [sys.executable, str(TUIBENCH), mode, "--cwd", str(cwd), "--cols", "160", "--rows", "48",
         "--quit-keys", "C-q", "--json", str(out), *args],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.read_text())["summary"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        os.environ["PYTHONPATH"] = str(ROOT)
        (work / "minimal.py").write_text(MINIMAL_APP)
        articles = []
        for seed in (1, 2, 3):
            make_article(work / f"long{seed}.md", seed)
            articles.append(str(work / f"long{seed}.md"))
        app = f"{sys.executable} -m tui.cli"
        floor = tuibench("startup", work, "--cmd", f"{sys.executable} minimal.py", "--expect", "Kirkuk",
                         "--runs", str(args.runs))["first_paint_ms"]
        three = tuibench("startup", work, "--cmd", f"{app} {' '.join(articles)} --db paint.json",
                         "--expect", "Outlet 3", "--runs", str(args.runs))["first_paint_ms"]
        rows = [
            ("first paint: minimal Textual app (floor)", f"{floor['median']:.0f} ms", "", "1.00x"),
            ("first paint: three 200,000-character articles", f"{three['median']:.0f} ms", "",
             f"{three['median'] / floor['median']:.2f}x"),
        ]
        (work / "minimal_key.py").write_text(MINIMAL_KEY_APP)
        one = f"{app} {articles[0]} --db keys.json"
        for name, command, key, extra in (
            ("minimal Textual app, one repaint (floor)", f"{sys.executable} minimal_key.py", "l", []),
            ("cursor move (l)", one, "l", []),
            ("tag the word under the cursor (a), durable", one, "a", ["--pre", "w", "--pre", "w"]),
        ):
            summary = tuibench("keys", work, "--cmd", command, "--expect", "Outlet 1", "--key", key,
                               "--reps", str(args.reps), *extra)
            first, settled = summary["first_change_ms"], summary["settled_ms"]
            rows.append((f"{name}: first change", f"{first['median']:.1f} ms", f"{first['p90']:.1f} ms", ""))
            rows.append((f"{name}: settled", f"{settled['median']:.1f} ms", f"{settled['p90']:.1f} ms", ""))
    print("| measure, 160x48 | median | p90 | / floor |")
    print("|---|---|---|---|")
    for row in rows:
        print(f"| {' | '.join(row)} |")


if __name__ == "__main__":
    main()
