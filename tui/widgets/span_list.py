"""The spans an article column highlights, in reading order, changed a span at a time.

An article may hold 10,000 tags and a key changes one: the change finds its place by
bisection, and is counted into the tallies the panel shows, where reading the article's
spans from the store, sorting and counting them again made an accept in such an article
79,523 Python calls against 12,064 in an article of 100 (tests/test_many_tags_app.py).
"""

from __future__ import annotations

import bisect
import operator
from collections import Counter
from collections.abc import Iterable, Sequence
from operator import attrgetter

from annotations.model import Annotation, span_order

THROUGH_THE_END = -1  # an edit's last row when every row below its first moved
_start, _end, _kind = attrgetter("start"), attrgetter("end"), attrgetter("label", "status")


class SpanList:
    """``spans`` in reading order (as the store gives them: by start, outer before nested),
    their starts beside them (``starts``, to look spans up by place), how many there are of
    each (label, status) (``kinds``), the longest one's length (``longest``: kept when
    that span goes, as a bound it still holds), and the rows each edit changed (``edits``:
    first, last), which the panel repaints."""

    def __init__(self, spans: Iterable[Annotation] = ()) -> None:
        # Built with C-level loops (attrgetter, map): an article of 10,000 is opened at start-up.
        self.spans = sorted(spans, key=_start)
        self.starts = list(map(_start, self.spans))
        self.kinds = Counter(map(_kind, self.spans))
        self.longest = max(map(operator.sub, map(_end, self.spans), self.starts), default=0)
        self.edits: list[tuple[int, int]] = []

    def __len__(self) -> int:
        return len(self.spans)

    def index(self, span: Annotation) -> int | None:
        """Where ``span`` (found by place, label and id) is in the list, or None."""
        order = span_order(span)
        index = bisect.bisect_left(self.spans, order, key=span_order)
        return index if index < len(self.spans) and span_order(self.spans[index]) == order else None

    def edit(self, removed: Sequence[Annotation], added: Sequence[Annotation]) -> bool:
        """Take ``removed`` out and put ``added`` in. False when a span removed is not in the
        list or one added already is (the list is not the one the change was made to): it is
        then left part-changed, and the caller makes a new one of the article's spans."""
        touched = []
        for span in removed:
            index = self.index(span)
            if index is None:
                return False
            self._count(self.spans.pop(index), -1)  # the list's own: ``span`` may differ in status
            del self.starts[index]
            touched.append(index)
        for span in added:
            if self.index(span) is not None:
                return False
            index = bisect.bisect_left(self.spans, span_order(span), key=span_order)
            self.spans.insert(index, span)
            self.starts.insert(index, span.start)
            self._count(span, 1)
            self.longest = max(self.longest, span.end - span.start)
            touched.append(index)
        if touched:
            # One span replaced by one: the rows between its old place and its new one
            # changed. Any other change: every row below the first place, to be sure.
            one_for_one = len(removed) == len(added) == 1
            self.edits.append((min(touched), max(touched) if one_for_one else THROUGH_THE_END))
        return True

    def _count(self, span: Annotation, step: int) -> None:
        kind = _kind(span)
        self.kinds[kind] += step
        if not self.kinds[kind]:
            del self.kinds[kind]  # as a count afresh would have it
