"""The screen's frame: the title bar, the key bar, the columns' gutters, the panel's repaints."""

from __future__ import annotations

from tui.widgets.annotation_panel import AnnotationPanel, _runs

from .conftest import make_app

WIDE = (160, 48)


def test_changed_panel_lines_repaint_as_separate_runs():
    assert _runs([]) == []
    assert _runs([1, 2, 3]) == [(1, 3)]
    assert _runs([1, 3, 4, 9]) == [(1, 1), (3, 4), (9, 9)]


async def test_a_tag_keeps_the_panels_scrollable_size(seeds, db_path):
    """A new virtual size lays out the whole screen; a tag must not cause one."""
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            panel = app.screen.query_one(AnnotationPanel)
            before = panel.virtual_size
            await pilot.press("w", "a")
            await pilot.pause()
            assert "1 tags" in panel.text_lines()
            assert panel.virtual_size == before
