"""Start-up benchmark: first paint in a real terminal (tmux), against a minimal Textual app.

    .venv/bin/python benchmarks/startup.py [--runs 5] [--baseline REV]

Uses ../shared/tools/tuibench.py (or TUIBENCH=path). Measures, in one run:
the framework's floor (a Textual app that shows one word), the bundled seeds, and a
generated corpus of 10,000 Markdown articles with front matter. First paint is when the
first article's text shows (not only the headings, which Textual may paint a frame before).
With --baseline, the seeds are also opened by that git revision's code, in the same run.
The cases are launched in turn, once each per round, so that the machine's slow spells
fall on all of them alike.
"""

from __future__ import annotations

import argparse
import compileall
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from terminal import ROOT, TUIBENCH, percentile, use_this_checkout

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static
class Minimal(App):
    BINDINGS = [("ctrl+q", "quit")]
    def compose(self):
        yield Static("Kirkuk")
Minimal().run()
"""
WORDS = "militia strikes Pentagon Hezbollah contractor rocket Kirkuk Baghdad statement forces said the of in".split()


def make_corpus(folder: Path, count: int) -> None:
    rng = random.Random(10_000)
    for number in range(count):
        body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(80)) for _ in range(6))
        front = f"---\noutlet: Outlet {number % 37}\ndate: 2020-01-{number % 28 + 1:02d}\ntitle: Story {number}\n---\n"
        (folder / f"a{number:05d}.md").write_text(front + body + "\n")


def first_words(path: Path, count: int = 3) -> str:
    """The body's first words: what shows once the article's text is painted."""
    return " ".join(path.read_text().split("---\n", 2)[2].split()[:count])


def export_revision(revision: str, folder: Path) -> Path:
    """That revision's code, compiled, in ``folder`` (to run with PYTHONPATH=folder)."""
    folder.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "annotations", "tui", "seeds"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    for package in ("annotations", "tui"):
        compileall.compile_dir(str(folder / package), quiet=1)
    return folder


def first_paint_ms(command: str, expect: str, cwd: Path) -> float:
    """One launch of ``command`` in a fresh tmux pane: ms until ``expect`` shows."""
    samples = cwd / "samples.json"
    subprocess.run(
        [
            sys.executable,
            str(TUIBENCH),
            "startup",
            "--cmd",
            command,
            "--expect",
            expect,
            "--cwd",
            str(cwd),
            "--runs",
            "1",
            "--quit-keys",
            "C-q",
            "--cols",
            "160",
            "--rows",
            "48",
            "--json",
            str(samples),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(samples.read_text())["summary"]["first_paint_ms"]["median"]


def first_paints(cases: list[tuple[str, str]], cwd: Path, runs: int) -> list[tuple[float, float]]:
    """(median, p90) ms of each (command, expect), launched in turn ``runs`` times: the
    machine's slow and fast spells then fall on every case alike, where a block of runs
    per case would lend them to one. Each round starts one case later, so that no case
    always follows the same one (a launch can slow the next: a large corpus's exit)."""
    samples: list[list[float]] = [[] for _ in cases]
    for round_number in range(runs):
        for place in range(len(cases)):
            index = (place + round_number) % len(cases)
            samples[index].append(first_paint_ms(*cases[index], cwd))
            time.sleep(0.2)  # as tuibench pauses between its own runs
    return [(statistics.median(taken), percentile(taken, 0.9)) for taken in samples]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", metavar="REV", help="also open the seeds with this git revision's code")
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "minimal.py").write_text(MINIMAL_APP)
        corpus = work / "corpus"
        corpus.mkdir()
        make_corpus(corpus, 10_000)
        broadsheet = f"{python} -m tui.cli"
        cases = [
            ("minimal Textual app (floor)", f"{python} minimal.py", "Kirkuk"),
            ("the five seeds", f"{broadsheet} --db seeds.json", "militia leader on Monday"),
            ("10,000 articles", f"{broadsheet} {corpus} --db corpus.json", first_words(corpus / "a00000.md")),
        ]
        if args.baseline:
            code = export_revision(args.baseline, work / "baseline")
            cases.insert(
                1,
                (
                    f"the five seeds, at {args.baseline}",
                    f"env PYTHONPATH={code} {broadsheet} --db baseline.json",
                    "militia leader on Monday",
                ),
            )
        use_this_checkout()
        paints = first_paints([(command, expect) for _, command, expect in cases], work, args.runs)
        floor = paints[0][0]
        rows = [(name, median, p90, median / floor) for (name, _, _), (median, p90) in zip(cases, paints, strict=True)]
    print(f"| first paint, 160x48 ({args.runs} runs) | median | p90 | median / floor |")
    print("|---|---|---|---|")
    for name, median, p90, ratio in rows:
        print(f"| {name} | {median:.0f} ms | {p90:.0f} ms | {ratio:.2f}x |")


if __name__ == "__main__":
    main()
