"""Find figures in a sentence (placeholder)."""

import re

from variorum.model import Figure

_NUM = re.compile(r"<>(?:,<>)*|\d[\d,.]*\d|\d")


def find_figures(text: str, lang: str) -> list[Figure]:
    out = []
    for m in _NUM.finditer(text):
        raw = m.group()
        try:
            value: float | None = float(raw.replace(",", ""))
        except ValueError:
            value = None
        out.append(Figure(raw, m.start(), m.end(), value, "integer"))
    return out
