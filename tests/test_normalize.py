import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.figures import find_figures
from variorum.model import Figure
from variorum.normalize import PLACEHOLDER, normalize, skeleton


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Hello  World", "hello world"),
        ("  leading and trailing\t\n", "leading and trailing"),
        ("«Bonjour»", '"bonjour"'),
        ("„Guten Tag“", '"guten tag"'),
        ("“quoted” and ″inches″", '"quoted" and "inches"'),
        ("‘single’ ‚low‘ ‹angle› ′prime′", "'single' 'low' 'angle' 'prime'"),
        ("it’s Aliyev`s", "it's aliyev's"),
        ("a‐b a‑b a‒b a–b a—b a―b a−b", "a-b a-b a-b a-b a-b a-b a-b"),
        ("120\u00a0000 and 120\u202f000", "120 000 and 120 000"),
        (
            "thin\u2009space figure\u2007space ideographic\u3000space",
            "thin space figure space ideographic space",
        ),
        ("tab\tnew\nline\r\nend", "tab new line end"),
        ("STRASSE Straße", "strasse strasse"),
        ("ﬁnal ＡＢＣ ①", "final abc 1"),
        ("soft\u00adhyphen zero\u200bwidth", "softhyphen zerowidth"),
        ("Ärger ÄRGER", "ärger ärger"),
        ("Москва МОСКВА", "москва москва"),
        ("", ""),
        (" \u00a0 ", ""),
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


@settings(max_examples=3000, deadline=None)
@given(st.text())
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=1000, deadline=None)
@given(st.text())
def test_placeholder_never_in_normalized_text(text):
    out = normalize(text)
    assert "‹" not in out and "›" not in out


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("Some 30,1988 people were killed.", "en", "some ‹#› people were killed."),
        ("from 1994 to <>.", "en", "from ‹#› to ‹#›."),
        ("In 2020, he launched a 44-day war.", "en", "in ‹#›, he launched a ‹#›-day war."),
        ("Five Russians were killed.", "en", "‹#› russians were killed."),
        ("Le 19 septembre, 120\u202f000 «soldats».", "fr", 'le ‹#›, ‹#› "soldats".'),
        ("No figures here", "en", "no figures here"),
    ],
)
def test_skeleton(text, lang, expected):
    assert skeleton(text, find_figures(text, lang)) == expected


def test_skeletons_of_sentences_differing_in_figures_are_equal():
    a = "Some 30,1988 people were killed."
    b = "Some 30,000 people were killed."
    assert skeleton(a, find_figures(a, "en")) == skeleton(b, find_figures(b, "en"))


def test_skeleton_ignores_overlapping_and_out_of_range_figures():
    text = "one 22 three"
    figs = [
        Figure("22", 4, 6, 22.0, "integer"),
        Figure("2", 5, 6, 2.0, "integer"),
        Figure("x", 50, 51, None, "integer"),
    ]
    assert skeleton(text, figs) == f"one {PLACEHOLDER} three"


def test_normalize_and_skeleton_are_fast():
    line = "«Le 19 septembre», l’armée a déployé 120\u202f000 soldats — “nearly two thousand”.\n"
    text = line * (700_000 // len(line))
    figs = find_figures(line, "fr")
    started = time.perf_counter()
    normalize(text)
    for sentence in text.splitlines():
        skeleton(sentence, figs)
    assert time.perf_counter() - started < 0.5
