"""Driving an app in tmux for the benchmarks, through ../shared/tools/tuibench.py's control client.

Key latency is timed to the first change of a few captured rows, not of the whole
screen: tmux takes several milliseconds to capture a whole 160x48 screen with colours,
more the more colours it holds, which would blur the figures and favour a plain app.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import subprocess
import sys
import time
import types
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TUIBENCH = Path(os.environ.get("TUIBENCH", ROOT.parent / "shared" / "tools" / "tuibench.py"))


def load_tuibench() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("tuibench", TUIBENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@contextmanager
def running(command: str, cwd: Path, expect: str, cols: int = 160, rows: int = 48, timeout: float = 120.0) -> Iterator:
    """The app started in a fresh tmux session, once ``expect`` shows; quit with ctrl+q after."""
    # A tmux server of its own (tuibench's default name is one per process): the latency
    # benchmark runs all its apps side by side.
    socket = f"broadsheet-bench-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    args = types.SimpleNamespace(
        socket=socket, term="tmux-256color", transport="control", cols=cols, rows=rows, cwd=str(cwd), env=[],
        cmd=command, mask_rows=[], cursor=False, poll_ms=0.2, quit_keys=["C-q"], quit_timeout=5.0,
        settle_ms=150.0, timeout=timeout,
    )
    bench = load_tuibench().Bench(args)
    try:
        bench.launch()
        deadline = time.perf_counter() + timeout
        while expect not in (bench.capture(escapes=False) or ""):
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{command!r} never showed {expect!r}")
            time.sleep(0.02)
        time.sleep(0.5)  # let start-up work finish before keys are timed
        yield bench
    finally:
        try:
            bench.close()
        finally:
            subprocess.run(["tmux", "-L", socket, "kill-server"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with suppress(OSError):  # tmux may leave the socket file behind
                os.unlink(Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}" / socket)


def rows(bench, first: int, last: int) -> str:
    """Rows ``first`` to ``last`` of the pane, with their colours."""
    _, screen = bench.tmux.run("capture-pane", "-p", "-e", "-t", bench.pane, "-S", str(first), "-E", str(last))
    return screen


def key_latency(bench, key: str, capture: Callable[[], str], before_each: list[str] = ()) -> float:
    """ms from sending ``key`` until ``capture()`` changes; ``before_each`` keys are sent,
    untimed, first."""
    if before_each:
        bench.send_keys(list(before_each))
        time.sleep(0.05)
    before = capture()
    sent = time.perf_counter()
    bench.send_keys([key])
    while capture() == before:
        if time.perf_counter() - sent > 5:
            raise RuntimeError(f"key {key!r} never showed")
    return (time.perf_counter() - sent) * 1000


def key_latencies(bench, key: str, capture: Callable[[], str], reps: int, before_each: list[str] = (),
                  keep_going: Callable[[], bool] = lambda: True) -> list[float]:
    """``key_latency`` ``reps`` times (fewer if ``keep_going`` turns false)."""
    samples = []
    for _ in range(reps):
        if not keep_going():
            break
        samples.append(key_latency(bench, key, capture, before_each))
        time.sleep(0.03)
    return samples


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def use_this_checkout() -> None:
    """Run this checkout's code, compiled as an installed copy would be (pip compiles on
    install; PYTHONDONTWRITEBYTECODE, set on some machines, would recompile every launch)."""
    os.environ["PYTHONPATH"] = str(ROOT)
    import compileall

    for package in ("annotations", "tui"):
        compileall.compile_dir(str(ROOT / package), quiet=1)
    sys.path.insert(0, str(ROOT))
