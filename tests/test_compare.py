"""Classification of aligned groups: exact kinds, figure pairs and diffs."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum import compare as compare_mod
from variorum.compare import compare
from variorum.diff import ops_new, ops_old
from variorum.ingest import analyse
from variorum.model import Figure, Group, Sentence


def S(text: str) -> list[Sentence]:
    return analyse(text, "en").sentences


def changes(old: str, new: str) -> list[tuple]:
    """(kind, old positions, new positions, also_wording, figure pairs, diff) of non-same."""
    out = []
    for c in compare(S(old), S(new), relation="revision", old_lang="en", new_lang="en"):
        if c.kind == "same":
            continue
        pairs = [(p.old.raw if p.old else None, p.new.raw if p.new else None) for p in c.figures]
        out.append((c.kind, c.group.old, c.group.new, c.also_wording, pairs, c.diff))
    return out


GOLDEN = [
    (
        "seed figure",
        "Some 30,1988 people were killed.",
        "Some 30,000 people were killed.",
        [
            (
                "figure",
                (0,),
                (0,),
                False,
                [("30,1988", "30,000")],
                [(0, "Some "), (-1, "30,1988"), (1, "30,000"), (0, " people were killed.")],
            )
        ],
    ),
    (
        "one figure token",
        "It took 1,200 days.",
        "It took 1,500 days.",
        [
            (
                "figure",
                (0,),
                (0,),
                False,
                [("1,200", "1,500")],
                [(0, "It took "), (-1, "1,200"), (1, "1,500"), (0, " days.")],
            )
        ],
    ),
    (
        "figures swapped by position, not by value",
        "The war lasted from 1994 to <>.",
        "The war lasted from 1988 to 1994.",
        [
            (
                "figure",
                (0,),
                (0,),
                False,
                [("1994", "1988"), ("<>", "1994")],
                [
                    (0, "The war lasted from "),
                    (-1, "1994"),
                    (1, "1988"),
                    (0, " to "),
                    (-1, "<>"),
                    (1, "1994"),
                    (0, "."),
                ],
            )
        ],
    ),
    (
        "figure and wording",
        "Some 4,120 Armenians were killed in the war.",
        "Some 120,000 Armenians died in the war.",
        [
            (
                "figure",
                (0,),
                (0,),
                True,
                [("4,120", "120,000")],
                [
                    (0, "Some "),
                    (-1, "4,120"),
                    (1, "120,000"),
                    (0, " Armenians "),
                    (-1, "were killed"),
                    (1, "died"),
                    (0, " in the war."),
                ],
            )
        ],
    ),
    (
        "figure vanished, unchanged figure kept",
        "He counted 5 cars and 30 trucks on the road.",
        "He counted 30 trucks on the road.",
        [
            (
                "figure",
                (0,),
                (0,),
                True,
                [("5", None)],
                [(0, "He counted "), (-1, "5 cars and "), (0, "30 trucks on the road.")],
            )
        ],
    ),
    (
        "figure appeared",
        "He counted the trucks on the road.",
        "He counted 30 trucks on the road.",
        [
            (
                "figure",
                (0,),
                (0,),
                True,
                [(None, "30")],
                [(0, "He counted "), (-1, "the"), (1, "30"), (0, " trucks on the road.")],
            )
        ],
    ),
    (
        "wording",
        "The minister said the talks would resume next week.",
        "The minister said the negotiations would resume next week.",
        [
            (
                "wording",
                (0,),
                (0,),
                False,
                [],
                [
                    (0, "The minister said the "),
                    (-1, "talks"),
                    (1, "negotiations"),
                    (0, " would resume next week."),
                ],
            )
        ],
    ),
    (
        "quote style",
        'He said "no" to the offer in 2020.',
        "He said “no” to the offer in 2020.",
        [
            (
                "punctuation",
                (0,),
                (0,),
                False,
                [],
                [(0, "He said "), (-1, '"no"'), (1, "“no”"), (0, " to the offer in 2020.")],
            )
        ],
    ),
    (
        "a comma",
        "After the war, many left the region.",
        "After the war many left the region.",
        [
            (
                "punctuation",
                (0,),
                (0,),
                False,
                [],
                [(0, "After the war"), (-1, ","), (0, " many left the region.")],
            )
        ],
    ),
    (
        "case",
        "the prime minister resigned.",
        "The Prime Minister resigned.",
        [
            (
                "punctuation",
                (0,),
                (0,),
                False,
                [],
                [
                    (-1, "the prime minister"),
                    (1, "The Prime Minister"),
                    (0, " resigned."),
                ],
            )
        ],
    ),
    (
        "added and removed",
        "Kept here. Dropped sentence about cats.",
        "Kept here. A brand new line about quantum physics.",
        [
            ("removed", (1,), (), False, [], [(-1, "Dropped sentence about cats.")]),
            ("added", (), (1,), False, [], [(1, "A brand new line about quantum physics.")]),
        ],
    ),
    (
        "split",
        "Start. The army advanced on the town at dawn, and the defenders retreated. End.",
        "Start. The army advanced on the town at dawn. The defenders retreated. End.",
        [
            (
                "split",
                (1,),
                (1, 2),
                True,
                [],
                [
                    (0, "The army advanced on the town at dawn"),
                    (-1, ", and the"),
                    (1, ". The"),
                    (0, " defenders retreated."),
                ],
            )
        ],
    ),
    (
        "merge",
        "Start. The rain stopped. The sun came out over the valley. End.",
        "Start. The rain stopped and the sun came out over the valley. End.",
        [
            (
                "merged",
                (1, 2),
                (1,),
                True,
                [],
                [
                    (0, "The rain stopped"),
                    (-1, ". The"),
                    (1, " and the"),
                    (0, " sun came out over the valley."),
                ],
            )
        ],
    ),
    (
        "short line edited in place: new unit and value, one figure change",
        "Electricity - production:\n\n37.82 billion kWh (2001)\n\nElectricity - exports:",
        "Electricity - production:\n\n38,300 GWh (2002)\n\nElectricity - exports:",
        [
            (
                "figure",
                (1,),
                (1,),
                True,
                [("37.82 billion", "38,300"), ("2001", "2002")],
                [
                    (-1, "37.82 billion kWh (2001"),
                    (1, "38,300 GWh (2002"),
                    (0, ")"),
                ],
            )
        ],
    ),
    (
        "list lines joined into one: merged, the edited entry's figure unchanged",
        "Timeline\n\n966 Christianization of Mieszko I and Poland\n\n"
        "968 First bishopric in Poland at Poznan\n\n972 Battle of Cedynia over Hodo\n\n"
        "992 Death of Mieszko I\n\nSources.",
        "Timeline\n\n966 Christianization of Mieszko I and Poland\n"
        "968 First bishopric in Poland at Poznan\n972 Battle of Cedynia over margrave Hodon\n"
        "992 Death of Mieszko I\n\nSources.",
        [
            (
                "merged",
                (1, 2, 3, 4),
                (1,),
                True,
                [],
                [
                    (0, "966 Christianization of Mieszko I and Poland"),
                    (-1, " "),
                    (1, "\n"),
                    (0, "968 First bishopric in Poland at Poznan"),
                    (-1, " "),
                    (1, "\n"),
                    (0, "972 Battle of Cedynia over "),
                    (-1, "Hodo "),
                    (1, "margrave Hodon\n"),
                    (0, "992 Death of Mieszko I"),
                ],
            )
        ],
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "expected"), GOLDEN, ids=[g[0] for g in GOLDEN])
def test_changes_golden(name, old, new, expected):
    assert changes(old, new) == expected


MOVED_OLD = (
    "Alpha starts the story here. Alpha goes on for a while.\n\n"
    "Beta is the second paragraph. Beta has more to say. Beta ends now.\n\n"
    "Gamma closes the piece. Gamma reports 12 injured."
)


def test_moved_paragraph():
    new = (
        "Gamma closes the piece. Gamma reports 12 injured.\n\n"
        "Alpha starts the story here. Alpha goes on for a while.\n\n"
        "Beta is the second paragraph. Beta has more to say. Beta ends now."
    )
    assert changes(MOVED_OLD, new) == [
        ("moved", (5,), (0,), False, [], [(0, "Gamma closes the piece.")]),
        ("moved", (6,), (1,), False, [], [(0, "Gamma reports 12 injured.")]),
    ]


def test_moved_and_changed():
    """A moved sentence whose figure changed is a figure change (the group says moved);
    one whose words changed stays moved, with its word diff and also_wording."""
    new = (
        "Gamma closes the whole piece. Gamma reports 15 injured.\n\n"
        "Alpha starts the story here. Alpha goes on for a while.\n\n"
        "Beta is the second paragraph. Beta has more to say. Beta ends now."
    )
    got = [
        c
        for c in compare(S(MOVED_OLD), S(new), relation="revision", old_lang="en", new_lang="en")
        if c.kind != "same"
    ]
    assert [(c.kind, c.group.old, c.group.new, c.group.method, c.also_wording) for c in got] == [
        ("moved", (5,), (0,), "moved", True),
        ("figure", (6,), (1,), "moved", False),
    ]
    assert got[0].diff == [(0, "Gamma closes the "), (1, "whole "), (0, "piece.")]
    assert [(p.old.raw, p.new.raw) for p in got[1].figures] == [("12", "15")]


def test_same_groups_are_returned_as_alignments():
    got = compare(S("One. Two."), S("One. Two."), relation="revision", old_lang="en", new_lang="en")
    assert [(c.kind, c.group.old, c.group.new, c.diff) for c in got] == [
        ("same", (0,), (0,), [(0, "One.")]),
        ("same", (1,), (1,), [(0, "Two.")]),
    ]


def _fig(raw: str, value: float | None, start: int = 0, kind: str = "integer") -> Figure:
    return Figure(raw, start, start + len(raw), value, kind)


def _sent(pos: int, text: str, *figs: Figure) -> Sentence:
    return Sentence(pos, 0, text, text.lower(), text.lower(), tuple(figs))


def test_translation(monkeypatch):
    old = [
        _sent(0, "Some 30,000 people were killed", _fig("30,000", 30000, 5)),
        _sent(
            1,
            "About 120,000 Armenians fled in 2023",
            _fig("120,000", 120000, 6),
            _fig("2023", 2023, 32),
        ),
        _sent(2, "The talks failed"),
        _sent(3, "It ended in 1994", _fig("1994", 1994, 12)),
    ]
    new = [
        _sent(0, "Etwa 30.000 Menschen starben", _fig("30.000", 30000, 5)),
        _sent(1, "Rund 4,120 Armenier flohen 2023", _fig("2023", 2023, 27), _fig("4,120", None, 5)),
        _sent(2, "Es gab viele Tote"),
        _sent(3, "Es endete fünf Jahre später", _fig("fünf", 5, 10, "words")),
    ]
    groups = [
        Group((0,), (0,), 0.9, "test"),
        Group((1,), (1,), 0.9, "test"),
        Group((2,), (), 0.0, "none"),
        Group((), (2,), 0.0, "none"),
        Group((3,), (3,), 0.9, "test"),
    ]
    seen = []

    def fake(src, tgt, lang1, lang2):
        seen.append((len(src), len(tgt), lang1, lang2))
        return groups

    monkeypatch.setattr(compare_mod, "align_translation", fake)
    got = compare(old, new, relation="translation", old_lang="en", new_lang="de")
    assert seen == [(4, 4, "en", "de")]
    assert [
        (
            c.kind,
            c.group,
            c.also_wording,
            [(p.old and p.old.raw, p.new and p.new.raw) for p in c.figures],
            c.diff,
        )
        for c in got
    ] == [
        ("same", groups[0], False, [], []),
        ("figure", groups[1], False, [("120,000", "4,120")], []),
        ("removed", groups[2], False, [], []),
        ("added", groups[3], False, [], []),
        ("figure", groups[4], False, [("1994", "fünf")], []),
    ]


def test_translation_uses_crossalign_by_default():
    # Same figures in the same places: nothing but "same".
    en = S("There were 12 dead. It ended in 1994.")
    other = S("Il y avait 12 morts. Cela a fini en 1994.")
    got = compare(en, other, relation="translation", old_lang="en", new_lang="fr")
    assert {c.kind for c in got} == {"same"}


TEXTS = st.lists(
    st.sampled_from(
        [
            "Some 30,000 people were killed.",
            "It cost 1,200 dollars.",
            "שלום עולם 12.",
            "مرحبا 5 بالعالم.",
            "👨‍👩‍👧 family of 3!",
            "The end.",
        ]
    )
    | st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=30),
    min_size=1,
    max_size=15,
).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_compare_with_itself_is_all_same(text):
    s = S(text)
    got = compare(s, s, relation="revision", old_lang="en", new_lang="en")
    assert {c.kind for c in got} <= {"same"}
    assert sorted(i for c in got for i in c.group.old) == list(range(len(s)))


@settings(max_examples=150, deadline=None)
@given(TEXTS, TEXTS)
def test_every_change_diff_rebuilds_its_texts(a, b):
    old, new = S(a), S(b)
    for c in compare(old, new, relation="revision", old_lang="en", new_lang="en"):
        assert ops_old(c.diff) == " ".join(old[i].text for i in c.group.old)
        assert ops_new(c.diff) == " ".join(new[j].text for j in c.group.new)
        if c.kind == "figure":
            assert c.figures
        else:
            assert not c.figures


def test_translation_ignores_a_lone_two_carried_by_grammar():
    en = analyse("Armenia has fought two major wars over Karabakh since 1988.", "en").sentences
    ar = analyse("خاضت أرمينيا حربين كبيرتين بسبب قرة باغ منذ عام ١٩٨٨.", "ar").sentences
    fr = analyse("L'Arménie a mené deux guerres depuis 1989.", "fr").sentences
    assert [
        c.kind for c in compare(en, ar, relation="translation", old_lang="en", new_lang="ar")
    ] == ["same"]
    changes = compare(en, fr, relation="translation", old_lang="en", new_lang="fr")
    assert [(c.kind, [(p.old.raw, p.new.raw) for p in c.figures]) for c in changes] == [
        ("figure", [("1988", "1989")])
    ]
