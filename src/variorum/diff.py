"""Token-level diffs with diff-match-patch: words inside sentences, sentences inside documents.

diff-match-patch diffs strings of characters. To diff sequences of tokens (words,
figures, whole sentences) each distinct token is encoded as one code point, the
strings of code points are diffed, and the result is decoded back to tokens (the
"linesToChars" trick). Code points are handed out from U+0100 upwards, skipping
the surrogate block, so more than 55,295 distinct tokens never produce lone
surrogates (the library's own linesToChars does after 55,295).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from diff_match_patch import diff_match_patch

from variorum.model import Figure

T = TypeVar("T", bound=Hashable)
Op = tuple[int, str]

DELETE, EQUAL, INSERT = -1, 0, 1

# Start above Latin-1 so encoded strings never hold ASCII controls; skip surrogates.
_FIRST_CODE = 0x100
_SURROGATES = range(0xD800, 0xE000)
_MAX_TOKENS = 0x110000 - _FIRST_CODE - len(_SURROGATES)

# Scripts written without spaces are diffed per character; everything else per word.
_NO_SPACE = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"  # Thai, Lao, Myanmar, Khmer
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"  # kana, CJK, Hangul
    "\U00020000-\U0003134f"
)
# Digit groups joined by separators stay one token even where no figure span is given.
_TOKEN = re.compile(
    rf"\d+(?:[.,'’\u00a0\u2009\u202f]\d+)*|[{_NO_SPACE}]|[^\W{_NO_SPACE}]+|\s+|.", re.S
)


def _dmp() -> diff_match_patch:
    dmp = diff_match_patch()
    # The default timeout is wall-clock: on large inputs it returns different diffs
    # from run to run. 0 means "no timeout", i.e. always the exact Myers diff.
    dmp.Diff_Timeout = 0
    return dmp


def _code(n: int) -> str:
    c = _FIRST_CODE + n
    if c >= _SURROGATES.start:
        c += len(_SURROGATES)
    return chr(c)


class TokenEncoder:
    """Encodes token sequences as strings, one code point per distinct token, consistently
    across calls: string similarity of the encodings is then token similarity (e.g.
    rapidfuzz's ``fuzz.ratio`` becomes a word-level Indel similarity). ``table[k]`` is
    the token behind the k-th code point handed out."""

    def __init__(self) -> None:
        self.index: dict[Hashable, str] = {}
        self.table: list[Hashable] = []

    def __call__(self, tokens: Iterable[Hashable]) -> str:
        out = []
        for tok in tokens:
            ch = self.index.get(tok)
            if ch is None:
                if len(self.table) >= _MAX_TOKENS:
                    raise ValueError(f"more than {_MAX_TOKENS} distinct tokens to diff")
                ch = self.index[tok] = _code(len(self.table))
                self.table.append(tok)
            out.append(ch)
        return "".join(out)


def _encode(a: Sequence[T], b: Sequence[T]) -> tuple[str, str, list[T]]:
    """Both sequences as strings of code points, one per distinct token, and the table."""
    enc = TokenEncoder()
    return enc(a), enc(b), enc.table  # type: ignore[return-value]


def token_encoder() -> Callable[[Iterable[Hashable]], str]:
    return TokenEncoder()


def _decode_index(ch: str) -> int:
    c = ord(ch)
    if c >= _SURROGATES.stop:
        c -= len(_SURROGATES)
    return c - _FIRST_CODE


def diff_sequences(a: Sequence[T], b: Sequence[T]) -> list[tuple[int, int, int, int, int]]:
    """A minimal diff of two token sequences as ``(op, a_start, a_end, b_start, b_end)``.

    Equal runs have ``op == 0``; runs with ``op == -1`` cover only ``a``, with ``op == 1``
    only ``b``. Tokens that occur in only one sequence can never match, so they are set
    aside before diffing: a complete rewrite costs no more than a small edit.
    """
    in_b = set(b)
    in_a = set(a)
    ia = [i for i, t in enumerate(a) if t in in_b]
    ib = [j for j, t in enumerate(b) if t in in_a]
    sa, sb, _ = _encode([a[i] for i in ia], [b[j] for j in ib])
    matches: list[tuple[int, int]] = []
    if sa and sb:
        pa = pb = 0
        for op, text in _dmp().diff_main(sa, sb, False):
            n = len(text)
            if op == EQUAL:
                matches.extend((ia[pa + k], ib[pb + k]) for k in range(n))
                pa += n
                pb += n
            elif op == DELETE:
                pa += n
            else:
                pb += n
    out: list[tuple[int, int, int, int, int]] = []
    i = j = 0
    for mi, mj in matches + [(len(a), len(b))]:
        if i < mi:
            out.append((DELETE, i, mi, j, j))
        if j < mj:
            out.append((INSERT, mi, mi, j, mj))
        if mi < len(a):
            if out and out[-1][0] == EQUAL and out[-1][2] == mi and out[-1][4] == mj:
                prev = out.pop()
                out.append((EQUAL, prev[1], mi + 1, prev[3], mj + 1))
            else:
                out.append((EQUAL, mi, mi + 1, mj, mj + 1))
        i, j = mi + 1, mj + 1
    return out


def tokenize(text: str, figures: Iterable[Figure] = ()) -> list[str]:
    """Words, whitespace runs and single other characters; each figure span is one token.

    ``"".join(tokenize(t, f)) == t`` for every text. Figures that overlap an earlier
    one or fall outside the text are ignored.
    """
    tokens: list[str] = []
    last = 0
    for f in sorted(figures, key=lambda f: (f.start, -f.end)):
        if f.start < last or f.end <= f.start or f.end > len(text):
            continue
        tokens += _TOKEN.findall(text, last, f.start)
        tokens.append(text[f.start : f.end])
        last = f.end
    tokens += _TOKEN.findall(text, last)
    return tokens


def word_diff(
    old: str,
    new: str,
    lang: str = "en",
    figures_old: Iterable[Figure] = (),
    figures_new: Iterable[Figure] = (),
) -> list[Op]:
    """Word-level diff ops ``(-1|0|1, text)`` of two texts, easy to read.

    Figures (offsets into ``old`` / ``new``) are single tokens, so ``1,200 -> 1,500``
    is one deletion and one insertion. ``ops_old(ops) == old`` and
    ``ops_new(ops) == new`` always hold. ``lang`` is accepted for symmetry with the
    other text functions; the tokenizer already splits spaceless scripts per character.
    """
    if old == new:
        return [(EQUAL, old)] if old else []
    ta, tb = tokenize(old, figures_old), tokenize(new, figures_new)
    sa, sb, table = _encode(ta, tb)
    dmp = _dmp()
    diffs = dmp.diff_main(sa, sb, False)
    dmp.diff_cleanupSemantic(diffs)
    diffs = _absorb_small_equalities(diffs, table)
    dmp.diff_cleanupMerge(diffs)
    return [(op, "".join(table[_decode_index(c)] for c in text)) for op, text in diffs if text]


def _absorb_small_equalities(diffs: list[tuple[int, str]], table: list[str]) -> list[list]:
    """Fold equalities without any word character (a space, a comma) that sit between
    two edits into those edits, so ``[-30,1988 people-][+30,000 persons+]`` reads as one
    replacement instead of two with a lone space between them."""
    out: list[list] = [[op, text] for op, text in diffs]
    k = 1
    while k < len(out) - 1:
        op, text = out[k]
        if op == EQUAL and out[k - 1][0] != EQUAL and out[k + 1][0] != EQUAL:
            words = any(re.search(r"\w", table[_decode_index(c)]) for c in text)
            before = {o for o, _ in _run(out, k, -1)}
            after = {o for o, _ in _run(out, k, 1)}
            if not words and (len(before) == 2 or len(after) == 2):
                out[k : k + 1] = [[DELETE, text], [INSERT, text]]
                k += 2
                continue
        k += 1
    return out


def _run(diffs: list[list], k: int, step: int) -> list[list]:
    """The edits next to position ``k`` in direction ``step``, up to the next equality."""
    run = []
    i = k + step
    while 0 <= i < len(diffs) and diffs[i][0] != EQUAL:
        run.append(diffs[i])
        i += step
    return run


def ops_old(ops: Iterable[Op]) -> str:
    """The old text a list of diff ops was made from."""
    return "".join(text for op, text in ops if op <= 0)


def ops_new(ops: Iterable[Op]) -> str:
    """The new text a list of diff ops was made from."""
    return "".join(text for op, text in ops if op >= 0)
