"""Ingest through the library: storage rows, idempotency, lineage, manifests."""

from pathlib import Path

import pytest

from variorum import store
from variorum.errors import CorpusError, ManifestError, VariorumError
from variorum.ingest import ingest_folder, ingest_text, read_manifest

TEXT1 = "Some 30,1988 people were killed.\n\nThe war lasted from 1994 to <>.\n"
TEXT2 = "Some 30,000 people were killed.\n\nThe war lasted from 1988 to 1994.\n"


@pytest.fixture
def db(db_path):
    d = store.open_db(db_path)
    yield d
    store.close_db(d)


def rows(db, sql, params=()):
    return [tuple(r) for r in db.execute(sql, params).fetchall()]


def test_ingest_stores_version_sentences_and_figures(db):
    r = ingest_text(db, TEXT1, article="war", lang="en", label="v1", date="2023-09-28")
    assert (r.status, r.article, r.label) == ("added", "war", "v1")
    assert rows(db, "select slug from articles") == [("war",)]
    assert rows(db, "select label, name, lang, seq, parent, date, chars from versions") == [
        ("v1", "war/v1", "en", 1, None, "2023-09-28", len(TEXT1))
    ]
    sents = rows(db, "select position, paragraph, start, end, text from sentences order by id")
    assert sents == [
        (0, 0, 0, 32, "Some 30,1988 people were killed."),
        (1, 1, 34, 65, "The war lasted from 1994 to <>."),
    ]
    for _, _, start, end, text in sents:
        assert TEXT1[start:end] == text
    raws = rows(db, "select raw from figures order by id")
    assert ("30,1988",) in raws and ("<>",) in raws


def test_identical_content_is_a_no_op(db):
    ingest_text(db, TEXT1, article="war", label="v1")
    before = db.execute("select count(*) from sentences").fetchone()[0]
    again = ingest_text(db, TEXT1, article="war", label="v1")
    same_unlabelled = ingest_text(db, TEXT1, article="war")
    assert again.status == same_unlabelled.status == "unchanged"
    assert same_unlabelled.label == "v1"
    assert db.execute("select count(*) from sentences").fetchone()[0] == before
    assert db["versions"].count == 1


def test_second_version_gets_parent_and_comparison(db):
    ingest_text(db, TEXT1, article="war", label="v1")
    r = ingest_text(db, TEXT2, article="war")
    assert r.label == "v2"
    assert rows(db, "select label, parent from versions order by seq") == [("v1", None), ("v2", 1)]
    assert rows(db, "select from_version, to_version, relation from comparisons") == [
        (1, 2, "revision")
    ]
    assert r.comparisons == [1]


def test_lineage_follows_dates_when_every_version_has_one(db):
    ingest_text(db, TEXT2, article="war", label="late", date="2023-10-05")
    ingest_text(db, TEXT1, article="war", label="early", date="2023-09-28")
    parents = dict(
        rows(
            db,
            "select v.label, p.label from versions v left join versions p on p.id = v.parent",
        )
    )
    assert parents == {"early": None, "late": "early"}


def test_translation_is_compared_with_its_source(db):
    ingest_text(db, TEXT2, article="war", label="v2", lang="en")
    ingest_text(
        db,
        "Etwa 30.000 Menschen wurden getötet.\n\nDer Krieg dauerte von 1988 bis 1994.\n",
        article="war",
        lang="de",
        label="de-1",
        translation_of="v2",
    )
    assert rows(db, "select v.label, v.parent, v.translation_of from versions v") == [
        ("v2", None, None),
        ("de-1", None, 1),
    ]
    assert rows(db, "select from_version, to_version, relation from comparisons") == [
        (1, 2, "translation")
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"label": "v1"}, "version 'v1' of 'war' already exists with different content"),
        ({"translation_of": "nope"}, "--translation-of 'nope': 'war' has no such version"),
        ({"lang": "xx"}, "unknown language code 'xx' (supported: ar, de, en, es, fr, ru)"),
    ],
)
def test_conflicts_are_clear_errors_and_write_nothing(db, kwargs, message):
    ingest_text(db, TEXT1, article="war", label="v1")
    counts = store.table_counts(db, ["versions", "sentences", "figures", "comparisons"])
    with pytest.raises(VariorumError) as e:
        ingest_text(db, TEXT2, article="war", **kwargs)
    assert str(e.value) == message
    assert store.table_counts(db, ["versions", "sentences", "figures", "comparisons"]) == counts


@pytest.mark.parametrize("slug", ["a/b", "a b", "..", "a..b", "", "Upper"])
def test_bad_slugs_are_refused(db, slug):
    with pytest.raises(VariorumError, match="invalid article slug"):
        ingest_text(db, TEXT1, article=slug)


def test_duplicate_label_raises_corpus_error(db):
    ingest_text(db, TEXT1, article="war", label="v1")
    with pytest.raises(CorpusError):
        ingest_text(db, TEXT2, article="war", label="v1")


def write_manifest(folder: Path, body: str, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "versions.yml").write_text(body, encoding="utf-8")
    return folder


GOOD = """\
article: war
title: The war
versions:
  - label: v1
    file: a.txt
    lang: en
  - label: v2
    file: b.txt
    lang: en
"""


def test_folder_ingest_reports_summary(db, tmp_path):
    folder = write_manifest(tmp_path / "c" / "war", GOOD, {"a.txt": TEXT1, "b.txt": TEXT2})
    result = ingest_folder(db, tmp_path / "c")
    assert (result.added, result.unchanged, result.failed) == (2, 0, 0)
    assert result.summary == "2 added, 0 unchanged, 0 failed"
    again = ingest_folder(db, folder)
    assert again.summary == "0 added, 2 unchanged, 0 failed"
    assert rows(db, "select title from articles") == [("The war",)]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("article: war\nversions: [\n", "not valid YAML at line 3"),
        ("article: war\ncolour: red\nversions: []\n", "unknown key 'colour'"),
        ("article: war\nversions: []\n", "'versions' must be a non-empty list"),
        (
            "article: war\nversions:\n  - label: v1\n    file: missing.txt\n",
            "version 'v1': file 'missing.txt' not found",
        ),
        (
            "article: war\nversions:\n  - {label: v1, file: a.txt, colour: red}\n",
            "version 1: unknown key 'colour'",
        ),
        (
            "article: war\nversions:\n  - {label: a, file: a.txt, translation_of: b}\n"
            "  - {label: b, file: b.txt, translation_of: a}\n",
            "translation_of forms a cycle: a -> b -> a",
        ),
        (
            "article: war\nversions:\n  - {label: a, file: a.txt, lang: xx}\n",
            "version 1: unknown language code 'xx'",
        ),
        ("article: ../x\nversions:\n  - {label: a, file: a.txt}\n", "invalid article slug"),
    ],
)
def test_malformed_manifests_are_refused_before_writing(db, tmp_path, body, message):
    folder = write_manifest(tmp_path / "war", body, {"a.txt": TEXT1, "b.txt": TEXT2})
    with pytest.raises(ManifestError) as e:
        read_manifest(folder / "versions.yml")
    assert message in str(e.value)
    with pytest.raises(ManifestError):
        ingest_folder(db, folder)
    assert db["versions"].count == 0


def test_folder_without_manifest(db, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ManifestError, match="no versions.yml manifest in it or its subfolders"):
        ingest_folder(db, tmp_path / "empty")


def test_failed_version_does_not_stop_the_others(db, tmp_path):
    folder = write_manifest(tmp_path / "war", GOOD, {"a.txt": TEXT1, "b.txt": TEXT2})
    (folder / "a.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = ingest_folder(db, folder)
    assert (result.added, result.failed) == (1, 1)
    assert result.errors[0].startswith("war/v1: ")
    assert rows(db, "select label from versions") == [("v2",)]


def test_result_names_only_the_comparisons_this_ingest_computed(db):
    ingest_text(db, TEXT1, article="war", label="v1")
    ingest_text(db, TEXT2, article="war", label="v2")
    r = ingest_text(db, TEXT2.replace("1988", "1989"), article="war", label="v3")
    assert r.comparisons == [2]
    assert rows(db, "select id, from_version, to_version from comparisons") == [
        (1, 1, 2),
        (2, 2, 3),
    ]
