"""A real HTTP server on 127.0.0.1 (ephemeral port) whose pages tests change between requests.

Nothing here contacts another host. Routes are static responses (with optional ETag /
Last-Modified handling), sequences of responses (one per request, the last repeats),
or functions that write the response themselves (slow, huge, broken endpoints).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Response:
    body: bytes | str = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None


Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Request:
    path: str
    headers: dict[str, str]


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, list[Response] | Handler] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        site = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                site._serve(self)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def page(self, path: str, body: bytes | str = b"", **kwargs: object) -> None:
        """Serve one response at ``path`` from now on."""
        self.routes[path] = [Response(body, **kwargs)]  # type: ignore[arg-type]

    def sequence(self, path: str, *responses: Response) -> None:
        """Serve these responses one per request; the last one repeats."""
        self.routes[path] = list(responses)

    def handler(self, path: str, fn: Handler) -> None:
        self.routes[path] = fn

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def last_request(self, path: str) -> Request:
        return [r for r in self.requests if r.path == path][-1]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.requests.append(Request(h.path, dict(h.headers.items())))
            route = self.routes.get(h.path)
            if isinstance(route, list) and len(route) > 1:
                resp: Response | Handler | None = route.pop(0)
            elif isinstance(route, list):
                resp = route[0]
            else:
                resp = route
        if resp is None:
            _send(h, Response("not found", 404, "text/plain"))
        elif callable(resp):
            resp(h)
        elif (resp.etag and h.headers.get("If-None-Match") == resp.etag) or (
            resp.last_modified and h.headers.get("If-Modified-Since") == resp.last_modified
        ):
            _send(h, Response(b"", 304, None, {}, resp.etag, resp.last_modified))
        else:
            _send(h, resp)


def _send(h: BaseHTTPRequestHandler, r: Response) -> None:
    body = r.body.encode("utf-8") if isinstance(r.body, str) else r.body
    h.send_response(r.status)
    if r.content_type:
        h.send_header("Content-Type", r.content_type)
    if r.etag:
        h.send_header("ETag", r.etag)
    if r.last_modified:
        h.send_header("Last-Modified", r.last_modified)
    for k, v in r.headers.items():
        h.send_header(k, v)
    if r.status != 304:
        h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    if r.status != 304:
        h.wfile.write(body)


def slow(seconds: float, body: str = "<p>late</p>") -> Handler:
    def fn(h: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        with contextlib.suppress(OSError):  # the client gave up, as it should
            _send(h, Response(body))

    return fn


def stream(total: int, *, declare: int | None = None, chunk: int = 65536) -> Handler:
    """Send ``total`` bytes of HTML without Content-Length (or declaring ``declare``)."""

    def fn(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        if declare is not None:
            h.send_header("Content-Length", str(declare))
        h.end_headers()
        sent = 0
        try:
            h.wfile.write(b"<html><body><p>")
            while sent < total:
                h.wfile.write(b"x" * chunk)
                sent += chunk
        except OSError:
            pass  # the client stopped reading at its limit

    return fn


class FakeClock:
    """Time that moves only when slept on: sleeps are recorded, never waited."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.t = start or dt.datetime(2024, 3, 5, 8, 0, tzinfo=dt.UTC)
        self.slept: list[float] = []

    def now(self) -> dt.datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += dt.timedelta(seconds=seconds)

    def advance(self, **kwargs: float) -> None:
        self.t += dt.timedelta(**kwargs)


def article_page(
    title: str,
    paragraphs: list[str],
    *,
    byline: str = "Jane Doe",
    published: str = "2024-03-05T08:30:00Z",
    noise: str = "",
) -> str:
    """A news page with navigation, an ad, reader comments, related links and a footer
    around the article; ``noise`` changes only the boilerplate."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | Daily Example</title>
<meta property="og:title" content="{title}">
<meta name="author" content="{byline}">
<meta property="article:published_time" content="{published}">
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li></ul></nav></header>
<div class="ad">Advertisement: subscribe today and save 50% on your first year! {noise}</div>
<main><article>
<h1>{title}</h1>
<p class="byline">By {byline}</p>
{body}
</article></main>
<section class="comments"><h3>Comments</h3>
<div class="comment"><p>Great article, I agree with every word of it. {noise}</p></div></section>
<aside class="related"><h3>Most read</h3><ul>
<li><a href="/a">Another story about the weather this weekend {noise}</a></li></ul></aside>
<footer><p>&copy; 2024 Daily Example. All rights reserved. Page built {noise}</p></footer>
</body></html>"""
