"""Notices every screen gives the same way."""

from __future__ import annotations

from textual.dom import DOMNode


def not_saved(node: DOMNode, error: Exception) -> None:
    """A change that did not reach the disk (a full disk, a damaged file): say so, and why."""
    node.notify(f"Not saved: {error}", severity="error", timeout=10)
