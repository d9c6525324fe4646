"""Cross-language sentence alignment: golden cases, output format, CLI, invariants."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.cli import cli
from variorum.crossalign import EmbeddingScorer, align_translation, format_bleualign, prepare
from variorum.model import Group

DE = (
    "Der Gipfel ist 4478 Meter hoch.\n"
    "Im Jahr 1865 erreichte Edward Whymper den Gipfel zum ersten Mal.\n"
    "Vier der sieben Bergsteiger starben beim Abstieg.\n"
    "Heute besteigen jeden Sommer etwa 3000 Menschen den Berg.\n"
)
FR = (
    "Le sommet culmine à 4478 mètres.\n"
    "En 1865, Edward Whymper atteignit le sommet pour la première fois.\n"
    "Quatre des sept alpinistes moururent à la descente.\n"
    "Aujourd'hui, environ 3000 personnes gravissent la montagne chaque été.\n"
)
EN_SPLIT = (
    "The company reported revenue of 4.2 billion euros in 2023, up from 3.9 billion a year "
    "earlier, and said it would hire 1,200 people.\n"
    "Chief executive Anna Berger called the result encouraging.\n"
)
DE_SPLIT = (
    "Das Unternehmen meldete für 2023 einen Umsatz von 4,2 Milliarden Euro nach 3,9 "
    "Milliarden im Vorjahr.\n"
    "Es werde 1.200 Mitarbeiter einstellen.\n"
    "Vorstandschefin Anna Berger nannte das Ergebnis ermutigend.\n"
)
EN_OMIT = (
    "Parliament met on Tuesday in Geneva.\n"
    "The session lasted until midnight, and 47 speakers took the floor.\n"
    "The vote on the budget was postponed to 12 March.\n"
    "Observers from Brussels attended the debate.\n"
)
FR_OMIT = (
    "Le Parlement s'est réuni mardi à Genève.\n"
    "Le vote sur le budget a été reporté au 12 mars.\n"
    "Des observateurs de Bruxelles ont assisté au débat.\n"
)
EN_NAMES = (
    "Ilham Aliyev spoke in Baku on Monday.\n"
    "He said that Azerbaijan would not negotiate.\n"
    "Armenian officials in Yerevan rejected the statement?\n"
)
RU_NAMES = (
    "Ильхам Алиев выступил в понедельник в Баку.\n"
    "Он заявил, что Азербайджан не будет вести переговоры.\n"
    "Армянские официальные лица в Ереване отвергли это заявление?\n"
)
EN_FIGS = (
    "About 30,000 people were killed in the war between 1988 and 1994.\n"
    "The region has a population of 120,000.\n"
    "Talks resumed in Moscow.\n"
)
AR_FIGS = (
    "قُتل نحو 30000 شخص في الحرب بين عامي 1988 و1994.\n"
    "ويبلغ عدد سكان المنطقة 120000 نسمة.\n"
    "واستؤنفت المحادثات في موسكو.\n"
)
# (id, lang1, text1, lang2, text2, expected bleualign output). In the omission
# cases lengths alone would pair the omitted sentence and merge the next two; the
# shared names (Genève, budget, Bruxelles) and figures put the gap in its place.
GOLDEN = [
    ("de-fr figures", "de", DE, "fr", FR, "[0]:[0]\n[1]:[1]\n[2]:[2]\n[3]:[3]\n"),
    ("en-de 1-2 split", "en", EN_SPLIT, "de", DE_SPLIT, "[0]:[0, 1]\n[1]:[2]\n"),
    ("en-fr omitted sentence", "en", EN_OMIT, "fr", FR_OMIT, "[0]:[0]\n[1]:[]\n[2]:[1]\n[3]:[2]\n"),
    ("fr-en added sentence", "fr", FR_OMIT, "en", EN_OMIT, "[0]:[0]\n[]:[1]\n[1]:[2]\n[2]:[3]\n"),
    ("en-ru transliterated names", "en", EN_NAMES, "ru", RU_NAMES, "[0]:[0]\n[1]:[1]\n[2]:[2]\n"),
    ("en-ar figures", "en", EN_FIGS, "ar", AR_FIGS, "[0]:[0]\n[1]:[1]\n[2]:[2]\n"),
    ("de-en 2-1 merge", "de", DE_SPLIT, "en", EN_SPLIT, "[0, 1]:[0]\n[2]:[1]\n"),
]


def _align(lang1: str, text1: str, lang2: str, text2: str, **kw: object) -> list[Group]:
    src = prepare(text1, lang1, presegmented=True)
    tgt = prepare(text2, lang2, presegmented=True)
    return align_translation(src, tgt, lang1, lang2, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lang1", "text1", "lang2", "text2", "expected"),
    [pytest.param(*g[1:], id=g[0]) for g in GOLDEN],
)
def test_golden_alignments(lang1: str, text1: str, lang2: str, text2: str, expected: str) -> None:
    assert format_bleualign(_align(lang1, text1, lang2, text2)) == expected


def test_groups_carry_method_and_score() -> None:
    groups = _align("en", EN_OMIT, "fr", FR_OMIT)
    assert [(g.old, g.new, g.method) for g in groups] == [
        ((0,), (0,), "anchors"),
        ((1,), (), "unmatched"),
        ((2,), (1,), "anchors"),
        ((3,), (2,), "anchors"),
    ]
    assert all(0.0 <= g.score <= 1.0 for g in groups)
    assert groups[2].score > 0.9  # vote, budget and 12 shared


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        ([], ""),
        ([Group((0,), (0, 1))], "[0]:[0, 1]\n"),
        ([Group((), (3,)), Group((4,), ())], "[]:[3]\n[4]:[]\n"),
        ([Group((1, 2, 3), (5,))], "[1, 2, 3]:[5]\n"),
    ],
)
def test_format_bleualign(groups: list[Group], expected: str) -> None:
    assert format_bleualign(groups) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\nb\n", ["a", "b"]),
        ("a\nb", ["a", "b"]),
        ("a\r\n\r\nb\r\n", ["a", "", "b"]),
        ("", []),
    ],
)
def test_prepare_presegmented_keeps_one_sentence_a_line(text: str, expected: list[str]) -> None:
    sents = prepare(text, "en", presegmented=True)
    assert [s.text for s in sents] == expected
    assert [s.position for s in sents] == list(range(len(expected)))


def test_prepare_segments_running_text() -> None:
    sents = prepare("First one. Second one.\n\nThird one.\n", "en")
    assert [(s.text, s.paragraph) for s in sents] == [
        ("First one.", 0),
        ("Second one.", 0),
        ("Third one.", 1),
    ]


def test_cli_align_bleualign_and_json(tmp_path) -> None:
    f1, f2 = tmp_path / "en.txt", tmp_path / "fr.txt"
    f1.write_text(EN_OMIT, encoding="utf-8")
    f2.write_text(FR_OMIT, encoding="utf-8")
    args = ["align", str(f1), str(f2), "--lang1", "en", "--lang2", "fr", "--presegmented"]
    r = CliRunner().invoke(cli, [*args, "--format", "bleualign"])
    assert r.exit_code == 0, r.output
    assert r.output == "[0]:[0]\n[1]:[]\n[2]:[1]\n[3]:[2]\n"
    r = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert [(row["src"], row["tgt"]) for row in rows] == [
        ([0], [0]),
        ([1], []),
        ([2], [1]),
        ([3], [2]),
    ]


def test_cli_rejects_unknown_language(tmp_path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("One.\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["align", str(f), str(f), "--lang1", "xx", "--lang2", "en"])
    assert r.exit_code != 0
    assert "unknown language code 'xx'" in r.output


def test_deterministic() -> None:
    runs = {tuple(_align("en", EN_SPLIT + EN_OMIT, "de", DE_SPLIT + FR_OMIT)) for _ in range(3)}
    assert len(runs) == 1


def test_long_texts_take_the_banded_path_and_stay_exact() -> None:
    # 150 numbered sentence pairs with one omission: longer than the full-DP limit.
    src_lines = [f"Item {i} costs {i * 7 + 13} francs in Bern." for i in range(150)]
    tgt_lines = [f"L'article {i} coûte {i * 7 + 13} francs à Berne." for i in range(150)]
    del tgt_lines[70]
    groups = _align("en", "\n".join(src_lines), "fr", "\n".join(tgt_lines))
    expected = [((i,), (i if i < 70 else i - 1,)) for i in range(150) if i != 70]
    expected.insert(70, ((70,), ()))
    assert [(g.old, g.new) for g in groups] == expected


def test_embedding_scorer_can_decide() -> None:
    # Sentences of equal length without shared anchors: only the vectors tell
    # which English sentence the French one translates.
    src = prepare("Alpha alpha alpha.\nBeta beta beta.\n", "en", presegmented=True)
    tgt = prepare("Delta delta delta.\n", "fr", presegmented=True)
    vectors = {
        "Alpha alpha alpha.": [1.0, 0.0],
        "Beta beta beta.": [0.0, 1.0],
        "Delta delta delta.": [0.0, 1.0],
    }
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> list[list[float]]:
        calls.append(texts)
        return [vectors[t] for t in texts]

    scorer = EmbeddingScorer(embed)
    plain = align_translation(src, tgt, "en", "fr")
    groups = align_translation(src, tgt, "en", "fr", scorer=scorer, scorer_weight=10.0)
    assert [(g.old, g.new) for g in plain] != [((0,), ()), ((1,), (0,))]
    assert [(g.old, g.new) for g in groups] == [((0,), ()), ((1,), (0,))]
    # Each side is embedded once, in one batch.
    assert calls == [["Alpha alpha alpha.", "Beta beta beta."], ["Delta delta delta."]]
    assert scorer(tuple(src[1:]), tuple(tgt)) == 1.0
    assert scorer(tuple(src[:1]), tuple(tgt)) == 0.5


def test_plain_callable_scorer_overrides_weak_evidence() -> None:
    src = prepare("One line here.\nAnother line.\n", "en", presegmented=True)
    tgt = prepare("Une ligne ici.\n", "fr", presegmented=True)

    def prefers_second(a, b) -> float:  # noqa: ANN001
        return 1.0 if a[0].position == 1 else 0.0

    plain = align_translation(src, tgt, "en", "fr")
    steered = align_translation(src, tgt, "en", "fr", scorer=prefers_second, scorer_weight=20.0)
    assert [(g.old, g.new) for g in steered] == [((0,), ()), ((1,), (0,))]
    assert [(g.old, g.new) for g in plain] != [(g.old, g.new) for g in steered]


_line = st.text(alphabet=st.sampled_from(list('abc XYZ 0123456789.,?!:()«»"-éАбвعرب')), max_size=40)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_line, max_size=25),
    st.lists(_line, max_size=25),
    st.sampled_from(["en", "de", "fr", "ru", "ar", "es"]),
)
def test_groups_cover_both_sides_once_in_order(a: list[str], b: list[str], lang: str) -> None:
    src = prepare("\n".join(a), "en", presegmented=True) if a else []
    tgt = prepare("\n".join(b), lang, presegmented=True) if b else []
    groups = align_translation(src, tgt, "en", lang)
    assert [i for g in groups for i in g.old] == list(range(len(src)))
    assert [j for g in groups for j in g.new] == list(range(len(tgt)))
    for g in groups:
        assert g.old or g.new
        assert 1 <= len(g.old) + len(g.new) <= 4
        assert 0.0 <= g.score <= 1.0
        assert g.method in {"anchors", "length", "unmatched"}
