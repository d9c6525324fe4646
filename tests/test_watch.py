import datetime as dt
import gzip
import json
import socket

import httpx
import pytest
from click.testing import CliRunner
from localsite import Response, Site, article_page, slow, stream

from variorum import store, webpage
from variorum import watch as w
from variorum.cli import cli
from variorum.errors import VariorumError
from variorum.feeds import entry_slug
from variorum.fetch import Fetcher

M = 60
H = 3600
D = 86400

A = [
    "President Ilham Aliyev said on Tuesday that talks over the Nagorno-Karabakh region "
    "had stalled.",
    "About 30,1988 people died in the fighting between 1988 and 1994, officials said.",
    "The ceasefire, brokered by Russia, has been broken repeatedly since then.",
    "On Monday the foreign ministry said a new round of talks would start in May.",
]
# one figure correction, one reworded sentence, one trivial punctuation change
FIGURE = [A[0], A[1].replace("30,1988", "30,000"), A[2], A[3]]
WORDING = [
    *FIGURE[:2],
    "The ceasefire, brokered by Russia, has been violated many times since then.",
    A[3],
]
PUNCT = [
    *WORDING[:3],
    "On Monday, the foreign ministry said a new round of talks would start in May.",
]
TITLE = "Aliyev says Karabakh talks stalled"


def page(paras: list[str], noise: str = "") -> str:
    return article_page(TITLE, paras, noise=noise)


def text(paras: list[str]) -> str:
    return "\n\n".join([TITLE, *paras])


@pytest.fixture
def db(tmp_path):
    d = store.open_db(tmp_path / "watch.db")
    yield d
    d.close()


class DnsFailsForInvalid(httpx.BaseTransport):
    """The real network for 127.0.0.1; a resolver failure for *.invalid, without a lookup."""

    def __init__(self) -> None:
        self.real = httpx.HTTPTransport()
        self.invalid_calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host.endswith(".invalid"):
            self.invalid_calls += 1
            try:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            except socket.gaierror as e:
                raise httpx.ConnectError(str(e), request=request) from e
        return self.real.handle_request(request)

    def close(self) -> None:
        self.real.close()


@pytest.fixture
def fetcher(clock):
    f = Fetcher(
        clock=clock.now,
        sleep=clock.sleep,
        timeout=0.3,
        retries=0,
        trust_env=False,
        transport=DnsFailsForInvalid(),
    )
    yield f
    f.close()


def step(db, fetcher, clock, *, minutes: float = 15) -> list[w.CheckResult]:
    clock.advance(minutes=minutes)
    return w.run_once(db, fetcher, clock).results


def outcomes(results: list[w.CheckResult]) -> list[tuple]:
    return [(r.article, r.outcome, r.label, r.http_status, r.reason) for r in results]


# --- schedule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "interval"),
    [
        (0, 15 * M),
        (6 * H - 1, 15 * M),
        (6 * H, H),
        (3 * D - 1, H),
        (3 * D, D),
        (28 * D - 1, D),
        (28 * D, 7 * D),
        (365 * D, 7 * D),
    ],
)
def test_schedule_backs_off_with_age(age, interval):
    assert w.interval_for(dt.timedelta(seconds=age)) == dt.timedelta(seconds=interval)


@pytest.mark.parametrize(
    ("interval", "failures", "retry_after", "delay"),
    [
        (15 * M, 0, None, 15 * M),
        (15 * M, 1, None, 15 * M),
        (15 * M, 2, None, 30 * M),
        (15 * M, 3, None, H),
        (15 * M, 8, None, D),  # capped at a day
        (15 * M, 20, None, D),
        (7 * D, 3, None, 7 * D),  # never sooner than the age interval
        (15 * M, 1, 7200, 2 * H),  # the server's Retry-After wins when longer
        (D, 0, 60, D),
    ],
)
def test_next_delay(interval, failures, retry_after, delay):
    got = w.next_delay(dt.timedelta(seconds=interval), failures, retry_after)
    assert got == dt.timedelta(seconds=delay)


# --- the acceptance scenario ----------------------------------------------------------------


def three_changes(site, db, fetcher, clock) -> list[w.CheckResult]:
    """A watched page: boilerplate noise, three edits, a flip back, then an outage."""
    w.add_watch(db, site.url("/story"), article="karabakh", lang="en", now=clock.now())
    results = []
    for paras, noise in [
        (A, "first"),
        (A, "second"),  # only the ad, comments and footer changed
        (FIGURE, ""),
        (WORDING, ""),
        (PUNCT, ""),
        (WORDING, ""),  # back to the text of v3
        (WORDING, "later"),
    ]:
        site.page("/story", page(paras, noise))
        results += step(db, fetcher, clock)
    site.page("/story", "down", status=500, content_type="text/plain")
    results += step(db, fetcher, clock)
    return results


def test_watched_page_three_changes_versions_and_checks(site, db, fetcher, clock):
    results = three_changes(site, db, fetcher, clock)
    err = f"HTTP 500 Internal Server Error from {site.url('/story')}"
    assert outcomes(results) == [
        ("karabakh", "new-version", "v1", 200, None),
        ("karabakh", "unchanged", "v1", 200, None),
        ("karabakh", "new-version", "v2", 200, None),
        ("karabakh", "new-version", "v3", 200, None),
        ("karabakh", "new-version", "v4", 200, None),
        ("karabakh", "unchanged", "v3", 200, "same text as v3, already stored"),
        ("karabakh", "unchanged", "v3", 200, None),
        ("karabakh", "failed", None, 500, err),
    ]
    assert [(r["label"], r["text"]) for r in db.query("select label, text from versions")] == [
        ("v1", text(A)),
        ("v2", text(FIGURE)),
        ("v3", text(WORDING)),
        ("v4", text(PUNCT)),
    ]
    # every version carries its fetch: URL, final URL, time, status, content hash
    fetches = list(
        db.query(
            "select v.label, f.url, f.final_url, f.fetched_at, f.http_status, f.content_sha256, "
            "f.html_gzip, v.date, v.source from fetches f join versions v on v.id = f.version "
            "order by v.seq"
        )
    )
    assert [(f["label"], f["fetched_at"], f["http_status"]) for f in fetches] == [
        ("v1", "2024-03-05T08:15:00Z", 200),
        ("v2", "2024-03-05T08:45:00Z", 200),
        ("v3", "2024-03-05T09:00:00Z", 200),
        ("v4", "2024-03-05T09:15:00Z", 200),
    ]
    for f, paras in zip(fetches, [A, FIGURE, WORDING, PUNCT], strict=True):
        assert f["url"] == f["final_url"] == f["source"] == site.url("/story")
        assert f["date"] == f["fetched_at"]
        assert gzip.decompress(f["html_gzip"]).decode() == page(
            paras, "first" if paras is A else ""
        )
        assert len(f["content_sha256"]) == 64
    check_rows = list(
        db.query(
            "select c.checked_at, c.outcome, v.label, c.error from checks c "
            "left join versions v on v.id = c.version order by c.id"
        )
    )
    assert [tuple(r.values()) for r in check_rows] == [
        ("2024-03-05T08:15:00Z", "new-version", "v1", None),
        ("2024-03-05T08:30:00Z", "unchanged", "v1", None),
        ("2024-03-05T08:45:00Z", "new-version", "v2", None),
        ("2024-03-05T09:00:00Z", "new-version", "v3", None),
        ("2024-03-05T09:15:00Z", "new-version", "v4", None),
        ("2024-03-05T09:30:00Z", "unchanged", "v3", None),
        ("2024-03-05T09:45:00Z", "unchanged", "v3", None),
        ("2024-03-05T10:00:00Z", "failed", None, "http"),
    ]
    [row] = w.watch_rows(db)
    assert row == {
        "id": 1,
        "article": "karabakh",
        "lang": "en",
        "url": site.url("/story"),
        "status": "failed",
        "http_status": 500,
        "versions": 4,
        "checks": 8,
        "failures": 1,
        "last_checked": "2024-03-05T10:00:00Z",
        "next_due": "2024-03-05T10:15:00Z",
        "last_error": err,
        "selector": None,
        "feed": None,
    }
    assert db.execute("select title from articles").fetchone()[0] == TITLE


def test_watched_page_three_changes_change_kinds(site, db, fetcher, clock):
    three_changes(site, db, fetcher, clock)
    rows = list(
        db.query(
            "select from_label, to_label, kind, old_text, new_text from sentence_changes "
            "where article = 'karabakh' order by comparison_id, change_id"
        )
    )
    assert [tuple(r.values()) for r in rows] == [
        ("v1", "v2", "figure", A[1], FIGURE[1]),
        ("v2", "v3", "wording", FIGURE[2], WORDING[2]),
        ("v3", "v4", "punctuation", WORDING[3], PUNCT[3]),
    ]
    counts = list(
        db.query(
            "select fv.label as f, tv.label as t, figure_changes, wording_changes, "
            "punctuation_changes, added, removed from comparisons c "
            "join versions fv on fv.id = c.from_version join versions tv on tv.id = c.to_version "
            "order by c.id"
        )
    )
    assert [tuple(r.values()) for r in counts] == [
        ("v1", "v2", 1, 0, 0, 0, 0),
        ("v2", "v3", 0, 1, 0, 0, 0),
        ("v3", "v4", 0, 0, 1, 0, 0),
    ]


def test_flip_flop_adds_no_version(site, db, fetcher, clock):
    w.add_watch(db, site.url("/p"), article="flip", lang="en", now=clock.now())
    results = []
    for paras in (A, FIGURE, A, A, FIGURE):
        site.page("/p", page(paras))
        results += step(db, fetcher, clock)
    assert outcomes(results) == [
        ("flip", "new-version", "v1", 200, None),
        ("flip", "new-version", "v2", 200, None),
        ("flip", "unchanged", "v1", 200, "same text as v1, already stored"),
        ("flip", "unchanged", "v1", 200, None),
        ("flip", "unchanged", "v2", 200, "same text as v2, already stored"),
    ]
    assert db["versions"].count == 2
    assert db.execute("select versions, checks from watches").fetchone() == (2, 5)


# --- failures -------------------------------------------------------------------------------


def test_failures_are_recorded_per_watch_and_never_stop_the_others(
    site, db, fetcher, clock, tmp_path
):
    site.page("/good", page(A))
    site.page("/missing", "nope", status=404, content_type="text/plain")
    site.page("/error", "boom", status=500, content_type="text/plain")
    site.handler("/slow", slow(1.0))
    site.page("/pdf", b"%PDF-1.4", content_type="application/pdf")
    site.handler("/huge", stream(3_000_000))
    # an application shell whose text only a script would fill in
    site.page("/empty", '<html><body><div id="root"></div><script>render()</script></body></html>')
    site.page("/layout", page(A))
    dns = "http://news.example.invalid/story"
    urls = [
        ("missing", site.url("/missing"), None),
        ("error", site.url("/error"), None),
        ("slow", site.url("/slow"), None),
        ("pdf", site.url("/pdf"), None),
        ("huge", site.url("/huge"), None),
        ("empty", site.url("/empty"), None),
        ("layout", site.url("/layout"), "div.story-body"),
        ("dns", dns, None),
        ("good", site.url("/good"), None),
    ]
    for slug, url, selector in urls:
        w.add_watch(db, url, article=slug, lang="en", selector=selector, now=clock.now())
    fetcher.max_bytes = 1_000_000
    results = w.run_once(db, fetcher, clock).results
    assert outcomes(results) == [
        ("missing", "failed", None, 404, f"HTTP 404 Not Found from {site.url('/missing')}"),
        ("error", "failed", None, 500, f"HTTP 500 Internal Server Error from {site.url('/error')}"),
        ("slow", "failed", None, None, f"timed out after 0.3 s fetching {site.url('/slow')}"),
        (
            "pdf",
            "failed",
            None,
            200,
            f"{site.url('/pdf')} is application/pdf, not text/html or application/xhtml+xml",
        ),
        (
            "huge",
            "failed",
            None,
            200,
            f"{site.url('/huge')} sent more: over the size limit of 1,000,000 bytes",
        ),
        ("empty", "failed", None, 200, f"no article text found on {site.url('/empty')}"),
        (
            "layout",
            "failed",
            None,
            200,
            "CSS selector 'div.story-body' matched nothing on the page",
        ),
        ("dns", "failed", None, None, "cannot resolve host news.example.invalid (no such host)"),
        ("good", "new-version", "v1", 200, None),
    ]
    assert fetcher.client._transport.invalid_calls == 1
    codes = [tuple(r) for r in db.execute("select error from checks order by id")]
    assert codes == [
        ("http",),
        ("http",),
        ("timeout",),
        ("content-type",),
        ("too-large",),
        ("empty",),
        ("extraction",),
        ("dns",),
        (None,),
    ]
    # no empty or partial version anywhere
    assert [
        r[0]
        for r in db.execute("select a.slug from versions v join articles a on a.id = v.article")
    ] == ["good"]
    # the list shows each failure, and retries come 15 minutes later
    runner = CliRunner()
    r = runner.invoke(cli, ["--db", str(tmp_path / "watch.db"), "watch", "list", "--json"])
    assert r.exit_code == 0, r.output
    listed = json.loads(r.output)["watches"]
    assert [
        (x["article"], x["status"], x["versions"], x["failures"], x["next_due"]) for x in listed
    ] == [
        (
            slug,
            "new-version" if slug == "good" else "failed",
            int(slug == "good"),
            int(slug != "good"),
            "2024-03-05T08:15:00Z",
        )
        for slug, _, _ in urls
    ]
    assert [x["last_error"] for x in listed] == [res.reason for res in results]


def test_failure_backoff_and_retry_after(site, db, fetcher, clock):
    site.page("/down", "boom", status=503, content_type="text/plain")
    site.page("/limited", "later", status=429, headers={"Retry-After": "7200"})
    w.add_watch(db, site.url("/down"), article="down", lang="en", now=clock.now())
    w.add_watch(db, site.url("/limited"), article="limited", lang="en", now=clock.now())
    w.run_forever(db, fetcher, clock, passes=5, max_sleep=10 * D)
    # down: 15 min, 30 min, 1 h after consecutive failures; limited: Retry-After 2 h
    assert clock.slept == [15 * M, 30 * M, H, 15 * M]
    rows = list(db.query("select watch, checked_at from checks order by id"))
    assert [(r["watch"], r["checked_at"]) for r in rows] == [
        (1, "2024-03-05T08:00:00Z"),
        (2, "2024-03-05T08:00:00Z"),
        (1, "2024-03-05T08:15:00Z"),
        (1, "2024-03-05T08:45:00Z"),
        (1, "2024-03-05T09:45:00Z"),
        (2, "2024-03-05T10:00:00Z"),
    ]
    assert db.execute(
        "select next_due, consecutive_failures from watches order by id"
    ).fetchall() == [
        ("2024-03-05T11:45:00Z", 4),
        ("2024-03-05T12:00:00Z", 2),
    ]


def test_recovery_resets_the_failure_count(site, db, fetcher, clock):
    site.sequence("/p", Response("x", 500, "text/plain"), Response(page(A)))
    w.add_watch(db, site.url("/p"), article="p", lang="en", now=clock.now())
    results = w.run_forever(db, fetcher, clock, passes=2, max_sleep=3600).results
    assert clock.slept == [15 * M]
    assert [r.outcome for r in results] == ["failed", "new-version"]
    row = db.execute(
        "select last_error, consecutive_failures, failures, last_outcome from watches"
    ).fetchone()
    assert row == (None, 0, 1, "new-version")


# --- HTTP details through a watch -----------------------------------------------------------


def test_conditional_requests_record_not_modified(site, db, fetcher, clock):
    site.page("/e", page(A), etag='"a"')
    w.add_watch(db, site.url("/e"), article="e", lang="en", now=clock.now())
    first = step(db, fetcher, clock)
    second = step(db, fetcher, clock)
    assert site.last_request("/e").headers["If-None-Match"] == '"a"'
    site.page("/e", "boom", status=500, content_type="text/plain")
    third = step(db, fetcher, clock)
    site.page("/e", page(FIGURE), etag='"b"')
    fourth = step(db, fetcher, clock)
    assert site.last_request("/e").headers["If-None-Match"] == '"a"'  # kept through the failure
    assert outcomes(first + second + third + fourth) == [
        ("e", "new-version", "v1", 200, None),
        ("e", "not-modified", "v1", 304, None),
        ("e", "failed", None, 500, f"HTTP 500 Internal Server Error from {site.url('/e')}"),
        ("e", "new-version", "v2", 200, None),
    ]
    assert db.execute("select etag from watches").fetchone()[0] == '"b"'


def test_redirect_final_url_is_recorded(site, db, fetcher, clock):
    site.page("/old", status=301, headers={"Location": "/new"}, content_type=None)
    site.page("/new", page(A))
    w.add_watch(db, site.url("/old"), article="moved", lang="en", now=clock.now())
    w.run_once(db, fetcher, clock)
    new = site.url("/new")
    assert db.execute("select final_url from checks").fetchone()[0] == new
    assert db.execute("select final_url from watches").fetchone()[0] == new
    f = db.execute("select url, final_url, redirects from fetches").fetchone()
    assert f == (site.url("/old"), new, json.dumps([site.url("/old")], separators=(",", ":")))
    assert db.execute("select source from versions").fetchone()[0] == new


def test_stored_page_can_be_extracted_again(site, db, fetcher, clock):
    site.page("/p", page(A), content_type="text/html; charset=iso-8859-1")
    w.add_watch(db, site.url("/p"), article="p", lang="en", now=clock.now())
    w.run_once(db, fetcher, clock)
    fid = db.execute("select id from fetches").fetchone()[0]
    assert webpage.reextract(db, fid).text == text(A)
    assert webpage.reextract(db, fid, selector="article p:not(.byline)").text == "\n\n".join(A)
    row = db.execute("select charset, extractor, title, byline, published from fetches").fetchone()
    assert row[0] == "iso-8859-1"
    assert row[1].startswith("trafilatura ")
    assert row[2:] == (TITLE, "Jane Doe", "2024-03-05")


def test_selector_watch(site, db, fetcher, clock):
    site.page("/p", page(A))
    w.add_watch(
        db,
        site.url("/p"),
        article="p",
        lang="en",
        selector="article p:not(.byline)",
        now=clock.now(),
    )
    w.run_once(db, fetcher, clock)
    assert db.execute("select text from versions").fetchone()[0] == "\n\n".join(A)
    assert db.execute("select extractor, selector from fetches").fetchone() == (
        "css article p:not(.byline)",
        "article p:not(.byline)",
    )


# --- feeds ----------------------------------------------------------------------------------


def rss(site: Site, items: list[tuple[str, str, str]]) -> str:
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{d}</pubDate></item>"
        for t, link, d in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Example World</title><link>{site.url('/')}</link>{entries}</channel></rss>"
    )


def test_feed_entries_become_watches(site, db, fetcher, clock):
    story = "/world/2024/03/05/aliyev-says-talks-stalled.html"
    items = [
        (
            "Aliyev says talks stalled",
            site.url(story) + "?utm_source=rss",
            "Tue, 05 Mar 2024 06:00:00 GMT",
        ),
        ("Fire in the city centre", "/news/12345", "Sun, 03 Mar 2024 08:00:00 GMT"),
    ]
    site.page("/feed.xml", rss(site, items), content_type="application/rss+xml")
    site.page(story, page(A))
    site.page("/news/12345", article_page("Fire in the city centre", FIGURE))
    w.add_feed(db, site.url("/feed.xml"), lang="en", now=clock.now())
    first = w.run_once(db, fetcher, clock).results
    assert outcomes(first) == [
        (
            None,
            "new-entries",
            None,
            200,
            "2 new: aliyev-says-talks-stalled, fire-in-the-city-centre",
        ),
        ("aliyev-says-talks-stalled", "new-version", "v1", 200, None),
        ("fire-in-the-city-centre", "new-version", "v1", 200, None),
    ]
    # the age counts from each entry's date: 2 hours old -> every 15 min; 2 days -> hourly
    rows = list(
        db.query("select url, since, interval_seconds, next_due, feed from watches order by id")
    )
    assert [tuple(r.values()) for r in rows] == [
        (site.url(story), "2024-03-05T06:00:00Z", 900, "2024-03-05T08:15:00Z", 1),
        (site.url("/news/12345"), "2024-03-03T08:00:00Z", 3600, "2024-03-05T09:00:00Z", 1),
    ]
    # a new entry whose slug is taken gets a suffix; the hourly watch is not due yet
    items.append(
        (
            "Aliyev says talks stalled again",
            site.url("/x/aliyev-says-talks-stalled"),
            "Tue, 05 Mar 2024 08:10:00 GMT",
        )
    )
    site.page("/feed.xml", rss(site, items), content_type="application/rss+xml")
    site.page("/x/aliyev-says-talks-stalled", page(WORDING))
    second = step(db, fetcher, clock)
    assert outcomes(second) == [
        (None, "new-entries", None, 200, "1 new: aliyev-says-talks-stalled-2"),
        ("aliyev-says-talks-stalled", "unchanged", "v1", 200, None),
        ("aliyev-says-talks-stalled-2", "new-version", "v1", 200, None),
    ]
    third = step(db, fetcher, clock)
    assert outcomes(third) == [
        (None, "unchanged", None, 200, None),
        ("aliyev-says-talks-stalled", "unchanged", "v1", 200, None),
        ("aliyev-says-talks-stalled-2", "unchanged", "v1", 200, None),
    ]
    [feed] = w.feed_rows(db)
    assert (feed["title"], feed["entries"], feed["checks"], feed["status"]) == (
        "Example World",
        3,
        3,
        "unchanged",
    )


def test_atom_feed(site, db, fetcher, clock):
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Atom news</title><id>urn:x</id><updated>2024-03-05T07:00:00Z</updated>"
        "<entry><title>Budget vote</title>"
        f'<link href="{site.url("/politics/budget-vote/index.html")}"/>'
        "<id>urn:1</id><updated>2024-03-05T07:00:00Z</updated></entry></feed>"
    )
    site.page("/atom", atom, content_type="application/atom+xml")
    site.page("/politics/budget-vote/index.html", page(A))
    w.add_feed(db, site.url("/atom"), lang="en", now=clock.now())
    assert outcomes(w.run_once(db, fetcher, clock).results) == [
        (None, "new-entries", None, 200, "1 new: budget-vote"),
        ("budget-vote", "new-version", "v1", 200, None),
    ]


def test_not_a_feed(site, db, fetcher, clock):
    site.page("/notfeed", page(A))
    w.add_feed(db, site.url("/notfeed"), lang="en", now=clock.now())
    assert outcomes(w.run_once(db, fetcher, clock).results) == [
        (None, "failed", None, 200, f"{site.url('/notfeed')} is not an RSS or Atom feed"),
    ]
    assert db.execute("select last_error, consecutive_failures from feeds").fetchone() == (
        f"{site.url('/notfeed')} is not an RSS or Atom feed",
        1,
    )


@pytest.mark.parametrize(
    ("link", "title", "slug"),
    [
        (
            "https://x.org/world/2024/03/05/aliyev-says-talks-stalled.html",
            None,
            "aliyev-says-talks-stalled",
        ),
        ("https://x.org/news/12345", "Fire in the city centre", "fire-in-the-city-centre"),
        ("https://x.org/politics/budget-vote/index.html", "T", "budget-vote"),
        (
            "https://x.org/article/2024/03/05/",
            "Größe der Städte: 5 Fragen",
            "grosse-der-stadte-5-fragen",
        ),
        ("https://x.org/?p=123", "Привет, мир", "privet-mir"),
        ("https://x.org/Story_About_Rates.PHP", None, "story-about-rates"),
        ("https://x.org/", None, "article"),
        (
            "https://x.org/1",
            "A very long headline that goes on and on about the many figures in the budget",
            "a-very-long-headline-that-goes-on-and-on-about-the-many",
        ),
    ],
)
def test_entry_slug(link, title, slug):
    got = entry_slug(link, title)
    assert got == slug
    assert len(got) <= 60


# --- the loop -------------------------------------------------------------------------------


def test_loop_sleeps_until_the_next_due_time(site, db, fetcher, clock):
    site.page("/p", page(A))
    w.add_watch(db, site.url("/p"), article="p", lang="en", now=clock.now())
    results = w.run_forever(db, fetcher, clock, passes=3, max_sleep=3600).results
    assert clock.slept == [15 * M, 15 * M]
    assert [r.outcome for r in results] == ["new-version", "unchanged", "unchanged"]
    # nothing due and nothing watched: the loop wakes every max_sleep seconds
    assert w.seconds_until_due(db, clock.now(), 300) == 300
    empty = store.open_db(":memory:")
    assert w.seconds_until_due(empty, clock.now(), 300) == 300


# --- adding, removing, CLI ------------------------------------------------------------------


def test_add_errors(db, clock):
    w.add_watch(db, "https://x.example/a?utm_source=x", article="a", lang="en", now=clock.now())
    cases = [
        (
            ("https://x.example/a",),
            {"article": "b", "lang": "en"},
            "https://x.example/a is already watched (watch 1, article 'a')",
        ),
        (
            ("ftp://x.example/a",),
            {"article": "b", "lang": "en"},
            "'ftp://x.example/a' is not an http:// or https:// URL",
        ),
        (
            ("https://x.example/b",),
            {"article": "Bad Slug", "lang": "en"},
            "invalid article slug 'Bad Slug'",
        ),
        (
            ("https://x.example/b",),
            {"article": "b", "lang": "en", "selector": "div["},
            "invalid CSS selector 'div['",
        ),
    ]
    for args, kwargs, message in cases:
        with pytest.raises(VariorumError) as e:
            w.add_watch(db, *args, now=clock.now(), **kwargs)
        assert str(e.value).startswith(message)


def test_remove_feed_keeps_its_watches(site, db, fetcher, clock):
    site.page(
        "/feed.xml",
        rss(site, [("One story", site.url("/one-story"), "Tue, 05 Mar 2024 07:00:00 GMT")]),
    )
    site.page("/one-story", page(A))
    w.add_feed(db, site.url("/feed.xml"), lang="en", now=clock.now())
    w.run_once(db, fetcher, clock)
    assert w.remove(db, site.url("/feed.xml")) == (
        f"feed 1 removed: {site.url('/feed.xml')} (its articles stay watched)"
    )
    assert [(r["article"], r["feed"]) for r in w.watch_rows(db)] == [("one-story", None)]
    assert w.remove(db, "1") == f"watch 1 removed: {site.url('/one-story')}"
    assert w.watch_rows(db) == []
    assert db["versions"].count == 1  # versions stay
    with pytest.raises(VariorumError, match="no watch with id 7"):
        w.remove(db, "7")


@pytest.fixture
def no_proxy(monkeypatch):
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)


def test_cli_watch_commands(site, tmp_path, no_proxy):
    dbp = str(tmp_path / "cli.db")
    url = site.url("/story")
    site.page("/story", page(A))
    run = CliRunner().invoke

    def ok(*args: str) -> str:
        r = run(cli, ["--db", dbp, *args])
        assert r.exit_code == 0, r.output
        return r.output

    assert ok("watch", "list") == "nothing watched\n"
    assert ok("watch", "add", url, "--article", "karabakh", "--lang", "en") == (
        f"watch 1: karabakh <- {url}\n"
    )
    r = run(cli, ["--db", dbp, "watch", "add", url, "--article", "other", "--lang", "en"])
    assert r.exit_code == 1
    assert r.output == f"Error: {url} is already watched (watch 1, article 'karabakh')\n"
    assert ok("watch", "add-feed", site.url("/feed"), "--lang", "en") == (
        f"feed 1: {site.url('/feed')}\n"
    )
    out = ok("watch", "run", "--once", "--retries", "0")
    assert out == (
        f"feed 1: failed [404]: HTTP 404 Not Found from {site.url('/feed')}\n"
        "karabakh: new-version v1 [200]\n"
        "2 checks: 1 new version, 1 failed\n"
    )
    listed = json.loads(ok("watch", "list", "--json"))
    [watch] = listed["watches"]
    assert (watch["article"], watch["status"], watch["versions"], watch["checks"]) == (
        "karabakh",
        "new-version",
        1,
        1,
    )
    [feed] = listed["feeds"]
    assert (feed["status"], feed["http_status"], feed["last_error"]) == (
        "failed",
        404,
        f"HTTP 404 Not Found from {site.url('/feed')}",
    )
    table = ok("watch", "list").splitlines()
    assert table[0].split() == [
        "id",
        "article",
        "lang",
        "status",
        "http_status",
        "versions",
        "checks",
        "failures",
        "next_due",
        "url",
        "last_error",
    ]
    assert table[2].split()[:8] == ["1", "karabakh", "en", "new-version", "200", "1", "1", "0"]
    assert ok("watch", "remove", url) == f"watch 1 removed: {url}\n"


def test_cli_ingest_url(site, tmp_path, no_proxy):
    dbp = str(tmp_path / "cli.db")
    site.page("/story", page(A))
    site.page("/gone", "gone", status=410, content_type="text/plain")
    r = CliRunner().invoke(
        cli, ["--db", dbp, "ingest", site.url("/story"), "--article", "k", "--label", "orig"]
    )
    assert r.exit_code == 0, r.output
    # The page's corrupted "30,1988" is flagged right away.
    assert r.output == (
        "k/orig: added\n  1 figure(s) look wrong: variorum figures k orig --issues\n"
    )
    db = store.open_db(dbp)
    assert db.execute("select text, source, format from versions").fetchone() == (
        text(A),
        site.url("/story"),
        "html",
    )
    assert db.execute("select url, http_status from fetches").fetchone() == (
        site.url("/story"),
        200,
    )
    r = CliRunner().invoke(cli, ["--db", dbp, "ingest", site.url("/story"), "--article", "k"])
    assert r.output == "k/orig: unchanged (identical content already stored)\n"
    r = CliRunner().invoke(cli, ["--db", dbp, "ingest", site.url("/gone"), "--article", "k"])
    assert r.exit_code == 1
    assert r.output == f"Error: HTTP 410 Gone from {site.url('/gone')}\n"
    assert db["fetches"].count == 1


def test_old_article_added_by_hand_ages_from_its_publication_date(site, db, fetcher, clock):
    clock.t = dt.datetime(2024, 3, 20, 12, 0, tzinfo=dt.UTC)
    site.page("/old", page(A))  # published 2024-03-05
    w.add_watch(db, site.url("/old"), article="old", lang="en", now=clock.now())
    w.run_once(db, fetcher, clock)
    row = db.execute("select since, interval_seconds, next_due from watches").fetchone()
    assert row == ("2024-03-05T00:00:00Z", D, "2024-03-21T12:00:00Z")


def test_undecodable_page_and_internal_errors_fail_one_watch(site, db, fetcher, clock, monkeypatch):
    site.page("/binary", b"\xff\xfe\x00\x00\xff" * 50, content_type="text/html")
    site.page("/boom", page(FIGURE))
    site.page("/good", page(A))
    for slug in ("binary", "boom", "good"):
        w.add_watch(db, site.url(f"/{slug}"), article=slug, lang="en", now=clock.now())
    real = w.ingest_text

    def flaky(db_, text_, **kwargs):
        if kwargs["article"] == "boom":
            raise RuntimeError("segmenter crashed")
        return real(db_, text_, **kwargs)

    monkeypatch.setattr(w, "ingest_text", flaky)
    results = w.run_once(db, fetcher, clock).results
    assert [(r.article, r.outcome) for r in results] == [
        ("binary", "failed"),
        ("boom", "failed"),
        ("good", "new-version"),
    ]
    assert results[1].reason == "cannot store the version: RuntimeError: segmenter crashed"
    codes = [r[0] for r in db.execute("select error from checks order by id")]
    assert codes == ["decode", "ingest", None]
    assert db["versions"].count == 1


def test_parse_feed_entries():
    from variorum.feeds import Entry, parse_feed

    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title> Example\n World </title>'
        b"<item><title>One</title><link>/a/one?utm_source=rss&amp;id=1#c</link>"
        b"<pubDate>Tue, 05 Mar 2024 06:00:00 +0100</pubDate></item>"
        b"<item><title>Mail</title><link>mailto:desk@example.org</link></item>"
        b"<item><title>No link</title></item>"
        b"<item><link>https://other.example/two</link></item>"
        b"</channel></rss>"
    )
    feed = parse_feed(body, url="https://news.example/feeds/world.xml")
    assert feed.title == "Example World"
    assert feed.entries == [
        Entry(
            "https://news.example/a/one?id=1", "One", dt.datetime(2024, 3, 5, 5, 0, tzinfo=dt.UTC)
        ),
        Entry("https://other.example/two", None, None),
    ]
