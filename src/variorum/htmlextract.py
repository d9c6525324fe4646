"""Main article text and metadata from an HTML page (placeholder)."""

import re

from variorum.model import Extracted


def extract_html(html: str, *, url: str | None = None, selector: str | None = None) -> Extracted:
    text = re.sub(r"<[^>]+>", " ", html)
    return Extracted(text)
