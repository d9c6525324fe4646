import time

import pytest
from conftest import SEED
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.figures import _find, comparable, find_figures, same_figure, value_keys
from variorum.model import Figure

SEED_PATH = SEED


def rows(text: str, lang: str) -> list[tuple]:
    return [(f.raw, f.value, f.kind, f.issue) for f in find_figures(text, lang)]


def test_seed_figures_exactly():
    text = SEED_PATH.read_text(encoding="utf-8")
    assert rows(text, "en") == [
        ("September 19", 919, "date", None),
        ("30", 30, "integer", None),  # nearly 30 years ago
        ("two", 2, "words", None),  # two decades
        ("nineties", 1990, "year", None),  # the early nineties
        ("two", 2, "words", None),  # two senior officials
        ("30,1988", None, "integer", "bad-grouping"),
        ("a million", 1_000_000, "words", None),
        ("1994", 1994, "year", None),
        ("<>", None, "placeholder", "placeholder"),
        ("2018", 2018, "year", None),
        ("2020", 2020, "year", None),
        ("44", 44, "integer", None),  # 44-day war
        ("two thousand", 2000, "words", None),  # nearly two thousand peacekeepers
        ("2022", 2022, "year", None),  # February 2022
        ("September 19", 919, "date", None),
        ("Five", 5, "words", None),
        ("24", 24, "integer", None),
        ("61", 61, "integer", None),
        ("10,120", 10120, "integer", None),
        ("<>,<>", None, "placeholder", "placeholder"),
        ("192", 192, "integer", None),
        ("200", 200, "integer", None),
        ("two", 2, "words", None),  # two major wars
        ("Four", 4, "words", None),
        ("4,120", 4120, "integer", None),
        ("98,10", None, "integer", "bad-grouping"),
        ("<>", None, "placeholder", "placeholder"),
    ]


def test_seed_reasons():
    text = SEED_PATH.read_text(encoding="utf-8")
    reasons = {f.raw: f.reason for f in find_figures(text, "en") if f.issue}
    assert reasons == {
        "30,1988": "'30,1988' is not a well-formed number in English: after the thousands "
        "separator ',' come 4 digits ('1988'), there must be exactly 3",
        "<>": "'<>' is an empty placeholder where a number should be",
        "<>,<>": "'<>,<>' is an empty placeholder where a number should be",
        "98,10": "'98,10' is not a well-formed number in English: after the thousands "
        "separator ',' come 2 digits ('10'), there must be exactly 3",
    }


def test_seed_spans_and_speed():
    text = SEED_PATH.read_text(encoding="utf-8")
    find_figures(text, "en")  # compile the patterns once
    started = time.perf_counter()
    figs = find_figures(text, "en")
    assert time.perf_counter() - started < 0.05
    for f in figs:
        assert text[f.start : f.end] == f.raw


GOLDEN = [
    # English
    ("en", "120,000 people", [("120,000", 120000, "integer", None)]),
    ("en", "1.5 and 0.25", [("1.5", 1.5, "decimal", None), ("0.25", 0.25, "decimal", None)]),
    ("en", "1 million", [("1 million", 1e6, "integer", None)]),
    ("en", "1.2 billion", [("1.2 billion", 1.2e9, "integer", None)]),
    ("en", "a million people", [("a million", 1e6, "words", None)]),
    ("en", "nearly two thousand", [("two thousand", 2000, "words", None)]),
    (
        "en",
        "twenty-five and one hundred and twenty",
        [
            ("twenty-five", 25, "words", None),
            ("one hundred and twenty", 120, "words", None),
        ],
    ),
    ("en", "one of the sources, one crisis after another, a day", []),
    ("en", "two-thirds of them", []),
    ("en", "millions of people and thousands more", []),
    (
        "en",
        "5% and 5 % and 5 per cent and 5 percent",
        [
            ("5%", 5, "percent", None),
            ("5 %", 5, "percent", None),
            ("5 per cent", 5, "percent", None),
            ("5 percent", 5, "percent", None),
        ],
    ),
    ("en", "five percent", [("five percent", 5, "percent", None)]),
    (
        "en",
        "$1.5 million, €20, 20 euros, USD 5bn, £3m",
        [
            ("$1.5 million", 1.5e6, "amount", None),
            ("€20", 20, "amount", None),
            ("20 euros", 20, "amount", None),
            ("USD 5bn", 5e9, "amount", None),
            ("£3m", 3e6, "amount", None),
        ],
    ),
    (
        "en",
        "1988–1994, 1988-94, 1999-2000",
        [
            ("1988–1994", 1988, "range", None),
            ("1988-94", 1988, "range", None),
            ("1999-2000", 1999, "range", None),
        ],
    ),
    ("en", "1994–1988", [("1994–1988", 1994, "range", "range-reversed")]),
    (
        "en",
        "10-15 people, won 3-1",
        [
            ("10-15", 10, "range", None),
            ("3", 3, "integer", None),
            ("1", 1, "integer", None),
        ],
    ),
    (
        "en",
        "a 44-day war, a 9-year-old",
        [
            ("44", 44, "integer", None),
            ("9", 9, "integer", None),
        ],
    ),
    (
        "en",
        "September 19, Sept. 19, 2023, 19 September, the 19th of September 2020",
        [
            ("September 19", 919, "date", None),
            ("Sept. 19, 2023", 20230919, "date", None),
            ("19 September", 919, "date", None),
            ("19th of September 2020", 20200919, "date", None),
        ],
    ),
    (
        "en",
        "September 31 and February 29, 2023",
        [
            ("September 31", None, "date", "impossible-date"),
            ("February 29, 2023", None, "date", "impossible-date"),
        ],
    ),
    ("en", "February 29, 2024", [("February 29, 2024", 20240229, "date", None)]),
    ("en", "in February 2022", [("2022", 2022, "year", None)]),
    (
        "en",
        "3rd, 21st, 2th",
        [
            ("3rd", 3, "ordinal", None),
            ("21st", 21, "ordinal", None),
            ("2th", 2, "ordinal", "bad-ordinal"),
        ],
    ),
    (
        "en",
        "at 10:30 a.m. and 3 p.m. and 6am",
        [
            ("10:30 a.m.", 1030, "time", None),
            ("3 p.m.", 1500, "time", None),
            ("6am", 600, "time", None),
        ],
    ),
    ("en", "in the 1930s", [("1930s", 1930, "year", None)]),
    ("en", "COVID-19, F-16, A320, G7, iOS 12.1.1", []),
    (
        "en",
        "30,1988 and 98,10 and 1,2345",
        [
            ("30,1988", None, "integer", "bad-grouping"),
            ("98,10", None, "integer", "bad-grouping"),
            ("1,2345", None, "integer", "bad-grouping"),
        ],
    ),
    (
        "en",
        "<> and <>,<> and [number] and $XX and 20XX",
        [
            ("<>", None, "placeholder", "placeholder"),
            ("<>,<>", None, "placeholder", "placeholder"),
            ("[number]", None, "placeholder", "placeholder"),
            ("$XX", None, "placeholder", "placeholder"),
            ("20XX", None, "placeholder", "placeholder"),
        ],
    ),
    ("en", "Super Bowl XX", []),
    # German
    (
        "de",
        "120.000 Menschen und 1,5 Prozent",
        [
            ("120.000", 120000, "integer", None),
            ("1,5 Prozent", 1.5, "percent", None),
        ],
    ),
    (
        "de",
        "2 Millionen, 1,5 Mrd. Euro, 3 Mio.",
        [
            ("2 Millionen", 2e6, "integer", None),
            ("1,5 Mrd. Euro", 1.5e9, "amount", None),
            ("3 Mio.", 3e6, "integer", None),
        ],
    ),
    (
        "de",
        "am 19. September 2023 und am 19.09.2023",
        [
            ("19. September 2023", 20230919, "date", None),
            ("19.09.2023", 20230919, "date", None),
        ],
    ),
    (
        "de",
        "fünf Tage, zweiundzwanzig, dreihundert, eine Million",
        [
            ("fünf", 5, "words", None),
            ("zweiundzwanzig", 22, "words", None),
            ("dreihundert", 300, "words", None),
            ("eine Million", 1e6, "words", None),
        ],
    ),
    ("de", "ein Mann, eine Frau, Millionen Menschen, Tausende", []),
    (
        "de",
        "um 10.30 Uhr, Version 1.5",
        [
            ("10.30 Uhr", 1030, "time", None),
            ("1.5", 1.5, "decimal", None),
        ],
    ),
    ("de", "in den 80er-Jahren", [("80er", 1980, "year", None)]),
    # French
    (
        "fr",
        "120 000 et 120\u202f000 et 120\u00a0000",
        [
            ("120 000", 120000, "integer", None),
            ("120\u202f000", 120000, "integer", None),
            ("120\u00a0000", 120000, "integer", None),
        ],
    ),
    (
        "fr",
        "2 millions, 1,5 %, 5 pour cent",
        [
            ("2 millions", 2e6, "integer", None),
            ("1,5 %", 1.5, "percent", None),
            ("5 pour cent", 5, "percent", None),
        ],
    ),
    (
        "fr",
        "le 19 septembre 2023, le 1er janvier",
        [
            ("19 septembre 2023", 20230919, "date", None),
            ("1er janvier", 101, "date", None),
        ],
    ),
    (
        "fr",
        "cinq ans, vingt-cinq, quatre-vingt-dix, deux mille, un million",
        [
            ("cinq", 5, "words", None),
            ("vingt-cinq", 25, "words", None),
            ("quatre-vingt-dix", 90, "words", None),
            ("deux mille", 2000, "words", None),
            ("un million", 1e6, "words", None),
        ],
    ),
    (
        "fr",
        "un homme, une femme, un bâtiment neuf, neuf personnes",
        [
            ("neuf", 9, "words", None),
        ],
    ),
    (
        "fr",
        "les années 30, le XIXe siècle, 10h30",
        [
            ("30", 1930, "year", None),
            ("XIXe", 19, "ordinal", None),
            ("10h30", 1030, "time", None),
        ],
    ),
    # Spanish
    (
        "es",
        "120.000 personas, 1,5 millones de dólares, 30 mil",
        [
            ("120.000", 120000, "integer", None),
            ("1,5 millones de dólares", 1.5e6, "amount", None),
            ("30 mil", 30000, "integer", None),
        ],
    ),
    (
        "es",
        "el 19 de septiembre de 2023, 5 por ciento",
        [
            ("19 de septiembre de 2023", 20230919, "date", None),
            ("5 por ciento", 5, "percent", None),
        ],
    ),
    (
        "es",
        "cinco años, treinta y cinco, doscientos, mil millones, un hombre",
        [
            ("cinco", 5, "words", None),
            ("treinta y cinco", 35, "words", None),
            ("doscientos", 200, "words", None),
            ("mil millones", 1e9, "words", None),
        ],
    ),
    (
        "es",
        "el siglo XIX, los años 80",
        [
            ("XIX", 19, "ordinal", None),
            ("80", 1980, "year", None),
        ],
    ),
    # Russian
    (
        "ru",
        "120 тыс., 30 тысяч, 1 млн, 1,5 млрд рублей",
        [
            ("120 тыс.", 120000, "integer", None),
            ("30 тысяч", 30000, "integer", None),
            ("1 млн", 1e6, "integer", None),
            ("1,5 млрд рублей", 1.5e9, "amount", None),
        ],
    ),
    (
        "ru",
        "19 сентября 2023 года, 5 процентов, 120\u00a0000",
        [
            ("19 сентября 2023 года", 20230919, "date", None),
            ("5 процентов", 5, "percent", None),
            ("120\u00a0000", 120000, "integer", None),
        ],
    ),
    (
        "ru",
        "пять человек, двух тысяч, двадцать пять, пятеро, более миллиона",
        [
            ("пять", 5, "words", None),
            ("двух тысяч", 2000, "words", None),
            ("двадцать пять", 25, "words", None),
            ("пятеро", 5, "words", None),
            ("миллиона", 1e6, "words", None),
        ],
    ),
    ("ru", "один из них, одна женщина, тысячи людей, миллионы", []),
    (
        "ru",
        "в 30-е годы, в 6 утра",
        [
            ("30-е", 1930, "year", None),
            ("6 утра", 600, "time", None),
        ],
    ),
    # Arabic
    (
        "ar",
        "١٢٠ ألف و3 ملايين و٥٪ و١٢٬٥٠٠ و٣٫٥",
        [
            ("١٢٠ ألف", 120000, "integer", None),
            ("3 ملايين", 3e6, "integer", None),
            ("٥٪", 5, "percent", None),
            ("١٢٬٥٠٠", 12500, "integer", None),
            ("٣٫٥", 3.5, "decimal", None),
        ],
    ),
    (
        "ar",
        "١٩ سبتمبر و19 أيلول و19 سبتمبر/أيلول 2023",
        [
            ("١٩ سبتمبر", 919, "date", None),
            ("19 أيلول", 919, "date", None),
            ("19 سبتمبر/أيلول 2023", 20230919, "date", None),
        ],
    ),
    (
        "ar",
        "خمسة أيام وخمسة وعشرون وألفي جندي و400 متر",
        [
            ("خمسة", 5, "words", None),
            ("خمسة وعشرون", 25, "words", None),
            ("ألفي", 2000, "words", None),
            ("400", 400, "integer", None),
        ],
    ),
    (
        "ar",
        "20.000 و30،000 و40 في المائة",
        [
            ("20.000", 20000, "integer", None),
            ("30،000", 30000, "integer", None),
            ("40 في المائة", 40, "percent", None),
        ],
    ),
    ("ar", "واحد من المصادر وآلاف الأشخاص", []),
    # Persian digits
    ("ar", "۱۲۰۰ و۳٫۵", [("۱۲۰۰", 1200, "year", None), ("۳٫۵", 3.5, "decimal", None)]),
]


@pytest.mark.parametrize("lang, text, expected", GOLDEN)
def test_golden(lang, text, expected):
    assert rows(text, lang) == expected


@pytest.mark.parametrize(
    "lang, text, value_end, unit",
    [
        ("en", "1988–1994", 1994, None),
        ("en", "1988-94", 1994, None),
        ("en", "1999-00", 2000, None),
        ("en", "5-10%", 10, "%"),
        ("en", "$1.5 million", None, "USD"),
        ("en", "20 pounds", None, "GBP"),
        ("ru", "5 долларов США", None, "USD"),
        ("ar", "5 ملايين دولار", None, "USD"),
        ("de", "20 €", None, "EUR"),
        ("es", "5-10 millones", 1e7, None),
    ],
)
def test_range_ends_and_units(lang, text, value_end, unit):
    [f] = find_figures(text, lang)
    assert (f.raw, f.value_end, f.unit) == (text, value_end, unit)


def test_unknown_language_reads_as_english():
    assert rows("120,000 and 5%", "xx") == [
        ("120,000", 120000, "integer", None),
        ("5%", 5, "percent", None),
    ]


@settings(max_examples=400, deadline=None)
@given(st.text(), st.sampled_from(["en", "de", "fr", "es", "ru", "ar"]))
def test_never_raises_and_spans_are_exact(text, lang):
    figs = _find(text, lang)  # the guarded public function would hide a parser bug
    last = 0
    for f in figs:
        assert f.start >= last and f.end > f.start
        assert text[f.start : f.end] == f.raw
        last = f.end


NUMBERY = st.text(
    alphabet="0123456789٠١٢٣٤٥٦٧٨٩,.٬٫ \u00a0\u202f-–<>%$€XTK#[]{}:/ahpm.", max_size=40
)


@settings(max_examples=400, deadline=None)
@given(NUMBERY, st.sampled_from(["en", "de", "fr", "es", "ru", "ar"]))
def test_never_raises_on_number_soup(text, lang):
    for f in _find(text, lang):
        assert text[f.start : f.end] == f.raw


@pytest.mark.parametrize("per_sentence", [False, True])
def test_700_kb_of_news_is_fast(per_sentence):
    seed = SEED_PATH.read_text(encoding="utf-8")
    text = seed * (700_000 // len(seed))
    find_figures(seed, "en")
    started = time.perf_counter()
    if per_sentence:
        for line in text.splitlines():
            find_figures(line, "en")
    else:
        find_figures(text, "en")
    assert time.perf_counter() - started < 0.5


def fig(value, kind, value_end=None, unit=None):
    return Figure("x", 0, 1, value, kind, value_end, unit)


@pytest.mark.parametrize(
    "a, b, same",
    [
        (fig(2018, "year"), fig(2018, "integer"), True),
        (fig(5, "words"), fig(5, "integer"), True),
        (fig(5, "percent", unit="%"), fig(5, "integer"), False),
        (fig(919, "date"), fig(919, "date"), True),
        (fig(919, "date"), fig(20230919, "date"), True),
        (fig(20220919, "date"), fig(20230919, "date"), False),
        (fig(919, "date"), fig(919, "integer"), False),
        (fig(1988, "range", 1994), fig(1988, "range", 1994), True),
        (fig(1988, "range", 1994), fig(1988, "year"), False),
        (fig(5e6, "amount", unit="USD"), fig(5e6, "amount", unit="EUR"), False),
        (fig(5e6, "amount", unit="USD"), fig(5e6, "integer"), True),
        (fig(None, "placeholder"), fig(None, "placeholder"), False),
    ],
)
def test_same_figure(a, b, same):
    assert same_figure(a, b) is same
    assert same_figure(b, a) is same


def test_comparable_and_value_keys_across_languages():
    en = find_figures("From 1988–1994, 120,000 people, 5%, on September 19.", "en")
    ru = find_figures("С 1988 по 1994 год, 120 тыс. человек, 5 %, 19 сентября.", "ru")
    assert (
        value_keys(en)
        == value_keys(ru)
        == [
            ("date", 919.0),
            ("num", 1988.0),
            ("num", 1994.0),
            ("num", 120000.0),
            ("percent", 5.0),
        ]
    )
    assert comparable(en[0]) == ("num", 1988.0, 1994.0)
    assert comparable(find_figures("<>", "en")[0]) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in the early nineties", [("nineties", 1990.0, "decade")]),
        ("The Sixties were loud", [("Sixties", 1960.0, "decade")]),
        ("in the mid-eighties", [("eighties", 1980.0, "decade")]),
        ("she is in her nineties", []),
    ],
)
def test_english_decades_in_words(text, expected):
    assert [(f.raw, f.value, f.unit) for f in find_figures(text, "en")] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("c.960 baptism of Poland", [("960", 960.0)]),
        ("ca.1200 people", [("1200", 1200.0)]),
        ("No.1 hit", [("1", 1.0)]),
        ("etc.5", []),
        ("version v2.0", []),
    ],
)
def test_numbers_after_circa_and_number_abbreviations(text, expected):
    assert [(f.raw, f.value) for f in find_figures(text, "en")] == expected
