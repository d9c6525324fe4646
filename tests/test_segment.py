import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import SEED
from variorum.model import Segment
from variorum.segment import segment

ROOT = Path(__file__).resolve().parent.parent


def _seed() -> Path:
    return SEED


def check_contract(text: str, segs: list[Segment]) -> None:
    pos = 0
    for s in segs:
        assert text[s.start : s.end] == s.text
        assert s.text and s.text == s.text.strip()
        assert s.start >= pos
        assert text[pos : s.start].strip() == ""
        pos = s.end
    assert text[pos:].strip() == ""
    paras = [s.paragraph for s in segs]
    assert paras == sorted(paras)


def sentences(text: str, lang: str) -> list[str]:
    segs = segment(text, lang)
    check_contract(text, segs)
    return [s.text for s in segs]


# (language, expected sentences): the input is the sentences joined by single spaces.
GOLDEN = [
    # English
    ("en", ["Hello world.", "My name is Jonas."]),
    ("en", ["What is your name?", "My name is Jonas."]),
    ("en", ["There it is!", "I found it."]),
    ("en", ["Mr. Smith met Dr. Jones at 5 p.m. on Monday."]),
    ("en", ["The U.S. economy grew 2.5 percent.", "Prices rose."]),
    ("en", ["J. R. R. Tolkien wrote it.", "It sold well."]),
    ("en", ["It rose to 3.14 points.", "Then it fell."]),
    ("en", ["He said: «Go now.» and left."]),
    ("en", ['He said, "I am done.', 'We leave now."', "Then he left."]),
    ("en", ['"Stop!" she cried.', "He stopped."]),
    ("en", ["He waited...", "Nothing happened."]),
    ("en", ["He waited…", "Nothing happened."]),
    ("en", ["They talked (about it.", "For hours.)", "It was late."]),
    ("en", ["He paid approx. 30 dollars.", "It was cheap."]),
    ("en", ["Sainsbury's plans grow.", "Boots' sales fell."]),
    # German
    ("de", ["Das ist z. B. ein Test.", "Er kam ca. 5 Uhr an."]),
    ("de", ["Am 3. Oktober war Feiertag.", "Alle blieben zu Hause."]),
    ("de", ["Im 19. Jahrhundert wuchs die Stadt.", "Dr. Weber schrieb darüber."]),
    ("de", ["Er sagte: „Wir gehen.“", "Dann ging er."]),
    ("de", ["Es kostet 1.000 Euro bzw. mehr.", "Das ist viel."]),
    # French
    ("fr", ["M. Dupont est arrivé.", "Il est content."]),
    ("fr", ["Mme Martin a dit « Va. »", "Et il est parti."]),
    ("fr", ["C'est magnifique !", "Et après ?", "Rien."]),
    ("fr", ["Il y avait env. 300 personnes.", "La salle était pleine."]),
    ("fr", ["Il a dit\xa0: «\xa0Nous partons.\xa0»", "Puis il est sorti."]),
    # Spanish
    ("es", ["Llegó a las 5 p. m. a casa.", "Después cenó."]),
    ("es", ["El Sr. García viajó a EE. UU. con su familia.", "Volvió ayer."]),
    ("es", ["¿Qué pasó?", "¡Nadie lo sabe!", "Fue a las 10."]),
    ("es", ["La Sra. López tiene aprox. 40 años.", "Es médica."]),
    # Russian
    ("ru", ["Погибли ок. 30 тыс. человек.", "Это много."]),
    ("ru", ["Это т. е. плохо.", "Так было в 2020 г. и раньше."]),
    ("ru", ["Бюджет составил 5 млн рублей.", "Потом вырос."]),
    ("ru", ["Там были дома, сады и т.д.", "Потом пришла война."]),
    ("ru", ["Потом пришёл В. В. Путин.", "Он сказал: «Мы победим».", "И ушёл."]),
    ("ru", ["Он подумал…", "И ушёл."]),
    # Arabic
    ("ar", ["هل أنت هنا؟", "نعم.", "أنا هنا."]),
    ("ar", ["قال الرئيس إن الوضع صعب.", "وأضاف أن الحكومة ستعمل."]),
]


@pytest.mark.parametrize(("lang", "expected"), GOLDEN)
def test_golden_sentences(lang: str, expected: list[str]) -> None:
    assert sentences(" ".join(expected), lang) == expected


def test_spans_and_paragraphs() -> None:
    text = "  First one. Second one.\n\n\nThird one!\n \nFourth?  "
    segs = segment(text, "en")
    check_contract(text, segs)
    assert [(s.paragraph, s.start, s.end, s.text, s.heading) for s in segs] == [
        (0, 2, 12, "First one.", False),
        (0, 13, 24, "Second one.", False),
        (1, 27, 37, "Third one!", False),
        (2, 40, 47, "Fourth?", False),
    ]


def test_heading_without_blank_line() -> None:
    text = "Sensing the opportunity\nThe problem has been boiling for months. It grew.\n"
    assert [(s.paragraph, s.text, s.heading) for s in segment(text, "en")] == [
        (0, "Sensing the opportunity", True),
        (1, "The problem has been boiling for months.", False),
        (1, "It grew.", False),
    ]


def test_hard_wrapped_text_is_joined_not_made_headings() -> None:
    text = (
        "The decision to restore the breakaway region has a personal\n"
        "dimension for President Aliyev, crystallized over months as the\n"
        "diplomatic reality changed. According to two senior officials\n"
        "And a source it was planned.\n"
    )
    assert [(s.text, s.heading) for s in segment(text, "en")] == [
        (
            "The decision to restore the breakaway region has a personal\n"
            "dimension for President Aliyev, crystallized over months as the\n"
            "diplomatic reality changed.",
            False,
        ),
        ("According to two senior officials\nAnd a source it was planned.", False),
    ]


@pytest.mark.parametrize(
    ("text", "headings"),
    [
        ("Personal dimension\n\nThe decision was personal.", ["Personal dimension"]),
        ("Personal dimension.\n\nThe decision was personal.", []),
        ("He left:\nThe rest stayed.", []),
        ("lowercase start line\nThe rest stayed.", []),
        ("Short line\nthen a lowercase continuation.", []),
        ("- First item\n- Second item", []),
        ("***\n\nText here.", []),
    ],
)
def test_heading_rules(text: str, headings: list[str]) -> None:
    segs = segment(text, "en")
    check_contract(text, segs)
    assert [s.text for s in segs if s.heading] == headings


def test_bullets_start_new_units() -> None:
    text = "Results:\n- Yes votes rose\n- No votes fell\n"
    assert [s.text for s in segment(text, "en")] == [
        "Results:",
        "- Yes votes rose",
        "- No votes fell",
    ]


def test_seed_article() -> None:
    text = _seed().read_text(encoding="utf-8")
    segs = segment(text, "en")
    check_contract(text, segs)
    assert len(segs) == 47
    assert [s.text for s in segs if s.heading] == [
        "Personal dimension",
        "Sensing the opportunity",
        "Favorable conditions",
    ]
    assert segs[2].paragraph == 2
    by_text = {s.text: s for s in segs}
    assert "Baku denied the accusation." in by_text
    assert 'The source working with Aliyev called the shift "very important."' in by_text


def test_seed_hard_wrapped_gives_the_same_sentences() -> None:
    text = _seed().read_text(encoding="utf-8")
    wrapped = "\n\n".join("\n".join(textwrap.wrap(p, 64)) for p in text.split("\n\n"))
    plain = segment(text, "en")
    segs = segment(wrapped, "en")
    check_contract(wrapped, segs)
    assert [" ".join(s.text.split()) for s in segs] == [s.text for s in plain]
    assert [s.heading for s in segs] == [s.heading for s in plain]


def test_long_line_without_sentence_end_is_one_segment() -> None:
    text = "word " * 1_000_000
    start = time.perf_counter()
    segs = segment(text, "en")
    assert time.perf_counter() - start < 2.0
    assert len(segs) == 1
    assert segs[0].end == len(text) - 1


def test_700_kb_article_is_fast() -> None:
    seed = _seed().read_text(encoding="utf-8")
    text = "\n\n".join([seed] * (700_000 // len(seed) + 1))
    start = time.perf_counter()
    segs = segment(text, "en")
    assert time.perf_counter() - start < 1.0
    assert len(segs) == 47 * (700_000 // len(seed) + 1)


def test_empty_and_whitespace() -> None:
    assert segment("", "en") == []
    assert segment(" \n\n\t \n", "ru") == []


_ALPHABET = st.characters(
    codec="utf-8",
    categories=("L", "M", "N", "P", "S", "Zs", "Cc"),
) | st.sampled_from(list("\n\n\r .!?…؟«»\"'“”„()٫مرحبا\u0301\u200f\u00a0😀🇫🇷ÉéМир"))


@settings(max_examples=400, deadline=None)
@given(st.text(_ALPHABET, max_size=300), st.sampled_from(["en", "de", "fr", "es", "ru", "ar"]))
def test_contract_holds_for_any_text(text: str, lang: str) -> None:
    check_contract(text, segment(text, lang))


def test_text_without_capitals_still_splits_at_full_stops():
    text = "the war ended in 1994. some 30,000 people died. e.g. this one stayed whole."
    assert [s.text for s in segment(text, "en")] == [
        "the war ended in 1994.",
        "some 30,000 people died.",
        "e.g. this one stayed whole.",
    ]
    # With capitals about, a lowercase word after a full stop still continues the sentence.
    assert [s.text for s in segment("The war ended. it went on.", "en")] == [
        "The war ended. it went on."
    ]
