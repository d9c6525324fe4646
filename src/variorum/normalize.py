"""Normalized forms of a sentence for matching.

``normalize`` folds away what a reader does not see as a change: Unicode
compatibility forms (NFKC), the many kinds of quotes, apostrophes, dashes and
spaces, and letter case. ``skeleton`` is the same with every figure masked by
:data:`PLACEHOLDER`, so two sentences that differ only in their figures have
equal skeletons.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from variorum.model import Figure

#: Stands for one figure in a skeleton. ``‹`` and ``›`` never occur in the output of
#: :func:`normalize` (it folds them to ``'``), so the token cannot be confused with text.
PLACEHOLDER = "‹#›"

_DOUBLE = '"«»„‟“”″‶〝〞〟❝❞⹂＂'
_SINGLE = "‘’‚‛‹›′‵❛❜ʼ`´＇"
_DASHES = "‐‑‒–—―−⁃﹘﹣－⸺⸻"
# Invisible characters that only steer line breaking or byte order.
_DROP = "\u00ad\u200b\u2060\ufeff"

_TABLE: dict[int, str | None] = {}
_TABLE.update({ord(c): '"' for c in _DOUBLE})
_TABLE.update({ord(c): "'" for c in _SINGLE})
_TABLE.update({ord(c): "-" for c in _DASHES})
_TABLE.update({ord(c): None for c in _DROP})

# str.translate looks up every character; a regex over the few characters to fold
# is several times faster on non-Latin text, where hits are rare.
_FOLD = re.compile("[" + re.escape(_DOUBLE + _SINGLE + _DASHES + _DROP) + "]")


def _sub(text: str) -> str:
    return _FOLD.sub(lambda m: _TABLE[ord(m.group())] or "", text)


def _fold(text: str) -> str:
    # Spaces first: a no-break space alone makes a text fail the fast NFKC check.
    # Quotes before NFKC, which would split ″ into two primes. Then NFKC, casefold, and
    # NFKC again (casefold can leave decomposed letters), and the table once more for
    # characters that NFKC itself produced (e.g. U+2011 -> U+2010).
    s = " ".join(_sub(text).split())
    if unicodedata.is_normalized("NFKC", s):
        s = s.casefold()
        if unicodedata.is_normalized("NFKC", s):
            return s
    s = unicodedata.normalize("NFKC", s).casefold()
    return " ".join(_sub(unicodedata.normalize("NFKC", s)).split())


def normalize(text: str) -> str:
    """NFKC, one form of quote, apostrophe, dash and space, casefolded, stripped."""
    return _fold(text)


def _piece(text: str) -> str:
    """A folded stretch of text that keeps one space at either end if it had any."""
    core = _fold(text)
    if not core:
        return " " if any(c.isspace() for c in text) else ""
    return (" " if text[0].isspace() else "") + core + (" " if text[-1].isspace() else "")


def skeleton(text: str, figures: Sequence[Figure]) -> str:
    """The norm of ``text`` with each figure's span replaced by :data:`PLACEHOLDER`.

    Figures that overlap an earlier one or fall outside the text are ignored.
    """
    parts: list[str] = []
    last = 0
    for f in sorted(figures, key=lambda f: (f.start, f.end)):
        if f.start < last or f.end > len(text) or f.end <= f.start:
            continue
        parts.append(_piece(text[last : f.start]))
        parts.append(PLACEHOLDER)
        last = f.end
    parts.append(_piece(text[last:]))
    return " ".join("".join(parts).split())
