"""The corpus folder `broadsheet add` fills: one Markdown file with front matter per
article, named by its id, and beside them in ``.pages/`` each article's page as fetched,
compressed, so that it can be extracted again without the network.

It knows the articles already there by canonical URL and by text, so that a page added
twice, or the same text under two addresses (a wire copy), is added once; a page fetched
again whose text changed replaces its article's text, under the same id (the spans
tagged in it are re-attached when the app next shows it). Every file is written
atomically (annotations.output), so a failure leaves each file old or new."""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..articles import Article, ArticleError, load_article, meta_value
from ..output import write_file
from ..text import printable
from .extract import Extracted
from .sources import Page

PAGES_FOLDER = ".pages"
# Bytes of UTF-8: with '.html.gz' and an atomic write's '.NAME.PID.tmp', a file name stays
# well inside the 255 bytes every file system allows, whatever the title's script.
MAX_ID_BYTES = 120
_NOT_SLUG = re.compile(r"[\W_]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# What YAML will not read raw inside double quotes: controls, line and paragraph separators,
# and the code points it counts as unprintable. They are written as \u escapes.
_YAML_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def slug(text: str) -> str:
    """``text`` as lower-case words joined by '-': letters and digits only, accents dropped."""
    decomposed = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    return _NOT_SLUG.sub("-", decomposed.casefold()).strip("-")


def id_stem(extracted: Extracted) -> str:
    """A readable id: outlet, date and title ('reuters-2019-12-30-us-strikes-iraq'), cut after
    a word to at most MAX_ID_BYTES. It holds letters, digits and '-' only: no '/', no '..'."""
    stem = "-".join(
        part
        for part in (
            slug(extracted.outlet),
            extracted.date if _ISO_DATE.fullmatch(extracted.date) else "",
            slug(extracted.title),
        )
        if part
    )
    cut = stem.encode("utf-8")[:MAX_ID_BYTES].decode("utf-8", errors="ignore")
    if len(cut) < len(stem) and stem[len(cut)] != "-" and "-" in cut[-30:]:  # within a word: end before it
        cut = cut.rsplit("-", 1)[0]
    return cut.strip("-") or "article"


def _words(text: str) -> str:
    return " ".join(text.casefold().split())


def text_key(text: str, title: str) -> str:
    """What two copies of one story share: its words, whatever the spacing and case, less a
    first paragraph that is the headline (outlets give a wire copy their own)."""
    headline, _, rest = text.lstrip().partition("\n\n")
    if title and _words(headline) == _words(title):
        text = rest
    return hashlib.sha256(_words(text).encode("utf-8")).hexdigest()


def _yaml_string(value: str) -> str:
    quoted = json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one
    return _YAML_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", quoted)


def article_file(article_id: str, extracted: Extracted, page: Page) -> bytes:
    """The Markdown file of an article: front matter, then the text."""
    fields = {
        "id": article_id,
        **extracted.meta(),
        "fetched": meta_value(page.fetched),
        "source": meta_value(page.source),
    }
    # 'outlet' is written even empty: without it, a reader takes 'source' for the outlet
    fields = {
        name: fields.get(name, "")
        for name in ("id", "outlet", "title", "author", "date", "url", "fetched", "source")
        if fields.get(name) or name == "outlet"
    }
    lines = [f"{name}: {_yaml_string(value)}" for name, value in fields.items()]  # quoted: a date YAML
    # cannot build (2019-02-30) stays text, not an error
    return ("---\n" + "\n".join(lines) + "\n---\n" + extracted.text).encode("utf-8")


class FolderBusy(Exception):
    """Another process is adding to the folder; ``str()`` is the one-line message."""


@contextmanager
def _held(lock: Path, folder: Path) -> Iterator[None]:
    """An flock on ``lock`` while the block runs: two processes adding to one folder would
    give two articles one new id, and the later file would replace the earlier. The kernel
    drops it when the process dies, so it never goes stale."""
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FolderBusy(
                f"{printable(folder)}: another broadsheet is adding to this folder; try again when it has finished"
            ) from None
        yield
    finally:
        os.close(fd)  # closing lets go of the lock


@dataclass
class Known:
    """An article in the folder: its id, where it came from (its URL, else its file) and its text's key."""

    article_id: str
    origin: str
    key: str


class CorpusFolder:
    """The articles of one folder, by canonical URL and by text, and the writing of new ones."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pages = folder / PAGES_FOLDER
        self.by_url: dict[str, Known] = {}
        self.by_text: dict[str, Known] = {}
        self.ids: set[str] = set()

    @classmethod
    @contextmanager
    def opened(cls, folder: Path) -> Iterator[tuple[CorpusFolder, list[str]]]:
        """The folder (made if missing), held against another `add`, and what is in it; a file
        that cannot be read is a problem. Raises FolderBusy if another process holds it."""
        corpus, problems = cls(folder), []
        (folder / PAGES_FOLDER).mkdir(parents=True, exist_ok=True)
        with _held(corpus.pages / ".lock", folder):
            for path in corpus.article_files():
                corpus.ids.add(path.stem)
                try:
                    corpus._know(load_article(path))
                except ArticleError as error:
                    problems.append(str(error))
            yield corpus, problems

    def article_files(self) -> list[Path]:
        return sorted(self.folder.glob("*.md"))

    def _know(self, article: Article) -> None:
        url = article.meta.get("url", "")
        known = Known(article.id, url or article.source, text_key(article.text, article.title))
        self.ids.add(article.id)
        if url:
            self.by_url[url] = known
        self.by_text.setdefault(known.key, known)

    def _new_id(self, extracted: Extracted) -> str:
        stem = article_id = id_stem(extracted)
        number = 2
        while article_id in self.ids or (self.folder / f"{article_id}.md").exists():
            article_id, number = f"{stem}-{number}", number + 1
        return article_id

    def write(self, article_id: str, extracted: Extracted, page: Page) -> None:
        """Keep the page, then write the article: an article never lacks its page."""
        write_file(self._page_path(article_id), gzip.compress(page.html.encode("utf-8"), mtime=0))
        self.write_article(article_id, extracted, page)

    def write_article(self, article_id: str, extracted: Extracted, page: Page) -> None:
        path = self.folder / f"{article_id}.md"
        write_file(path, article_file(article_id, extracted, page))
        self._know(Article(article_id, extracted.text, str(path), extracted.meta()))

    def add(self, page: Page, extracted: Extracted) -> str | None:
        """Add the article unless the folder has it; what happened, when not a plain add."""
        url = extracted.url or page.url or ""
        known = self.by_url.get(url) if url else None
        if known is not None:
            if known.key == text_key(extracted.text, extracted.title):
                return f"{page.location}: already added as {known.article_id} (same URL {url})"
            self.write(known.article_id, extracted, page)
            return f"{page.location}: the page changed since it was added; {known.article_id} updated"
        known = self.by_text.get(text_key(extracted.text, extracted.title))
        if known is not None:
            return f"{page.location}: same text as {known.article_id} (from {known.origin}); not added again"
        self.write(self._new_id(extracted), extracted, page)
        return None

    def _page_path(self, article_id: str) -> Path:
        return self.pages / f"{article_id}.html.gz"

    def cached_page(self, article_id: str) -> str | None:
        """The page an article was extracted from, when the folder keeps it; ArticleError if damaged."""
        path = self._page_path(article_id)
        try:
            return gzip.decompress(path.read_bytes()).decode("utf-8")
        except FileNotFoundError:
            return None
        except (OSError, EOFError, UnicodeDecodeError) as error:  # gzip.BadGzipFile is an OSError
            raise ArticleError(str(path), f"cannot read this kept page: {error}") from None
