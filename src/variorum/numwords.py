"""Numbers written as words, per language: tables and a scanner.

Own tables rather than text2num: text2num rewrites a whole string (no spans back
into the original), covers neither Russian nor Arabic, and turns every article
``un``/``a`` it meets into ``1``. The tables here cover what news text writes in
words: 2-99, hundreds, thousands, millions and billions, with Russian case forms
and Arabic variants.

Word types: ``add`` adds its value (``five``, ``twenty``, ``двести``); ``mul``
multiplies the small part (``hundred``, ``cent``, ``dozen``); ``scale`` closes a
group (``thousand``, ``million``); ``one`` is a word for 1 that is also an article
or pronoun (``one``, ``a``, ``un``, ``eine``, ``один``) and counts only before a
multiplier or inside a compound; ``plural`` is a plural scale (``millions``,
``тысячи``, ``ملايين``) that is vague on its own and counts only after a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

ADD, MUL, SCALE, ONE, PLURAL = "add", "mul", "scale", "one", "plural"

Entry = tuple[float, str]


def _add(pairs: dict[str, float]) -> dict[str, Entry]:
    return {w: (v, ADD) for w, v in pairs.items()}


def _forms(spec: str, value: float, typ: str = ADD) -> dict[str, Entry]:
    return {w: (value, typ) for w in spec.split()}


_EN: dict[str, Entry] = {
    **_add(
        dict(
            two=2,
            three=3,
            four=4,
            five=5,
            six=6,
            seven=7,
            eight=8,
            nine=9,
            ten=10,
            eleven=11,
            twelve=12,
            thirteen=13,
            fourteen=14,
            fifteen=15,
            sixteen=16,
            seventeen=17,
            eighteen=18,
            nineteen=19,
            twenty=20,
            thirty=30,
            forty=40,
            fifty=50,
            sixty=60,
            seventy=70,
            eighty=80,
            ninety=90,
        )
    ),
    **_forms("one a an", 1, ONE),
    "hundred": (100, MUL),
    "dozen": (12, MUL),
    "thousand": (1e3, SCALE),
    "million": (1e6, SCALE),
    "billion": (1e9, SCALE),
    "trillion": (1e12, SCALE),
    **_forms("thousands", 1e3, PLURAL),
    **_forms("millions", 1e6, PLURAL),
    **_forms("billions", 1e9, PLURAL),
}

_DE: dict[str, Entry] = {
    **_add(
        dict(
            zwei=2,
            drei=3,
            vier=4,
            fünf=5,
            sechs=6,
            sieben=7,
            acht=8,
            neun=9,
            zehn=10,
            elf=11,
            zwölf=12,
            sechzehn=16,
            siebzehn=17,
            zwanzig=20,
            dreißig=30,
            vierzig=40,
            fünfzig=50,
            sechzig=60,
            siebzig=70,
            achtzig=80,
            neunzig=90,
            zwo=2,
        )
    ),
    **_forms("ein eine einen einem einer eines eins", 1, ONE),
    "hundert": (100, MUL),
    "dutzend": (12, MUL),
    "tausend": (1e3, SCALE),
    **_forms("million", 1e6, SCALE),
    **_forms("milliarde", 1e9, SCALE),
    **_forms("billion", 1e12, SCALE),
    **_forms("millionen", 1e6, PLURAL),
    **_forms("milliarden", 1e9, PLURAL),
    **_forms("billionen", 1e12, PLURAL),
}
# German writes numbers below a million as one word: dreihundertfünfundzwanzig.
_DE_MORPHS = sorted(
    [w for w, (_, t) in _DE.items() if t in (ADD, MUL) or w in ("tausend", "ein", "eins")]
    + ["und", "dreizehn", "vierzehn", "fünfzehn", "achtzehn", "neunzehn"],
    key=len,
    reverse=True,
)
_DE_WORD = re.compile("(?:" + "|".join(_DE_MORPHS) + ")+")
_DE_PIECE = re.compile("|".join(_DE_MORPHS))
_DE_EXTRA = dict(dreizehn=13, vierzehn=14, fünfzehn=15, achtzehn=18, neunzehn=19)

_FR: dict[str, Entry] = {
    **_add(
        dict(
            deux=2,
            trois=3,
            quatre=4,
            cinq=5,
            six=6,
            sept=7,
            huit=8,
            neuf=9,
            dix=10,
            onze=11,
            douze=12,
            treize=13,
            quatorze=14,
            quinze=15,
            seize=16,
            vingt=20,
            trente=30,
            quarante=40,
            cinquante=50,
            soixante=60,
            septante=70,
            huitante=80,
            nonante=90,
        )
    ),
    **_forms("quatre-vingt quatre-vingts", 80),
    **_forms("un une", 1, ONE),
    **_forms("cent cents", 100, MUL),
    **_forms("mille", 1e3, SCALE),
    **_forms("million", 1e6, SCALE),
    **_forms("milliard", 1e9, SCALE),
    **_forms("millions", 1e6, PLURAL),
    **_forms("milliards", 1e9, PLURAL),
}

_ES: dict[str, Entry] = {
    **_add(
        dict(
            dos=2,
            tres=3,
            cuatro=4,
            cinco=5,
            seis=6,
            siete=7,
            ocho=8,
            nueve=9,
            diez=10,
            once=11,
            doce=12,
            trece=13,
            catorce=14,
            quince=15,
            dieciséis=16,
            diecisiete=17,
            dieciocho=18,
            diecinueve=19,
            veinte=20,
            veintiuno=21,
            veintiún=21,
            veintiuna=21,
            veintidós=22,
            veintitrés=23,
            veinticuatro=24,
            veinticinco=25,
            veintiséis=26,
            veintisiete=27,
            veintiocho=28,
            veintinueve=29,
            treinta=30,
            cuarenta=40,
            cincuenta=50,
            sesenta=60,
            setenta=70,
            ochenta=80,
            noventa=90,
            cien=100,
            ciento=100,
            doscientos=200,
            doscientas=200,
            trescientos=300,
            trescientas=300,
            cuatrocientos=400,
            cuatrocientas=400,
            quinientos=500,
            quinientas=500,
            seiscientos=600,
            seiscientas=600,
            setecientos=700,
            setecientas=700,
            ochocientos=800,
            ochocientas=800,
            novecientos=900,
            novecientas=900,
        )
    ),
    **_forms("un uno una", 1, ONE),
    "docena": (12, MUL),
    "mil": (1e3, SCALE),
    **_forms("millón millon", 1e6, SCALE),
    **_forms("millones", 1e6, PLURAL),
    **_forms("billón", 1e12, SCALE),
    **_forms("billones", 1e12, PLURAL),
}

_RU: dict[str, Entry] = {
    **_forms("два две двух двум двумя двое двоих", 2),
    **_forms("три трёх трех трём трем тремя трое троих", 3),
    **_forms("четыре четырёх четырех четырём четырем четырьмя четверо четверых", 4),
    **_forms("пять пяти пятью пятеро пятерых", 5),
    **_forms("шесть шести шестью шестеро", 6),
    **_forms("семь семи семью семеро", 7),
    **_forms("восемь восьми восемью", 8),
    **_forms("девять девяти девятью", 9),
    **_forms("десять десяти десятью", 10),
    **_forms("одиннадцать одиннадцати", 11),
    **_forms("двенадцать двенадцати", 12),
    **_forms("тринадцать тринадцати", 13),
    **_forms("четырнадцать четырнадцати", 14),
    **_forms("пятнадцать пятнадцати", 15),
    **_forms("шестнадцать шестнадцати", 16),
    **_forms("семнадцать семнадцати", 17),
    **_forms("восемнадцать восемнадцати", 18),
    **_forms("девятнадцать девятнадцати", 19),
    **_forms("двадцать двадцати двадцатью", 20),
    **_forms("тридцать тридцати тридцатью", 30),
    **_forms("сорок сорока", 40),
    **_forms("пятьдесят пятидесяти", 50),
    **_forms("шестьдесят шестидесяти", 60),
    **_forms("семьдесят семидесяти", 70),
    **_forms("восемьдесят восьмидесяти", 80),
    **_forms("девяносто девяноста", 90),
    **_forms("сто ста", 100),
    **_forms("двести двухсот", 200),
    **_forms("триста трехсот трёхсот", 300),
    **_forms("четыреста четырехсот четырёхсот", 400),
    **_forms("пятьсот пятисот", 500),
    **_forms("шестьсот шестисот", 600),
    **_forms("семьсот семисот", 700),
    **_forms("восемьсот восьмисот", 800),
    **_forms("девятьсот девятисот", 900),
    **_forms("полтора полторы полутора", 1.5),
    **_forms("один одна одно одного одной одному одним одном одну", 1, ONE),
    **_forms("тысяча тысячу тысячей", 1e3, SCALE),
    **_forms("тысячи тысяч тысячам тысячами тысячах", 1e3, PLURAL),
    **_forms("миллион миллиона миллионом миллионе", 1e6, SCALE),
    **_forms("миллионов миллионы миллионам миллионами миллионах", 1e6, PLURAL),
    **_forms("миллиард миллиарда миллиардом миллиарде", 1e9, SCALE),
    **_forms("миллиардов миллиарды миллиардам миллиардами миллиардах", 1e9, PLURAL),
}

_AR: dict[str, Entry] = {
    **_forms("اثنان اثنين اثنتان اثنتين اثنا اثنتا", 2),
    **_forms("ثلاث ثلاثة", 3),
    **_forms("أربع أربعة اربع اربعة", 4),
    **_forms("خمس خمسة", 5),
    **_forms("ست ستة", 6),
    **_forms("سبع سبعة", 7),
    **_forms("ثمان ثماني ثمانية", 8),
    **_forms("تسع تسعة", 9),
    **_forms("عشر عشرة", 10),
    **_forms("عشرون عشرين", 20),
    **_forms("ثلاثون ثلاثين", 30),
    **_forms("أربعون أربعين اربعون اربعين", 40),
    **_forms("خمسون خمسين", 50),
    **_forms("ستون ستين", 60),
    **_forms("سبعون سبعين", 70),
    **_forms("ثمانون ثمانين", 80),
    **_forms("تسعون تسعين", 90),
    **_forms("مئتان مئتين مائتان مائتين مئتي مائتي", 200),
    **_forms("ثلاثمئة ثلاثمائة", 300),
    **_forms("أربعمئة أربعمائة اربعمئة اربعمائة", 400),
    **_forms("خمسمئة خمسمائة", 500),
    **_forms("ستمئة ستمائة", 600),
    **_forms("سبعمئة سبعمائة", 700),
    **_forms("ثمانمئة ثمانمائة ثمانيمئة ثمانيمائة", 800),
    **_forms("تسعمئة تسعمائة", 900),
    **_forms("ألفان ألفين ألفي", 2000),
    **_forms("مليونان مليونين مليوني", 2e6),
    **_forms("ملياران مليارين", 2e9),
    **_forms("واحد واحدة أحد إحدى", 1, ONE),
    **_forms("مئة مائة", 100, MUL),
    **_forms("ألف ألفا", 1e3, SCALE),
    **_forms("آلاف", 1e3, PLURAL),
    **_forms("مليون مليونا", 1e6, SCALE),
    **_forms("ملايين", 1e6, PLURAL),
    **_forms("مليار مليارا بليون", 1e9, SCALE),
    **_forms("مليارات بلايين", 1e9, PLURAL),
}

LEXICON: dict[str, dict[str, Entry]] = {
    "en": _EN,
    "de": _DE,
    "fr": _FR,
    "es": _ES,
    "ru": _RU,
    "ar": _AR,
}
# Words that join parts of one number, and the type of word they may follow.
_CONJ = {"en": {"and"}, "fr": {"et"}, "es": {"y"}, "de": set(), "ru": set(), "ar": set()}
# Scales that stand for a number on their own (``tausend Menschen``, ``mil personas``).
_ALONE = {
    "de": {"hundert", "tausend"},
    "fr": {"cent", "mille"},
    "es": {"mil", "docena"},
    "ru": {"тысяча", "тысячу", "миллион", "миллиона", "миллиард", "миллиарда"},
    "ar": {"مئة", "مائة", "ألف", "مليون", "مليار"},
    "en": set(),
}
_FRACTION_AFTER = re.compile(r"-(?:thirds?|quarters?|fifths?|halves|half|tenths?)\b", re.I)
_NEUF_NOT_BEFORE = {"de", "du", "des", "et", "ou", "à", "au", "aux", "en", "pour", "par", "sur"}
_WORD = re.compile(r"quatre-vingts?|[^\W\d_]+", re.IGNORECASE)
_NEXT_WORD = re.compile(r"[ \u00a0]+([^\W\d_]+)")
_SPACE = re.compile(r"[ \u00a0\u202f]")
_GAP = re.compile(r"[ \u00a0\u202f]?-?[ \u00a0\u202f]?")
_DE_STARTS = {w[:3] for w in _DE_MORPHS if len(w) >= 3}
_AR_PREFIX = "وبل"


@dataclass(frozen=True)
class WordNumber:
    start: int
    end: int
    value: float


def _german_compound(word: str) -> Entry | None:
    total = current = 0.0
    for piece in _DE_PIECE.findall(word):
        if piece == "und":
            continue
        if piece == "hundert":
            current = (current or 1) * 100
        elif piece == "tausend":
            total += (current or 1) * 1000
            current = 0
        elif piece in _DE_EXTRA:
            current += _DE_EXTRA[piece]
        else:
            current += _DE[piece][0]
    value = total + current
    return (value, ADD) if value > 1 else None


def _arabic(word: str) -> tuple[int, Entry | None]:
    """Entry of an Arabic word, allowing one attached prefix (و, ب, ل); returns
    the prefix length too."""
    hit = _AR.get(word)
    if hit is not None:
        return 0, hit
    if len(word) > 2 and word[0] in _AR_PREFIX:
        return 1, _AR.get(word[1:])
    return 0, None


def _value(entries: list[Entry]) -> float:
    total = current = 0.0
    for value, typ in entries:
        if typ == MUL:
            current = (current or 1) * value
        elif typ in (SCALE, PLURAL):
            if total and total < value:
                total = (total + current) * value
            else:
                total += (current or 1) * value
            current = 0
        else:
            current += value
    return total + current


def _joins(prev: Entry, nxt: Entry, lang: str, conj: bool, ar_and: bool) -> bool:
    """May ``nxt`` continue the number that ended with ``prev``?"""
    pv, pt = prev
    nv, nt = nxt
    if nt in (MUL, SCALE, PLURAL):
        return not conj and pt != PLURAL if nt == MUL else True
    if lang == "ar":
        if pt in (MUL, SCALE, PLURAL):
            return True
        if ar_and:
            # Arabic says units before tens (خمسة وعشرون) but thousands and hundreds
            # first; a larger number after و starts a new figure.
            return nv < pv or (pv < 10 and 20 <= nv < 100 and nv % 10 == 0)
        return pv < 20 and nv == 10
    if pt in (MUL, SCALE, PLURAL):
        return True
    if conj:
        # "twenty and one" is not English; "vingt et un", "treinta y cinco" are.
        return lang != "en" and pv >= 20 and pv % 10 == 0 and nv < 20
    # tens then a smaller unit: twenty-five, vingt-cinq, сто двадцать, ciento veinte.
    return pv >= 20 and pv % 10 == 0 and nv < pv and (nv < 10 or lang == "fr" or pv >= 100)


def _trie(words: list[str]) -> str:
    """A regex alternation of ``words`` as a trie: several times faster to scan with
    than a flat alternation, and than looking up every word of a text."""
    root: dict = {}
    for w in words:
        node = root
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(c) + build(sub) for c, sub in sorted(node.items()) if c]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


@cache
def _start_re(lang: str) -> re.Pattern[str]:
    """Where a number word starts (in lower-cased text)."""
    words = _trie(list(LEXICON[lang]))
    if lang == "ar":
        return re.compile(rf"(?<!\w)[{_AR_PREFIX}]?{words}(?!\w)")
    if lang == "de":
        return re.compile(rf"(?<!\w)(?:{words}|{_trie(_DE_MORPHS)}+)(?!\w)")
    return re.compile(rf"(?<!\w){words}(?!\w)")


def _entry(word: str, lang: str) -> tuple[int, Entry | None]:
    """(prefix length, entry) of a lower-cased word."""
    if lang == "ar":
        return _arabic(word)
    hit = LEXICON[lang].get(word)
    compound = lang == "de" and len(word) > 5 and word[:3] in _DE_STARTS
    if hit is None and compound and _DE_WORD.fullmatch(word):
        hit = _german_compound(word)
    return 0, hit


def find_word_numbers(text: str, lang: str) -> list[WordNumber]:
    """Numbers written in words, as (start, end, value); never the lone article or
    pronoun for 1, never a vague plural (``millions``)."""
    if lang not in LEXICON:
        return []
    low = text.lower()
    if len(low) != len(text):  # a few letters lower-case to two characters (İ)
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    out: list[WordNumber] = []
    conjs = _CONJ[lang]
    after = 0
    for m in _start_re(lang).finditer(low):
        if m.start() < after:
            continue
        skip, entry = _entry(m.group(), lang)
        if entry is None:
            continue
        group = [(m.start() + skip, m.end(), m.group(), entry)]
        pos = m.end()
        while True:
            g = _GAP.match(low, pos)
            nxt = _WORD.match(low, g.end()) if g and g.end() > pos else None
            if nxt is None:
                break
            conj = False
            if nxt.group() in conjs and _SPACE.fullmatch(low, pos, nxt.start()):
                sp = _SPACE.match(low, nxt.end())
                n2 = _WORD.match(low, sp.end()) if sp else None
                if n2 is None:
                    break
                nxt, conj = n2, True
            word = nxt.group()
            ar_and = False
            if lang == "ar":
                hit = _AR.get(word)
                if hit is None and word[0] == "و":
                    hit, ar_and = _AR.get(word[1:]), True
            else:
                hit = _entry(word, lang)[1]
            if hit is None or not _joins(group[-1][3], hit, lang, conj, ar_and):
                break
            group.append((nxt.start(), nxt.end(), word, hit))
            pos = nxt.end()
        after = group[-1][1]
        out.extend(_accept(group, low, lang))
    return out


def _accept(group: list, text: str, lang: str) -> list[WordNumber]:
    entries = [g[3] for g in group]
    # An article counts only before a multiplier: "a million", "eine Million".
    # A scale without a number before it belongs to digits ("1.7 million four") or
    # is vague ("millions"), unless the language uses it alone ("tausend Menschen").
    while entries and (
        entries[0][1] == PLURAL
        or (entries[0][1] in (MUL, SCALE) and group[0][2].lower() not in _ALONE[lang])
    ):
        group, entries = group[1:], entries[1:]
    if not entries:
        return []
    end = group[-1][1]
    if lang == "en" and _FRACTION_AFTER.match(text, end):
        return []
    if lang == "fr" and len(group) == 1 and group[0][2].lower() == "neuf":
        # "neuf" is also "new": count it only before a noun ("neuf personnes").
        nxt = _NEXT_WORD.match(text, end)
        if not nxt or nxt.group(1) in _NEUF_NOT_BEFORE:
            return []
    value = _value(entries)
    if value <= 1:
        return []
    return [WordNumber(group[0][0], end, value)]
