"""Measure the similarity threshold for fuzzy sentence matching in align.py.

Data: consecutive revisions of the Wikipedia articles in
``../shared/eval-data/wiki-revisions/version_documents`` (path given as argument).
After exact matching on ``norm``, a gap holding exactly one old and one new sentence
(with a different skeleton) is an edit of that sentence in place: a true rewording
(positive). Its hard negative is the most similar *other* sentence of the new
version, i.e. the wrong partner the aligner would be most tempted by. Pairs are
deduplicated by text. Prints precision/recall per scorer and threshold, and the
positives scoring below a threshold for inspection (``--show LOW HIGH``).

    python benchmarks/fuzzy_threshold.py ../shared/eval-data/wiki-revisions/version_documents
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from variorum.align import MOVE_THRESHOLD, THRESHOLD, _Aligner
from variorum.diff import diff_sequences, token_encoder, tokenize
from variorum.ingest import analyse


def words(s: str) -> list[str]:
    return [t for t in tokenize(s) if not t.isspace()]


SCORERS = {
    "ratio": lambda a, b: fuzz.ratio(a, b) / 100,
    "token_sort": lambda a, b: fuzz.token_sort_ratio(a, b) / 100,
    "token_set": lambda a, b: fuzz.token_set_ratio(a, b) / 100,
    "word_indel": lambda a, b: Indel.normalized_similarity(words(a), words(b)),
}


def pairs(root: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    pos: dict[tuple[str, str], None] = {}
    neg: dict[tuple[str, str], None] = {}
    for art in sorted(p for p in root.iterdir() if p.is_dir()):
        files = sorted(art.glob("*.txt"), key=lambda p: int(p.stem))
        docs = [analyse(f.read_text(encoding="utf-8"), "en").sentences for f in files]
        for old, new in zip(docs, docs[1:], strict=False):
            ops = diff_sequences([s.norm for s in old], [s.norm for s in new])
            new_norms = [s.norm for s in new]
            for k, (op, a0, a1, _, _) in enumerate(ops):
                if op != -1:
                    continue
                nxt = ops[k + 1] if k + 1 < len(ops) else None
                prev_eq = k == 0 or ops[k - 1][0] == 0
                if not (prev_eq and a1 - a0 == 1 and nxt and nxt[0] == 1 and nxt[4] - nxt[3] == 1):
                    continue
                after = ops[k + 2] if k + 2 < len(ops) else None
                if after is not None and after[0] != 0:
                    continue
                o, n = old[a0], new[nxt[3]]
                if o.skeleton == n.skeleton:
                    continue
                pos[(o.norm, n.norm)] = None
                others = new_norms[: nxt[3]] + new_norms[nxt[3] + 1 :]
                if others:
                    best = process.extractOne(o.norm, others, scorer=fuzz.ratio)
                    neg[(o.norm, best[0])] = None
    return list(pos), list(neg)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("root", type=Path)
    ap.add_argument("--show", nargs=2, type=float, metavar=("LOW", "HIGH"))
    args = ap.parse_args()
    pos, neg = pairs(args.root)
    print(f"{len(pos)} in-place edits (positives), {len(neg)} hard negatives")
    for name, f in SCORERS.items():
        ps = [f(a, b) for a, b in pos]
        ns = [f(a, b) for a, b in neg]
        print(f"\n{name}: threshold  precision  recall  F1")
        for t in [0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]:
            tp = sum(s >= t for s in ps)
            fp = sum(s >= t for s in ns)
            p = tp / (tp + fp) if tp + fp else 1.0
            r = tp / len(ps)
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            print(f"  {t:.2f}  {p:.3f}  {r:.3f}  {f1:.3f}")
    # The rule align.py applies: word similarity >= THRESHOLD, or containment.
    enc = token_encoder()
    weigh = _Aligner.weight
    for name, ok in [
        (
            f"align.py fuzzy rule ({THRESHOLD})",
            lambda a, b: weigh(enc(words(a)), enc(words(b))) > 0,
        ),
        (
            f"align.py moved rule ({MOVE_THRESHOLD})",
            lambda a, b: _Aligner.sim(enc(words(a)), enc(words(b))) >= MOVE_THRESHOLD,
        ),
    ]:
        tp = sum(ok(a, b) for a, b in pos)
        fp = sum(ok(a, b) for a, b in neg)
        p, r = tp / max(1, tp + fp), tp / len(pos)
        print(f"\n{name}: precision {p:.3f} recall {r:.3f} F1 {2 * p * r / (p + r):.3f}")
    if args.show:
        lo, hi = args.show
        for a, b in pos:
            s = fuzz.ratio(a, b) / 100
            if lo <= s < hi:
                print(f"\nPOS {s:.2f}\n  - {a[:200]}\n  + {b[:200]}")
        for a, b in neg:
            s = fuzz.ratio(a, b) / 100
            if lo <= s < hi:
                print(f"\nNEG {s:.2f}\n  - {a[:200]}\n  + {b[:200]}")


if __name__ == "__main__":
    sys.exit(main())
