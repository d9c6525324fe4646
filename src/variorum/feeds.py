"""RSS and Atom feeds: their entries as (URL, title, date), and slugs for them. No I/O."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from anyascii import anyascii

from variorum.errors import InputError, VariorumError
from variorum.fetch import check_url


class FeedError(InputError):
    """The body is not an RSS or Atom feed."""


@dataclass(frozen=True)
class Entry:
    url: str  # absolute, without fragment and utm_* parameters
    title: str | None
    published: dt.datetime | None  # UTC


@dataclass(frozen=True)
class Feed:
    title: str | None
    entries: list[Entry]


def parse_feed(
    content: bytes, *, url: str, content_type: str | None = None, charset: str | None = None
) -> Feed:
    """The entries of a feed, in feed order, each with an http(s) link (others are dropped).

    ``url`` is the address the feed came from: relative links resolve against it.
    """
    ctype = (content_type or "application/xml") + (f"; charset={charset}" if charset else "")
    parsed = feedparser.parse(
        content, response_headers={"content-location": url, "content-type": ctype}
    )
    if not parsed.get("version") and not parsed.entries:
        raise FeedError(f"{url} is not an RSS or Atom feed")
    entries = []
    for e in parsed.entries:
        link = e.get("link")
        if not link:
            continue
        try:
            entry_url = check_url(urljoin(url, link))
        except VariorumError:
            continue  # mailto: and the like: not a page to watch
        entries.append(Entry(entry_url, _text(e.get("title")), _entry_time(e)))
    return Feed(_text(parsed.feed.get("title")), entries)


def _entry_time(entry: Any) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        st = entry.get(key)
        if st:
            return dt.datetime(*st[:6], tzinfo=dt.UTC)
    return None


def _text(value: Any) -> str | None:
    if not value:
        return None
    return " ".join(str(value).split()) or None


def slugify(text: str, max_len: int = 60) -> str:
    """A slug valid for ``check_slug``: ASCII transliteration, lowercase, '-' for the rest."""
    s = re.sub(r"[^a-z0-9]+", "-", anyascii(text).lower()).strip("-")
    if len(s) > max_len:
        cut = s[:max_len]
        s = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return s


_PAGE_EXT = re.compile(r"\.(s?html?|php\d?|aspx?|jsp|cfm)$", re.I)
_NAMELESS = frozenset({"index", "default", "article", "story", "news", "amp"})


def entry_slug(link: str, title: str | None) -> str:
    """The slug for a feed entry: the last meaningful segment of its URL path
    (``/world/2024/03/aliyev-talks-stall.html`` -> ``aliyev-talks-stall``), else its title."""
    segments = [_PAGE_EXT.sub("", s) for s in urlsplit(link).path.split("/") if s]
    for seg in reversed(segments):
        candidate = slugify(seg)
        # ids and dates ("12345", "2024") name nothing; a word of 3+ letters does
        if candidate not in _NAMELESS and re.search(r"[a-z]{3}", candidate):
            return candidate
    return slugify(title or "") or "article"
