"""Notices every screen gives the same way: a change to the store that was not saved, and
inputs skipped."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from textual.widget import Widget

from annotations.store import StoreError
from annotations.text import counted

# A change does not reach the disk (a full disk, a damaged file: StoreError, OSError), or
# the store refuses it (a span outside its article, a tag linked to itself: ValueError).
NOT_SAVED = (StoreError, OSError, ValueError)
MAX_LISTED_PROBLEMS = 6  # inputs skipped, named in one notice


class Saving:
    """What became of the change made in a ``with saving(...)`` block: true if it was saved."""

    def __init__(self) -> None:
        self.error: Exception | None = None

    def __bool__(self) -> bool:
        return self.error is None


@contextmanager
def saving(node: Widget) -> Iterator[Saving]:
    """Make a change to the store; if it was not saved, say so and why, and go on. The
    caller shows the change only if the outcome is true::

        with saving(self) as saved:
            span = store.add(...)
        if saved:
            ...
    """
    outcome = Saving()
    try:
        yield outcome
    except NOT_SAVED as error:
        outcome.error = error
        node.notify(f"Not saved: {error}", severity="error", timeout=10)


def name_skipped(node: Widget, problems: list[str]) -> None:
    """Inputs skipped (at start, or as the rest of the corpus was read), in one notice for
    them all: one each was more than the notices shown at once."""
    if not problems:
        return
    shown = " · ".join(problems[:MAX_LISTED_PROBLEMS])
    more = len(problems) - MAX_LISTED_PROBLEMS
    node.notify(
        shown + (f" · and {more} more (listed on stderr when you quit)" if more > 0 else ""),
        title=f"Skipped {counted(len(problems), 'input')}",
        severity="warning",
        timeout=15,
    )
