"""Align the sentences of two versions of a text in the same language.

The passes, each on what the previous ones left unmatched:

1. exact: a minimal diff of the two documents with every ``norm`` one token;
2. skeleton: inside each gap, the same on skeletons (figures masked), so a sentence
   whose only edits are its figures always aligns with its old self;
3. moved exact/skeleton: equal sentences in different gaps (they cross an anchor);
4. fuzzy, inside each gap: the order-preserving set of pairs with the highest total
   word similarity, then splits and merges where a concatenation of neighbours
   matches clearly better than one sentence; a split or merge then takes in further
   neighbours whose words it contains (a list joined into one line);
5. moved fuzzy: near-equal sentences left over anywhere in the document;
6. in place: one old and one new sentence left alone between the same two matched
   neighbours are an edit of each other at a lower similarity (or when their
   skeletons match: a short line whose figures and unit changed).

Word similarity is rapidfuzz's Indel similarity on words (``fuzz.ratio`` on strings
with one code point per word). The thresholds below were measured on consecutive
Wikipedia revisions (``benchmarks/fuzzy_threshold.py``): in-place edits against the
most similar other sentence, precision 0.967 and recall 0.969 at 0.55 (with the
containment rule), precision 0.984 at 0.70. On the same revisions, 104 such lone pairs were left
unmatched at 0.55; of those at 0.40 or more, 29 of 32 were edits of one another, as
were most of those just below, which are left unmatched (``benchmarks/wiki_kinds.py``).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from variorum.diff import diff_sequences, token_encoder, tokenize
from variorum.model import Group, Sentence

THRESHOLD = 0.55  # word similarity for a fuzzy match inside a gap
CONTAIN = 0.9  # ...or this share of the shorter sentence's words, in order, in the longer
CONTAIN_MIN_WORDS = 6  # ...if the shorter one has at least this many words
MOVE_THRESHOLD = 0.70  # stricter: a moved match may come from anywhere in the document
MIN_MOVE_WORDS = 3  # a skeleton-only move needs this many words besides its figures
SPLIT_MARGIN = 0.10  # a concatenation must beat the best single sentence by this much
ABSORB_SHARE = 0.4  # ...or half the added sentences' words are matched by the concatenation
ABSORB_MIN_WORDS = 2  # ...and at least this many
MAX_PARTS = 3  # at most this many sentences on the many side of a split or merge
GROW_SHARE = 0.75  # ...unless further neighbours have this share of their words in the one side
IN_PLACE_THRESHOLD = (
    0.40  # words (no punctuation) shared by a lone old and new sentence between anchors
)
FULL_GAP_PAIRS = 40_000  # gaps up to this many old x new pairs are searched completely
BAND = 60  # in larger gaps a sentence is compared with this many either side of its place
MOVE_PAIRS = 2_000_000  # cap on the all-against-all search for moved reworded sentences


def align_revision(old: Sequence[Sentence], new: Sequence[Sentence]) -> list[Group]:
    """Groups covering every old and new sentence (by list index) exactly once.

    Groups come in new-document order; a removed sentence sits right after the group
    of the old sentence before it. ``method`` is one of exact, skeleton, fuzzy,
    split, merge, moved, none; ``score`` is the word similarity of the group in [0, 1].
    """
    return _Aligner(old, new).run()


class _Aligner:
    def __init__(self, old: Sequence[Sentence], new: Sequence[Sentence]) -> None:
        self.old = old
        self.new = new
        self.og: list[int | None] = [None] * len(old)  # group id of each old sentence
        self.ng: list[int | None] = [None] * len(new)
        self.groups: list[Group] = []
        self._enc = token_encoder()
        self._ow: dict[int, str] = {}
        self._nw: dict[int, str] = {}
        self._in_place: list[tuple[int, int]] = []  # lone old/new pairs left between anchors

    # -- words --------------------------------------------------------------------------------

    def ow(self, i: int) -> str:
        w = self._ow.get(i)
        if w is None:
            w = self._ow[i] = self._words(self.old[i].norm)
        return w

    def nw(self, j: int) -> str:
        w = self._nw.get(j)
        if w is None:
            w = self._nw[j] = self._words(self.new[j].norm)
        return w

    def _words(self, text: str) -> str:
        return self._enc(t for t in tokenize(text) if not t.isspace())

    # -- bookkeeping --------------------------------------------------------------------------

    def add(self, olds: Sequence[int], news: Sequence[int], score: float, method: str) -> None:
        gid = len(self.groups)
        moved = method == "moved"
        self.groups.append(Group(tuple(olds), tuple(news), round(score, 6), method, moved))
        for i in olds:
            self.og[i] = gid
        for j in news:
            self.ng[j] = gid

    def free_old(self, idx: Sequence[int]) -> list[int]:
        return [i for i in idx if self.og[i] is None]

    def free_new(self, idx: Sequence[int]) -> list[int]:
        return [j for j in idx if self.ng[j] is None]

    # -- passes -------------------------------------------------------------------------------

    def run(self) -> list[Group]:
        gaps = self._exact()
        gaps = [sub for gap in gaps for sub in self._skeleton(*gap)]
        self._moved_equal()
        for olds, news in gaps:
            self._fuzzy_gap(self.free_old(olds), self.free_new(news))
        self._moved_fuzzy()
        self._pair_in_place()
        for i in range(len(self.old)):
            if self.og[i] is None:
                self.add([i], [], 0.0, "none")
        for j in range(len(self.new)):
            if self.ng[j] is None:
                self.add([], [j], 0.0, "none")
        return self._ordered()

    def _exact(self) -> list[tuple[list[int], list[int]]]:
        ops = diff_sequences([s.norm for s in self.old], [s.norm for s in self.new])
        return self._equal_runs(
            ops, list(range(len(self.old))), list(range(len(self.new))), "exact"
        )

    def _skeleton(self, olds: list[int], news: list[int]) -> list[tuple[list[int], list[int]]]:
        if not olds or not news:
            return [(olds, news)]
        ops = diff_sequences(
            [self.old[i].skeleton for i in olds], [self.new[j].skeleton for j in news]
        )
        return self._equal_runs(ops, olds, news, "skeleton")

    def _equal_runs(
        self,
        ops: list[tuple[int, int, int, int, int]],
        olds: list[int],
        news: list[int],
        method: str,
    ) -> list[tuple[list[int], list[int]]]:
        """Group the equal runs of a diff over ``olds``/``news``; return the gaps between."""
        gaps: list[tuple[list[int], list[int]]] = []
        go: list[int] = []
        gn: list[int] = []
        for op, a0, a1, b0, b1 in ops:
            if op == 0:
                if go or gn:
                    gaps.append((go, gn))
                    go, gn = [], []
                for k in range(a1 - a0):
                    i, j = olds[a0 + k], news[b0 + k]
                    score = 1.0 if method == "exact" else self.sim(self.ow(i), self.nw(j))
                    self.add([i], [j], score, method)
            else:
                go += olds[a0:a1]
                gn += news[b0:b1]
        if go or gn:
            gaps.append((go, gn))
        return gaps

    def _moved_equal(self) -> None:
        """Equal norms (then skeletons) still unmatched lie in different gaps: moves."""
        for key in ("norm", "skeleton"):
            waiting: dict[str, list[int]] = {}
            for j in reversed(range(len(self.new))):
                if self.ng[j] is None:
                    waiting.setdefault(getattr(self.new[j], key), []).append(j)
            for i in range(len(self.old)):
                if self.og[i] is None:
                    js = waiting.get(getattr(self.old[i], key))
                    if js and (key == "norm" or _has_words(self.old[i].skeleton)):
                        j = js.pop()
                        score = 1.0 if key == "norm" else self.sim(self.ow(i), self.nw(j))
                        self.add([i], [j], score, "moved")

    # -- fuzzy --------------------------------------------------------------------------------

    @staticmethod
    def sim(a: str, b: str) -> float:
        return fuzz.ratio(a, b) / 100

    @staticmethod
    def weight(a: str, b: str) -> float:
        """Match weight of two word strings: their similarity, or 0 if they do not match."""
        s = fuzz.ratio(a, b) / 100
        if s >= THRESHOLD:
            return s
        short = min(len(a), len(b))
        if short >= CONTAIN_MIN_WORDS and LCSseq.similarity(a, b) >= CONTAIN * short:
            return THRESHOLD
        return 0.0

    def _candidates(self, olds: list[int], news: list[int]) -> list[tuple[int, int, float]]:
        """(old pos, new pos, weight) of matching pairs, positions local to the lists."""
        out: list[tuple[int, int, float]] = []
        nwords = [self.nw(j) for j in news]
        full = len(olds) * len(news) <= FULL_GAP_PAIRS
        for a, i in enumerate(olds):
            q = self.ow(i)
            if full:
                lo, hi = 0, len(news)
            else:
                mid = a * len(news) // len(olds)
                lo, hi = max(0, mid - BAND), min(len(news), mid + BAND + 1)
            window = nwords[lo:hi]
            hits = {
                k: s / 100
                for _, s, k in process.extract(
                    q, window, scorer=fuzz.ratio, score_cutoff=THRESHOLD * 100, limit=None
                )
            }
            if len(q) >= CONTAIN_MIN_WORDS:
                for _, lcs, k in process.extract(
                    q,
                    window,
                    scorer=LCSseq.similarity,
                    score_cutoff=int(CONTAIN * CONTAIN_MIN_WORDS),
                    limit=None,
                ):
                    if (
                        k not in hits
                        and lcs >= CONTAIN * min(len(q), len(window[k]))
                        and min(len(q), len(window[k])) >= CONTAIN_MIN_WORDS
                    ):
                        hits[k] = THRESHOLD
            out += [(a, lo + k, w) for k, w in sorted(hits.items())]
        return out

    def _fuzzy_gap(self, olds: list[int], news: list[int]) -> None:
        if not olds or not news:
            return
        chain = _best_chain(self._candidates(olds, news))
        for a, b, _ in chain:
            i, j = olds[a], news[b]
            self.add([i], [j], self.sim(self.ow(i), self.nw(j)), "fuzzy")
        in_gap_old, in_gap_new = set(olds), set(news)
        for a, _, _ in chain:
            self._extend(self.og[olds[a]], in_gap_old, in_gap_new)
        # What is left between the fuzzy pairs may still be a split or merge as a whole.
        last_o = last_n = -1
        for a, b, _ in chain + [(len(olds), len(news), 0.0)]:
            sub_o = self.free_old(olds[last_o + 1 : a])
            sub_n = self.free_new(news[last_n + 1 : b])
            if len(sub_o) == 1 and len(sub_n) == 1:
                self._in_place.append((sub_o[0], sub_n[0]))
            elif sub_o and sub_n:
                self._split_merge(sub_o, sub_n)
            last_o, last_n = a, b

    def _extend(self, gid: int | None, in_old: set[int], in_new: set[int]) -> None:
        """Turn a fuzzy 1-1 pair into a split or merge if free neighbours make it much better."""
        if gid is None:
            return
        g = self.groups[gid]
        i, j = g.old[0], g.new[0]
        base = self.weight(self.ow(i), self.nw(j))
        best: tuple[float, list[int], list[int]] | None = None
        for side in ("new", "old"):
            center = j if side == "new" else i
            pool = in_new if side == "new" else in_old
            taken = self.ng if side == "new" else self.og
            for start in range(center - MAX_PARTS + 1, center + 1):
                for size in range(2, MAX_PARTS + 1):
                    span = list(range(start, start + size))
                    if center not in span or span[0] < 0:
                        continue
                    if any(k != center and (k not in pool or taken[k] is not None) for k in span):
                        continue
                    if side == "new":
                        one, center_words = self.ow(i), self.nw(j)
                        whole = "".join(self.nw(k) for k in span)
                        cand = ([i], span)
                    else:
                        one, center_words = self.nw(j), self.ow(i)
                        whole = "".join(self.ow(k) for k in span)
                        cand = (span, [j])
                    w = self.weight(one, whole)
                    grew = w >= base + SPLIT_MARGIN or self._absorbs(
                        one, whole, center_words, w, base
                    )
                    if grew and (best is None or w > best[0]):
                        best = (w, *cand)
        if best is None:
            return
        w, olds, news = best
        self.groups[gid] = Group((), (), 0.0, "none")  # retired; its sentences move on
        olds, news = self._grow(olds, news, in_old, in_new)
        self.add(olds, news, self._group_sim(olds, news), "split" if len(news) > 1 else "merge")

    def _grow(
        self, olds: list[int], news: list[int], in_old: set[int], in_new: set[int]
    ) -> tuple[list[int], list[int]]:
        """Take free neighbours into the many side of a split or merge while nearly all
        their words (at least two) are found, in order, in the one side beyond what the
        group already matches: a list written on one line in one version and line by line
        in the other becomes one group however long it is."""
        many_old = len(olds) > 1
        span = list(olds if many_old else news)
        one = self.nw(news[0]) if many_old else self.ow(olds[0])
        words = self.ow if many_old else self.nw
        pool = in_old if many_old else in_new
        taken = self.og if many_old else self.ng
        matched = LCSseq.similarity(one, "".join(words(k) for k in span))
        grew = True
        while grew:
            grew = False
            for k, at_end in ((span[-1] + 1, True), (span[0] - 1, False)):
                if k not in pool or taken[k] is not None:
                    continue
                w = words(k)
                cand = span + [k] if at_end else [k] + span
                got = LCSseq.similarity(one, "".join(words(x) for x in cand))
                if len(w) >= ABSORB_MIN_WORDS and got - matched >= GROW_SHARE * len(w):
                    span, matched, grew = cand, got, True
        return (span, news) if many_old else (olds, span)

    @staticmethod
    def _absorbs(one: str, whole: str, center: str, w: float, base: float) -> bool:
        """A merge or split whose similarity barely moves can still be real: the added
        sentences' words turn up in the other side ("X. Baku denied it." -> "X, which
        Baku denied."). Accept when at least 40% of the added tokens, and at least
        two, are matched by the concatenation beyond what the single sentence matched."""
        added = len(whole) - len(center)
        gain = LCSseq.similarity(one, whole) - LCSseq.similarity(one, center)
        return w >= base - 0.05 and gain >= max(ABSORB_MIN_WORDS, ABSORB_SHARE * added)

    def _group_sim(self, olds: Sequence[int], news: Sequence[int]) -> float:
        return self.sim("".join(self.ow(i) for i in olds), "".join(self.nw(j) for j in news))

    def _split_merge(self, olds: list[int], news: list[int]) -> None:
        """Splits and merges among sentences no single sentence matched."""
        cands: list[tuple[float, tuple[int, ...], tuple[int, ...]]] = []
        spans_n = _runs(news)
        for a, _, span, w in self._span_hits(
            [self.ow(i) for i in olds], [(sp, "".join(self.nw(k) for k in sp)) for sp in spans_n]
        ):
            i = olds[a]
            if w >= max(self.weight(self.ow(i), self.nw(k)) for k in span) + SPLIT_MARGIN:
                cands.append((w, (i,), span))
        spans_o = _runs(olds)
        for b, _, span, w in self._span_hits(
            [self.nw(j) for j in news], [(sp, "".join(self.ow(k) for k in sp)) for sp in spans_o]
        ):
            j = news[b]
            if w >= max(self.weight(self.ow(k), self.nw(j)) for k in span) + SPLIT_MARGIN:
                cands.append((w, span, (j,)))
        cands.sort(key=lambda c: (-c[0], c[1], c[2]))
        accepted: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
        for _w, o, n in cands:
            if any(self.og[k] is not None for k in o) or any(self.ng[k] is not None for k in n):
                continue
            # keep the order: every accepted group lies wholly before or after this one
            if all((o[-1] < ao[0]) == (n[-1] < an[0]) for ao, an in accepted):
                go, gn = self._grow(list(o), list(n), set(olds), set(news))
                accepted.append((tuple(go), tuple(gn)))
                self.add(go, gn, self._group_sim(go, gn), "split" if len(gn) > 1 else "merge")

    @staticmethod
    def _span_hits(
        queries: list[str], spans: list[tuple[tuple[int, ...], str]]
    ) -> list[tuple[int, int, tuple[int, ...], float]]:
        """(query pos, 0, span, similarity) for each span matching a query, banded."""
        out: list[tuple[int, int, tuple[int, ...], float]] = []
        if not spans:
            return out
        texts = [t for _, t in spans]
        full = len(queries) * len(spans) <= FULL_GAP_PAIRS
        for a, q in enumerate(queries):
            if full:
                lo, hi = 0, len(spans)
            else:
                mid = a * len(spans) // len(queries)
                lo, hi = max(0, mid - BAND), min(len(spans), mid + BAND + 1)
            for _, sc, k in process.extract(
                q, texts[lo:hi], scorer=fuzz.ratio, score_cutoff=THRESHOLD * 100, limit=None
            ):
                out.append((a, 0, spans[lo + k][0], sc / 100))
        return out

    def _moved_fuzzy(self) -> None:
        olds = self.free_old(range(len(self.old)))
        news = self.free_new(range(len(self.new)))
        if not olds or not news or len(olds) * len(news) > MOVE_PAIRS:
            return
        nwords = [self.nw(j) for j in news]
        cands: list[tuple[float, int, int]] = []
        for i in olds:
            for _, s, k in process.extract(
                self.ow(i), nwords, scorer=fuzz.ratio, score_cutoff=MOVE_THRESHOLD * 100, limit=None
            ):
                cands.append((s / 100, i, news[k]))
        cands.sort(key=lambda c: (-c[0], c[1], c[2]))
        order_o, order_n = self._in_order()
        for s, i, j in cands:
            if self.og[i] is None and self.ng[j] is None:
                # Outside the gaps' searches (a large gap) a pair may still keep the order.
                k = bisect.bisect_left(order_o, i)
                lo = order_n[k - 1] if k else -1
                hi = order_n[k] if k < len(order_n) else len(self.new)
                self.add([i], [j], s, "fuzzy" if lo < j < hi else "moved")

    def _pair_in_place(self) -> None:
        """A lone old and new sentence between the same two matched neighbours (or the
        ends of the text), still unmatched after the moves, are one sentence edited in
        place when they share enough words, or enough of their skeletons (punctuation
        aside)."""
        for i, j in self._in_place:
            if self.og[i] is not None or self.ng[j] is not None:
                continue
            words = self.sim(self._content(self.old[i].norm), self._content(self.new[j].norm))
            skel = self.sim(
                self._content(self.old[i].skeleton), self._content(self.new[j].skeleton)
            )
            if words >= IN_PLACE_THRESHOLD or skel >= THRESHOLD:
                self.add([i], [j], self.sim(self.ow(i), self.nw(j)), "fuzzy")

    def _content(self, text: str) -> str:
        """Words and masked figures only: short lines share their punctuation by chance."""
        return self._enc(t for t in tokenize(text) if t == "#" or any(c.isalnum() for c in t))

    def _in_order(self) -> tuple[list[int], list[int]]:
        """First old and new position of every in-order matched group, sorted."""
        pairs = sorted((g.old[0], g.new[0]) for g in self.groups if g.old and g.new and not g.moved)
        return [p[0] for p in pairs], [p[1] for p in pairs]

    # -- output -------------------------------------------------------------------------------

    def _ordered(self) -> list[Group]:
        keyed: list[tuple[tuple[int, int, int], Group]] = []
        last = -1
        seen: set[int] = set()  # groups with new sentences, keyed at their first one
        for i in range(len(self.old)):
            gid = self.og[i]
            assert gid is not None
            g = self.groups[gid]
            if g.new:
                if not g.moved:
                    last = max(last, g.new[-1])
            else:
                keyed.append(((last, 1, i), g))
        for j in range(len(self.new)):
            gid = self.ng[j]
            assert gid is not None
            if gid not in seen:
                seen.add(gid)
                keyed.append(((j, 0, 0), self.groups[gid]))
        keyed.sort(key=lambda kg: kg[0])
        return [g for _, g in keyed]


def _has_words(skeleton: str) -> bool:
    """Whether a skeleton has enough words to identify a sentence away from its place:
    ``#.`` (a figure alone) matches every other lone figure."""
    return sum(t.isalnum() and t != "#" for t in tokenize(skeleton)) >= MIN_MOVE_WORDS


def _runs(idx: list[int]) -> list[tuple[int, ...]]:
    """Spans of 2..MAX_PARTS consecutive document positions within ``idx``."""
    have = set(idx)
    out = []
    for s in idx:
        for size in range(2, MAX_PARTS + 1):
            span = tuple(range(s, s + size))
            if all(k in have for k in span):
                out.append(span)
    return out


def _best_chain(pairs: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """The pairs, strictly increasing on both sides, with the highest total weight.

    A weighted longest-increasing-subsequence over a Fenwick tree of prefix maxima:
    O(p log p) for p candidate pairs. Ties go to the earliest pair, so it is deterministic.
    """
    if not pairs:
        return []
    size = max(b for _, b, _ in pairs) + 2
    tree: list[tuple[float, int]] = [(0.0, -1)] * (size + 1)

    def query(b: int) -> tuple[float, int]:  # best chain ending at new position < b
        best = (0.0, -1)
        k = b
        while k > 0:
            if tree[k][0] > best[0]:
                best = tree[k]
            k -= k & -k
        return best

    def update(b: int, val: tuple[float, int]) -> None:
        k = b + 1
        while k <= size:
            if val[0] > tree[k][0]:
                tree[k] = val
            k += k & -k

    parent: list[int] = []
    total: list[float] = []
    start = 0
    while start < len(pairs):
        end = start
        while end < len(pairs) and pairs[end][0] == pairs[start][0]:
            end += 1
        found = [query(pairs[p][1]) for p in range(start, end)]
        for p, (val, prev) in zip(range(start, end), found, strict=True):
            parent.append(prev)
            total.append(val + pairs[p][2])
            update(pairs[p][1], (total[p], p))
        start = end
    best = max(range(len(pairs)), key=lambda p: (total[p], -p))
    chain = []
    p = best
    while p != -1:
        chain.append(pairs[p])
        p = parent[p]
    return chain[::-1]
