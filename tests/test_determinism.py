"""The same inputs give the same database, whatever the number of workers."""

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import CORPUS
from variorum.cli import cli


def dump(db: Path) -> list[str]:
    """Every statement of the database, except the migration log's timestamps."""
    conn = sqlite3.connect(db)
    try:
        return [
            line
            for line in conn.iterdump()
            if not line.startswith('INSERT INTO "_sqlite_migrations"')
        ]
    finally:
        conn.close()


def ingest(db: Path, *extra: str) -> None:
    r = CliRunner().invoke(cli, ["--db", str(db), "ingest", str(CORPUS), "--quiet", *extra])
    assert r.exit_code == 0, r.output


def test_corpus_ingest_is_deterministic(tmp_path):
    ingest(tmp_path / "a.db")
    ingest(tmp_path / "b.db")
    ingest(tmp_path / "c.db", "--workers", "2")
    a = dump(tmp_path / "a.db")
    assert len(a) > 100
    assert dump(tmp_path / "b.db") == a
    assert dump(tmp_path / "c.db") == a
