"""Suggestions: spans proposed by patterns and by built-in suggesters, for the analyst to
accept or reject (status "suggested" until then; never exported before it is accepted).

- A pattern has a label and either phrases (whole words, case-sensitive unless told) or
  a regular expression (the ``regex`` package's, run for at most PATTERN_TIMEOUT over an
  article: a pattern that backtracks without end is stopped and says so). Pattern files
  are YAML (a list, or a ``patterns:`` list) or JSONL (one pattern a line; Prodigy's
  ``{"label", "pattern": "phrase"}`` lines read as phrases).
- Built-in suggesters, switched on in the label schema (``suggest:``): ``figures`` (a
  number with what it counts), ``quotes`` (words between double quotation marks) and
  ``titles`` (a name after a title: "Defense Secretary Mark Esper").

Finding is pure text work, so it can run away from the interface (a worker thread; a
regex lets go of the GIL while it runs); only storing the result touches the database.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .articles import Article
from .jsonl import JsonlFileError, jsonl_lines
from .model import Annotation
from .schema import SUGGESTERS, LabelSchema, PatternError
from .store import Store

if TYPE_CHECKING:
    import regex  # loaded only for a pattern file's regexes


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    label: str
    source: str  # the suggester: "figures", or the pattern's "FILE:LINE"


# Seconds a pattern's regex may run over one article. A usual pattern takes milliseconds
# over a long article; (a|aa)+$ over forty a's and a '!' would take hours.
PATTERN_TIMEOUT = 0.5


@dataclass
class Suggester:
    """Finds candidate spans of one label in a text. A regex that runs out of time is
    ``stopped`` (the reason) and finds nothing more."""

    label: str
    source: str
    spans: Callable[[str], Iterable[tuple[int, int]]]
    stopped: str = ""
    stop_told: bool = False  # stop_notices has given the reason

    def find(self, text: str) -> Iterator[Candidate]:
        if self.stopped:
            return
        try:
            found = list(self.spans(text))
        except TimeoutError:
            self.stopped = (
                f"{self.source}: pattern stopped: its regex ran over {PATTERN_TIMEOUT} s on one article; "
                "it suggests nothing more"
            )
            return
        for start, end in found:
            if end > start:
                yield Candidate(start, end, self.label, self.source)


def stop_notices(suggesters: Iterable[Suggester]) -> list[str]:
    """Why each suggester stopped since the last call ('FILE:LINE: pattern stopped: ...'), once each."""
    notices = []
    for suggester in suggesters:
        if suggester.stopped and not suggester.stop_told:
            suggester.stop_told = True
            notices.append(suggester.stopped)
    return notices


def _regex_spans(regex: re.Pattern) -> Callable[[str], Iterator[tuple[int, int]]]:
    return lambda text: (match.span() for match in regex.finditer(text))


def _bounded_regex_spans(pattern: regex.Pattern[str]) -> Callable[[str], Iterator[tuple[int, int]]]:
    """A user's regex: released from the GIL while it runs (concurrent), and raising
    TimeoutError after PATTERN_TIMEOUT."""
    return lambda text: (match.span() for match in pattern.finditer(text, timeout=PATTERN_TIMEOUT, concurrent=True))


def phrase_regex(phrases: Iterable[str], case_sensitive: bool = True) -> re.Pattern:
    """The phrases as whole words: "Esper" does not match inside "Espers"; longest first."""
    alternatives = "|".join(re.escape(phrase) for phrase in sorted(set(phrases), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", 0 if case_sensitive else re.IGNORECASE)


def phrase_suggester(label: str, phrases: Iterable[str], source: str, case_sensitive: bool = True) -> Suggester:
    return Suggester(label, source, _regex_spans(phrase_regex(phrases, case_sensitive)))


def occurrences(text: str, phrase: str) -> list[tuple[int, int]]:
    """Every whole-word occurrence of ``phrase`` in ``text``, exactly as written."""
    return [match.span() for match in phrase_regex([phrase]).finditer(text)]


# -- pattern files --------------------------------------------------------------------


def load_patterns(path: Path, labels: Iterable[str]) -> list[Suggester]:
    """The patterns of a YAML or JSONL file; raises PatternError naming the file and line."""
    entries = _jsonl_entries(path) if path.suffix.lower() in (".jsonl", ".ndjson") else _yaml_entries(path)
    known = list(labels)
    return [_pattern(entry, f"{path}:{line}", known) for line, entry in entries]


def _jsonl_entries(path: Path) -> list[tuple[int, object]]:
    entries: list[tuple[int, object]] = []
    try:
        for line in jsonl_lines(path):
            if line.problem is not None:
                raise PatternError(f"{path}:{line.number}: {line.problem}")
            entries.append((line.number, line.record))
    except JsonlFileError as error:
        raise PatternError(str(error)) from None
    return entries


def _yaml_entries(path: Path) -> list[tuple[int, object]]:
    """Each pattern of the YAML list with the line it starts on."""
    import yaml

    from .simple_yaml import YamlError, compose

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PatternError(f"{path}: cannot read: {getattr(error, 'strerror', None) or error}") from None
    try:
        root, construct = compose(text)
        if isinstance(root, yaml.MappingNode):  # patterns: [...]
            root = next((value for key, value in root.value if key.value == "patterns"), None)
        if not isinstance(root, yaml.SequenceNode):
            raise PatternError(f"{path}: expected a list of patterns (or a 'patterns:' list)")
        return [(node.start_mark.line + 1, construct(node)) for node in root.value]
    except YamlError as error:
        raise PatternError(f"{path}: {error}") from None


def _pattern(entry: object, where: str, labels: list[str]) -> Suggester:
    if not isinstance(entry, dict):
        raise PatternError(f"{where}: expected a pattern with a label and phrases or a regex")
    label = entry.get("label")
    if label not in labels:
        raise PatternError(f"{where}: unknown label {label!r} (the schema has {', '.join(labels)})")
    case_sensitive = entry.get("case_sensitive", True)
    if not isinstance(case_sensitive, bool):
        raise PatternError(f"{where}: 'case_sensitive' must be true or false")
    if isinstance(entry.get("pattern"), list):
        raise PatternError(
            f"{where}: token patterns (a list under 'pattern') are not supported: give phrases or a regex"
        )
    phrases = entry.get("phrases", [entry["pattern"]] if "pattern" in entry else None)
    if "regex" in entry:
        if phrases is not None:
            raise PatternError(f"{where}: give phrases or a regex, not both")
        if not isinstance(entry["regex"], str):
            raise PatternError(f"{where}: 'regex' must be text")
        import regex  # only a regex pattern needs it

        try:
            compiled = regex.compile(entry["regex"], 0 if case_sensitive else regex.IGNORECASE)
        except regex.error as error:
            raise PatternError(f"{where}: invalid regular expression {entry['regex']!r}: {error}") from None
        return Suggester(label, where, _bounded_regex_spans(compiled))
    if isinstance(phrases, str):
        phrases = [phrases]
    if (
        not isinstance(phrases, list)
        or not phrases
        or not all(isinstance(phrase, str) and phrase.strip() for phrase in phrases)
    ):
        raise PatternError(f"{where}: needs 'phrases' (a list of non-empty phrases) or 'regex'")
    return phrase_suggester(label, phrases, where, case_sensitive)


# -- built-in suggesters ----------------------------------------------------------------

_SPACE = r"[ \u00a0]+"


def _lazy(pattern: str, flags: int = 0) -> Callable[[], re.Pattern]:
    """The pattern, compiled on first use: compiling these costs start-up milliseconds."""
    return functools.cache(lambda: re.compile(pattern, flags))


def _words(alternatives: str) -> str:
    """Alternatives written with spaces, for a VERBOSE pattern (which would drop the spaces)."""
    return alternatives.replace(" ", _SPACE)


_NUMBER_WORDS = _words(
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|a dozen|dozen"
)
_VAGUE_AMOUNTS = _words("dozens|scores|hundreds|thousands|tens of thousands|hundreds of thousands|millions")
_FIGURE_QUALIFIERS = _words(
    "at least|more than|fewer than|less than|at most|up to|as many as|no fewer than|no more than|nearly|almost|"
    "about|around|approximately|roughly|some|over|an estimated|close to"
)
_MONTHS = (
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_AFTER_MONTH = _lazy(rf"\b(?:{_MONTHS})\.?{_SPACE}$")
_FIGURE = _lazy(
    rf"""(?<![\w.,-])
        (?P<qualifier>(?:{_FIGURE_QUALIFIERS}){_SPACE})?
        (?:(?P<vague>(?:{_VAGUE_AMOUNTS})){_SPACE}of{_SPACE}
          |(?P<number>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|(?:{_NUMBER_WORDS})(?:[ -](?:{_NUMBER_WORDS}))*)
           (?:{_SPACE}(?:million|billion|thousand))?
           (?![\w-])(?P<of>{_SPACE}of(?:{_SPACE}(?:its|the|their|them))?)?{_SPACE}
        )
        (?P<unit>(?:[\w.’'“”"-]+{_SPACE}){{0,3}}[\w.’'“”"-]+)""",
    re.IGNORECASE | re.VERBOSE,
)
# Words that end what a number counts: verbs, prepositions, conjunctions.
_UNIT_END = frozenset(
    "were was are is have has had been be who which that killed died in on at from during after before since by "
    "with said and or but as to for of against near into inside across among including than per while".split()
)
_CASUALTIES = frozenset("dead killed wounded injured".split())
_TIME_UNITS = frozenset(
    "second seconds minute minutes hour hours day days week weeks month months year years decade decades times".split()
)


def _figure_spans(text: str) -> Iterator[tuple[int, int]]:
    """ "at least 25 militia fighters", "more than 30 rockets", "about 5,000 U.S. troops":
    a number (digits or words), with its qualifier, and the one to four words it counts.
    Not years, dates, times, model names ("F-15"), nor a number with no noun ("one of")."""
    position = 0
    while (match := _FIGURE().search(text, position)) is not None:
        position = match.start() + 1  # the words a figure did not use may hold the next one
        number = match.group("number") or ""
        if re.fullmatch(r"(?:1[89]|20)\d\d", number) or _AFTER_MONTH().search(
            text, max(match.start() - 12, 0), match.start()
        ):
            continue  # a year, or the day of a date
        if match.group("of") and not number[:1].isdigit():
            continue  # "one of the strikes" is not a figure; "19 of its members" is
        kept: list[re.Match[str]] = []
        for word in re.finditer(r"\S+", match.group("unit")):
            bare = _bare(word.group())
            if bare.lower() in _CASUALTIES:
                if not kept:
                    kept.append(word)  # "55 wounded"
                break
            if bare.lower() in _UNIT_END:
                break
            kept.append(word)
            if bare[:1].islower() and (bare.endswith("s") or word.group().endswith(".")):
                break  # a plural noun ends what is counted ("five locations used"), and so does a full stop
        while kept and not _bare(kept[-1].group())[:1].islower():
            kept.pop()  # end on a common noun: "Four U.S. and two" gives nothing for four
        if not kept or _bare(kept[-1].group()).lower() in _TIME_UNITS:
            continue
        end = match.start("unit") + kept[-1].end()
        while text[end - 1] in ".’'":  # a full stop or an apostrophe after the noun is not part of it
            end -= 1
        position = end
        yield match.start(), end


def _bare(word: str) -> str:
    return word.strip("“”\"'’.")


_QUOTE = _lazy(r"[\"“]([^\"“”\n]{1,1000}?)[\"”]")
_NAME_WORD = _lazy(r"(?:[A-Z][\w’'-]*|of|the|and|for|de|al|la)$")


def _quote_spans(text: str) -> Iterator[tuple[int, int]]:
    """The words between double quotation marks, straight or curly, within a paragraph.
    Not a single word (a scare quote: “martyrs”), nor a name in quotes (“Popular
    Mobilization Forces”). The span holds the words, not the marks nor a closing comma."""
    for match in _QUOTE().finditer(text):
        inner = match.group(1)
        words = re.findall(r"[\w’'-]+", inner)
        if len(words) < 2 or all(_NAME_WORD().match(word) for word in words):
            continue
        start, end = match.start(1), match.end(1)
        while end > start and text[end - 1] in " ,\u00a0":
            end -= 1
        while start < end and text[start] in " \u00a0(":
            start += 1
        yield start, end


_TITLES = (
    r"Secretary(?:[ \u00a0]+of[ \u00a0]+State|-General)?|[Ss]pokes(?:man|woman|person)|(?:Vice[ \u00a0]+)?President|"
    r"(?:Prime[ \u00a0]+)?Minister|General|Gen\.|Lt\.|Col\.|Maj\.|Capt\.|Adm\.|Admiral|[Cc]ommander|[Ll]eader|"
    r"Ambassador|Senator|Sen\.|Rep\.|Representative|Governor|Gov\.|Ayatollah|Director|[Ee]nvoy|King|Prince|Sheikh|"
    r"Mayor|Chairman|Speaker"
)
_NAME_WORD_PATTERN = r"(?:[A-Z]\.(?=[ \u00a0])|(?:al-|el-)?[A-Z][\w’'-]*)"  # an initial, or a name
_CAPITALISED = r"(?:[A-Z](?:\.[A-Z])+\.|[A-Z][\w’'-]*)"
_TITLED_NAME = _lazy(
    rf"""(?<![\w.])(?P<prefix>(?:{_CAPITALISED}[ \u00a0]+){{0,3}})
        (?:(?:{_TITLES})[ \u00a0]+)+
        (?P<name>{_NAME_WORD_PATTERN}(?:[ \u00a0]+{_NAME_WORD_PATTERN}){{0,3}})""",
    re.VERBOSE,
)
# Capitalised words that start a sentence or a clause, not a title: "The Pentagon spokesman".
_NOT_PREFIX = frozenset(
    "The A An Both Under In On At But And As For With By From Of To When While After Before Then That This".split()
)


def _titled_name_spans(text: str) -> Iterator[tuple[int, int]]:
    """A name run after a title, with the capitalised words that qualify the title:
    "Defense Secretary Mark Esper", "Pentagon spokesman Jonathan Hoffman". Not a title
    with no name after it ("a senior official said"), nor across a line or a sentence."""
    for match in _TITLED_NAME().finditer(text):
        start = match.start()
        for word in re.finditer(r"\S+", match.group("prefix")):
            if word.group() not in _NOT_PREFIX:
                break
            start = match.start("prefix") + word.end()
        while text[start] in " \u00a0":
            start += 1
        name = match.group("name")
        end = match.start("name") + len(name)
        if name.endswith(("’s", "'s")):
            end -= 2  # President Donald Trump's
        yield start, end


# In the order the schema names them (schema.SUGGESTERS, which checks a schema's suggest:).
BUILTINS: dict[str, Callable[[str], Iterable[tuple[int, int]]]] = dict(
    zip(SUGGESTERS, (_figure_spans, _quote_spans, _titled_name_spans), strict=True)
)


def builtin_suggester(name: str, label: str) -> Suggester:
    return Suggester(label, name, BUILTINS[name])


# -- from candidates to suggestions -------------------------------------------------------


def candidates(text: str, suggesters: Iterable[Suggester]) -> list[Candidate]:
    """What the suggesters find, in reading order; of overlapping candidates of one label,
    the longest (then the first) is kept."""
    return without_overlaps([candidate for suggester in suggesters for candidate in suggester.find(text)], [])


def without_overlaps(found: list, existing: list[Annotation]) -> list:
    """The candidates (or annotations) that overlap no stored span of their label (whatever
    its status: a rejected suggestion stays rejected) and no longer candidate of their label."""
    taken: dict[str, list[tuple[int, int]]] = {}
    for span in existing:
        taken.setdefault(span.label, []).append((span.start, span.end))
    kept = []
    for candidate in sorted(found, key=lambda candidate: (-(candidate.end - candidate.start), candidate.start)):
        places = taken.setdefault(candidate.label, [])
        if any(start < candidate.end and candidate.start < end for start, end in places):
            continue
        places.append((candidate.start, candidate.end))
        kept.append(candidate)
    return sorted(kept, key=lambda candidate: (candidate.start, candidate.end, candidate.label))


def new_suggestions(
    article_id: str,
    text: str,
    found: list[Candidate],
    existing: list[Annotation],
    annotator: str,
    status: str = "suggested",
) -> list[Annotation]:
    """The candidates not already stored, as annotations (suggested, unless ``status`` says
    otherwise: tagging every occurrence directly makes pending tags)."""
    return [
        Annotation.create(
            article_id,
            text,
            candidate.start,
            candidate.end,
            candidate.label,
            annotator,
            status,
            candidate.source if status == "suggested" else "",
        )
        for candidate in without_overlaps(found, existing)
    ]


def configured_suggesters(schema: LabelSchema, pattern_files: Iterable[Path] = ()) -> list[Suggester]:
    """The schema's built-in suggesters and patterns, then those of ``pattern_files``
    (--patterns); raises PatternError for a pattern file that cannot be used."""
    suggesters = [builtin_suggester(name, label) for name, label in schema.suggesters]
    for path in (*schema.pattern_files, *pattern_files):
        suggesters += load_patterns(path, schema.names)
    return suggesters


def occurrence_candidates(text: str, span: Annotation) -> list[Candidate]:
    """Every whole-word occurrence of ``span``'s text in ``text``, as candidates of its label."""
    return [Candidate(start, end, span.label, "occurrences") for start, end in occurrences(text, span.text)]


def store_suggestions(store: Store, article: Article, found: list[Candidate], annotator: str) -> list[Annotation]:
    """Store the candidates that are new as suggestions, in one write; returns them. Like an
    import this makes no undo step: suggestions are undone by rejecting them."""
    fresh = new_suggestions(article.id, article.text, found, store.annotations(article.id), annotator)
    if fresh:
        store.import_spans(article, fresh)
    return fresh
