"""The command-line contract, through CliRunner, on the seed and the corpus."""

import json

import pytest
from click.testing import CliRunner

from tests.conftest import CORPUS, SEED
from variorum.cli import cli

V2 = CORPUS / "aliyev-karabakh" / "v2.en.txt"


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "corpus.db"
    r = CliRunner().invoke(cli, ["--db", str(db), "ingest", str(CORPUS)])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[-1] == "7 added, 0 unchanged, 0 failed"
    return db


def run(db, *args, input=None):
    return CliRunner().invoke(cli, ["--db", str(db), *args], input=input)


def test_seed_figure_issues_exactly(corpus_db):
    r = run(corpus_db, "figures", "aliyev-karabakh", "v1", "--issues", "--json")
    assert r.exit_code == 0, r.output
    rows = [(f["sentence"], f["raw"], f["issue"]) for f in json.loads(r.output)]
    assert rows == [
        (7, "30,1988", "bad-grouping"),
        (7, "<>", "placeholder"),
        (36, "<>,<>", "placeholder"),
        (45, "98,10", "bad-grouping"),
        (45, "<>", "placeholder"),
    ]
    every = json.loads(run(corpus_db, "figures", "aliyev-karabakh", "v1", "--json").output)
    sound = {f["raw"] for f in every if not f["issue"]}
    assert {"September 19", "44", "192", "200", "61", "2018", "2020", "2022"} <= sound


def test_corrected_versions_have_no_figure_issues(corpus_db):
    r = run(corpus_db, "figures", "aliyev-karabakh", "--issues", "--json")
    assert {f["label"] for f in json.loads(r.output)} == {"v1"}


def test_check_lints_without_a_database(tmp_path):
    r = CliRunner().invoke(cli, ["check", str(SEED)])
    assert r.exit_code == 1
    assert [line.split()[1] for line in r.output.splitlines()[2:]] == [
        "30,1988",
        "<>",
        "<>,<>",
        "98,10",
        "<>",
    ]
    r = CliRunner().invoke(cli, ["check", str(V2)])
    assert (r.exit_code, r.output) == (0, "no figure issues\n")
    r = CliRunner().invoke(cli, ["check", "-", "--lang", "de"], input="Es kamen <> Menschen.")
    assert r.exit_code == 1
    assert "placeholder" in r.output
    assert not list(tmp_path.iterdir())


def test_versions_json(corpus_db):
    rows = json.loads(run(corpus_db, "versions", "aliyev-karabakh", "--json").output)
    assert [(v["label"], v["lang"], v["parent"], v["translation_of"]) for v in rows] == [
        ("v1", "en", None, None),
        ("v2", "en", "v1", None),
        ("v3", "en", "v2", None),
        ("de-1", "de", None, "v2"),
        ("fr-1", "fr", None, "v2"),
        ("ru-1", "ru", None, "v2"),
        ("ar-1", "ar", None, "v2"),
    ]


def test_diff_json_contract(corpus_db):
    doc = json.loads(run(corpus_db, "diff", "aliyev-karabakh", "v1", "v2", "--json").output)
    assert (doc["article"], doc["from"], doc["to"], doc["relation"]) == (
        "aliyev-karabakh",
        "v1",
        "v2",
        "revision",
    )
    first = next(c for c in doc["changes"] if c["kind"] == "figure")
    assert first["old"] == [
        "Some 30,1988 people were killed and more than a million displaced, more than half of "
        "them Azerbaijani nationals, during a war that lasted from 1994 to <>."
    ]
    assert first["figures"] == [
        {"old": "30,1988", "new": "30,000", "old_value": None, "new_value": 30000},
        {"old": "1994", "new": "1988", "old_value": 1994, "new_value": 1988},
        {"old": "<>", "new": "1994", "old_value": None, "new_value": 1994},
    ]
    assert first["also_wording"] is False
    assert "".join(t for op, t in first["diff"] if op <= 0) == first["old"][0]
    assert "".join(t for op, t in first["diff"] if op >= 0) == first["new"][0]
    assert first["diff"][0] == [0, "Some "]


def test_diff_of_a_version_with_itself_is_refused(corpus_db):
    r = run(corpus_db, "diff", "aliyev-karabakh", "v2", "v2")
    assert (r.exit_code, r.output) == (1, "Error: FROM_LABEL and TO_LABEL name the same version\n")


def test_diff_unknown_label(corpus_db):
    r = run(corpus_db, "diff", "aliyev-karabakh", "v1", "v9")
    assert r.exit_code == 1
    assert r.output == (
        "Error: article 'aliyev-karabakh' has no version 'v9' "
        "(it has: v1, v2, v3, de-1, fr-1, ru-1, ar-1)\n"
    )


def test_diff_on_demand_between_any_two_versions(corpus_db):
    r = run(corpus_db, "diff", "aliyev-karabakh", "v1", "v3", "--json")
    doc = json.loads(r.output)
    pairs = {
        (f["old"], f["new"]) for c in doc["changes"] if c["kind"] == "figure" for f in c["figures"]
    }
    assert ("30,1988", "30,000") in pairs and ("98,10", "100,600") in pairs


def test_stdin_ingest_inherits_the_article_language(tmp_path):
    db = tmp_path / "s.db"
    assert run(db, "ingest", str(V2), "--article", "k", "--lang", "en").exit_code == 0
    text = V2.read_text().replace("more than 100,000", "more than 100,600")
    r = run(db, "ingest", "-", "--article", "k", "--label", "v5", input=text)
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        "k/v5: added",
        "  revision v1 -> v5: 1 figure change",
    ]


HOSTILE = (
    'He said "<script>alert(1)</script>" to 5 people.\n\n'
    '<img src=x onerror=alert(1)> saw 7 cars & 3 "buses".\n'
)


def test_diff_html_escapes_article_text(tmp_path):
    db = tmp_path / "x.db"
    src = tmp_path / "a.txt"
    src.write_text(HOSTILE)
    assert run(db, "ingest", str(src), "--article", "x", "--label", "v1").exit_code == 0
    src.write_text(HOSTILE.replace("5 people", "6 people").replace("7 cars", "8 cars"))
    assert run(db, "ingest", str(src), "--article", "x", "--label", "v2").exit_code == 0
    page = run(db, "diff", "x", "v1", "v2", "--html").output
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<del>5</del><ins>6</ins>" in page or "<del>5 </del>" not in page
    assert page.count("<tr class='figure'>") == 2
