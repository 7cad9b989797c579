"""Re-attaching spans when an article's text changed (a re-scrape, a correction).

Each span moves to the occurrence of its text whose surroundings best match the old
ones, the nearest to its old offset on a tie. A span whose text is gone is kept,
marked orphaned: shown, left out of exports with a warning, never silently deleted,
and placed again when a later text holds its text once more (a truncated text restored).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from .model import Annotation, now

CONTEXT = 40


def _common_suffix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        count += 1
    return count


def new_place(old_text: str, new_text: str, span: Annotation) -> int | None:
    """Where ``span`` belongs in ``new_text``, or None when its text is not there."""
    before = old_text[max(0, span.start - CONTEXT) : span.start]
    after = old_text[span.end : span.end + CONTEXT]
    best: tuple[int, int] | None = None
    best_start = None
    position = new_text.find(span.text)
    while position != -1:
        end = position + len(span.text)
        context = _common_suffix(before, new_text[max(0, position - CONTEXT) : position]) + len(
            os.path.commonprefix([after, new_text[end : end + CONTEXT]])  # noqa: RUF071 - text, not paths
        )
        key = (context, -abs(position - span.start))
        if best is None or key > best:
            best, best_start = key, position
        position = new_text.find(span.text, position + 1)
    return best_start


@dataclass
class Reattachment:
    article_id: str
    moved: int
    kept: int
    orphaned: list[Annotation]

    def describe(self) -> str:
        text = f"{self.article_id}: its text changed; {self.moved + self.kept} span(s) re-attached"
        if self.orphaned:
            text += f", {len(self.orphaned)} orphaned (their text is gone; kept, not exported)"
        return text


def reattach_spans(old_text: str, new_text: str, spans: list[Annotation]) -> tuple[list[Annotation], Reattachment]:
    updated: list[Annotation] = []
    report = Reattachment(spans[0].article_id if spans else "", 0, 0, [])
    stamp = now()
    for span in spans:
        # An orphan's offsets are those of an earlier text than ``old_text`` (which lacks its
        # text): it goes back to the occurrence nearest them, whatever surrounds it.
        start = new_place("" if span.orphaned else old_text, new_text, span)
        if start is None:
            orphan = span if span.orphaned else replace(span, orphaned=True, updated=stamp)
            updated.append(orphan)
            report.orphaned.append(orphan)
        elif start == span.start and not span.orphaned:
            updated.append(span)
            report.kept += 1
        else:
            updated.append(replace(span, start=start, end=start + len(span.text), orphaned=False, updated=stamp))
            report.moved += 1
    return updated, report
