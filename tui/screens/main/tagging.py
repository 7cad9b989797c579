"""What a key does to the tags of the focused column's article: tag the selection or the
word under the cursor, delete a tag, write a note on one, accept or reject suggestions,
mark the article done, and go from tag to tag. Every change is saved (one undo step) before it shows."""

from __future__ import annotations

import bisect
import itertools
from typing import TYPE_CHECKING

from annotations.model import Annotation
from annotations.text import one_line, snap_selection, word_at

from ...notices import saving
from ...widgets.article_view import ArticleView

if TYPE_CHECKING:
    from .screen import MainScreen


class Tagging:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def tag(self, label: str) -> None:
        view = self.screen.columns.focused
        if view is None:
            return
        text = view.text
        selection = view.selection
        target = snap_selection(text, *selection) if selection else word_at(text, view.cursor)
        if target is None:
            self.screen.notify("Nothing to tag here: select with v, or put the cursor on a word", severity="warning")
            return
        session = self.screen.session
        with saving(self.screen) as saved:
            annotation = session.store.add(view.article, target[0], target[1], label, session.annotator)
        if not saved:
            return
        view.clear_selection()
        self.screen.shown.show_change(annotation.article_id, (), (annotation,))

    def note(self) -> None:
        """Write (or change, or clear) the note on the tag under the cursor."""
        span = self.span_at_cursor_or_say()
        if span is None:
            return
        from ..prompt import LinePrompt

        title = f"Note on {span.label} {one_line(span.text)[:50]!r} (enter: save, empty: no note, escape: cancel)"
        self.screen.app.push_screen(LinePrompt(title, span.note, lambda note: self._save_note(span, note)))

    def _save_note(self, span: Annotation, note: str) -> None:
        note = one_line(note)
        if note == span.note:
            return
        with saving(self.screen) as saved:
            noted = self.screen.session.store.update(span, note=note)
        if saved:
            self.screen.shown.show_change(span.article_id, (span,), (noted,))
            self.screen.notify(f"Note {'saved' if note else 'removed'} (u undoes)")

    @staticmethod
    def innermost_at_cursor(view: ArticleView, suggested_only: bool = False) -> Annotation | None:
        covering = [
            span
            for span in view.spans_over(view.cursor, view.cursor + 1)
            if not suggested_only or span.status == "suggested"
        ]
        return min(covering, key=lambda span: span.end - span.start) if covering else None

    def span_at_cursor_or_say(self) -> Annotation | None:
        """The innermost tag under the focused column's cursor, or None (and a notice)."""
        view = self.screen.columns.focused
        if view is None:
            return None
        span = self.innermost_at_cursor(view)
        if span is None:
            self.screen.notify("No tag under the cursor", severity="warning")
        return span

    def delete(self) -> None:
        """Delete the tag under the cursor; a suggestion there is rejected."""
        annotation = self.span_at_cursor_or_say()
        if annotation is None:
            return
        if annotation.status == "suggested":
            self.decide(annotation, "rejected")
            return
        with saving(self.screen) as saved:
            self.screen.session.store.delete(annotation)
        if saved:
            self.screen.shown.show_change(annotation.article_id, (annotation,), ())

    def accept_suggestion(self) -> None:
        view = self.screen.columns.focused
        if view is None:
            return
        suggestion = self.innermost_at_cursor(view, suggested_only=True)
        if suggestion is None:
            self.screen.notify("No suggestion under the cursor", severity="warning")
            return
        self.decide(suggestion, "accepted")

    def decide(self, suggestion: Annotation, status: str) -> None:
        """Accept or reject, then go on to the next suggestion, so y and x walk through them."""
        from annotations.review import decide

        with saving(self.screen) as saved:
            decided = decide(self.screen.session.store, suggestion, status, self.screen.session.annotator)
        if not saved:
            return
        self.screen.shown.show_change(suggestion.article_id, (suggestion,), (decided,))
        view = self.screen.columns.focused
        if view is not None and view.article.id == suggestion.article_id:
            following = self._next_suggestion(view, suggestion.start)
            if following is not None:
                view.move_to(following.start)

    @staticmethod
    def _next_suggestion(view: ArticleView, offset: int) -> Annotation | None:
        """The first suggestion that starts after ``offset``: looked for only when the
        article has one, from ``offset`` on (an article may hold 10,000 tags)."""
        spans = view.span_list
        if not any(status == "suggested" for _, status in spans.kinds):
            return None
        after = bisect.bisect_right(spans.starts, offset)
        return next((span for span in itertools.islice(spans.spans, after, None) if span.status == "suggested"), None)

    def decide_all(self, status: str) -> None:
        """Accept or reject every suggestion in the focused column's article, as one undo step."""
        view = self.screen.columns.focused
        if view is None:
            return
        suggestions = [span for span in view.spans if span.status == "suggested"]
        if not suggestions:
            self.screen.notify("No suggestions in this article", severity="warning")
            return
        from annotations.review import decide_all

        with saving(self.screen) as saved:
            decide_all(self.screen.session.store, suggestions, status, self.screen.session.annotator)
        if not saved:
            return
        self.screen.shown.refresh(view.article.id, None)
        self.screen.notify(f"{status.capitalize()} {len(suggestions)} suggestion(s) (u undoes)")

    def toggle_done(self) -> None:
        """Mark the focused article finished, or not: a finished one is exported even with
        no tag, so the dataset keeps the texts where there was nothing to tag."""
        view = self.screen.columns.focused
        if view is None:
            return
        store = self.screen.session.store
        done = not store.is_done(view.article.id)
        with saving(self.screen) as saved:
            store.set_done(view.article, self.screen.session.annotator, done)
        if not saved:
            return
        self.screen.show_panel()
        self.screen.notify(
            f"{'Done' if done else 'Not done'}: exported {'even with no tag' if done else 'only with tags'} (u undoes)"
        )

    def jump(self, direction: int) -> None:
        """Go to the next tag (``direction`` 1) or the one before (-1), round the article's end."""
        view = self.screen.columns.focused
        if view is None or not view.spans:
            return
        spans = view.span_list
        if direction > 0:
            index = bisect.bisect_right(spans.starts, view.cursor)
            target = spans.starts[index] if index < len(spans) else spans.starts[0]
        else:
            index = bisect.bisect_left(spans.starts, view.cursor)
            target = spans.starts[index - 1] if index else spans.starts[-1]
        view.move_to(target)
        self.screen.panel.scroll_to_span(spans.spans[bisect.bisect_left(spans.starts, target)])
