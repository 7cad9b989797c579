"""Actors that two or more articles name: the same name across spellings and
transliterations ("Kataib", "Kata’ib", "Kitaeb", "Kataeb"), an abbreviation a text
defines ("Kataib Hezbollah (KH)") or that spells a name's initials, and a surname or
the end of a name standing for the whole ("Hoffman" for "Jonathan Hoffman", "Mahdi" for
"Adel Abdul Mahdi").

A name is a run of capitalised words (with "al-", "bin" and "of" inside), less the
titles and sentence-opening words before it. Two names are one when each word's
skeleton (lower case, no accents or apostrophes, vowels after the first letter dropped,
doubled letters single, s as z) is the same or one edit apart (rapidfuzz), word by
word: "Hezbollah" alone is not "Kataib Hezbollah". Places, read as such because most
of their mentions follow "in", "near" or "across", and nationality adjectives alone
("Iraqi") are not proposed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from ..components import Components
from .model import Mention, Proposal

_WORD = r"(?:(?:[Aa]l|[Ee]l|[Bb]in|[Aa]bu)-)?(?:[A-Z][\w’'.-]*\w|[A-Z]\.(?=\s[A-Z])|[A-Z])"
_NAME = re.compile(rf"{_WORD}(?:(?:\s|-)(?:(?:of|of the|bin|al|de)\s)?{_WORD})*")
_POSSESSIVE_INSIDE = re.compile(r"[’']s\b\s*")
# Words that open a sentence or give a rank: not part of the name they stand before.
_LEADING = frozenset(
    """
    a an the of in on at as but and or if so for from by with under after before since when while
    this that these those his her its their our we he she it they i there here both another other
    earlier later late like also then however according sunday monday tuesday wednesday thursday
    friday saturday january february march april may june july august september october november
    december mr mrs ms dr sen lt col gen president prime minister secretary spokesman chief
    defense defence state assistant special representative deputy former speaker populist
    photo contributing additional written us u.s. iraqi iranian american lebanese syrian pro
    one two three four five six seven eight nine ten eleven twelve
""".split()
)
_ORGANISATION = frozenset(
    """
    hezbollah force forces command department units corps commission republic state brigades group
    ministry army council party guard operation resolve mobilization mobilisation pentagon
    organization organisation agency office coalition militia
""".split()
)
_LOCATIVE = re.compile(
    r"\b(?:in|inside|near|across|throughout|at|from|(?:city|town|province|region|district) of)\s+(?:the\s+)?"
    r"(?:[A-Z][\w’'-]+\s+(?:and|or)\s+)?$"
)
# Nationality and creed adjectives, and compounds made with them: "Iraqi", "Shi’ite", "Iran-backed".
_ADJECTIVE = re.compile(r"(?:i|is|ian|ians|ean|ese|ish|ans|ite|ites)$|-(?:backed|led|based|linked|born|allied)$")
_ABBREVIATION = re.compile(r"\(\s*([A-Z]{2,6})\s*\)")
PLACE_SHARE = 0.5  # of a name's mentions after a locative preposition: a place, not an actor
_DISTINCT = frozenset({"pentagon", "hezbollah"})  # organisation words that do name one


def _fold(word: str) -> str:
    word = unicodedata.normalize("NFKD", word)
    word = "".join(char for char in word if not unicodedata.combining(char))
    return re.sub(r"[’'`.]", "", word.casefold())


def skeleton(word: str) -> str:
    """``word`` as its consonants: transliterations of one name differ in their vowels."""
    folded = _fold(word).replace("z", "s").replace("ph", "f")
    if len(folded) > 4 and folded.endswith("s"):
        folded = folded[:-1]
    letters = folded[:1] + re.sub(r"[aeiouy]", "", folded[1:])
    return re.sub(r"(.)\1+", r"\1", letters)


@dataclass
class _Name:
    """A name as one article writes it, with every mention of it there."""

    article_id: str
    words: tuple[str, ...]  # folded, hyphens split
    mentions: list[Mention] = field(default_factory=list)
    located: list[bool] = field(default_factory=list)  # each mention: after "in", "near"...
    abbreviation: str = ""

    @property
    def is_person(self) -> bool:
        return (
            len(self.words) >= 2 and not _ORGANISATION.intersection(self.words) and not self.mentions[0].text.isupper()
        )

    @property
    def initials(self) -> str:
        return "".join(word[0] for word in self.words if word not in ("of", "the", "al", "bin", "de")).upper()


def _words(text: str) -> tuple[str, ...]:
    """The name's words, folded, without middle initials ("Mark T. Esper": mark esper)."""
    parts = [_fold(part) for part in re.split(r"[\s-]+", text) if part]
    return tuple(part for index, part in enumerate(parts) if len(part) > 1 or index == len(parts) - 1)


def _runs(text: str) -> Iterable[tuple[int, int]]:
    """Runs of capitalised words, cut after a possessive ("Iran’s Quds Force": Iran, Quds Force)."""
    for match in _NAME.finditer(text):
        start = match.start()
        for possessive in _POSSESSIVE_INSIDE.finditer(text, match.start(), match.end()):
            yield start, possessive.start()
            start = possessive.end()
        if start < match.end():
            yield start, match.end()


def _is_leading(word: str, last: bool) -> bool:
    """A word before a name that is not part of it: a title, an opening word, or (when a
    word follows) an adjective such as "Sunni"."""
    folded = _fold(word)
    return folded in _LEADING or (not last and not word.isupper() and bool(_ADJECTIVE.search(folded)))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The name in ``text[start:end]`` without leading titles and opening words; an
    adjective dropped before an organisation's name comes back ("Iraqi Security Forces")."""
    tokens = [(start + token.start(), start + token.end()) for token in re.finditer(r"\S+", text[start:end])]
    dropped = None
    while tokens and _is_leading(text[tokens[0][0] : tokens[0][1]], last=len(tokens) == 1):
        dropped = tokens.pop(0)
    if not tokens:
        return None
    if (
        dropped
        and _ADJECTIVE.search(_fold(text[dropped[0] : dropped[1]]))
        and _ORGANISATION.intersection(_words(text[tokens[0][0] : end]))
    ):
        tokens.insert(0, dropped)
    start = tokens[0][0]
    while end > start and text[end - 1] in ".-":
        end -= 1
    if re.search(r"(?<![\w.])(?:[A-Z]\.)+[A-Z]$", text[start:end]) and text[end : end + 1] == ".":
        end += 1  # "U.S" keeps its full stop
    return (start, end) if end > start else None


def article_names(article_id: str, text: str) -> list[_Name]:
    """The names an article mentions, a surname or a name's end joined to the full name."""
    by_words: dict[tuple[str, ...], _Name] = {}
    for run_start, run_end in _runs(text):
        bounds = _trimmed(text, run_start, run_end)
        if bounds is None:
            continue
        start, end = bounds
        words = _words(text[start:end])
        name = by_words.setdefault(words, _Name(article_id, words))
        name.mentions.append(Mention(article_id, start, end, text[start:end]))
        name.located.append(bool(_LOCATIVE.search(text[max(0, start - 40) : start])))
        defined = _ABBREVIATION.match(text, end, end + 10)
        if defined and len(words) >= 2:
            name.abbreviation = defined.group(1)
    return _join_short_forms([name for name in by_words.values() if not _is_adjective_or_common(name)])


def _is_adjective_or_common(name: _Name) -> bool:
    """ "Iraqi", "Iran-backed", "Department": words that name no one by themselves."""
    folded = _fold(name.mentions[0].text)
    if len(name.words) <= 2 and _ADJECTIVE.search(folded) and folded != "iran" and not name.mentions[0].text.isupper():
        return True
    return len(name.words) == 1 and name.words[0] in _ORGANISATION - _DISTINCT


def _is_place(names: list[_Name]) -> bool:
    located = [flag for name in names for flag in name.located]
    return sum(located) >= PLACE_SHARE * len(located) and not any(
        _ORGANISATION.intersection(name.words) for name in names
    )


def _join_short_forms(names: list[_Name]) -> list[_Name]:
    """A person's surname (or a name's last words) and an abbreviation the article defines
    join the full name they stand for."""
    by_abbreviation = {name.abbreviation: name for name in names if name.abbreviation}
    people = sorted((name for name in names if name.is_person), key=lambda name: -len(name.words))
    kept = []
    for name in names:
        full = by_abbreviation.get(name.mentions[0].text) if len(name.words) == 1 else None
        full = full or next(
            (
                person
                for person in people
                if len(person.words) > len(name.words) and person.words[-len(name.words) :] == name.words
            ),
            None,
        )
        if full is not None and full is not name:
            full.mentions.extend(name.mentions)
        else:
            kept.append(name)
    return kept


def same_name(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """Word by word, the same skeleton or one edit apart (two for long words); a
    nationality before one of them aside ("Lebanese Hezbollah" is "Hezbollah")."""
    if len(first) == len(second) + 1 and _ADJECTIVE.search(first[0]):
        first = first[1:]
    elif len(second) == len(first) + 1 and _ADJECTIVE.search(second[0]):
        second = second[1:]
    if len(first) != len(second):
        return False
    for first_word, second_word in zip(first, second, strict=True):
        one, other = skeleton(first_word), skeleton(second_word)
        allowed = 0 if max(len(one), len(other)) <= 4 else 1 if max(len(one), len(other)) <= 7 else 2
        if Levenshtein.distance(one, other) > allowed:
            return False
    return True


def propose_actors(articles: Iterable[tuple[str, str]]) -> list[Proposal]:
    """Names two or more of ``articles`` (id, text) share, one proposal each."""
    names = [name for article_id, text in articles for name in article_names(article_id, text)]
    joined, reasons = _join_names(names)
    groups: dict[str, list[int]] = defaultdict(list)
    for index in range(len(names)):
        groups[joined.find(str(index))].append(index)
    why: dict[str, set[str]] = defaultdict(set)
    for index, reason in reasons:
        why[joined.find(str(index))].add(reason)
    article_count = len({name.article_id for name in names}) or 1
    proposals = []
    for root, indices in groups.items():
        group = [names[index] for index in indices]
        members = _first_mentions(group)
        if len(members) >= 2 and not _is_place(group):
            joined_by = why[root] - {"same name"} or {"same name"}  # what joined spellings that differ, if any did
            reason = "; ".join(sorted(joined_by, key=_STRENGTH.index, reverse=True))
            proposals.append(Proposal("actor", members, reason, round(0.5 + 0.5 * len(members) / article_count, 3)))
    return proposals


def _first_mentions(group: list[_Name]) -> list[Mention]:
    """One mention an article: its fullest form, the first of those."""
    best: dict[str, tuple[tuple[int, int], Mention]] = {}
    for name in group:
        for mention in name.mentions:
            rank = (len(name.words), -mention.start)
            if mention.article_id not in best or rank > best[mention.article_id][0]:
                best[mention.article_id] = (rank, mention)
    return sorted(mention for _, mention in best.values())


def _join_names(names: list[_Name]) -> tuple[Components, list[tuple[int, str]]]:
    """Which names are one actor, and why (a name of each group that joined, the reason).

    Names are compared as distinct spellings, in blocks of the same number of words and
    the same first letters: a hundred articles compare a few hundred spellings, not
    every pair of their thousands of mentions (25 s at 100 articles before, measured)."""
    spellings: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, name in enumerate(names):
        spellings[name.words].append(index)
    joined = Components()
    reasons: list[tuple[int, str]] = []

    def join(first: tuple[str, ...], second: tuple[str, ...], reason: str) -> None:
        if joined.find(str(spellings[first][0])) != joined.find(str(spellings[second][0])):
            joined.union(str(spellings[first][0]), str(spellings[second][0]))
            reasons.append((spellings[first][0], reason))

    for indices in spellings.values():
        for index in indices:
            joined.union(str(index), str(indices[0]))
        if len({names[index].article_id for index in indices}) > 1:
            reasons.append((indices[0], "same name"))
    blocks: dict[tuple[int, str], list[tuple[str, ...]]] = defaultdict(list)
    for words in spellings:
        blocks[_block(words)].append(words)
    for block in blocks.values():
        for position, words in enumerate(block):
            for other in block[:position]:
                if same_name(words, other):
                    join(words, other, "same name, spelling variant")
    _join_abbreviations(names, spellings, blocks, join)
    reasons.extend(_join_surnames(names, joined))
    return joined, reasons


def _join_surnames(names: list[_Name], joined: Components) -> list[tuple[int, str]]:
    """A surname alone in one article ("Trump") joins the one person another article names
    in full ("Donald Trump"), when only one person of that surname is named."""
    people: dict[str, set[str]] = defaultdict(set)
    for index, name in enumerate(names):
        if name.is_person:
            people[name.words[-1]].add(joined.find(str(index)))
    reasons = []
    for index, name in enumerate(names):
        if len(name.words) == 1 and not name.mentions[0].text.isupper() and len(people.get(name.words[0], ())) == 1:
            (person,) = people[name.words[0]]
            if joined.find(str(index)) != joined.find(person):
                joined.union(str(index), person)
                reasons.append((index, "surname"))
    return reasons


_STRENGTH = [
    "surname",
    "same name",
    "same name, spelling variant",
    "abbreviation of the name",
    "abbreviation introduced in parentheses",
]


def _block(words: tuple[str, ...]) -> tuple[int, str]:
    """Spellings that may be one name share this: their word count and first letters
    (a nationality before the name aside, as same_name sets it aside)."""
    if len(words) > 1 and _ADJECTIVE.search(words[0]):
        words = words[1:]
    return len(words), "".join(skeleton(word)[:1] for word in words)


def _join_abbreviations(
    names: list[_Name],
    spellings: dict[tuple[str, ...], list[int]],
    blocks: dict[tuple[int, str], list[tuple[str, ...]]],
    join: Callable[[tuple[str, ...], tuple[str, ...], str], None],
) -> None:
    """An abbreviation ("KH") joins the name some article introduces it for, in any of its
    spellings, or a name whose initials it spells ("OIR": Operation Inherent Resolve)."""
    defined = {name.abbreviation: name.words for name in names if name.abbreviation}
    by_initials: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for words, indices in spellings.items():
        if len(words) >= 2:
            by_initials[names[indices[0]].initials].append(words)
    for words, indices in spellings.items():
        text = names[indices[0]].mentions[0].text
        if len(words) != 1 or not text.isupper():
            continue
        full = defined.get(text)
        if full is not None:
            for other in blocks[_block(full)]:
                if same_name(full, other):
                    join(words, other, "abbreviation introduced in parentheses")
        for other in by_initials.get(text, ()):
            join(words, other, "abbreviation of the name")
