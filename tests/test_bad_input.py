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


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "no text to ingest (the source is empty or whitespace only)"),
        ("blank.txt", b"  \n\n \t\n", "no text to ingest (the source is empty or whitespace only)"),
        ("pic.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a PNG image, not text"),
        ("doc.txt", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj", "looks like a PDF document, not text"),
        (
            "arch.txt",
            b"PK\x03\x04\x14\x00\x00\x00",
            "looks like a ZIP archive (or a DOCX/ODT/EPUB document), not text",
        ),
        (
            "bad.txt",
            "Grüße aus München.\nZweite Zeile ".encode() + b"\xff kaputt.\n",
            "invalid UTF-8 at line 2, byte offset 35 (byte 0xff); the rest is UTF-8, "
            "so fix that spot or re-save the file as UTF-8",
        ),
        (
            "u16.txt",
            "Hello world. Second sentence.".encode("utf-16-le"),
            "looks like UTF-16 (little-endian) text without a byte order mark; "
            "re-save it as UTF-8, or as UTF-16 with a BOM",
        ),
        (
            "nul.txt",
            b"Text with \x00 NUL.",
            "looks like binary data (it contains NUL bytes), not text",
        ),
    ],
)
def test_unreadable_sources(seeded, tmp_path, name, data, message):
    db, run = seeded
    src = tmp_path / name
    src.write_bytes(data)
    before = snapshot(db)
    assert_refused(db, before, run("ingest", str(src), "--article", "a"), f"{src}: {message}")


def test_unreadable_stdin(seeded):
    db, run = seeded
    before = snapshot(db)
    result = run("ingest", "-", "--article", "a", input=b"\x89PNG\r\n\x1a\n\x00\x00")
    assert_refused(db, before, result, "<stdin>: looks like a PNG image, not text")


def test_over_the_size_limit(seeded, tmp_path):
    db, run = seeded
    src = tmp_path / "huge.txt"
    with open(src, "w") as fh:
        for k in range(50 * 1024 * 1024 // 64):
            fh.write(f"Sentence number {k:>10} of a very long file that goes on.\n")
    before = snapshot(db)
    size = src.stat().st_size
    assert_refused(
        db,
        before,
        run("ingest", str(src), "--article", "a"),
        f"{src}: {size:,} bytes is over the input limit of 20,971,520 bytes "
        "(set VARIORUM_MAX_BYTES to raise it)",
    )


def test_mixed_line_endings_are_one_text(seeded, tmp_path):
    _, run = seeded
    src = tmp_path / "mixed.txt"
    src.write_bytes(b"First line.\r\nStill first paragraph.\r\n\r\nSecond.\rThird.\n\nFourth.")
    result = run("ingest", str(src), "--article", "mixed", "--label", "v1")
    assert result.exit_code == 0, result.output
    doc = run("versions", "mixed", "--json")
    assert json.loads(doc.output)[0]["chars"] == len(
        "First line.\nStill first paragraph.\n\nSecond.\nThird.\n\nFourth."
    )


def test_one_huge_line_without_sentence_end(seeded, tmp_path):
    _, run = seeded
    src = tmp_path / "line.txt"
    src.write_text(("word " * (5 * 1024 * 1024 // 5)).strip())
    result = run("ingest", str(src), "--article", "line", "--label", "v1")
    assert result.exit_code == 0, result.output
    rows = json.loads(run("versions", "line", "--json").output)
    assert rows[0]["sentences"] == 1


def test_control_characters_never_reach_the_terminal(seeded, tmp_path):
    db, run = seeded
    src = tmp_path / "ctl.txt"
    src.write_text("Clear \x1b[2J the screen and ring \x07 the bell: 5 people.\n")
    assert run("ingest", str(src), "--article", "ctl", "--label", "v1").exit_code == 0
    src.write_text("Clear \x1b[2J the screen and ring \x07 the bell: 6 people.\n")
    assert run("ingest", str(src), "--article", "ctl", "--label", "v2").exit_code == 0
    for args in (
        ["diff", "ctl", "v1", "v2"],
        ["figures", "ctl"],
        ["versions", "ctl"],
        ["diff", "ctl", "v1", "v2", "--json"],
    ):
        out = run(*args).output
        assert "\x1b" not in out and "\x07" not in out, args
    text = run("diff", "ctl", "v1", "v2").output
    assert "\\x1b[2J" in text
    doc = json.loads(run("diff", "ctl", "v1", "v2", "--json").output)
    assert doc["changes"][0]["old"] == [
        "Clear \x1b[2J the screen and ring \x07 the bell: 5 people."
    ]
