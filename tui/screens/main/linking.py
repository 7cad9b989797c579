"""Links between tags, across columns: the tag marked to link from (m), linking it to the
tag under the cursor (L), unlinking, the links the panel lists, and the compare view
(C), whose rows are the tags linked same-as across the articles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotations.model import Annotation, Link
from annotations.store import StoreError
from annotations.text import one_line

from ...notices import saving

if TYPE_CHECKING:
    from annotations.articles import Article

    from .screen import MainScreen


class Linking:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.source: Annotation | None = None  # marked with m, linked from with L

    def mark(self) -> None:
        """Mark the tag under the cursor to link from; where tags overlap there, ask which."""
        view = self.screen.columns.focused
        covering = (
            sorted(
                view.spans_over(view.cursor, view.cursor + 1),
                key=lambda span: (span.end - span.start, span.start),
            )
            if view is not None
            else []
        )
        if len(covering) <= 1:
            span = self.screen.tagging.span_at_cursor_or_say()
            if span is not None:
                self._mark(span)
            return
        from ..choice import Choice, ChoiceScreen

        by_key = {str(number): span for number, span in enumerate(covering[:9], start=1)}
        choices = [Choice(key, span.label, repr(one_line(span.text)[:60])) for key, span in by_key.items()]
        self.screen.app.push_screen(
            ChoiceScreen("Link from which tag?", choices, lambda choice: self._mark(by_key[choice.key]))
        )

    def _mark(self, span: Annotation) -> None:
        if self._refused(span):
            return
        self.source = span
        self.screen.show_panel()
        self.screen.notify(
            f"Link from {span.label} {one_line(span.text)!r}: go to the other tag (any column) and "
            "press L (escape cancels)"
        )

    def _refused(self, span: Annotation) -> bool:
        """A tag a link cannot join (rejected, or a suggestion not yet accepted), said so."""
        if span.standing:
            return False
        why = (
            "a suggestion: accept it (y) first" if span.status == "suggested" else f"{span.status}: it links to nothing"
        )
        self.screen.notify(f"That {span.label} is {why}", severity="warning")
        return True

    def cancel(self) -> bool:
        """Forget the tag marked to link from (escape); False when none was marked."""
        if self.source is None:
            return False
        self.source = None
        self.screen.show_panel()
        self.screen.notify("Not linking")
        return True

    def link(self) -> None:
        """Ask which relation links the marked tag to the tag under the cursor: one of those
        the schema lets join their two labels."""
        source = self.source
        if source is None:
            self.screen.notify("First mark the tag to link from with m", severity="warning")
            return
        target = self.screen.tagging.span_at_cursor_or_say()
        if target is None:
            return
        if target.id == source.id:
            self.screen.notify("That is the marked tag itself: go to the other tag first", severity="warning")
            return
        if self._refused(target):
            return
        from ..choice import Choice, ChoiceScreen

        relations = self.screen.session.schema.relations
        allowed = [relation for relation in relations if not relation.refuses(source.label, target.label)]
        if not allowed:
            self.screen.notify(
                "; ".join(relation.refuses(source.label, target.label) for relation in relations), severity="warning"
            )
            return
        choices = [Choice(relation.key, relation.name, relation.description) for relation in allowed]
        self.screen.app.push_screen(
            ChoiceScreen(
                f"Link {source.label} {one_line(source.text)!r} → {target.label} {one_line(target.text)!r} as",
                choices,
                lambda choice: self._save(source, target, choice.name),
            )
        )

    def _save(self, source: Annotation, target: Annotation, relation: str) -> None:
        with saving(self.screen) as saved:
            self.screen.session.store.link(source, target, relation, self.screen.session.annotator)
        if not saved:
            return
        self.source = None
        self.screen.show_panel()
        self.screen.notify(f"Linked {relation}: {one_line(source.text)!r} → {one_line(target.text)!r}")

    def delete(self) -> None:
        """Delete the link of the tag under the cursor, asking which if it has several."""
        span = self.screen.tagging.span_at_cursor_or_say()
        if span is None:
            return
        links = self._links_of(span.article_id, span)
        if not links:
            self.screen.notify("This tag has no links", severity="warning")
        elif len(links) == 1:
            self._delete(links[0][0])
        else:
            from ..choice import Choice, ChoiceScreen

            choices = [
                Choice(str(number), self._describe(link, spans, span.article_id))
                for number, (link, spans) in enumerate(links[:9], start=1)
            ]
            by_key = {choice.key: link for choice, (link, _) in zip(choices, links, strict=False)}
            self.screen.app.push_screen(
                ChoiceScreen("Delete which link?", choices, lambda choice: self._delete(by_key[choice.key]))
            )

    def _delete(self, link: Link) -> None:
        with saving(self.screen) as saved:
            self.screen.session.store.delete_link(link)
        if not saved:
            return
        self.screen.show_panel()
        self.screen.notify(f"Unlinked {link.label} (u undoes)")

    def listed(self, article_id: str) -> list[str]:
        """The article's links as the panel lists them."""
        try:
            return [self._describe(link, spans, article_id) for link, spans in self._links_of(article_id)]
        except StoreError as error:
            return [f"cannot read the links: {error}"]

    def marked(self) -> str:
        """The tag marked to link from, as the panel names it ("" if none)."""
        source = self.source
        return f"{source.label} {one_line(source.text)!r}" if source else ""

    def _links_of(
        self, article_id: str, span: Annotation | None = None
    ) -> list[tuple[Link, tuple[Annotation, Annotation]]]:
        """Links touching the article (or only ``span``) whose two spans exist, with those spans."""
        store = self.screen.session.store
        touching = store.links_of(article_id)
        if span is not None:
            touching = [link for link in touching if span.id in link.ends()]
        links, spans = store.live_links(touching)
        return [(link, (spans[link.head], spans[link.child])) for link in links]

    def _outlet(self, article_id: str) -> str:
        index = self.screen.session.articles.index_of(article_id)  # among those read: never waits for the rest
        return (self.screen.session.articles[index].outlet or article_id) if index is not None else article_id

    def _describe(self, link: Link, spans: tuple[Annotation, Annotation], article_id: str) -> str:
        """ "same-as 'militia' → Reuters 'Kataib Hezbollah'", from the side of ``article_id``."""

        def side(span: Annotation) -> str:
            where = "" if span.article_id == article_id else f"{self._outlet(span.article_id)} "
            return f"{where}{one_line(span.text)!r}"

        return f"{link.label} {side(spans[0])} → {side(spans[1])}"

    def compare(self) -> None:
        """The compare view. Columns: the articles shown, then other open articles with
        links, then with tags (up to compare.COLUMNS in all: a row must stay readable)."""
        from ..compare import COLUMNS, CompareScreen  # DataTable alone costs start-up 6 ms

        shown = [view.article for view in self.screen.columns.views]
        try:
            others = self._compared_beside(shown, COLUMNS)
        except StoreError as error:  # a damaged links or article file
            self.screen.notify(f"Cannot compare: {error}", severity="error", timeout=10)
            return
        columns = (shown + others)[: max(COLUMNS, len(shown))]
        self.screen.app.push_screen(CompareScreen(self.screen.session, columns, self.screen.columns.jump_to))

    def _compared_beside(self, shown: list[Article], room: int) -> list[Article]:
        store, articles = self.screen.session.store, self.screen.session.articles
        linked = {end for link in store.links() for end in (link.head_article, link.child_article)}
        others = [article for article in articles if article.id in linked and article not in shown]
        for article in articles:
            if len(shown) + len(others) >= room:
                break
            if article not in shown and article not in others and store.annotations(article.id):
                others.append(article)
        return others
