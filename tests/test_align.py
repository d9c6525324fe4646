"""Same-language sentence alignment: exact groups for known edits, coverage properties."""

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.align import align_revision
from variorum.ingest import analyse
from variorum.model import Group, Sentence


def S(text: str) -> list[Sentence]:
    return analyse(text, "en").sentences


def groups(old: str, new: str) -> list[tuple[tuple[int, ...], tuple[int, ...], str]]:
    return [(g.old, g.new, g.method) for g in align_revision(S(old), S(new))]


def test_exact_added_removed_in_new_order():
    old = "One is here. Two is gone. Three stays."
    new = "One is here. Three stays. Four arrives."
    assert groups(old, new) == [
        ((0,), (0,), "exact"),
        ((1,), (), "none"),
        ((2,), (1,), "exact"),
        ((), (2,), "none"),
    ]


def test_removed_at_start_and_end():
    assert groups("Gone first. Kept. Gone last.", "Kept.") == [
        ((0,), (), "none"),
        ((1,), (0,), "exact"),
        ((2,), (), "none"),
    ]


def test_figures_only_changed_is_a_skeleton_match_however_many():
    old = "Intro line. In 1994, 30,1988 people of 4,120 fled to 98,10 towns. Outro line."
    new = "Intro line. In 1988, 30,000 people of 120,000 fled to 98 towns. Outro line."
    assert groups(old, new) == [
        ((0,), (0,), "exact"),
        ((1,), (1,), "skeleton"),
        ((2,), (2,), "exact"),
    ]


def test_reworded_sentence_is_fuzzy_and_unrelated_is_not():
    old = "The minister said the talks would resume next week in Geneva. Bananas are yellow. Kept."
    new = (
        "The minister said on Monday that talks would resume next week in Geneva. "
        "Quantum chromodynamics describes quarks. Kept."
    )
    got = align_revision(S(old), S(new))
    assert [(g.old, g.new, g.method) for g in got] == [
        ((0,), (0,), "fuzzy"),
        ((1,), (), "none"),
        ((), (1,), "none"),
        ((2,), (2,), "exact"),
    ]
    assert 0.55 <= got[0].score < 1


def test_moved_paragraph_is_moved_sentences():
    old = (
        "Alpha starts the story here. Alpha goes on for a while.\n\n"
        "Beta is the second paragraph. Beta has more to say. Beta ends now.\n\n"
        "Gamma closes the piece. Gamma is quite final."
    )
    new = (
        "Gamma closes the piece. Gamma is quite final.\n\n"
        "Alpha starts the story here. Alpha goes on for a while.\n\n"
        "Beta is the second paragraph. Beta has more to say. Beta ends now."
    )
    got = align_revision(S(old), S(new))
    assert [(g.old, g.new, g.method, g.moved) for g in got] == [
        ((5,), (0,), "moved", True),
        ((6,), (1,), "moved", True),
        ((0,), (2,), "exact", False),
        ((1,), (3,), "exact", False),
        ((2,), (4,), "exact", False),
        ((3,), (5,), "exact", False),
        ((4,), (6,), "exact", False),
    ]


def test_moved_and_reworded_sentence():
    old = "The committee approved the new budget for the coming year. One. Two. Three. Four."
    new = (
        "One. Two. Three. Four. The committee finally approved the new budget for the coming year."
    )
    got = align_revision(S(old), S(new))
    assert [(g.old, g.new, g.method) for g in got] == [
        ((1,), (0,), "exact"),
        ((2,), (1,), "exact"),
        ((3,), (2,), "exact"),
        ((4,), (3,), "exact"),
        ((0,), (4,), "moved"),
    ]
    assert 0.7 <= got[-1].score < 1


def test_lone_figures_elsewhere_are_not_moves():
    assert groups("Alpha line. Beta line. 7.", "8. Alpha line. Beta line.") == [
        ((), (0,), "none"),
        ((0,), (1,), "exact"),
        ((1,), (2,), "exact"),
        ((2,), (), "none"),
    ]
    # with words, a sentence whose figures changed is recognised where it moved to
    assert groups(
        "Alpha line. Beta line. It rose by 7 points.", "It rose by 8 points. Alpha line. Beta line."
    ) == [((2,), (0,), "moved"), ((0,), (1,), "exact"), ((1,), (2,), "exact")]


def test_split_and_merge():
    old = (
        "Start. The army advanced on the town at dawn, and the defenders retreated to the hills. "
        "Middle. The rain stopped. The sun came out over the valley. End."
    )
    new = (
        "Start. The army advanced on the town at dawn. The defenders retreated to the hills. "
        "Middle. The rain stopped and the sun came out over the valley. End."
    )
    got = align_revision(S(old), S(new))
    assert [(g.old, g.new, g.method) for g in got] == [
        ((0,), (0,), "exact"),
        ((1,), (1, 2), "split"),
        ((2,), (3,), "exact"),
        ((3, 4), (4,), "merge"),
        ((5,), (5,), "exact"),
    ]
    assert got[1].score > 0.85 and got[3].score > 0.85


def test_empty_sides():
    s = S("One. Two.")
    assert align_revision([], []) == []
    assert align_revision(s, []) == [Group((0,), (), 0.0, "none"), Group((1,), (), 0.0, "none")]
    assert align_revision([], s) == [Group((), (0,), 0.0, "none"), Group((), (1,), 0.0, "none")]


def _fake(n: int, prefix: str = "sentence") -> list[Sentence]:
    return [Sentence(k, k, f"{prefix} {k}.", f"{prefix} {k}.", f"{prefix} #.") for k in range(n)]


def test_more_than_55k_distinct_sentences():
    old = _fake(60_000)
    new = list(old)
    new[40_000] = Sentence(40_000, 0, "changed.", "changed.", "changed.")
    got = align_revision(old, new)
    assert len(got) == 60_001
    assert sum(g.method == "exact" for g in got) == 59_999
    odd = [(g.old, g.new, g.method) for g in got if g.method != "exact"]
    assert odd == [((40_000,), (), "none"), ((), (40_000,), "none")]


def _article(n_sentences: int, seed: int) -> str:
    rnd = random.Random(seed)
    syl = [f"{a}{b}" for a in "bcdfglmnprstv" for b in ("a", "e", "i", "o", "u", "ar", "en")]
    vocab = [a + b for a in syl for b in syl[::7]]
    paras = []
    for _ in range(n_sentences // 5):
        sents = []
        for _ in range(5):
            words = rnd.choices(vocab, k=rnd.randint(18, 34))
            words.insert(rnd.randrange(len(words)), f"{rnd.randint(1, 99)},{rnd.randint(100, 999)}")
            sents.append(" ".join(words).capitalize() + ".")
        paras.append(" ".join(sents))
    return "\n\n".join(paras)


def test_long_article_with_few_edits_is_fast():
    text = _article(5000, 7)
    paras = text.split("\n\n")
    paras[10] = paras[10].replace(",", ".", 1)  # figure
    paras[200] = paras[200].replace(" ", " extra ", 1)  # wording
    paras.insert(700, paras.pop(300))  # moved paragraph
    del paras[800]
    old, new = S(text), S("\n\n".join(paras))
    assert len(text.encode()) > 700_000
    align_revision(old[:50], new[:50])  # warm-up
    t0 = time.perf_counter()
    got = align_revision(old, new)
    elapsed = time.perf_counter() - t0
    assert sorted(i for g in got for i in g.old) == list(range(len(old)))
    assert sorted(j for g in got for j in g.new) == list(range(len(new)))
    assert sum(g.method == "moved" for g in got) == 5
    assert elapsed < 0.5, f"{elapsed:.3f} s"


SENTENCE = st.lists(
    st.sampled_from(
        ["30,000", "1,200", "the", "people", "שלום", "مرحبا", "👨‍👩‍👧", "x" * 200, "Ωμέγα", "a"]
    )
    | st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=8),
    min_size=1,
    max_size=12,
).map(lambda ws: " ".join(ws) + ".")
DOC = st.lists(SENTENCE, max_size=25)


def _covers(old: list[Sentence], new: list[Sentence], got: list[Group]) -> None:
    assert sorted(i for g in got for i in g.old) == list(range(len(old)))
    assert sorted(j for g in got for j in g.new) == list(range(len(new)))
    assert all(0.0 <= g.score <= 1.0 for g in got)
    assert all(g.old or g.new for g in got)
    firsts = [g.new[0] for g in got if g.new]
    assert firsts == sorted(firsts)


@settings(max_examples=150, deadline=None)
@given(DOC, DOC)
def test_groups_cover_both_sides_exactly_once(a, b):
    old = S(" ".join(a)) if a else []
    new = S(" ".join(b)) if b else []
    got = align_revision(old, new)
    _covers(old, new, got)
    assert align_revision(old, new) == got


@settings(max_examples=150, deadline=None)
@given(DOC, st.randoms(use_true_random=False))
def test_edited_copy_covers_and_identical_is_all_exact(a, rnd):
    old = S(" ".join(a)) if a else []
    assert all(g.method == "exact" for g in align_revision(old, old))
    texts = [s.text for s in old]
    for _ in range(rnd.randint(0, 4)):
        if not texts:
            break
        k = rnd.randrange(len(texts))
        action = rnd.choice(["drop", "dup", "move", "edit"])
        if action == "drop":
            del texts[k]
        elif action == "dup":
            texts.insert(rnd.randrange(len(texts) + 1), texts[k])
        elif action == "move":
            texts.insert(rnd.randrange(len(texts)), texts.pop(k))
        else:
            texts[k] = texts[k].replace(" ", " new ", 1)
    new = S(" ".join(texts)) if texts else []
    _covers(old, new, align_revision(old, new))


def test_merge_that_absorbs_the_second_sentence_into_a_clause():
    old = analyse(
        "Karabakh officials said at the time that the protesters were a cover, including "
        "Azerbaijani officials. Baku denied the accusation.",
        "en",
    ).sentences
    new = analyse(
        "Karabakh officials said at the time that the protesters were a front for "
        "Azerbaijani officials, which Baku denied.",
        "en",
    ).sentences
    groups = align_revision(old, new)
    assert [(g.old, g.new, g.method) for g in groups] == [((0, 1), (0,), "merge")]


# A lone old and a lone new sentence between the same matched neighbours are an edit in
# place at a lower word similarity than elsewhere, or when their skeletons (figures masked,
# punctuation aside) match: (old, new, groups).
IN_PLACE = [
    (
        "unit and figures of a short line changed",
        "Electricity - production:\n\n35.338 billion kWh (1998)\n\nElectricity - exports:\n\n"
        "1.061 billion kWh (1998)",
        "Electricity - production:\n\n35,338 GWh (1998)\n\nElectricity - exports:\n\n"
        "1,061 GWh (1998)",
        [
            ((0,), (0,), "exact"),
            ((1,), (1,), "fuzzy"),
            ((2,), (2,), "exact"),
            ((3,), (3,), "fuzzy"),
        ],
    ),
    (
        "reworded below the general threshold",
        "Hugh Binning was born in Scotland. Hugh Binning was a Christian philosopher from the "
        "age of fourteen. He died young.",
        "Hugh Binning was born in Scotland. Hugh Binning was a Scottish philosopher and a "
        "teacher at Glasgow. He died young.",
        [((0,), (0,), "exact"), ((1,), (1,), "fuzzy"), ((2,), (2,), "exact")],
    ),
    (
        "only punctuation in common",
        "Start here. Sentence four. End here.",
        "Start here. Changed. End here.",
        [((0,), (0,), "exact"), ((1,), (), "none"), ((), (1,), "none"), ((2,), (2,), "exact")],
    ),
    (
        "the old sentence moved elsewhere: the move wins",
        "Start here. The harbour was closed to all shipping for three weeks in the spring. "
        "Middle part. Other part. End here.",
        "Start here. The harbour was closed. Middle part. Other part. End here. The harbour "
        "was closed to shipping for three weeks in spring.",
        [
            ((0,), (0,), "exact"),
            ((), (1,), "none"),
            ((2,), (2,), "exact"),
            ((3,), (3,), "exact"),
            ((4,), (4,), "exact"),
            ((1,), (5,), "moved"),
        ],
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "expected"), IN_PLACE, ids=[c[0] for c in IN_PLACE])
def test_lone_sentences_between_anchors(name, old, new, expected):
    assert groups(old, new) == expected


def test_a_list_joined_into_one_line_is_one_merge_and_back_one_split():
    lines = [
        ("960 Mieszko I rules in Poland", "c. 960 Mieszko I assumes rule in Poland"),
        ("966 Christianization of Mieszko I and Poland",) * 2,
        ("968 First bishopric in Poland at Poznan",) * 2,
        (
            "972 Victorious battle of Cedynia over Hodo",
            "972 Mieszko's victorious battle of Cedynia over margrave Hodon",
        ),
        ("992 Death of Mieszko I",) * 2,
        ("1000 Congress of Gniezno with the emperor Otto III",) * 2,
    ]
    head, tail = "Timeline of the duchy\n\n", "\n\nSources are listed below."
    one_a_paragraph = head + "\n\n".join(a for a, _ in lines) + tail
    one_line = head + "\n".join(b for _, b in lines) + tail
    assert len(S(one_a_paragraph)) == 8 and len(S(one_line)) == 3
    assert groups(one_a_paragraph, one_line) == [
        ((0,), (0,), "exact"),
        ((1, 2, 3, 4, 5, 6), (1,), "merge"),
        ((7,), (2,), "exact"),
    ]
    assert groups(one_line, one_a_paragraph) == [
        ((0,), (0,), "exact"),
        ((1,), (1, 2, 3, 4, 5, 6), "split"),
        ((2,), (7,), "exact"),
    ]


def test_a_short_sentence_whose_words_are_elsewhere_is_not_taken_in():
    # The merge takes the clause it absorbs, not the unrelated next sentence, although
    # "the" and "was" occur in the merged sentence.
    old = "Intro. The army advanced at dawn. The defenders retreated to the hills. Rain fell."
    new = "Intro. The army advanced at dawn and the defenders retreated to the hills."
    assert groups(old, new) == [
        ((0,), (0,), "exact"),
        ((1, 2), (1,), "merge"),
        ((3,), (), "none"),
    ]
