"""Deterministic long version histories for the benchmarks.

The base text is built from real English sentences (the seed article and, when the
evaluation data is present, the Wikipedia revisions), never stored in the repository:
it is generated at run time. Each later version applies one to three realistic edits
to the previous one: figure updates, rewordings, added, removed and moved sentences.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

from paths import shared_dir  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


SEED_ARTICLE = shared_dir() / "seed" / "aliyev-karabakh.en.txt"

_SPLIT = re.compile(r"(?<=[.!?])\s+")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_WORD = re.compile(r"[A-Za-z]{4,}")

# Edit kinds and their weights per edit; the remainder of a version is unchanged.
EDITS = (("figure", 40), ("reword", 25), ("add", 12), ("remove", 12), ("move", 11))


def sentence_pool(eval_data: Path | None, seed_article: Path = SEED_ARTICLE) -> list[str]:
    """Unique, mostly alphabetic sentences of 40-400 characters, in a stable order.

    Near-duplicates (revisions of one sentence) are dropped by a key of their first
    five and last three words, so that the base text has no accidental repeats.
    """
    files: list[Path] = []
    if seed_article.is_file():
        files.append(seed_article)
    wiki = eval_data / "wiki-revisions" / "version_documents" if eval_data else None
    if wiki and wiki.is_dir():
        files += sorted(wiki.glob("*/*.txt"))
    if not files:
        raise FileNotFoundError(f"no source text: neither {seed_article} nor {wiki} exists")
    seen: set[str] = set()
    pool: list[str] = []
    for f in files:
        for s in _SPLIT.split(f.read_text(encoding="utf-8")):
            s = " ".join(s.split())
            if not 40 <= len(s) <= 400 or sum(c.isalpha() for c in s) < 0.6 * len(s):
                continue
            words = s.split()
            key = " ".join(words[:5] + words[-3:]).lower()
            if key in seen:
                continue
            seen.add(key)
            # The Wikipedia texts are lower-cased; news sentences start with a capital, and
            # sentence splitters rely on it.
            pool.append(s[0].upper() + s[1:])
    return pool


class History:
    """An article that evolves one version at a time; ``text()`` renders the current one."""

    def __init__(self, pool: list[str], size: int, seed: int = 20240) -> None:
        self.rng = random.Random(f"{seed}:{size}")
        order = list(range(len(pool)))
        self.rng.shuffle(order)
        self.pool = pool
        self.unused = order
        self.variant = 0
        self.vocab = sorted({w for s in pool[:2000] for w in _WORD.findall(s)})
        self.target = size
        self.paras: list[list[str]] = []
        total = 0
        while total < size:
            para = [self._fresh() for _ in range(self.rng.randint(2, 6))]
            total += sum(len(s.encode("utf-8")) + 1 for s in para) + 1
            self.paras.append(para)

    def text(self) -> str:
        return "\n\n".join(" ".join(p) for p in self.paras) + "\n"

    def _fresh(self) -> str:
        if self.unused:
            return self.pool[self.unused.pop()]
        # Pool exhausted: a reworded, refigured copy of a pool sentence stays unique.
        self.variant += 1
        s = self.pool[self.rng.randrange(len(self.pool))]
        return self._reword(self._refigure(s, force=True)) + f" ({self.variant})"

    def _pick(self) -> tuple[int, int]:
        p = self.rng.randrange(len(self.paras))
        return p, self.rng.randrange(len(self.paras[p]))

    def _refigure(self, s: str, force: bool = False) -> str:
        nums = list(_NUMBER.finditer(s))
        if not nums:
            return s + f" It rose by {self.rng.randint(2, 95)}%." if force else s
        m = self.rng.choice(nums)
        raw = m.group()
        digits = raw.replace(",", "")
        if "." in digits:
            new = f"{float(digits) * self.rng.uniform(0.8, 1.25):.{len(digits.split('.')[1])}f}"
        else:
            n = int(digits)
            if 1800 <= n <= 2030 and "," not in raw:
                new = str(n + self.rng.choice((-2, -1, 1, 2)))
            else:
                new = str(max(0, round(n * self.rng.uniform(0.7, 1.4)) + self.rng.randint(1, 9)))
                if "," in raw or len(new) > 4:
                    new = f"{int(new):,}"
        return s[: m.start()] + new + s[m.end() :]

    def _reword(self, s: str) -> str:
        words = s.split(" ")
        if len(words) < 4:
            return s
        i = self.rng.randrange(1, len(words) - 1)
        op = self.rng.random()
        if op < 0.5 and _WORD.fullmatch(words[i]):
            words[i] = self.rng.choice(self.vocab)
        elif op < 0.75:
            words[i], words[i + 1] = words[i + 1], words[i]
        elif op < 0.9:
            del words[i]
        else:
            words.insert(i, self.rng.choice(("also", "reportedly", "nearly", "still", "only")))
        return " ".join(words)

    def _size(self) -> int:
        return sum(len(s) + 1 for p in self.paras for s in p)

    def step(self) -> list[str]:
        """Apply one to three edits; returns their kinds."""
        kinds = [k for k, _ in EDITS]
        weights = [w for _, w in EDITS]
        done = []
        for _ in range(self.rng.choice((1, 1, 2, 2, 3))):
            kind = self.rng.choices(kinds, weights)[0]
            size = self._size()
            if kind == "remove" and size < 0.9 * self.target:
                kind = "add"
            elif kind == "add" and size > 1.1 * self.target:
                kind = "remove"
            p, i = self._pick()
            if kind == "figure":
                # Figure updates go to sentences that hold a number, as in real corrections.
                for _ in range(50):
                    if _NUMBER.search(self.paras[p][i]):
                        break
                    p, i = self._pick()
            para = self.paras[p]
            if kind == "figure":
                para[i] = self._refigure(para[i], force=True)
            elif kind == "reword":
                para[i] = self._reword(para[i])
            elif kind == "add":
                para.insert(i + self.rng.randint(0, 1), self._fresh())
            elif kind == "remove" and (len(para) > 1 or len(self.paras) > 1):
                del para[i]
                if not para:
                    del self.paras[p]
            elif kind == "move":
                s = para.pop(i)
                if not para:
                    del self.paras[p]
                q = self.rng.randrange(len(self.paras))
                self.paras[q].insert(self.rng.randint(0, len(self.paras[q])), s)
            done.append(kind)
        return done


def history(pool: list[str], size: int, versions: int, seed: int = 20240) -> Iterator[str]:
    """The texts of ``versions`` successive versions of an article of about ``size`` bytes."""
    h = History(pool, size, seed)
    yield h.text()
    for _ in range(versions - 1):
        h.step()
        yield h.text()


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Write a generated version history to a folder.")
    ap.add_argument("out", type=Path)
    ap.add_argument("--size", type=int, default=7_000, help="bytes of the base text")
    ap.add_argument("--versions", type=int, default=20)
    ap.add_argument("--eval-data", type=Path, default=shared_dir() / "eval-data")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for k, text in enumerate(history(sentence_pool(args.eval_data), args.size, args.versions)):
        (args.out / f"{k + 1:04d}.txt").write_text(text, encoding="utf-8")
