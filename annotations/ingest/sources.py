"""What a SOURCE of `broadsheet add` holds: the pages to extract, one after another.

A URL is a page or a feed (by what the server says it is); a file is a saved page
(.html/.htm), a web archive (.warc/.warc.gz: every HTML response in it) or a feed (RSS or
Atom, read by feedparser); a folder holds saved pages. A feed's entries are fetched in
turn. Each item is a Page, or a Failure naming the page or file and the reason."""

from __future__ import annotations

import datetime
import io
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..articles import PAGE_SUFFIXES, is_url
from .extract import page_text
from .fetch import Fetcher, FetchError, media_type

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass
class Page:
    """A page to extract. ``source`` is what the user gave (kept in the article's front
    matter); ``location`` the page itself, named if it fails; ``url`` where it was fetched."""

    source: str
    location: str
    url: str | None
    html: str
    fetched: str  # when, as an ISO 8601 UTC time
    hints: dict[str, str] = field(default_factory=dict)  # a feed entry's title, author, date


@dataclass
class Failure:
    location: str
    reason: str


@dataclass
class Expected:
    """How many more pages the current source will give (a feed's entries), for a progress bar."""

    count: int


Item = Page | Failure | Expected


def utc_time(moment: datetime.datetime | None = None) -> str:
    """``moment`` (default: now) as an ISO 8601 UTC time, to the second."""
    return (moment or datetime.datetime.now(datetime.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")


def pages(source: str, fetcher: Fetcher) -> Iterator[Item]:
    """The pages ``source`` (a URL, a file or a folder) holds."""
    if is_url(source):
        yield from _url_pages(source, fetcher)
        return
    path = Path(source)
    if path.is_dir():
        files = sorted(file for file in path.rglob("*") if file.name.lower().endswith(PAGE_SUFFIXES) and file.is_file())
        if not files:
            yield Failure(source, "no .html or .htm files in this folder")
        yield Expected(len(files))
        for file in files:
            yield from _file_pages(str(file), file, fetcher)
    else:
        yield from _file_pages(source, path, fetcher)


def _looks_like_html(data: bytes) -> bool:
    """An HTML document served with no type, or a wrong one: what browsers show as a page."""
    return data.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))


def _url_pages(url: str, fetcher: Fetcher, feeds: bool = True) -> Iterator[Item]:
    """The page at ``url``, or with ``feeds`` the pages of the feed there (a feed's entries
    are pages: a feed that links to a feed, or to itself, would never end)."""
    try:
        fetched = fetcher.fetch(url)
    except FetchError as error:
        yield Failure(url, str(error))
        return
    if fetched.content_type in HTML_TYPES or _looks_like_html(fetched.data):
        yield Page(url, url, fetched.url, page_text(fetched.data, fetched.charset), utc_time())
        return
    entries = _feed_entries(fetched.data, fetched.url) if feeds else None
    if entries is None:
        yield Failure(url, f"not HTML{' or a feed' if feeds else ''} ({fetched.content_type})")
        return
    yield from _entry_pages(url, entries, fetcher)


def _file_pages(source: str, path: Path, fetcher: Fetcher) -> Iterator[Item]:
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        yield from _warc_pages(source, path)
        return
    try:
        data = path.read_bytes()
        saved = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.timezone.utc)
    except OSError as error:
        yield Failure(source, error.strerror.lower() if error.strerror else str(error))
        return
    if name.endswith(PAGE_SUFFIXES):  # fetched when the browser saved it
        yield Page(source, source, None, page_text(data), utc_time(saved))
        return
    entries = _feed_entries(data, None)
    if entries is None:
        yield Failure(source, "not a saved page (.html, .htm), a web archive (.warc, .warc.gz) or a feed")
        return
    yield from _entry_pages(source, entries, fetcher)


def _entry_pages(source: str, entries: list[tuple[str, dict[str, str]]], fetcher: Fetcher) -> Iterator[Item]:
    if not entries:
        yield Failure(source, "a feed with no entries linking to a page")
        return
    yield Expected(len(entries))
    for link, hints in entries:
        for item in _url_pages(link, fetcher, feeds=False):
            if isinstance(item, Page):
                item.source, item.hints = source, hints
            yield item


def _entry_date(entry: dict) -> str:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}" if parsed else ""


def _feed_entries(data: bytes, base_url: str | None) -> list[tuple[str, dict[str, str]]] | None:
    """Each entry's link (made absolute) and its title, author and date; None if ``data``
    is no RSS or Atom feed."""
    import feedparser

    # A stream, never bytes or text: feedparser fetches a string that looks like a URL.
    parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": base_url or ""})
    if not parsed.version:
        return None
    entries = []
    for entry in parsed.entries:
        link = urllib.parse.urljoin(base_url or "", entry.get("link") or "")
        if is_url(link):
            entries.append(
                (link, {"title": entry.get("title", ""), "author": entry.get("author", ""), "date": _entry_date(entry)})
            )
    return entries


def _warc_pages(source: str, path: Path) -> Iterator[Item]:
    """Every HTML page a crawl fetched whole (status 200): the archive holds it, no network needed."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                page = _warc_page(source, record)
                if page is not None:
                    yield page
    except OSError as error:
        yield Failure(source, f"cannot read: {error.strerror or error}")
    except (ArchiveLoadFailed, EOFError, ValueError) as error:
        yield Failure(source, f"not a readable web archive: {error}")


def _warc_page(source: str, record) -> Page | None:  # record: warcio's ArcWarcRecord, an untyped module
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if record.http_headers.get_statuscode() != "200":
        return None
    content_type, charset = media_type(record.http_headers.get_header("Content-Type") or "")
    if content_type not in HTML_TYPES:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    html = page_text(record.content_stream().read(), charset)
    return Page(
        source, f"{source} ({url})", url or None, html, record.rec_headers.get_header("WARC-Date") or utc_time()
    )
