"""Every match of a search in every open article, as a list to jump from (ctrl+f).

The articles are searched in a worker thread (their texts are read lazily, and there may
be thousands); the list fills when it is done. Enter jumps to the match, selected, so a
label key tags it; escape leaves things as they were."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotations.articles import Article, ArticleError
from annotations.search import Found, find_everywhere
from annotations.text import counted

from ..shown import plain
from .background import keys_first
from .dialog import Dialog

LIMIT = 1000  # matches listed; the count says how many there are in all


class MatchesScreen(Dialog):
    BINDINGS: ClassVar[list[BindingType]] = [("escape", "close", "Close")]

    def __init__(self, articles: Sequence[Article], query: str, on_jump: Callable[[Found], None]) -> None:
        super().__init__()
        self.articles = articles
        self.query_text = query
        self._on_jump = on_jump
        self.found: list[Found] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="matches-body"):
            yield Static(
                plain(f"Searching {counted(len(self.articles), 'open article')} for {self.query_text!r}…"),
                id="matches-summary",
            )
            yield OptionList(id="matches-list")

    def on_mount(self) -> None:
        # Listed in the worker: a corpus still being read reads the rest there.
        self.run_worker(lambda: self._search(list(self.articles)), thread=True, exit_on_error=False, group="matches")

    def _search(self, articles: list[Article]) -> None:
        def readable() -> list[tuple[str, str]]:
            pairs = []
            for article in articles:
                with contextlib.suppress(ArticleError):  # named when it is shown; here it is only not searched
                    pairs.append((article.id, article.text))
            return pairs

        with keys_first():
            found, total = find_everywhere(readable(), self.query_text, LIMIT)
        self.app.call_from_thread(self._show, found, total)

    def _show(self, found: list[Found], total: int) -> None:
        if not self.is_attached:
            return
        self.found = found
        outlets = {article.id: article.outlet or article.id for article in self.articles}
        reached = len({match.article_id for match in found})
        summary = f"{counted(total, 'match', 'matches')} of {self.query_text!r} in {counted(reached, 'article')}"
        if total > len(found):
            summary += f" (the first {len(found):,} listed)"
        self.query_one("#matches-summary", Static).update(plain(summary + " · enter: go there · escape: back"))
        options = self.query_one(OptionList)
        options.add_options([Option(self._line(outlets[match.article_id], match)) for match in found])
        if found:
            options.highlighted = 0  # enter goes to the first at once
        options.focus()

    @staticmethod
    def _line(outlet: str, match: Found) -> Text:
        return Text.assemble(
            plain(f"{outlet}  ", style="bold"),
            plain(match.before, style="dim"),
            plain(match.text, style="reverse"),
            plain(match.after, style="dim"),
        )

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss()
        self._on_jump(self.found[event.option_index])

    def action_close(self) -> None:
        self.dismiss()
