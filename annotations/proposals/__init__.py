"""Proposals: where the open articles meet, found by the machine for the analyst to confirm.

Each proposal is a would-be cluster of mentions across articles (proposals/model.py):
the same actor across spellings and abbreviations (names.py), figures that count the same
thing in the same event (counts.py), the same quotation, whole or in part
(quotes.py), and sentences that report the same fact (claims.py). Everything runs offline
on the articles' texts; nothing is stored."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from .claims import propose_claims
from .counts import propose_counts
from .model import Mention, Proposal
from .names import propose_actors
from .quotes import propose_quotes

__all__ = ["Mention", "Proposal", "propose"]

KINDS = {"actor": propose_actors, "figure": propose_counts, "quote": propose_quotes, "claim": propose_claims}


def propose(
    articles: Iterable[tuple[str, str]], labels: Iterable[str] = tuple(KINDS), kinds: Mapping[str, str] | None = None
) -> list[Proposal]:
    """Proposals of each of ``labels`` over ``articles`` (id, text): by label, best first.
    ``kinds`` says which kind of proposal finds each label's rows (a schema's
    ``proposers``); without it, the kind of the label's own name."""
    articles = list(articles)
    found: list[Proposal] = []
    for label in labels:
        kind = kinds[label] if kinds is not None else label
        proposals = sorted(KINDS[kind](articles), key=lambda proposal: (-proposal.score, proposal.members))
        found.extend(
            proposal if label == kind else dataclasses.replace(proposal, label=label) for proposal in proposals
        )
    return found
