"""A page's story: its bytes read as text (in the charset its server or its meta tag
declares), then trafilatura's main text and metadata (htmldate finds the date). The text
keeps its paragraphs, apart by a blank line; navigation, ads, captions and related links
stay out; Broadsheet's normalisation applies to it and to every field, as for any article.

trafilatura (with lxml) takes about 150 ms to import: only `add` and an opened .html file
load this module."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, fields
from pathlib import Path

from ..articles import Article, ArticleError, meta_value
from ..text import counted, normalise
from .fetch import media_type

MIN_WORDS = 50  # fewer is a paywall's teaser, a cookie wall or an index page, not a story
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_HEAD_BYTES = 4096  # where a page declares its charset (the HTML standard looks in the first 1024)


class ExtractError(ValueError):
    """A page with no story to keep; ``str()`` is the reason."""


@dataclass
class Extracted:
    """What a page holds: its metadata (one line each, normalised) and its main text."""

    outlet: str
    title: str
    author: str
    date: str  # the publication date, YYYY-MM-DD, or ''
    url: str  # the canonical address the page gives, or ''
    text: str

    def filled_from(self, hints: dict[str, str]) -> Extracted:
        """These fields, with the empty ones taken from ``hints`` (a feed entry's title, author, date)."""
        return Extracted(
            **{field.name: getattr(self, field.name) or meta_value(hints.get(field.name, "")) for field in fields(self)}
        )

    def meta(self) -> dict[str, str]:
        return {
            name: value
            for name, value in (
                ("outlet", self.outlet),
                ("title", self.title),
                ("author", self.author),
                ("date", self.date),
                ("url", self.url),
            )
            if value
        }


def _codec(label: str | None) -> str | None:
    """The Python codec for a declared charset; as browsers do, Latin-1 and ASCII mean windows-1252."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    return "cp1252" if name in ("iso8859-1", "ascii") else name


def _declared_charset(data: bytes) -> str | None:
    """The charset a page's <meta charset> or <meta http-equiv="Content-Type"> names."""
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(data[:_HEAD_BYTES])
    except (ValueError, lxml.etree.ParserError):
        return None
    for meta in root.iter("meta"):
        if meta.get("charset"):
            return meta.get("charset")
        if (meta.get("http-equiv") or "").strip().lower() == "content-type":
            return media_type(meta.get("content") or "")[1]
    return None


def page_text(data: bytes, charset: str | None = None) -> str:
    """A page's bytes as text: by its byte-order mark, else the server's charset, else the
    one its meta tag declares, else UTF-8 when it is, else windows-1252 (what browsers assume)."""
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(bom_codec, errors="replace")
    codec = _codec(charset) or _codec(_declared_charset(data))
    if codec is not None:
        return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _paragraphs(text: str) -> str:
    """trafilatura's text, one paragraph a line, as Markdown paragraphs: a blank line between two."""
    return "\n\n".join(line.strip() for line in normalise(text).split("\n") if line.strip()) + "\n"


def extract_page(html: str, url: str | None = None) -> Extracted:
    """The story and metadata of a page; ``url`` is where it was fetched (None for a saved
    file), which trafilatura uses when the page names no canonical address."""
    import trafilatura
    from trafilatura.settings import Document

    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, favor_precision=True
    )  # a Document or None: as_dict is left False
    text = _paragraphs(document.text or "") if isinstance(document, Document) else ""
    words = len(text.split())
    if not isinstance(document, Document) or words < MIN_WORDS:
        raise ExtractError(f"too little text ({counted(words, 'word')}): a paywall, or not an article")
    outlet, title, author, date, canonical = (
        meta_value(value or "")
        for value in (document.sitename, document.title, document.author, document.date, document.url)
    )
    return Extracted(outlet, title, author, date, canonical, text)


def saved_page_article(path: Path) -> Article:
    """A saved .html/.htm page opened as an article, extracted as `add` would; its id is the
    file name without its extension, as for any article file. Raises ArticleError."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ArticleError(source, f"cannot read: {error.strerror or error}") from None
    try:
        extracted = extract_page(page_text(data))
    except ExtractError as error:
        raise ArticleError(source, str(error)) from None
    return Article(path.stem, extracted.text, source, extracted.meta())
