"""Figures as news reports them: "at least 25 militia fighters", "four", "about 5,000 U.S. troops".

A figure is read into an interval of possible values, its qualifier, and the noun it
counts, so that outlets can be compared: "at least 25" and "25" agree, "19" and "24"
do not. Reports round and hedge, so the intervals are deliberately generous.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# Plural amounts with no number: a range, as a reader would take them.
_VAGUE = {
    "dozens": (24, 99),
    "scores": (40, 99),
    "hundreds": (200, 999),
    "thousands": (2_000, 9_999),
    "tens of thousands": (20_000, 99_999),
    "hundreds of thousands": (200_000, 999_999),
    "millions": (2_000_000, 9_999_999),
    "several": (3, 9),
    "a few": (2, 5),
    "a handful": (2, 6),
    "a dozen": (12, 12),
    "dozen": (12, 12),
}
_WORD_NUMBER = "|".join(sorted([*_UNITS, *_TENS, *_SCALES, "dozen"], key=len, reverse=True))

# Qualifiers, longest first so "more than" wins over "more"; each maps to its sign.
_QUALIFIERS = [
    ("at least", ">="),
    ("no fewer than", ">="),
    ("no less than", ">="),
    ("a minimum of", ">="),
    ("or more", ">="),
    ("more than", ">"),
    ("over", ">"),
    ("upwards of", ">"),
    ("in excess of", ">"),
    ("above", ">"),
    ("fewer than", "<"),
    ("less than", "<"),
    ("under", "<"),
    ("below", "<"),
    ("at most", "<="),
    ("up to", "<="),
    ("as many as", "<="),
    ("no more than", "<="),
    ("a maximum of", "<="),
    ("about", "~"),
    ("around", "~"),
    ("approximately", "~"),
    ("roughly", "~"),
    ("some", "~"),
    ("nearly", "~"),
    ("almost", "~"),
    ("close to", "~"),
    ("an estimated", "~"),
    ("estimated", "~"),
    ("an approximate", "~"),
    ("circa", "~"),
    ("c.", "~"),
    ("approx.", "~"),
    ("~", "~"),
]
_QUALIFIER_PATTERN = "|".join(
    re.escape(word) for word, _ in sorted(_QUALIFIERS, key=lambda item: -len(item[0])) if word != "or more"
)
_SIGN = dict(_QUALIFIERS)

_NUMBER = (
    rf"\d[\d,]*(?:\.\d+)?|(?:an?\s+(?=hundred|thousand|million|billion))?(?:{_WORD_NUMBER})"
    rf"(?:[\s-]+(?:{_WORD_NUMBER}|and(?=\s+(?:{_WORD_NUMBER}))))*"
)


@functools.cache
def _figure_pattern() -> re.Pattern:
    """Compiled on first use: it takes milliseconds, which start-up should not pay."""
    return re.compile(
        rf"""(?P<qualifier>\b(?:{_QUALIFIER_PATTERN})\s+)?
             (?P<vague>\b(?:{"|".join(sorted(map(re.escape, _VAGUE), key=len, reverse=True))})\b)?
             (?(vague)|(?P<low>(?<![\w.])(?:{_NUMBER})\b)
               (?:\s*(?:-|–|to|and)\s*(?P<high>\d[\d,]*(?:\.\d+)?|(?:{_WORD_NUMBER})(?:[\s-]+(?:{_WORD_NUMBER}))*)\b)?
               (?P<scale>\s+(?:million|billion|thousand|m|bn)\b)?)
             (?P<rest>.*)""",
        re.IGNORECASE | re.VERBOSE | re.DOTALL,
    )


_BETWEEN = re.compile(r"\bbetween\s+(?=\S)", re.IGNORECASE)
# Words after the number that are not what it counts.
_UNIT_STOP = re.compile(
    r"\b(?:were|was|are|is|have|has|had|been|who|which|that|killed|dead|died|wounded|injured|in|on|at|from|"
    r"during|after|before|since|by|with|said|and|or|but|as|to|for)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    """What a figure says: between ``low`` and ``high`` (inclusive; inf when open) of ``unit``."""

    text: str
    qualifier: str  # "=", ">=", ">", "<=", "<", "~" (about), "range"
    value: float  # the number as written (the lower end of a range)
    low: float
    high: float
    unit: str

    def describe(self) -> str:
        if self.qualifier == "range":
            amount = f"{_number(self.low)}–{_number(self.high)}"
        else:
            amount = f"{'' if self.qualifier == '=' else self.qualifier}{_number(self.value)}"
        return f"{amount} {self.unit}".strip()


def _number(value: float) -> str:
    if math.isinf(value):
        return "∞"
    return f"{value:,.0f}".replace(",", "") if value == int(value) else f"{value:g}"


def _word_value(words: str) -> float | None:
    """ "twenty-five" -> 25, "two hundred and fifty" -> 250, "a dozen" -> 12."""
    total, current = 0, 0
    seen = False
    for word in re.split(r"[\s-]+", words.lower().strip()):
        if word in ("and", "a", "an") or not word:
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "dozen":
            current = max(current, 1) * 12
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] > 100:
                total, current = total + current, 0
        else:
            return None
        seen = True
    return float(total + current) if seen else None


def _value(token: str) -> float | None:
    token = token.strip()
    if token[:1].isdigit():
        return float(token.replace(",", ""))
    return _word_value(token)


_SCALE_WORDS = {"thousand": 1_000, "million": 1_000_000, "m": 1_000_000, "billion": 1_000_000_000, "bn": 1_000_000_000}


def _unit(rest: str) -> str:
    """The noun the number counts: the words after it, up to a verb or a preposition
    ("more than 50 wounded": the wounded)."""
    casualty = re.match(r"\s*(dead|killed|wounded|injured)\b", rest, re.IGNORECASE)
    if casualty:
        return casualty.group(1).lower()
    words = _UNIT_STOP.split(rest, maxsplit=1)[0]
    words = re.sub(r"^\s*(?:of\s+(?:the\s+|its\s+|their\s+)?)?", "", words, flags=re.IGNORECASE)
    words = re.sub(r"[^\w\s.'’-]+", " ", words)
    return " ".join(words.split()).strip(".")


def parse_figure(text: str) -> Figure | None:
    """Read the first figure in ``text``, or None when it holds no number."""
    spoken = " ".join(text.replace("\u00a0", " ").split())
    between = _BETWEEN.search(spoken)
    body = spoken[between.end() :] if between else spoken
    for start in _candidate_starts(body):
        match = _figure_pattern().match(body, start)
        if match is None or not (match.group("vague") or match.group("low")):
            continue
        figure = _figure_from(text, match, is_range=bool(between))
        if figure is not None:
            return figure
    return None


def _candidate_starts(text: str) -> list[int]:
    return [0] + [match.end() for match in re.finditer(r"\s+|(?<=\W)", text)]


def _figure_from(text: str, match: re.Match, is_range: bool) -> Figure | None:
    qualifier_words = (match.group("qualifier") or "").strip().lower()
    rest = match.group("rest") or ""
    sign = _SIGN.get(qualifier_words, "=")
    if sign == "=" and re.match(r"\s*or more\b", rest, re.IGNORECASE):
        sign, rest = ">=", re.sub(r"^\s*or more\b", "", rest, flags=re.IGNORECASE)
    vague = match.group("vague")
    if vague:
        least, most = _VAGUE[vague.lower()]
        qualifier = "range" if least != most else sign
        return Figure(text, qualifier, float(least), float(least), float(most), _unit(rest))
    low = _value(match.group("low"))
    if low is None:
        return None
    high = _value(match.group("high")) if match.group("high") else None
    scale = (match.group("scale") or "").strip().lower()
    if scale:
        low *= _SCALE_WORDS[scale]
        high = high * _SCALE_WORDS[scale] if high is not None else None
    if high is not None:
        if high < low:  # "5 to 3": not a range we can read
            return None
        return Figure(text, "range", low, low, high, _unit(rest))
    if is_range:
        return None
    bounds = {
        "=": (low, low),
        ">=": (low, math.inf),
        ">": (low + 1 if low == int(low) else low, math.inf),
        "<=": (0, low),
        "<": (0, low - 1 if low == int(low) else low),
        "~": (low * 0.9, low * 1.1),
    }[sign]
    return Figure(text, sign, low, *bounds, _unit(rest))


def disagree(figures: list[Figure]) -> bool:
    """Whether the figures cannot all be true at once (no value lies in every interval)."""
    if len(figures) < 2:
        return False
    return max(figure.low for figure in figures) > min(figure.high for figure in figures)
