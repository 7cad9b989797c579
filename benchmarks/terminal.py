"""Driving an app in tmux for the benchmarks, through ../shared/tools/tuibench.py's control client.

Key latency is timed two ways on the same key:
- to the first change of a few captured rows, not of the whole screen: tmux takes
  several milliseconds to capture a whole 160x48 screen with colours, more the more
  colours it holds, which would blur the figures and favour a plain app. Even nine rows
  take 2-3 ms a capture, and the first capture to show the change ends up to two
  captures after the frame arrived, so this figure carries 2-4 ms of the capture's own;
- to the moment tmux receives the frame the key caused (its %output notification to a
  second control client): what the app takes, with no capture in it.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import subprocess
import sys
import threading
import time
import types
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import NamedTuple

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
        socket=socket,
        term="tmux-256color",
        transport="control",
        cols=cols,
        rows=rows,
        cwd=str(cwd),
        env=[],
        cmd=command,
        mask_rows=[],
        cursor=False,
        poll_ms=0.2,
        quit_keys=["C-q"],
        quit_timeout=5.0,
        settle_ms=150.0,
        timeout=timeout,
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
        bench.frames = FrameWatch(socket, bench.target, bench.pane)
        yield bench
    finally:
        try:
            if getattr(bench, "frames", None) is not None:
                bench.frames.close()
            bench.close()
        finally:
            subprocess.run(["tmux", "-L", socket, "kill-server"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with suppress(OSError):  # tmux may leave the socket file behind
                os.unlink(Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}" / socket)


class FrameWatch:
    """A control client attached to the app's session, told by tmux of every write the app
    makes to its pane: the times those writes arrived, from a thread of its own, so that
    the captures go on meanwhile as before."""

    def __init__(self, socket: str, session: str, pane: str) -> None:
        self._process = subprocess.Popen(
            ["tmux", "-L", socket, "-C", "attach", "-t", session], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self._prefix = f"%output {pane} ".encode()
        self._arrivals: list[float] = []
        self._arrived = threading.Condition()
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        for line in self._process.stdout:
            if line.startswith(self._prefix):
                now = time.perf_counter()
                with self._arrived:
                    self._arrivals.append(now)
                    self._arrived.notify_all()

    def count(self) -> int:
        with self._arrived:
            return len(self._arrivals)

    def arrival(self, index: int, timeout: float = 5.0) -> float:
        """When write number ``index`` (counted from 0) arrived, waiting for it if need be."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self._arrivals) > index, timeout):
                raise RuntimeError("the app wrote nothing to its pane")
            return self._arrivals[index]

    def close(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=5)


def rows(bench, first: int, last: int) -> str:
    """Rows ``first`` to ``last`` of the pane, with their colours."""
    _, screen = bench.tmux.run("capture-pane", "-p", "-e", "-t", bench.pane, "-S", str(first), "-E", str(last))
    return screen


class KeyTiming(NamedTuple):
    screen: float  # ms until the captured rows changed
    frame: float  # ms until tmux received the app's first write after the key


def key_latency(bench, key: str, capture: Callable[[], str], before_each: list[str] = ()) -> KeyTiming:
    """``key`` timed from the moment it is sent; ``before_each`` keys are sent, untimed, first."""
    if before_each:
        bench.send_keys(list(before_each))
        time.sleep(0.05)
    before = capture()
    written = bench.frames.count()
    sent = time.perf_counter()
    bench.send_keys([key])
    while capture() == before:
        if time.perf_counter() - sent > 5:
            raise RuntimeError(f"key {key!r} never showed")
    changed = time.perf_counter()
    return KeyTiming((changed - sent) * 1000, (bench.frames.arrival(written) - sent) * 1000)


def key_latencies(
    bench,
    key: str,
    capture: Callable[[], str],
    reps: int,
    before_each: list[str] = (),
    keep_going: Callable[[], bool] = lambda: True,
) -> list[float]:
    """``key_latency`` ``reps`` times (fewer if ``keep_going`` turns false)."""
    samples = []
    for _ in range(reps):
        if not keep_going():
            break
        samples.append(key_latency(bench, key, capture, before_each).screen)
        time.sleep(0.03)
    return samples


def latencies_while_working(
    bench,
    key: str,
    capture: Callable[[], str],
    reps: int,
    start: str,
    working: str,
    finished: str,
    before_each: list[str] = (),
    timeout: float = 1800,
) -> tuple[list[float], list[float], float]:
    """``key``'s latency idle, then while the work that ``start`` begins runs (``working``
    on screen; only keys answered meanwhile count), and the seconds from ``start`` until
    ``finished`` shows."""
    idle = key_latencies(bench, key, capture, reps, before_each)
    started = time.perf_counter()
    bench.send_keys([start])
    while working not in bench.capture(escapes=False):
        time.sleep(0.005)
    busy = key_latencies(
        bench, key, capture, reps, before_each, keep_going=lambda: working in bench.capture(escapes=False)
    )
    while finished not in bench.capture(escapes=False):
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"{start!r} never finished")
        time.sleep(0.02)
    return idle, busy, time.perf_counter() - started


def latency_row(name: str, samples: list[float]) -> tuple[str, str, str]:
    """A table row: the median and p90 of ``samples``, with how many keys they are."""
    if not samples:
        return (f"{name} (no key: the work finished first)", "", "")
    return (f"{name} ({len(samples)} keys)", f"{median(samples):.1f} ms", f"{percentile(samples, 0.9):.1f} ms")


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
