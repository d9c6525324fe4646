"""Word and sequence diffs: exact ops for known inputs, and rebuild properties."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.diff import diff_sequences, ops_new, ops_old, token_encoder, tokenize, word_diff
from variorum.ingest import analyse
from variorum.model import Figure


def sentence(text: str):
    (s,) = analyse(text, "en").sentences
    return s


WORD_DIFFS = [
    (
        "Some 30,1988 people were killed.",
        "Some 30,000 people were killed.",
        [(0, "Some "), (-1, "30,1988"), (1, "30,000"), (0, " people were killed.")],
    ),
    (
        "It took 1,200 days",
        "It took 1,500 days",
        [(0, "It took "), (-1, "1,200"), (1, "1,500"), (0, " days")],
    ),
    (
        "The war lasted from 1994 to <>.",
        "The war lasted from 1988 to 1994.",
        [
            (0, "The war lasted from "),
            (-1, "1994"),
            (1, "1988"),
            (0, " to "),
            (-1, "<>"),
            (1, "1994"),
            (0, "."),
        ],
    ),
    (
        'He said "no", then left.',
        "He said “no” then left.",
        [(0, "He said "), (-1, '"no",'), (1, "“no”"), (0, " then left.")],
    ),
    (
        "The quick brown fox jumps over the lazy dog.",
        "The quick red fox jumped over the very lazy dog.",
        [
            (0, "The quick "),
            (-1, "brown"),
            (1, "red"),
            (0, " fox "),
            (-1, "jumps"),
            (1, "jumped"),
            (0, " over the "),
            (1, "very "),
            (0, "lazy dog."),
        ],
    ),
    # A lone space between two replacements is folded into one replacement.
    (
        "Police arrested two men on Monday.",
        "Police detained three men on Monday.",
        [(0, "Police "), (-1, "arrested two"), (1, "detained three"), (0, " men on Monday.")],
    ),
    ("same", "same", [(0, "same")]),
    ("", "new text", [(1, "new text")]),
    ("old text", "", [(-1, "old text")]),
    ("", "", []),
    # Spaceless scripts are diffed per character.
    ("我们有三个人。", "我们有五个人。", [(0, "我们有"), (-1, "三"), (1, "五"), (0, "个人。")]),
]


@pytest.mark.parametrize(("old", "new", "expected"), WORD_DIFFS)
def test_word_diff_golden(old, new, expected):
    a, b = sentence(old) if old else None, sentence(new) if new else None
    ops = word_diff(old, new, "en", a.figures if a else (), b.figures if b else ())
    assert ops == expected
    assert word_diff(old, new) == expected  # numbers stay whole without figure spans too


def test_figure_span_is_one_token_even_when_it_holds_spaces():
    old, new = "About 120 000 people", "About 125 000 people"
    f_old = [Figure("120 000", 6, 13, 120000.0, "integer")]
    f_new = [Figure("125 000", 6, 13, 125000.0, "integer")]
    assert word_diff(old, new, "fr", f_old, f_new) == [
        (0, "About "),
        (-1, "120 000"),
        (1, "125 000"),
        (0, " people"),
    ]


TOKENS = [
    ("Some 30,000 people.", ["Some", " ", "30,000", " ", "people", "."]),
    ("a  b\n", ["a", "  ", "b", "\n"]),
    ("שלום, עולם 👋🏽", ["שלום", ",", " ", "עולם", " ", "👋", "🏽"]),
    ("在2020年", ["在", "2020", "年"]),
]


@pytest.mark.parametrize(("text", "expected"), TOKENS)
def test_tokenize_golden(text, expected):
    assert tokenize(text) == expected


def test_tokenize_ignores_overlapping_and_out_of_range_figures():
    figs = [
        Figure("12", 0, 2, 12.0, "integer"),
        Figure("2 3", 1, 4, None, "integer"),
        Figure("x", 10, 20, None, "integer"),
    ]
    assert tokenize("12 34", figs) == ["12", " ", "34"]


def test_diff_sequences_golden():
    assert diff_sequences(list("abcdef"), list("axcdyfz")) == [
        (0, 0, 1, 0, 1),
        (-1, 1, 2, 1, 1),
        (1, 2, 2, 1, 2),
        (0, 2, 4, 2, 4),
        (-1, 4, 5, 4, 4),
        (1, 5, 5, 4, 5),
        (0, 5, 6, 5, 6),
        (1, 6, 6, 6, 7),
    ]
    assert diff_sequences([], ["a"]) == [(1, 0, 0, 0, 1)]
    assert diff_sequences(["a"], []) == [(-1, 0, 1, 0, 0)]
    assert diff_sequences([], []) == []


def test_diff_sequences_beyond_55k_distinct_tokens():
    # diff-match-patch's own linesToChars hands out lone surrogates past 55,295 lines.
    a = [f"sentence {k}" for k in range(70_000)]
    b = a[:30_000] + ["changed"] + a[30_001:] + ["appended"]
    assert diff_sequences(a, b) == [
        (0, 0, 30_000, 0, 30_000),
        (-1, 30_000, 30_001, 30_000, 30_000),
        (1, 30_001, 30_001, 30_000, 30_001),
        (0, 30_001, 70_000, 30_001, 70_000),
        (1, 70_000, 70_000, 70_000, 70_001),
    ]


def test_token_encoder_never_produces_surrogates():
    enc = token_encoder()
    codes = enc(range(70_000))
    assert len(set(codes)) == 70_000
    assert not any(0xD800 <= ord(c) < 0xE000 for c in codes)
    assert enc([69_999, 0]) == codes[-1] + codes[0]


def test_word_diff_with_many_distinct_words_rebuilds():
    old = " ".join(f"w{k}" for k in range(60_000))
    new = old.replace("w100 ", "changed ").replace("w59000", "x")
    ops = word_diff(old, new)
    assert ops_old(ops) == old and ops_new(ops) == new
    assert [op for op in ops if op[0]] == [(-1, "w100"), (1, "changed"), (-1, "w59000"), (1, "x")]


TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200
) | st.lists(
    st.sampled_from(
        ["30,000", "1,200", " ", "the", "שלום", "مرحبا", "👨‍👩‍👧", ",", ".", "\n", "x" * 300]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT)
def test_ops_rebuild_both_texts(old, new):
    ops = word_diff(old, new)
    assert ops_old(ops) == old
    assert ops_new(ops) == new
    assert all(op in (-1, 0, 1) and text for op, text in ops)
    assert word_diff(old, new) == ops


@settings(max_examples=100, deadline=None)
@given(TEXT, TEXT)
def test_ops_rebuild_with_figure_spans(old, new):
    fo = [f for s in analyse(old, "en").sentences for f in s.figures] if old.strip() else []
    fn = [f for s in analyse(new, "en").sentences for f in s.figures] if new.strip() else []
    # Offsets are relative to sentences; as whole-text offsets they are arbitrary spans,
    # which must still never break the rebuild.
    ops = word_diff(old, new, "en", fo, fn)
    assert ops_old(ops) == old
    assert ops_new(ops) == new
