"""Polite HTTP: one request at a time, a pause between two to one host, a user agent naming
Broadsheet, a timeout, and retries with back-off when a server is busy or slow. A fetch
that fails is a FetchError whose message is the reason in a few words ('HTTP 404 Not
Found', 'timed out after 10 s'), for a line that names the URL.

The standard library's urllib does it: the pages come one after another, so a pool of
connections would buy nothing."""

from __future__ import annotations

import email.message
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPException, InvalidURL

USER_AGENT = "Broadsheet/0.1 (+https://pypi.org/project/broadsheet/)"
MAX_BYTES = 20 * 1024 * 1024  # no news page is larger; a larger answer is refused, not held in memory
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(Exception):
    """A page that could not be fetched; ``str()`` is the reason, without the URL."""


@dataclass
class Fetched:
    """A page as the server gave it: the URL it ended at (after redirects) and its bytes."""

    url: str
    data: bytes
    content_type: str  # the media type alone, lower case: 'text/html'
    charset: str | None  # from the Content-Type header, when it names one


def _seconds(value: float) -> str:
    return f"{value:g} s"


@dataclass
class Fetcher:
    """Fetches one URL at a time. ``delay``: the least time between two requests to one host."""

    timeout: float = 20.0
    retries: int = 2
    backoff: float = 1.0  # seconds before the first retry; doubled for each one after
    delay: float = 1.0
    _last_request: dict[str, float] = field(default_factory=dict)

    def fetch(self, url: str) -> Fetched:
        try:
            scheme = urllib.parse.urlsplit(url).scheme
        except ValueError as error:  # 'http://[oops'
            raise FetchError(f"not a valid address: {error}") from None
        if scheme not in ("http", "https"):
            raise FetchError("not an http or https address")
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                return self._request(url)
            except _Retryable as error:
                reason = str(error)
        tries = self.retries + 1
        raise FetchError(reason + (f" ({tries} tries)" if tries > 1 else ""))

    def _wait_for_host(self, url: str) -> None:
        host = urllib.parse.urlsplit(url).netloc.lower()
        last = self._last_request.get(host)
        if last is not None:
            pause = self.delay - (time.monotonic() - last)
            if pause > 0:
                time.sleep(pause)
        self._last_request[host] = time.monotonic()

    def _request(self, url: str) -> Fetched:
        self._wait_for_host(url)
        headers = {
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,*/*;q=0.5",
        }
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) only, above
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - http(s) only, above
                data = response.read(MAX_BYTES + 1)
                headers, final_url = response.headers, response.geturl()
        except (ValueError, InvalidURL) as error:  # a space or a control character in it
            raise FetchError(f"not a valid address: {error}") from None
        except urllib.error.HTTPError as error:
            reason = f"HTTP {error.code} {error.reason}".rstrip()
            if error.code in RETRIED_STATUSES:
                raise _Retryable(reason) from None
            raise FetchError(reason) from None
        except TimeoutError:  # socket.timeout is TimeoutError since Python 3.10
            raise _Retryable(f"timed out after {_seconds(self.timeout)}") from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):  # while connecting
                raise _Retryable(f"timed out after {_seconds(self.timeout)}") from None
            raise _connection_problem(error.reason) from None
        except (OSError, HTTPException) as error:
            raise _Retryable(f"connection broken: {error}") from None
        if len(data) > MAX_BYTES:
            raise FetchError(f"larger than {MAX_BYTES // 1024 // 1024} MB; not a news page")
        return Fetched(final_url, data, *media_type(headers.get("Content-Type", "")))


class _Retryable(FetchError):
    """A failure that may pass if tried again: a busy server, a timeout, a dropped connection."""


def _connection_problem(reason: object) -> FetchError:
    if isinstance(reason, socket.gaierror):
        return FetchError(f"unknown host ({reason.strerror})")
    if isinstance(reason, OSError) and reason.strerror:
        return _Retryable(f"cannot connect: {reason.strerror}")
    return _Retryable(f"cannot connect: {reason}")


def media_type(content_type: str) -> tuple[str, str | None]:
    """A Content-Type value's media type (lower case, 'text/plain' when there is none) and charset."""
    header = email.message.Message()
    header["Content-Type"] = content_type
    return header.get_content_type(), header.get_content_charset()
