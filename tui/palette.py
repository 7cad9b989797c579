"""The command palette's Broadsheet commands (ctrl+p): every key of the screen it was
opened over, found by what it does, listed as the help screen lists it (keymap.listed_bindings)
beside Textual's own commands. Loaded when the palette first opens, not at start-up."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.fuzzy import Matcher

from annotations.text import printable

from .keymap import listed_bindings
from .screens.help import key_text

if TYPE_CHECKING:
    from .app import BroadsheetApp
    from .session import Session


class BindingCommands(Provider):
    """Each binding active on the screen, run where it belongs: the focused article column's
    keys (moves, labels) on that column, the screen's on the screen."""

    @property
    def session(self) -> Session:
        return cast("BroadsheetApp", self.app).session

    def _commands(self) -> list[tuple[Binding, DOMNode]]:
        """The listed bindings of the focused widget and its ancestors, each with the first
        of them that has it: a key another binding shadows (the compare table's enter) is
        still found by what it does."""
        owners: dict[str, DOMNode] = {}
        for node in (self.screen.focused or self.screen).ancestors_with_self:
            for bindings in node._bindings.key_to_bindings.values():  # as widgets/keys.py reads them
                for binding in bindings:
                    if binding.id:
                        owners.setdefault(binding.id, node)
        listed = listed_bindings(self.session.schema).values()
        return [(binding, owners[binding.id]) for bindings in listed for binding in bindings if binding.id in owners]

    async def _run(self, binding: Binding, owner: DOMNode) -> None:
        # An action its screen lacks is the app's (quit), as Textual's own binding finds it.
        if not await self.app.run_action(binding.action, owner):
            await self.app.run_action(binding.action)

    def _prompt(self, binding: Binding, description: Content) -> Content:
        """What it does, its keys, and under them its id and what more it says. Plain text
        throughout: a label's name and description come from the schema file, and Textual
        would read a command's help text as markup."""
        keys = key_text(binding, self.session.keymap)
        detail = " · ".join(part for part in (binding.id or "", binding.tooltip) if part)
        return Content.assemble(description, (f"  {printable(keys)}", "bold"), "\n", (printable(detail), "dim"))

    async def discover(self) -> Hits:
        for binding, owner in self._commands():
            yield DiscoveryHit(
                self._prompt(binding, Content(printable(binding.description))),
                partial(self._run, binding, owner),
                text=binding.description,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for binding, owner in self._commands():
            description = printable(binding.description)
            score, offsets = matcher.fuzzy_search.match(query, description)
            if score > 0:
                yield Hit(
                    score,
                    self._prompt(binding, highlighted(matcher, description, offsets)),
                    partial(self._run, binding, owner),
                    text=binding.description,
                )


def highlighted(matcher: Matcher, text: str, offsets: Sequence[int]) -> Content:
    """``text`` as Content (never markup) with the characters the query matched marked."""
    content = Content(text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
