"""Score a comparison against a gold file of expected changes (per-kind precision/recall).

A gold file lists every expected change as ``kind``, ``old`` and ``new`` (sentence
texts), and for figure changes ``figures`` ([old_raw, new_raw] pairs) and
``also_wording``. A reported change counts as right only if all of these match.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


def change_key(ch: dict[str, Any]) -> tuple:
    """What must match for a reported change to equal a gold change."""
    key: tuple = (ch["kind"], tuple(ch.get("old") or ()), tuple(ch.get("new") or ()))
    if ch["kind"] == "figure":
        pairs = tuple(
            sorted(
                [
                    (p["old"], p["new"]) if isinstance(p, dict) else (p[0], p[1])
                    for p in ch.get("figures") or ()
                ],
                key=repr,
            )
        )
        key += (pairs, bool(ch.get("also_wording")))
    return key


@dataclass
class Score:
    right: Counter = field(default_factory=Counter)
    reported: Counter = field(default_factory=Counter)
    expected: Counter = field(default_factory=Counter)
    missing: list[tuple] = field(default_factory=list)
    spurious: list[tuple] = field(default_factory=list)

    def add(self, reported: list[dict[str, Any]], gold: list[dict[str, Any]]) -> None:
        got = Counter(change_key(c) for c in reported)
        want = Counter(change_key(c) for c in gold)
        for k, n in got.items():
            self.reported[k[0]] += n
            self.right[k[0]] += min(n, want.get(k, 0))
        for k, n in want.items():
            self.expected[k[0]] += n
        self.missing += list((want - got).elements())
        self.spurious += list((got - want).elements())

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for kind in sorted(set(self.reported) | set(self.expected)):
            r, p, e = self.right[kind], self.reported[kind], self.expected[kind]
            out.append(
                {
                    "kind": kind,
                    "expected": e,
                    "reported": p,
                    "right": r,
                    "precision": round(r / p, 3) if p else None,
                    "recall": round(r / e, 3) if e else None,
                }
            )
        return out


def load_gold(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))
