"""The demo corpus against its gold files: exactly the expected changes, nothing else."""

import json

import pytest
from click.testing import CliRunner

from tests.conftest import CORPUS
from variorum.cli import cli
from variorum.evaluate import Score, change_key, load_gold

GOLD = sorted((CORPUS / "aliyev-karabakh" / "gold").glob("*.yml"))


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("gold") / "corpus.db"
    r = CliRunner().invoke(cli, ["--db", str(db), "ingest", str(CORPUS), "--quiet"])
    assert r.exit_code == 0, r.output
    return db


@pytest.mark.parametrize("gold_path", GOLD, ids=[p.stem for p in GOLD])
def test_diff_reports_exactly_the_gold_changes(corpus_db, gold_path):
    gold = load_gold(gold_path)
    r = CliRunner().invoke(
        cli, ["--db", str(corpus_db), "diff", "aliyev-karabakh", gold["from"], gold["to"], "--json"]
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    score = Score()
    score.add(doc["changes"], gold["changes"] or [])
    assert score.missing == [] and score.spurious == [], (
        "missing:\n"
        + "\n".join(map(repr, score.missing))
        + "\nspurious:\n"
        + "\n".join(map(repr, score.spurious))
    )
    assert sorted(map(change_key, doc["changes"]), key=repr) == sorted(
        map(change_key, gold["changes"] or []), key=repr
    )
