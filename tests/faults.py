"""Real faults for tests: a full disk (a small tmpfs gives a real ENOSPC) and a user who
is not root (root passes every permission check, so a read-only file proves nothing
when root writes to it)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOBODY = 65534  # nobody:nogroup on Debian


@contextmanager
def small_disk(kilobytes: int = 256) -> Iterator[Path]:
    """A folder on a tmpfs of ``kilobytes``: writing past that fails with ENOSPC."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    where = Path(tempfile.mkdtemp(prefix="broadsheet-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={kilobytes}k,mode=0777", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode:
        where.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)
        with suppress(OSError):
            where.rmdir()


def fill(directory: Path, leave: int = 0) -> Path:
    """Fill the disk under ``directory`` until fewer than ``leave`` bytes are free; returns
    the filler file (delete it to free the room again)."""
    filler = directory / "filler"
    with open(filler, "wb") as handle:
        chunk = b"\0" * 4096
        while True:
            free = os.statvfs(directory).f_bavail * os.statvfs(directory).f_frsize
            if free <= leave:
                break
            try:
                handle.write(chunk[: max(1, min(len(chunk), free - leave))])
                handle.flush()
            except OSError:
                break
    return filler


def nobody_folder() -> Path:
    """A new folder that the user nobody owns (pytest's tmp_path is root's alone)."""
    if os.geteuid() != 0:
        pytest.skip("acting as another user needs root")
    where = Path(tempfile.mkdtemp(prefix="broadsheet-nobody-"))
    os.chown(where, NOBODY, NOBODY)
    return where


def as_nobody(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m tui.cli ARGS`` as the user nobody, from this checkout."""
    if os.geteuid() != 0:
        pytest.skip("acting as another user needs root")
    return subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", sys.executable, "-m", "tui.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd or ROOT,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "HOME": str(cwd or tempfile.gettempdir()),
            "PYTHONDONTWRITEBYTECODE": "1",
        },
    )
