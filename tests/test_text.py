from itertools import pairwise

import pytest

from annotations.text import (
    DecodeError,
    decode,
    next_word_start,
    normalise,
    previous_word_start,
    snap_selection,
    word_at,
)


def test_escape_sequences_are_removed_before_offsets_exist():
    raw = "Title\x1b]0;pwned\x07 red \x1b[31mtext\x1b[0m and \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"
    assert normalise(raw) == "Title red text and link"


def test_stray_control_characters_become_visible_one_for_one():
    assert normalise("a\x00b\x07c\x1bd\x7fe\x85f") == "a\u2400b\u2407c\u241bd\u2421e\ufffdf"
    assert normalise("tab\there") == "tab\there"


def test_line_endings_and_bom_are_normalised():
    assert normalise("\ufeffone\r\ntwo\rthree\n") == "one\ntwo\nthree\n"


def test_bidi_override_is_neutralised():
    assert "\u202e" not in normalise("abc\u202edef")


def test_markup_is_left_as_text():
    assert normalise("[bold]x[/] [Trump]") == "[bold]x[/] [Trump]"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty file"),
        (b"  \n", "empty file"),
        (b"ab\x00\x00\x00cd", "binary file (NUL byte at byte 2)"),
        (b"caf\xc3(", "invalid UTF-8 at byte 3"),
    ],
)
def test_undecodable_input_names_the_byte(data, problem):
    with pytest.raises(DecodeError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        decode(data)


def test_a_stray_nul_in_text_is_shown_not_refused():
    assert normalise(decode(b"tagged\x00text")) == "tagged\u2400text"


def test_utf16_with_bom_decodes():
    assert normalise(decode("\ufeffhé".encode("utf-16"))) == "hé"


def test_word_at_keeps_names_and_numbers_whole():
    text = "Kata’ib Hezbollah said 5,000 troops; Abdul-Mahdi."
    assert text[slice(*word_at(text, 2))] == "Kata’ib"
    assert text[slice(*word_at(text, text.index("000")))] == "5,000"
    assert text[slice(*word_at(text, text.index("Mahdi")))] == "Abdul-Mahdi"
    assert word_at(text, text.index(" ")) is None


def test_word_motions():
    text = "one  two, three"
    assert next_word_start(text, 0) == 5
    assert next_word_start(text, 5) == 10
    assert previous_word_start(text, 10) == 5
    assert previous_word_start(text, 5) == 0


def test_snap_trims_whitespace_and_finishes_the_last_word():
    text = "said  Defense Secretary Mark Esper today"
    start = text.index("Defense") - 1
    end = text.index("Esper") + 2
    assert text[slice(*snap_selection(text, start, end))] == "Defense Secretary Mark Esper"
    assert snap_selection(text, 4, 6) is None


def test_a_selection_begun_inside_a_word_takes_the_whole_word():
    text = "Kataib Hezbollah said 24 “martyrs” had been killed"
    assert text[slice(*snap_selection(text, text.index("4 “"), text.index("martyrs") + 3))] == "24 “martyrs"
    assert text[slice(*snap_selection(text, text.index("bollah"), text.index(" said")))] == "Hezbollah"


def test_printable_shows_every_control_as_its_picture_one_for_one():
    from annotations.text import printable

    name = "a\x1b]2;pwned\x07b\nc\td\x7fe\x9bf\u202eg\udcffh"
    shown = printable(name)
    assert shown == "a\u241b]2;pwned\u2407b\u240ac\u2409d\u2421e\ufffdf\ufffdg\ufffdh"
    assert len(shown) == len(name)
    shown.encode("utf-8")  # a lone surrogate (a file name that is not UTF-8) no longer raises
    assert printable("Kata’ib [b]x[/b]") == "Kata’ib [b]x[/b]"  # markup is the app's to refuse, not this


def test_the_review_cards_sentence_does_not_end_at_us():
    from annotations.sentences import sentence_around

    text = "Officials spoke. About 5,000 U.S. troops remain in Iraq. Then more."
    start = text.index("troops")
    begin, end = sentence_around(text, start, start + len("troops"))
    assert text[begin:end] == "About 5,000 U.S. troops remain in Iraq."


def test_normalise_mapped_gives_normalises_text_and_where_each_offset_lands():
    import random

    from annotations.text import normalise_mapped

    rng = random.Random(20191229)
    pieces = [
        "a",
        "b",
        " ",
        "\r",
        "\n",
        "\r\n",
        "\x1b[31m",
        "\x1b]2;title\x07",
        "\x1b",
        "\ufeff",
        "\x07",
        "\u202e",
        "é",
    ]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(30)))
        normalised, mapping = normalise_mapped(text)
        assert normalised == normalise(text), repr(text)
        assert len(mapping) == len(text) + 1 and mapping[-1] == len(normalised)
        assert all(first <= second for first, second in pairwise(mapping))
    text = "One.\r\nMark Esper\x1b[1m spoke."
    normalised, mapping = normalise_mapped(text)
    start = text.index("Mark")
    assert normalised[mapping[start] : mapping[start + 10]] == "Mark Esper"


def test_a_count_reads_as_a_person_writes_it():
    from annotations.text import counted

    assert [counted(number, "cluster") for number in (0, 1, 2, 1000)] == [
        "0 clusters",
        "1 cluster",
        "2 clusters",
        "1,000 clusters",
    ]
