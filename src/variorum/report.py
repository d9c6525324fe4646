"""Read stored results and render them for people: tables, terminal diffs, JSON, HTML."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

from sqlite_utils import Database

from variorum import store
from variorum.errors import VariorumError
from variorum.ingest import Analysed

# C0/C1 controls (ESC included) and DEL: article text must never drive the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: str) -> str:
    """Text with control characters shown as escapes, so it cannot recolour or clear a terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def one_line(text: str) -> str:
    return " ".join(safe(text).split())


def check_date(value: str) -> str:
    try:
        dt.date.fromisoformat(value[:10])
        if len(value) > 10:
            dt.datetime.fromisoformat(value)
    except ValueError as e:
        raise VariorumError(f"--date {value!r} is not an ISO 8601 date") from e
    return value


def table(rows: list[dict[str, Any]], columns: list[str], *, full: tuple[str, ...] = ()) -> str:
    """A plain-text table; long cells are cut to 80 characters except in ``full`` columns."""
    cells = [[_cell(r.get(c), c in full) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines)


def _cell(v: Any, full: bool = False) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    text = one_line(str(v))
    return text if full or len(text) <= 80 else text[:77] + "..."


def version_rows(db: Database, article: str | None) -> list[dict[str, Any]]:
    if article is not None and not list(
        db.query("select 1 from articles where slug = ?", [article])
    ):
        raise VariorumError(f"no article {article!r} in the database")
    sql = """
    select a.slug as article, v.label, v.lang, v.seq, v.date, p.label as parent,
           t.label as translation_of, v.sentence_count as sentences, v.chars, v.source,
           v.sha256,
           (select count(*) from figures f where f.version = v.id and f.issue is not null)
             as figure_issues
    from versions v join articles a on a.id = v.article
    left join versions p on p.id = v.parent
    left join versions t on t.id = v.translation_of
    {where} order by a.slug, v.seq
    """
    where = "where a.slug = ?" if article else ""
    return list(db.query(sql.format(where=where), [article] if article else []))


def figure_rows(
    db: Database, article: str, label: str | None, *, only_issues: bool
) -> list[dict[str, Any]]:
    if label is not None:
        store.get_version(db, article, label)
    elif not list(db.query("select 1 from articles where slug = ?", [article])):
        raise VariorumError(f"no article {article!r} in the database")
    sql = """
    select v.label, s.position + 1 as sentence, s.position, f.raw, f.value, f.value_end,
           f.kind, f.unit, f.issue, f.reason, s.text as sentence_text
    from figures f join sentences s on s.id = f.sentence
    join versions v on v.id = f.version join articles a on a.id = v.article
    where a.slug = ? {label} {issues}
    order by v.seq, s.position, f.position
    """
    params: list[Any] = [article]
    if label is not None:
        params.append(label)
    return list(
        db.query(
            sql.format(
                label="and v.label = ?" if label is not None else "",
                issues="and f.issue is not null" if only_issues else "",
            ),
            params,
        )
    )


def check_rows(a: Analysed) -> list[dict[str, Any]]:
    return [
        {
            "sentence": s.position + 1,
            "position": s.position,
            "raw": f.raw,
            "value": f.value,
            "kind": f.kind,
            "issue": f.issue,
            "reason": f.reason,
            "sentence_text": s.text,
        }
        for s in a.sentences
        for f in s.figures
        if f.issue
    ]


def comparison_summaries(db: Database, comparison_ids: list[int]) -> list[str]:
    out = []
    for cid in comparison_ids:
        c = next(
            db.query(
                "select c.*, fv.label as from_label, tv.label as to_label from comparisons c "
                "join versions fv on fv.id = c.from_version "
                "join versions tv on tv.id = c.to_version where c.id = ?",
                [cid],
            )
        )
        out.append(f"{c['relation']} {c['from_label']} -> {c['to_label']}: {summary_line(c)}")
    return out


_SUMMARY = [
    ("figure_changes", "figure change", "figure changes"),
    ("wording_changes", "sentence reworded", "sentences reworded"),
    ("punctuation_changes", "punctuation change", "punctuation changes"),
    ("added", "added", "added"),
    ("removed", "removed", "removed"),
    ("moved", "moved", "moved"),
    ("split", "split", "split"),
    ("merged", "merged", "merged"),
]


def summary_line(counts: dict[str, Any]) -> str:
    parts = [
        f"{counts[col]} {one if counts[col] == 1 else many}"
        for col, one, many in _SUMMARY
        if counts.get(col)
    ]
    return ", ".join(parts) if parts else "no changes"


def diff_document(db: Database, comparison_id: int) -> dict[str, Any]:
    """The documented ``diff --json`` object for a stored comparison."""
    c = next(
        db.query(
            "select c.*, fv.label as from_label, tv.label as to_label, a.slug from comparisons c "
            "join versions fv on fv.id = c.from_version join versions tv on tv.id = c.to_version "
            "join articles a on a.id = tv.article where c.id = ?",
            [comparison_id],
        )
    )
    old_text = [
        r[0]
        for r in db.execute(
            "select text from sentences where version = ? order by position", [c["from_version"]]
        )
    ]
    new_text = [
        r[0]
        for r in db.execute(
            "select text from sentences where version = ? order by position", [c["to_version"]]
        )
    ]
    figs: dict[int, list[dict[str, Any]]] = {}
    for f in db.query(
        "select fd.* from figure_diffs fd join changes ch on ch.id = fd.change "
        "where ch.comparison = ? order by fd.id",
        [comparison_id],
    ):
        figs.setdefault(f["change"], []).append(
            {
                "old": f["old_raw"],
                "new": f["new_raw"],
                "old_value": _num(f["old_value"]),
                "new_value": _num(f["new_value"]),
            }
        )
    changes = []
    for ch in db.query(
        "select ch.*, al.old_positions, al.new_positions, al.score, al.method "
        "from changes ch join alignments al on al.id = ch.alignment "
        "where ch.comparison = ? order by al.position",
        [comparison_id],
    ):
        old_pos = json.loads(ch["old_positions"])
        new_pos = json.loads(ch["new_positions"])
        item: dict[str, Any] = {
            "kind": ch["kind"],
            "old": [old_text[i] for i in old_pos],
            "new": [new_text[i] for i in new_pos],
            "old_positions": old_pos,
            "new_positions": new_pos,
        }
        if ch["kind"] == "figure":
            item["figures"] = figs.get(ch["id"], [])
            item["also_wording"] = bool(ch["also_wording"])
        item["diff"] = json.loads(ch["diff"]) if ch["diff"] else []
        changes.append(item)
    summary = {col: c[col] for col, _, _ in _SUMMARY}
    return {
        "article": c["slug"],
        "from": c["from_label"],
        "to": c["to_label"],
        "relation": c["relation"],
        "summary": summary,
        "changes": changes,
    }


def _num(v: float | None) -> int | float | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() and abs(v) < 2**53 else v


# --- terminal ---------------------------------------------------------------------------------

_KIND_ORDER = ["figure", "wording", "split", "merged", "moved", "added", "removed", "punctuation"]
_STYLE = {
    "del": "\x1b[31m",
    "ins": "\x1b[32m",
    "head": "\x1b[1m",
    "fig": "\x1b[1;33m",
    "end": "\x1b[0m",
}


def diff_text(doc: dict[str, Any], *, color: bool) -> str:
    """A person's report: a summary line, then the changes, figures first."""

    def st(name: str, text: str) -> str:
        return f"{_STYLE[name]}{text}{_STYLE['end']}" if color else text

    out = [
        st("head", f"{doc['article']}: {doc['from']} -> {doc['to']} ({doc['relation']})"),
        summary_line(doc["summary"]),
        "",
    ]
    for kind in _KIND_ORDER:
        for ch in (c for c in doc["changes"] if c["kind"] == kind):
            head = kind.upper()
            if kind == "figure":
                pairs = ", ".join(
                    f"{safe(str(f['old'] or '∅'))} -> {safe(str(f['new'] or '∅'))}"
                    for f in ch["figures"]
                )
                head += f" {pairs}" + (" (also wording)" if ch["also_wording"] else "")
                head = st("fig", head)
            else:
                head = st("head", head)
            where = _where(ch)
            out.append(f"{head}  {where}")
            if ch["diff"] and kind not in ("added", "removed", "moved"):
                out.append("  " + "".join(_render_op(op, t, color) for op, t in ch["diff"]))
            else:
                for t in ch["old"]:
                    out.append("  " + st("del", "- " + one_line(t)))
                for t in ch["new"]:
                    out.append("  " + st("ins", "+ " + one_line(t)))
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _where(ch: dict[str, Any]) -> str:
    def fmt(ps: list[int]) -> str:
        return ",".join(str(p + 1) for p in ps) if ps else "-"

    return f"[sentence {fmt(ch['old_positions'])} -> {fmt(ch['new_positions'])}]"


def _render_op(op: int, text: str, color: bool) -> str:
    # Keep the spaces at the edges: they separate this op from its neighbours.
    text = re.sub(r"\s+", " ", safe(text))
    if op == 0:
        return text
    if color:
        return f"{_STYLE['del' if op < 0 else 'ins']}{text}{_STYLE['end']}"
    return f"[-{text}-]" if op < 0 else f"{{+{text}+}}"


# --- HTML -------------------------------------------------------------------------------------


def diff_ops_html(ops: list[list[Any]] | list[tuple[int, str]]) -> str:
    """Inline ``<ins>``/``<del>`` markup for diff ops; all text is escaped."""
    parts = []
    for op, text in ops:
        t = html.escape(text)
        parts.append(t if op == 0 else f"<del>{t}</del>" if op < 0 else f"<ins>{t}</ins>")
    return "".join(parts)


_PAGE_CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{border-top:1px solid #ddd;padding:.4rem;
vertical-align:top;text-align:left}del{background:#fdd;text-decoration:line-through}
ins{background:#dfd;text-decoration:none}.kind{font-weight:600;white-space:nowrap}
.figure .kind{color:#a40}.figs{font-family:monospace}
"""


def diff_html(doc: dict[str, Any]) -> str:
    """A standalone page, old and new side by side; every piece of text is escaped."""
    e = html.escape
    rows = []
    for ch in doc["changes"]:
        old = " ".join(ch["old"])
        new = " ".join(ch["new"])
        if ch["diff"] and ch["kind"] not in ("added", "removed", "moved"):
            old = diff_ops_html([d for d in ch["diff"] if d[0] <= 0])
            new = diff_ops_html([d for d in ch["diff"] if d[0] >= 0])
        else:
            old, new = e(old), e(new)
        figs = ""
        if ch["kind"] == "figure":
            figs = (
                "<div class='figs'>"
                + ", ".join(
                    f"{e(str(f['old'] or '∅'))} → {e(str(f['new'] or '∅'))}" for f in ch["figures"]
                )
                + "</div>"
            )
        rows.append(
            f"<tr class='{e(ch['kind'])}'><td class='kind'>{e(ch['kind'])}{figs}</td>"
            f"<td>{old}</td><td>{new}</td></tr>"
        )
    title = f"{doc['article']}: {doc['from']} → {doc['to']}"
    return (
        "<!doctype html>\n<html><head><meta charset='utf-8'>"
        f"<title>{e(title)}</title><style>{_PAGE_CSS}</style></head><body>"
        f"<h1>{e(title)}</h1><p>{e(doc['relation'])}: {e(summary_line(doc['summary']))}</p>"
        f"<table><tr><th>change</th><th>{e(doc['from'])}</th><th>{e(doc['to'])}</th></tr>"
        + "".join(rows)
        + "</table></body></html>\n"
    )
