"""Compare two sentence lists: align them, diff each group word by word, classify.

One kind per aligned group (DESIGN "Change kinds"). Where several apply, the most
informative wins, in this order:

1. ``figure``: any figure value differs, appeared or vanished, even when the group is
   also moved, split or merged (the group's ``method``/``moved`` still say so);
2. ``split`` / ``merged`` / ``moved``: the structure changed; ``also_wording`` says
   whether words changed too, and ``diff`` holds the word diff;
3. ``wording``, then ``punctuation`` (only punctuation, spacing, quote style or case).

Figure pairs follow the word diff: figures in unchanged text are unchanged; inside one
edit, figures with equal values pair off, the rest pair in order; what is left over
across the whole group pairs the same way, and the rest pair with None. Only pairs that
differ are reported.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Callable, Hashable, Sequence

from variorum.align import align_revision
from variorum.crossalign import align_translation
from variorum.diff import word_diff
from variorum.model import Change, Figure, FigurePair, Group, Sentence

_STRUCTURE = {"split": "split", "merge": "merged"}


def compare(
    old: list[Sentence], new: list[Sentence], *, relation: str, old_lang: str, new_lang: str
) -> list[Change]:
    """Every aligned group of ``old`` and ``new`` as a Change; unchanged ones are ``same``.

    ``relation`` is ``revision`` (same language: wording is compared) or
    ``translation`` (only figures, omissions and additions are compared).
    """
    if relation == "translation":
        groups = align_translation(list(old), list(new), old_lang, new_lang)
        return [_translation_change(g, old, new) for g in groups]
    return [_revision_change(g, old, new, new_lang) for g in align_revision(old, new)]


# --- revisions --------------------------------------------------------------------------------


def _revision_change(
    g: Group, old: Sequence[Sentence], new: Sequence[Sentence], lang: str
) -> Change:
    ot, ofigs = _joined([old[i] for i in g.old])
    nt, nfigs = _joined([new[j] for j in g.new])
    if not g.new:
        return Change(g, "removed", diff=[(-1, ot)])
    if not g.old:
        return Change(g, "added", diff=[(1, nt)])
    structure = _STRUCTURE.get(g.method) or ("moved" if g.moved else None)
    if ot == nt:
        return Change(g, structure or "same", diff=[(0, ot)])
    ops = word_diff(ot, nt, lang, ofigs, nfigs)
    pairs = figure_pairs(ofigs, nfigs, ops, _revision_key)
    if pairs:
        also = _plain(_masked(ot, ofigs)) != _plain(_masked(nt, nfigs))
        return Change(g, "figure", also, pairs, ops)
    words = _plain(ot) != _plain(nt)
    if structure:
        return Change(g, structure, words, diff=ops)
    return Change(g, "wording" if words else "punctuation", diff=ops)


def _joined(sentences: Sequence[Sentence]) -> tuple[str, list[Figure]]:
    """The texts joined with one space, and the figures with offsets into that text."""
    parts: list[str] = []
    figs: list[Figure] = []
    at = 0
    for s in sentences:
        figs += [_shift(f, at) for f in s.figures]
        parts.append(s.text)
        at += len(s.text) + 1
    return " ".join(parts), figs


def _shift(f: Figure, by: int) -> Figure:
    if not by:
        return f
    return Figure(
        f.raw, f.start + by, f.end + by, f.value, f.kind, f.value_end, f.unit, f.issue, f.reason
    )


def _plain(text: str) -> str:
    """Text without punctuation, spaces or case: what is left when only those changed."""
    return "".join(
        c
        for c in unicodedata.normalize("NFKC", text).casefold()
        if not unicodedata.category(c).startswith(("P", "Z")) and not c.isspace()
    )


def _masked(text: str, figures: Sequence[Figure]) -> str:
    """Text with every figure replaced by ``#``, to see whether other words changed."""
    out, last = [], 0
    for f in sorted(figures, key=lambda f: f.start):
        if f.start >= last:
            out += [text[last : f.start], "#"]
            last = f.end
    out.append(text[last:])
    return "".join(out)


def _revision_key(f: Figure) -> Hashable:
    if f.value is None:
        return ("raw", f.raw)
    return (f.value, f.value_end, f.unit, f.kind == "percent")


def _translation_key(f: Figure) -> Hashable:
    # Kinds and units are worded differently across languages; values are comparable.
    if f.value is None:
        return ("raw", f.raw)
    return (f.value, f.value_end)


def figure_pairs(
    old: Sequence[Figure],
    new: Sequence[Figure],
    ops: Sequence[tuple[int, str]],
    key: Callable[[Figure], Hashable] = _revision_key,
) -> list[FigurePair]:
    """The figure pairs that differ between two texts with diff ``ops`` between them.

    Figure offsets are into the texts the ops rebuild (``ops_old`` / ``ops_new``).
    """
    # Where each op starts in the old and the new text, and which edit ("hunk") it is in.
    old_ops: list[tuple[int, int, int, int]] = []  # (old start, op, new start, hunk)
    new_ops: list[tuple[int, int, int, int]] = []  # (new start, op, old start, hunk)
    po = pn = hunk = 0
    prev_equal = True
    for op, text in ops:
        if op != 0 and prev_equal:
            hunk += 1
        prev_equal = op == 0
        if op <= 0:
            old_ops.append((po, op, pn, hunk))
            po += len(text)
        if op >= 0:
            new_ops.append((pn, op, po - (len(text) if op == 0 else 0), hunk))
            pn += len(text)
    old_starts = [t[0] for t in old_ops]
    new_starts = [t[0] for t in new_ops]

    def place(
        f: Figure, table: list[tuple[int, int, int, int]], starts: list[int]
    ) -> tuple[int, int | None]:
        """(hunk, None) for a figure inside an edit; (0, offset in the other text) if not."""
        k = bisect.bisect_right(starts, f.start) - 1
        if k < 0:
            return -1, None
        start, op, other, h = table[k]
        return (0, other + f.start - start) if op == 0 else (h, None)

    new_at: dict[int, int] = {f.start: k for k, f in enumerate(new)}
    used_new: set[int] = set()
    by_hunk_old: dict[int, list[Figure]] = {}
    by_hunk_new: dict[int, list[Figure]] = {}
    for f in old:
        h, other = place(f, old_ops, old_starts)
        if h == 0 and other is not None and other in new_at and new_at[other] not in used_new:
            used_new.add(new_at[other])
            g = new[new_at[other]]
            if key(f) != key(g):  # cannot happen for equal text, but figures may be re-parsed
                by_hunk_old.setdefault(-1, []).append(f)
                by_hunk_new.setdefault(-1, []).append(g)
            continue
        by_hunk_old.setdefault(h, []).append(f)
    for k, f in enumerate(new):
        if k in used_new:
            continue
        h, _ = place(f, new_ops, new_starts)
        by_hunk_new.setdefault(h, []).append(f)

    out: list[FigurePair] = []
    left_old: list[Figure] = []
    left_new: list[Figure] = []
    for h in sorted(set(by_hunk_old) | set(by_hunk_new)):
        if h <= 0:
            left_old += by_hunk_old.get(h, [])
            left_new += by_hunk_new.get(h, [])
            continue
        pairs, lo, ln = _pair_off(by_hunk_old.get(h, []), by_hunk_new.get(h, []), key)
        out += pairs
        left_old += lo
        left_new += ln
    pairs, lo, ln = _pair_off(left_old, left_new, key)
    out += pairs
    out += [FigurePair(f, None) for f in lo]
    out += [FigurePair(None, f) for f in ln]
    return out


def _pair_off(
    old: list[Figure], new: list[Figure], key: Callable[[Figure], Hashable]
) -> tuple[list[FigurePair], list[Figure], list[Figure]]:
    """Equal values pair off (unreported), then the rest pair in order; return the rest."""
    rest_new = list(new)
    rest_old = []
    for f in old:
        k = next((n for n, g in enumerate(rest_new) if key(g) == key(f)), None)
        if k is None:
            rest_old.append(f)
        else:
            del rest_new[k]
    n = min(len(rest_old), len(rest_new))
    pairs = [FigurePair(a, b) for a, b in zip(rest_old[:n], rest_new[:n], strict=True)]
    return pairs, rest_old[n:], rest_new[n:]


# --- translations -----------------------------------------------------------------------------


def _grammatical(f: Figure) -> bool:
    """A lone 'two' written as a word, with no counterpart, is usually grammar: Arabic
    duals (عقدين, two decades) and 'both' (les deux pays) carry it without a numeral.
    Reporting it would be a false alarm far more often than a lost figure."""
    return f.kind == "words" and f.value is not None and f.value <= 2


def _translation_change(g: Group, old: Sequence[Sentence], new: Sequence[Sentence]) -> Change:
    if not g.new and not g.old:
        return Change(g, "same")
    if not g.new:
        return Change(g, "removed")
    if not g.old:
        return Change(g, "added")
    ofigs = [f for i in g.old for f in old[i].figures]
    nfigs = [f for j in g.new for f in new[j].figures]
    pairs, lo, ln = _pair_off(ofigs, nfigs, _translation_key)
    pairs += [FigurePair(f, None) for f in lo if not _grammatical(f)]
    pairs += [FigurePair(None, f) for f in ln if not _grammatical(f)]
    return Change(g, "figure" if pairs else "same", figures=pairs)
