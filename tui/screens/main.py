"""The main screen: articles side by side, the annotation panel, search, and every editing key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.screen import Screen

from annotations.articles import Article, ArticleError
from annotations.model import Annotation, Link
from annotations.schema import LabelSchema
from annotations.search import find_matches, next_match
from annotations.store import Step, Store, StoreError
from annotations.text import counted, one_line, snap_selection, word_at

from ..keymap import MAIN_BINDINGS, label_bindings
from ..notices import not_saved
from ..styles import LabelStyles
from ..widgets.annotation_panel import AnnotationPanel
from ..widgets.article_view import ArticleView
from ..widgets.bars import KeyBar, TitleBar

# What only suggestions, decisions, background jobs and choices need is imported where it
# is used: the first frame does without it (4 dataclasses and 5 ms of start-up, measured).
if TYPE_CHECKING:
    from annotations.proposals.model import Mention
    from annotations.suggest import Candidate, Suggester

    from ..widgets.search_box import SearchBox
    from .background import ArticleJob, JobFinished, JobFound

PANEL_WIDTH = 34
MIN_COLUMN_WIDTH = 40
MAX_COLUMNS = 9
HISTORY_DONE = {"undo": "Undone", "redo": "Redone"}  # what the notice says an undo or a redo did


def column_count(width: int, articles: int) -> int:
    """How many article columns fit: three at 160 cells, one at 80."""
    return max(1, min((width - PANEL_WIDTH) // MIN_COLUMN_WIDTH, MAX_COLUMNS, articles))


class MainScreen(Screen):
    BINDINGS = MAIN_BINDINGS

    def __init__(self, articles: list[Article], store: Store, schema: LabelSchema, annotator: str, label_styles: LabelStyles,
                 suggesters: list[Suggester] = ()) -> None:
        """``suggesters`` propose spans in each article when it is first shown, and in every
        article on S."""
        super().__init__()
        self.articles = articles
        self._index_of = {article.id: index for index, article in enumerate(articles)}  # ids are unique in a corpus
        self.store = store
        self.schema = schema
        self.annotator = annotator
        self.label_styles = label_styles
        self.slots: list[int] = list(range(min(len(articles), MAX_COLUMNS)))
        self.search_query = ""
        self._search_origin: ArticleView | None = None
        self._checked: set[str] = set()  # articles whose stored text was compared this session
        self._unreadable: set[int] = set()  # articles whose text could not be read when first needed
        self.link_source: Annotation | None = None  # marked with m, linked from with L
        self.suggesters = list(suggesters)
        self.job: ArticleJob | None = None  # the background run over every article, if one runs
        self._search_box: SearchBox | None = None  # mounted when first opened
        self.panel = AnnotationPanel(schema, label_styles, id="panel")

    def compose(self) -> ComposeResult:
        yield TitleBar()
        # The columns and the panel sit side by side on the screen itself, with no
        # container between: every container is a layer the first frame renders in full.
        # The first columns are composed, not mounted after, so the first frame shows them.
        yield from self._new_columns(self.app.size.width, 0)
        yield self.panel
        yield KeyBar()

    def on_mount(self) -> None:
        if not self.columns:  # every article failed when its text was first read
            self.app.exit(return_code=1)
            return
        self.set_focus(self.columns[0])

    def on_resize(self) -> None:
        self._layout_columns(self.size.width)

    # Focus changes go through set_focus, which takes effect at once: Widget.focus() waits
    # for a refresh, and a fast typist's next key would still reach the old widget.

    # -- columns ---------------------------------------------------------------------

    @property
    def columns(self) -> list[ArticleView]:
        # Walked, not queried: a query cost a tenth of a millisecond on every tag.
        return [child for child in self.children if isinstance(child, ArticleView)]

    def _readable(self, index: int) -> bool:
        """Whether the article's text can be read (it is read on first use); if not, the
        problem is named once and counted among the skipped inputs."""
        if index in self._unreadable:
            return False
        try:
            self.articles[index].text
        except ArticleError as error:
            self._unreadable.add(index)
            self.app.problems.append(str(error))
            self.notify(str(error), title="Skipped", severity="warning", timeout=15)
            return False
        return True

    def _fill_slot(self, position: int) -> int | None:
        """The article for column ``position``: its own, or the next readable one not shown."""
        if position < len(self.slots) and self._readable(self.slots[position]):
            return self.slots[position]
        taken = set(self.slots[:position])
        for index in range(len(self.articles)):
            if index not in taken and self._readable(index):
                if position < len(self.slots):
                    self.slots[position] = index
                else:
                    self.slots.append(index)
                return index
        return None

    def _layout_columns(self, width: int) -> None:
        columns = self.columns
        for column in columns[self._wanted_columns(width):]:
            column.remove()
        added = self._new_columns(width, len(columns))
        if added:
            self.mount_all(added, before=self.panel)

    def _wanted_columns(self, width: int) -> int:
        return column_count(width, len(self.articles) - len(self._unreadable))

    def _new_columns(self, width: int, shown: int) -> list[ArticleView]:
        """The columns to add to the ``shown`` ones for a screen ``width`` cells wide."""
        columns = []
        for number in range(shown + 1, self._wanted_columns(width) + 1):
            index = self._fill_slot(number - 1)
            if index is None:
                break
            article = self.articles[index]
            view = ArticleView(article, self.label_styles, number)
            view.spans = self._attached_spans(article)
            view.add_leading_bindings(label_bindings(self.schema))
            columns.append(view)
        return columns

    @property
    def focused_view(self) -> ArticleView | None:
        focused = self.focused
        return focused if isinstance(focused, ArticleView) else None

    def _views_of(self, article_id: str) -> list[ArticleView]:
        return [view for view in self.columns if view.article.id == article_id]

    def _attached_spans(self, article: Article | str) -> list[Annotation]:
        """The spans to highlight. The first time an article is shown in a session, spans
        of a text that changed since it was tagged are re-attached to the new text."""
        if isinstance(article, Article) and article.id not in self._checked:
            self._checked.add(article.id)
            try:
                report = self.store.reattach(article)
            except (StoreError, OSError) as error:
                not_saved(self, error)
                report = None
            if report is not None:
                self.notify(report.describe(), severity="warning" if report.orphaned else "information", timeout=15)
            if self.suggesters:
                self._suggest_in_background(article)
        article_id = article if isinstance(article, str) else article.id
        return [span for span in self.store.annotations(article_id) if not span.orphaned and not span.dismissed]

    def _suggest_in_background(self, article: Article) -> None:
        """Find what the suggesters suggest for an article shown the first time, in a
        worker thread: a slow pattern (each is bounded by its timeout) never holds the
        first paint or a key. What they find is stored, and shown, on this thread."""
        from annotations.suggest import candidates

        def find() -> None:
            found = candidates(article.text, self.suggesters)
            self.app.call_from_thread(self._suggested, article, found)

        self.run_worker(find, thread=True, exit_on_error=False, group="first-suggestions")

    def _suggested(self, article: Article, found: list[Candidate]) -> None:
        if self._store_suggestions(article, found) and self._views_of(article.id):
            self._refresh_article(article.id, None)

    def _store_suggestions(self, article: Article, found: list[Candidate]) -> int:
        from annotations.suggest import stop_notices, store_suggestions
        from annotations.text import printable

        for notice in stop_notices(self.suggesters):  # a pattern that ran out of time, named once
            self.notify(printable(notice), severity="warning", timeout=15, markup=False)
        try:
            return len(store_suggestions(self.store, article, found, self.annotator))
        except (StoreError, OSError, ValueError) as error:
            not_saved(self, error)
            return 0

    def _show_panel(self, view: ArticleView | None) -> None:
        if view is None:
            return
        article = view.article
        title = " · ".join(part for part in (article.outlet, article.title or article.id) if part)
        if self.store.is_done(article.id):
            title += " · done ✓"
        orphans = self.store.orphans(article.id)
        try:
            links = [self._describe_link(link, spans, article.id) for link, spans in self._links_of(article.id)]
        except StoreError as error:
            links = [f"cannot read the links: {error}"]
        source = self.link_source
        marked = f"{source.label} {one_line(source.text)!r}" if source else ""
        self.panel.show(title, view.spans, orphans, links, marked, self.job)

    def _links_of(self, article_id: str, span: Annotation | None = None) -> list[tuple[Link, tuple[Annotation, Annotation]]]:
        """Links touching the article (or only ``span``) whose two spans exist, with those spans."""
        touching = [link for link in self.store.links() if article_id in (link.head_article, link.child_article)]
        if span is not None:
            touching = [link for link in touching if span.id in link.ends()]
        links, spans = self.store.live_links(touching)
        return [(link, (spans[link.head], spans[link.child])) for link in links]

    def _outlet(self, article_id: str) -> str:
        index = self._index_of.get(article_id)
        return (self.articles[index].outlet or article_id) if index is not None else article_id

    def _describe_link(self, link: Link, spans: tuple[Annotation, Annotation], article_id: str) -> str:
        """ "same-as 'militia' → Reuters 'Kataib Hezbollah'", from the side of ``article_id``."""
        def side(span: Annotation) -> str:
            where = "" if span.article_id == article_id else f"{self._outlet(span.article_id)} "
            return f"{where}{one_line(span.text)!r}"

        return f"{link.label} {side(spans[0])} → {side(spans[1])}"

    def on_descendant_focus(self) -> None:
        self._show_panel(self.focused_view)

    def action_focus_column(self, step: int) -> None:
        columns = self.columns
        current = next((index for index, view in enumerate(columns) if view is self.focused_view), -1)
        self.set_focus(columns[(current + step) % len(columns)])

    def action_focus_slot(self, number: int) -> None:
        columns = self.columns
        if number <= len(columns):
            self.set_focus(columns[number - 1])
        else:
            self.notify(f"Only {counted(len(columns), 'column')} fit at this width", severity="warning")

    def action_pick_article(self) -> None:
        view = self.focused_view
        if view is None:
            return
        from .picker import ArticlePicker  # screens the first frame does not show load when asked for

        self.app.push_screen(ArticlePicker(self.articles, lambda index: self._open_in_column(view, index),
                                           self.store.done_articles()))

    def action_toggle_done(self) -> None:
        """Mark the focused article finished, or not: a finished one is exported even with
        no tag, so the dataset keeps the texts where there was nothing to tag."""
        view = self.focused_view
        if view is None:
            return
        done = not self.store.is_done(view.article.id)
        try:
            self.store.set_done(view.article, self.annotator, done)
        except (StoreError, OSError) as error:
            not_saved(self, error)
            return
        self._show_panel(view)
        self.notify(f"{'Done' if done else 'Not done'}: exported {'even with no tag' if done else 'only with tags'} (u undoes)")

    def _open_in_column(self, view: ArticleView, article_index: int) -> None:
        if not self._readable(article_index):
            return
        columns = self.columns
        position = columns.index(view)
        previous = self.slots[position]
        if article_index in self.slots:
            # The article is already in another slot: the two swap places.
            other = self.slots.index(article_index)
            self.slots[other] = previous
            if other < len(columns):
                self._show_in(columns[other], previous)
        self.slots[position] = article_index
        self._show_in(columns[position], article_index)
        self.set_focus(view)
        self._show_panel(view)

    def _show_in(self, view: ArticleView, article_index: int) -> None:
        article = self.articles[article_index]
        view.show_article(article, self._attached_spans(article))

    # -- tagging -----------------------------------------------------------------------

    def _refresh_article(self, article_id: str, changed: tuple[int, int] | None, added: Annotation | None = None) -> None:
        """Show the article's spans as stored; ``added``: the one span the change added,
        which the views take alone (an article may hold 10,000)."""
        views = self._views_of(article_id)
        if added is not None and changed is not None:
            for view in views:
                view.add_span(added, changed)
        else:
            spans = self._attached_spans(article_id)
            for view in views:
                view.set_spans(spans, changed)
        self._show_panel(self.focused_view)

    def action_tag(self, label: str) -> None:
        view = self.focused_view
        if view is None:
            return
        text = view.text
        selection = view.selection
        target = snap_selection(text, *selection) if selection else word_at(text, view.cursor)
        if target is None:
            self.notify("Nothing to tag here: select with v, or put the cursor on a word", severity="warning")
            return
        try:
            annotation = self.store.add(view.article, target[0], target[1], label, self.annotator)
        except (StoreError, OSError, ValueError) as error:
            not_saved(self, error)
            return
        view.clear_selection()
        self._refresh_article(annotation.article_id, target, annotation)

    def _innermost_at_cursor(self, view: ArticleView, suggested_only: bool = False) -> Annotation | None:
        covering = [span for span in view.spans
                    if span.contains(view.cursor) and (not suggested_only or span.status == "suggested")]
        return min(covering, key=lambda span: span.end - span.start) if covering else None

    def _span_at_cursor_or_say(self) -> Annotation | None:
        view = self.focused_view
        if view is None:
            return None
        span = self._innermost_at_cursor(view)
        if span is None:
            self.notify("No tag under the cursor", severity="warning")
        return span

    def action_delete_annotation(self) -> None:
        annotation = self._span_at_cursor_or_say()
        if annotation is None:
            return
        if annotation.status == "suggested":
            self._decide_suggestion(annotation, "rejected")
            return
        try:
            self.store.delete(annotation)
        except (StoreError, OSError) as error:
            not_saved(self, error)
            return
        self._refresh_article(annotation.article_id, (annotation.start, annotation.end))

    # -- suggestions -----------------------------------------------------------------------

    def action_accept_suggestion(self) -> None:
        view = self.focused_view
        if view is None:
            return
        suggestion = self._innermost_at_cursor(view, suggested_only=True)
        if suggestion is None:
            self.notify("No suggestion under the cursor", severity="warning")
            return
        self._decide_suggestion(suggestion, "accepted")

    def _decide_suggestion(self, suggestion: Annotation, status: str) -> None:
        """Accept or reject, then go on to the next suggestion, so y and x walk through them."""
        from annotations.review import decide

        try:
            decide(self.store, suggestion, status, self.annotator)
        except (StoreError, OSError) as error:
            not_saved(self, error)
            return
        self._refresh_article(suggestion.article_id, (suggestion.start, suggestion.end))
        view = self.focused_view
        if view is not None and view.article.id == suggestion.article_id:
            following = next((span for span in view.spans if span.status == "suggested" and span.start > suggestion.start), None)
            if following is not None:
                view.move_to(following.start)

    def action_decide_all_suggestions(self, status: str) -> None:
        view = self.focused_view
        if view is None:
            return
        suggestions = [span for span in view.spans if span.status == "suggested"]
        if not suggestions:
            self.notify("No suggestions in this article", severity="warning")
            return
        from annotations.review import decide_all

        try:
            decide_all(self.store, suggestions, status, self.annotator)
        except (StoreError, OSError) as error:
            not_saved(self, error)
            return
        self._refresh_article(view.article.id, None)
        self.notify(f"{status.capitalize()} {len(suggestions)} suggestion(s) (u undoes)")

    def action_suggest_everywhere(self) -> None:
        if not self.suggesters:
            self.notify("No suggesters: switch them on in the label schema (suggest:) or give --patterns FILE",
                        severity="warning", timeout=10)
            return
        found_in: list[str] = []

        def store_found(article: Article, found: list[Candidate]) -> int:
            count = self._store_suggestions(article, found)
            if count:
                found_in.append(article.id)
                if self._views_of(article.id):
                    self._refresh_article(article.id, None)
            return count

        def done(job: ArticleJob) -> None:
            self.notify(f"Suggested {job.count} span(s) in {len(found_in)} of {job.total} article(s)")

        from annotations.suggest import candidates

        self._start_job("Suggesting", lambda article: candidates(article.text, self.suggesters), store_found, done)

    def action_tag_occurrences(self) -> None:
        span = self._span_at_cursor_or_say()
        view = self.focused_view
        if span is None or view is None:
            return
        from annotations.suggest import occurrence_candidates

        from .choice import Choice, ChoiceScreen

        here = len(self._new_occurrences(view.article, occurrence_candidates(view.text, span), "pending"))
        every = f"{len(self.articles)} open articles"
        choices = [
            Choice("t", "tag them in this article", f"{here} more"),
            Choice("T", "tag them in every open article", every),
            Choice("s", "suggest them in this article", f"{here} more"),
            Choice("S", "suggest them in every open article", every),
        ]
        self.app.push_screen(ChoiceScreen(
            f"Every other {span.label} {one_line(span.text)[:50]!r}, whole words", choices,
            lambda choice: self._tag_occurrences(view, span, choice.key),
        ))

    def _new_occurrences(self, article: Article, found: list[Candidate], status: str) -> list[Annotation]:
        from annotations.suggest import new_suggestions

        return new_suggestions(article.id, article.text, found, self.store.annotations(article.id), self.annotator, status)

    def _tag_occurrences(self, view: ArticleView, span: Annotation, key: str) -> None:
        """Tags (t, T) or suggestions (s, S) here or in every article, saved as one undo step."""
        status = "pending" if key.lower() == "t" else "suggested"
        made: list[tuple[Article, list[Annotation]]] = []

        def collect(article: Article, found: list[Candidate]) -> int:
            spans = self._new_occurrences(article, found, status)
            if spans:
                made.append((article, spans))
            return len(spans)

        def save(job: ArticleJob | None = None) -> None:
            count = sum(len(spans) for _, spans in made)
            verb = "tag" if status == "pending" else "suggest"
            try:
                self.store.add_spans(made, f"{verb} {count} more {span.label} {one_line(span.text)[:30]!r}")
            except (StoreError, OSError, ValueError) as error:
                not_saved(self, error)
                return
            for article, _ in made:
                self._refresh_article(article.id, None)
            self.notify(f"{'Tagged' if status == 'pending' else 'Suggested'} {count} more {span.label} "
                        f"{one_line(span.text)[:30]!r} in {len(made)} article(s) (u undoes)")

        from annotations.suggest import occurrence_candidates

        if key.islower():  # this article: at once
            collect(view.article, occurrence_candidates(view.text, span))
            save()
        else:
            self._start_job("Finding", lambda article: occurrence_candidates(article.text, span), collect, save)

    def _start_job(self, title: str, find, on_found, on_done) -> None:
        """Run ``find`` over every open article in a thread; the store is written here, on
        the interface's thread, an article at a time, so keys keep being answered."""
        if self.job is not None:
            self.notify(f"Still busy: {self.job.describe()}", severity="warning")
            return

        from .background import ArticleJob

        def finished(job: ArticleJob) -> None:
            self.job = None
            self._show_panel(self.focused_view)
            on_done(job)

        self.job = ArticleJob(self, title, self.articles, find, on_found, finished, lambda: self._show_panel(self.focused_view))
        self.job.start()
        self._show_panel(self.focused_view)

    def on_job_found(self, message: JobFound) -> None:
        message.job.take(message)

    def on_job_finished(self, message: JobFinished) -> None:
        message.job.finish()

    def action_jump_annotation(self, direction: int) -> None:
        view = self.focused_view
        if view is None or not view.spans:
            return
        starts = sorted({span.start for span in view.spans})
        if direction > 0:
            target = next((start for start in starts if start > view.cursor), starts[0])
        else:
            target = next((start for start in reversed(starts) if start < view.cursor), starts[-1])
        view.move_to(target)
        self.panel.scroll_to_span(next(span.id for span in view.spans if span.start == target))

    def _apply_history(self, step: Step | None, action: str) -> None:
        """Show what an undo or a redo (``action``) changed, or that there was nothing to change."""
        if step is None:
            self.notify(f"Nothing to {action}", severity="warning")
            return
        spans = step.spans("before") + step.spans("after")
        if not spans:  # links or a cluster name: only the panel shows them
            self._show_panel(self.focused_view)
        for article_id in step.article_ids():
            touched = [span for span in spans if span.article_id == article_id]
            if not touched:
                continue
            changed = (min(span.start for span in touched), max(span.end for span in touched))
            self._refresh_article(article_id, changed)
            if len(step.changes) == 1:  # one change: show where it was; for many, stay put
                views = self._views_of(article_id)
                if views:
                    views[0].move_to(changed[0])
        self.notify(f"{HISTORY_DONE[action]}: {step.describe()}")

    def action_undo(self) -> None:
        try:
            self._apply_history(self.store.undo(), "undo")
        except (StoreError, OSError) as error:
            not_saved(self, error)

    def action_redo(self) -> None:
        try:
            self._apply_history(self.store.redo(), "redo")
        except (StoreError, OSError) as error:
            not_saved(self, error)

    # -- links ---------------------------------------------------------------------------

    def action_mark_link_source(self) -> None:
        span = self._span_at_cursor_or_say()
        if span is None:
            return
        self.link_source = span
        self._show_panel(self.focused_view)
        self.notify(f"Link from {span.label} {one_line(span.text)!r}: go to the other tag (any column) and press L")

    def action_link(self) -> None:
        source = self.link_source
        if source is None:
            self.notify("First mark the tag to link from with m", severity="warning")
            return
        target = self._span_at_cursor_or_say()
        if target is None:
            return
        if target.id == source.id:
            self.notify("That is the marked tag itself: go to the other tag first", severity="warning")
            return
        from .choice import Choice, ChoiceScreen

        choices = [Choice(relation.key, relation.name, relation.description) for relation in self.schema.relations]
        self.app.push_screen(ChoiceScreen(
            f"Link {source.label} {one_line(source.text)[:40]!r} → {target.label} {one_line(target.text)[:40]!r} as",
            choices, lambda choice: self._save_link(source, target, choice.name),
        ))

    def _save_link(self, source: Annotation, target: Annotation, relation: str) -> None:
        try:
            self.store.link(source, target, relation, self.annotator)
        except (StoreError, OSError, ValueError) as error:
            not_saved(self, error)
            return
        self.link_source = None
        self._show_panel(self.focused_view)
        self.notify(f"Linked {relation}: {one_line(source.text)!r} → {one_line(target.text)!r}")

    def action_delete_link(self) -> None:
        span = self._span_at_cursor_or_say()
        if span is None:
            return
        links = self._links_of(span.article_id, span)
        if not links:
            self.notify("This tag has no links", severity="warning")
        elif len(links) == 1:
            self._delete_link(links[0][0])
        else:
            from .choice import Choice, ChoiceScreen

            choices = [Choice(str(number), self._describe_link(link, spans, span.article_id))
                       for number, (link, spans) in enumerate(links[:9], start=1)]
            by_key = {choice.key: link for choice, (link, _) in zip(choices, links)}
            self.app.push_screen(ChoiceScreen("Delete which link?", choices, lambda choice: self._delete_link(by_key[choice.key])))

    def _delete_link(self, link: Link) -> None:
        try:
            self.store.delete_link(link)
        except (StoreError, OSError) as error:
            not_saved(self, error)
            return
        self._show_panel(self.focused_view)
        self.notify(f"Unlinked {link.label} (u undoes)")

    def action_compare(self) -> None:
        """Columns: the articles shown, then other open articles with links, then with tags
        (up to compare.COLUMNS in all: a row must stay readable)."""
        from .compare import COLUMNS, CompareScreen  # DataTable alone costs start-up 6 ms

        shown = [view.article for view in self.columns]
        try:
            linked = {end for link in self.store.links() for end in (link.head_article, link.child_article)}
            others = [article for article in self.articles if article.id in linked and article not in shown]
            for article in self.articles:
                if len(shown) + len(others) >= COLUMNS:
                    break
                if article not in shown and article not in others and self.store.annotations(article.id):
                    others.append(article)
        except StoreError as error:  # a damaged links or article file
            self.notify(f"Cannot compare: {error}", severity="error", timeout=10)
            return
        columns = (shown + others)[:max(COLUMNS, len(shown))]

        self.app.push_screen(CompareScreen(self.store, self.schema, columns, self.annotator, self.label_styles, self._jump_to,
                                           self.articles))

    def _jump_to(self, span: Annotation | Mention) -> None:
        """Show ``span`` (a tag, or a proposal's member) in the main view: in its column if
        shown, else in the focused column."""
        views = self._views_of(span.article_id)
        if not views:
            view = self.focused_view or self.columns[0]
            index = self._index_of.get(span.article_id)
            if index is None:
                self.notify(f"{span.article_id} is not among the open articles", severity="warning")
                return
            self._open_in_column(view, index)
            views = [view]
        self.set_focus(views[0])
        views[0].move_to(span.start)
        self._show_panel(views[0])

    # -- search ------------------------------------------------------------------------

    def action_open_search(self) -> None:
        search = self._search_box
        if search is None:
            # Mounted on first use: the first frame does without an Input (its import, its
            # styles and a node). The mount is not awaited: set_focus takes effect at once,
            # so the keys typed next queue on the box, behind its mount.
            from ..widgets.search_box import SearchBox

            search = self._search_box = SearchBox(
                self._run_search,
                self._close_search,
                placeholder="Search this article (enter: select the next match, escape: close)",
                id="search",
            )
            self.mount(search, before=self.query_one(KeyBar))
        self._search_origin = self.focused_view
        search.display = True
        search.value = self.search_query
        self.set_focus(search)

    def _close_search(self) -> None:
        if self._search_box is not None:
            self._search_box.display = False
        self.set_focus(self._search_origin or self.columns[0])

    def _run_search(self, query: str) -> None:
        self.search_query = query
        view = self._search_origin or self.columns[0]
        self._close_search()
        self._search(view, 1, include_cursor=True)

    def action_search_again(self, direction: int) -> None:
        self._search(self.focused_view, direction, include_cursor=False)

    def _search(self, view: ArticleView | None, direction: int, include_cursor: bool) -> None:
        if view is None or not self.search_query:
            return
        matches = find_matches(view.text, self.search_query)
        view.set_matches(matches)
        selection = view.selection
        origin = selection[0] if selection else view.cursor
        match = next_match(matches, origin, direction, include_offset=include_cursor and selection is None)
        if match is None:
            self.notify(f"Not found: {self.search_query}", severity="warning")
            return
        view.select(*match)

    def action_review(self) -> None:
        from .review import ReviewScreen

        self.app.push_screen(
            ReviewScreen(self.store, self.schema, self.annotator, self.label_styles), lambda _: self._refresh_all()
        )

    def _refresh_all(self) -> None:
        """After a review: labels, boundaries and statuses may have changed anywhere."""
        for view in self.columns:
            view.set_spans(self._attached_spans(view.article))
        self._show_panel(self.focused_view)

    def action_help(self) -> None:
        self.app.action_show_help_panel()
