"""The demo corpus is consistent: manifest, files, seed copy and gold change lists.

These tests check the corpus itself, independently of the pipeline: every gold sentence
is a whole sentence of its file, the gold lists account for every sentence that differs
between two English versions, and the translations carry exactly v2's figures except the
one documented error.
"""

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import CORPUS, SEED

ARTICLE = CORPUS / "aliyev-karabakh"
MANIFEST = ARTICLE / "versions.yml"
GOLD = ARTICLE / "gold"

TOP_KEYS = {"article", "title", "lang", "source", "license", "notes", "versions"}
VERSION_KEYS = {
    "label",
    "file",
    "lang",
    "date",
    "source",
    "translation_of",
    "notes",
    "format",
}
KINDS = {"figure", "wording", "punctuation", "added", "removed", "moved", "split", "merged"}

EXPECTED_VERSIONS = [
    ("v1", "aliyev-karabakh.en.txt", "en", None),
    ("v2", "v2.en.txt", "en", None),
    ("v3", "v3.en.txt", "en", None),
    ("de-1", "v2.de.txt", "de", "v2"),
    ("fr-1", "v2.fr.txt", "fr", "v2"),
    ("ru-1", "v2.ru.txt", "ru", "v2"),
    ("ar-1", "v2.ar.txt", "ar", "v2"),
]

GOLD_FILES = {
    "v1--v2.yml": ("v1", "v2"),
    "v2--v3.yml": ("v2", "v3"),
    "v2--de-1.yml": ("v2", "de-1"),
    "v2--fr-1.yml": ("v2", "fr-1"),
    "v2--ru-1.yml": ("v2", "ru-1"),
    "v2--ar-1.yml": ("v2", "ar-1"),
}

# Kind counts per gold file: the corpus promises every change kind at least once.
EXPECTED_KIND_COUNTS = {
    "v1--v2.yml": {
        "wording": 9,
        "figure": 4,
        "split": 1,
        "merged": 1,
        "punctuation": 1,
        "removed": 1,
        "added": 1,
    },
    "v2--v3.yml": {
        "figure": 2,
        "wording": 1,
        "added": 1,
        "removed": 1,
        "moved": 1,
        "split": 1,
        "merged": 1,
        "punctuation": 1,
    },
    "v2--de-1.yml": {},
    "v2--fr-1.yml": {},
    "v2--ru-1.yml": {"figure": 1},
    "v2--ar-1.yml": {},
}


def seed_path() -> Path:
    return SEED


def load_manifest() -> dict:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def version_text(label: str) -> str:
    for v in load_manifest()["versions"]:
        if v["label"] == label:
            return (ARTICLE / v["file"]).read_text(encoding="utf-8")
    raise KeyError(label)


def version_lang(label: str) -> str:
    return next(v["lang"] for v in load_manifest()["versions"] if v["label"] == label)


def load_gold(name: str) -> dict:
    return yaml.safe_load((GOLD / name).read_text(encoding="utf-8"))


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


# Sentence end: . ! ? with an optional closing quote, then a space and an opening quote
# or capital. The English texts avoid abbreviations, so this is exact for them.
_EN_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[\"“]?[A-Z])|(?<=[.!?][\"”])\s+(?=[\"“]?[A-Z])")


def english_sentences(text: str) -> list[str]:
    return [s for p in paragraphs(text) for s in _EN_BOUNDARY.split(p)]


_END = ".!?"
_CLOSE = '"”»“'


def is_whole_sentence(text: str, sentence: str) -> bool:
    """``sentence`` occurs in ``text`` starting and ending at sentence boundaries."""
    for m in re.finditer(re.escape(sentence), text):
        before = text[: m.start()]
        after = text[m.end() :]
        starts = (
            before == "" or before.endswith("\n") or bool(re.search(r"[.!?][\"”»“]?\s$", before))
        )
        ends = (
            after == ""
            or after.startswith("\n")
            or (sentence[-1] in _END + _CLOSE and after[:1] == " ")
        )
        if starts and ends:
            return True
    return False


# --- figures, for the translation check --------------------------------------------

_INDIC = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
_GROUP_SEP = {"en": ",", "de": ".", "fr": "\u202f\u00a0 ", "ru": "\u00a0 ", "ar": ",\u066c"}
_SCALES = [
    (r"тыс\.|тысяч[аи]?|thousand|Tausend|mille|ألفا|ألف|آلاف", 1000),
    (r"million\w*|Million\w*|миллион\w*|مليون", 1_000_000),
]
# Number words used in this corpus, per language (case-insensitive, whole words).
# "one"/"a day" and vague quantities ("tens of thousands") are not counted as figures.
_WORDS = {
    "en": [
        ("two thousand", 2000),
        ("a million", 1_000_000),
        ("two|both", 2),
        ("four", 4),
        ("five", 5),
        ("seven", 7),
        ("nineties", 1990),
    ],
    "de": [
        ("zweitausend", 2000),
        ("eine Million", 1_000_000),
        ("zwei|beide", 2),
        ("vier", 4),
        ("fünf", 5),
        ("sieben", 7),
    ],
    "fr": [
        ("deux mille", 2000),
        ("un million", 1_000_000),
        ("deux", 2),
        ("quatre", 4),
        ("cinq", 5),
        ("sept", 7),
    ],
    "ru": [
        ("две тысячи", 2000),
        ("миллиона", 1_000_000),
        ("два|две|двух|двое|обеим", 2),
        ("четыре", 4),
        ("пятеро", 5),
        ("семи", 7),
    ],
    "ar": [
        ("ألفي", 2000),
        ("مليون", 1_000_000),
        ("اثنان|عقدين|حربين|البلدين", 2),
        ("أربعة", 4),
        ("خمسة", 5),
        ("سبعة", 7),
        ("التسعينيات", 1990),
    ],
}


def figure_values(text: str, lang: str) -> list[int]:
    """Every figure of ``text`` as an integer, in the conventions of ``lang``."""
    text = text.translate(_INDIC)
    sep = re.escape(_GROUP_SEP[lang])
    number = rf"(?<![\d])(\d{{1,3}}(?:[{sep}]\d{{3}})+|\d+)(?![\d])"
    scale = "|".join(f"(?:{s})" for s, _ in _SCALES)
    values = []
    for m in re.finditer(rf"{number}(?:\s*({scale})(?!\w))?", text):
        value = int(re.sub(r"\D", "", m.group(1)))
        if m.group(2):
            value *= next(f for s, f in _SCALES if re.fullmatch(s, m.group(2)))
        values.append(value)
    rest = re.sub(number, " ", text)
    for pattern, value in _WORDS[lang]:
        word = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)
        values.extend([value] * len(word.findall(rest)))
        rest = word.sub(" ", rest)
    return sorted(values)


# --- manifest and files -------------------------------------------------------------


def test_manifest_lists_the_versions_in_order():
    data = load_manifest()
    assert set(data) <= TOP_KEYS
    assert data["article"] == "aliyev-karabakh"
    assert data["title"] and data["license"]
    got = [(v["label"], v["file"], v["lang"], v.get("translation_of")) for v in data["versions"]]
    assert got == EXPECTED_VERSIONS
    for v in data["versions"]:
        assert set(v) <= VERSION_KEYS
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", v["date"])
        assert v["source"] and v["notes"]


def test_every_manifest_file_exists_as_utf8_text():
    for v in load_manifest()["versions"]:
        path = ARTICLE / v["file"]
        assert path.is_file(), path
        text = path.read_text(encoding="utf-8")
        assert len(paragraphs(text)) == 39 + (1 if v["label"] == "v3" else 0)


def test_seed_copy_is_byte_identical():
    assert (ARTICLE / "aliyev-karabakh.en.txt").read_bytes() == seed_path().read_bytes()


def test_only_the_russian_notes_document_a_figure_error():
    notes = {v["label"]: v["notes"] for v in load_manifest()["versions"]}
    assert "12 тыс." in notes["ru-1"] and "10,000" in notes["ru-1"]
    for label in ("de-1", "fr-1", "ar-1"):
        assert "All figures agree with v2" in notes[label]


@pytest.mark.parametrize(
    ("label", "needles"),
    [
        ("de-1", ["120.000", "30.000", "19. September"]),
        ("fr-1", ["120\u202f000", "30\u202f000", "19 septembre"]),
        ("ru-1", ["120 тыс.", "30 тысяч", "19 сентября", "100\u00a0000"]),
        ("ar-1", ["١٢٠ ألف", "10 آلاف", "100 ألف", "١٩٢"]),
    ],
)
def test_translations_use_their_own_number_conventions(label, needles):
    text = version_text(label)
    for needle in needles:
        assert needle in text, needle


# --- gold files ---------------------------------------------------------------------


def test_gold_folder_holds_exactly_the_expected_files():
    assert sorted(p.name for p in GOLD.iterdir()) == sorted(GOLD_FILES)


@pytest.mark.parametrize("name", sorted(GOLD_FILES))
def test_gold_header_and_kind_counts(name):
    gold = load_gold(name)
    assert set(gold) == {"from", "to", "changes"}
    assert (gold["from"], gold["to"]) == GOLD_FILES[name]
    kinds = Counter(c["kind"] for c in gold["changes"])
    assert dict(kinds) == EXPECTED_KIND_COUNTS[name]


@pytest.mark.parametrize("name", sorted(GOLD_FILES))
def test_gold_changes_are_well_formed(name):
    for c in load_gold(name)["changes"]:
        assert c["kind"] in KINDS
        old, new = c["old"], c["new"]
        assert isinstance(old, list) and isinstance(new, list)
        if c["kind"] == "figure":
            assert set(c) == {"kind", "old", "new", "figures", "also_wording"}
            assert isinstance(c["also_wording"], bool)
            assert c["figures"]
            for pair in c["figures"]:
                assert len(pair) == 2 and pair != [None, None]
        else:
            assert set(c) == {"kind", "old", "new"}
        shape = {
            "added": (0, 1),
            "removed": (1, 0),
            "split": (1, 2),
            "merged": (2, 1),
        }.get(c["kind"], (1, 1))
        assert (len(old), len(new)) == shape, c
        if c["kind"] == "moved":
            assert old == new


@pytest.mark.parametrize("name", sorted(GOLD_FILES))
def test_gold_sentences_are_whole_sentences_of_their_files(name):
    gold = load_gold(name)
    old_text, new_text = version_text(gold["from"]), version_text(gold["to"])
    for c in gold["changes"]:
        for s in c["old"]:
            assert is_whole_sentence(old_text, s), s
        for s in c["new"]:
            assert is_whole_sentence(new_text, s), s
        # split/merged groups are consecutive sentences of one paragraph
        if len(c["old"]) > 1:
            assert " ".join(c["old"]) in old_text
        if len(c["new"]) > 1:
            assert " ".join(c["new"]) in new_text


@pytest.mark.parametrize("name", ["v1--v2.yml", "v2--v3.yml"])
def test_gold_accounts_for_every_changed_english_sentence(name):
    gold = load_gold(name)
    old = Counter(english_sentences(version_text(gold["from"])))
    new = Counter(english_sentences(version_text(gold["to"])))
    listed_old = Counter(s for c in gold["changes"] for s in c["old"])
    listed_new = Counter(s for c in gold["changes"] for s in c["new"])
    assert listed_old <= old and listed_new <= new
    assert old - listed_old == new - listed_new
    # a listed sentence really changed, unless it moved
    for c in gold["changes"]:
        if c["kind"] != "moved":
            assert c["old"] != c["new"]


def _strip_punct(s: str) -> str:
    return re.sub(r"[^\w]+", " ", s).strip().casefold()


def _mask(sentence: str, raws: list[str]) -> str:
    raws = sorted((r for r in raws if r), key=len, reverse=True)
    pattern = "|".join(rf"(?<![\d,]){re.escape(r)}(?![\d,]\d)" for r in raws)
    return re.sub(pattern, "#", sentence)


@pytest.mark.parametrize("name", ["v1--v2.yml", "v2--v3.yml"])
def test_english_change_kinds_match_the_texts(name):
    for c in load_gold(name)["changes"]:
        old, new = " ".join(c["old"]), " ".join(c["new"])
        if c["kind"] == "punctuation":
            assert old != new and _strip_punct(old) == _strip_punct(new)
        elif c["kind"] == "wording":
            assert _strip_punct(old) != _strip_punct(new)
            assert figure_values(old, "en") == figure_values(new, "en")
        elif c["kind"] == "figure":
            for o, n in c["figures"]:
                assert o is None or o in old
                assert n is None or n in new
            olds = [o for o, _ in c["figures"]]
            news = [n for _, n in c["figures"]]
            same_words = _mask(old, olds) == _mask(new, news)
            assert same_words is not c["also_wording"], c


# --- translations -------------------------------------------------------------------


def _figure_mismatches(label: str) -> list[tuple[int, list[int], list[int]]]:
    """Per paragraph of v2 and the translation: figures missing from it, figures extra in it."""
    src = paragraphs(version_text("v2"))
    tgt = paragraphs(version_text(label))
    assert len(src) == len(tgt)
    lang = version_lang(label)
    out = []
    for i, (s, t) in enumerate(zip(src, tgt, strict=True)):
        a, b = Counter(figure_values(s, "en")), Counter(figure_values(t, lang))
        if a != b:
            out.append((i, sorted((a - b).elements()), sorted((b - a).elements())))
    return out


@pytest.mark.parametrize("label", ["de-1", "fr-1", "ru-1", "ar-1"])
def test_translation_figures_agree_with_v2_except_the_gold_error(label):
    gold = load_gold(f"v2--{label}.yml")
    lang = version_lang(label)
    expected = []
    for c in gold["changes"]:
        (sentence,) = c["new"]
        para = next(i for i, p in enumerate(paragraphs(version_text(label))) if sentence in p)
        missing = sorted(figure_values(o, "en")[0] for o, _ in c["figures"] if o)
        extra = sorted(figure_values(n, lang)[0] for _, n in c["figures"] if n)
        expected.append((para, missing, extra))
    assert _figure_mismatches(label) == expected


def test_the_deliberate_error_is_ten_thousand_as_twelve_thousand():
    assert _figure_mismatches("ru-1") == [(30, [10000], [12000])]


@pytest.mark.parametrize(
    ("text", "lang", "values"),
    [
        ("Some 30,000 people, from 1988 to 1994.", "en", [1988, 1994, 30000]),
        ("in the early 1990s, a 44-day war, Aliyev, 61,", "en", [44, 61, 1990]),
        ("nearly two thousand peacekeepers, more than a million", "en", [2000, 1_000_000]),
        ("Five Russians, two decades, both countries", "en", [2, 2, 5]),
        ("Rund 30.000 Menschen am 19. September", "de", [19, 30000]),
        ("den 61-jährigen Alijew, Anfang der 1990er-Jahre", "de", [61, 1990]),
        ("Quelque 30\u202f000 personnes, 120\u00a0000 soldats", "fr", [30000, 120000]),
        ("guerre de 44\u00a0jours, 19 septembre", "fr", [19, 44]),
        ("Около 30 тысяч человек, 120 тыс. армян", "ru", [30000, 120000]),
        ("более 100\u00a0000 человек, пятеро россиян", "ru", [5, 100000]),
        ("١٢٠ ألف جندي و10 آلاف مقاتل", "ar", [10000, 120000]),
        ("البالغ عددهم ١٢٠ ألفا، نحو ألفي جندي", "ar", [2000, 120000]),
    ],
)
def test_figure_values(text, lang, values):
    assert figure_values(text, lang) == values
