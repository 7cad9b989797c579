"""The scroll thumb the article view and the panel draw in their last cell, instead of
a scrollbar widget: one layer less to lay out and paint in every frame."""

from __future__ import annotations


def thumb_rows(height: int, total: int, offset: int) -> range:
    """The rows of a view ``height`` lines tall where the thumb sits, with ``total`` lines
    scrolled down by ``offset``; no rows when everything fits."""
    if not total > height > 0:
        return range(0)
    size = max(1, height * height // total)
    top = min(round(offset * (height - size) / (total - height)), height - size)
    return range(top, top + size)
