"""The spans the main screen's columns highlight, and the work done the first time an
article is shown in a session.

Reading an article's spans (``spans``) never writes. Showing an article the first time
(``first_show``) is the one step that may: spans of a text that changed since it was
tagged are re-attached to the new text (saved), and the suggesters look at the article
in a worker thread, their suggestions stored when found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotations.articles import Article
from annotations.model import Annotation

from ...notices import saving

if TYPE_CHECKING:
    from collections.abc import Sequence

    from annotations.suggest import Candidate

    from .screen import MainScreen


# Spans a change may take or give for the views to take them a span at a time (each a
# bisection and a move of the list in memory); a larger change (accept all, tag every
# occurrence) has them read the article's spans again.
EDITED_AT_MOST = 64


def highlighted(span: Annotation) -> bool:
    """Whether the columns highlight the span (and the panel lists it)."""
    return not span.orphaned and not span.dismissed


class ShownArticles:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self._first_shown: set[str] = set()  # articles whose stored text was compared this session

    def spans(self, article_id: str) -> list[Annotation]:
        """The article's spans to highlight, as stored."""
        return [span for span in self.screen.session.store.annotations(article_id) if highlighted(span)]

    def first_show(self, article: Article) -> list[Annotation]:
        """The spans to highlight in a column that is to show ``article``, after the work of
        its first showing in this session, if this is it."""
        if article.id not in self._first_shown and not self.screen.session.store.read_only:  # read-only: as stored
            self._first_shown.add(article.id)
            self._reattach(article)
            if self.screen.session.suggesters:
                self._suggest_in_background(article)
        return self.spans(article.id)

    def _reattach(self, article: Article) -> None:
        report = None
        with saving(self.screen):
            report = self.screen.session.store.reattach(article)
        if report is not None:
            self.screen.notify(report.describe(), severity="warning" if report.orphaned else "information", timeout=15)

    def _suggest_in_background(self, article: Article) -> None:
        """Find what the suggesters suggest in a worker thread: a slow pattern (each is
        bounded by its timeout) never holds the first paint or a key. What they find is
        stored, and shown, on the interface's thread."""
        from annotations.suggest import candidates

        def find() -> None:
            found = candidates(article.text, self.screen.session.suggesters)
            self.screen.app.call_from_thread(self._suggested, article, found)

        self.screen.run_worker(find, thread=True, exit_on_error=False, group="first-suggestions")

    def _suggested(self, article: Article, found: list[Candidate]) -> None:
        if self.screen.suggesting.store(article, found) and self.screen.columns.showing(article.id):
            self.refresh(article.id, None)

    def refresh(self, article_id: str, changed: tuple[int, int] | None) -> None:
        """Show a change to the article's spans (``changed``: the stretch of text it
        touched, None: anywhere), from all its spans read again."""
        spans = self.spans(article_id)
        for view in self.screen.columns.showing(article_id):
            view.set_spans(spans, changed)
        self.screen.show_panel()

    def show_change(self, article_id: str, removed: Sequence[Annotation], added: Sequence[Annotation]) -> None:
        """Show a change that took the spans ``removed`` from the article and gave it those
        ``added``: the views and the panel take those alone (an article may hold 10,000),
        unless the change is large (then all are read again, as refresh does)."""
        removed = [span for span in removed if highlighted(span)]
        added = [span for span in added if highlighted(span)]
        if len(removed) + len(added) > EDITED_AT_MOST:
            changed = [*removed, *added]
            self.refresh(article_id, (min(span.start for span in changed), max(span.end for span in changed)))
            return
        spans = None
        for view in self.screen.columns.showing(article_id):
            if not view.edit_spans(removed, added):  # the view's spans were not those changed
                spans = self.spans(article_id) if spans is None else spans
                view.set_spans(spans)
        self.screen.show_panel()

    def refresh_all(self) -> None:
        """After a review: labels, boundaries and statuses may have changed anywhere."""
        for view in self.screen.columns.views:
            view.set_spans(self.spans(view.article.id))
        self.screen.show_panel()
