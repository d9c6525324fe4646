"""Compare two sentence lists: align, diff and classify (placeholder)."""

import difflib

from variorum.model import Change, Group, Sentence


def compare(
    old: list[Sentence], new: list[Sentence], *, relation: str, old_lang: str, new_lang: str
) -> list[Change]:
    sm = difflib.SequenceMatcher(None, [s.norm for s in old], [s.norm for s in new], False)
    out: list[Change] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                out.append(Change(Group((i1 + k,), (j1 + k,)), "same"))
        else:
            for i in range(i1, i2):
                out.append(Change(Group((i,), (), 0.0, "none"), "removed"))
            for j in range(j1, j2):
                out.append(Change(Group((), (j,), 0.0, "none"), "added"))
    return out
