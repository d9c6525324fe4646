"""Same-language sentence alignment: exact groups for known edits, coverage properties."""

import random
import time

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
