"""Align the sentences of a text and its translation (placeholder: 1-1 in order)."""

from variorum.model import Group, Sentence


def prepare(text: str, lang: str, *, presegmented: bool = False) -> list[Sentence]:
    from variorum.ingest import analyse

    if not presegmented:
        return analyse(text, lang).sentences
    from variorum.figures import find_figures
    from variorum.normalize import normalize, skeleton

    out = []
    for i, line in enumerate(text.split("\n")[: -1 if text.endswith("\n") else None]):
        figs = tuple(find_figures(line, lang))
        out.append(Sentence(i, 0, line, normalize(line), skeleton(line, figs), figs))
    return out


def align_translation(
    src: list[Sentence], tgt: list[Sentence], lang1: str, lang2: str
) -> list[Group]:
    n = min(len(src), len(tgt))
    groups = [Group((i,), (i,), 0.5, "length") for i in range(n)]
    groups += [Group((i,), ()) for i in range(n, len(src))]
    groups += [Group((), (j,)) for j in range(n, len(tgt))]
    return groups


def format_bleualign(groups: list[Group]) -> str:
    return "".join(f"{list(g.old)}:{list(g.new)}\n" for g in groups)
