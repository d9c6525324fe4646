"""Score sentence splitters against real one-sentence-per-line gold.

Gold: Text+Berg (de, fr; one sentence per line per document) and NTREX-128 (en, de,
fr, es, ru, ar; one sentence per line, documents from DOCUMENT_IDS.tsv). Each
document's lines are joined with single spaces, split by every library, and the
sentence boundaries are scored (precision, recall, F1, micro-averaged per language).
Boundaries are counted in non-whitespace characters, so a library that changes
whitespace in its output is scored fairly.

    python benchmarks/segmentation_eval.py [EVAL_DATA_DIR] [--libs variorum,sentencex,...]

syntok is optional (not a project dependency): ``pip install syntok`` to compare.
Also times every library on ~700 KB of English news and one 5 MB line without
a sentence end.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from paths import eval_data  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

NTREX_FILES = {
    "en": "newstest2019-src.eng.txt",
    "de": "newstest2019-ref.deu.txt",
    "fr": "newstest2019-ref.fra.txt",
    "es": "newstest2019-ref.spa.txt",
    "ru": "newstest2019-ref.rus.txt",
    "ar": "newstest2019-ref.arb.txt",
}

Splitter = Callable[[str, str], list[str]]


def _variorum(text: str, lang: str) -> list[str]:
    from variorum.segment import segment

    return [s.text for s in segment(text, lang)]


def _sentencex(text: str, lang: str) -> list[str]:
    import sentencex

    return list(sentencex.segment(lang, text))


_PYSBD: dict[str, object] = {}


def _pysbd(text: str, lang: str) -> list[str]:
    import pysbd

    if lang not in _PYSBD:
        _PYSBD[lang] = pysbd.Segmenter(language=lang, clean=False)
    return _PYSBD[lang].segment(text)  # type: ignore[attr-defined]


def _syntok(text: str, lang: str) -> list[str]:
    import syntok.segmenter as sg

    out = []
    for para in sg.analyze(text):
        for sent in para:
            out.append("".join(t.spacing + t.value for t in sent))
    return out


LIBS: dict[str, Splitter] = {
    "variorum": _variorum,
    "sentencex": _sentencex,
    "pysbd": _pysbd,
    "syntok": _syntok,
}


def _nonspace_len(s: str) -> int:
    return sum(1 for c in s if not c.isspace())


def boundaries(sentences: Iterable[str]) -> set[int]:
    """Inner boundaries as counts of non-whitespace characters before each sentence."""
    out: set[int] = set()
    n = 0
    for s in sentences:
        k = _nonspace_len(s)
        if k == 0:
            continue
        if n:
            out.add(n)
        n += k
    return out


_FINAL = set(".!?…؟;:")
_CLOSE = set("\"'”’»)]")


def punctuated(sentences: list[str]) -> set[int]:
    """Gold boundaries after sentence-final punctuation: the ones a splitter can see
    once lines are joined (a headline line has none)."""
    out: set[int] = set()
    n = 0
    for s in sentences[:-1]:
        n += _nonspace_len(s)
        if s.rstrip("".join(_CLOSE))[-1:] in _FINAL:
            out.add(n)
    return out


def documents(data: Path) -> dict[str, list[list[str]]]:
    """Gold documents per language, each a list of sentences."""
    docs: dict[str, list[list[str]]] = {}
    tb = data / "textberg"
    for lang in ("de", "fr"):
        for f in sorted((tb / lang).glob("0*")):
            lines = [ln.strip() for ln in f.read_text(encoding="utf-8").splitlines()]
            docs.setdefault(f"{lang}-textberg", []).append([ln for ln in lines if ln])
    nt = data / "ntrex"
    ids = (nt / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    for lang, name in NTREX_FILES.items():
        lines = (nt / name).read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(ids), name
        cur: list[str] = []
        prev = None
        for doc_id, line in zip(ids, lines, strict=True):
            if doc_id != prev and cur:
                docs.setdefault(f"{lang}-ntrex", []).append(cur)
                cur = []
            prev = doc_id
            if line.strip():
                cur.append(line.strip())
        if cur:
            docs.setdefault(f"{lang}-ntrex", []).append(cur)
    return docs


def score(
    split: Splitter, lang: str, docs: list[list[str]]
) -> tuple[float, float, float, float, float]:
    tp = fp = fn = 0
    seen = visible = 0
    t0 = time.perf_counter()
    for sents in docs:
        gold = boundaries(sents)
        pred = boundaries(split(" ".join(sents), lang))
        vis = punctuated(sents)
        visible += len(vis)
        seen += len(vis & pred)
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
    secs = time.perf_counter() - t0
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    rv = seen / visible if visible else 0.0
    return p, r, f, rv, secs


def speed(split: Splitter, data: Path) -> tuple[float, float]:
    en = (data / "ntrex" / NTREX_FILES["en"]).read_text(encoding="utf-8")
    big = "\n\n".join([en] * (700_000 // len(en.encode()) + 1))[:700_000]
    t0 = time.perf_counter()
    split(big, "en")
    t_article = time.perf_counter() - t0
    line = ("word " * 1_000_000)[:5_000_000]
    t0 = time.perf_counter()
    split(line, "en")
    t_line = time.perf_counter() - t0
    return t_article, t_line


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", default=str(eval_data()))
    ap.add_argument("--libs", default=",".join(LIBS))
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args(argv)
    data = Path(args.data)
    if not (data / "ntrex").is_dir() or not (data / "textberg").is_dir():
        ap.error(f"{data}: no ntrex/ and textberg/ folders (pass the eval-data folder)")
    docs = documents(data)
    libs = [x for x in args.libs.split(",") if x]
    print("R.: recall on gold boundaries after final punctuation (not headline lines)")
    print(f"{'corpus':<12} {'library':<10} {'P':>6} {'R':>6} {'F1':>6} {'R.':>6} {'secs':>6}")
    for corpus, dl in docs.items():
        lang = corpus.split("-")[0]
        for lib in libs:
            try:
                p, r, f, rv, secs = score(LIBS[lib], lang, dl)
            except ImportError:
                print(f"{corpus:<12} {lib:<10} (not installed)")
                continue
            print(f"{corpus:<12} {lib:<10} {p:6.3f} {r:6.3f} {f:6.3f} {rv:6.3f} {secs:6.2f}")
        print()
    if not args.no_speed:
        print(f"{'library':<10} {'700KB en (s)':>13} {'5MB line (s)':>13}")
        for lib in libs:
            try:
                a, b = speed(LIBS[lib], data)
            except ImportError:
                continue
            print(f"{lib:<10} {a:13.3f} {b:13.3f}")


if __name__ == "__main__":
    main()
