"""Whole processes against one database: killed mid-write, and concurrent writers."""

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def variorum(db: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "variorum", "--db", str(db), *args],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def run_ok(db: Path, *args: str) -> str:
    p = variorum(db, *args)
    out, err = p.communicate(timeout=300)
    assert p.returncode == 0, err.decode()
    return out.decode()


def big_version(tmp_path: Path, n: int, copies: int) -> Path:
    """A long article: the seed repeated, each copy with its own figures."""
    seed = SEED.read_text(encoding="utf-8")
    parts = [seed.replace("192", str(1000 + k)) for k in range(copies)]
    path = tmp_path / f"big{n}.txt"
    path.write_text("\n\n".join(parts), encoding="utf-8")
    return path


def check_db(db: Path) -> list[tuple[str, int, int]]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("pragma foreign_key_check").fetchall() == []
        return conn.execute(
            "select v.label, v.sentence_count, count(s.id) from versions v "
            "left join sentences s on s.version = v.id group by v.id order by v.seq"
        ).fetchall()
    finally:
        conn.close()


def test_sigkill_during_ingest_keeps_whole_versions_only(tmp_path):
    base = tmp_path / "base.db"
    run_ok(base, "ingest", str(SEED), "--article", "a", "--label", "base")
    big = big_version(tmp_path, 0, 40)
    # How long a full ingest of the big version takes, to spread the kills over it.
    probe = tmp_path / "probe.db"
    shutil.copy(base, probe)
    t0 = time.perf_counter()
    run_ok(probe, "ingest", str(big), "--article", "a", "--label", "big")
    full = time.perf_counter() - t0
    rng = random.Random(20231005)
    killed_mid_write = 0
    for k in range(50):
        db = tmp_path / f"kill{k}.db"
        shutil.copy(base, db)
        p = variorum(db, "ingest", str(big), "--article", "a", "--label", "big")
        time.sleep(rng.uniform(0, full * 1.1))
        p.send_signal(signal.SIGKILL)
        p.communicate()
        versions = check_db(db)
        for label, declared, stored in versions:
            assert declared == stored, f"{label}: {stored} of {declared} sentences stored"
        labels = [v[0] for v in versions]
        assert labels in (["base"], ["base", "big"])
        killed_mid_write += labels == ["base"]
        out = run_ok(db, "ingest", str(big), "--article", "a", "--label", "big")
        assert out.splitlines()[0] in (
            "a/big: added",
            "a/big: unchanged (identical content already stored)",
        )
        assert [v[0] for v in check_db(db)] == ["base", "big"]
        db.unlink()
    # Most kills must land before the commit for the test to mean anything.
    assert killed_mid_write >= 25


@pytest.mark.parametrize("writers", [2, 4])
def test_concurrent_writers_lose_nothing(tmp_path, writers):
    db = tmp_path / "conc.db"
    files = [big_version(tmp_path, k, 3 + k) for k in range(writers * 2)]
    procs = [
        variorum(db, "ingest", str(f), "--article", "a", "--label", f"w{k}", "--quiet")
        for k, f in enumerate(files)
    ]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
        assert b"locked" not in err
    versions = check_db(db)
    assert sorted(v[0] for v in versions) == sorted(f"w{k}" for k in range(len(files)))
    for _, declared, stored in versions:
        assert declared == stored
    conn = sqlite3.connect(db)
    chain = conn.execute("select id, parent from versions order by seq").fetchall()
    conn.close()
    # One lineage: each version's parent is the one ingested before it, and each
    # parent -> child step has exactly one stored comparison.
    assert [p for _, p in chain] == [None] + [i for i, _ in chain[:-1]]
    conn = sqlite3.connect(db)
    pairs = conn.execute("select from_version, to_version from comparisons order by 1").fetchall()
    conn.close()
    assert pairs == [(i, j) for (i, _), (j, _) in zip(chain, chain[1:], strict=False)]
