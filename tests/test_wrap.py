"""Wrapping and cursor mapping by terminal cells (tui/widgets/wrap.py)."""

import random

from rich.cells import cell_len

from tui.widgets.wrap import (
    _ONE_CELL,
    TAB_CELLS,
    _wrap_one_cell_paragraph,
    _wrap_paragraph,
    column_of,
    line_of,
    line_starts,
    offset_at_column,
    text_cells,
    wrap,
)


def lines_text(text, width):
    return [text[start:end] for start, end in wrap(text, width)]


def test_words_wrap_within_the_width_and_paragraphs_stay_apart():
    text = "the quick brown fox jumps\n\nover"
    assert lines_text(text, 10) == ["the quick ", "brown fox ", "jumps", "", "over"]
    for line in lines_text(text, 10):
        assert cell_len(line.rstrip()) <= 10


def test_a_word_longer_than_the_line_is_broken():
    assert lines_text("abcdefghij xy", 4) == ["abcd", "efgh", "ij ", "xy"]


def test_wide_characters_take_two_cells():
    text = "報道機関は報道した 🙂🙂 end"
    for line in lines_text(text, 6):
        assert cell_len(line.rstrip()) <= 6
    lines = wrap(text, 6)
    first = lines[0]
    assert column_of(text, first, first[0] + 2) == 4
    # Cell 5 is the right half of the third character: it maps to that character.
    assert offset_at_column(text, first, 5) == first[0] + 2


def test_tabs_count_as_tab_cells():
    text = "a\tb"
    assert text_cells(text) == 2 + TAB_CELLS
    line = wrap(text, 40)[0]
    assert column_of(text, line, 2) == 1 + TAB_CELLS
    assert offset_at_column(text, line, 1 + TAB_CELLS) == 2


def test_a_soft_wrap_boundary_belongs_to_the_later_line_and_clamps_to_the_line():
    text = "alpha beta gamma"
    lines = wrap(text, 6)
    starts = line_starts(lines)
    assert [text[s:e] for s, e in lines] == ["alpha ", "beta ", "gamma"]
    assert line_of(starts, text.index("beta")) == 1
    assert offset_at_column(text, lines[0], 30) == lines[0][1] - 1  # last character of a wrapped line
    assert offset_at_column(text, lines[2], 30) == len(text) - 1


def test_the_newline_ending_a_line_is_a_cursor_position():
    text = "ab\ncd"
    lines = wrap(text, 10)
    assert offset_at_column(text, lines[0], 9) == 2  # the newline, shown after "ab"


def test_one_cell_paragraphs_wrap_as_the_word_walk_wraps_them():
    # The line-at-a-time wrap of one-cell text must give exactly the word walk's lines:
    # runs of spaces (leading, trailing, past the edge), words longer than the line, curly
    # quotes and dashes, every width from 1.
    rng = random.Random(8)
    pieces = ["a", "word", "Kataib", "Hezbollah’s", "“quote”", "–", "x" * 45, " ", "   ", " " * 50]
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 40)))
        assert all(char in _ONE_CELL for char in text)
        for width in (1, 2, 3, 7, 12, 39, 80):
            by_line, by_word = [], []
            _wrap_one_cell_paragraph(text, 0, len(text), width, by_line)
            _wrap_paragraph(text, 0, len(text), width, by_word)
            assert by_line == by_word, (text, width)


def test_the_one_cell_set_holds_only_what_rich_measures_one_cell_wide():
    assert all(cell_len(char) == 1 for char in _ONE_CELL)
    assert {"’", "“", "”", "–", "—", "…", "é", "ß"} <= _ONE_CELL
    assert not {"\t", "\u00ad", "\u0301", "中", "\u200b"} & _ONE_CELL
