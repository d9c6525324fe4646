"""Normalized forms of a sentence for matching (placeholder)."""

import unicodedata

from variorum.model import Figure


def normalize(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def skeleton(text: str, figures: list[Figure] | tuple[Figure, ...]) -> str:
    parts, last = [], 0
    for f in figures:
        parts += [text[last : f.start], "#"]
        last = f.end
    parts.append(text[last:])
    return normalize("".join(parts))
