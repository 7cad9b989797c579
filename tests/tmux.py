"""Drive `broadsheet` in a real terminal: a detached tmux session on a private socket.

tmux must be installed; a missing tmux fails the test with a message saying so.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import suppress
from pathlib import Path

import pytest


class Terminal:
    def __init__(self, command: list[str], cols: int = 160, rows: int = 48, cwd: Path | None = None) -> None:
        if shutil.which("tmux") is None:
            pytest.fail("tmux is not installed: the real-terminal tests need it (apt-get install tmux)")
        self.socket = f"broadsheet-test-{uuid.uuid4().hex[:8]}"
        environment = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
        # The exit status goes to a file: tmux 3.3a sometimes never reaps a pane's process
        # (it stays a zombie and #{pane_dead_status} stays empty), seen under load.
        status_directory = Path(tempfile.mkdtemp(prefix="broadsheet-tmux-"))
        self.status_file = status_directory / "status"
        shell_command = f"{shlex.join(command)}; echo $? > {shlex.quote(str(self.status_file))}"
        self._tmux(
            "new-session",
            "-d",
            "-x",
            str(cols),
            "-y",
            str(rows),
            "-c",
            str(cwd or Path.cwd()),
            shell_command,
            env=environment,
        )
        # Keep the pane after the app exits, so what it left on screen can be read.
        self._tmux("set-option", "-t", "0", "remain-on-exit", "on")

    def _tmux(self, *args: str, env: dict | None = None) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, env=env, timeout=30)
        if result.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "0")

    def send(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "0", *keys)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", "0", "-l", text)

    def pane(self, fmt: str) -> str:
        return self._tmux("display-message", "-p", "-t", "0", fmt).strip()

    def wait_for(self, *needles: str, timeout: float = 15.0) -> str:
        """The screen, once every one of ``needles`` is on it."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if all(needle in screen for needle in needles):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{needles!r} did not all appear within {timeout}s; the screen shows:\n{screen}")
            time.sleep(0.05)

    def wait_for_exit(self, timeout: float = 15.0) -> int:
        """The app's exit status (128 + N when signal N killed it)."""
        deadline = time.monotonic() + timeout
        while True:
            written = self.status_file.read_text() if self.status_file.exists() else ""
            if written.endswith("\n"):
                return int(written)
            if time.monotonic() > deadline:
                raise AssertionError(f"the app did not exit within {timeout}s:\n{self.screen()}")
            time.sleep(0.05)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)
        shutil.rmtree(self.status_file.parent, ignore_errors=True)
        with suppress(OSError):  # tmux leaves the socket file behind: one a test, every run
            os.unlink(Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}" / self.socket)


def broadsheet_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "tui.cli", *args]
