"""Properties of the whole pipeline over hostile random text."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from variorum.compare import compare
from variorum.diff import ops_new, ops_old
from variorum.figures import find_figures
from variorum.ingest import analyse
from variorum.languages import SUPPORTED
from variorum.normalize import normalize
from variorum.segment import segment

PIECES = st.sampled_from(
    [
        "Some 30,1988 people. ",
        "١٢٠ ألف شخص فروا. ",
        "В 1988 г. погибли ок. 30 тыс. человек. ",
        "Etwa 120.000 Menschen, d. h. viele. ",
        "e\u0301\u0301 ",  # combining marks
        "\u202e\u200f RTL ",
        "🇦🇿👨‍👩‍👧 ",
        "\\ud800\\udfff ",  # surrogate code points, escaped as text
        "x" * 3000,  # a very long token
        "\n\n",
        "\u00a0\u202f",
        "<>,<> «quoted.» ",
        "1,200 -> 1,500. ",
    ]
)
TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=300),
    st.lists(PIECES, max_size=12).map("".join),
)
LANGS = st.sampled_from(sorted(SUPPORTED))
SLOW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(TEXT, LANGS)
def test_segments_cover_the_text_exactly(text, lang):
    segs = segment(text, lang)
    last = 0
    for s in segs:
        assert text[s.start : s.end] == s.text and s.text == s.text.strip() and s.text
        assert text[last : s.start].strip() == ""
        last = s.end
    assert text[last:].strip() == ""


@SLOW
@given(TEXT)
def test_normalize_is_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


@SLOW
@given(TEXT, LANGS)
def test_figures_never_raise_and_spans_hold(text, lang):
    for f in find_figures(text, lang):
        assert text[f.start : f.end] == f.raw


@SLOW
@given(TEXT, TEXT, LANGS)
def test_compare_covers_both_sides_and_diffs_rebuild_them(a, b, lang):
    old, new = analyse(a, lang).sentences, analyse(b, lang).sentences
    changes = compare(old, new, relation="revision", old_lang=lang, new_lang=lang)
    assert sorted(i for c in changes for i in c.group.old) == list(range(len(old)))
    assert sorted(j for c in changes for j in c.group.new) == list(range(len(new)))
    for c in changes:
        if c.group.old and c.group.new:
            assert ops_old(c.diff) == " ".join(old[i].text for i in c.group.old)
            assert ops_new(c.diff) == " ".join(new[j].text for j in c.group.new)
        json.dumps(c.diff, ensure_ascii=False).encode("utf-8")


@SLOW
@given(TEXT, TEXT, LANGS, LANGS)
def test_translation_compare_never_raises(a, b, l1, l2):
    old, new = analyse(a, l1).sentences, analyse(b, l2).sentences
    changes = compare(old, new, relation="translation", old_lang=l1, new_lang=l2)
    assert sorted(i for c in changes for i in c.group.old) == list(range(len(old)))
    assert sorted(j for c in changes for j in c.group.new) == list(range(len(new)))


@SLOW
@given(TEXT)
def test_compare_with_itself_reports_nothing(a):
    s = analyse(a, "en").sentences
    assert {c.kind for c in compare(s, s, relation="revision", old_lang="en", new_lang="en")} <= {
        "same"
    }
