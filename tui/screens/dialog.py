"""The base of the screens opened over another in a box at its centre: the keys, the
article picker, a choice, a name."""

from __future__ import annotations

from textual.screen import ModalScreen


class Dialog(ModalScreen[None]):
    # Their look is in dialog.tcss, which Textual reads when the first of them opens, not
    # at start-up. The screen's own rule is here: Textual styles a screen before it reads
    # the screen's CSS_PATH, which then reaches only what the screen mounts.
    CSS_PATH = "dialog.tcss"
    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    """
