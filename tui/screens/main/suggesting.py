"""Spans found in bulk over the open articles: the suggesters (S), and every other
occurrence of a tag (t/T/s/S). Finding over every article runs as a background job
(background.ArticleJob) while keys are answered; what it finds is stored here, on the
interface's thread, an article at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from annotations.articles import Article
from annotations.model import Annotation, now
from annotations.text import one_line

from ...notices import saving
from ...widgets.article_view import ArticleView

if TYPE_CHECKING:
    from annotations.suggest import Candidate

    from ..background import ArticleJob
    from .screen import MainScreen


class Suggesting:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.job: ArticleJob | None = None  # the background run over every article, if one runs

    def store(self, article: Article, found: list[Candidate]) -> int:
        """Store what the suggesters found in the article; how many suggestions that made."""
        from annotations.suggest import stop_notices, store_suggestions
        from annotations.text import printable

        session = self.screen.session
        for notice in stop_notices(session.suggesters):  # a pattern that ran out of time, named once
            self.screen.notify(printable(notice), severity="warning", timeout=15, markup=False)
        stored = []
        with saving(self.screen):
            stored = store_suggestions(session.store, article, found, session.annotator)
        return len(stored)

    def everywhere(self) -> None:
        """Run the suggesters over every open article."""
        suggesters = self.screen.session.suggesters
        if not suggesters:
            self.screen.notify(
                "No suggesters: switch them on in the label schema (suggest:) or give --patterns FILE",
                severity="warning",
                timeout=10,
            )
            return
        found_in: list[str] = []

        def store_found(article: Article, found: list[Candidate]) -> int:
            count = self.store(article, found)
            if count:
                found_in.append(article.id)
                if self.screen.columns.showing(article.id):
                    self.screen.shown.refresh(article.id, None)
            return count

        def done(job: ArticleJob) -> None:
            self.screen.notify(f"Suggested {job.count} span(s) in {len(found_in)} of {job.total} article(s)")

        from annotations.suggest import candidates

        self._start_job("Suggesting", lambda article: candidates(article.text, suggesters), store_found, done)

    def occurrences(self) -> None:
        """Offer to tag or suggest every other occurrence of the tag under the cursor."""
        span = self.screen.tagging.span_at_cursor_or_say()
        view = self.screen.columns.focused
        if span is None or view is None:
            return
        from annotations.suggest import occurrence_candidates

        from ..choice import Choice, ChoiceScreen

        found = occurrence_candidates(view.text, span)
        here = len(self._new_occurrences(view.article, found, "pending"))
        suggested = len(self._suggested_at(view.article, found))
        every = f"{len(self.screen.session.articles)} open articles"
        choices = [
            Choice(
                "t",
                "tag them in this article",
                f"{here + suggested} more" + (f" ({suggested} suggested now)" if suggested else ""),
            ),
            Choice("T", "tag them in every open article (suggestions of it too)", every),
            Choice("s", "suggest them in this article", f"{here} more"),
            Choice("S", "suggest them in every open article", every),
        ]
        self.screen.app.push_screen(
            ChoiceScreen(
                f"Every other {span.label} {one_line(span.text)!r}, whole words",
                choices,  # the dialog cuts it to fit
                lambda choice: self._tag_occurrences(view, span, choice.key),
            )
        )

    def _new_occurrences(self, article: Article, found: list[Candidate], status: str) -> list[Annotation]:
        from annotations.suggest import new_suggestions

        session = self.screen.session
        return new_suggestions(
            article.id, article.text, found, session.store.annotations(article.id), session.annotator, status
        )

    def _suggested_at(self, article: Article, found: list[Candidate]) -> list[tuple[Annotation, Annotation]]:
        """The suggestions standing where ``found`` are, each with itself accepted: tagging
        every occurrence takes them too (a suggester found the text first)."""
        places = {(candidate.start, candidate.end, candidate.label) for candidate in found}
        session = self.screen.session
        return [
            (span, span.changed(status="accepted", reviewer=session.annotator, reviewed=now()))
            for span in session.store.annotations(article.id)
            if span.status == "suggested" and (span.start, span.end, span.label) in places
        ]

    def _tag_occurrences(self, view: ArticleView, span: Annotation, key: str) -> None:
        """Tags (t, T: suggestions there accepted too) or suggestions (s, S) here or in every
        article, saved as one undo step."""
        status = "pending" if key.lower() == "t" else "suggested"
        made: list[tuple[Article, list[Annotation]]] = []
        accepted: list[tuple[Annotation, Annotation]] = []

        def collect(article: Article, found: list[Candidate]) -> int:
            spans = self._new_occurrences(article, found, status)
            taken = self._suggested_at(article, found) if status == "pending" else []
            if spans or taken:
                made.append((article, spans))
                accepted.extend(taken)
            return len(spans) + len(taken)

        def save(job: ArticleJob | None = None) -> None:
            count = sum(len(spans) for _, spans in made) + len(accepted)
            verb = "tag" if status == "pending" else "suggest"
            with saving(self.screen) as saved:
                self.screen.session.store.add_spans(
                    made, f"{verb} {count} more {span.label} {one_line(span.text)[:30]!r}", changed=accepted
                )
            if not saved:
                return
            for article, _ in made:
                self.screen.shown.refresh(article.id, None)
            self.screen.notify(
                f"{'Tagged' if status == 'pending' else 'Suggested'} {count} more {span.label} "
                f"{one_line(span.text)[:30]!r} in {len(made)} article(s) (u undoes)"
            )

        from annotations.suggest import occurrence_candidates

        if key.islower():  # this article: at once
            collect(view.article, occurrence_candidates(view.text, span))
            save()
        else:
            self._start_job("Finding", lambda article: occurrence_candidates(article.text, span), collect, save)

    def _start_job(
        self,
        title: str,
        find: Callable[[Article], list[Candidate]],
        on_found: Callable[[Article, list[Candidate]], int],
        on_done: Callable[[ArticleJob], None],
    ) -> None:
        """Run ``find`` over every open article in a thread; the store is written here, on
        the interface's thread, an article at a time, so keys keep being answered."""
        if self.job is not None:
            self.screen.notify(f"Still busy: {self.job.describe()}", severity="warning")
            return

        from ..background import ArticleJob

        def finished(job: ArticleJob) -> None:
            self.job = None
            self.screen.show_panel()
            on_done(job)

        self.job = ArticleJob(
            self.screen, title, self.screen.session.articles, find, on_found, finished, self.screen.show_panel
        )
        self.job.start()
        self.screen.show_panel()
