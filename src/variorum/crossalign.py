"""Align the sentences of a text and its translation, without neural models.

The aligner is a dynamic programme over the two sentence sequences (Gale & Church
1993, extended with lexical anchors as in Moore 2002 and hunalign). A *bead* joins
``a`` source sentences with ``b`` target sentences; the allowed beads are 1-1, 1-2,
2-1, 1-0, 0-1, 2-2, 1-3 and 3-1. The cost of a bead is

* a length term: ``-log P(delta)`` where ``delta`` compares the character lengths
  under a normal model whose ratio is estimated from the two texts,
* a prior for the bead type (1-1 is cheapest, omissions dearest),
* minus the weight of the *anchors* both sides share: figures compared by parsed
  value (``Figure.value``, so ``120.000`` matches ``120,000``; small numbers weigh
  little), words transliterated to Latin (``anyascii``) that are identical or
  cognate (shared prefix, or close by edit distance: names, places, loan words),
  and punctuation such as ``?``, ``!``, ``:``, quotes and parentheses; each anchor
  weighs by its rarity in the two texts,
* minus a learned-lexicon term: after a first pass, word pairs that co-occur in
  confidently aligned beads far more than chance form a small bilingual lexicon
  (learned from the two texts only), and a second pass uses it,
* a paragraph term: beads that start a paragraph on both sides are cheaper, beads
  that straddle a paragraph break on one side only are dearer.

Large inputs are aligned coarse-to-fine: sentences are merged in pairs until the
problem is small, the coarse path is computed, then refined inside a band around
it, so time and memory grow linearly with the text length. Everything is
deterministic.

Plugging in a sentence-embedding model
--------------------------------------
``align_translation(..., scorer=...)`` accepts any object implementing
:class:`Scorer`: a callable ``scorer(src_sentences, tgt_sentences) -> float``
returning a similarity in ``[0, 1]`` for a candidate bead (both arguments are
non-empty tuples of :class:`~variorum.model.Sentence`). It is added to the
built-in evidence: a bead's cost falls by ``scorer_weight * (2 * similarity - 1)``
(default weight 4, about one shared name). For a local embedding model, wrap its encoder::

    from sentence_transformers import SentenceTransformer   # not a dependency
    model = SentenceTransformer("path/to/local/LaBSE")
    scorer = EmbeddingScorer(lambda texts: model.encode(texts).tolist())
    groups = align_translation(src, tgt, "de", "fr", scorer=scorer)

:class:`EmbeddingScorer` embeds every sentence once (lazily, in one batch per side)
and scores a bead by the cosine of the summed vectors of its two sides.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from anyascii import anyascii

from variorum.model import Group, Sentence

__all__ = [
    "EmbeddingScorer",
    "Scorer",
    "align_translation",
    "format_bleualign",
    "prepare",
]


class Scorer(Protocol):
    """Extra evidence for a candidate bead: similarity in [0, 1] of two sentence groups."""

    def __call__(self, src: tuple[Sentence, ...], tgt: tuple[Sentence, ...]) -> float: ...


class EmbeddingScorer:
    """A :class:`Scorer` from a sentence encoder ``embed(texts) -> vectors``.

    Vectors are computed once per distinct text; a bead scores the cosine of the
    sums of its sentences' vectors, mapped from [-1, 1] to [0, 1].
    """

    def __init__(self, embed: Callable[[list[str]], Sequence[Sequence[float]]]) -> None:
        self._embed = embed
        self._cache: dict[str, tuple[float, ...]] = {}

    def _vectors(self, sents: tuple[Sentence, ...]) -> list[tuple[float, ...]]:
        missing = [s.text for s in sents if s.text not in self._cache]
        if missing:
            for text, vec in zip(missing, self._embed(missing), strict=True):
                self._cache[text] = tuple(float(x) for x in vec)
        return [self._cache[s.text] for s in sents]

    def prime(self, sents: Sequence[Sentence]) -> None:
        """Embed all sentences of one side in one batch (the aligner calls this)."""
        self._vectors(tuple(sents))

    def __call__(self, src: tuple[Sentence, ...], tgt: tuple[Sentence, ...]) -> float:
        a = [sum(c) for c in zip(*self._vectors(src), strict=True)]
        b = [sum(c) for c in zip(*self._vectors(tgt), strict=True)]
        na = math.sqrt(sum(x * x for x in a))
        nb = math.sqrt(sum(x * x for x in b))
        if na == 0 or nb == 0:
            return 0.0
        cos = sum(x * y for x, y in zip(a, b, strict=True)) / (na * nb)
        return min(1.0, max(0.0, (cos + 1) / 2))


# ---------------------------------------------------------------------------
# Preparing sentences


def prepare(text: str, lang: str, *, presegmented: bool = False) -> list[Sentence]:
    """Sentences of ``text``; with ``presegmented``, line *i* is sentence *i*."""
    from variorum.ingest import analyse

    if not presegmented:
        return analyse(text, lang).sentences
    from variorum.figures import find_figures
    from variorum.normalize import normalize, skeleton

    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = []
    for i, line in enumerate(lines):
        line = line.removesuffix("\r")
        figs = tuple(find_figures(line, lang))
        out.append(Sentence(i, 0, line, normalize(line), skeleton(line, figs), figs))
    return out


# ---------------------------------------------------------------------------
# Features

_WORD = re.compile(r"[a-z]+")
_DIGITS = re.compile(r"\d+")
# Punctuation that survives translation; quote styles are folded together.
_PUNCT = {
    "?": "?",
    "!": "!",
    ":": ":",
    ";": ";",
    "(": "(",
    "[": "(",
    "«": '"',
    "»": '"',
    "„": '"',
    "“": '"',
    "”": '"',
    '"': '"',
    "<": '"',
    "‹": '"',
    "›": '"',
    "؟": "?",
    "؛": ";",
}
_VOWELS = re.compile(r"[aeiouyhw]+")
_IDF_MIN_N = 250
_PREFIX = 4  # Simard et al. (1992): words sharing their first four letters are cognates


@dataclass(frozen=True)
class _Side:
    lengths: list[float]
    keys: list[frozenset[str]]
    words: list[frozenset[str]]
    starts_para: list[bool]
    totals: list[float]  # total anchor weight of each sentence


def _figure_weight(value: float) -> float:
    v = abs(value)
    if v != int(v):
        return 3.0
    if v <= 12:
        return 0.6
    if v < 100:
        return 1.5
    return 3.0


def _sentence_keys(s: Sentence, skeletons: bool = False) -> tuple[list[str], list[str]]:
    """Anchor keys (figures, cognate prefixes, punctuation) and plain words of a sentence."""
    keys: list[str] = []
    seen: Counter[str] = Counter()

    def add(k: str) -> None:
        seen[k] += 1
        keys.append(f"{k}#{seen[k]}")

    for f in s.figures:
        if f.value is not None:
            v = f.value if f.value_end is None else (f.value, f.value_end)
            add(f"f:{v!r}")
    text = s.text
    if not any(f.value is not None for f in s.figures):
        for d in _DIGITS.findall(text):
            add(f"f:{float(int(d))!r}")
    latin = anyascii(text).lower()
    words = _WORD.findall(latin)
    for w in words:
        if len(w) >= _PREFIX:
            add("w:" + w[:_PREFIX])
        if skeletons:
            # Transliterated Arabic has no short vowels and Cyrillic transliterations
            # vary (Aliev/Aliyev): compare consonants only.
            sk = _VOWELS.sub("", w)
            if len(sk) >= 3:
                add("k:" + sk[:5])
    for ch in text:
        p = _PUNCT.get(ch)
        if p:
            add("p:" + p)
    if "..." in text or "…" in text:
        add("p:...")
    return keys, words


def _is_latin(sents: Sequence[Sentence]) -> bool:
    """Whether most letters of a text are Latin (so its words need no transliteration)."""
    latin = other = 0
    for s in sents:
        for ch in s.text:
            if ch.isalpha():
                if ch < "\u0250":
                    latin += 1
                else:
                    other += 1
    return latin >= other


def _key_weight(key: str, df: int, n: int) -> float:
    kind = key[0]
    # A short text is scored as if it were long: one name shared by one sentence
    # a side is as good evidence in ten sentences as in a thousand.
    idf = math.log(max(n + 1, _IDF_MIN_N) / df)
    if kind == "f":
        body = key[2 : key.rindex("#")]
        try:
            value = float(body.strip("()").split(",")[0])
        except ValueError:
            value = 100.0
        return _figure_weight(value) * (0.5 + 0.5 * min(1.0, idf / 3))
    if kind == "p":
        return 0.4 * min(1.0, idf / 2)
    return max(0.0, idf - 1.0)


def _features(
    src: Sequence[Sentence],
    tgt: Sequence[Sentence],
    lexicon: dict[tuple[str, str], float] | None = None,
) -> tuple[_Side, _Side, dict[str, float]]:
    skeletons = not _is_latin(src) or not _is_latin(tgt)
    raw_src = [_sentence_keys(s, skeletons) for s in src]
    raw_tgt = [_sentence_keys(s, skeletons) for s in tgt]
    if lexicon:
        by_src: dict[str, list[str]] = {}
        by_tgt: dict[str, list[str]] = {}
        for x, y in lexicon:
            by_src.setdefault(x, []).append(f"l:{x}|{y}#1")
            by_tgt.setdefault(y, []).append(f"l:{x}|{y}#1")
        for keys, words in raw_src:
            for w in set(words):
                keys.extend(by_src.get(w, ()))
        for keys, words in raw_tgt:
            for w in set(words):
                keys.extend(by_tgt.get(w, ()))
    df: Counter[str] = Counter()
    for keys, _ in raw_src + raw_tgt:
        df.update({k.rsplit("#", 1)[0] for k in keys})
    n = len(src) + len(tgt)
    src_keys = {k for keys, _ in raw_src for k in keys}
    tgt_keys = {k for keys, _ in raw_tgt for k in keys}
    weights = {k: _key_weight(k, df[k.rsplit("#", 1)[0]], n) for k in src_keys & tgt_keys}
    if lexicon:
        for (x, y), assoc in lexicon.items():
            k = f"l:{x}|{y}#1"
            if k in weights:
                weights[k] = _LEXICON * assoc

    def side(sents: Sequence[Sentence], raw: list[tuple[list[str], list[str]]]) -> _Side:
        lengths = [float(max(1, sum(1 for c in s.text if not c.isspace()))) for s in sents]
        keys = [frozenset(k for k in ks if k in weights) for ks, _ in raw]
        words = [frozenset(w) for _, w in raw]
        starts = [i == 0 or sents[i].paragraph != sents[i - 1].paragraph for i in range(len(sents))]
        totals = [sum(weights[k] for k in ks) for ks in keys]
        return _Side(lengths, keys, words, starts, totals)

    return side(src, raw_src), side(tgt, raw_tgt), weights


# ---------------------------------------------------------------------------
# Bead costs

# (a, b) -> -log prior; Gale & Church (1993) probabilities, 2-2/1-3/3-1 added.
_BEADS: dict[tuple[int, int], float] = {
    (1, 1): -math.log(0.89),
    (1, 0): -math.log(0.005),
    (0, 1): -math.log(0.005),
    (2, 1): -math.log(0.0445),
    (1, 2): -math.log(0.0445),
    (2, 2): -math.log(0.011),
    (3, 1): -math.log(0.004),
    (1, 3): -math.log(0.004),
}
_S2 = 6.8  # Gale & Church's variance per character
_LEX = 0.6  # bonus per unit of shared anchor weight
_DICE = 4.0  # cost of a sentence with no anchor in common with its partner
_DICE_SMOOTH = 2.0  # keeps a single weak shared anchor from making a short pair "similar"
_PARA = 0.5  # bonus for beads starting a paragraph on both sides, malus for one side only
_LEXICON = 1.0  # weight of learned word pairs (0 disables the second pass)
_LEX_MIN = 2  # a learned pair must co-occur in this many beads
_LEX_DICE = 0.5


_SQRT_HALF = math.sqrt(0.5)


def _neg_log_tail(z: float) -> float:
    """-log P(|N(0,1)| >= z)."""
    p = math.erfc(z / math.sqrt(2))
    if p > 1e-300:
        return -math.log(p)
    return z * z / 2 + math.log(z * math.sqrt(math.pi / 2))


_GroupFeat = tuple[float, frozenset[str], float]  # length, anchor keys, their total weight


class _Costs:
    def __init__(
        self,
        a: _Side,
        b: _Side,
        weights: dict[str, float],
        scorer: tuple[Scorer, Sequence[Sentence], Sequence[Sentence], float] | None = None,
    ) -> None:
        self.a, self.b, self.w = a, b, weights
        total_a, total_b = sum(a.lengths), sum(b.lengths)
        self.ratio = total_b / total_a if total_a and total_b else 1.0
        self.scorer = scorer
        self.paragraphs = any(a.starts_para[1:]) or any(b.starts_para[1:])
        self.ga = self._groups(a)
        self.gb = self._groups(b)

    def _groups(self, side: _Side) -> list[list[_GroupFeat]]:
        """Features of every run of 1, 2 and 3 sentences, indexed [size][start]."""
        w = self.w
        out: list[list[_GroupFeat]] = [[]]
        n = len(side.lengths)
        for size in (1, 2, 3):
            row = []
            for i in range(max(0, n - size + 1)):
                keys = side.keys[i] if size == 1 else frozenset().union(*side.keys[i : i + size])
                row.append((sum(side.lengths[i : i + size]), keys, sum(w[k] for k in keys)))
            out.append(row)
        return out

    def _uncovered(self, side: _Side, i: int, n: int, other: frozenset[str]) -> float:
        out = 0.0
        w = self.w
        for k in range(i, i + n):
            keys = side.keys[k]
            shared = keys & other
            if shared:
                out += 1 - sum(map(w.__getitem__, shared)) / (side.totals[k] + _DICE_SMOOTH)
            else:
                out += 1
        return out

    def cost(self, i: int, na: int, j: int, nb: int) -> tuple[float, float]:
        """Cost of the bead src[i:i+na] x tgt[j:j+nb], and the anchor weight it collects."""
        prior = _BEADS[(na, nb)]
        if na == 0 or nb == 0:
            return prior, 0.0
        la, ka, ta = self.ga[na][i]
        lb, kb, tb = self.gb[nb][j]
        la *= self.ratio
        z = abs(lb - la) / math.sqrt(_S2 * (la + lb) / 2)
        p = math.erfc(z * _SQRT_HALF)
        cost = prior + (-math.log(p) if p > 1e-300 else _neg_log_tail(z))
        shared = ka & kb
        anchor = sum(map(self.w.__getitem__, shared)) if shared else 0.0
        # Every sentence pays for the part of its anchors that finds no partner
        # on the other side, so that merging a sentence that shares nothing with
        # the bead does not pay (the bead's size scales its cost, as in Vecalign).
        if na == 1 and nb == 1:
            uncovered = 2 - anchor / (ta + _DICE_SMOOTH) - anchor / (tb + _DICE_SMOOTH)
        else:
            uncovered = self._uncovered(self.a, i, na, kb) + self._uncovered(self.b, j, nb, ka)
        cost += _DICE / 2 * uncovered - _LEX * anchor
        if self.scorer is not None:
            scorer, src, tgt, weight = self.scorer
            sim = scorer(tuple(src[i : i + na]), tuple(tgt[j : j + nb]))
            cost -= weight * (2 * min(1.0, max(0.0, sim)) - 1)
        if self.paragraphs:
            # Paragraph breaks are soft anchors.
            pa, pb = self.a.starts_para, self.b.starts_para
            if pa[i] and pb[j]:
                cost -= _PARA
            elif pa[i] != pb[j]:
                cost += _PARA
            if any(pa[i + 1 : i + na]) != any(pb[j + 1 : j + nb]):
                cost += 2 * _PARA
        return cost, anchor


# ---------------------------------------------------------------------------
# Dynamic programme


def _dp(costs: _Costs, n: int, m: int, lo: list[int], hi: list[int]) -> list[tuple[int, int]]:
    """Best path through cells (i, j) with lo[i] <= j <= hi[i]; returns the beads."""
    inf = math.inf
    rows: list[list[float]] = []
    back: list[list[int]] = []
    moves = list(_BEADS)
    for i in range(n + 1):
        width = hi[i] - lo[i] + 1
        row = [inf] * width
        brow = [-1] * width
        rows.append(row)
        back.append(brow)
        for j in range(lo[i], hi[i] + 1):
            if i == 0 and j == 0:
                row[0] = 0.0
                continue
            best, arg = inf, -1
            for k, (na, nb) in enumerate(moves):
                pi, pj = i - na, j - nb
                if pi < 0 or pj < 0 or pj < lo[pi] or pj > hi[pi]:
                    continue
                prev = rows[pi][pj - lo[pi]]
                if prev == inf:
                    continue
                c = prev + costs.cost(pi, na, pj, nb)[0]
                if c < best:
                    best, arg = c, k
            row[j - lo[i]] = best
            brow[j - lo[i]] = arg
    if rows[n][m - lo[n]] == inf:
        raise RuntimeError("no alignment path inside the band")
    path = []
    i, j = n, m
    while i or j:
        na, nb = moves[back[i][j - lo[i]]]
        path.append((na, nb))
        i, j = i - na, j - nb
    path.reverse()
    return path


def _full_band(n: int, m: int) -> tuple[list[int], list[int]]:
    return [0] * (n + 1), [m] * (n + 1)


def _band_from_path(
    path: list[tuple[int, int]], n: int, m: int, width: int
) -> tuple[list[int], list[int]]:
    lo = [m] * (n + 1)
    hi = [0] * (n + 1)
    i = j = 0
    cells = [(0, 0)]
    for na, nb in path:
        # Every cell inside the bead's box is near the path.
        for di in range(na + 1):
            for dj in range(nb + 1):
                cells.append((i + di, j + dj))
        i, j = i + na, j + nb
    for ci, cj in cells:
        lo[ci] = min(lo[ci], cj)
        hi[ci] = max(hi[ci], cj)
    lo = [max(0, x - width) for x in lo]
    hi = [min(m, x + width) for x in hi]
    # Keep the band's edges monotone so that it has no holes.
    for i in range(n - 1, -1, -1):
        lo[i] = min(lo[i], lo[i + 1])
    for i in range(1, n + 1):
        hi[i] = max(hi[i], hi[i - 1])
    return lo, hi


def _coarsen(side: _Side, weights: dict[str, float]) -> _Side:
    """Merge consecutive sentences in pairs (for the coarse pass of a long text)."""
    r = range(0, len(side.lengths), 2)
    keys = [frozenset().union(*side.keys[k : k + 2]) for k in r]
    return _Side(
        [sum(side.lengths[k : k + 2]) for k in r],
        keys,
        [frozenset().union(*side.words[k : k + 2]) for k in r],
        [any(side.starts_para[k : k + 2]) for k in r],
        [sum(weights[k] for k in ks) for ks in keys],
    )


def _expand(path: list[tuple[int, int]], n: int, m: int) -> list[tuple[int, int]]:
    """Project a coarse path (pairs merged) onto fine sentence counts, as 1-sided beads."""
    fine = []
    i = j = 0
    for na, nb in path:
        ni, nj = min(n, i + 2 * na), min(m, j + 2 * nb)
        fine.append((ni - i, nj - j))
        i, j = ni, nj
    return fine


_SMALL = 90  # full DP up to this many sentences a side
_WIDTH = 8  # band half-width around a coarse path, in sentences
_WIDTH2 = 5  # band half-width of the second pass around the first path


def _learn_lexicon(path: list[tuple[int, int]], a: _Side, b: _Side) -> dict[tuple[str, str], float]:
    """Word pairs that co-occur in the 1-1 beads of a first alignment far more than chance.

    Dice coefficient over beads (as in hunalign's dictionary bootstrap); the pairs
    come from the two texts only, so nothing is language-specific.
    """
    pairs: Counter[tuple[str, str]] = Counter()
    cx: Counter[str] = Counter()
    cy: Counter[str] = Counter()
    i = j = 0
    for na, nb in path:
        if na == 1 and nb == 1:
            wx, wy = a.words[i], b.words[j]
            cx.update(wx)
            cy.update(wy)
            pairs.update((x, y) for x in wx for y in wy)
        i, j = i + na, j + nb
    lex = {}
    for (x, y), c in pairs.items():
        if c < _LEX_MIN:
            continue
        dice = 2 * c / (cx[x] + cy[y])
        if dice >= _LEX_DICE:
            lex[(x, y)] = dice
    return lex


def _path(costs: _Costs, n: int, m: int) -> list[tuple[int, int]]:
    """Best path: full DP for short texts, coarse-to-fine for long ones."""
    if max(n, m) <= _SMALL:
        return _dp(costs, n, m, *_full_band(n, m))
    ca, cb = _coarsen(costs.a, costs.w), _coarsen(costs.b, costs.w)
    coarse = _path(_Costs(ca, cb, costs.w), len(ca.lengths), len(cb.lengths))
    return _dp(costs, n, m, *_band_from_path(_expand(coarse, n, m), n, m, _WIDTH))


def align_translation(
    src: list[Sentence],
    tgt: list[Sentence],
    lang1: str,
    lang2: str,
    scorer: Scorer | None = None,
    *,
    scorer_weight: float = 4.0,
) -> list[Group]:
    """Align ``src`` (in ``lang1``) with its translation ``tgt`` (in ``lang2``).

    Returns groups in order that cover every sentence of both sides exactly once.
    ``Group.score`` is a confidence in [0, 1]; ``Group.method`` names the deciding
    evidence: ``anchors`` (shared figures, names, punctuation), ``length``, or
    ``unmatched`` for a sentence with no counterpart. ``scorer`` adds outside
    evidence (see :class:`Scorer`).
    """
    if not src and not tgt:
        return []
    if scorer is not None and hasattr(scorer, "prime"):
        scorer.prime(src)
        scorer.prime(tgt)
    n, m = len(src), len(tgt)
    bound = (scorer, src, tgt, scorer_weight) if scorer is not None else None
    costs = _Costs(*_features(src, tgt), bound)
    path = _path(costs, n, m)
    if _LEXICON:
        # Second pass with word pairs learned from the first, near the first path.
        lexicon = _learn_lexicon(path, costs.a, costs.b)
        costs = _Costs(*_features(src, tgt, lexicon), bound)
        if max(n, m) <= _SMALL:
            path = _dp(costs, n, m, *_full_band(n, m))
        else:
            path = _dp(costs, n, m, *_band_from_path(path, n, m, _WIDTH2))
    groups = []
    i = j = 0
    for na, nb in path:
        cost, anchor = costs.cost(i, na, j, nb)
        old = tuple(s.position for s in src[i : i + na])
        new = tuple(s.position for s in tgt[j : j + nb])
        if na == 0 or nb == 0:
            method, score = "unmatched", 0.5
        else:
            method = "anchors" if anchor >= 1.0 else "length"
            # Length alone gives about 0.5; shared anchors push towards 1.
            score = 1 / (1 + math.exp(min(50.0, cost - _DICE)))
        groups.append(Group(old, new, round(score, 4), method))
        i, j = i + na, j + nb
    return groups


def format_bleualign(groups: list[Group]) -> str:
    """One group a line, ``[0]:[0, 1]``, as in Bleualign/Vecalign gold files."""
    return "".join(f"{list(g.old)}:{list(g.new)}\n" for g in groups)
