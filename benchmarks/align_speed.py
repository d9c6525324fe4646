"""Time align_revision and compare on a synthetic long article with a few edits.

The article is built from the latest revision of every Wikipedia article in
``../shared/eval-data/wiki-revisions/version_documents`` (path given as argument),
concatenated up to ``--kb`` kilobytes; the new version changes figures, rewords,
removes, adds, splits and moves a paragraph.

    python benchmarks/align_speed.py ../shared/eval-data/wiki-revisions/version_documents
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from pathlib import Path

from variorum.align import align_revision
from variorum.compare import compare
from variorum.ingest import analyse


def build(root: Path, kb: int) -> str:
    paras: list[str] = []
    size = 0
    arts = sorted(p for p in root.iterdir() if p.is_dir())
    # The latest revision of every article, then older ones, until the size is reached.
    files = [max(a.glob("*.txt"), key=lambda p: int(p.stem)) for a in arts]
    files += [a / f"{k}.txt" for k in range(8) for a in arts if (a / f"{k}.txt").exists()]
    for f in files:
        for para in f.read_text(encoding="utf-8").split("\n\n"):
            if para.strip():
                paras.append(para.strip())
                size += len(para.encode())
        if size >= kb * 1024:
            break
    return "\n\n".join(paras)


def edit(text: str, seed: int = 1) -> str:
    rnd = random.Random(seed)
    paras = text.split("\n\n")
    for _ in range(5):  # figure edits
        k = rnd.randrange(len(paras))
        paras[k] = paras[k].replace("1", "7", 1)
    for _ in range(5):  # rewordings
        k = rnd.randrange(len(paras))
        paras[k] = paras[k].replace(" the ", " this ", 1)
    del paras[rnd.randrange(len(paras))]
    paras.insert(rnd.randrange(len(paras)), "An entirely new paragraph about nothing at all.")
    k = rnd.randrange(len(paras))
    moved = paras.pop(k)
    paras.insert(rnd.randrange(len(paras)), moved)
    return "\n\n".join(paras)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("root", type=Path)
    ap.add_argument("--kb", type=int, default=700)
    args = ap.parse_args()
    old_text = build(args.root, args.kb)
    new_text = edit(old_text)
    old = analyse(old_text, "en").sentences
    new = analyse(new_text, "en").sentences
    print(f"{len(old_text.encode()) // 1024} KB, {len(old)} -> {len(new)} sentences")
    for name, fn in [
        ("align_revision", lambda: align_revision(old, new)),
        ("compare", lambda: compare(old, new, relation="revision", old_lang="en", new_lang="en")),
        ("align identical", lambda: align_revision(old, old)),
        (
            "align unrelated halves",
            lambda: align_revision(old[: len(old) // 2], new[len(new) // 2 :]),
        ),
    ]:
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        kinds = Counter(getattr(x, "kind", None) or x.method for x in out)
        print(f"{name}: {dt * 1000:.0f} ms  {dict(sorted(kinds.items()))}")


if __name__ == "__main__":
    main()
