"""The Textual application: wires the core's store and schema to the main screen."""

from __future__ import annotations

from textual.app import App

from annotations.articles import Article
from annotations.review import ReviewFilter
from annotations.schema import LabelSchema
from annotations.store import Store
from annotations.suggest import Suggester

from .screens.main import MainScreen
from .styles import LabelStyles


class BroadsheetApp(App):
    CSS_PATH = "broadsheet.tcss"
    TITLE = "Broadsheet"

    def __init__(
        self,
        articles: list[Article],
        store: Store,
        schema: LabelSchema,
        annotator: str,
        problems: list[str] | None = None,
        keymap: dict[str, str] | None = None,
        review: ReviewFilter | None = None,
        suggesters: list[Suggester] | None = None,
        disputes: bool = False,
    ) -> None:
        """``review`` opens straight into the review screen with that filter (``broadsheet review``),
        and ``disputes`` into adjudication over it; ``suggesters`` propose spans in the articles
        as they are shown."""
        super().__init__()
        self.articles = articles
        self.store = store
        self.schema = schema
        self.annotator = annotator
        self.problems = problems if problems is not None else []  # late problems join the caller's list
        self.user_keymap = keymap or {}
        self.review = review
        self.disputes = disputes
        self.suggesters = suggesters or []
        self.label_styles = LabelStyles(schema)
        if self.user_keymap:
            self.set_keymap(self.user_keymap)

    def on_mount(self) -> None:
        self.sub_title = f"db {self.store.path} · annotator {self.annotator}"
        if self.review is not None:
            from .screens.review import ReviewScreen  # the articles' start-up does without it

            review = ReviewScreen(self.store, self.schema, self.annotator, self.label_styles, self.review)
            self.push_screen(review)
            if self.disputes:
                review.action_disputes()
            return
        self.push_screen(MainScreen(self.articles, self.store, self.schema, self.annotator, self.label_styles, self.suggesters))
        for problem in self.problems:
            self.notify(problem, title="Skipped", severity="warning", timeout=15)
