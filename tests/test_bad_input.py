"""The bad-input matrix: each case gives one clear line, a non-zero exit, and leaves
the database byte for byte as it was."""

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SEED
from variorum.cli import cli

GOOD = "Some 30,000 people were killed.\n\nThe war lasted from 1988 to 1994.\n"


def snapshot(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(db.parent.glob(db.name + "*")) if p.is_file()}


@pytest.fixture
def seeded(tmp_path):
    """A database holding one version, and a function running the CLI against it."""
    db = tmp_path / "corpus.db"
    runner = CliRunner()
    r = runner.invoke(
        cli, ["--db", str(db), "ingest", str(SEED), "--article", "a", "--label", "v1"]
    )
    assert r.exit_code == 0, r.output

    def run(*args: str, input: bytes | None = None):
        return runner.invoke(cli, ["--db", str(db), *args], input=input)

    return db, run


def assert_refused(db: Path, before: dict[str, bytes], result, message: str) -> None:
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert lines == [f"Error: {message}"], result.output
    assert snapshot(db) == before


def test_missing_path(seeded, tmp_path):
    db, run = seeded
    before = snapshot(db)
    missing = tmp_path / "nope.txt"
    assert_refused(
        db, before, run("ingest", str(missing), "--article", "a"), f"{missing}: no such file"
    )


def test_folder_without_manifest(seeded, tmp_path):
    db, run = seeded
    folder = tmp_path / "loose"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD)
    before = snapshot(db)
    assert_refused(
        db,
        before,
        run("ingest", str(folder)),
        f"{folder}: no versions.yml manifest in it or its subfolders",
    )


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("article: a\nversions: [\n", "not valid YAML at line 3"),
        ("article: a\nversions:\n  - {label: v9, file: gone.txt}\n", "file 'gone.txt' not found"),
        ("article: a\nauthor: me\nversions:\n  - {label: v9, file: x.txt}\n", "unknown key"),
        (
            "article: a\nversions:\n  - {label: x, file: x.txt, translation_of: y}\n"
            "  - {label: y, file: x.txt, translation_of: x}\n",
            "translation_of forms a cycle: x -> y -> x",
        ),
    ],
)
def test_malformed_manifest(seeded, tmp_path, manifest, message):
    db, run = seeded
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "x.txt").write_text(GOOD)
    (folder / "versions.yml").write_text(manifest)
    before = snapshot(db)
    result = run("ingest", str(folder))
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1
    assert message in result.output
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "xx"], "unknown language code 'xx' (supported: ar, de, en, es, fr, ru)"),
        (["--article", "a/b"], "invalid article slug 'a/b'"),
        (["--article", "a b"], "invalid article slug 'a b'"),
        (["--article", ".."], "invalid article slug '..'"),
        (["--label", "v1"], "version 'v1' of 'a' already exists with different content"),
        (["--translation-of", "v7"], "--translation-of 'v7': 'a' has no such version"),
        (["--date", "yesterday"], "--date 'yesterday' is not an ISO 8601 date"),
    ],
)
def test_bad_options(seeded, tmp_path, args, message):
    db, run = seeded
    src = tmp_path / "v2.txt"
    src.write_text(GOOD)
    before = snapshot(db)
    opts = ["--article", "a", *args] if "--article" not in args else args
    result = run("ingest", str(src), *opts)
    assert result.exit_code != 0
    assert result.output.strip().splitlines()[0].startswith(f"Error: {message}")
    assert len(result.output.strip().splitlines()) == 1
    assert snapshot(db) == before


def test_database_that_is_not_sqlite(tmp_path):
    db = tmp_path / "notes.db"
    db.write_text("these are my notes, not a database\n")
    src = tmp_path / "a.txt"
    src.write_text(GOOD)
    before = snapshot(db)
    result = CliRunner().invoke(cli, ["--db", str(db), "ingest", str(src), "--article", "a"])
    assert_refused(db, before, result, f"'{db}' is not an SQLite database")


def test_read_only_database(seeded, tmp_path):
    """A database on a read-only mount (chattr-free, works as root too)."""
    db, run = seeded
    mnt = tmp_path / "ro"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(mnt)], check=True)
    try:
        ro_db = mnt / "corpus.db"
        ro_db.write_bytes(db.read_bytes())
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        src = tmp_path / "v2.txt"
        src.write_text(GOOD)
        before = snapshot(ro_db)
        result = CliRunner().invoke(cli, ["--db", str(ro_db), "ingest", str(src), "--article", "a"])
        assert result.exit_code != 0
        assert len(result.output.strip().splitlines()) == 1
        assert "read-only" in result.output, result.output
        assert snapshot(ro_db) == before
        # Reading still works.
        listed = CliRunner().invoke(cli, ["--db", str(ro_db), "versions", "a", "--json"])
        assert listed.exit_code == 0, listed.output
        assert [v["label"] for v in json.loads(listed.output)] == ["v1"]
        assert snapshot(ro_db) == before
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_full_disk(seeded, tmp_path):
    """A database on a tiny filesystem: the version that does not fit is not written."""
    db, _ = seeded
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    size = db.stat().st_size + 64 * 1024
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)], check=True)
    try:
        full_db = mnt / "corpus.db"
        full_db.write_bytes(db.read_bytes())
        big = tmp_path / "big.txt"
        big.write_text(
            "\n\n".join(f"Paragraph {k} says {k * 7} people came." for k in range(20000))
        )
        before = snapshot(full_db)
        result = CliRunner().invoke(
            cli, ["--db", str(full_db), "ingest", str(big), "--article", "a", "--label", "big"]
        )
        assert result.exit_code != 0
        assert len(result.output.strip().splitlines()) == 1
        assert "full" in result.output, result.output
        # The failed transaction leaves the main file as it was; SQLite may leave an
        # empty or rolled-back journal beside it, which holds no data.
        assert full_db.read_bytes() == before["corpus.db"]
        r = CliRunner().invoke(cli, ["--db", str(full_db), "versions", "a", "--json"])
        assert '"label": "big"' not in r.output
    finally:
        subprocess.run(["umount", str(mnt)], check=True)
