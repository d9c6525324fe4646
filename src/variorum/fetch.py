"""Fetch web pages over HTTP(S): polite, bounded, and explicit about every failure.

One ``Fetcher.fetch`` call makes up to ``1 + retries`` attempts. Transient failures
(connection refused or reset, timeouts, HTTP 408, 429 and 5xx) are retried with
exponential backoff (``backoff``, 2x, 4x ... seconds), or after the server's
``Retry-After`` when it asks for longer. Permanent failures (unknown host, other
4xx, wrong content type, a body over the size limit) fail at once. Every failure
is a ``FetchError`` whose ``reason`` is a short code for the database.
"""

from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import hashlib
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from variorum import __version__
from variorum.decode import decode_bytes
from variorum.errors import VariorumError

# Names the tool and what it does, so a site operator can tell it from a scraper;
# override with Fetcher(user_agent=...) to add a contact address.
USER_AGENT = f"variorum/{__version__} (news article version tracker)"

HTML_TYPES = ("text/html", "application/xhtml+xml")
# Feeds are served under many types (text/html and text/plain included); feedparser
# decides whether the body is one. Only what cannot be text is refused.
BINARY_PREFIXES = ("image/", "audio/", "video/", "font/")
BINARY_TYPES = frozenset(
    {"application/pdf", "application/zip", "application/gzip", "application/octet-stream"}
)

DEFAULT_TIMEOUT = 20.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 1.0
DEFAULT_MAX_RETRY_AFTER = 120.0
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 10

_RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
_LATIN1_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


class FetchError(VariorumError):
    """A fetch failed. ``reason`` is one of: invalid-url, dns, connect, timeout, network,
    too-many-redirects, http, too-large, content-type."""

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        url: str,
        status: int | None = None,
        final_url: str | None = None,
        retry_after: float | None = None,
        transient: bool = False,
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.transient = transient
        self.url = url
        self.status = status
        self.final_url = final_url
        self.retry_after = retry_after
        self.attempts = attempts


@dataclass(frozen=True)
class FetchResult:
    """A response the caller can use: 2xx with its body, or 304 Not Modified (no body)."""

    url: str
    final_url: str
    status: int
    fetched_at: str  # ISO 8601 UTC, seconds
    content: bytes
    content_type: str | None  # the media type only, lower case
    charset: str | None
    etag: str | None
    last_modified: str | None
    redirects: tuple[str, ...]  # every URL that answered with a redirect, in order
    attempts: int
    elapsed_ms: int

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    """``2024-03-05T08:30:00Z``: sortable as text, which the schedule relies on."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def check_url(url: str) -> str:
    """The URL without its fragment and utm_* tracking parameters; refuses non-HTTP(S)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError(
            f"{url!r} is not an http:// or https:// URL", reason="invalid-url", url=url
        )
    query = parts.query
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(k.startswith("utm_") for k, _ in pairs):
        query = urlencode([(k, v) for k, v in pairs if not k.startswith("utm_")])
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))


class Fetcher:
    """An HTTP client with the policy above. Use as a context manager, or call close().

    ``transport`` replaces the network (tests); ``sleep`` and ``clock`` are injectable
    so that backoff and timestamps can be tested without waiting. ``trust_env`` reads
    proxy variables (HTTPS_PROXY, NO_PROXY ...) from the environment.
    """

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        user_agent: str = USER_AGENT,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], dt.datetime] = utc_now,
        trust_env: bool = True,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.sleep = sleep
        self.clock = clock
        self.client = httpx.Client(
            headers={"User-Agent": user_agent},
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            transport=transport,
            trust_env=trust_env,  # proxy settings from the environment
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: tuple[str, ...] | None = HTML_TYPES,
    ) -> FetchResult:
        """GET ``url``. ``accept`` lists the media types wanted (None: any text);
        ``etag``/``last_modified`` make the request conditional (304 comes back as a
        result with ``not_modified``). Raises FetchError."""
        url = check_url(url)
        headers = {
            "Accept": (
                ", ".join(accept) + ", */*;q=0.1"
                if accept
                else "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
            )
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._attempt(url, headers, accept, attempt)
            except FetchError as e:
                e.attempts = attempt
                delay = self._retry_delay(e, attempt)
                if delay is None:
                    raise
                self.sleep(delay)

    def _retry_delay(self, e: FetchError, attempt: int) -> float | None:
        if attempt > self.retries or not e.transient:
            return None
        delay = self.backoff * 2 ** (attempt - 1)
        if e.retry_after is not None:
            if e.retry_after > self.max_retry_after:
                return None  # the caller reschedules from e.retry_after
            delay = max(delay, e.retry_after)
        return delay

    def _attempt(
        self, url: str, headers: dict[str, str], accept: tuple[str, ...] | None, attempt: int
    ) -> FetchResult:
        fetched_at = iso(self.clock())
        started = time.monotonic()
        try:
            with self.client.stream("GET", url, headers=headers) as resp:
                final = str(resp.url)
                redirects = tuple(str(r.url) for r in resp.history)
                status = resp.status_code
                if status >= 400 or (300 <= status < 400 and status != 304):
                    raise FetchError(
                        f"HTTP {status} {resp.reason_phrase} from {final}".rstrip(),
                        reason="http",
                        url=url,
                        status=status,
                        final_url=final,
                        retry_after=_retry_after(resp.headers.get("Retry-After"), self.clock()),
                        transient=status in _RETRY_STATUS,
                    )
                mime, charset = _content_type(resp.headers.get("Content-Type"))
                content = b""
                if status != 304:
                    _check_type(mime, accept, url, final, status)
                    content = self._read(resp, url, final, started)
                return FetchResult(
                    url=url,
                    final_url=final,
                    status=status,
                    fetched_at=fetched_at,
                    content=content,
                    content_type=mime,
                    charset=charset,
                    etag=resp.headers.get("ETag"),
                    last_modified=resp.headers.get("Last-Modified"),
                    redirects=redirects,
                    attempts=attempt,
                    elapsed_ms=round((time.monotonic() - started) * 1000),
                )
        except httpx.TooManyRedirects as e:
            raise FetchError(
                f"more than {MAX_REDIRECTS} redirects from {url}",
                reason="too-many-redirects",
                url=url,
            ) from e
        except httpx.TimeoutException as e:
            raise FetchError(
                f"timed out after {self.timeout:g} s fetching {url}",
                reason="timeout",
                url=url,
                transient=True,
            ) from e
        except httpx.ConnectError as e:
            raise _connect_error(e, url) from e
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as e:
            raise FetchError(f"cannot fetch {url!r}: {e}", reason="invalid-url", url=url) from e
        except httpx.HTTPError as e:
            raise FetchError(
                f"network error fetching {url}: {e or type(e).__name__}",
                reason="network",
                url=url,
                transient=True,
            ) from e

    def _read(self, resp: httpx.Response, url: str, final: str, started: float) -> bytes:
        declared = resp.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large(url, final, resp.status_code, f"declares {int(declared):,} bytes")
        chunks: list[bytes] = []
        size = 0
        # Bytes are counted after decompression, so a small gzip bomb is caught too; the
        # total deadline stops a server that trickles a byte just before each read timeout.
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise self._too_large(url, final, resp.status_code, "sent more")
            chunks.append(chunk)
            if time.monotonic() - started > self.timeout:
                raise httpx.ReadTimeout("total time exceeded")
        return b"".join(chunks)

    def _too_large(self, url: str, final: str, status: int, what: str) -> FetchError:
        return FetchError(
            f"{final} {what}: over the size limit of {self.max_bytes:,} bytes",
            reason="too-large",
            url=url,
            status=status,
            final_url=final,
        )


def _connect_error(e: httpx.ConnectError, url: str) -> FetchError:
    host = urlsplit(url).hostname or url
    cause: BaseException | None = e
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            temporary = cause.errno == socket.EAI_AGAIN
            return FetchError(
                f"cannot resolve host {host}"
                + (" (temporary DNS failure)" if temporary else " (no such host)"),
                reason="dns",
                url=url,
                transient=temporary,
            )
        cause = cause.__cause__ or cause.__context__
    text = str(e)
    if "Name or service not known" in text or "nodename nor servname" in text:
        return FetchError(f"cannot resolve host {host} (no such host)", reason="dns", url=url)
    return FetchError(
        f"cannot connect to {host}: {text or 'connection failed'}",
        reason="connect",
        url=url,
        transient=True,
    )


def _content_type(header: str | None) -> tuple[str | None, str | None]:
    if not header:
        return None, None
    mime, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip("\"' ").lower() or None
    return mime.strip().lower() or None, charset


def _check_type(
    mime: str | None, accept: tuple[str, ...] | None, url: str, final: str, status: int
) -> None:
    if mime is None:
        return  # no Content-Type: the body decides (extraction or feed parsing)
    refused = (
        mime not in accept if accept else (mime.startswith(BINARY_PREFIXES) or mime in BINARY_TYPES)
    )
    if refused:
        wanted = " or ".join(accept) if accept else "text"
        raise FetchError(
            f"{final} is {mime}, not {wanted}",
            reason="content-type",
            url=url,
            status=status,
            final_url=final,
        )


def _retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


def page_text(content: bytes, charset: str | None, name: str) -> str:
    """Decode a page: byte-order mark, then the HTTP charset, then a <meta> charset,
    then detection. Undecodable bytes in a declared charset become U+FFFD."""
    if content.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_bytes(content, name)
    declared = charset
    if declared is None:
        m = _META_CHARSET.search(content[:4096])
        declared = m.group(1).decode("ascii").lower() if m else None
    if declared in _LATIN1_LABELS:
        declared = "cp1252"  # as browsers do (WHATWG Encoding): these labels mean windows-1252
    if declared:
        try:
            codecs.lookup(declared)
        except LookupError:
            declared = None
    if declared:
        return content.decode(declared, errors="replace")
    return decode_bytes(content, name)
