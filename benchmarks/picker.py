"""The article picker over a million articles: opening it, and each key of a filter, against a baseline.

    .venv/bin/python benchmarks/picker.py [--count 1000000] [--rounds 3] [--baseline main] [--timeout 200]

Each case runs the app headless (run_test, at 160x48) in a process of its own,
over COUNT lightweight articles built in memory ('Outlet N' and 'Report NUMBER'), with
this checkout's code and, with --baseline, that git revision's code; the cases take
turns, round after round, so that the machine's slow spells fall on each alike. A case
presses the picker key and types 'report 12345', then a backspace, and times from the
moment each key is sent:
- shown: until the list's first row is the first article that matches (for the picker
  key, until it shows any row);
- complete: until every article has been checked (this checkout filters a slice of the
  articles before showing them and the rest between keys; the baseline does it all first).
Then it does it all again, each key sent as soon as the last one's rows show (a fast
typist: the key lands while the last is still filtering). It also reports the process's
resident memory once the app is open over the articles, and its peak.
A case still busy after --timeout seconds is stopped: what it did not finish is '> T s'.
Headless, the times are the app's own work, without the terminal's (benchmarks/latency.py
measures that part, which does not grow with the number of articles).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import export_revision
from terminal import ROOT, median, use_this_checkout

NEEDLE = "report 12345"
KEYS = [*NEEDLE, "backspace"]
PACES = ("settled", "fast")  # each key once the last has filtered every article; once its rows show
SIZE = (160, 48)


def resident_mb() -> tuple[float, float]:
    """This process's resident memory now and at its peak, in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def report(event: str, **values: object) -> None:
    """One line of JSON to the parent, at once: a case stopped later keeps what it did."""
    print(json.dumps({"event": event, **values}), flush=True)


async def measure(count: int, db: Path) -> None:
    """The child: the app over ``count`` articles, the picker opened and the needle typed."""
    from annotations.articles import Article
    from tests.conftest import make_app

    articles = [
        Article(
            f"a{number:07d}", "A short text.", meta={"outlet": f"Outlet {number % 10}", "title": f"Report {number}"}
        )
        for number in range(count)
    ]
    typed = [NEEDLE[:length] for length in range(1, len(NEEDLE) + 1)] + [NEEDLE[:-1]]
    first_rows = [first_row(articles, needle) for needle in typed]
    app, store = make_app(articles, db)
    with store:
        async with app.run_test(size=SIZE):
            main = app.screen
            report("app", memory=resident_mb())
            for pace in PACES:
                sent = send(app, "o")
                await until(lambda: app.screen is not main and shown_rows(app))
                report("open", pace=pace, ms=since(sent), memory=resident_mb())
                await type_needle(app, pace, typed, first_rows)
                send(app, "escape")
                await until(lambda: app.screen is main)


async def type_needle(app, pace: str, typed: list[str], first_rows: list[str]) -> None:
    """Each key sent once the last one's rows show (and, at the settled pace, once it has
    filtered every article)."""
    for key, needle, row in zip(KEYS, typed, first_rows, strict=True):
        sent = send(app, key)
        await until(
            lambda needle=needle, row=row: filtering(app.screen, needle) and row in next(iter(shown_rows(app)), "")
        )
        shown = since(sent)
        if pace == "settled":
            await until(lambda needle=needle: filtering(app.screen, needle, to_the_end=True))
        report("key", pace=pace, key=key, shown=shown, complete=since(sent), memory=resident_mb())


def first_row(articles: list, needle: str) -> str:
    """The first row the picker should show for ``needle``: worked out here, not by the picker."""
    article = next(
        article for article in articles if needle in f"{article.id} {article.outlet}  {article.title}".casefold()
    )
    return f"{article.outlet}  {article.title}"


def send(app, key: str) -> float:
    """``key`` as the terminal would send it, without waiting for the app (as Pilot does)."""
    from textual import events

    event = events.Key({" ": "space"}.get(key, key), key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)
    return time.perf_counter()


def since(sent: float) -> float:
    return (time.perf_counter() - sent) * 1000


async def until(condition) -> None:
    while not condition():
        await asyncio.sleep(0.001)


def shown_rows(app) -> list[str]:
    """The picker list's rows on screen, as text with the border's lines and edges left
    out (either version's list: the OptionList had a border)."""
    from textual.geometry import Region

    listing = app.screen.query("#picker-list").first() if app.screen.query("#picker-list") else None
    if listing is None or not listing.size.height:
        return []
    strips = listing.render_lines(Region(0, 0, listing.size.width, listing.size.height))
    return [text for text in (strip.text.strip() for strip in strips) if any(char.isalnum() for char in text)]


def filtering(screen, needle: str, to_the_end: bool = False) -> bool:
    """Whether the picker filters for ``needle`` now (and has checked every article)."""
    if hasattr(screen, "_filled_for"):  # the OptionList picker: filled in one go
        return screen._filled_for == needle
    return screen._filter.needle == needle and (screen._filter.done or not to_the_end)


def run_case(code: Path, count: int, timeout: float, scratch: Path) -> list[dict]:
    """One case in a process of its own; its reports until it ended or was stopped."""
    db = Path(tempfile.mkdtemp(dir=scratch)) / "db.json"
    environment = {**os.environ, "PYTHONPATH": f"{code}{os.pathsep}{ROOT}"}
    command = [sys.executable, __file__, "--child", str(count), "--db", str(db)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=environment, cwd=ROOT) as child:
        try:
            output, _ = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            output, _ = child.communicate()
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def reported(rounds: list[list[dict]], kind: str, pace: str | None = None) -> list[list[dict]]:
    """Each round's reports of ``kind`` (at ``pace``), in order."""
    return [
        [report for report in reports if report["event"] == kind and report.get("pace") == pace] for reports in rounds
    ]


def table(name: str, rounds: list[list[dict]], timeout: float) -> list[str]:
    """The median of each figure over the rounds ('> T s' when a round never got there)."""

    def figure(kind: str, pace: str, number: int, field: str) -> str:
        taken = [found[number][field] if number < len(found) else None for found in reported(rounds, kind, pace)]
        if any(value is None for value in taken):
            return f"> {timeout:.0f} s"
        value = median(taken)
        return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.1f} ms"

    def memory(found: list[list[dict]]) -> str:
        now = [reports[-1]["memory"][0] for reports in found if reports]
        return f"{median(now):.0f} MB" if now else "?"

    peak = max((report["memory"][1] for reports in rounds for report in reports), default=0)
    typed = [keys if len(keys) == len(KEYS) else [] for keys in reported(rounds, "key", "settled")]
    lines = [
        f"| {name}: open (o) | {figure('open', 'settled', 0, 'ms')} | | {figure('open', 'fast', 0, 'ms')} "
        f"| {memory(reported(rounds, 'app'))} once the app is open, {memory(typed)} once the filter is typed; "
        f"peak {peak:.0f} MB |"
    ]
    for number, key in enumerate(KEYS):
        settled = [figure("key", "settled", number, field) for field in ("shown", "complete")]
        lines.append(
            f"| {name}: key {key!r} | {settled[0]} | {settled[1]} | {figure('key', 'fast', number, 'shown')} | |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", metavar="REV", help="also run that git revision's picker, in turn with this one")
    parser.add_argument("--timeout", type=float, default=200, help="seconds a case may take before it is stopped")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        asyncio.run(measure(args.child, args.db))
        return
    use_this_checkout()
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        versions = [("Broadsheet", ROOT)]
        if args.baseline:
            versions.append((f"Broadsheet at {args.baseline}", export_revision(args.baseline, scratch / "baseline")))
        results: list[list[list[dict]]] = [[] for _ in versions]
        for round_number in range(args.rounds):
            for place in range(len(versions)):  # each round starts with the next version
                index = (place + round_number) % len(versions)
                results[index].append(run_case(versions[index][1], args.count, args.timeout, scratch))
    print(
        f"| {args.count:,} articles, {args.rounds} rounds (medians) | shown | complete | shown, typed fast | memory |"
    )
    print("|---|---|---|---|---|")
    for (name, _), rounds in zip(versions, results, strict=True):
        print("\n".join(table(name, rounds, args.timeout)))


if __name__ == "__main__":
    main()
