"""`broadsheet add`: pages, saved HTML, feeds and WARC crawls into a corpus folder of Markdown
files, served by a real HTTP server on the loopback address with pages written here."""

from __future__ import annotations

import gzip
import io
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from pathlib import Path

import pytest

from annotations.articles import load_article, load_corpus
from annotations.ingest.corpus import PAGES_FOLDER
from tui.cli import main

from .conftest import ROOT, saved_annotations
from .faults import fill, small_disk
from .tmux import Terminal, broadsheet_command

STORY = [
    "The US military carried out airstrikes in Iraq and Syria against the Kataib Hezbollah militia group on Sunday, "
    "in response to the killing of a US civilian contractor in a rocket attack on an Iraqi military base, "
    "officials said.",
    "The strikes hit three locations in Iraq and two in Syria, including weapons depots and command centres, "
    "according to a statement from the Pentagon that was released late in the evening.",
    "Iraqi security sources said at least 25 militia fighters were killed and 55 wounded, a toll that could not be "
    "independently verified by reporters on the ground.",
    "The militia, which is backed by Iran, vowed to respond, and its supporters gathered outside the embassy compound "
    "in Baghdad on Tuesday morning, chanting slogans against the United States.",
]
BOILERPLATE = [
    "Advertisement",
    "Widget Pro",
    "World news",
    "Smoke rises over the base",
    "Related stories",
    "Markets tumble",
    "All rights reserved",
]


def article_page(
    title: str,
    paragraphs: list[str],
    canonical: str,
    *,
    outlet: str = "Daily Courier",
    author: str = "Jane Doe",
    date: str = "2019-12-30",
    charset: str = "utf-8",
) -> str:
    """A news page as outlets serve them: navigation, an ad, a caption and related links around the story."""
    story = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    title, outlet, author = escape(title), escape(outlet), escape(author)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset}">
<title>{title} | {outlet}</title>
<meta property="og:site_name" content="{outlet}">
<meta property="og:title" content="{title}">
<meta name="author" content="{author}">
<meta property="article:published_time" content="{date}T08:15:00Z">
<link rel="canonical" href="{canonical}">
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news</a></li>\
<li><a href="/sport">Sport</a></li></ul></nav></header>
<div class="ad advertisement" id="ad-top">Advertisement: buy the amazing Widget Pro today for half price</div>
<main><article>
<h1>{title}</h1>
<p class="byline">By {author}</p>
<figure><img src="/strike.jpg" alt="smoke">\
<figcaption>Smoke rises over the base in a photograph supplied by the ministry.</figcaption></figure>
{story}
</article></main>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Markets tumble after oil price spike</a></li>
<li><a href="/b">Football results from the weekend</a></li></ul></aside>
<footer><p>Copyright 2019 Daily Courier. All rights reserved. Subscribe to our newsletter.</p></footer>
</body></html>"""


PAYWALL = """<!DOCTYPE html><html><head><meta charset="utf-8">\
<title>Exclusive: the inside story | The Ledger</title></head>
<body><nav><a href="/">Home</a></nav><article><h1>Exclusive: the inside story</h1>
<p>Subscribe to continue reading. This article is for subscribers only.</p></article></body></html>"""


def feed(base: str) -> str:
    items = "".join(
        f"<item><title>Story {name}</title><link>{base}/feed/{name}</link>"
        f"<pubDate>Tue, 31 Dec 2019 0{index}:00:00 GMT</pubDate></item>"
        for index, name in enumerate(["one", "two", "three"], start=1)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Courier world</title>'
        f"<link>{base}/</link><description>World news</description>{items}</channel></rss>"
    )


def entry_paragraphs(name: str) -> list[str]:
    return [f"Story {name} opens: {paragraph}" for paragraph in STORY]


@dataclass
class Site:
    """The pages the server answers with: path -> (status, headers, body); and what it was asked."""

    base: str = ""
    pages: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, user agent)
    times: list[float] = field(default_factory=list)  # when each request came
    failures_left: dict[str, int] = field(default_factory=dict)  # path -> 503s to give before the page
    pause: float = 0.0  # seconds each feed entry's page takes

    def html(
        self, path: str, text: str, content_type: str = "text/html; charset=utf-8", encoding: str = "utf-8"
    ) -> None:
        self.pages[path] = (200, {"Content-Type": content_type}, text.encode(encoding))

    def url(self, path: str) -> str:
        return self.base + path


def handler_for(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the standard library's name for the handler
            path = self.path.partition("?")[0]
            site.requests.append((path, self.headers.get("User-Agent", "")))
            site.times.append(time.monotonic())
            if path == "/slow":
                time.sleep(2)
            if path.startswith("/feed/"):
                time.sleep(site.pause)
            if site.failures_left.get(path, 0) > 0:
                site.failures_left[path] -= 1
                status, headers, body = 503, {"Content-Type": "text/plain"}, b"busy"
            else:
                status, headers, body = site.pages.get(path, (404, {"Content-Type": "text/plain"}, b"not found"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(site))
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    site.html("/story", article_page("US strikes Kataib Hezbollah in Iraq and Syria", STORY, site.url("/story")))
    site.pages["/old-story"] = (301, {"Location": "/story"}, b"")
    site.html("/paywall", PAYWALL)
    site.html("/slow", article_page("Slow news", STORY, site.url("/slow")))
    site.html("/notes.txt", "plain notes", content_type="text/plain")
    site.html("/feed.xml", feed(site.base), content_type="application/rss+xml")
    for name in ("one", "two", "three"):
        site.html(
            f"/feed/{name}",
            article_page(
                f"Story {name} of the crisis", entry_paragraphs(name), site.url(f"/feed/{name}"), date="2019-12-31"
            ),
        )
    wire = ["Wire copy: " + paragraph for paragraph in STORY]
    site.html("/wire-a", article_page("Militia vows revenge", wire, site.url("/wire-a"), outlet="Gazette"))
    site.html("/wire-b", article_page("Militia vows revenge after strikes", wire, site.url("/wire-b"), outlet="Herald"))
    latin = article_page(
        "Café owners in Baghdad count the cost",
        ["Le café près de l'ambassade: " + paragraph for paragraph in STORY],
        site.url("/latin"),
        author="José Müller",
        charset="iso-8859-1",
    )
    site.html("/latin", latin, content_type="text/html", encoding="latin-1")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


def add(capsys, *args: str) -> tuple[int, list[str]]:
    status = main(["add", "--delay", "0", *args])
    return status, capsys.readouterr().err.splitlines()


def front_matter(path: Path) -> dict[str, str]:
    """The front matter as written, field by field, read as plain text (no Broadsheet code)."""
    head = path.read_text(encoding="utf-8").split("\n---\n", 1)[0]
    return {key: value.strip().strip('"') for key, _, value in (line.partition(":") for line in head.splitlines()[1:])}


def body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[1]


def articles_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.md"))


# -- a page becomes one Markdown article ---------------------------------------------------------


def test_a_page_becomes_an_article_with_its_front_matter_and_only_the_story(site, tmp_path, capsys):
    folder = tmp_path / "articles"
    status, err = add(capsys, site.url("/story"), "--to", str(folder))
    assert status == 0, err
    [path] = articles_in(folder)
    assert path.name == "daily-courier-2019-12-30-us-strikes-kataib-hezbollah-in-iraq-and-syria.md"
    fields = front_matter(path)
    assert list(fields) == ["id", "outlet", "title", "author", "date", "url", "fetched", "source"]
    assert fields["id"] == path.stem
    assert (fields["outlet"], fields["title"], fields["author"], fields["date"]) == (
        "Daily Courier",
        "US strikes Kataib Hezbollah in Iraq and Syria",
        "Jane Doe",
        "2019-12-30",
    )
    assert fields["url"] == fields["source"] == site.url("/story")
    assert fields["fetched"].startswith(time.strftime("%Y-%m-%d", time.gmtime()))
    text = body(path)
    for paragraph in STORY:
        assert f"\n{paragraph}\n" in text  # each paragraph whole, on its own
    assert "\n\n".join(STORY) in text  # paragraphs kept apart by a blank line
    for junk in [*BOILERPLATE, "By Jane Doe"]:
        assert junk not in text
    assert err == [f"broadsheet: added 1 article to {folder}"]
    [(_, agent)] = site.requests
    assert agent.startswith("Broadsheet/0.1 (+https://")
    article = load_article(path)  # the app opens it as any article, with its metadata
    assert (article.id, article.outlet, article.date, article.title) == (
        path.stem,
        "Daily Courier",
        "2019-12-30",
        "US strikes Kataib Hezbollah in Iraq and Syria",
    )
    assert article.meta["author"] == "Jane Doe" and article.meta["url"] == site.url("/story")


def test_a_latin1_page_declared_in_its_meta_tag_is_read_as_latin1(site, tmp_path, capsys):
    folder = tmp_path / "articles"
    status, err = add(capsys, site.url("/latin"), "--to", str(folder))
    assert status == 0, err
    [path] = articles_in(folder)
    assert front_matter(path)["author"] == "José Müller"
    assert front_matter(path)["title"] == "Café owners in Baghdad count the cost"
    assert "Le café près de l'ambassade: " + STORY[0] in body(path)
    assert path.name.startswith("daily-courier-2019-12-30-caf")


# -- failures: one line each, exit 1, nothing already added lost ---------------------------------


def test_each_failure_is_one_line_naming_the_url_and_earlier_articles_are_kept(site, tmp_path, capsys):
    folder = tmp_path / "articles"
    status, err = add(
        capsys,
        site.url("/story"),
        site.url("/missing"),
        site.url("/paywall"),
        site.url("/slow"),
        site.url("/notes.txt"),
        "--to",
        str(folder),
        "--timeout",
        "0.5",
        "--retries",
        "0",
    )
    assert status == 1
    assert err[:-1] == [
        f"broadsheet: {site.url('/missing')}: HTTP 404 Not Found",
        f"broadsheet: {site.url('/paywall')}: too little text (14 words): a paywall, or not an article",
        f"broadsheet: {site.url('/slow')}: timed out after 0.5 s",
        f"broadsheet: {site.url('/notes.txt')}: not HTML or a feed (text/plain)",
    ]
    assert err[-1] == f"broadsheet: added 1 article to {folder}; 4 failed"
    [path] = articles_in(folder)
    assert front_matter(path)["url"] == site.url("/story")


def test_a_server_error_is_retried_with_back_off_and_then_named(site, tmp_path, capsys):
    folder = tmp_path / "articles"
    site.failures_left = {"/story": 2, "/paywall": 9}
    status, err = add(
        capsys, site.url("/story"), site.url("/paywall"), "--to", str(folder), "--retries", "2", "--backoff", "0.05"
    )
    assert status == 1
    assert err[0] == f"broadsheet: {site.url('/paywall')}: HTTP 503 Service Unavailable (3 tries)"
    assert [path for path, _ in site.requests] == ["/story"] * 3 + ["/paywall"] * 3
    assert len(articles_in(folder)) == 1


def test_requests_to_one_site_are_apart_by_the_delay(site, tmp_path, capsys):
    status, err = (
        main(["add", site.url("/feed.xml"), "--to", str(tmp_path / "articles"), "--delay", "0.3"]),
        capsys.readouterr().err,
    )
    assert status == 0, err
    assert len(site.times) == 4
    assert min(later - earlier for earlier, later in pairwise(site.times)) >= 0.29


def test_an_unreachable_host_is_one_line(tmp_path, capsys):
    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    url = f"http://127.0.0.1:{closed.server_address[1]}/story"
    closed.server_close()  # nothing listens there now
    status, err = add(
        capsys,
        url,
        "http://[oops/x",
        "http://127.0.0.1/a\x1b]0;x\x07",
        "--to",
        str(tmp_path / "articles"),
        "--retries",
        "0",
    )
    assert status == 1
    assert err[:3] == [
        f"broadsheet: {url}: cannot connect: Connection refused",
        "broadsheet: http://[oops/x: not a valid address: Invalid IPv6 URL",
        "broadsheet: http://127.0.0.1/a␛]0;x␇: not a valid address: URL can't contain control "
        "characters. '/a\\x1b]0;x\\x07' (found at least '\\x1b')",
    ]


# -- duplicates ----------------------------------------------------------------------------------


def test_a_redirect_to_a_page_already_added_is_the_same_canonical_url(site, tmp_path, capsys):
    folder = tmp_path / "articles"
    status, err = add(capsys, site.url("/story"), site.url("/old-story"), "--to", str(folder))
    assert status == 0, err
    [path] = articles_in(folder)
    assert err == [
        f"broadsheet: {site.url('/old-story')}: already added as {path.stem} (same URL {site.url('/story')})",
        f"broadsheet: added 1 article to {folder}; 1 already there",
    ]


def test_the_same_text_from_two_urls_is_added_once_and_the_second_is_named(site, tmp_path, capsys):
    folder = tmp_path / "articles"
    add(capsys, site.url("/wire-a"), "--to", str(folder))
    status, err = add(capsys, site.url("/wire-b"), "--to", str(folder))
    assert status == 0, err
    [path] = articles_in(folder)
    assert front_matter(path)["outlet"] == "Gazette"
    assert err[0] == (
        f"broadsheet: {site.url('/wire-b')}: same text as {path.stem} (from {site.url('/wire-a')}); not added again"
    )


def test_a_changed_page_fetched_again_updates_its_article(site, tmp_path, capsys):
    folder = tmp_path / "articles"
    add(capsys, site.url("/story"), "--to", str(folder))
    [path] = articles_in(folder)
    corrected = [STORY[0], "Correction: the strikes hit five locations in all.", *STORY[2:]]
    site.html("/story", article_page("US strikes Kataib Hezbollah in Iraq and Syria", corrected, site.url("/story")))
    status, err = add(capsys, site.url("/story"), "--to", str(folder))
    assert status == 0, err
    assert articles_in(folder) == [path]
    assert err[0] == f"broadsheet: {site.url('/story')}: the page changed since it was added; {path.stem} updated"
    assert "Correction: the strikes hit five locations" in body(path) and STORY[1] not in body(path)
    cached = gzip.decompress((folder / ".pages" / f"{path.stem}.html.gz").read_bytes()).decode()
    assert "Correction: the strikes hit five locations" in cached


def test_a_span_tagged_before_the_page_changed_moves_with_its_text(site, tmp_path, capsys, store):
    folder = tmp_path / "articles"
    add(capsys, site.url("/story"), "--to", str(folder))
    [path] = articles_in(folder)
    before = load_article(path)
    start = before.text.index("at least 25 militia fighters")
    store.add(before, start, start + len("at least 25 militia fighters"), "figure", "tester")
    corrected = ["Correction: an earlier version named the wrong base.", *STORY]
    site.html("/story", article_page("US strikes Kataib Hezbollah in Iraq and Syria", corrected, site.url("/story")))
    add(capsys, site.url("/story"), "--to", str(folder))
    after = load_article(path)
    assert after.id == before.id and after.text != before.text
    store.reattach(after)
    [span] = store.annotations(after.id)
    assert not span.orphaned and after.text[span.start : span.end] == "at least 25 militia fighters"
    assert span.start == after.text.index("at least 25 militia fighters") > start


# -- feeds, WARC, saved pages --------------------------------------------------------------------


def test_a_feed_adds_the_page_of_every_entry(site, tmp_path, capsys):
    folder = tmp_path / "articles"
    status, err = add(capsys, site.url("/feed.xml"), "--to", str(folder))
    assert status == 0, err
    paths = articles_in(folder)
    assert [front_matter(path)["title"] for path in paths] == [
        "Story one of the crisis",
        "Story three of the crisis",
        "Story two of the crisis",
    ]
    for path in paths:
        name = front_matter(path)["title"].split()[1]
        assert front_matter(path)["url"] == site.url(f"/feed/{name}")
        assert front_matter(path)["source"] == site.url("/feed.xml")
        assert "\n\n".join(entry_paragraphs(name)) in body(path)
    assert err == [f"broadsheet: added 3 articles to {folder}"]


def test_a_feed_entry_is_a_page_never_another_feed_and_a_page_served_untyped_is_a_page(site, tmp_path, capsys):
    site.html(
        "/loop.xml",
        f'<rss version="2.0"><channel><title>Loop</title><item><title>Me</title>'
        f"<link>{site.url('/loop.xml')}</link></item><item><title>Untyped</title>"
        f"<link>{site.url('/untyped')}</link></item></channel></rss>",
        content_type="text/xml",
    )
    page = article_page("US strikes Kataib Hezbollah in Iraq and Syria", STORY, site.url("/untyped"))
    site.pages["/untyped"] = (200, {}, page.encode())  # no Content-Type at all
    folder = tmp_path / "articles"
    status, err = add(capsys, site.url("/loop.xml"), "--to", str(folder))
    assert status == 1
    assert err == [
        f"broadsheet: {site.url('/loop.xml')}: not HTML (text/xml)",
        f"broadsheet: added 1 article to {folder}; 1 failed",
    ]
    assert [path for path, _ in site.requests] == ["/loop.xml", "/loop.xml", "/untyped"]


def warc_file(path: Path, site_pages: list[tuple[str, str]]) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as output:
        writer = WARCWriter(output, gzip=True)
        for url, html in site_pages:
            request = writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.0\r\n\r\n"))
            writer.write_record(request)
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.0")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()), http_headers=headers)
            )
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.0")
        writer.write_record(
            writer.create_warc_record(
                "https://example.org/logo.png", "response", payload=io.BytesIO(b"\x89PNG\r\n"), http_headers=image
            )
        )
    return path


def test_a_warc_adds_every_html_response_without_the_network(tmp_path, capsys):
    pages = [
        (
            f"https://news.example/{name}",
            article_page(
                f"Story {name} of the crisis",
                entry_paragraphs(name),
                f"https://news.example/{name}",
                outlet="Example News",
            ),
        )
        for name in ("one", "two")
    ]
    crawl = warc_file(tmp_path / "crawl.warc.gz", pages)
    folder = tmp_path / "articles"
    status, err = add(capsys, str(crawl), "--to", str(folder))
    assert status == 0, err
    paths = articles_in(folder)
    assert [path.name for path in paths] == [
        "example-news-2019-12-30-story-one-of-the-crisis.md",
        "example-news-2019-12-30-story-two-of-the-crisis.md",
    ]
    fields = front_matter(paths[0])
    assert (fields["url"], fields["source"]) == ("https://news.example/one", str(crawl))
    assert fields["fetched"].startswith(time.strftime("%Y-%m-%d", time.gmtime()))  # the crawl's WARC-Date
    assert "\n\n".join(entry_paragraphs("one")) in body(paths[0])


def test_a_saved_page_is_added_and_opens_directly_in_the_app(site, tmp_path, capsys):
    saved = tmp_path / "saved page.html"
    saved.write_text(
        article_page("US strikes Kataib Hezbollah in Iraq and Syria", STORY, "https://courier.example/story")
    )
    os.utime(saved, (1577934245, 1577934245))  # 2020-01-02T03:04:05Z
    corpus = load_corpus([saved])
    assert corpus.problems == []
    [article] = corpus.articles
    assert (article.id, article.outlet, article.title, article.source) == (
        "saved page",
        "Daily Courier",
        "US strikes Kataib Hezbollah in Iraq and Syria",
        str(saved),
    )
    assert "\n\n".join(STORY) in article.text and not any(junk in article.text for junk in BOILERPLATE)
    folder = tmp_path / "articles"
    status, err = add(capsys, str(saved), "--to", str(folder))
    assert status == 0, err
    [path] = articles_in(folder)
    assert (front_matter(path)["url"], front_matter(path)["source"]) == ("https://courier.example/story", str(saved))
    assert front_matter(path)["fetched"] == "2020-01-02T03:04:05Z"  # when the browser saved it
    assert body(path).strip() == article.text.strip()


def test_a_page_that_names_no_outlet_keeps_its_source_apart_from_the_outlet(tmp_path, capsys):
    saved = tmp_path / "plain.html"
    saved.write_text(
        "<html><head><title>Plain</title></head><body><article>"
        + "".join(f"<p>{paragraph}</p>" for paragraph in STORY)
        + "</article></body></html>"
    )
    folder = tmp_path / "articles"
    status, err = add(capsys, str(saved), "--to", str(folder))
    assert status == 0, err
    [path] = articles_in(folder)
    article = load_article(path)
    assert (article.outlet, article.meta["source"]) == ("", str(saved))


def test_a_saved_page_with_no_story_is_a_problem_naming_the_file(tmp_path):
    saved = tmp_path / "stub.htm"
    saved.write_text(PAYWALL)
    corpus = load_corpus([saved])
    assert corpus.articles == []
    assert corpus.problems == [f"{saved}: too little text (14 words): a paywall, or not an article"]


# -- the cache of fetched pages ------------------------------------------------------------------


def test_pages_are_cached_compressed_and_re_extracted_without_the_network(site, tmp_path, capsys):
    folder = tmp_path / "articles"
    add(capsys, site.url("/story"), site.url("/feed.xml"), "--to", str(folder))
    originals = {path: path.read_bytes() for path in articles_in(folder)}
    assert len(originals) == 4
    for path in originals:
        cached = folder / ".pages" / f"{path.stem}.html.gz"
        assert "<nav>" in gzip.decompress(cached.read_bytes()).decode()
        path.write_text(path.read_text().split("\n---\n")[0] + "\n---\nan older extraction, now bettered\n")
    site.pages.clear()  # the network is gone: every request would be a 404
    requests = len(site.requests)
    status, err = main(["add", "--to", str(folder), "--re-extract"]), capsys.readouterr().err.splitlines()
    assert status == 0, err
    assert {path: path.read_bytes() for path in articles_in(folder)} == originals
    assert len(site.requests) == requests
    assert err == [f"broadsheet: re-extracted 4 articles in {folder}"]


# -- text from pages is outside text -------------------------------------------------------------


def test_a_hostile_title_and_author_stay_data_in_the_file_name_the_front_matter_and_messages(site, tmp_path, capsys):
    title = '../../etc/passwd \x1b]0;PWNED\x07 \u202eevil\u2028 “quoted” "and" key: value # not a comment'
    site.html("/hostile", article_page(title, STORY, site.url("/hostile"), outlet="../..", author="A\\B \u202eevil"))
    folder = tmp_path / "articles"
    status, err = add(capsys, site.url("/hostile"), site.url("/hostile?again"), "--to", str(folder))
    assert status == 0, err
    [path] = articles_in(folder)
    assert path.parent == folder and "/" not in path.stem and ".." not in path.stem and len(path.name) <= 120
    article = load_article(path)  # the front matter is valid YAML whatever the title held
    assert article.title.startswith("../../etc/passwd ")
    assert article.title.endswith(' “quoted” "and" key: value # not a comment')
    assert not {"\x1b", "\x07", "\u202e", "\u2028", "\n"} & set(article.title)
    assert article.meta["author"].startswith("A\\B ") and "\u202e" not in article.meta["author"]
    assert all("\x1b" not in line and "\u202e" not in line for line in err)


def test_a_long_title_in_any_script_gives_a_file_name_a_file_system_takes(site, tmp_path, capsys):
    site.html("/long", article_page("戦争" * 200, STORY, site.url("/long"), outlet="新聞"))
    site.html(
        "/word", article_page("x" * 400, ["Another story: " + paragraph for paragraph in STORY], site.url("/word"))
    )
    folder = tmp_path / "articles"
    status, err = add(capsys, site.url("/long"), site.url("/word"), "--to", str(folder))
    assert status == 0, err
    names = sorted(path.stem for path in articles_in(folder))
    assert names == ["daily-courier-2019-12-30-" + "x" * 95, "新聞-2019-12-30-" + "戦争" * 17]
    assert all(len((folder / PAGES_FOLDER / f"{name}.html.gz").read_bytes()) for name in names)


def test_an_unwritable_corpus_folder_is_one_line_and_what_was_added_stays(site, tmp_path, capsys):
    with small_disk(64) as disk:
        folder = disk / "articles"
        status, err = add(capsys, site.url("/story"), "--to", str(folder))
        assert status == 0
        fill(disk)
        status, err = add(capsys, site.url("/feed.xml"), "--to", str(folder))
        assert status == 2
        assert len(err) == 1 and err[0].startswith(f"broadsheet: {folder}/") and "No space left on device" in err[0]
        [path] = articles_in(folder)
        assert front_matter(path)["url"] == site.url("/story")
        assert not [name for name in folder.rglob("*") if name.name.endswith(".tmp")]


def test_a_second_add_to_the_same_folder_is_refused_while_the_first_runs(site, tmp_path, capsys):
    folder = tmp_path / "articles"
    add(capsys, site.url("/story"), "--to", str(folder))
    before = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time; lock = open(sys.argv[1], 'a'); "
            "fcntl.flock(lock, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)",
            str(folder / PAGES_FOLDER / ".lock"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "held\n"
        for args in ([site.url("/feed.xml")], ["--re-extract"]):
            status, err = add(capsys, *args, "--to", str(folder))
            assert status == 2
            assert err == [
                f"broadsheet: {folder}: another broadsheet is adding to this folder; try again when it has finished"
            ]
    finally:
        holder.kill()
        holder.wait()
    assert {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()} == before
    assert add(capsys, site.url("/feed.xml"), "--to", str(folder))[0] == 0  # the kernel let go when it died


# -- the app's command line ----------------------------------------------------------------------


def test_a_url_given_to_the_app_says_to_use_add(tmp_path, capsys):
    status = main(["https://www.reuters.com/article/x", "--db", str(tmp_path / "db.json")])
    assert status == 2
    assert capsys.readouterr().err.splitlines() == [
        "broadsheet: https://www.reuters.com/article/x: a web address; bring it in with "
        "`broadsheet add https://www.reuters.com/article/x`, then open the folder (./articles)"
    ]


def test_start_up_loads_none_of_the_extraction_libraries():
    code = (
        "import sys, tui.cli, annotations.articles; "
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'trafilatura', 'feedparser', 'warcio', "
        "'lxml', 'htmldate', 'courlan', 'urllib3', 'annotations.ingest'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.stdout.strip() == "[]", result.stderr
    assert (
        "annotations.ingest"
        not in subprocess.run(
            [sys.executable, "-c", "import sys, tui.cli; print(list(sys.modules))"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        ).stdout
    )


# -- end to end in a real terminal ---------------------------------------------------------------


def test_add_a_feed_in_a_terminal_then_open_the_folder_and_tag(site, tmp_path, db_path):
    folder = tmp_path / "articles"
    site.pause = 0.6  # long enough for the progress bar to show
    adding = Terminal(broadsheet_command("add", site.url("/feed.xml"), "--to", str(folder), "--delay", "0"), cwd=ROOT)
    try:
        adding.wait_for("Adding articles", timeout=60)
        adding.wait_for(f"broadsheet: added 3 articles to {folder}", timeout=60)
        assert adding.wait_for_exit() == 0
    finally:
        adding.close()
    reading = Terminal(broadsheet_command(str(folder), "--db", str(db_path)), cwd=ROOT)
    try:
        reading.wait_for("Daily Courier · 2019-12-31", "^q Quit", timeout=30)
        reading.send("w", "a")
        reading.wait_for("1 tag")
        reading.send("C-q")
        assert reading.wait_for_exit() == 0
    finally:
        reading.close()
    [saved] = saved_annotations(db_path)
    first = articles_in(folder)[0]
    assert saved["article_id"] == first.stem and saved["label"] == "actor"
    assert load_article(first).text[saved["start"] : saved["end"]] == saved["text"]
