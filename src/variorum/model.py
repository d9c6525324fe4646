"""Plain data passed between the pure text functions (segment, figures, align, diff).

Offsets are Python string indices (code points). A sentence's figure offsets are
relative to the sentence text; a segment's offsets are relative to the version text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Segment:
    """One sentence (or heading line) of a version: ``text == version_text[start:end]``."""

    paragraph: int
    start: int
    end: int
    text: str
    heading: bool = False


@dataclass(frozen=True, slots=True)
class Figure:
    """A number found in a sentence, with its parsed value and any lint finding.

    ``kind`` is one of: integer, decimal, percent, year, range, date, ordinal,
    amount, words, placeholder. ``value`` is None when the text cannot be
    parsed (e.g. ``30,1988`` or ``<>``); ``value_end`` is the end of a range.
    ``issue`` is a lint code (e.g. ``bad-grouping``), ``reason`` its explanation.
    """

    raw: str
    start: int
    end: int
    value: float | None
    kind: str
    value_end: float | None = None
    unit: str | None = None
    issue: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    """A segment with its normalized forms and figures, as aligners and diffs see it."""

    position: int
    paragraph: int
    text: str
    norm: str
    skeleton: str
    figures: tuple[Figure, ...] = ()
    heading: bool = False


@dataclass(frozen=True, slots=True)
class Group:
    """An aligned group: positions of old and new sentences (either may be empty)."""

    old: tuple[int, ...]
    new: tuple[int, ...]
    score: float = 1.0
    method: str = "exact"
    moved: bool = False


@dataclass(frozen=True, slots=True)
class FigurePair:
    """A figure that differs between two aligned sentence groups (None = absent)."""

    old: Figure | None
    new: Figure | None


@dataclass
class Change:
    """A classified aligned group. ``kind`` is one of the DESIGN change kinds or ``same``."""

    group: Group
    kind: str
    also_wording: bool = False
    figures: list[FigurePair] = field(default_factory=list)
    diff: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Extracted:
    """Plain article text pulled out of a source, with what metadata it carried."""

    text: str
    title: str | None = None
    byline: str | None = None
    date: str | None = None
