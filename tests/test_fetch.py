import datetime as dt
import gzip
import hashlib
import re
import socket
import time

import httpx
import pytest
from localsite import FakeClock, Response, slow, stream

from variorum import __version__
from variorum.fetch import (
    USER_AGENT,
    Fetcher,
    FetchError,
    _retry_after,
    check_url,
    page_text,
)

PAGE = "<html><body><p>Hello.</p></body></html>"


def fetcher(clock: FakeClock, **kwargs) -> Fetcher:
    kwargs.setdefault("retries", 2)
    kwargs.setdefault("backoff", 0.5)
    return Fetcher(clock=clock.now, sleep=clock.sleep, trust_env=False, **kwargs)


def test_plain_fetch_records_everything(site, clock):
    site.page("/a", PAGE, etag='"e1"', last_modified="Tue, 05 Mar 2024 08:00:00 GMT")
    with fetcher(clock) as f:
        r = f.fetch(site.url("/a"))
    assert (r.url, r.final_url, r.status, r.fetched_at) == (
        site.url("/a"),
        site.url("/a"),
        200,
        "2024-03-05T08:00:00Z",
    )
    assert (r.content, r.content_type, r.charset) == (PAGE.encode(), "text/html", "utf-8")
    assert (r.etag, r.last_modified) == ('"e1"', "Tue, 05 Mar 2024 08:00:00 GMT")
    assert (r.redirects, r.attempts, r.not_modified) == ((), 1, False)
    assert r.sha256 == hashlib.sha256(PAGE.encode()).hexdigest()
    req = site.last_request("/a")
    assert req.headers["User-Agent"] == USER_AGENT
    assert re.fullmatch(r"variorum/\d+\.\d+\.\d+\S* \(news article version tracker\)", USER_AGENT)
    assert USER_AGENT.startswith(f"variorum/{__version__} ")
    assert "If-None-Match" not in req.headers


def test_redirects_record_the_final_url(site, clock):
    site.page("/old", status=301, headers={"Location": "/mid"}, content_type=None)
    site.page("/mid", status=302, headers={"Location": site.url("/new")}, content_type=None)
    site.page("/new", PAGE)
    with fetcher(clock) as f:
        r = f.fetch(site.url("/old"))
    assert r.final_url == site.url("/new")
    assert r.redirects == (site.url("/old"), site.url("/mid"))
    assert r.content == PAGE.encode()


def test_redirect_loop(site, clock):
    site.page("/loop", status=302, headers={"Location": "/loop"}, content_type=None)
    with fetcher(clock) as f, pytest.raises(FetchError) as e:
        f.fetch(site.url("/loop"))
    assert e.value.reason == "too-many-redirects"
    assert site.hits("/loop") == 11  # the first request and 10 redirects, no retry


def test_etag_and_last_modified_make_conditional_requests(site, clock):
    site.page("/e", PAGE, etag='"v1"')
    site.page("/m", PAGE, last_modified="Tue, 05 Mar 2024 08:00:00 GMT")
    with fetcher(clock) as f:
        first = f.fetch(site.url("/e"))
        again = f.fetch(site.url("/e"), etag=first.etag)
        by_date = f.fetch(site.url("/m"), last_modified="Tue, 05 Mar 2024 08:00:00 GMT")
    assert (again.status, again.not_modified, again.content) == (304, True, b"")
    assert site.last_request("/e").headers["If-None-Match"] == '"v1"'
    assert (by_date.status, by_date.not_modified) == (304, True)
    assert site.last_request("/m").headers["If-Modified-Since"] == "Tue, 05 Mar 2024 08:00:00 GMT"


@pytest.mark.parametrize("status", [404, 403, 410])
def test_client_errors_are_not_retried(site, clock, status):
    site.page("/x", "gone", status=status, content_type="text/plain")
    with fetcher(clock) as f, pytest.raises(FetchError) as e:
        f.fetch(site.url("/x"))
    assert (e.value.reason, e.value.status, e.value.attempts) == ("http", status, 1)
    assert str(e.value).startswith(f"HTTP {status} ")
    assert site.hits("/x") == 1
    assert clock.slept == []


def test_server_errors_retry_with_backoff_then_fail(site, clock):
    site.page("/err", "boom", status=500, content_type="text/plain")
    with fetcher(clock, retries=3, backoff=0.5) as f, pytest.raises(FetchError) as e:
        f.fetch(site.url("/err"))
    assert (e.value.reason, e.value.status, e.value.attempts) == ("http", 500, 4)
    assert str(e.value) == f"HTTP 500 Internal Server Error from {site.url('/err')}"
    assert site.hits("/err") == 4
    assert clock.slept == [0.5, 1.0, 2.0]


def test_transient_failure_then_success(site, clock):
    site.sequence("/flaky", Response("busy", 503), Response("busy", 502), Response(PAGE))
    with fetcher(clock) as f:
        r = f.fetch(site.url("/flaky"))
    assert (r.status, r.attempts, r.content) == (200, 3, PAGE.encode())
    assert clock.slept == [0.5, 1.0]


def test_429_waits_for_retry_after(site, clock):
    site.sequence("/rl", Response("slow down", 429, headers={"Retry-After": "7"}), Response(PAGE))
    with fetcher(clock) as f:
        r = f.fetch(site.url("/rl"))
    assert (r.status, r.attempts) == (200, 2)
    assert clock.slept == [7.0]


def test_429_with_long_retry_after_gives_up_at_once(site, clock):
    site.page("/rl", "later", status=429, headers={"Retry-After": "3600"})
    with fetcher(clock, max_retry_after=120) as f, pytest.raises(FetchError) as e:
        f.fetch(site.url("/rl"))
    assert (e.value.status, e.value.retry_after, e.value.attempts) == (429, 3600.0, 1)
    assert clock.slept == []


NOW = dt.datetime(2024, 3, 5, 8, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("120", 120.0),
        ("Tue, 05 Mar 2024 08:01:30 GMT", 90.0),
        ("Tue, 05 Mar 2024 07:00:00 GMT", 0.0),  # in the past: now
        ("soon", None),
    ],
)
def test_retry_after_header(header, seconds):
    assert _retry_after(header, NOW) == seconds


def test_slow_endpoint_times_out_and_is_retried(site, clock):
    site.handler("/slow", slow(1.5))
    started = time.monotonic()
    with fetcher(clock, timeout=0.2, retries=1) as f, pytest.raises(FetchError) as e:
        f.fetch(site.url("/slow"))
    assert time.monotonic() - started < 1.4
    assert (e.value.reason, e.value.attempts) == ("timeout", 2)
    assert str(e.value) == f"timed out after 0.2 s fetching {site.url('/slow')}"
    assert site.hits("/slow") == 2


def test_huge_response_stops_at_the_limit(site, clock):
    site.handler("/huge", stream(5_000_000))
    with fetcher(clock, max_bytes=100_000) as f, pytest.raises(FetchError) as e:
        f.fetch(site.url("/huge"))
    assert (e.value.reason, e.value.status, e.value.attempts) == ("too-large", 200, 1)
    assert str(e.value) == (f"{site.url('/huge')} sent more: over the size limit of 100,000 bytes")


def test_declared_huge_response_is_refused_before_reading(site, clock):
    site.handler("/big", stream(10_000, declare=50_000_000))
    with fetcher(clock, max_bytes=1_000_000) as f, pytest.raises(FetchError) as e:
        f.fetch(site.url("/big"))
    assert e.value.reason == "too-large"
    assert "declares 50,000,000 bytes" in str(e.value)


def test_gzip_bomb_counts_decompressed_bytes(site, clock):
    bomb = gzip.compress(b"<p>" + b"0" * 5_000_000)
    site.page("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    with fetcher(clock, max_bytes=1_000_000) as f, pytest.raises(FetchError) as e:
        f.fetch(site.url("/bomb"))
    assert len(bomb) < 10_000
    assert e.value.reason == "too-large"


def test_gzip_body_is_decoded(site, clock):
    site.page("/gz", gzip.compress(PAGE.encode()), headers={"Content-Encoding": "gzip"})
    with fetcher(clock) as f:
        assert f.fetch(site.url("/gz")).content == PAGE.encode()


@pytest.mark.parametrize(
    ("content_type", "message"),
    [
        ("application/pdf", "is application/pdf, not text/html or application/xhtml+xml"),
        ("application/json", "is application/json, not text/html or application/xhtml+xml"),
        ("image/png", "is image/png, not text/html or application/xhtml+xml"),
    ],
)
def test_non_html_content_is_refused(site, clock, content_type, message):
    site.page("/doc", b"%PDF-1.4 ...", content_type=content_type)
    with fetcher(clock) as f, pytest.raises(FetchError) as e:
        f.fetch(site.url("/doc"))
    assert (e.value.reason, e.value.status, e.value.attempts) == ("content-type", 200, 1)
    assert str(e.value) == f"{site.url('/doc')} {message}"


def test_any_text_is_accepted_for_feeds(site, clock):
    site.page("/feed", "<rss/>", content_type="application/rss+xml")
    site.page("/img", b"\x89PNG", content_type="image/png")
    with fetcher(clock) as f:
        assert f.fetch(site.url("/feed"), accept=None).content == b"<rss/>"
        with pytest.raises(FetchError) as e:
            f.fetch(site.url("/img"), accept=None)
    assert e.value.reason == "content-type"


def test_connection_refused_is_retried(clock):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with fetcher(clock, retries=2) as f, pytest.raises(FetchError) as e:
        f.fetch(f"http://127.0.0.1:{port}/")
    assert (e.value.reason, e.value.attempts) == ("connect", 3)
    assert str(e.value).startswith("cannot connect to 127.0.0.1: ")
    assert clock.slept == [0.5, 1.0]


def _dns_transport(errno: int, calls: list[str]) -> httpx.MockTransport:
    """What httpx raises when the resolver fails, without asking any resolver."""

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        try:
            raise socket.gaierror(errno, "Name or service not known")
        except socket.gaierror as e:
            raise httpx.ConnectError(str(e), request=request) from e

    return httpx.MockTransport(handler)


def test_unknown_host_fails_fast_without_retry(clock):
    calls: list[str] = []
    f = fetcher(clock, retries=3, transport=_dns_transport(socket.EAI_NONAME, calls))
    with f, pytest.raises(FetchError) as e:
        f.fetch("http://news.example.invalid/story")
    assert (e.value.reason, e.value.attempts) == ("dns", 1)
    assert str(e.value) == "cannot resolve host news.example.invalid (no such host)"
    assert calls == ["http://news.example.invalid/story"]
    assert clock.slept == []


def test_temporary_dns_failure_is_retried(clock):
    calls: list[str] = []
    f = fetcher(clock, retries=2, transport=_dns_transport(socket.EAI_AGAIN, calls))
    with f, pytest.raises(FetchError) as e:
        f.fetch("http://news.example.invalid/story")
    assert (e.value.reason, e.value.attempts, len(calls)) == ("dns", 3, 3)
    assert str(e.value).endswith("(temporary DNS failure)")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://example.com/a", "http://example.com/a"),
        ("HTTPS://Example.COM", "https://example.com/"),
        (" https://x.org/a?id=3#top ", "https://x.org/a?id=3"),
        ("https://x.org/a?utm_source=rss&id=3&utm_medium=feed", "https://x.org/a?id=3"),
        ("https://x.org/a?b=%20c&a=1", "https://x.org/a?b=%20c&a=1"),  # untouched if no utm_
        ("http://127.0.0.1:8080/p", "http://127.0.0.1:8080/p"),
    ],
)
def test_check_url(url, expected):
    assert check_url(url) == expected


@pytest.mark.parametrize(
    "url", ["ftp://example.com/a", "file:///etc/passwd", "example.com/a", "http://", "javascript:x"]
)
def test_check_url_refuses(url):
    with pytest.raises(FetchError) as e:
        check_url(url)
    assert e.value.reason == "invalid-url"
    assert str(e.value) == f"{url!r} is not an http:// or https:// URL"


@pytest.mark.parametrize(
    ("content", "charset", "expected"),
    [
        ("Größe €".encode(), "utf-8", "Größe €"),
        (b"\x93quoted\x94", "iso-8859-1", "\u201cquoted\u201d"),  # latin-1 label = windows-1252
        ('<meta charset="koi8-r"><p>Мир'.encode("koi8-r"), None, '<meta charset="koi8-r"><p>Мир'),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">Да'.encode(
                "cp1251"
            ),
            None,
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">Да',
        ),
        ("\ufeffBOM wins".encode(), "iso-8859-1", "BOM wins"),
        ("plain UTF-8 ünï".encode(), None, "plain UTF-8 ünï"),
        (b"bad \xff byte", "utf-8", "bad \ufffd byte"),
        (b"text", "no-such-charset", "text"),
    ],
)
def test_page_text(content, charset, expected):
    assert page_text(content, charset, "page") == expected
