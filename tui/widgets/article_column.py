"""A column: the article's outlet, date and title above its text."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from annotations.articles import Article
from annotations.model import Annotation

from ..styles import LabelStyles
from .article_view import ArticleView


def article_heading(article: Article, number: int) -> Text:
    """Two lines: 'n outlet · date' and the title; built as Text, never parsed as markup.

    An article whose text names no outlet or date shows its id in their place."""
    first = " · ".join(part for part in (article.outlet, article.date) if part)
    heading = Text(f"{number} ", style="bold reverse")
    heading.append(f" {first or article.id}", style="bold")
    heading.append("\n")
    heading.append(article.title or ("" if not first else article.id), style="italic")
    return heading


class ArticleColumn(Vertical):
    def __init__(self, number: int, article: Article, spans: list[Annotation], label_styles: LabelStyles) -> None:
        super().__init__(classes="article-column")
        self.number = number
        self.heading = Static(article_heading(article, number), classes="article-heading")
        self.view = ArticleView(article, label_styles, classes="article-view")
        self.view.spans = spans

    def compose(self) -> ComposeResult:
        yield self.heading
        yield self.view

    @property
    def article(self) -> Article:
        return self.view.article

    def show(self, article: Article, spans: list[Annotation]) -> None:
        self.heading.update(article_heading(article, self.number))
        self.view.show_article(article, spans)
