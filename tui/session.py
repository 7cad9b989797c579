"""The session: what one run of the app works on (the store, the label schema, who
annotates, the open articles), made once by the command that starts the app and read by
every screen, instead of the same things handed from screen to screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotations.articles import Corpus
from annotations.schema import LabelSchema
from annotations.store import Store

from .styles import LabelStyles

if TYPE_CHECKING:
    from annotations.suggest import Suggester


@dataclass
class Session:
    store: Store
    schema: LabelSchema
    annotator: str  # who tags, reviews and adjudicates: every change is saved under this name
    # The command's corpus, listed and read as far as the screens ask (the rest in the
    # background); articles already opened (a script's, a test's) make a complete one.
    articles: Corpus = field(default_factory=lambda: Corpus.of([]))
    # Inputs skipped, to name on screen (a corpus's own, when one is given); an article
    # found unreadable while the app runs joins the list, which the caller reports when
    # the app ends.
    problems: list[str] = field(default_factory=list)
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys, from --keymap
    suggesters: list[Suggester] = field(default_factory=list)  # propose spans as articles are shown
    label_styles: LabelStyles = field(init=False)

    def __post_init__(self) -> None:
        self.articles = Corpus.of(self.articles, self.problems)
        self.problems = self.articles.problems  # one list: what the corpus meets as it is read joins it
        self.label_styles = LabelStyles(self.schema)
