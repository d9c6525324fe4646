"""Split a version's text into paragraphs, headings and sentences with exact spans.

Blocks are separated by blank lines. Inside a block, a short line without final
punctuation that starts a sentence and is broken on purpose (the next word would
have fitted on it) is a heading of its own; other lines are joined, so hard-wrapped
text is split into sentences across its line breaks. Bullet lines start a new unit.

Sentences come from sentencex (fast, rule-based, ~300 languages), run on a copy of
the text with quotation marks and line breaks masked by spaces of the same length:
sentencex keeps whole quotations as one sentence, while news gold splits the
sentences inside long quotes. A thin layer then merges wrong splits: after
abbreviations and initials, and before a lowercase continuation. Offsets from the
library are only ever used on the original text, which is never altered.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import sentencex

from variorum.model import Segment

_BLANK = re.compile(r"\n[^\S\n]*\n(?:[^\S\n]*\n)*")
_LINE = re.compile(r"[^\n]+")
_BULLET = re.compile(r"(?:[-*•‣◦–—+]|\d{1,3}[.)])\s")
_FINAL = set(".!?:;…,؟؛،-–—")
_CLOSERS = set("\"'”’»›)]}」』")
_OPENERS = set("\"'“‘«‹„‚([{「『¿¡")
_MAX_HEADING_WORDS = 12
_MAX_HEADING_CHARS = 100

# Quotation marks are masked so sentencex does not treat a quotation as one sentence;
# straight and right single quotes only when they are not apostrophes inside a word.
_QUOTES = str.maketrans({c: " " for c in '"“”„‟«»‹›「」『』()[]{}<>（）\n\r\t\f\v'})
_SINGLE = re.compile(r"(?<!\w)['‘’`]|['‘’`](?!\w)")


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Abbreviations after which a period never ends a sentence (lowercase, without the final
# dot). Single letters are left to the initials rule and the lowercase rule.
_NON_TERMINAL: dict[str, frozenset[str]] = {
    "en": _words(
        "mr mrs ms dr prof sen rep gov gen col lt sgt capt cmdr adm maj st mt vs approx ca "
        "fig figs e.g i.e jan feb aug sept oct nov dec rev hon pres supt insp det jr sr"
    ),
    "de": _words(
        "z z.b ca dr prof hr fr frl nr bzw vgl abs bd st str tel evtl ggf u.a d.h sog "
        "inkl exkl ggü gem lt"
    ),
    "fr": _words("mm mme mmes mlle mlles dr pr me mgr st ste env cf av apr boul bd vol éd"),
    "es": _words(
        "sr sra srta sres dr dra dña ud uds lic ing arq prof aprox ej pág núm av avda gral cía"
    ),
    "ru": _words("ок см стр ул пр им гл рис напр ср проф акад чл корр пос просп обл р-н пер кв"),
    "ar": frozenset(),
}

# Abbreviations that may also end a sentence: merged only before a digit (a lowercase
# continuation is merged anyway).
_TERMINAL: dict[str, frozenset[str]] = {
    "en": _words("a.m p.m u.s u.k u.n inc ltd co corp bn m no nos p pp"),
    "de": _words("mio mrd tsd jh s art nr"),
    "fr": _words("etc p pp art n°"),
    "es": _words("ee uu ee.uu p.m a.m etc p art vol"),
    "ru": _words("г гг тыс млн млрд руб коп р в вв т.д т.п д п др"),
    "ar": frozenset(),
}

# Cuts sentencex does not make: after an ellipsis or a list-closing abbreviation
# ("etc.", "usw.", "т. д.") when a capitalised word follows.
_EXTRA_CUT = re.compile(r"(?:…|(?<![^\W\d_])(?:etc|usw|т\.\s?д|т\.\s?п|и\s др)\.)\s+(?=[^\W\d_])")
_GLUE = frozenset("\u00a0\u202f\u2007\u2060")
# German ordinals: "im 19. Jahrhundert", "am 3. Oktober", "in der 89. Minute".
_DE_ORDINAL = re.compile(r"(?<!\d)\d{1,3}\.$")
_DE_AFTER_ORDINAL = _words(
    "januar februar märz april mai juni juli august september oktober november dezember "
    "jahrhundert jahrhunderts jahrhunderte minute minuten platz runde etappe spieltag "
    "stock stockwerk mal lebensjahr geburtstag grad klasse liga kapitel"
)
_LAST_WORD = re.compile(r"(\w[\w.\-]*)\.$")
_PAIR_ABBR = re.compile(r"(\w{1,3})\.\s?(\w{1,3})\.$")


def segment(text: str, lang: str) -> list[Segment]:
    """Paragraphs, headings and sentences of ``text``, each with its exact span."""
    lang = (lang or "").lower().split("-")[0]
    out: list[Segment] = []
    for para, (unit_start, unit_end, heading) in enumerate(_units(text)):
        if heading:
            out.append(Segment(para, unit_start, unit_end, text[unit_start:unit_end], True))
        else:
            for s, e in _sentences(text, unit_start, unit_end, lang):
                out.append(Segment(para, s, e, text[s:e]))
    return out


# --- blocks, lines and headings --------------------------------------------------------


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for m in _BLANK.finditer(text):
        yield pos, m.start()
        pos = m.end()
    yield pos, len(text)


def _units(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, heading) of each heading line or run of joined lines, stripped."""
    for b_start, b_end in _blocks(text):
        lines = []
        for m in _LINE.finditer(text, b_start, b_end):
            s, e = _strip(text, m.start(), m.end())
            if s < e:
                lines.append((s, e))
        if not lines:
            continue
        width = max(e - s for s, e in lines)
        run_start: int | None = None
        run_end = 0
        prev_final = True
        for i, (s, e) in enumerate(lines):
            line = text[s:e]
            nxt = text[lines[i + 1][0] : lines[i + 1][1]] if i + 1 < len(lines) else None
            if _BULLET.match(line) and run_start is not None:
                yield run_start, run_end, False
                run_start = None
            if prev_final and _is_heading(line, nxt, width):
                if run_start is not None:
                    yield run_start, run_end, False
                    run_start = None
                yield s, e, True
                prev_final = True
                continue
            if run_start is None:
                run_start = s
            run_end = e
            prev_final = _ends_sentence(line)
        if run_start is not None:
            yield run_start, run_end, False


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _last_char(line: str) -> str:
    i = len(line) - 1
    while i > 0 and line[i] in _CLOSERS:
        i -= 1
    return line[i]


def _ends_sentence(line: str) -> bool:
    return _last_char(line) in ".!?…؟:;"


def _first_letter(line: str) -> str:
    for c in line:
        if c not in _OPENERS and not c.isspace():
            return c
    return ""


def _is_heading(line: str, nxt: str | None, width: int) -> bool:
    if len(line) > _MAX_HEADING_CHARS or _last_char(line) in _FINAL:
        return False
    if len(line.split()) > _MAX_HEADING_WORDS or not any(c.isalpha() for c in line):
        return False
    if _first_letter(line).islower() or _BULLET.match(line):
        return False
    if nxt is None:
        return True
    if _first_letter(nxt).islower():
        return False
    # A wrapped line is broken because the next word did not fit; a heading is not.
    first_word = nxt.split(None, 1)[0]
    return len(line) + 1 + len(first_word) <= width


# --- sentences -----------------------------------------------------------------------------


def _mask(chunk: str) -> str:
    masked = _SINGLE.sub(" ", chunk).translate(_QUOTES)
    return masked if len(masked) == len(chunk) else chunk


def _library_starts(masked: str, lang: str) -> list[int]:
    """Offsets in ``masked`` where sentencex starts a sentence (after the first)."""
    starts = []
    pos = 0
    for piece in sentencex.segment(lang or "en", masked):
        found = masked.find(piece, pos) if piece else -1
        if found < 0:
            # The library changed the text: keep what was matched so far.
            break
        if found > 0:
            starts.append(found)
        pos = found + len(piece)
    return starts


def _sentences(text: str, start: int, end: int, lang: str) -> list[tuple[int, int]]:
    chunk = text[start:end]
    masked = _mask(chunk)
    spans: list[tuple[int, int]] = []
    prev = 0
    cuts = set(_library_starts(masked, lang))
    cuts.update(m.end() for m in _EXTRA_CUT.finditer(masked) if masked[m.end()].isupper())
    for cut in sorted(cuts):
        cut = _resplit(chunk, masked, prev, cut, lang)
        spans.append((prev, cut))
        prev = cut
    spans.append((prev, len(chunk)))
    spans = _fix_edges(chunk, spans)
    spans = _merge(chunk, spans, lang)
    return [(start + s, start + e) for s, e in spans]


def _resplit(chunk: str, masked: str, prev: int, cut: int, lang: str) -> int:
    """Where the next sentence really starts in the gap the masking left before ``cut``:
    closing marks after the terminator stay behind, opening marks go with the next one.
    French sets its closing guillemet off with a space ("Va ! » Et")."""
    i = cut
    while i > prev and masked[i - 1].isspace():
        i -= 1
    while i < cut:
        if not chunk[i].isspace():
            i += 1  # glued to the terminator: a closing mark
            continue
        j = i
        while j < cut and (chunk[j] in _GLUE or (lang == "fr" and chunk[j] in " \t")):
            j += 1
        if j < cut and j > i and chunk[j] in "»”" and (chunk[i] in _GLUE or lang == "fr"):
            i = j + 1
            continue
        break
    while i < cut and chunk[i].isspace():
        i += 1
    return i


def _fix_edges(chunk: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Strip each span; closing quotes glued to a sentence's end stay with it."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        s, e = _strip(chunk, s, e)
        if s >= e:
            continue
        if out and s == out[-1][1]:
            # No whitespace between the two pieces: the cut fell inside a word.
            out[-1] = (out[-1][0], e)
            continue
        out.append((s, e))
    return out


def _merge(chunk: str, spans: list[tuple[int, int]], lang: str) -> list[tuple[int, int]]:
    if len(spans) < 2:
        return spans
    non_terminal = _NON_TERMINAL.get(lang, frozenset()) | _NON_TERMINAL["en"]
    terminal = _TERMINAL.get(lang, frozenset())
    # In text written without capitals (lowercased dumps, chat) a lowercase word after a
    # full stop says nothing about the sentence going on.
    cased = any(c.isupper() for c in chunk)
    out = [spans[0]]
    for s, e in spans[1:]:
        ps, pe = out[-1]
        glued = all(c in _GLUE for c in chunk[pe:s])
        # Only the tail of the previous piece matters; slicing all of it would be quadratic.
        tail = chunk[max(ps, pe - 64) : pe]
        if glued or _joins(tail, chunk[s : min(e, s + 64)], lang, non_terminal, terminal, cased):
            out[-1] = (ps, e)
        else:
            out.append((s, e))
    return out


def _joins(
    prev: str,
    nxt: str,
    lang: str,
    non_terminal: frozenset[str],
    terminal: frozenset[str],
    cased: bool = True,
) -> bool:
    first = _first_letter(nxt)
    if cased and first.islower():
        return True
    if not prev.endswith("."):
        return False
    if lang == "de" and _DE_ORDINAL.search(prev):
        word = nxt.split(None, 1)[0].strip(",;:").lower()
        return word in _DE_AFTER_ORDINAL
    m = _LAST_WORD.search(prev)
    if not m:
        return False
    word = m.group(1).lower()
    # An initial: "M. Dupont", "J. R. R. Tolkien", "В. Путин".
    if len(word) == 1 and m.group(1).isupper():
        return True
    pair = _PAIR_ABBR.search(prev)
    pair_word = (pair.group(1) + "." + pair.group(2)).lower() if pair else ""
    if word in non_terminal or pair_word in non_terminal:
        return True
    if word in terminal or pair_word in terminal:
        return first.isdigit()
    return False
