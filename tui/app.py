"""The Textual application: opens the session's first screen, and owns what every screen
shares (notices, the help screen, writing the store's files after each frame)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.screen import Screen

from annotations.store import StoreError
from annotations.text import printable

from .notices import name_skipped
from .screens.main import MainScreen
from .session import Session
from .shown import shown_path

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.notifications import SeverityLevel

    from annotations.review import ReviewFilter

# Seconds from the frame that shows a change to the writing of its files: long enough for
# Textual's writer thread to send the frame out first, shorter than the gap between two
# keys even when a key repeats (about 30 ms).
FILES_AFTER_FRAME = 0.02
# Toasts: seven stacked covered a column for 10 s. At most this many at once (the newest),
# and information, which asks nothing of the analyst, goes after a few seconds.
MAX_NOTICES = 3
INFORMATION_SECONDS = 3


def binding_commands() -> type[Provider]:
    """The command palette's Broadsheet commands, loaded when the palette first opens."""
    from .palette import BindingCommands

    return BindingCommands


class BroadsheetApp(App):
    CSS_PATH = "broadsheet.tcss"
    TITLE = "Broadsheet"
    COMMANDS = App.COMMANDS | {binding_commands}  # Textual's system commands and Broadsheet's keys

    def __init__(self, session: Session, review: ReviewFilter | None = None, disputes: bool = False) -> None:
        """``review`` opens straight into the review screen with that filter (``broadsheet review``),
        and ``disputes`` into adjudication over it."""
        super().__init__()
        self.session = session
        self.review = review
        self.disputes = disputes
        read_only = (
            "READ-ONLY, another Broadsheet writes to it · " if session.store.read_only else ""
        )  # first: never cut
        self.sub_title = f"{read_only}db {shown_path(session.store.path)} · annotator {printable(session.annotator)}"
        self.database_error: StoreError | None = None  # what ended the app, for run_app to report
        # A change is durable once the store has logged it; its files are written after the
        # screen shows it, so a tag waits for one fsync before it shows, not for three.
        session.store.write_behind = self._write_files_after_refresh
        if session.keymap:
            self.set_keymap(session.keymap)

    def get_default_screen(self) -> Screen:
        """The first screen: the articles, or the review (``broadsheet review``). Pushed over
        Textual's empty first screen, it had a whole frame rendered inside the start-up
        batch and thrown away, and showed a frame later."""
        if self.review is None:
            return MainScreen(self.session)
        from .screens.review import ReviewScreen  # the articles' start-up does without it

        return ReviewScreen(self.session, self.review)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notice, from any screen, is plain text: notices quote tags, file names and
        imported names, and read as markup a stray '[/b]' raised and a '[@click=...]' ran
        its action when the notice was clicked. Control characters show as pictures.
        Information goes after INFORMATION_SECONDS, whatever the caller asked."""
        if severity == "information":
            timeout = INFORMATION_SECONDS
        super().notify(printable(message), title=printable(title), severity=severity, timeout=timeout, markup=False)

    def _refresh_notifications(self) -> None:
        """Textual's, which every new notice goes through: the oldest beyond MAX_NOTICES are dropped first."""
        for oldest in list(self._notifications)[:-MAX_NOTICES]:
            del self._notifications[oldest]
        super()._refresh_notifications()

    def exit(self, *args: Any, **kwargs: Any) -> None:
        """Before the screens go (their columns with them), the main screen keeps its layout
        for the next start."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen) and screen.columns.views:
                screen.columns.keep_layout()
        super().exit(*args, **kwargs)

    def action_help_quit(self) -> None:
        """ctrl+c says which key quits, as Textual's own handler does, but in plain words:
        its notice put the key in markup, which no notice here reads."""
        quit_keys = [
            key for key, active in self.active_bindings.items() if active.binding.action in ("quit", "app.quit")
        ]
        if quit_keys:
            self.notify(f"Press {quit_keys[0]} to quit the app", title="Do you want to quit?")

    def action_show_help_panel(self) -> None:
        """The command palette's "Keys": Broadsheet's help screen. Textual's key panel read
        every binding's description as markup, and a label's name (from the schema file) is
        one: '[/b]' raised, and a '[@click=...]' would run when clicked."""
        from .screens.help import HelpScreen  # start-up does without it

        self.push_screen(HelpScreen(self.session))

    def _write_files_after_refresh(self) -> None:
        self.call_after_refresh(self._write_files_soon)

    def _write_files_soon(self) -> None:
        """Textual's writer thread sends each frame to the terminal, and needs the
        interpreter to do it: files written as soon as the frame was composed (their JSON
        made while the thread waited) held a tag's frame back by 1 ms when the article held
        1,000 tags (measured in the app, key read to terminal write)."""
        asyncio.get_running_loop().call_later(FILES_AFTER_FRAME, self._write_files)

    def _write_files(self) -> None:
        try:
            self.session.store.flush()
        except (OSError, StoreError) as error:
            self.notify(
                f"Could not write the database files: {error}. The changes are kept in the undo "
                "log and written with the next one",
                severity="error",
                timeout=10,
            )

    def _handle_exception(self, error: Exception) -> None:
        """A database file that cannot be read as it must be (a damaged file of an article on
        screen) ends the app, its one line printed by run_app after the screen is restored,
        instead of Textual's traceback: the article would show without the tags the file
        holds, and a tag added then could not be saved. Nothing is written over the file."""
        if isinstance(error, StoreError):
            self.database_error = error
            self.exit(return_code=2)
            return
        super()._handle_exception(error)

    def on_mount(self) -> None:
        if self.disputes:
            from .screens.review import ReviewScreen  # loaded already: disputes come with a review

            if isinstance(self.screen, ReviewScreen):
                self.screen.action_disputes()
        name_skipped(self.screen, self.session.problems)
