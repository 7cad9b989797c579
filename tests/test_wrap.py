"""Wrapping and cursor mapping by terminal cells (tui/widgets/wrap.py)."""

from rich.cells import cell_len

from tui.widgets.wrap import TAB_CELLS, column_of, line_of, line_starts, offset_at_column, text_cells, wrap


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
