"""Main article text and metadata from an HTML page.

Extraction is trafilatura's (main content without navigation, footers, ads,
related links and reader comments), plus its metadata: title, author, and
publication date. A CSS selector replaces the main-content guess for sites
where it fails; metadata still comes from the page's markup.

The text comes out as paragraphs separated by one blank line; headings,
list items, block quotes and table rows are paragraphs of their own. Line
breaks inside a paragraph (``<br>``) are kept as single newlines.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
import trafilatura
from cssselect import SelectorError
from trafilatura.settings import use_config

from variorum.errors import InputError
from variorum.model import Extracted


class ExtractionError(InputError):
    """The page cannot be read as an article (bad selector, selector matched nothing)."""


# Explicit dates only (meta tags, <time>, JSON-LD): the extensive search guesses dates from
# copyright lines and URLs ("© 2024" became 2024-01-01 on a test page). Prefer the original
# publication date over the last-modified one.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}

# When the main extractor finds less than MIN_EXTRACTED_SIZE (250 characters), trafilatura
# falls back to cruder extractors that paste a short article's <article> or page text as one
# block, navigation and byline included ("Home World Breaking: a fire ..."). A short item (a
# breaking-news first version) is exactly what a watch sees first. So results of a size where
# those fallbacks can fire are extracted again without them, and that version is kept when it
# holds at least half the text: the fallback then only added boilerplate, not missed content.
_SHORT_CONFIG = use_config()
_SHORT_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
_RECHECK_BELOW = 3000  # trafilatura's own escalation window (core.ESCALATION_MAX_LENGTH)

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# Whitespace runs other than no-break spaces, which are digit-group separators in
# "120 000" and must survive extraction.
_SPACES = re.compile(r"[^\S\n\xa0\u202f]+")
_CELL = "\x1f"


def _tags(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Block-level tags of HTML and of trafilatura's XML output (head = heading, item = list
# item, quote, row, cell); each starts and ends a paragraph.
_BLOCKS = _tags(
    "p div section article main header footer aside nav h1 h2 h3 h4 h5 h6 ul ol li dl dt "
    "dd blockquote pre figure figcaption table thead tbody tfoot tr caption address hr "
    "details summary fieldset form center head item list quote row"
)
_TEI_BLOCKS = _BLOCKS | {"code"}  # inline <code> in HTML, a code block in trafilatura's XML
_CELLS = frozenset({"td", "th", "cell"})
_BREAKS = frozenset({"br", "lb"})
_SKIP = _tags(
    "script style noscript template svg math iframe object embed button select option "
    "textarea input canvas audio video picture source track map"
)


def extract_html(html: str, *, url: str | None = None, selector: str | None = None) -> Extracted:
    """The article text of an HTML page with its title, author and publication date.

    ``selector`` (CSS) names the element(s) holding the article; their text is taken
    as it is, in document order. Raises ExtractionError for an invalid selector or
    one that matches nothing. A page without article text gives ``Extracted("")``.
    """
    html = _XML_DECL.sub("", html, count=1)
    if not html.strip():
        return Extracted("")
    if selector is not None:
        meta = trafilatura.extract_metadata(html, default_url=url, date_config=_DATE_PARAMS)
        text = _select(html, selector)
    else:
        meta = _bare(html, url, None)
        text = _tei_text(meta)
        if len(text) < _RECHECK_BELOW:
            short = _tei_text(_bare(html, url, _SHORT_CONFIG))
            if short and 2 * len(short) >= len(text):
                text = short
    if meta is None:
        return Extracted(text)
    return Extracted(
        text,
        title=_clean(meta.title),
        byline=_clean(meta.author),
        date=_clean(meta.date),
    )


def _bare(html: str, url: str | None, config: object | None) -> trafilatura.settings.Document:
    kwargs = {"config": config} if config is not None else {}
    return trafilatura.bare_extraction(
        html,
        url=url,
        output_format="python",
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=False,
        date_extraction_params=_DATE_PARAMS,
        **kwargs,
    )


def _tei_text(doc: trafilatura.settings.Document | None) -> str:
    if doc is None or doc.body is None:
        return ""
    return "\n\n".join(_paragraphs(doc.body, tei=True))


def _select(html: str, selector: str) -> str:
    try:
        root = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError) as e:
        raise ExtractionError(f"cannot parse the page as HTML ({e})") from e
    try:
        found = root.cssselect(selector)
    except SelectorError as e:
        raise ExtractionError(f"invalid CSS selector {selector!r}: {e}") from e
    # A selector matching both an element and its descendants must not repeat text.
    chosen = [el for el in found if not any(a in found for a in el.iterancestors())]
    if not chosen:
        raise ExtractionError(f"CSS selector {selector!r} matched nothing on the page")
    paras: list[str] = []
    for el in chosen:
        paras.extend(_paragraphs(el, tei=False))
    return "\n\n".join(paras)


def _paragraphs(root: lxml.etree._Element, *, tei: bool) -> list[str]:
    """Render an element as paragraphs: block tags break, inline tags flow."""
    pieces: list[str] = []
    out: list[str] = []

    def flush() -> None:
        para = _tidy("".join(pieces))
        pieces.clear()
        if para:
            out.append(para)

    def walk(el: lxml.etree._Element) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if tag is None or tag in _SKIP or (tag == "head" and not tei):
            return  # comments, processing instructions, scripts; HTML <head> is no heading
        block = tag in (_TEI_BLOCKS if tei else _BLOCKS)
        if block:
            flush()
        if tag in _BREAKS:
            pieces.append("\n")
        if el.text:
            pieces.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                pieces.append(child.tail)
        if tag in _CELLS:
            pieces.append(_CELL)
        if block:
            flush()

    walk(root)
    flush()
    return out


def _tidy(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        cells = [_SPACES.sub(" ", c).strip(" ") for c in line.split(_CELL)]
        line = " | ".join(c for c in cells if c)
        if line:
            lines.append(line)
    return "\n".join(lines)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None
