"""Extract article text from Markdown and HTML sources (placeholder)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None = None
    byline: str | None = None
    date: str | None = None


def detect_format(name: str, text: str) -> str:
    low = name.lower()
    if low.endswith((".html", ".htm")):
        return "html"
    if low.endswith((".md", ".markdown")):
        return "md"
    return "txt"


def extract(text: str, fmt: str) -> Extracted:
    return Extracted(text)
