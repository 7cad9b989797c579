"""Articles: reading .txt/.md files (with optional YAML front matter) into normalised text."""

from __future__ import annotations

import datetime
import glob
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .text import DecodeError, decode, normalise, text_hash

ARTICLE_SUFFIXES = (".txt", ".md", ".jsonl")
# libyaml's safe loader when PyYAML has it (its wheels do): ten times faster over thousands of articles.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
GLOB_CHARACTERS = frozenset("*?[")
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


_SIMPLE_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):[ \t]+(\S(?:.*\S)?)[ \t]*")
_PLAIN_STRING = re.compile(r"[A-Za-z][^:#\\\"']*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Words YAML reads as booleans or null rather than text.
_YAML_WORDS = frozenset("y n yes no true false on off null".split())


def _simple_front_matter(block: str) -> dict | None:
    """The front matter as YAML would read it, when every line is 'key: plain text' or an
    ISO date; None for anything else (quotes, lists, numbers...), which YAML then reads.
    YAML is most of the cost of opening thousands of articles; this skips it safely."""
    data: dict[str, str] = {}
    for line in block.splitlines():
        if not line.strip():
            continue
        match = _SIMPLE_LINE.fullmatch(line)
        if match is None:
            return None
        key, value = match.groups()
        if key in data or not (_ISO_DATE.fullmatch(value) or _PLAIN_STRING.fullmatch(value)):
            return None
        if value.lower() in _YAML_WORDS:
            return None
        data[key] = value
    return data


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
        data = _simple_front_matter(block)
        if data is None:
            data = yaml.load(block, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
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


def _article_files(path: Path, problems: list[str]) -> list[Path]:
    """The article files a command-line argument names: a file, a folder (recursively) or a glob."""
    if GLOB_CHARACTERS & set(str(path)) and not path.exists():
        matches = sorted(Path(match) for match in glob.glob(str(path), recursive=True))
        if not matches:
            problems.append(f"{path}: no files match this pattern")
        return [file for match in matches for file in _article_files(match, problems)]
    if not path.exists():
        problems.append(f"{path}: no such file or directory")
        return []
    if not path.is_dir():
        return [path]
    found: list[Path] = []

    def unreadable(error: OSError) -> None:
        problems.append(f"{error.filename}: cannot read this folder: {error.strerror}")

    for root, dirs, files in os.walk(path, onerror=unreadable):
        dirs.sort()
        found.extend(Path(root) / name for name in sorted(files) if name.lower().endswith(ARTICLE_SUFFIXES))
    if not found:
        problems.append(f"{path}: no .txt, .md or .jsonl files in this folder")
    return found


def _jsonl_articles(path: Path) -> tuple[list[Article], list[str]]:
    """One article per line: 'text' plus an optional 'id' and 'meta' (Prodigy and doccano
    lines too; their spans are for `broadsheet import`). A bad line is named and skipped."""
    articles: list[Article] = []
    problems: list[str] = []
    try:
        raw = decode(path.read_bytes())
    except OSError as error:
        return [], [f"{path}: cannot read: {error.strerror}"]
    except DecodeError as error:
        return [], [f"{path}: {error}"]
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{path}:{number}: not valid JSON ({error.msg} at column {error.colno}); line skipped")
            continue
        text = record.get("text") if isinstance(record, dict) else None
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{path}:{number}: no 'text' string; line skipped")
            continue
        meta_in = record.get("meta") if isinstance(record.get("meta"), dict) else {}
        meta = {("outlet" if key == "source" else key): _meta_value(value) for key, value in meta_in.items()
                if value is not None and (key in META_FIELDS or key == "source")}
        article_id = meta_in.get("id") or record.get("id")
        article_id = _meta_value(article_id) if article_id not in (None, "") else f"{path.stem}:{number}"
        articles.append(Article(id=article_id, text=normalise(text), source=f"{path}:{number}", meta=meta))
    return articles, problems


def load_corpus(paths: list[Path]) -> Corpus:
    """Open every article under ``paths``; unreadable inputs become problems, not exceptions."""
    articles: list[Article] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in paths:
        for file in _article_files(path, problems):
            if not file.is_file():
                problem = "a broken link" if file.is_symlink() and not file.exists() else "not a regular file (a pipe, socket or device)"
                problems.append(f"{file}: {problem}; skipped")
                continue
            if file.suffix.lower() == ".jsonl":
                found, line_problems = _jsonl_articles(file)
                problems.extend(line_problems)
            else:
                try:
                    found = [load_article(file)]
                except ArticleError as error:
                    problems.append(str(error))
                    continue
            for article in found:
                if article.id in seen:
                    problems.append(
                        f"{article.source}: article id {article.id!r} is already used by {seen[article.id]}; skipped"
                    )
                    continue
                seen[article.id] = article.source
                articles.append(article)
    return Corpus(articles, problems)
