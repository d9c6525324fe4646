"""Extract article text from Markdown and HTML sources (placeholder)."""

from variorum.model import Extracted


def detect_format(name: str, text: str) -> str:
    low = name.lower()
    if low.endswith((".html", ".htm")):
        return "html"
    if low.endswith((".md", ".markdown")):
        return "md"
    return "txt"


def extract(text: str, fmt: str) -> Extracted:
    if fmt == "html":
        from variorum.htmlextract import extract_html

        return extract_html(text)
    return Extracted(text)
