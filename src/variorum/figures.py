"""Find the figures in a text: numbers, amounts, percentages, dates, counts in words.

``find_figures(text, lang)`` returns every figure with its span, parsed value,
kind and lint finding. Parsing follows the text's locale: ``120,000`` (en),
``120.000`` (de, es), ``120 000`` (fr, ru) are all 120000, ``1,5`` (de) is 1.5,
and Arabic-Indic and Persian digits with ``٬``/``٫`` are read as well.

Kinds and values:

- ``integer``, ``decimal``: the number, scale words applied (``1,5 Mrd.`` = 1.5e9).
- ``year``: a four-digit number 1000-2100 written without separators.
- ``range``: ``1988–1994``, ``1988-94``, ``10-15``: ``value`` 1988, ``value_end`` 1994.
  A percent or amount range keeps its kind and sets ``value_end``.
- ``percent``: ``5%``, ``5 per cent``, ``5 Prozent``, ``٥٪``; ``unit`` is ``%``.
- ``amount``: a number with a currency; ``unit`` is the ISO code (``$`` is USD).
- ``date``: a day and month, with or without year, encoded so that the same date
  compares equal in every language: ``year * 10000 + month * 100 + day``, year 0
  when absent (``September 19`` = 919, ``19 сентября 2023 года`` = 20230919).
- ``time``: a clock time, ``hours * 100 + minutes`` on 24 hours (``3:30 p.m.`` = 1530).
- ``ordinal``: ``3rd``, ``3e``, ``3-й``.
- ``words``: a count written in words (``two decades`` = 2, ``a million`` = 1e6).
- ``placeholder``: an empty slot where a number should be (``<>``, ``[number]``).

Lint codes in ``issue`` (``reason`` says it in plain words): ``bad-grouping``
(malformed digit grouping for the locale, e.g. English ``30,1988``), ``placeholder``,
``range-reversed`` (a year range that ends before it starts), ``impossible-date``
(``September 31``), ``bad-ordinal`` (``2th``). A figure that cannot be read has
value None.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from babel.dates import get_month_names

from variorum.languages import SUPPORTED
from variorum.model import Figure
from variorum.numwords import find_word_numbers

# Arabic-Indic and Persian digits read as ASCII; one character each, so offsets hold.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NB = "\u00a0\u202f\u2009\u2007"  # no-break, narrow no-break, thin and figure spaces
_SP = " " + _NB

# (group separators, decimal separators) per locale; ٬ and ٫ are Arabic's own.
_SEPARATORS = {
    "en": (",٬" + _NB, ".٫"),
    "ar": (",٬،" + _NB + " ", ".٫"),
    "de": (".'’٬" + _SP, ",٫"),
    "es": (".٬" + _SP, ",٫"),
    "fr": (".٬" + _SP, ",٫"),
    "ru": ("٬" + _SP, ",٫"),
}
# The other convention, which translations and wire copy often keep.
_FOREIGN = (",٬" + _SP, ".٫")


@dataclass(frozen=True)
class _Cand:
    start: int
    end: int
    value: float | None
    kind: str
    value_end: float | None = None
    unit: str | None = None
    issue: str | None = None
    reason: str | None = None
    rank: int = 3


# --- regular expressions ---------------------------------------------------------------


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def _num_re(lang: str) -> re.Pattern[str]:
    space = _SP if lang != "en" else _NB
    seps = ".,٬٫" + {"de": "'’", "ar": "،"}.get(lang, "")
    # Each pattern starts with a bare digit class so that the regex engine can skip
    # ahead to digits; the look-behind after the first digit checks what precedes it.
    # Arabic attaches و (and), ب (by) and ل (for) to a following number (و400), and
    # Arabic letters never make a number part of a name the way Latin ones do (A320).
    first = (
        r"\d(?<![A-Za-z0-9_.,\u0400-\u04ff]\d)"
        if lang == "ar"
        # "No.1" and "c.960" (circa) are numbers, ".5" is not
        else r"\d(?<![\w,]\d)(?<!(?<![Nn]o|Nr|[Cc]a)(?<!\b[Cc])\.\d)"
    )
    return re.compile(
        rf"{first}(?:\d{{0,2}}(?:[{space}]\d{{3}})+(?!\d)(?:[.,٫]\d+)?"
        rf"|\d*(?:[{re.escape(seps)}]\d+)*)"
    )


_CURRENCY_SIGNS = {
    "US$": "USD",
    "A$": "AUD",
    "C$": "CAD",
    "HK$": "HKD",
    "NZ$": "NZD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₽": "RUB",
    "₼": "AZN",
    "₹": "INR",
    "₺": "TRY",
    "₴": "UAH",
}
_ISO = [
    "USD",
    "EUR",
    "GBP",
    "RUB",
    "AZN",
    "JPY",
    "CNY",
    "CHF",
    "AMD",
    "TRY",
    "UAH",
    "INR",
    "CAD",
    "AUD",
    "SAR",
    "AED",
    "EGP",
    "KZT",
    "GEL",
    "ILS",
    "IRR",
]
_CURPRE = re.compile(
    rf"(?:(?<![A-Za-z])(?P<iso>{'|'.join(_ISO)})[ \u00a0]?|(?P<sign>{_alt(_CURRENCY_SIGNS)})"
    r"[ \u00a0]?)$"
)
_CURRENCY_WORDS: dict[str, dict[str, str]] = {
    "en": {
        r"(?:US |U\.S\. |American )?dollars?": "USD",
        r"euros?": "EUR",
        r"pounds?(?: sterling)?": "GBP",
        r"r[ou]ubles?": "RUB",
        r"manats?": "AZN",
        r"yen": "JPY",
        r"yuan": "CNY",
        r"drams?": "AMD",
        r"rupees?": "INR",
    },
    "de": {
        r"(?:US-)?Dollar": "USD",
        r"Euro": "EUR",
        r"Pfund(?: Sterling)?": "GBP",
        r"Rubel": "RUB",
        r"Manat": "AZN",
        r"Yen": "JPY",
        r"Yuan": "CNY",
        r"Dram": "AMD",
    },
    "fr": {
        r"(?:de )?dollars?(?: américains?)?": "USD",
        r"(?:d')?euros?": "EUR",
        r"(?:de )?livres?(?: sterling)?": "GBP",
        r"(?:de )?roubles?": "RUB",
        r"(?:de )?manats?": "AZN",
        r"(?:de )?yens?": "JPY",
        r"(?:de )?yuans?": "CNY",
    },
    "es": {
        r"(?:de )?dólares?(?: estadounidenses)?": "USD",
        r"(?:de )?euros?": "EUR",
        r"(?:de )?libras?(?: esterlinas?)?": "GBP",
        r"(?:de )?rublos?": "RUB",
        r"(?:de )?manats?": "AZN",
        r"(?:de )?yenes": "JPY",
        r"(?:de )?yuanes": "CNY",
    },
    "ru": {
        r"(?:доллар(?:ов|а|ы|ам|ами)?|долл\.)(?: США)?": "USD",
        r"евро": "EUR",
        r"фунт(?:ов|а|ы)?(?: стерлингов)?": "GBP",
        r"рубл(?:ей|я|ь|ям|ями)|руб\.": "RUB",
        r"манат(?:ов|а)?": "AZN",
        r"иен": "JPY",
        r"юан(?:ей|я|ь)": "CNY",
        r"драм(?:ов|а)?": "AMD",
    },
    "ar": {
        r"دولار(?:ا|ات)?(?: أمريكي| أمريكية|ا أمريكيا)?": "USD",
        r"يورو": "EUR",
        r"جنيه(?:ا|ات)? (?:إسترليني|استرليني)": "GBP",
        r"روبل": "RUB",
        r"مانات": "AZN",
        r"ين": "JPY",
        r"يوان": "CNY",
    },
}


@cache
def _cursuf_re(lang: str) -> tuple[re.Pattern[str], list[str]]:
    words = _CURRENCY_WORDS[lang]
    codes = list(words.values())
    alts = "|".join(f"(?P<w{i}>{w})" for i, w in enumerate(words))
    signs = _alt(s for s in _CURRENCY_SIGNS if len(s) == 1)
    pat = (
        rf"[ \u00a0\u202f]?(?P<sign>{signs})"
        rf"|[ \u00a0\u202f](?P<iso>{'|'.join(_ISO)})(?![A-Za-z])"
        rf"|[ \u00a0\u202f](?:{alts})(?!\w)"
    )
    return re.compile(pat, re.IGNORECASE if lang != "de" else 0), codes


_SCALES: dict[str, dict[str, float]] = {
    "en": {
        "thousand": 1e3,
        "million": 1e6,
        "mn": 1e6,
        "billion": 1e9,
        "bn": 1e9,
        "trillion": 1e12,
        "tn": 1e12,
    },
    "de": {
        "Tausend": 1e3,
        "Tsd.": 1e3,
        "Million": 1e6,
        "Millionen": 1e6,
        "Mio.": 1e6,
        "Mio": 1e6,
        "Milliarde": 1e9,
        "Milliarden": 1e9,
        "Mrd.": 1e9,
        "Mrd": 1e9,
        "Billion": 1e12,
        "Billionen": 1e12,
        "Bio.": 1e12,
    },
    "fr": {
        "mille": 1e3,
        "million": 1e6,
        "millions": 1e6,
        "milliard": 1e9,
        "milliards": 1e9,
        "Md": 1e9,
        "Mds": 1e9,
        "Mrd": 1e9,
        "billion": 1e12,
        "billions": 1e12,
    },
    "es": {
        "mil millones": 1e9,
        "mil": 1e3,
        "millón": 1e6,
        "millones": 1e6,
        "mill.": 1e6,
        "millardo": 1e9,
        "millardos": 1e9,
        "billón": 1e12,
        "billones": 1e12,
    },
    "ru": {
        "тыс.": 1e3,
        "тыс": 1e3,
        "тысяча": 1e3,
        "тысячи": 1e3,
        "тысяч": 1e3,
        "тысячу": 1e3,
        "тысячам": 1e3,
        "тысячами": 1e3,
        "млн": 1e6,
        "млн.": 1e6,
        "миллион": 1e6,
        "миллиона": 1e6,
        "миллионов": 1e6,
        "миллионами": 1e6,
        "млрд": 1e9,
        "млрд.": 1e9,
        "миллиард": 1e9,
        "миллиарда": 1e9,
        "миллиардов": 1e9,
        "трлн": 1e12,
        "трлн.": 1e12,
    },
    "ar": {
        "ألف": 1e3,
        "ألفا": 1e3,
        "آلاف": 1e3,
        "مليون": 1e6,
        "مليونا": 1e6,
        "ملايين": 1e6,
        "مليار": 1e9,
        "مليارا": 1e9,
        "مليارات": 1e9,
        "بليون": 1e9,
        "تريليون": 1e12,
    },
}
# Short scales that mean million/billion only right after a currency amount ($5m, 5 M€).
_MONEY_SCALES = {"m": 1e6, "M": 1e6, "b": 1e9, "k": 1e3, "K": 1e3, "bn": 1e9}


@cache
def _scale_re(lang: str) -> re.Pattern[str]:
    words = _SCALES[lang]
    flags = re.IGNORECASE if lang not in ("de", "fr") else 0
    return re.compile(rf"[ \u00a0\u202f]?(?P<s>{_alt(words)})(?!\w)", flags)


_MONEY_SCALE = re.compile(r"[ \u00a0\u202f]?(?P<s>bn|[mMbkK])(?![\w])")

_PERCENT_WORDS = {
    "en": r"per ?cent|percent|pct\b\.?|percentage points?",
    "de": r"Prozent(?:punkte)?|Prozentpunkte[n]?",
    "fr": r"pour ?cents?|points? de pourcentage",
    "es": r"por ?ciento|puntos? porcentual(?:es)?",
    "ru": r"процент(?:а|ов|ам|ами|ах|ом|у|ы|ных пункт(?:а|ов)?)?|п\. ?п\.",
    "ar": r"بالمئة|بالمائة|بالمية|في المئة|في المائة|بالم[ئا]ة",
}


@cache
def _pct_re(lang: str) -> re.Pattern[str]:
    return re.compile(
        rf"[ \u00a0\u202f]?[%٪]|[ \u00a0\u202f](?:{_PERCENT_WORDS[lang]})(?!\w)",
        re.IGNORECASE,
    )


_HAS_DIGIT = re.compile(r"\d")
_EASTERN_DIGIT = re.compile("[٠-٩۰-۹]")
_RANGE = re.compile(r"[ \u00a0]?(?P<dash>[-–—])[ \u00a0]?")
_ORDINAL = {
    "en": re.compile(r"(?P<o>st|nd|rd|th)\b"),
    "fr": re.compile(r"(?P<o>er|re|e|ème|eme|è|ᵉ|ᵉʳ)(?!\w)"),
    "es": re.compile(r"(?P<o>\.?[ºª])"),
    "ru": re.compile(r"(?P<o>-(?:й|я|е|го|му|м|х|ми|ю|ой|ом|ый|ая|ое|ые|ых|ым|ого|ому|ей))(?!\w)"),
}
_UPPER_ID = re.compile(r"([^\W\d_]+)-$")
_ONLY_DOTS = re.compile(r"\d+(?:\.\d+){2,}")

# --- placeholders ------------------------------------------------------------------------

_PLACEHOLDERS = (
    ("<", re.compile(r"<\s*>(?:\s*[,.]\s*<\s*>)*")),
    (
        "[",
        re.compile(
            r"\[\s*(?:number|num|n|x+|\?+|tk|amount|figure|date|year|value|digits?|#+)\s*\]",
            re.IGNORECASE,
        ),
    ),
    ("{", re.compile(r"\{\s*(?:\d|n|x|number|num|amount)?\s*\}", re.IGNORECASE)),
    ("XX", re.compile(r"\b(?:19|20)XX\b|\bXX+\s?%")),
    ("X", re.compile(r"[$€£]\s?X+\b|\bX{1,3}(?:[,.]X{3})+\b")),
    ("TKTK", re.compile(r"\bTK(?:TK)+\b")),
    ("##", re.compile(r"(?<!\S)#{2,}(?!\S)")),
)

# --- dates ------------------------------------------------------------------------------

_EXTRA_MONTHS = {
    "en": {"Sept": 9, "Sept.": 9, "Sep.": 9, "Jan.": 1, "Feb.": 2, "Mar.": 3, "Apr.": 4},
    "en2": {"Jun.": 6, "Jul.": 7, "Aug.": 8, "Oct.": 10, "Nov.": 11, "Dec.": 12},
    "de": {"Jänner": 1, "Sept.": 9, "Sep.": 9},
    "fr": {"fév.": 2, "avr.": 4, "sept.": 9},
    "es": {"setiembre": 9, "sep.": 9, "sept.": 9},
    "ru": {"сент.": 9},
    "ar": {"يونيه": 6, "يوليه": 7, "أغسطس": 8, "اغسطس": 8, "ابريل": 4, "إبريل": 4},
}
_MONTH_LOCALES = {"ar": ("ar", "ar_SY")}


@cache
def _months(lang: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for loc in _MONTH_LOCALES.get(lang, (lang,)):
        for width, ctx in (("wide", "format"), ("wide", "stand-alone"), ("abbreviated", "format")):
            for num, name in get_month_names(width, ctx, loc).items():
                # Undotted short forms (es "mar", en "Jan") are words too often.
                if width == "abbreviated" and not name.endswith(".") and lang != "en":
                    continue
                out[name.lower()] = num
    for key in (lang, lang + "2"):
        for name, num in _EXTRA_MONTHS.get(key, {}).items():
            out[name.lower()] = num
    if lang == "en":
        out.pop("may.", None)
    return out


_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@cache
def _date_re(lang: str) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """A date that starts at a day number, and (English) a month name right before one.

    Dates are looked for only where a one- or two-digit number stands, which is far
    faster than scanning the text for month names.
    """
    names = _alt(_months(lang))
    month = rf"(?P<m>{names})(?!\w)"
    day = r"(?P<d>[0-3]?\d)(?!\d)"
    year = r"(?P<y>\d{4})(?!\d)"
    if lang == "en":
        first = rf"{day}(?:st|nd|rd|th)?[ \u00a0](?:of )?{month}(?:,?[ \u00a0]{year})?"
        before = re.compile(rf"(?<!\w)(?P<m>{names})\.?[ \u00a0]$", re.IGNORECASE)
        return re.compile(first, re.IGNORECASE), before
    joiner = {
        "de": r"\.?[ \u00a0]?",
        "fr": r"(?:er|re)?[ \u00a0]",
        "es": r"(?:\.?º)?[ \u00a0](?:de[ \u00a0])?",
        "ru": r"(?:-го)?[ \u00a0]",
        "ar": r"[ \u00a0](?:من[ \u00a0])?",
    }[lang]
    year_join = {
        "de": r"[ \u00a0]",
        "fr": r"[ \u00a0]",
        "es": r"[ \u00a0](?:de(?:l)?[ \u00a0])?",
        "ru": r"[ \u00a0]",
        "ar": r"[ \u00a0](?:عام[ \u00a0]|سنة[ \u00a0])?",
    }[lang]
    tail = r"(?:[ \u00a0](?:года|г\.|гг\.))?" if lang == "ru" else ""
    # Arabic news often gives both month names: 19 سبتمبر/أيلول.
    extra = rf"(?:\s?/\s?(?:{names})(?!\w))?" if lang == "ar" else ""
    first = rf"{day}{joiner}{month}{extra}(?:,?{year_join}{year}{tail})?"
    return re.compile(first, re.IGNORECASE), None


_DAY_NUMBER = re.compile(r"\d(?<![\w.,]\d)\d?(?!\d)")
_DAY_NUMBER_AR = re.compile(r"\d(?<![A-Za-z0-9_.,]\d)\d?(?!\d)")
_EN_MONTH_FIRST = re.compile(
    r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?!\w)(?:,?[ \u00a0](?P<y>\d{4})(?!\d))?"
)
_NUMERIC_DATE = re.compile(
    r"\d(?<![\w.,/]\d)(?:\d{3}-\d\d-\d\d|\d?([./])\d{1,2}\1\d{4})(?![\w/]|[.,]\d)"
)
_DE_SHORT_DATE = re.compile(r"\d(?<![\w.,]\d)\d?\.\d{1,2}\.(?![\d\w])")

# --- times ------------------------------------------------------------------------------

_AM_PM = {
    "en": (r"[aA]\.[mM]\.|[aA][mM]\b", r"[pP]\.[mM]\.|[pP][mM]\b"),
    "de": (r"Uhr(?: morgens| früh)?", r"Uhr (?:abends|nachmittags)"),
    "fr": (r"h(?:eures?)? du matin", r"h(?:eures?)? (?:du soir|de l'après-midi|de l’après-midi)"),
    "es": (r"de la (?:mañana|madrugada)", r"de la (?:tarde|noche)"),
    "ru": (r"(?:час(?:а|ов)? )?(?:утра|ночи)", r"(?:час(?:а|ов)? )?вечера"),
    "ar": (r"صباح[اًا]*", r"مساء[اًءا]*|ظهر[اًا]*"),
}


@cache
def _time_re(lang: str) -> re.Pattern[str]:
    am, pm = _AM_PM[lang]
    # "Uhr" and "h" alone are 24-hour clock words.
    clock = {"de": r"|(?P<h24>Uhr\b)", "fr": r"|(?P<h24>h\b)", "es": r"|(?P<h24>h\b)"}.get(lang, "")
    suffix = rf"[ \u00a0]?(?:(?P<pm>{pm})|(?P<am>{am}){clock})"
    return re.compile(
        r"(?P<h>\d(?<![\w.,:]\d)\d?)"
        r"(?:(?P<sep>[:.hH]|[ \u00a0]h[ \u00a0])(?P<min>[0-5]\d)(?![\d.,:]\d|\d))?"
        rf"(?:{suffix})?(?!\w)"
    )


# Decades: "1930s" and "1930er" are read as years already; these are the short forms.
_DECADE = {
    "de": r"(?P<d>[1-9](?<![\w.,][1-9])0)er(?=[- ]?Jahre)",
    "fr": r"(?<=années[ \u00a0])(?P<d>[1-9]0)(?![\d\w])",
    "es": (
        r"(?<=años[ \u00a0])(?P<d>[1-9]0)(?![\d\w])"
        r"|(?<=década de los[ \u00a0])(?P<d2>[1-9]0)(?![\d\w])"
    ),
    "ru": r"(?P<d>[1-9](?<![\w.,][1-9])0)-(?:е|х|ми)(?=[ \u00a0]год)",
}
# English decades in words, only after a word that makes them a period of time
# ("the early nineties"), not an age ("in her nineties").
_EN_DECADES = {
    "twenties": 1920,
    "thirties": 1930,
    "forties": 1940,
    "fifties": 1950,
    "sixties": 1960,
    "seventies": 1970,
    "eighties": 1980,
    "nineties": 1990,
}
_EN_DECADE = re.compile(
    r"(?i)\b(?:the|early|late|mid)[ -](?:(?:early|late|mid)[ -])?(?P<w>"
    + "|".join(_EN_DECADES)
    + r")\b"
)
_AR_DECADES = {
    "عشرينيات": 1920,
    "ثلاثينيات": 1930,
    "أربعينيات": 1940,
    "اربعينيات": 1940,
    "خمسينيات": 1950,
    "ستينيات": 1960,
    "سبعينيات": 1970,
    "ثمانينيات": 1980,
    "تسعينيات": 1990,
}
_AR_DECADE = re.compile(r"(?<!\w)(?:ال|بال|وال|في ال)?(?P<w>" + _alt(_AR_DECADES) + r")(?!\w)")
_ROMAN_CENTURY = {
    "es": r"(?<=siglo[ \u00a0])(?P<r>[IVXL]{1,6})\b",
    "fr": r"\b(?P<r>[IVXL]{1,6})(?:e|ème|ᵉ)(?=[ \u00a0]siècle)",
    "ru": r"\b(?P<r>[IVXL]{1,6})(?=[ \u00a0]век)",
}
_CENTURY_WORD = {"es": "siglo", "fr": "siècle", "ru": "век"}
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def _roman(r: str) -> int:
    total = 0
    for i, c in enumerate(r):
        v = _ROMAN[c]
        total += -v if i + 1 < len(r) and _ROMAN[r[i + 1]] > v else v
    return total


def _extras(t: str, lang: str) -> list[_Cand]:
    """Decades written short (années 30, 80er-Jahre, ثمانينيات) and Roman centuries."""
    out = []
    if lang in _DECADE and _HAS_DIGIT.search(t):
        for m in re.finditer(_DECADE[lang], t):
            d = int(m.group("d") or m.group("d2"))
            out.append(_Cand(m.start(), m.end(), 1900.0 + d, "year", unit="decade", rank=2))
    if lang == "en" and "ties" in t.lower():
        for m in _EN_DECADE.finditer(t):
            v = float(_EN_DECADES[m.group("w").lower()])
            out.append(_Cand(m.start("w"), m.end("w"), v, "year", unit="decade", rank=2))
    if lang == "ar" and "ينيات" in t:
        for m in _AR_DECADE.finditer(t):
            v = float(_AR_DECADES[m.group("w")])
            out.append(_Cand(m.start("w"), m.end("w"), v, "year", unit="decade", rank=2))
    if lang in _ROMAN_CENTURY and _CENTURY_WORD[lang] in t:
        for m in re.finditer(_ROMAN_CENTURY[lang], t):
            out.append(_Cand(m.start(), m.end(), float(_roman(m.group("r"))), "ordinal", rank=2))
    return out


def find_figures(text: str, lang: str) -> list[Figure]:
    """Every figure in ``text`` in order, parsed for the language ``lang``.

    Spans never overlap and ``text[f.start:f.end] == f.raw``. Never raises.
    """
    try:
        return _find(text, lang if lang in _SEPARATORS else "en")
    except Exception:  # pragma: no cover - a parser bug must not stop an ingest
        return []


def _find(text: str, lang: str) -> list[Figure]:
    t = text.translate(_DIGITS) if _EASTERN_DIGIT.search(text) else text
    cands: list[_Cand] = []
    cands += _placeholders(t)
    if _HAS_DIGIT.search(t):
        cands += _dates(t, lang)
        cands += _times(t, lang)
        cands += _numbers(t, lang)
    cands += _extras(t, lang)
    cands += _words(t, lang)
    cands.sort(key=lambda c: (c.start, -(c.end - c.start), c.rank))
    out: list[Figure] = []
    last = 0
    for c in cands:
        if c.start < last:
            continue
        value = c.value if c.value is None or math.isfinite(c.value) else None
        end = c.value_end if c.value_end is None or math.isfinite(c.value_end) else None
        out.append(
            Figure(
                text[c.start : c.end],
                c.start,
                c.end,
                value,
                c.kind,
                end,
                c.unit,
                c.issue,
                c.reason,
            )
        )
        last = c.end
    return out


def _placeholders(t: str) -> list[_Cand]:
    out = []
    for key, pattern in _PLACEHOLDERS:
        if key not in t:
            continue
        for m in pattern.finditer(t):
            raw = m.group()
            out.append(
                _Cand(
                    m.start(),
                    m.end(),
                    None,
                    "placeholder",
                    issue="placeholder",
                    reason=f"'{raw}' is an empty placeholder where a number should be",
                    rank=0,
                )
            )
    return out


def _date_value(year: int, month: int, day: int) -> tuple[float | None, str | None]:
    if not 1 <= month <= 12 or day < 1:
        return None, "no-date"
    leap = year == 0 or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
    limit = _DAYS[month - 1] if month != 2 else (29 if leap else 28)
    if day > limit:
        return None, f"day {day} does not exist in month {month}" + (
            f" of {year}" if year and month == 2 else ""
        )
    return float(year * 10000 + month * 100 + day), None


def _dates(t: str, lang: str) -> list[_Cand]:
    out = []
    months = _months(lang)
    first, before = _date_re(lang)
    for dm in (_DAY_NUMBER_AR if lang == "ar" else _DAY_NUMBER).finditer(t):
        pos = dm.start()
        found = []
        m = first.match(t, pos)
        if m:
            found.append((m.start(), m.end(), m.group("d"), m.group("m"), m.group("y")))
        if before is not None:
            b = before.search(t, max(0, pos - 16), pos)
            mf = _EN_MONTH_FIRST.match(t, pos) if b else None
            if b and mf:
                found.append((b.start(), mf.end(), mf.group("d"), b.group("m"), mf.group("y")))
        for start, end, d, mn, y in found:
            month = months.get(mn.lower())
            if month is None or (lang == "en" and not mn[0].isupper()):
                continue  # English month names are capitalised; "may 5" is a verb
            year = int(y) if y else 0
            if year and not 1000 <= year <= 2100:
                continue
            value, err = _date_value(year, month, int(d))
            if err == "no-date":
                continue
            out.append(_date_cand(start, end, value, err, t, rank=1))
    for m in _NUMERIC_DATE.finditer(t):
        raw = m.group()
        if m.group(1) is None:
            y, mo, d = int(raw[:4]), int(raw[5:7]), int(raw[8:10])
        else:
            a, b, c = raw.split(m.group(1))
            a, b, y = int(a), int(b), int(c)
            mo, d = (a, b) if lang == "en" and m.group(1) == "/" else (b, a)
            if mo > 12 and d <= 12:
                mo, d = d, mo
        if not 1000 <= y <= 2100 or not 1 <= mo <= 12:
            continue
        value, err = _date_value(y, mo, d)
        if err == "no-date":
            continue
        out.append(_date_cand(m.start(), m.end(), value, err, t, rank=1))
    if lang == "de":
        for m in _DE_SHORT_DATE.finditer(t):
            d, mo = (int(x) for x in m.group().split(".")[:2])
            value, err = _date_value(0, mo, d)
            if err is None:
                out.append(_date_cand(m.start(), m.end(), value, None, t, rank=1))
    return out


def _date_cand(start: int, end: int, value: float | None, err: str | None, t: str, rank: int):
    raw = t[start:end]
    if err:
        return _Cand(
            start,
            end,
            None,
            "date",
            issue="impossible-date",
            reason=f"'{raw}' is not a real date: {err}",
            rank=rank,
        )
    return _Cand(start, end, value, "date", rank=rank)


def _times(t: str, lang: str) -> list[_Cand]:
    out = []
    for m in _time_re(lang).finditer(t):
        h = int(m.group("h"))
        if h > 23:
            continue
        mi = int(m.group("min")) if m.group("min") else 0
        am, pm = m.group("am"), m.group("pm")
        h24 = "h24" in m.re.groupindex and m.group("h24")
        sep = m.group("sep") or ""
        if not (am or pm or h24) and (sep == "." or not sep):
            continue  # 10.30 alone is a decimal, 6 alone a number
        if (am or pm) and lang in ("en", "es") and h > 12:
            continue
        if pm and h < 12:
            h += 12
        elif am and h == 12 and lang in ("en", "es"):
            h = 0
        out.append(_Cand(m.start(), m.end(), float(h * 100 + mi), "time", rank=2))
    return out


_NON_DIGIT = re.compile(r"\D")


def _split(raw: str) -> tuple[list[str], list[str]]:
    return _NON_DIGIT.split(raw), _NON_DIGIT.findall(raw)


def _sep_name(c: str) -> str:
    return {" ": "space", "\u00a0": "no-break space", "\u202f": "narrow no-break space"}.get(
        c, f"'{c}'"
    )


def _try(groups: list[str], seps: list[str], gchars: str, dchars: str) -> Decimal | str:
    """The value of a digit string under one convention, or why it is malformed."""
    if any(c not in gchars and c not in dchars for c in seps):
        return "foreign separator"
    dec = [i for i, c in enumerate(seps) if c in dchars]
    if len(dec) > 1:
        return "it has two decimal separators"
    if dec and dec[0] != len(seps) - 1:
        return "a group separator follows the decimal separator"
    ints = groups[:-1] if dec else groups
    gseps = seps[:-1] if dec else seps
    if gseps:
        if len(set(gseps)) > 1:
            return "it mixes different group separators"
        if not 1 <= len(ints[0]) <= 3:
            return (
                f"before the thousands separator {_sep_name(gseps[0])} come {len(ints[0])} "
                "digits, there can be at most 3"
            )
        for g in ints[1:]:
            if len(g) != 3:
                return (
                    f"after the thousands separator {_sep_name(gseps[0])} come {len(g)} "
                    f"digits ('{g}'), there must be exactly 3"
                )
    try:
        return Decimal("".join(ints) + ("." + groups[-1] if dec else ""))
    except InvalidOperation:  # pragma: no cover - only digits reach here
        return "it is not a number"


def _parse(raw: str, lang: str) -> tuple[Decimal | None, str | None] | None:
    """(value, error) of a digit string; None when it is not a figure at all
    (a version or code such as ``12.1.1``)."""
    if raw.isdigit():
        return Decimal(raw), None
    groups, seps = _split(raw)
    if _ONLY_DOTS.fullmatch(raw) and any(len(g) != 3 for g in groups[1:]):
        return None
    gchars, dchars = _SEPARATORS[lang]
    strict = _try(groups, seps, gchars, dchars)
    if isinstance(strict, Decimal):
        if lang == "ar" and seps == ["."] and len(groups[0]) <= 3 and len(groups[1]) == 3:
            # Arabic news often groups thousands with a dot: 20.000 is twenty thousand.
            return Decimal(groups[0] + groups[1]), None
        return strict, None
    if lang not in ("en", "ar"):
        other = _try(groups, seps, *_FOREIGN)
        if isinstance(other, Decimal):
            return other, None
    return None, strict


def _is_identifier(t: str, start: int) -> bool:
    """``F-16``, ``COVID-19``, ``Су-35``: a name, not a figure."""
    if start < 2 or t[start - 1] != "-":
        return False
    m = _UPPER_ID.search(t, max(0, start - 24), start)
    return bool(m and any(c.isupper() for c in m.group(1)))


def _is_year(raw: str, value: Decimal) -> bool:
    return len(raw) == 4 and raw.isdigit() and 1000 <= value <= 2100


def _numbers(t: str, lang: str) -> list[_Cand]:
    out: list[_Cand] = []
    num_re = _num_re(lang)
    for m in num_re.finditer(t):
        start, end, raw = m.start(), m.end(), m.group()
        if start > 1 and t[start - 1] == "-" and _is_identifier(t, start):
            continue
        parsed = _parse(raw, lang)
        if parsed is None:
            continue
        value, err = parsed
        if err is not None:
            out.append(
                _Cand(
                    start,
                    end,
                    None,
                    "integer" if "." not in raw else "decimal",
                    issue="bad-grouping",
                    reason=(
                        f"'{raw}' is not a well-formed number in {SUPPORTED.get(lang, lang)}: {err}"
                    ),
                )
            )
            continue
        assert value is not None
        out.append(_extend(t, lang, num_re, start, end, raw, value))
    return out


def _extend(
    t: str, lang: str, num_re: re.Pattern[str], start: int, end: int, raw: str, value: Decimal
) -> _Cand:
    """A parsed number with what surrounds it: currency, range, scale, percent, ordinal."""
    unit: str | None = None
    pre = _CURPRE.search(t, max(0, start - 5), start)
    if pre:
        start = pre.start()
        unit = pre.group("iso") or _CURRENCY_SIGNS[pre.group("sign")]
    kind = "year" if _is_year(raw, value) else _int_or_decimal(value)
    value_end: Decimal | None = None
    issue = reason = None
    rm = _RANGE.match(t, end)
    if rm:
        nm = num_re.match(t, rm.end())
        if nm and not (
            nm.end() < len(t) and t[nm.end()] in "-–—" and t[nm.end() + 1 : nm.end() + 2].isdigit()
        ):
            raw2 = nm.group()
            p2 = _parse(raw2, lang)
            if p2 is not None and p2[0] is not None:
                v2 = p2[0]
                if kind == "year" and len(raw2) == 2 and raw2.isdigit():
                    v2 = value // 100 * 100 + v2
                    if v2 < value:
                        v2 += 100
                    value_end = v2
                elif kind == "year" and _is_year(raw2, v2):
                    value_end = v2
                    if v2 < value:
                        issue = "range-reversed"
                        reason = f"the range '{t[start : nm.end()]}' ends before it starts"
                elif v2 > value and not _is_year(raw2, v2):
                    value_end = v2
                if value_end is not None:
                    end = nm.end()
                    kind = "range"
    scale = 1.0
    sm = _scale_re(lang).match(t, end)
    if sm is None and unit is not None:
        sm = _MONEY_SCALE.match(t, end)
        if sm:
            scale = _MONEY_SCALES[sm.group("s")]
    elif sm is not None:
        words = _SCALES[lang]
        s = sm.group("s")
        scale = words.get(s) or next(v for k, v in words.items() if k.lower() == s.lower())
    if sm:
        end = sm.end()
    pm = _pct_re(lang).match(t, end)
    if pm and unit is None:
        end = pm.end()
        unit = "%"
        kind = "percent"
    elif unit is None:
        cm, codes = _cursuf_re(lang)
        cmatch = cm.match(t, end)
        if cmatch:
            end = cmatch.end()
            if cmatch.group("sign"):
                unit = _CURRENCY_SIGNS[cmatch.group("sign")]
            elif cmatch.group("iso"):
                unit = cmatch.group("iso").upper()
            else:
                unit = next(codes[i] for i in range(len(codes)) if cmatch.group(f"w{i}"))
    if unit is not None and unit != "%":
        kind = "amount"
    elif kind in ("integer", "year") and sm is None and value_end is None:
        om = _ORDINAL.get(lang)
        o = om.match(t, end) if om else None
        if o:
            end = o.end()
            kind = "ordinal"
            if lang == "en":
                want = _english_suffix(int(value))
                if o.group("o") != want:
                    issue = "bad-ordinal"
                    reason = f"'{t[start:end]}' has the wrong suffix: {int(value)}{want}"
    if sm is not None and kind == "year":
        kind = "integer"
    decade = t[end : end + 1] == "s" and not t[end + 1 : end + 2].isalnum()
    if kind == "year" and lang == "en" and value % 10 == 0 and decade:
        end += 1
        unit = "decade"
    v = float(value * Decimal(scale)) if scale != 1 else float(value)
    ve = float(value_end * Decimal(scale)) if value_end is not None else None
    if kind in ("integer", "decimal") and scale != 1:
        kind = "decimal" if math.isfinite(v) and v % 1 else "integer"
    return _Cand(start, end, v, kind, ve, unit, issue, reason)


def _int_or_decimal(value: Decimal) -> str:
    return "integer" if value == value.to_integral_value() else "decimal"


def _english_suffix(n: int) -> str:
    if n % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _words(t: str, lang: str) -> list[_Cand]:
    out = []
    pct = _pct_re(lang)
    cur, codes = _cursuf_re(lang)
    for w in find_word_numbers(t, lang):
        end, kind, unit = w.end, "words", None
        pm = pct.match(t, end)
        if pm:
            end, kind, unit = pm.end(), "percent", "%"
        else:
            cm = cur.match(t, end)
            if cm and not cm.group("sign"):
                end, kind = cm.end(), "amount"
                if cm.group("iso"):
                    unit = cm.group("iso").upper()
                else:
                    unit = next(codes[i] for i in range(len(codes)) if cm.group(f"w{i}"))
        out.append(_Cand(w.start, end, w.value, kind, unit=unit, rank=4))
    return out


# --- comparing figures across languages ------------------------------------------------

_FAMILY = {"percent": "percent", "date": "date", "time": "time"}


def comparable(fig: Figure) -> tuple[str, float, float | None] | None:
    """What a figure says, free of its language: ``(family, value, value_end)``.

    Families: ``percent``, ``date``, ``time`` and ``num`` for everything else
    (integers, decimals, years, counts in words, ordinals, amounts, ranges), so a
    year equals an integer of the same value. None for a figure without a value.
    """
    if fig.value is None:
        return None
    return (_FAMILY.get(fig.kind, "num"), fig.value, fig.value_end)


def same_figure(a: Figure, b: Figure) -> bool:
    """Do two figures (possibly in different languages) state the same thing?

    Values and range ends must be equal within their family (see
    :func:`comparable`); currencies must agree when both name one; a date without
    a year matches the same day and month in a given year.
    """
    ca, cb = comparable(a), comparable(b)
    if ca is None or cb is None or ca[0] != cb[0]:
        return False
    if a.unit and b.unit and a.unit != b.unit:
        return False
    if ca[0] == "date" and (ca[1] < 10000 or cb[1] < 10000):
        return ca[1] % 10000 == cb[1] % 10000
    return ca[1:] == cb[1:]


def value_keys(figures: Iterable[Figure]) -> list[tuple[str, float]]:
    """The values a list of figures states, as sortable ``(family, value)`` keys;
    a range gives both its ends, so ``1988–1994`` matches ``from 1988 to 1994``."""
    keys = []
    for f in figures:
        c = comparable(f)
        if c is None:
            continue
        keys.append((c[0], c[1]))
        if c[2] is not None:
            keys.append((c[0], c[2]))
    return sorted(keys)
