"""Split a version's text into paragraphs and sentences with exact spans (placeholder)."""

import re

from variorum.model import Segment

_SENT = re.compile(r"[^.!?]+(?:[.!?]+|$)")


def segment(text: str, lang: str) -> list[Segment]:
    out: list[Segment] = []
    for p, para in enumerate(re.finditer(r"\S(?:.*?\S)?(?=\n\s*\n|\s*$)", text, re.S)):
        for m in _SENT.finditer(para.group()):
            s = m.group()
            lead = len(s) - len(s.lstrip())
            body = s.strip()
            if body:
                start = para.start() + m.start() + lead
                out.append(Segment(p, start, start + len(body), body))
    return out
