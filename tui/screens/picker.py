"""The article picker: choose which article fills the focused column."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from annotations.articles import Article


def article_label(article: Article) -> Text:
    label = Text(" · ".join(part for part in (article.outlet, article.date) if part) or article.id, style="bold")
    label.append(f"  {article.title or article.text[:80].strip()}", style="italic")
    return label


class ArticlePicker(ModalScreen[int | None]):
    """Type to filter by outlet, title or id; enter opens, escape leaves the column as it was."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", id="picker.cancel")]

    def __init__(self, articles: list[Article], current_id: str) -> None:
        super().__init__()
        self.articles = articles
        self.current_id = current_id

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-body"):
            yield Input(placeholder="Filter articles (outlet, title, id)", id="picker-filter")
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        self._fill("")

    def _fill(self, needle: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        needle = needle.casefold()
        for index, article in enumerate(self.articles):
            haystack = f"{article.id} {article.outlet} {article.date} {article.title}".casefold()
            if needle in haystack:
                options.add_option(Option(article_label(article), id=str(index)))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _submit_filter(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(int(options.get_option_at_index(options.highlighted).id or 0))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def on_key(self, event) -> None:
        # Up and down move through the list while typing in the filter.
        if event.key in ("up", "down"):
            options = self.query_one(OptionList)
            if event.key == "down":
                options.action_cursor_down()
            else:
                options.action_cursor_up()
            event.stop()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
