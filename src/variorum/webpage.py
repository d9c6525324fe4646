"""One web page as a version: fetch it, extract its article text, store both.

The page body is kept (gzip) in ``fetches`` beside the version it produced, so that
extraction can be redone later with a better extractor or a CSS selector.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass

import trafilatura
from cssselect import GenericTranslator, SelectorError
from sqlite_utils import Database

from variorum import store
from variorum.errors import InputError, VariorumError
from variorum.fetch import Fetcher, FetchResult, page_text
from variorum.htmlextract import extract_html
from variorum.ingest import IngestResult, check_slug, ingest_text
from variorum.model import Extracted


def check_selector(selector: str | None) -> str | None:
    if selector is None:
        return None
    try:
        GenericTranslator().css_to_xpath(selector)
    except SelectorError as e:
        raise InputError(f"invalid CSS selector {selector!r}: {e}") from e
    return selector


@dataclass(frozen=True)
class Page:
    """A fetched page and the article text extracted from it (None for a 304)."""

    result: FetchResult
    extracted: Extracted | None
    selector: str | None


class PageError(VariorumError):
    """The page was fetched but holds no usable article text."""

    def __init__(self, message: str, *, reason: str, result: FetchResult) -> None:
        super().__init__(message)
        self.reason = reason
        self.result = result


def fetch_page(
    fetcher: Fetcher,
    url: str,
    *,
    selector: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Page:
    """Fetch and extract. Raises FetchError, or PageError when there is no text."""
    result = fetcher.fetch(url, etag=etag, last_modified=last_modified)
    if result.not_modified:
        return Page(result, None, selector)
    try:
        html = page_text(result.content, result.charset, result.final_url)
    except VariorumError as e:
        raise PageError(str(e), reason="decode", result=result) from e
    try:
        extracted = extract_html(html, url=result.final_url, selector=selector)
    except VariorumError as e:
        raise PageError(str(e), reason="extraction", result=result) from e
    except Exception as e:  # noqa: BLE001 - a parser crash on one page must not stop the run
        raise PageError(
            f"extraction failed on {result.final_url}: {type(e).__name__}: {e}",
            reason="extraction",
            result=result,
        ) from e
    if not extracted.text.strip():
        raise PageError(
            f"no article text found on {result.final_url}"
            + (f" with selector {selector!r}" if selector else ""),
            reason="empty",
            result=result,
        )
    return Page(result, extracted, selector)


def record_fetch(db: Database, version_id: int, page: Page) -> int:
    """Store how a version was fetched, with the body gzipped. Returns the fetch id."""
    r, ex = page.result, page.extracted
    return (
        db["fetches"]
        .insert(
            {
                "version": version_id,
                "url": r.url,
                "final_url": r.final_url,
                "redirects": store.dumps(list(r.redirects)),
                "fetched_at": r.fetched_at,
                "http_status": r.status,
                "content_type": r.content_type,
                "charset": r.charset,
                "etag": r.etag,
                "last_modified": r.last_modified,
                "bytes": len(r.content),
                "content_sha256": r.sha256,
                "extractor": (
                    f"css {page.selector}"
                    if page.selector
                    else f"trafilatura {trafilatura.__version__}"
                ),
                "selector": page.selector,
                "title": ex.title if ex else None,
                "byline": ex.byline if ex else None,
                "published": ex.date if ex else None,
                "html_gzip": gzip.compress(r.content, mtime=0),
            }
        )
        .last_pk
    )


def stored_html(db: Database, fetch_id: int) -> str:
    """The page a version was extracted from, decoded as it was then."""
    row = db.execute(
        "select html_gzip, charset, final_url from fetches where id = ?", [fetch_id]
    ).fetchone()
    if row is None:
        raise InputError(f"no fetch with id {fetch_id}")
    return page_text(gzip.decompress(row[0]), row[1], row[2])


def reextract(db: Database, fetch_id: int, *, selector: str | None = None) -> Extracted:
    """Run extraction again on a stored page (after an extractor upgrade, or with a selector)."""
    url = db.execute("select final_url from fetches where id = ?", [fetch_id]).fetchone()
    return extract_html(stored_html(db, fetch_id), url=url[0] if url else None, selector=selector)


def ingest_url(
    db: Database,
    url: str,
    *,
    article: str,
    lang: str | None = None,
    label: str | None = None,
    translation_of: str | None = None,
    date: str | None = None,
    source: str | None = None,
    selector: str | None = None,
    fetcher: Fetcher | None = None,
) -> IngestResult:
    """Fetch a page and ingest its article text as a version, with its fetch record.

    ``date`` defaults to the fetch time (when this version was seen); the page's own
    publication date is kept in ``fetches.published``.
    """
    check_slug(article)
    check_selector(selector)
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        page = fetch_page(fetcher, url, selector=selector)
    finally:
        if own:
            fetcher.close()
    assert page.extracted is not None  # no conditional request was made
    return ingest_text(
        db,
        page.extracted.text,
        article=article,
        lang=lang,
        label=label,
        translation_of=translation_of,
        date=date or page.result.fetched_at,
        source=source or page.result.final_url,
        fmt="html",
        title=page.extracted.title,
        after_write=lambda d, vid: record_fetch(d, vid, page),
    )
