"""Connected components (union-find): spans joined by links into clusters (compare.py),
or by rivalry into regions (adjudication.py)."""

from __future__ import annotations


class Components:
    """Union-find over hashable items (span ids); an item is its own component until joined."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, first: str, second: str) -> None:
        self.parent[self.find(first)] = self.find(second)
