"""How often do the figures of an English news line survive translation?

NTREX-128: line i of every ``newstest2019-ref.*.txt`` translates line i of
``newstest2019-src.eng.txt``. Among English lines that contain a digit, this
prints the share whose figures match the translation's

- raw: the same set of digit strings as written (``1,000`` != ``1.000``), and
- normalized: the same multiset of figure values found by ``find_figures`` on both
  sides (``value_keys``: family and value, a range counts as both its ends).

Usage: python benchmarks/ntrex_figures.py [EVAL_DATA] [--sample N] [--lang deu]
The data is read from its folder; nothing from it is written anywhere.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

from paths import eval_data  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from variorum.figures import find_figures, value_keys  # noqa: E402

LANGS = {"deu": "de", "fra": "fr", "spa": "es", "rus": "ru", "arb": "ar"}
_DIGIT_STRING = re.compile(r"\d+(?:[.,]\d+)*")
_HAS_DIGIT = re.compile(r"[0-9]")


def raw_set(line: str) -> set[str]:
    return set(_DIGIT_STRING.findall(line))


def norm_keys(line: str, lang: str) -> Counter:
    return Counter(value_keys(find_figures(line, lang)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("eval_data", nargs="?", default=str(eval_data()))
    ap.add_argument("--sample", type=int, default=0, help="print N remaining mismatches")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lang", choices=sorted(LANGS), action="append")
    args = ap.parse_args(argv)
    folder = Path(args.eval_data) / "ntrex"
    eng = (folder / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    rows = []
    mismatches = []
    started = time.perf_counter()
    en_keys = [norm_keys(line, "en") if _HAS_DIGIT.search(line) else None for line in eng]
    for code in args.lang or list(LANGS):
        lang = LANGS[code]
        ref = (folder / f"newstest2019-ref.{code}.txt").read_text(encoding="utf-8").splitlines()
        if len(ref) != len(eng):
            raise SystemExit(f"{code}: {len(ref)} lines, English has {len(eng)}")
        n = raw_ok = norm_ok = 0
        for i, (src, tgt) in enumerate(zip(eng, ref, strict=True)):
            if en_keys[i] is None:
                continue
            n += 1
            raw_ok += raw_set(src) == raw_set(tgt)
            tk = norm_keys(tgt, lang)
            if tk == en_keys[i]:
                norm_ok += 1
            else:
                mismatches.append((code, i, src, tgt, en_keys[i], tk))
        rows.append((code, n, raw_ok, norm_ok))
    elapsed = time.perf_counter() - started
    print(f"{'lang':<5} {'lines':>6} {'raw':>14} {'normalized':>14}")
    for code, n, raw_ok, norm_ok in rows:
        print(f"{code:<5} {n:>6} {raw_ok:>6} {raw_ok / n:>6.1%} {norm_ok:>6} {norm_ok / n:>6.1%}")
    tn = sum(r[1] for r in rows)
    tr = sum(r[2] for r in rows)
    tm = sum(r[3] for r in rows)
    print(f"{'all':<5} {tn:>6} {tr:>6} {tr / tn:>6.1%} {tm:>6} {tm / tn:>6.1%}")
    print(f"({elapsed:.2f} s for figures of all lines, both sides)")
    if args.sample:
        rng = random.Random(args.seed)
        for code, i, src, tgt, ek, tk in rng.sample(mismatches, min(args.sample, len(mismatches))):
            only_en = sorted((ek - tk).elements())
            only_tr = sorted((tk - ek).elements())
            print(f"\n[{code} line {i + 1}] only English: {only_en}  only {code}: {only_tr}")
            print(f"  en: {src}")
            print(f"  {code}: {tgt}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
