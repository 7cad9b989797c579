"""What a proposal is: a would-be cluster of mentions across articles, with a reason the
analyst can read and a score to rank it by. Mentions are character ranges of an
article's normalised text, tagged or not yet; nothing here touches the store."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..figures import Figure, parse_figure


@dataclass(frozen=True, order=True)
class Mention:
    """``text[start:end]`` of one article: a would-be span."""

    article_id: str
    start: int
    end: int
    text: str = field(compare=False)


@dataclass
class Proposal:
    """Mentions of one thing in two or more articles. ``label`` is the span label the
    members would get; ``kind`` which proposer found them (actor, figure, quote, claim:
    the label too, unless the schema gives that kind's rows another label); ``reason``
    says why they belong together, in words ("same count: fighters killed"); ``score``
    ranks proposals, 0-1."""

    label: str
    members: list[Mention]
    reason: str
    score: float
    kind: str = ""
    # The key of the members as proposed: a row turned down after cells were taken out of
    # it (x, or columns that could not show them) is remembered as it will be proposed again.
    proposed_key: str = field(init=False, default="")

    def __post_init__(self) -> None:
        self.kind = self.kind or self.label
        self.proposed_key = self.key

    @property
    def key(self) -> str:
        """Stable across runs and proposal orders: what a dismissal is remembered by."""
        places = ";".join(f"{member.article_id}:{member.start}-{member.end}" for member in sorted(self.members))
        return hashlib.sha1(f"{self.label}|{places}".encode()).hexdigest()[:16]

    @property
    def article_ids(self) -> list[str]:
        return list(dict.fromkeys(member.article_id for member in self.members))

    def figures(self) -> dict[Mention, Figure]:
        """What each member of a proposed figure row gives ("at least 25" as >=25), so that
        the row can show ≠. Other kinds give none: a claim's or a quote's first number may
        be a date or a time."""
        if self.kind != "figure":
            return {}
        return {member: figure for member in self.members if (figure := parse_figure(member.text)) is not None}

    def in_article(self, article_id: str) -> list[Mention]:
        return [member for member in self.members if member.article_id == article_id]
