"""Turning untrusted bytes into the article text that every offset refers to.

Normalisation happens once, when an article is read, before any offset exists:
offsets, the stored text and the exported text are all this normalised string,
so ``text[start:end] == span.text`` holds everywhere.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata

# Complete escape sequences are removed outright: they carry no text, and an OSC
# sequence reaching the terminal could retitle it or plant a hyperlink. A string sequence
# (OSC, DCS...) counts only with its terminator: an unterminated one would take the text
# after it along, so it loses just its ESC, which is then shown as a picture.
_ESCAPE_SEQUENCE = re.compile(
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]                 # CSI (colours, cursor moves)
    | \x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)     # OSC (titles, hyperlinks), ended by BEL or ST
    | \x1b[PX^_][^\x1b\n]*\x1b\\             # DCS, SOS, PM, APC strings
    | \x1b(?![]PX^_])[@-Z\\-_]                # other two-character escapes
    | \x9b[0-?]*[ -/]*[@-~]                   # 8-bit CSI
    | \x9d[^\x07\x9c\n]*(?:\x07|\x9c)         # 8-bit OSC
    """,
    re.VERBOSE,
)

# Bidi embedding/override/isolate controls reorder what the terminal shows, so
# the cursor would no longer sit on the character it points at.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _visible_control(char: str) -> str:
    """A printable stand-in for a control character (one character, so offsets stay 1:1)."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode "control pictures": NUL -> ␀, ESC -> ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


_UNSAFE_CHAR = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def normalise(text: str) -> str:
    """Return ``text`` with a BOM, CR line endings and terminal controls made safe."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _UNSAFE_CHAR.search(text) is None:  # the common case: nothing to clean (ESC is unsafe too)
        return text
    text = _ESCAPE_SEQUENCE.sub("", text)
    return _UNSAFE_CHAR.sub(lambda match: _visible_control(match.group()), text)


def _mapped_sub(pattern: re.Pattern, replacement: str, text: str, mapping: list[int]) -> tuple[str, list[int]]:
    """``pattern.sub(replacement, text)``, and ``mapping`` (offsets of the original into
    ``text``) carried on into the result: an offset inside a replaced match goes to where
    its replacement starts, the match's end to where the replacement ends."""
    parts: list[str] = []
    moved: list[int] = []  # offsets of ``text`` (and its end) in the result
    last = length = 0
    for match in pattern.finditer(text):
        kept = text[last : match.start()]
        moved.extend(range(length, length + len(kept)))
        length += len(kept)
        moved.extend([length] * (match.end() - match.start()))
        parts += [kept, replacement]
        length += len(replacement)
        last = match.end()
    parts.append(text[last:])
    moved.extend(range(length, length + len(text) - last + 1))
    return "".join(parts), [moved[offset] for offset in mapping]


_BOM = re.compile("^\ufeff")
_CARRIAGE_RETURN = re.compile("\r\n?")


def normalise_mapped(text: str) -> tuple[str, list[int]]:
    """``normalise(text)``, and where each offset of ``text`` (and its end) lands in it:
    what an import needs to move the offsets a file gives for text with CRLF line
    endings (or a BOM, or escapes) onto the text Broadsheet keeps."""
    mapping = list(range(len(text) + 1))
    for pattern, replacement in ((_BOM, ""), (_CARRIAGE_RETURN, "\n"), (_ESCAPE_SEQUENCE, "")):
        text, mapping = _mapped_sub(pattern, replacement, text, mapping)
    return _UNSAFE_CHAR.sub(lambda match: _visible_control(match.group()), text), mapping


class DecodeError(ValueError):
    """Bytes that are not readable text; the message names the byte offset."""


_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode(data: bytes) -> str:
    """Decode file bytes as UTF-8 (or UTF-16 when it carries a BOM).

    Raises DecodeError for empty, binary or undecodable input, naming the byte offset.
    """
    if not data.strip():
        raise DecodeError("empty file")
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise DecodeError(f"invalid UTF-16 at byte {error.start}") from None
    refuse_binary(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DecodeError(f"invalid UTF-8 at byte {error.start}") from None


def refuse_binary(data: bytes) -> None:
    """Raise DecodeError when the first 8 KB hold many NULs: an image, a PDF, an archive.

    Text may carry a stray NUL (it is shown as ␀), so one or a few do not count."""
    head = data[:8192]
    if head.count(b"\x00") > max(1, len(head) // 100):
        first_nul = data.find(b"\x00")
        raise DecodeError(f"binary file (NUL byte at byte {first_nul})")


# What must not reach a terminal from a name, a label or a line of a file: every C0 control
# (newline and tab too: a message is one line), DEL, C1 controls, bidi controls and lone
# surrogates (a file name that is not UTF-8 arrives with them, and printing one raises).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: object) -> str:
    """The one sanitiser for text from outside (file names, front matter, imported labels
    and names, schema descriptions, lines of a file) on its way to the screen or stderr:
    every control character shown as its picture (ESC as ␛, a newline as ␊), one for one,
    so nothing in it can move the cursor, retitle the terminal or break a line. It is
    plain text still: the app shows it as text, never as markup."""
    text = str(text)
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(lambda match: _visible_control(match.group()), text)


def printable_block(text: str) -> str:
    """``text`` through ``printable`` but for its newlines and tabs, which are kept: for text
    laid out in lines and columns (a review card, a CoNLL export, indented JSON)."""
    return "\n".join("\t".join(map(printable, line.split("\t"))) for line in text.split("\n"))


def counted(number: int, noun: str, plural: str = "") -> str:
    """'1 cluster', '2 clusters', '1,000 articles', '3 matches' (``plural`` where it is not
    the noun and an s): a count as a person writes it."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def one_line(text: str) -> str:
    """``text`` on one line, its runs of whitespace (newlines too) as single spaces."""
    return " ".join(text.split())


def text_hash(text: str) -> str:
    """The hash stored with an article so a changed text can be detected later."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_zero_width(char: str) -> bool:
    """Combining marks and joiners draw on the character before them: no cursor stop of their own."""
    return unicodedata.category(char) in ("Mn", "Me", "Cf") or char in "\u200d\ufe0f"


def is_word_char(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char).startswith("M")


# Characters that join two word characters into one word: "Kata'ib", "Abdul-Mahdi",
# "CNSNews.com", "U.S" and, between digits only, "5,000".
_JOINERS = frozenset("'\u2019-.,")


def _in_word(text: str, index: int) -> bool:
    if index < 0 or index >= len(text):
        return False
    char = text[index]
    if is_word_char(char):
        return True
    if char in _JOINERS and 0 < index < len(text) - 1:
        before, after = text[index - 1], text[index + 1]
        if char == ",":
            return before.isdigit() and after.isdigit()
        return is_word_char(before) and is_word_char(after)
    return False


def word_at(text: str, index: int) -> tuple[int, int] | None:
    """The (start, end) of the word containing ``index``, or None on a non-word character."""
    if not _in_word(text, index):
        return None
    start = index
    while _in_word(text, start - 1):
        start -= 1
    end = index + 1
    while _in_word(text, end):
        end += 1
    return start, end


def next_word_start(text: str, index: int) -> int:
    """Offset of the start of the next word after ``index`` (or the end of the text)."""
    position = index
    while position < len(text) and _in_word(text, position):
        position += 1
    while position < len(text) and not _in_word(text, position):
        position += 1
    return min(position, max(len(text) - 1, 0))


def previous_word_start(text: str, index: int) -> int:
    """Offset of the start of the word before ``index`` (or 0)."""
    position = index - 1
    while position > 0 and not _in_word(text, position):
        position -= 1
    while position > 0 and _in_word(text, position - 1):
        position -= 1
    return max(position, 0)


def snap_selection(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim surrounding whitespace, and move a start or an end that falls inside a word
    out to the word's edge: a tag holds whole words (a selection begun on the "4" of "24"
    takes "24"), as the tokenisers of every export format see them.

    Returns None when nothing but whitespace was selected.
    """
    start, end = max(0, start), min(len(text), end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    if _in_word(text, start):
        while _in_word(text, start - 1):
            start -= 1
    if _in_word(text, end - 1):
        while _in_word(text, end):
            end += 1
    return start, end


def move_start(text: str, start: int, end: int, direction: int) -> int:
    """The span start one word earlier (direction -1) or later (+1); it stays before ``end``."""
    if direction < 0:
        return previous_word_start(text, start) if start > 0 else start
    later = next_word_start(text, start)
    return later if later < end and _in_word(text, later) else start


def move_end(text: str, start: int, end: int, direction: int) -> int:
    """The span end one word later (direction +1) or earlier (-1); it stays after ``start``."""
    if direction > 0:
        following = next_word_start(text, end - 1 if _in_word(text, end - 1) else end)
        bounds = word_at(text, following)
        return bounds[1] if bounds and following >= end else end
    last_word = previous_word_start(text, end)
    earlier = last_word
    while earlier > start and not _in_word(text, earlier - 1):
        earlier -= 1
    return earlier if earlier > start else end


class Utf16Offsets:
    """Offsets into ``text`` counted in UTF-16 code units (as Java and JavaScript count, so
    UIMA and some Label Studio versions) and in Python's code points, each to the other. A
    character beyond the Basic Multilingual Plane (an emoji, a flag's halves) is two units."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._units = [0]  # the units before each code point, and after the last
        for char in text:
            self._units.append(self._units[-1] + (2 if ord(char) > 0xFFFF else 1))
        self._points = {units: index for index, units in enumerate(self._units)}

    def to_utf16(self, offset: int) -> int:
        return self._units[offset]

    def to_python(self, units: int) -> int | None:
        """The code point offset ``units`` lands on; None inside a surrogate pair or past the end."""
        return self._points.get(units)
