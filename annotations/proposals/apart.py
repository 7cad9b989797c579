"""Proposing in a child process, for the app: proposals are Python that holds the
interpreter, and proposed in a thread of the app's own process every key waited behind
them (a cursor move took 14 ms against 3.5 ms idle, p90 56 ms, over 100 articles in
benchmarks/proposals.py). A child process runs on another core and hands back each
label's proposals as it finishes them; the app's process only waits on a pipe.

The two sides speak pickle over the child's stdin and stdout: both are this package's
code, and nothing from outside is unpickled. ``python -m annotations.proposals.apart``
is the child's side."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from . import propose
from .model import Proposal

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # where `annotations` is imported from


class ProposingFailed(RuntimeError):
    """The child process stopped before it finished: ``str()`` says how, in one line."""


class ProposingChild:
    """One run of the proposers over some articles, in a child process. ``stop`` (from
    any thread) ends it early; ``run`` then returns what was found so far."""

    def __init__(self, articles: list[tuple[str, str]], kinds: dict[str, str]) -> None:
        """``kinds``: each label to propose, to the kind of proposal that finds its rows."""
        self.articles = articles
        self.kinds = kinds
        self._process: subprocess.Popen[bytes] | None = None
        self.stopped = False

    def run(self, on_label: Callable[[str], None]) -> list[Proposal]:
        """The proposals, label by label; ``on_label`` is told each label as it starts."""
        environment = dict(
            os.environ, PYTHONPATH=os.pathsep.join([str(_PACKAGE_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
        )
        # Its stderr goes to a file: a pipe read only at the end could fill and stall it.
        with tempfile.TemporaryFile() as errors:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "annotations.proposals.apart"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                env=environment,
            )
            if self.stopped:  # stopped before the child was there to stop
                self._process.kill()
            found = self._read(self._process, on_label)
            errors.seek(0)
            problem = errors.read().decode("utf-8", "replace").strip().splitlines()
        if self._process.returncode != 0 and not self.stopped:
            raise ProposingFailed(
                problem[-1] if problem else f"the proposing process ended with status {self._process.returncode}"
            )
        return found

    def _read(self, process: subprocess.Popen[bytes], on_label: Callable[[str], None]) -> list[Proposal]:
        found: list[Proposal] = []
        with process as child:
            assert child.stdin is not None and child.stdout is not None
            try:
                pickle.dump((self.articles, self.kinds), child.stdin)
                child.stdin.close()
            except BrokenPipeError:
                pass  # the child is gone already; why shows below
            while not self.stopped and (message := _next_message(child.stdout)) is not None:
                if message[0] == "label":
                    on_label(message[1])
                else:
                    found.extend(message[1])
            if self.stopped:
                child.kill()
        return found

    def stop(self) -> None:
        self.stopped = True
        if self._process is not None and self._process.poll() is None:
            self._process.kill()


def _next_message(stream) -> tuple | None:
    try:
        return pickle.load(stream)
    except (EOFError, pickle.UnpicklingError):  # the child ended, or was killed mid-message
        return None


def _child() -> None:
    articles, kinds = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    for label, kind in kinds.items():
        pickle.dump(("label", label), out)
        out.flush()
        pickle.dump(("found", propose(articles, [label], {label: kind})), out)
        out.flush()


if __name__ == "__main__":
    _child()
