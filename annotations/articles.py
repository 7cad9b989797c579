"""Articles: reading .txt/.md files (with optional YAML front matter) into normalised text."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .text import DecodeError, decode, normalise, text_hash

ARTICLE_SUFFIXES = (".txt", ".md")
META_FIELDS = ("outlet", "date", "title", "url")


class ArticleError(ValueError):
    """An input that cannot be opened as an article. ``str()`` is the one-line message."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    source: str = ""
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def text_hash(self) -> str:
        return text_hash(self.text)

    @property
    def outlet(self) -> str:
        return self.meta.get("outlet", "")

    @property
    def date(self) -> str:
        return self.meta.get("date", "")

    @property
    def title(self) -> str:
        return self.meta.get("title", "")


def _meta_value(value: object) -> str:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return normalise(str(value)).replace("\n", " ").strip()


def split_front_matter(text: str, source: str) -> tuple[dict[str, str], str]:
    """Split a leading ``---`` YAML block from the body; the body is returned untouched."""
    if not text.startswith("---\n"):
        return {}, text
    close = text.find("\n---\n", 3)
    if close == -1:
        if text.endswith("\n---"):
            close = len(text) - 4
        else:
            raise ArticleError(source, "front matter starts with '---' but has no closing '---' line")
    block = text[4 : close + 1]
    body = text[close + 5 :]
    try:
        data = yaml.safe_load(block) if block.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "syntax error"
        raise ArticleError(source, f"front matter is not valid YAML{where}: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ArticleError(source, "front matter must be a mapping of fields (outlet:, date:, title:)")
    meta: dict[str, str] = {}
    for key, value in data.items():
        if value is None:
            continue
        name = "outlet" if key == "source" else str(key)
        if name == "id" or name in META_FIELDS:
            meta[name] = _meta_value(value)
    return meta, body


def load_article(path: Path) -> Article:
    """Read one article file; raises ArticleError with a one-line reason."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ArticleError(source, f"cannot read: {error.strerror or error}") from None
    try:
        raw = decode(data)
    except DecodeError as error:
        raise ArticleError(source, str(error)) from None
    meta, body = split_front_matter(normalise(raw), source)
    if not body.strip():
        raise ArticleError(source, "no article text after the front matter")
    article_id = meta.pop("id", "") or path.stem
    return Article(id=article_id, text=body, source=source, meta=meta)


@dataclass
class Corpus:
    """The articles that opened, and a one-line problem for each input that did not."""

    articles: list[Article]
    problems: list[str]


def _article_files(path: Path) -> list[Path]:
    if path.is_dir():
        found: list[Path] = []
        for root, dirs, files in os.walk(path, onerror=None):
            dirs.sort()
            found.extend(
                Path(root) / name for name in sorted(files) if name.lower().endswith(ARTICLE_SUFFIXES)
            )
        return found
    return [path]


def load_corpus(paths: list[Path]) -> Corpus:
    """Open every article under ``paths``; unreadable inputs become problems, not exceptions."""
    articles: list[Article] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in paths:
        if not path.exists():
            problems.append(f"{path}: no such file or directory")
            continue
        files = _article_files(path)
        if path.is_dir() and not files:
            problems.append(f"{path}: no .txt or .md files in this directory")
        for file in files:
            try:
                article = load_article(file)
            except ArticleError as error:
                problems.append(str(error))
                continue
            if article.id in seen:
                problems.append(
                    f"{file}: article id {article.id!r} is already used by {seen[article.id]}; skipped"
                )
                continue
            seen[article.id] = article.source
            articles.append(article)
    return Corpus(articles, problems)
