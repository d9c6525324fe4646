"""The benchmark runner's quick mode on a 2-version history writes a complete JSON report."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "benchmarks" / "run.py"


def test_quick_run_on_two_versions_writes_valid_json(tmp_path: Path) -> None:
    # A PATH with git but without wdiff, so the missing-peer note is exercised everywhere.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git"))
    out = tmp_path / "results.json"
    missing = tmp_path / "absent"
    cmd = [sys.executable, str(RUNNER), "--quick", "--versions", "2", "--sizes", "7000"]
    cmd += ["--cli-versions", "2", "--repeats", "1", "--folder-repeats", "1", "--pairs", "1"]
    cmd += ["--collatex-cap", "1", "--no-profile", "--out", str(out)]
    cmd += ["--eval-data", str(missing), "--corpus", str(missing)]
    p = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PATH": str(bin_dir)},
    )
    assert p.returncode == 0, p.stderr[-2000:]
    assert f"evaluation data not found at {missing}" in p.stdout
    assert f"bundled corpus not found at {missing}: skipped" in p.stdout
    assert "wdiff is not installed (apt-get install wdiff): peer skipped" in p.stdout

    def no_nan(name: str) -> None:
        raise AssertionError(f"{name} in the results: not strict JSON")

    doc = json.loads(out.read_text(encoding="utf-8"), parse_constant=no_nan)
    assert set(doc) == {"machine", "config", "rows", "targets", "notes", "details"}
    assert doc["machine"]["nproc"] == os.cpu_count()
    assert doc["config"]["versions"] == 2
    sections = {r["section"] for r in doc["rows"]}
    assert sections == {"library", "storage", "cli", "diff", "peers", "memory"}
    for r in doc["rows"]:
        assert r["ours"] > 0, r
        if r["baseline_value"]:
            assert abs(r["ratio"] - r["ours"] / r["baseline_value"]) < 1e-9 or (
                r["section"] == "peers"  # peers: the median of per-pair ratios
            ), r
    lib = [r for r in doc["rows"] if r["section"] == "library"]
    assert [r["input"] for r in lib] == ["generated 7 KB"]
    peers = {r["baseline"] for r in doc["rows"] if r["section"] == "peers"}
    assert "git diff --no-index --word-diff" in peers
    assert "difflib SequenceMatcher, words, autojunk off" in peers
    assert not any("wdiff" in b for b in peers)
    t = doc["targets"]["lib_7k"]
    assert t["met"] == (t["value"] < 50)
    assert set(doc["targets"]) == {"lib_7k", "vs_git", "memory"}
    pair = doc["details"]["pairs"][0]
    assert (pair["group"], pair["pair"]) == ("generated 7 KB", "v1->v2")
