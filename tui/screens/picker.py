"""The article picker: choose which article fills the focused column."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from annotations.articles import Article

from ..widgets.keys import forward_key, pass_on_if_unfocused, was_routed
from .dialog import Dialog


def article_label(article: Article) -> Text:
    label = Text(" · ".join(part for part in (article.outlet, article.date) if part) or article.id, style="bold")
    label.append(f"  {article.title or article.source}", style="italic")  # not the text: it is read lazily
    return label


class PickerFilter(Input):
    """The filter box. Enter, escape, up and down act here, in order with the typed text."""

    def __init__(self, on_key: Callable[[str], None], **kwargs) -> None:
        super().__init__(**kwargs)
        self._on_special_key = on_key

    async def _on_key(self, event: events.Key) -> None:
        if pass_on_if_unfocused(self, event):
            return
        if event.key in ("enter", "escape", "up", "down"):
            event.stop()
            event.prevent_default()
            self._on_special_key(event.key)
            return
        await super()._on_key(event)


class ArticlePicker(Dialog):
    """Type to filter by outlet, title or id; enter opens, escape leaves the column as it was.

    The choice is handed to ``on_pick`` at once, not through dismiss's result callback,
    which runs later: a key typed right after enter must find the new article in place."""

    def __init__(self, articles: list[Article], on_pick: Callable[[int], None]) -> None:
        super().__init__()
        self.articles = articles
        self._on_pick = on_pick
        self._filled_for: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-body"):
            yield PickerFilter(self._special_key, placeholder="Filter articles (outlet, title, id)", id="picker-filter")
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        self._fill("")

    def _fill(self, needle: str) -> None:
        if needle == self._filled_for:
            return
        self._filled_for = needle
        options = self.query_one(OptionList)
        options.clear_options()
        folded = needle.casefold()
        for index, article in enumerate(self.articles):
            haystack = f"{article.id} {article.outlet} {article.date} {article.title}".casefold()
            if folded in haystack:
                options.add_option(Option(article_label(article), id=str(index)))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _special_key(self, key: str) -> None:
        options = self.query_one(OptionList)
        if key == "escape":
            self.dismiss()
        elif key == "down":
            options.action_cursor_down()
        elif key == "up":
            options.action_cursor_up()
        else:
            self._fill(self.query_one(PickerFilter).value)  # Changed may not have arrived yet
            if options.highlighted is not None:
                self._pick(int(options.get_option_at_index(options.highlighted).id or 0))

    def on_key(self, event: events.Key) -> None:
        # Keys typed while this screen was still opening are routed to the screen itself:
        # they are meant for the filter (listing thousands of articles takes a moment).
        if was_routed(event):
            event.stop()
            forward_key(self.query_one(PickerFilter), event)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(int(event.option.id or 0))

    def _pick(self, article_index: int) -> None:
        self.dismiss()
        self._on_pick(article_index)
