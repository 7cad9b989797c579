"""The store's exceptions: a database that cannot be used as asked, with a one-line message."""

from __future__ import annotations


class StoreError(Exception):
    """A database that cannot be used as asked; ``str()`` is the one-line message."""


class DatabaseLocked(StoreError):
    pass


class ArticleChangedError(StoreError):
    pass


class ReadOnlyError(StoreError):
    """A change asked of a database open read-only (another Broadsheet writes to it)."""
