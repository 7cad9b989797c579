"""Articles: reading .txt/.md files (with optional YAML front matter) into normalised text,
and the corpus a command line names, listed at once and read as far as it is asked."""

from __future__ import annotations

import codecs
import datetime
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import overload

from . import simple_yaml
from .text import DecodeError, decode, normalise, refuse_binary, text_hash

ARTICLE_SUFFIXES = (".txt", ".md", ".jsonl", ".html", ".htm")
PAGE_SUFFIXES = (".html", ".htm")  # saved web pages: their story is extracted as `broadsheet add` does
GLOB_CHARACTERS = frozenset("*?[")
META_FIELDS = ("outlet", "date", "title", "url", "author", "fetched", "source")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
NO_TEXT = "no 'text' string"  # a JSONL line that is JSON but holds no article


class ArticleError(ValueError):
    """An input that cannot be opened as an article. ``str()`` is the one-line message."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class Article:
    """An article: its id, metadata and normalised text.

    Articles read from files load their text on first use (``text``), so opening a
    corpus of thousands reads only the head of each file. A file that turns out to be
    unreadable then raises ArticleError from ``text``."""

    __slots__ = ("_loader", "_text", "_text_hash", "id", "meta", "source")

    def __init__(
        self,
        id: str,  # noqa: A002 - the article's id
        text: str | None = None,
        source: str = "",
        meta: dict[str, str] | None = None,
        *,
        loader: Callable[[], str] | None = None,
    ) -> None:
        if text is None and loader is None:
            raise ValueError("an article needs its text or a way to read it")
        self.id = id
        self.source = source
        self.meta = dict(meta or {})
        self._text = text
        self._loader = loader
        self._text_hash: str | None = None

    @property
    def text(self) -> str:
        # A background job may read it while the interface does: the text is set before
        # the loader is dropped, so a reader that finds no loader finds the text.
        text = self._text
        if text is None:
            loader = self._loader
            if loader is None:
                return self._text  # type: ignore[return-value]
            text = self._text = loader()
            self._loader = None
        return text

    @property
    def text_hash(self) -> str:
        # Checked at every tag; a 200,000-character text takes 0.1 ms to hash, and never changes.
        if self._text_hash is None:
            self._text_hash = text_hash(self.text)
        return self._text_hash

    @property
    def outlet(self) -> str:
        return self.meta.get("outlet", "")

    @property
    def date(self) -> str:
        return self.meta.get("date", "")

    @property
    def title(self) -> str:
        return self.meta.get("title", "")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Article):
            return NotImplemented
        return (self.id, self.source, self.meta, self.text) == (other.id, other.source, other.meta, other.text)

    def __hash__(self) -> int:
        return hash((self.id, self.source))

    def __repr__(self) -> str:
        return f"Article(id={self.id!r}, source={self.source!r}, meta={self.meta!r})"


def is_url(text: str) -> bool:
    """Whether ``text`` is a web address ('https://...') rather than a path."""
    return _URL.match(text) is not None


def meta_value(value: object) -> str:
    """A field from outside (front matter, an imported name) as one line of text that
    carries no terminal control."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return normalise(str(value)).replace("\n", " ").strip()


def _read_yaml_front_matter(block: str, source: str) -> object:
    """Front matter beyond simple_yaml's shapes, read by PyYAML (imported only then)."""
    try:
        return simple_yaml.load(block)
    except simple_yaml.YamlError as error:
        where = f" at line {error.line + 1}" if error.line is not None else ""  # after the opening '---'
        raise ArticleError(source, f"front matter is not valid YAML{where}: {error.problem}") from None


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
    data: object = simple_yaml.read(block)
    if data is None:
        data = _read_yaml_front_matter(block, source)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ArticleError(source, "front matter must be a mapping of fields (outlet:, date:, title:)")
    return article_meta(data), body


def article_meta(fields: dict) -> dict[str, str]:
    """The fields Broadsheet keeps (id and META_FIELDS) as text. 'source' names the outlet
    when no 'outlet' does; beside one, it is where the article came from (`broadsheet add`
    writes both). Fields with no value are left out."""
    meta: dict[str, str] = {}
    source_is_outlet = "outlet" not in fields
    for key, value in fields.items():
        name = "outlet" if key == "source" and source_is_outlet else str(key)
        if value is not None and (name == "id" or name in META_FIELDS):
            meta[name] = meta_value(value)
    return meta


HEAD_BYTES = 4096  # enough for any usual front matter; larger files are read in full on first use


def _read_body(path: Path, source: str, data: bytes | None = None) -> tuple[dict[str, str], str]:
    """Front matter and body of the file (``data`` when its bytes are already in hand)."""
    if data is None:
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
    return meta, body


def _head_meta(head: bytes, source: str) -> dict[str, str] | None:
    """The front matter from the first bytes of a large file, or None when the head alone
    cannot tell (a BOM, UTF-16, a front matter longer than the head): then read it all."""
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        refuse_binary(head)
    except DecodeError as error:
        raise ArticleError(source, str(error)) from None
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as error:
        raise ArticleError(source, f"invalid UTF-8 at byte {error.start}") from None
    text = normalise(text)
    if not text.startswith("---\n"):
        return {}
    if text.find("\n---\n", 3) == -1:
        return None
    meta, _ = split_front_matter(text, source)
    return meta


def load_article(path: Path) -> Article:
    """Read one article file; raises ArticleError with a one-line reason.

    A small file is read whole; of a larger one only the head (front matter, id, a
    binary check), and the rest when its text is first used."""
    source = str(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES + 1)
    except OSError as error:
        raise ArticleError(source, f"cannot read: {error.strerror or error}") from None
    if not head.strip():
        raise ArticleError(source, "empty file")
    whole = len(head) <= HEAD_BYTES
    meta = None if whole else _head_meta(head, source)
    if meta is None:
        meta, body = _read_body(path, source, head if whole else None)
        return Article(meta.pop("id", "") or path.stem, body, source, meta)

    def read_text() -> str:
        return _read_body(path, source)[1]

    return Article(meta.pop("id", "") or path.stem, source=source, meta=meta, loader=read_text)


def _saved_page(path: Path) -> Article:
    from .ingest.extract import saved_page_article  # trafilatura loads only when a page is opened

    return saved_page_article(path)


def _article_files(path: Path, problems: list[str]) -> list[str]:
    """The article files a command-line argument names: a file, a folder (recursively) or a
    glob. Names only, as text: 100,000 Path objects took a second to make."""
    if GLOB_CHARACTERS & set(str(path)) and not path.exists():
        import glob  # the shell expands most patterns: only a quoted one comes here

        matches = sorted(Path(match) for match in glob.glob(str(path), recursive=True))
        if not matches:
            problems.append(f"{path}: no files match this pattern")
        return [file for match in matches for file in _article_files(match, problems)]
    if not path.exists():
        problems.append(f"{path}: no such file or directory")
        return []
    if not path.is_dir():
        return [str(path)]
    found: list[str] = []

    def unreadable(error: OSError) -> None:
        problems.append(f"{error.filename}: cannot read this folder: {error.strerror}")

    for root, dirs, files in os.walk(path, onerror=unreadable):
        dirs.sort()
        found.extend(os.path.join(root, name) for name in sorted(files) if name.lower().endswith(ARTICLE_SUFFIXES))
    if not found:
        problems.append(f"{path}: no .txt, .md, .jsonl or .html files in this folder")
    return found


def _jsonl_articles(path: Path) -> tuple[list[Article], list[str]]:
    """One article per line: 'text' plus an optional 'id' and 'meta' (Prodigy and doccano
    lines too; their spans are for `broadsheet import`). A bad line is named and skipped."""
    from .jsonl import JsonlFileError, jsonl_lines  # start-up with text and Markdown does without it

    articles: list[Article] = []
    problems: list[str] = []
    try:
        for line in jsonl_lines(path):
            record = line.record
            text = record.get("text") if record is not None else None
            if line.problem is not None or record is None or not isinstance(text, str) or not text.strip():
                problems.append(f"{path}:{line.number}: {line.problem or NO_TEXT}; line skipped")
                continue
            meta = article_meta(record["meta"] if isinstance(record.get("meta"), dict) else {})
            record_id = record.get("id")
            article_id = meta.pop("id", "") or (meta_value(record_id) if record_id not in (None, "") else "")
            article_id = article_id or f"{path.stem}:{line.number}"
            articles.append(Article(article_id, normalise(text), f"{path}:{line.number}", meta))
    except JsonlFileError as error:
        problems.append(str(error))
    if not articles and not problems:  # no line but blank ones
        problems.append(f"{path}: empty file")
    return articles, problems


def _file_articles(file: Path, problems: list[str]) -> list[Article]:
    """The articles of one listed file (a .jsonl holds many); what cannot be read joins ``problems``."""
    if not file.is_file():
        problem = (
            "a broken link"
            if file.is_symlink() and not file.exists()
            else "not a regular file (a pipe, socket or device)"
        )
        problems.append(f"{file}: {problem}; skipped")
        return []
    if file.suffix.lower() == ".jsonl":
        found, line_problems = _jsonl_articles(file)
        problems.extend(line_problems)
        return found
    try:
        return [_saved_page(file) if file.suffix.lower() in PAGE_SUFFIXES else load_article(file)]
    except ArticleError as error:
        problems.append(str(error))
        return []


class Corpus(Sequence[Article]):
    """The articles under the paths given, in the order given (sorted within a folder), and
    a one-line problem for each input that did not open.

    Opened lazily: the files are listed at once and read in order as far as asked
    (``has``, ``find``, iterating), so that a start-up over 100,000 files reads the few the
    first screen shows (listing them took 0.1-0.3 s, reading them 3-7 s on a busy machine);
    ``read_rest`` reads the others, in a background thread if the caller likes. ``articles``
    and ``problems`` only grow, and a file is read under a lock, so a reader on another
    thread sees a prefix of the corpus and never half a file."""

    def __init__(self, files: list[str], problems: list[str]) -> None:
        self.articles: list[Article] = []
        self.problems = problems
        self._files = files
        self._read = 0  # files read, from the first
        self._index: dict[str, int] = {}  # article id -> its index in articles (ids are unique)
        self._lock = threading.Lock()

    @classmethod
    def of(cls, articles: Sequence[Article], problems: list[str] | None = None) -> Corpus:
        """Articles already opened, as a complete corpus (a corpus as it is)."""
        if isinstance(articles, Corpus):
            return articles
        corpus = cls([], [] if problems is None else problems)
        corpus.articles = list(articles)
        corpus._index = {article.id: index for index, article in enumerate(corpus.articles)}
        return corpus

    @property
    def complete(self) -> bool:
        """Whether every listed file has been read."""
        return self._read == len(self._files)

    @property
    def files_read(self) -> tuple[int, int]:
        """(files read, files listed)."""
        return self._read, len(self._files)

    def __len__(self) -> int:
        return len(self.articles)  # those read so far

    @overload
    def __getitem__(self, index: int) -> Article: ...
    @overload
    def __getitem__(self, index: slice) -> list[Article]: ...
    def __getitem__(self, index: int | slice) -> Article | list[Article]:
        return self.articles[index]

    def __iter__(self) -> Iterator[Article]:
        """Every article, reading the files not yet read as it goes."""
        index = 0
        while self.has(index):
            yield self.articles[index]
            index += 1

    def has(self, index: int) -> bool:
        """Whether there is an article ``index``: the files are read until there is, or none is left."""
        while index >= len(self.articles):
            if not self._read_next():
                return False
        return True

    def index_of(self, article_id: str) -> int | None:
        """Where the article is among those read so far."""
        return self._index.get(article_id)

    def find(self, article_id: str) -> int | None:
        """Where the article is, reading on until it is found (or every file is read)."""
        while (index := self._index.get(article_id)) is None:
            if not self._read_next():
                return None
        return index

    def read_rest(
        self, progress: Callable[[int, int], None] | None = None, stop: Callable[[], bool] | None = None
    ) -> None:
        """Read every file not yet read, until ``stop()`` says to stop; ``progress(done, total)``
        is called before each (for a progress bar)."""
        while stop is None or not stop():
            if progress is not None:
                progress(self._read + 1, len(self._files))
            if not self._read_next():
                return

    def _read_next(self) -> bool:
        """Read the next listed file; False when every one has been read."""
        with self._lock:
            if self._read == len(self._files):
                return False
            found = _file_articles(Path(self._files[self._read]), self.problems)
            for article in found:
                seen = self._index.get(article.id)
                if seen is not None:
                    self.problems.append(
                        f"{article.source}: article id {article.id!r} is already used by "
                        f"{self.articles[seen].source}; skipped"
                    )
                    continue
                self.articles.append(article)  # before its index: a reader that finds the index finds it
                self._index[article.id] = len(self.articles) - 1
            self._read += 1
            return True


def open_corpus(paths: list[Path]) -> Corpus:
    """The articles under ``paths``, listed and not yet read (they are read as they are asked for)."""
    problems: list[str] = []
    return Corpus([file for path in paths for file in _article_files(path, problems)], problems)


def load_corpus(paths: list[Path], progress: Callable[[int, int], None] | None = None) -> Corpus:
    """Open every article under ``paths``; unreadable inputs become problems, not exceptions.

    ``progress(done, total)`` is called as files are opened (for a progress bar)."""
    corpus = open_corpus(paths)
    corpus.read_rest(progress)
    return corpus
