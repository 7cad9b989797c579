"""Figures that count the same thing in the same event, across articles: "at least 25
militia fighters were killed", "24 “martyrs” had been killed", "killing four fighters".

Each number in a text is read as figures.py reads a tagged figure (its qualifier, value
and the noun after it), then given a key: what it counts (a class of nouns: fighters,
troops, sites, rockets...), what happened to them when that is a casualty (killed or
wounded), whose troops (US or Iraqi) and, for sites, where ("three inside Iraq" is not
"five locations"). A number that names nothing it counts ("55 wounded", "two in Syria")
takes the noun of the number before it in its sentence, or of the one it is coordinated
with ("Four U.S. and two Iraqi military personnel"). Figures with the same key in two or
more articles make a proposal; their values are left as written, so that the compare
view can mark the row ≠ where they cannot all be true.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..figures import Figure, parse_figure
from ..sentences import sentence_spans
from .model import Mention, Proposal

_NUMBER_WORDS = (
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    "eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|dozens|hundreds|thousands|"
    "several|a few|a dozen|one"
)
_QUALIFIER = (
    r"at least|no fewer than|no less than|more than|over|upwards of|fewer than|less than|under|at most|up to|"
    r"as many as|no more than|about|around|approximately|roughly|some|nearly|almost|close to|an estimated"
)
# A number, with the qualifier before it: not a year, a model (F-15), a base (K1) or "8th".
_AMOUNT = re.compile(
    rf"(?:\b(?:{_QUALIFIER})\s+)?(?:(?<![\w-])\d[\d,]*(?![\w-])|\b(?:{_NUMBER_WORDS})\b(?:[\s-](?:{_NUMBER_WORDS})\b)*)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:1[89]|20)\d\d")

# What a number counts, by the words of its noun; troops before fighters, so that "two
# members of the Iraqi Security Forces" are troops and "19 of its members" fighters.
_CLASSES = [
    ("troops", r"service ?members|servicemen|soldiers|troops|personnel|security forces|marines"),
    ("commanders", r"commanders?|leaders"),
    ("fighters", r"fighters|militants|militiamen|martyrs|members|combatants"),
    ("contractors", r"contractors?"),
    ("civilians", r"civilians|people|protesters"),
    ("attacks", r"attacks|assaults"),
    ("sites", r"locations|sites|facilities|targets|bases|depots|positions"),
    ("rockets", r"rockets|missiles|mortars"),
    ("strikes", r"airstrikes|air strikes|strikes|raids"),
]
_CASUALTIES = {"troops", "commanders", "fighters", "contractors", "civilians"}
_NOT_COUNTS = re.compile(
    r"\W*(?:years?|months?|weeks?|days?|hours?|minutes?|times|percent|per cent|%)\b", re.IGNORECASE
)
_KILLED = re.compile(r"\b(?:kill(?:ed|ing|s)?|dead|died|deaths?|martyrs?)\b", re.IGNORECASE)
_WOUNDED = re.compile(r"\b(?:wound(?:ed|ing|s)?|injur(?:ed|ing|ies|y))\b", re.IGNORECASE)
_US = re.compile(r"\b(?:US|U\.S\.?|American)\b")
_IRAQI = re.compile(r"\bIraqi\b")
_PLACE = re.compile(r"\b(?:in|inside)\s+([A-Z][\w’'-]+)(\s+and\s+[A-Z])?")
_COORDINATED = re.compile(r"^[^,;:]{0,15}\b(?:and|or)\s*$")
EVENT_WINDOW = 70  # characters either side in which a verb says what happened to the counted


@dataclass
class _Count:
    mention: Mention
    figure: Figure
    sentence: tuple[int, int]
    noun: str  # the class, "" when the number names none of its own
    side: str = ""
    place: str = ""
    event: str = ""

    def key(self) -> tuple[str, str, str, str]:
        """What must be the same for two figures to count one thing: noun, event, side, place."""
        return (
            self.noun,
            self.event if self.noun in _CASUALTIES else "",
            self.side if self.noun == "troops" else "",
            self.place if self.noun == "sites" else "",
        )


def _noun_class(head: str, unit: str) -> tuple[str, int]:
    """The class of the first counting noun in ``head`` (the unit's first words) and
    where that noun ends; a member of some armed force (named in ``unit``) is one of its troops."""
    found = [
        (match.start(), match.end(), name)
        for name, words in _CLASSES
        for match in re.finditer(rf"\b(?:{words})\b", head, re.IGNORECASE)
    ]
    if not found:
        return "", 0
    start, end, name = min(found)
    if name == "fighters" and head[start:end].lower() == "members":
        troops = [match.end() for match in re.finditer(rf"\b(?:{_CLASSES[0][1]})\b", unit, re.IGNORECASE)]
        if troops:
            return "troops", troops[0]
    return name, end


def _event(text: str, count: _Count) -> str:
    """Killed or wounded: the first such word after the number in its sentence, else the
    nearest before it."""
    start, end = count.sentence
    after = text[count.mention.start : min(end, count.mention.end + EVENT_WINDOW)]
    before = text[max(start, count.mention.start - EVENT_WINDOW) : count.mention.start]
    hits = [
        (match.start(), kind)
        for kind, pattern in (("killed", _KILLED), ("wounded", _WOUNDED))
        for match in pattern.finditer(after)
    ]
    if hits:
        return min(hits)[1]
    hits = [
        (match.end(), kind)
        for kind, pattern in (("killed", _KILLED), ("wounded", _WOUNDED))
        for match in pattern.finditer(before)
    ]
    return max(hits)[1] if hits else ""


def _counts_in(article_id: str, text: str, start: int, end: int) -> list[_Count]:
    counts = []
    for match in _AMOUNT.finditer(text, start, end):
        if _YEAR.fullmatch(match.group().split()[-1]) or _NOT_COUNTS.match(text, match.end()):
            continue
        rest = text[match.end() : end]
        figure = parse_figure(text[match.start() : end])
        if figure is None:
            continue
        casualty = re.match(r"\s*(?:dead|killed|wounded|injured)\b", rest)
        # The unit as written: figures.py drops "of the" before it and quotation marks in it.
        unit_text = "" if casualty else rest[: len(figure.unit) + 12]
        noun, noun_end = _noun_class(" ".join(unit_text.split(" ")[:5]), unit_text)
        if match.group().lower() == "one" and not (noun and rest[:noun_end].count(" ") <= 2):
            continue  # "one of the strikes", "one is": not a count
        last_word = figure.unit.split()[-1] if figure.unit and not casualty else ""
        unit_end = unit_text.find(last_word) + len(last_word) if last_word and last_word in unit_text else 0
        stop = match.end() + (noun_end or (casualty.end() if casualty else unit_end))
        stop += text[stop : stop + 1] in ("”", '"')
        mention = Mention(article_id, match.start(), stop, text[match.start() : stop])
        counts.append(_Count(mention, figure, (start, end), noun))
    return counts


def _fill_in(text: str, counts: list[_Count]) -> None:
    """Give a number with no noun of its own the noun of its coordinated neighbour ("Four
    U.S. and two Iraqi military personnel") or of the number before it in its sentence."""
    for index, count in enumerate(counts):
        following = counts[index + 1] if index + 1 < len(counts) else None
        if not count.noun and following and _COORDINATED.match(text[count.mention.end : following.mention.start]):
            count.noun = following.noun
        if not count.noun and index and counts[index - 1].sentence == count.sentence:
            count.noun = counts[index - 1].noun
    for index, count in enumerate(counts):
        count.side = "US" if _US.search(count.mention.text) else "Iraqi" if _IRAQI.search(count.mention.text) else ""
        count.event = _event(text, count)
        # Where: "in Iraq" before the next number of the sentence ("three in Iraq and two in Syria").
        following = counts[index + 1] if index + 1 < len(counts) else None
        stop = following.mention.start if following and following.sentence == count.sentence else count.sentence[1]
        place = _PLACE.search(text, count.mention.start, stop)
        count.place = place.group(1) if place and not place.group(2) else ""


def article_counts(article_id: str, text: str) -> list[_Count]:
    counts: list[_Count] = []
    for start, end in sentence_spans(text):
        counts.extend(_counts_in(article_id, text, start, end))
    _fill_in(text, counts)
    return [count for count in counts if count.noun]


def _describe(key: tuple[str, str, str, str]) -> str:
    noun, event, side, place = key
    words = [side, noun, event, f"in {place}" if place else ""]
    return "same count: " + " ".join(word for word in words if word)


def propose_counts(articles: Iterable[tuple[str, str]]) -> list[Proposal]:
    """Figures with one key in two or more of ``articles`` (id, text)."""
    articles = list(articles)
    groups: dict[tuple[str, str, str, str], list[_Count]] = defaultdict(list)
    for article_id, text in articles:
        for count in article_counts(article_id, text):
            groups[count.key()].append(count)
    _join_unsided(groups)
    proposals = []
    for key, counts in groups.items():
        outlets = {count.mention.article_id for count in counts}
        if len(outlets) < 2:
            continue
        score = 0.5 + 0.5 * len(outlets) / len(articles)
        proposals.append(Proposal("figure", sorted(count.mention for count in counts), _describe(key), round(score, 3)))
    return proposals


def _join_unsided(groups: dict[tuple[str, str, str, str], list[_Count]]) -> None:
    """Troops whose side the text leaves unsaid ("wounded four soldiers") join the sided
    group of the same event that gives the same value, else the largest."""
    for key in [key for key in groups if key[0] == "troops" and not key[2]]:
        sided = [other for other in groups if other[:2] == key[:2] and other[3] == key[3] and other[2]]
        if not sided:
            continue
        for count in groups.pop(key):
            same_value = [other for other in sided if any(c.figure.value == count.figure.value for c in groups[other])]
            target = (same_value or sorted(sided, key=lambda other: -len(groups[other])))[0]
            groups[target].append(count)
