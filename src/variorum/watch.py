"""Watch web pages and feeds: fetch what is due, store what changed, record every check.

A *watch* is one page (URL) of one article in one language. ``run_once`` fetches
every watch that is due, extracts the article text and ingests it when it differs
from what the page showed last time. Every attempt leaves a row in ``checks``:

- ``new-version``: the text differs from every stored version of the lineage;
- ``unchanged``: same text as last time, or back to a version already stored (an
  A -> B -> A flip-flop adds no third version: the check points to A);
- ``not-modified``: the server answered 304 to a conditional request;
- ``failed``: DNS, timeout, HTTP error, wrong content type, too large, or no
  article text on the page (``reason`` says which). Nothing is ingested.

Schedule: the article's age counts from the feed entry's date, else from when the
watch was added, or from the page's publication date when that is more than a day
earlier (an old article watched by hand). A page is checked every 15 minutes in its
first 6 hours, hourly until it is 3 days old, daily until 4 weeks, then weekly
(``SCHEDULE``). After a failure the next attempt waits 15 minutes, doubling with
each further consecutive failure up to a day (but never less than the age interval,
nor than the server's Retry-After). Feeds are polled every 15 minutes, with the same
failure backoff; their new entries become watches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlite_utils import Database

from variorum import store
from variorum.errors import VariorumError
from variorum.feeds import Feed, FeedError, entry_slug, parse_feed
from variorum.fetch import Fetcher, FetchError, FetchResult, check_url, iso, utc_now
from variorum.ingest import check_slug, ingest_text
from variorum.languages import check_lang
from variorum.model import Extracted
from variorum.webpage import PageError, check_selector, fetch_page, record_fetch

SCHEDULE: tuple[tuple[dt.timedelta | None, dt.timedelta], ...] = (
    (dt.timedelta(hours=6), dt.timedelta(minutes=15)),
    (dt.timedelta(days=3), dt.timedelta(hours=1)),
    (dt.timedelta(weeks=4), dt.timedelta(days=1)),
    (None, dt.timedelta(weeks=1)),
)
FEED_INTERVAL = dt.timedelta(minutes=15)
FIRST_RETRY = dt.timedelta(minutes=15)
MAX_FAILURE_DELAY = dt.timedelta(days=1)
MAX_SLEEP = 300.0  # the loop wakes at least this often to see watches added meanwhile

OUTCOMES = ("new-version", "unchanged", "not-modified", "failed")


class WatchError(VariorumError):
    """A watch or feed request conflicts with the database (duplicate URL, unknown id)."""


class Clock(Protocol):
    def now(self) -> dt.datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return utc_now()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


# --- schedule -------------------------------------------------------------------------------


def interval_for(age: dt.timedelta) -> dt.timedelta:
    """How often an article of this age is checked (see ``SCHEDULE``)."""
    for limit, interval in SCHEDULE:
        if limit is None or age < limit:
            return interval
    raise AssertionError("SCHEDULE ends with an open limit")


def next_delay(
    interval: dt.timedelta, consecutive_failures: int, retry_after: float | None = None
) -> dt.timedelta:
    """The wait before the next check: the interval, or the failure backoff if longer."""
    delay = interval
    if consecutive_failures > 0:
        backoff = min(FIRST_RETRY * 2 ** (consecutive_failures - 1), MAX_FAILURE_DELAY)
        delay = max(delay, backoff)
    if retry_after is not None:
        delay = max(delay, dt.timedelta(seconds=retry_after))
    return delay


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


# --- adding and removing --------------------------------------------------------------------


def add_watch(
    db: Database,
    url: str,
    *,
    article: str,
    lang: str,
    selector: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Watch a page; it is due at once. Returns the watch id."""
    url = check_url(url)
    check_slug(article)
    lang = check_lang(lang)
    check_selector(selector)
    now = now or utc_now()
    with store.write_transaction(db):
        return _insert_watch(db, url, article, lang, selector, None, now, now)


def add_feed(
    db: Database,
    url: str,
    *,
    lang: str,
    selector: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Watch an RSS or Atom feed: each new entry becomes a watch. Returns the feed id."""
    url = check_url(url)
    lang = check_lang(lang)
    check_selector(selector)
    now = now or utc_now()
    with store.write_transaction(db):
        row = db.execute("select id from feeds where url = ?", [url]).fetchone()
        if row:
            raise WatchError(f"{url} is already watched as feed {row[0]}")
        return (
            db["feeds"]
            .insert(
                {
                    "url": url,
                    "lang": lang,
                    "selector": selector,
                    "created_at": iso(now),
                    "interval_seconds": int(FEED_INTERVAL.total_seconds()),
                    "next_due": iso(now),
                }
            )
            .last_pk
        )


def _insert_watch(
    db: Database,
    url: str,
    slug: str,
    lang: str,
    selector: str | None,
    feed: int | None,
    since: dt.datetime,
    now: dt.datetime,
) -> int:
    row = db.execute(
        "select w.id, a.slug from watches w join articles a on a.id = w.article where w.url = ?",
        [url],
    ).fetchone()
    if row:
        raise WatchError(f"{url} is already watched (watch {row[0]}, article {row[1]!r})")
    art = db.execute("select id from articles where slug = ?", [slug]).fetchone()
    art_id = art[0] if art else db["articles"].insert({"slug": slug}).last_pk
    return (
        db["watches"]
        .insert(
            {
                "url": url,
                "article": art_id,
                "lang": lang,
                "selector": selector,
                "feed": feed,
                "created_at": iso(now),
                "since": iso(since),
                "interval_seconds": int(interval_for(now - since).total_seconds()),
                "next_due": iso(now),
            }
        )
        .last_pk
    )


def remove(db: Database, target: str) -> str:
    """Stop watching a page or feed, given its URL or watch id; its checks go too,
    the versions it stored stay. Returns a message."""
    with store.write_transaction(db):
        if target.isdigit():
            row = db.execute("select id, url from watches where id = ?", [int(target)]).fetchone()
            if row is None:
                raise WatchError(f"no watch with id {target}")
            return _remove_watch(db, row[0], row[1])
        url = check_url(target)
        row = db.execute("select id from watches where url = ?", [url]).fetchone()
        if row:
            return _remove_watch(db, row[0], url)
        row = db.execute("select id from feeds where url = ?", [url]).fetchone()
        if row is None:
            raise WatchError(f"{url} is not watched")
        db.execute("update watches set feed = null where feed = ?", [row[0]])
        db.execute("delete from checks where feed = ?", [row[0]])
        db.execute("delete from feeds where id = ?", [row[0]])
        return f"feed {row[0]} removed: {url} (its articles stay watched)"


def _remove_watch(db: Database, watch_id: int, url: str) -> str:
    db.execute("delete from checks where watch = ?", [watch_id])
    db.execute("delete from watches where id = ?", [watch_id])
    return f"watch {watch_id} removed: {url}"


# --- checks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    """One fetch attempt of a watch or a feed, as recorded in ``checks``."""

    check_id: int
    outcome: str
    url: str
    watch: int | None = None
    feed: int | None = None
    article: str | None = None
    label: str | None = None
    http_status: int | None = None
    reason: str | None = None

    @property
    def line(self) -> str:
        who = self.article or f"feed {self.feed}"
        what = self.outcome + (f" {self.label}" if self.label else "")
        status = f" [{self.http_status}]" if self.http_status else ""
        reason = f": {self.reason}" if self.reason else ""
        return f"{who}: {what}{status}{reason}"


@dataclass
class RunReport:
    results: list[CheckResult] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(r.outcome for r in self.results)

    @property
    def summary(self) -> str:
        c = self.counts
        parts = [f"{c[o]} {o.replace('-', ' ')}" for o in (*OUTCOMES[:3], "new-entries") if c[o]]
        parts.append(f"{c['failed']} failed")
        n = len(self.results)
        return f"{n} check{'s' if n != 1 else ''}: " + ", ".join(parts)


def _watch(db: Database, watch_id: int) -> dict[str, Any]:
    rows = list(
        db.query(
            "select w.*, a.slug as slug from watches w join articles a on a.id = w.article "
            "where w.id = ?",
            [watch_id],
        )
    )
    if not rows:
        raise WatchError(f"no watch with id {watch_id}")
    return rows[0]


def check_watch(
    db: Database, fetcher: Fetcher, watch_id: int, *, now: dt.datetime | None = None
) -> CheckResult:
    """Fetch one watched page, store a version if its text changed, record the check."""
    now = now or utc_now()
    w = _watch(db, watch_id)
    since = parse_time(w["since"])
    interval = interval_for(now - since)
    base = {"watch": watch_id, "checked_at": iso(now), "url": w["url"]}
    try:
        page = fetch_page(
            fetcher,
            w["url"],
            selector=w["selector"],
            etag=w["etag"],
            last_modified=w["last_modified"],
        )
    except (FetchError, PageError) as e:
        if isinstance(e, PageError):
            res, status, final, retry_after = e.result, e.result.status, e.result.final_url, None
        else:
            res, status, final, retry_after = None, e.status, e.final_url, e.retry_after
        fails = (w["consecutive_failures"] or 0) + 1
        delay = next_delay(interval, fails, retry_after)
        check = {
            **base,
            "final_url": final,
            "http_status": status,
            "outcome": "failed",
            "reason": str(e),
            "error": e.reason,
            "attempts": res.attempts if res else e.attempts,
            **(_sizes(res) if res else {}),
        }
        with store.write_transaction(db):
            cid = db["checks"].insert(check).last_pk
            db.execute(
                "update watches set last_checked = ?, last_status = ?, last_outcome = 'failed', "
                "last_error = ?, checks = checks + 1, failures = failures + 1, "
                "consecutive_failures = ?, interval_seconds = ?, next_due = ? where id = ?",
                [
                    iso(now),
                    status,
                    str(e),
                    fails,
                    int(interval.total_seconds()),
                    iso(now + delay),
                    watch_id,
                ],
            )
        return CheckResult(cid, "failed", w["url"], watch_id, None, w["slug"], None, status, str(e))

    r = page.result
    published = _published(page.extracted)
    if published is not None and published < since - dt.timedelta(days=1):
        since = published  # an old article added by hand: its age counts from publication
        interval = interval_for(now - since)
    after = {
        "since": iso(since),
        "last_checked": iso(now),
        "last_status": r.status,
        "last_error": None,
        "final_url": r.final_url,
        "consecutive_failures": 0,
        "interval_seconds": int(interval.total_seconds()),
        "next_due": iso(now + next_delay(interval, 0)),
    }
    check = {
        **base,
        "final_url": r.final_url,
        "http_status": r.status,
        "attempts": r.attempts,
        **_sizes(r),
    }
    if page.extracted is None:  # 304
        return _record(
            db,
            w,
            {**check, "outcome": "not-modified", "version": w["last_version"]},
            {**after, "last_outcome": "not-modified"},
        )
    text = page.extracted.text
    digest = _sha(text)
    check["text_sha256"] = digest
    after.update(etag=r.etag, last_modified=r.last_modified, text_sha256=digest)
    if digest == w["text_sha256"] and w["last_version"] is not None:
        return _record(
            db,
            w,
            {**check, "outcome": "unchanged", "version": w["last_version"]},
            {**after, "last_outcome": "unchanged"},
        )

    recorded: dict[str, int] = {}

    def after_write(d: Database, vid: int) -> None:
        fid = record_fetch(d, vid, page)
        recorded["check"] = _write(
            d,
            w["id"],
            {**check, "outcome": "new-version", "version": vid, "fetch": fid},
            {**after, "last_outcome": "new-version", "last_version": vid},
            new_version=True,
        )

    try:
        ing = ingest_text(
            db,
            text,
            article=w["slug"],
            lang=w["lang"],
            date=r.fetched_at,
            source=r.final_url,
            fmt="html",
            title=page.extracted.title,
            after_write=after_write,
        )
    except Exception as e:  # noqa: BLE001 - recorded on this watch; the others go on
        fails = (w["consecutive_failures"] or 0) + 1
        if not isinstance(e, VariorumError):
            e = VariorumError(f"cannot store the version: {type(e).__name__}: {e}")
        return _record(
            db,
            w,
            {**check, "outcome": "failed", "reason": str(e), "error": "ingest"},
            {
                "last_checked": iso(now),
                "last_status": r.status,
                "last_outcome": "failed",
                "last_error": str(e),
                "consecutive_failures": fails,
                "interval_seconds": int(interval.total_seconds()),
                "next_due": iso(now + next_delay(interval, fails)),
            },
            failed=True,
        )
    if ing.status == "added":
        return CheckResult(
            recorded["check"],
            "new-version",
            w["url"],
            watch_id,
            None,
            w["slug"],
            ing.label,
            r.status,
        )
    # The text differs from last time but is already stored: the page went back to it.
    reason = f"same text as {ing.label}, already stored"
    return _record(
        db,
        w,
        {**check, "outcome": "unchanged", "version": ing.version_id, "reason": reason},
        {**after, "last_outcome": "unchanged", "last_version": ing.version_id},
        label=ing.label,
    )


def _published(extracted: Extracted | None) -> dt.datetime | None:
    """The page's publication date as midnight UTC (it has day precision), if it has one."""
    if extracted is None or not extracted.date:
        return None
    try:
        day = dt.date.fromisoformat(extracted.date[:10])
    except ValueError:
        return None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _sizes(r: FetchResult) -> dict[str, Any]:
    return {"bytes": len(r.content), "elapsed_ms": r.elapsed_ms, "content_sha256": r.sha256}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _write(
    db: Database,
    watch_id: int,
    check: dict[str, Any],
    update: dict[str, Any],
    *,
    new_version: bool = False,
    failed: bool = False,
) -> int:
    cid = db["checks"].insert(check).last_pk
    sets = ", ".join(f"{k} = :{k}" for k in update)
    db.execute(
        f"update watches set {sets}, checks = checks + 1, versions = versions + :nv, "
        "failures = failures + :nf where id = :id",
        {**update, "nv": int(new_version), "nf": int(failed), "id": watch_id},
    )
    return cid


def _record(
    db: Database,
    w: dict[str, Any],
    check: dict[str, Any],
    update: dict[str, Any],
    *,
    failed: bool = False,
    label: str | None = None,
) -> CheckResult:
    with store.write_transaction(db):
        cid = _write(db, w["id"], check, update, failed=failed)
    if label is None and check.get("version") is not None:
        label = db.execute(
            "select label from versions where id = ?", [check["version"]]
        ).fetchone()[0]
    return CheckResult(
        cid,
        check["outcome"],
        w["url"],
        w["id"],
        None,
        w["slug"],
        label,
        check.get("http_status"),
        check.get("reason"),
    )


# --- feeds ----------------------------------------------------------------------------------


def unique_slug(db: Database, base: str) -> str:
    slug, n = base, 1
    while db.execute("select 1 from articles where slug = ?", [slug]).fetchone():
        n += 1
        slug = f"{base}-{n}"
    return slug


def poll_feed(
    db: Database, fetcher: Fetcher, feed_id: int, *, now: dt.datetime | None = None
) -> CheckResult:
    """Fetch a feed and add a watch for each entry whose URL is not watched yet."""
    now = now or utc_now()
    rows = list(db.query("select * from feeds where id = ?", [feed_id]))
    if not rows:
        raise WatchError(f"no feed with id {feed_id}")
    f = rows[0]
    base = {"feed": feed_id, "checked_at": iso(now), "url": f["url"]}
    interval = dt.timedelta(seconds=f["interval_seconds"] or FEED_INTERVAL.total_seconds())
    r = None
    try:
        r = fetcher.fetch(f["url"], etag=f["etag"], last_modified=f["last_modified"], accept=None)
        parsed = (
            None
            if r.not_modified
            else parse_feed(
                r.content, url=r.final_url, content_type=r.content_type, charset=r.charset
            )
        )
    except FetchError as e:
        return _feed_failed(db, f, base, now, interval, str(e), e.reason, e.status, e.retry_after)
    except FeedError as e:
        return _feed_failed(db, f, base, now, interval, str(e), "not-a-feed", r and r.status, None)
    check = {**base, "final_url": r.final_url, "http_status": r.status, "attempts": r.attempts}
    check.update(_sizes(r))
    update: dict[str, Any] = {
        "last_checked": iso(now),
        "last_status": r.status,
        "last_error": None,
        "consecutive_failures": 0,
        "next_due": iso(now + interval),
    }
    with store.write_transaction(db):
        if parsed is None:
            check["outcome"] = update["last_outcome"] = "not-modified"
            return _feed_write(db, f, check, update, 0)
        new = _add_entries(db, f, parsed, now)
        check["outcome"] = update["last_outcome"] = "new-entries" if new else "unchanged"
        if new:
            check["reason"] = f"{len(new)} new: " + ", ".join(new)
        update.update(etag=r.etag, last_modified=r.last_modified, title=parsed.title or f["title"])
        return _feed_write(db, f, check, update, len(new))


def _add_entries(db: Database, f: dict[str, Any], feed: Feed, now: dt.datetime) -> list[str]:
    added: list[str] = []
    for entry in feed.entries:
        if db.execute("select 1 from watches where url = ?", [entry.url]).fetchone():
            continue
        slug = unique_slug(db, entry_slug(entry.url, entry.title))
        since = min(entry.published, now) if entry.published else now
        _insert_watch(db, entry.url, slug, f["lang"], f["selector"], f["id"], since, now)
        added.append(slug)
    return added


def _feed_failed(
    db: Database,
    f: dict[str, Any],
    base: dict[str, Any],
    now: dt.datetime,
    interval: dt.timedelta,
    reason: str,
    code: str,
    status: int | None,
    retry_after: float | None,
) -> CheckResult:
    fails = (f["consecutive_failures"] or 0) + 1
    check = {**base, "http_status": status, "outcome": "failed", "reason": reason, "error": code}
    update = {
        "last_checked": iso(now),
        "last_status": status,
        "last_outcome": "failed",
        "last_error": reason,
        "consecutive_failures": fails,
        "next_due": iso(now + next_delay(interval, fails, retry_after)),
    }
    with store.write_transaction(db):
        return _feed_write(db, f, check, update, 0, failed=True)


def _feed_write(
    db: Database,
    f: dict[str, Any],
    check: dict[str, Any],
    update: dict[str, Any],
    entries: int,
    *,
    failed: bool = False,
) -> CheckResult:
    cid = db["checks"].insert(check).last_pk
    sets = ", ".join(f"{k} = :{k}" for k in update)
    db.execute(
        f"update feeds set {sets}, checks = checks + 1, entries = entries + :ne, "
        "failures = failures + :nf where id = :id",
        {**update, "ne": entries, "nf": int(failed), "id": f["id"]},
    )
    return CheckResult(
        cid,
        check["outcome"],
        f["url"],
        None,
        f["id"],
        None,
        None,
        check.get("http_status"),
        check.get("reason"),
    )


# --- running --------------------------------------------------------------------------------


def due(db: Database, now: dt.datetime) -> tuple[list[int], list[int]]:
    """Ids of the feeds and the watches due at ``now``, most overdue first."""
    t = iso(now)
    feeds = [
        r[0]
        for r in db.execute("select id from feeds where next_due <= ? order by next_due, id", [t])
    ]
    watches = [
        r[0]
        for r in db.execute("select id from watches where next_due <= ? order by next_due, id", [t])
    ]
    return feeds, watches


def run_once(
    db: Database,
    fetcher: Fetcher,
    clock: Clock | None = None,
    *,
    on_result: Callable[[CheckResult], None] | None = None,
) -> RunReport:
    """One pass: poll the feeds that are due, then check every watch due (including the
    ones the feeds just added). A failure is recorded and the pass goes on."""
    clock = clock or SystemClock()
    report = RunReport()

    def done(r: CheckResult) -> None:
        report.results.append(r)
        if on_result:
            on_result(r)

    feeds, _ = due(db, clock.now())
    for fid in feeds:
        done(poll_feed(db, fetcher, fid, now=clock.now()))
    _, watches = due(db, clock.now())
    for wid in watches:
        done(check_watch(db, fetcher, wid, now=clock.now()))
    return report


def seconds_until_due(db: Database, now: dt.datetime, max_sleep: float = MAX_SLEEP) -> float:
    row = db.execute(
        "select min(d) from (select min(next_due) as d from watches "
        "union all select min(next_due) from feeds)"
    ).fetchone()
    if row[0] is None:
        return max_sleep
    wait = (parse_time(row[0]) - now).total_seconds()
    return min(max(wait, 1.0), max_sleep)


def run_forever(
    db: Database,
    fetcher: Fetcher,
    clock: Clock | None = None,
    *,
    passes: int | None = None,
    max_sleep: float = MAX_SLEEP,
    on_result: Callable[[CheckResult], None] | None = None,
) -> RunReport:
    """Run passes until interrupted (or ``passes`` of them), sleeping until the next
    watch or feed is due, at most ``max_sleep`` seconds at a time."""
    clock = clock or SystemClock()
    total = RunReport()
    n = 0
    while passes is None or n < passes:
        if n:
            clock.sleep(seconds_until_due(db, clock.now(), max_sleep))
        total.results += run_once(db, fetcher, clock, on_result=on_result).results
        n += 1
    return total


# --- listing --------------------------------------------------------------------------------


def watch_rows(db: Database) -> list[dict[str, Any]]:
    """Every watch with its state: what ``variorum watch list`` shows."""
    return list(
        db.query(
            """
            select w.id, a.slug as article, w.lang, w.url,
                   coalesce(w.last_outcome, 'new') as status, w.last_status as http_status,
                   (select count(*) from versions v
                     where v.article = w.article and v.lang = w.lang) as versions,
                   w.checks, w.failures, w.last_checked, w.next_due, w.last_error,
                   w.selector, f.url as feed
            from watches w join articles a on a.id = w.article
            left join feeds f on f.id = w.feed
            order by w.id
            """
        )
    )


def feed_rows(db: Database) -> list[dict[str, Any]]:
    return list(
        db.query(
            """
            select id, url, lang, title, coalesce(last_outcome, 'new') as status,
                   last_status as http_status, entries, checks, failures, last_checked,
                   next_due, last_error
            from feeds order by id
            """
        )
    )
