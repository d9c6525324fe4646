"""How are the changes between consecutive Wikipedia revisions classified?

Every article in ``wiki-revisions/version_documents/<title>/N.txt`` (``0.txt`` the
oldest) is ingested revision by revision (labels r0, r1, ...) into one temporary
database through ``variorum.ingest.ingest_text``, so each consecutive pair is
compared as ``variorum diff`` would. Prints how many changes fall in each kind, and
how many aligned groups were unchanged, over all consecutive pairs, with timing.

``--sample N --seed S`` also prints N changes chosen at random (reproducibly) with
their kind, old and new sentences, figure pairs and word diff, for a person to check.

Usage: python benchmarks/wiki_kinds.py [EVAL_DATA] [--sample N] [--seed S]
       [--articles K] [--json FILE]

EVAL_DATA defaults to the nearest ``shared/eval-data`` beside the repository or one
of its parents. The texts are read from there; nothing from them is written anywhere
but the temporary database.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from paths import eval_data  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from variorum import report, store  # noqa: E402
from variorum.ingest import ingest_text  # noqa: E402

KINDS = ["figure", "wording", "punctuation", "added", "removed", "moved", "split", "merged"]


def default_eval_data() -> Path:
    return eval_data()


def slug(title: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return s or "article"


def revisions(folder: Path) -> list[Path]:
    files = [p for p in folder.glob("*.txt") if p.stem.isdigit()]
    return sorted(files, key=lambda p: int(p.stem))


def run(eval_data: Path, limit: int | None) -> dict[str, Any]:
    docs = eval_data / "wiki-revisions" / "version_documents"
    titles = sorted(p.name for p in docs.iterdir() if p.is_dir())[:limit]
    kinds: Counter[str] = Counter()
    also_wording = 0
    pairs = skipped = 0
    versions = chars = 0
    changes: list[dict[str, Any]] = []
    started = time.perf_counter()
    slowest: list[tuple[float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_db(Path(tmp) / "wiki.db")
        used: set[str] = set()
        for title in titles:
            name = slug(title)
            while name in used:
                name += "-"
            used.add(name)
            t0 = time.perf_counter()
            for n, path in enumerate(revisions(docs / title)):
                text = path.read_text(encoding="utf-8")
                versions += 1
                chars += len(text)
                res = ingest_text(db, text, article=name, lang="en", label=f"r{n}")
                if res.status == "unchanged":
                    skipped += 1  # identical to an earlier revision: nothing to compare
                    continue
                if n == 0:
                    continue
                cid = max(res.comparisons)
                pairs += 1
                for row in db.execute(
                    "select kind, count(*) from alignments where comparison = ? group by kind",
                    [cid],
                ):
                    kinds[row[0]] += row[1]
                doc = report.diff_document(db, cid)
                for k, ch in enumerate(doc["changes"]):
                    also_wording += bool(ch.get("also_wording"))
                    changes.append(
                        {"article": title, "from": doc["from"], "to": doc["to"], "index": k, **ch}
                    )
            slowest.append((time.perf_counter() - t0, title))
        store.close_db(db)
    elapsed = time.perf_counter() - started
    return {
        "articles": len(titles),
        "versions": versions,
        "pairs": pairs,
        "identical": skipped,
        "chars": chars,
        "kinds": dict(kinds),
        "also_wording": also_wording,
        "seconds": elapsed,
        "slowest": sorted(slowest, reverse=True)[:3],
        "changes": changes,
    }


def print_table(r: dict[str, Any]) -> None:
    kinds = r["kinds"]
    total_changes = sum(kinds.get(k, 0) for k in KINDS)
    total = total_changes + kinds.get("same", 0)
    print(
        f"{r['articles']} articles, {r['versions']} revisions "
        f"({r['chars'] / 1e6:.1f} M characters), {r['pairs']} consecutive pairs compared"
        + (f", {r['identical']} revisions identical to an earlier one" if r["identical"] else "")
    )
    print(f"\n{'kind':12} {'count':>7} {'of changes':>11} {'of groups':>10}")
    for k in KINDS:
        n = kinds.get(k, 0)
        print(f"{k:12} {n:>7} {n / max(total_changes, 1):>11.1%} {n / max(total, 1):>10.1%}")
    print(f"{'changes':12} {total_changes:>7} {1:>11.1%} {total_changes / max(total, 1):>10.1%}")
    same = kinds.get("same", 0)
    print(f"{'unchanged':12} {same:>7} {'':>11} {same / max(total, 1):>10.1%}")
    print(f"{'groups':12} {total:>7}")
    print(f"\nfigure changes with other words changed too: {r['also_wording']}")
    print(
        f"time: {r['seconds']:.1f} s in all, {r['seconds'] / max(r['pairs'], 1) * 1000:.0f} ms "
        f"per pair (ingest, align, diff, classify, store); slowest articles: "
        + ", ".join(f"{t} {s:.1f} s" for s, t in r["slowest"])
    )


def _ops(diff: list[list[Any]]) -> str:
    out = []
    for op, text in diff:
        out.append(text if op == 0 else f"[-{text}-]" if op < 0 else f"{{+{text}+}}")
    return "".join(out)


def print_sample(changes: list[dict[str, Any]], n: int, seed: int) -> None:
    picked = sorted(random.Random(seed).sample(range(len(changes)), min(n, len(changes))))
    print(f"\n--- {len(picked)} changes of {len(changes)}, seed {seed} ---")
    for num, k in enumerate(picked, 1):
        ch = changes[k]
        kind = ch["kind"]
        if kind == "figure":
            kind += " (also wording)" if ch["also_wording"] else " (figures only)"
        print(
            f"\n#{num} [{k}] {ch['article']} {ch['from']}->{ch['to']} {kind}  "
            f"old {ch['old_positions']} new {ch['new_positions']}"
        )
        for s in ch["old"]:
            print(f"  OLD: {s}")
        for s in ch["new"]:
            print(f"  NEW: {s}")
        for f in ch.get("figures", []):
            print(f"  FIG: {f['old']!r} ({f['old_value']}) -> {f['new']!r} ({f['new_value']})")
        if ch["old"] and ch["new"]:
            print(f"  DIFF: {_ops(ch['diff'])}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("eval_data", nargs="?", type=Path, default=default_eval_data())
    ap.add_argument("--sample", type=int, default=0, help="print N random changes")
    ap.add_argument("--seed", type=int, default=0, help="seed of the random sample")
    ap.add_argument("--articles", type=int, default=None, help="only the first K articles")
    ap.add_argument("--json", type=Path, help="also write every change to this JSON file")
    args = ap.parse_args(argv)
    docs = args.eval_data / "wiki-revisions" / "version_documents"
    if not docs.is_dir():
        ap.error(f"{docs}: no such folder")
    r = run(args.eval_data, args.articles)
    print_table(r)
    if args.sample:
        print_sample(r["changes"], args.sample, args.seed)
    if args.json:
        args.json.write_text(json.dumps(r["changes"], ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
