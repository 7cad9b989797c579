"""Scale benchmark: a newsroom's archive, Broadsheet against SQLite holding the same spans (issue 28).

    .venv/bin/python benchmarks/scale.py                        # 1k and 100k spans, 100,000 articles to paint
    .venv/bin/python benchmarks/scale.py --sizes 1k,100k,1M     # the issue's full run (about half an hour)
    .venv/bin/python benchmarks/scale.py --quick                # a smoke test: tiny sizes, one round
    .venv/bin/python benchmarks/scale.py --only paint --baseline ../main   # first paint alone, beside main's
    .venv/bin/python benchmarks/scale.py --only app-tags        # the app's tag alone, fresh against --tags

Every measured command runs in a child process of its own, timed from its launch to its
exit, its peak memory the kernel's VmHWM of that process (read by peak.py as it ends), so
that what one measure leaves behind never counts against the next. The cases of a round
are run in turn, and rounds are repeated (--rounds), so that the machine's slow spells fall
on Broadsheet and SQLite alike. Measures:

- ``broadsheet import`` of a Prodigy-style JSONL file (text, meta.id, spans) at each of
  --sizes, against SQLite (stdlib sqlite3) reading the same file line by line into a
  schema like Prodigy's: a row per article, a row per span indexed by article, one commit;
- ``broadsheet export`` of the largest database to JSONL, against SQLite writing the same
  JSONL from its rows, article by article;
- ``broadsheet agree`` of two databases of the largest size (the second's spans moved,
  relabelled or dropped here and there);
- ``broadsheet review``'s first card at the largest size, and the app's first paint over
  --articles articles (a folder of text files), each in a real terminal (tmux, 160x48,
  ../shared/tools/tuibench.py) against a minimal Textual app, the framework's floor;
- a tag in an article that holds --tags tags against a tag in a fresh article, through the
  library (Store.add: durable on return), against SQLite's insert and commit of a span, and
  in the app (key to screen, the two apps side by side in tmux, a key each in turn).
Sizes are span counts; an article holds ten spans. The table printed is what was run.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import MINIMAL_APP, first_paint_ms
from terminal import key_latency, rows, running, use_this_checkout

SPANS_PER_ARTICLE = 10
WORDS = (
    "militia strikes Pentagon Kataib Hezbollah contractor rocket Kirkuk Baghdad statement forces "
    "said the of in and a to at least fighters killed wounded spokesman Hoffman Esper Iraq Syria"
).split()
LABELS = ("actor", "claim", "figure", "quote")
SCHEMA = """
CREATE TABLE articles (id TEXT PRIMARY KEY, text TEXT NOT NULL, meta TEXT NOT NULL);
CREATE TABLE spans (article_id TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, label TEXT NOT NULL);
CREATE INDEX spans_by_article ON spans (article_id);
"""


# Runs another checkout's `broadsheet` (--baseline): its packages come before this one's.
BASELINE_LAUNCHER = """import runpy, sys
sys.path.insert(0, {checkout!r})
runpy.run_module("tui.cli", run_name="__main__", alter_sys=True)
"""


class Measure:
    """One measured child: wall seconds and peak resident MiB."""

    def __init__(self, seconds: float, peak_mib: float) -> None:
        self.seconds, self.peak_mib = seconds, peak_mib


PEAK = Path(__file__).resolve().with_name("peak.py")


def run_child(command: list[str], cwd: Path) -> Measure:
    """Run ``command`` (a Python one: [python, args...]) to its end, through peak.py: its time
    and its own peak memory."""
    peak = cwd / "peak.txt"
    peak.unlink(missing_ok=True)
    started = time.perf_counter()
    done = subprocess.run(
        [command[0], str(PEAK), str(peak), *command[1:]],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise RuntimeError(
            f"{' '.join(command)} ended with {done.returncode}: {done.stderr.decode(errors='replace')[-2000:]}"
        )
    return Measure(seconds, int(peak.read_text()) / 1024)


# -- data ------------------------------------------------------------------------


def article_text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randrange(90, 130))) + "."


def spans_of(rng: random.Random, text: str) -> list[dict]:
    """Ten spans on whole words, in reading order, none overlapping."""
    bounds, position = [], 0
    for word in text.split(" "):
        bounds.append((position, position + len(word.rstrip("."))))
        position += len(word) + 1
    chosen = sorted(rng.sample(range(len(bounds)), SPANS_PER_ARTICLE))
    return [{"start": bounds[i][0], "end": bounds[i][1], "label": rng.choice(LABELS)} for i in chosen]


def write_jsonl(path: Path, spans: int, seed: int, moved_from: Path | None = None) -> None:
    """``spans`` spans, ten an article. With ``moved_from``: that file's articles, with
    about one span in ten relabelled, one in twenty moved to the next word, one in fifty left out."""
    rng = random.Random(seed)
    with path.open("w") as out:
        lines = moved_from.open() if moved_from else None
        for number in range(spans // SPANS_PER_ARTICLE):
            if lines is not None:
                record = json.loads(next(lines))
                record["spans"] = [moved(rng, record["text"], span) for span in record["spans"] if rng.random() > 0.02]
            else:
                text = article_text(rng)
                record = {
                    "text": text,
                    "meta": {"id": f"story-{number:07d}", "outlet": f"Outlet {number % 37}"},
                    "spans": spans_of(rng, text),
                }
            out.write(json.dumps(record) + "\n")


def moved(rng: random.Random, text: str, span: dict) -> dict:
    roll = rng.random()
    if roll < 0.1:
        return {**span, "label": rng.choice(LABELS)}
    if roll < 0.15 and (space := text.find(" ", span["end"] + 1)) > 0:
        return {**span, "start": span["end"] + 1, "end": space}
    return span


def write_corpus(folder: Path, count: int) -> str:
    """``count`` short articles as text files; the first words of the first, which first paint shows."""
    folder.mkdir()
    rng = random.Random(count)
    for number in range(count):
        (folder / f"a{number:06d}.txt").write_text(" ".join(rng.choice(WORDS) for _ in range(40)) + ".\n")
    return " ".join((folder / "a000000.txt").read_text().split()[:3])


# -- SQLite's side: the same work, run as a child of this script ------------------


def sqlite_import(source: str, database: str) -> None:
    connection = sqlite3.connect(database)
    connection.executescript(SCHEMA)
    with open(source) as lines, connection:
        for line in lines:
            record = json.loads(line)
            article_id = record["meta"]["id"]
            connection.execute(
                "INSERT INTO articles VALUES (?, ?, ?)", (article_id, record["text"], json.dumps(record["meta"]))
            )
            connection.executemany(
                "INSERT INTO spans VALUES (?, ?, ?, ?)",
                [(article_id, span["start"], span["end"], span["label"]) for span in record["spans"]],
            )
    connection.close()


def sqlite_export(database: str, output: str) -> None:
    connection = sqlite3.connect(database)
    with open(output, "w") as out:
        for article_id, text, meta in connection.execute("SELECT id, text, meta FROM articles ORDER BY id"):
            spans = [
                {"start": start, "end": end, "label": label, "text": text[start:end]}
                for start, end, label in connection.execute(
                    "SELECT start, end, label FROM spans WHERE article_id = ? ORDER BY start, end", (article_id,)
                )
            ]
            out.write(json.dumps({"text": text, "meta": json.loads(meta), "spans": spans}, ensure_ascii=False) + "\n")
    connection.close()


def sqlite_tags(database: str, stored: str, samples: str) -> None:
    """Time ``samples`` inserts, each committed, in an article holding ``stored`` spans; print the median ms."""
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode = WAL")  # as an app keeping each change would run it
    connection.execute("PRAGMA synchronous = FULL")
    connection.executescript(SCHEMA)
    with connection:
        connection.executemany(
            "INSERT INTO spans VALUES ('big', ?, ?, 'actor')", [(n, n + 3) for n in range(int(stored))]
        )
    timings = []
    for number in range(int(samples)):
        started = time.perf_counter()
        with connection:
            connection.execute("INSERT INTO spans VALUES ('big', ?, ?, 'quote')", (number, number + 5))
        timings.append(time.perf_counter() - started)
    print(f"{statistics.median(timings) * 1000:.3f}")


def broadsheet_tags(database: str, stored: str, samples: str) -> None:
    """Time ``samples`` tags (Store.add, durable on return) in an article holding ``stored``; print the median ms."""
    from annotations.articles import Article
    from annotations.model import Annotation
    from annotations.store import Store

    rng = random.Random(int(stored))
    text = " ".join(rng.choice(WORDS) for _ in range((int(stored) + int(samples)) * 2 + 10))
    article = Article("big", text)
    words = [(start, start + 3) for start in range(0, len(text) - 10, 7)]
    with Store.open(database) as store:
        store.import_spans(
            article, [Annotation.create("big", text, *words[n], "actor", "bench") for n in range(int(stored))]
        )
        timings = []
        for number in range(int(samples)):
            started = time.perf_counter()
            store.add(article, *words[-1 - number], "quote", "bench")
            timings.append(time.perf_counter() - started)
    print(f"{statistics.median(timings) * 1000:.3f}")


def tag_median(command: list[str], cwd: Path) -> float:
    return float(subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout)


CHILDREN = {
    "sqlite-import": sqlite_import,
    "sqlite-export": sqlite_export,
    "sqlite-tags": sqlite_tags,
    "broadsheet-tags": broadsheet_tags,
}


# -- the run --------------------------------------------------------------------


def size_name(spans: int) -> str:
    return (
        f"{spans // 1_000_000}M"
        if spans >= 1_000_000 and not spans % 1_000_000
        else (f"{spans // 1000}k" if spans >= 1000 and not spans % 1000 else str(spans))
    )


def parse_size(text: str) -> int:
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    return int(text[:-1] if scale > 1 else text) * scale


def painted(command: str, expect: str, work: Path) -> Measure:
    """First paint of ``command`` (a Python one) in tmux, in seconds, and its peak memory over the launch."""
    peak = work / "peak.txt"
    peak.unlink(missing_ok=True)
    python, arguments = command.split(" ", 1)
    milliseconds = first_paint_ms(f"{python} {PEAK} {peak} {arguments}", expect, work)
    for _ in range(100):  # peak.py writes once the app has quit
        if peak.exists() and peak.read_text():
            break
        time.sleep(0.05)
    return Measure(milliseconds / 1000, int(peak.read_text() or 0) / 1024 or float("nan"))


def paint_cases(args: argparse.Namespace) -> dict[str, tuple]:
    """The Textual floor, and the first paint of --articles articles (by --baseline's checkout too)."""
    articles = f"first paint, {args.articles:,} articles"
    found = {
        "Textual floor": ("paint", f"{sys.executable} minimal.py", "Kirkuk"),
        f"{articles}: Broadsheet": ("paint", f"{sys.executable} -m tui.cli corpus --db paint.json", "{first words}"),
    }
    if args.baseline is not None:
        found[f"{articles}, {args.baseline.name}: Broadsheet"] = (
            "paint",
            f"{sys.executable} baseline.py corpus --db paint-baseline.json",
            "{first words}",
        )
    return found


def cases(args: argparse.Namespace, work: Path) -> dict[str, tuple]:
    """Each case's name and how to run it: ("child", argv) or ("paint", command, expect) or ("tags", argv)."""
    if args.paint_only:
        return paint_cases(args)
    python, cli, me = (
        sys.executable,
        [sys.executable, "-m", "tui.cli"],
        [sys.executable, str(Path(__file__).resolve()), "--child"],
    )
    largest = size_name(max(args.sizes))
    found: dict[str, tuple] = {}
    for spans in args.sizes:
        name = size_name(spans)
        found[f"import {name}: Broadsheet"] = ("child", [*cli, "import", f"spans-{name}.jsonl", "--db", "{fresh}.json"])
        found[f"import {name}: SQLite"] = ("child", [*me, "sqlite-import", f"spans-{name}.jsonl", "{fresh}.sqlite"])
    found[f"export {largest}: Broadsheet"] = ("child", [*cli, "export", "--db", "a.json", "-o", "out.jsonl"])
    found[f"export {largest}: SQLite"] = ("child", [*me, "sqlite-export", "a.sqlite", "out-sqlite.jsonl"])
    found[f"agree {largest} x2: Broadsheet"] = ("child", [*cli, "agree", "a.json", "b.json"])
    found[f"review, first card, {largest}: Broadsheet"] = (
        "paint",
        f"{python} -m tui.cli review --db a.json",
        "Reviewed",
    )
    found.update(paint_cases(args))
    for stored in (0, args.tags):
        where = f"{stored:,} tags" if stored else "a fresh article"
        found[f"tag in {where}: Broadsheet"] = (
            "tags",
            [*me, "broadsheet-tags", "{fresh}.json", str(stored), str(args.samples)],
        )
        found[f"tag in {where}: SQLite"] = (
            "tags",
            [*me, "sqlite-tags", "{fresh}.sqlite", str(stored), str(args.samples)],
        )
    return found


def prepare_paint(args: argparse.Namespace, work: Path) -> str:
    """The minimal app, the baseline's launcher, the corpus; the corpus's first words."""
    (work / "minimal.py").write_text(MINIMAL_APP)
    if args.baseline is not None:
        import compileall  # compiled as this checkout is (use_this_checkout)

        for package in ("annotations", "tui"):
            compileall.compile_dir(str(args.baseline / package), quiet=1)
        (work / "baseline.py").write_text(BASELINE_LAUNCHER.format(checkout=str(args.baseline.resolve())))
    return write_corpus(work / "corpus", args.articles)


def prepare(args: argparse.Namespace, work: Path) -> str:
    """The JSONL of each size, the two databases of the largest, the corpus; the corpus's first words."""
    if args.paint_only:
        return prepare_paint(args, work)
    for spans in args.sizes:
        write_jsonl(work / f"spans-{size_name(spans)}.jsonl", spans, seed=spans)
    largest = work / f"spans-{size_name(max(args.sizes))}.jsonl"
    write_jsonl(work / "moved.jsonl", max(args.sizes), seed=7, moved_from=largest)
    cli = [sys.executable, "-m", "tui.cli", "import"]
    run_child([*cli, str(largest), "--db", "a.json"], work)
    run_child([*cli, "moved.jsonl", "--db", "b.json"], work)
    run_child(
        [sys.executable, str(Path(__file__).resolve()), "--child", "sqlite-import", str(largest), "a.sqlite"], work
    )
    print("  prepared", file=sys.stderr, flush=True)
    return prepare_paint(args, work)


def run_case(case: tuple, work: Path, fresh: str, first_words: str) -> Measure:
    kind, *rest = case
    if kind == "paint":
        command, expect = rest
        return painted(command, expect.replace("{first words}", first_words), work)
    argv = [part.replace("{fresh}", fresh) for part in rest[0]]
    if kind == "tags":
        return Measure(tag_median(argv, work) / 1000, float("nan"))
    return run_child(argv, work)


def app_tags(args: argparse.Namespace, work: Path) -> dict[str, list[Measure]]:
    """A tag's key-to-screen time in the app (a on the next word, durable before it shows,
    until the panel's counts change), and its key-to-frame time, on a 200,000-character
    article that is fresh and on the same article holding --tags tags, the two apps side by
    side, a key each in turn."""
    from latency import make_article, make_tagged_database

    article = work / "long.md"
    make_article(article, 1)
    make_tagged_database(work / "tagged.json", article, args.tags)
    cases = {"a fresh article": "fresh.json", f"{args.tags:,} tags": "tagged.json"}
    screens = [f"tag in {where}, in the app: Broadsheet" for where in cases]
    # Also to the frame (tmux received the app's first write after the key): the app's own
    # time, without the capture's, which grows with the colours in the captured rows.
    frames = [f"tag in {where}, in the app, to its frame: Broadsheet" for where in cases]
    taken: dict[str, list[Measure]] = {name: [] for name in screens + frames}
    with (
        running(f"{sys.executable} -m tui.cli {article} --db {cases['a fresh article']}", work, "Outlet 1") as fresh,
        running(
            f"{sys.executable} -m tui.cli {article} --db {cases[f'{args.tags:,} tags']}", work, "Outlet 1"
        ) as tagged,
    ):
        for _ in range(args.samples):
            for screen, frame, bench in zip(screens, frames, (fresh, tagged), strict=True):
                timing = key_latency(bench, "a", lambda bench=bench: rows(bench, 0, 8), ["w"])
                taken[screen].append(Measure(timing.screen / 1000, float("nan")))
                taken[frame].append(Measure(timing.frame / 1000, float("nan")))
                time.sleep(0.03)
    return taken


def app_tags_rounds(args: argparse.Namespace, work: Path) -> dict[str, list[Measure]]:
    """app_tags --rounds times over, each round's keys in the two apps in turn, started
    afresh on new databases."""
    taken: dict[str, list[Measure]] = {}
    for round_number in range(args.rounds):
        (work / f"round-{round_number}").mkdir()
        for name, measures in app_tags(args, work / f"round-{round_number}").items():
            taken.setdefault(name, []).extend(measures)
        print(f"  round {round_number + 1}: tag in the app", file=sys.stderr, flush=True)
    return taken


def measure_all(args: argparse.Namespace, work: Path) -> dict[str, list[Measure]]:
    """Every case once a round, in turn; each round starts one case later."""
    first_words = prepare(args, work)
    found = cases(args, work)
    names = list(found)
    taken: dict[str, list[Measure]] = {name: [] for name in names}
    for round_number in range(args.rounds):
        for place in range(len(names)):
            name = names[(place + round_number) % len(names)]
            fresh = f"fresh-{round_number}-{place}"
            taken[name].append(run_case(found[name], work, fresh, first_words))
            for leftover in work.glob(fresh + "*"):
                subprocess.run(["rm", "-rf", str(leftover)], check=True)
            print(f"  round {round_number + 1}: {name}", file=sys.stderr, flush=True)
    return taken if args.paint_only else {**taken, **app_tags(args, work)}


def figure(measures: list[Measure]) -> tuple[float, float]:
    """(median seconds, median peak MiB) of a case's rounds."""
    return statistics.median(m.seconds for m in measures), statistics.median(m.peak_mib for m in measures)


def shown(seconds: float, mib: float) -> str:
    time_part = (
        f"{seconds * 1000:.2f} ms"
        if seconds < 0.01
        else (f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s")
    )
    return time_part if math.isnan(mib) else f"{time_part}, {mib:.0f} MiB"  # nan: not measured


def table(taken: dict[str, list[Measure]]) -> list[str]:
    """A row per work: Broadsheet, its yardstick (SQLite, the floor or a fresh article), the ratio."""
    lines = ["| work | Broadsheet | yardstick | ratio |", "|---|---|---|---|"]
    floor = figure(taken["Textual floor"]) if "Textual floor" in taken else None
    for name, measures in taken.items():
        if not name.endswith(": Broadsheet"):
            continue
        work = name.removesuffix(": Broadsheet")
        ours = figure(measures)
        if work.startswith("tag in") and "a fresh article" not in work:
            fresh = work.replace(
                next(part for part in work.split(" ") if part[0].isdigit()) + " tags", "a fresh article"
            )
            yardstick, against = figure(taken[fresh + ": Broadsheet"]), "a fresh article"
        elif (other := taken.get(work + ": SQLite")) is not None:
            yardstick, against = figure(other), "SQLite"
        elif floor is not None and not math.isnan(ours[1]) and work.startswith(("review", "first paint")):
            yardstick, against = floor, "Textual floor"
        else:
            lines.append(f"| {work} | {shown(*ours)} | - | - |")
            continue
        memory = "" if math.isnan(ours[1]) or math.isnan(yardstick[1]) else f", RSS {ours[1] / yardstick[1]:.1f}x"
        lines.append(
            f"| {work} | {shown(*ours)} | {against}: {shown(*yardstick)} | {ours[0] / yardstick[0]:.2f}x{memory} |"
        )
    sqlite_tags = [name for name in taken if name.startswith("tag in") and name.endswith(": SQLite")]
    for name in sorted(sqlite_tags, key=lambda name: "a fresh article" not in name):
        lines.append(
            f"| {name.replace(': SQLite', ', SQLite (insert, commit)')} | - | {shown(*figure(taken[name]))} | - |"
        )
    return lines


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        CHILDREN[sys.argv[2]](*sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        type=lambda text: [parse_size(part) for part in text.split(",")],
        default="1k,100k",
        help="span counts to import, comma-separated (1k, 100k, 1M); export, agree and review use the largest",
    )
    parser.add_argument(
        "--articles", type=int, default=100_000, help="articles in the corpus whose first paint is timed"
    )
    parser.add_argument("--tags", type=int, default=10_000, help="tags already in the article a tag is timed in")
    parser.add_argument("--samples", type=int, default=100, help="tags timed per case and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--only",
        choices=["app-tags", "paint"],
        help="run only app-tags (a tag in the app, fresh against --tags, --rounds times interleaved) or "
        "paint (the first paint of --articles articles and the Textual floor)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke test: 1k and 10k spans, 2,000 articles, one round"
    )
    parser.add_argument(
        "--baseline", type=Path, help="another checkout (main's) whose first paint is measured in the same run"
    )
    args = parser.parse_args()
    args.paint_only = args.only == "paint"
    if args.quick:
        args.sizes, args.articles, args.tags, args.samples, args.rounds = [1_000, 10_000], 2_000, 1_000, 20, 1
    use_this_checkout()
    with tempfile.TemporaryDirectory() as scratch:
        taken = app_tags_rounds(args, Path(scratch)) if args.only == "app-tags" else measure_all(args, Path(scratch))
    sizes = "" if args.paint_only else f"Sizes {', '.join(map(size_name, args.sizes))} spans; "
    tags = "" if args.paint_only else f"{args.tags:,} tags; "
    print(f"{sizes}{args.articles:,} articles painted; {tags}{args.rounds} round(s), medians; peak memory per process.")
    print("\n".join(table(taken)))


if __name__ == "__main__":
    main()
