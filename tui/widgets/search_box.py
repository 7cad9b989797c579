"""The search box: enter runs the search, escape closes it, each before the next key."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.widgets import Input

from .keys import pass_on_if_unfocused


class SearchBox(Input):
    def __init__(self, on_search: Callable[[str], None], on_close: Callable[[], object], **kwargs) -> None:
        super().__init__(**kwargs)
        self.display = False  # shown by whoever opens it
        self._on_search = on_search
        self._on_close = on_close

    async def _on_key(self, event: events.Key) -> None:
        # Enter and escape are handled here, not by bindings, so a key typed right after
        # them is not read into the box (see keys.py); it goes on to the article.
        if pass_on_if_unfocused(self, event):
            return
        if event.key in ("enter", "escape"):
            event.stop()
            event.prevent_default()
            if event.key == "enter":
                self._on_search(self.value)
            else:
                self._on_close()
            return
        await super()._on_key(event)
