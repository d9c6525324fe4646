"""Score the cross-language aligner on the Text+Berg de-fr gold alignments.

Usage: python benchmarks/textberg_eval.py [DATA_DIR] [--cli] [--show-errors DOC]

DATA_DIR holds ``de/00N``, ``fr/00N`` (one sentence a line) and ``gold/00N``
(``[src ids]:[tgt ids]`` a line). Default: ``../shared/eval-data/textberg``
relative to the repository root (or the nearest ancestor that has it).

Each document is aligned exactly as
``variorum align de/00N fr/00N --lang1 de --lang2 fr --presegmented`` does;
``--cli`` also runs the command through click and checks the output is identical.

Scoring follows the strict/lax precision and recall of Bleualign's evaluation as
reimplemented in Vecalign's ``score.py``: precision is taken over all predicted
groups (a 1-0/0-1 group only counts if the gold has it); recall over gold groups
with both sides non-empty, against predicted groups with both sides non-empty. A
group is strictly right if identical to a gold group, laxly right if it shares a
source and a target sentence with one gold group's links. Overall figures pool
the counts of all documents (micro average), as score.py does.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from collections import defaultdict
from pathlib import Path

from paths import eval_data  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from variorum import crossalign, ingest  # noqa: E402

Align = list[tuple[tuple[int, ...], tuple[int, ...]]]


def default_data_dir() -> Path:
    return eval_data() / "textberg"


def read_alignments(text: str) -> Align:
    out = []
    for line in text.splitlines():
        if line.strip():
            left, right = line.split(":")
            out.append((tuple(ast.literal_eval(left)), tuple(ast.literal_eval(right))))
    return out


def _counts(gold: Align, test: Align) -> tuple[int, int, int, int]:
    """(strict right, strict wrong, lax right, lax wrong) of ``test`` against ``gold``."""
    gold_set = {g for g in gold if g[0] or g[1]}
    links: dict[int, set[int]] = defaultdict(set)
    for gs, gt in gold_set:
        for s in gs:
            links[s].update(gt)
    ts = fs = tl = fl = 0
    for group in {t for t in test if t[0] or t[1]}:
        if group in gold_set:
            ts += 1
            tl += 1
            continue
        fs += 1
        reach = set().union(*(links[s] for s in group[0])) if group[0] else set()
        if reach & set(group[1]):
            tl += 1
        else:
            fl += 1
    return ts, fs, tl, fl


def score(pairs: list[tuple[Align, Align]]) -> dict[str, float]:
    p = [0, 0, 0, 0]
    r = [0, 0, 0, 0]
    for gold, test in pairs:
        for k, v in enumerate(_counts(gold, test)):
            p[k] += v
        both = [(s, t) for s, t in test if s and t]
        gold_both = [(s, t) for s, t in gold if s and t]
        for k, v in enumerate(_counts(both, gold_both)):
            r[k] += v

    def ratio(a: int, b: int) -> float:
        return a / (a + b) if a + b else 0.0

    def f1(x: float, y: float) -> float:
        return 2 * x * y / (x + y) if x + y else 0.0

    ps, pl = ratio(p[0], p[1]), ratio(p[2], p[3])
    rs, rl = ratio(r[0], r[1]), ratio(r[2], r[3])
    return {"ps": ps, "rs": rs, "fs": f1(ps, rs), "pl": pl, "rl": rl, "fl": f1(pl, rl)}


def align_file(de: Path, fr: Path) -> str:
    sides = []
    for path, lang in ((de, "de"), (fr, "fr")):
        data, name = ingest.read_source(str(path))
        text, _ = ingest.source_text(data, name, "txt")
        sides.append(crossalign.prepare(text, lang, presegmented=True))
    groups = crossalign.align_translation(sides[0], sides[1], "de", "fr")
    return crossalign.format_bleualign(groups)


def align_cli(de: Path, fr: Path) -> str:
    from click.testing import CliRunner

    from variorum.cli import cli

    args = ["align", str(de), str(fr), "--lang1", "de", "--lang2", "fr", "--presegmented"]
    result = CliRunner().invoke(cli, [*args, "--format", "bleualign"])
    if result.exit_code != 0:
        raise SystemExit(f"variorum align failed: {result.output}")
    return result.output


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="?", type=Path, default=None)
    ap.add_argument("--cli", action="store_true", help="also check the CLI output is identical")
    ap.add_argument("--show-errors", metavar="DOC", help="print wrong groups of one document")
    args = ap.parse_args()
    data = args.data or default_data_dir()
    docs = sorted(p.name for p in (data / "gold").iterdir())
    pairs = []
    header = f"{'doc':>7} {'de':>4} {'fr':>4}  {'P str':>6} {'R str':>6} {'F str':>6}"
    header += f"  {'P lax':>6} {'R lax':>6} {'F lax':>6} {'sec':>6}"
    print(header)
    total_time = 0.0
    for doc in docs:
        de, fr = data / "de" / doc, data / "fr" / doc
        t0 = time.perf_counter()
        out = align_file(de, fr)
        dt = time.perf_counter() - t0
        total_time += dt
        if args.cli and align_cli(de, fr) != out:
            raise SystemExit(f"{doc}: CLI output differs from the library's")
        gold = read_alignments((data / "gold" / doc).read_text())
        test = read_alignments(out)
        pairs.append((gold, test))
        s = score([(gold, test)])
        n_de = len(de.read_text().splitlines())
        n_fr = len(fr.read_text().splitlines())
        print(
            f"{doc:>7} {n_de:>4} {n_fr:>4}  {s['ps']:6.3f} {s['rs']:6.3f} {s['fs']:6.3f}"
            f"  {s['pl']:6.3f} {s['rl']:6.3f} {s['fl']:6.3f} {dt:6.2f}"
        )
        if args.show_errors == doc:
            gold_set = set(gold)
            for g in test:
                if g not in gold_set:
                    print("   wrong:", g)
            test_set = set(test)
            for g in gold:
                if g not in test_set:
                    print("   missed:", g)
    s = score(pairs)
    print(
        f"{'overall':>7} {'':>4} {'':>4}  {s['ps']:6.3f} {s['rs']:6.3f} {s['fs']:6.3f}"
        f"  {s['pl']:6.3f} {s['rl']:6.3f} {s['fl']:6.3f} {total_time:6.2f}"
    )
    if args.cli:
        print("CLI output identical to the library's for every document.")


if __name__ == "__main__":
    main()
