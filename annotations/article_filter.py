"""Filtering the open articles by what is typed (outlet, date, title, id), fast enough to
answer each key with a million articles open.

Each article's casefolded haystack is built once, the first time a scan reaches it. A
needle that holds the previous one (``wash`` after ``was``) is looked for only among the
previous matches, and a needle met before (after a backspace) is answered from the ones
remembered. A scan runs in slices of a time budget (``advance``), so that an interface can
show the first matches, answer the next key, and go on with the rest between keys:
checking a million haystacks takes 50-150 ms on a busy machine, building them 0.6 s.
"""

from __future__ import annotations

import time
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from itertools import compress, repeat
from operator import contains

from .articles import Article

CHUNK = 16_384  # articles checked between looks at the clock: 1-10 ms
REMEMBERED = 16  # finished needles kept for backspaces: 4 bytes a match each


def haystack(article: Article) -> str:
    return f"{article.id} {article.outlet} {article.date} {article.title}".casefold()


class ArticleFilter:
    """The indices (into ``articles``) of the articles whose haystack holds the needle, in
    article order: ``matches`` grows as ``advance`` scans, until ``done``."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self._articles = articles
        self._haystacks: list[str] = []  # of articles[0:len(self._haystacks)]
        self._known = len(articles)  # the articles there were when last looked (a corpus grows as it is read)
        everything = range(self._known)
        self._finished: OrderedDict[str, Sequence[int]] = OrderedDict({"": everything})
        self.needle = ""  # casefolded
        self.matches: Sequence[int] = everything
        self._unchecked: list[tuple[Sequence[int], int]] = []  # ascending runs of indices, each from a position

    @property
    def done(self) -> bool:
        return not self._unchecked

    def start(self, needle: str) -> None:
        """Look for ``needle`` from now on; the matches known so far that still hold it
        (or those remembered for it) become the new ``matches``, the rest is to check."""
        folded = needle.casefold()
        if folded == self.needle:
            return
        finished = self._finished.get(folded)
        if finished is not None:
            self._finished.move_to_end(folded)
            self.needle, self.matches, self._unchecked = folded, finished, []
            return
        if self.needle in folded:  # what may match is among what matched so far, or not yet checked
            unchecked = [(self.matches, 0), *self._unchecked]
        else:
            closest = max((known for known in self._finished if known in folded), key=len)
            unchecked = [(self._finished[closest], 0)]
        self.needle, self.matches, self._unchecked = folded, array("I"), unchecked

    def grow(self) -> bool:
        """Take in the articles added since (a corpus still being read): they are to check
        as well, and the needles finished before, which did not look at them, are forgotten.
        True when there were some."""
        total = len(self._articles)
        if total == self._known:
            return False
        added = range(self._known, total)
        self._known = total
        self._finished = OrderedDict({"": range(total)})
        if self.needle:
            self._unchecked.append((added, 0))
        else:
            self.matches = self._finished[""]
        return True

    def advance(self, seconds: float, at_least: int = 0) -> bool:
        """Check articles for ``seconds``, and on until ``at_least`` matches are found (or
        every article is checked); True once every article is checked."""
        deadline = time.perf_counter() + seconds
        while self._unchecked and (len(self.matches) < at_least or time.perf_counter() < deadline):
            run, position = self._unchecked[0]
            self._check(run[position : position + CHUNK])
            if position + CHUNK < len(run):
                self._unchecked[0] = (run, position + CHUNK)
            else:
                self._unchecked.pop(0)
        if not self._unchecked:
            self._remember()
        return not self._unchecked

    def _check(self, indices: Sequence[int]) -> None:
        if not indices:
            return
        haystacks = self._haystacks
        if indices[-1] >= len(haystacks):  # runs ascend: the articles not reached before are at its end
            haystacks.extend(map(haystack, self._articles[len(haystacks) : indices[-1] + 1]))
        found = compress(indices, map(contains, map(haystacks.__getitem__, indices), repeat(self.needle)))
        self.matches.extend(found)  # type: ignore[attr-defined]  # an array while a scan runs

    def _remember(self) -> None:
        self._finished[self.needle] = self.matches
        self._finished.move_to_end(self.needle)
        if len(self._finished) > REMEMBERED:
            oldest = next(needle for needle in self._finished if needle)  # "" is everything: kept
            del self._finished[oldest]
