"""Datasette plugin: diffs rendered in cells, and pages to browse and compare versions.

Routes (all read-only):

- ``/-/variorum``: every article with its versions and the stored comparisons
  (steps), each linked to its compare page;
- ``/-/variorum/article/<slug>``: one article, with a timeline of its versions and
  translations and the counts of figure and wording changes per step;
- ``/-/variorum/compare?article=&from=&to=``: two versions side by side, aligned
  sentence by sentence, figure changes listed at the top and highlighted.

A comparison that is not stored is computed in memory for display (the same
pure ``compare`` function ``variorum diff`` uses) and nothing is written; the page
says so. All article text goes through Jinja autoescape or ``html.escape``.
"""

from __future__ import annotations

import html
import json
import sqlite3
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup

from variorum import store
from variorum.report import diff_ops_html

PLUGIN = "variorum"
HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
CSS = HERE / "static" / "variorum.css"
BASE = "/-/variorum"

KIND_LABELS = {
    "same": "same",
    "figure": "figure",
    "wording": "reworded",
    "punctuation": "punctuation",
    "added": "added",
    "removed": "removed",
    "moved": "moved",
    "split": "split",
    "merged": "merged",
}
# Comparison count columns, with the words a reader sees.
COUNTS = [
    ("figure_changes", "figure change", "figure changes"),
    ("wording_changes", "reworded", "reworded"),
    ("punctuation_changes", "punctuation", "punctuation"),
    ("added", "added", "added"),
    ("removed", "removed", "removed"),
    ("moved", "moved", "moved"),
    ("split", "split", "split"),
    ("merged", "merged", "merged"),
]


# --- hooks -------------------------------------------------------------------------------------


@hookimpl
def prepare_jinja2_environment(env: Any, datasette: Any) -> None:
    # The plugin is a module, not a package, so Datasette does not find its
    # templates folder by itself.
    env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), env.loader])


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """Stored diffs (``changes.diff``, ``sentence_changes.diff``) as inline ins/del."""
    if column != "diff" or not isinstance(value, str):
        return None
    ops = parse_diff(value)
    if ops is None:
        return None
    return Markup(f'<span class="variorum-diff">{diff_ops_html(ops)}</span>')


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.path(f"{BASE}/variorum.css")]


@hookimpl
def menu_links(datasette: Any) -> list[dict[str, str]]:
    return [{"href": datasette.urls.path(BASE), "label": "Compare versions (variorum)"}]


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/variorum/?$", index_page),
        (r"^/-/variorum/variorum\.css$", css_file),
        (r"^/-/variorum/article/(?P<slug>[^/]+)$", article_page),
        (r"^/-/variorum/compare$", compare_page),
    ]


def parse_diff(value: str) -> list[tuple[int, str]] | None:
    """A stored diff (JSON list of [op, text]) or None when the value is not one."""
    if not value.startswith("["):
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, list):
        return None
    ops = []
    for item in data:
        if (
            not isinstance(item, list)
            or len(item) != 2
            or item[0] not in (-1, 0, 1)
            or not isinstance(item[1], str)
        ):
            return None
        ops.append((item[0], item[1]))
    return ops


# --- helpers ----------------------------------------------------------------------------------


class NotFound(Exception):
    pass


async def _database(datasette: Any) -> Any:
    """The database holding the variorum schema (plugin setting ``database`` wins)."""
    config = datasette.plugin_config(PLUGIN) or {}
    if config.get("database"):
        return datasette.get_database(config["database"])
    for name, db in datasette.databases.items():
        if name == "_internal":
            continue
        names = set(await db.table_names())
        if {"articles", "versions", "comparisons", "alignments"} <= names:
            return db
    raise NotFound("no variorum database is being served")


def _rows(conn: sqlite3.Connection, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    cur = conn.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


# Languages written right to left, so that their sentences are laid out properly.
RTL = {"ar", "fa", "he", "ur", "yi", "ps", "sd", "ug", "dv"}

# Across languages, a sentence only in the source was omitted by the translation.
TRANSLATION_WORDS = {"removed": "omitted", "added": "extra"}


def summary_parts(counts: dict[str, Any], relation: str = "revision") -> list[tuple[str, str, int]]:
    """(css kind, words, count) for every non-zero count of a comparison."""
    out = []
    for col, one, many in COUNTS:
        n = counts.get(col) or 0
        if n:
            words = one if n == 1 else many
            if relation == "translation":
                words = TRANSLATION_WORDS.get(col, words)
            out.append((col, words, n))
    return out


def compare_href(datasette: Any, slug: str, a: str, b: str) -> str:
    q = urllib.parse.urlencode({"article": slug, "from": a, "to": b})
    return datasette.urls.path(f"{BASE}/compare?{q}")


def article_href(datasette: Any, slug: str) -> str:
    return datasette.urls.path(f"{BASE}/article/{urllib.parse.quote(slug, safe='')}")


async def _render(
    datasette: Any, request: Any, template: str, context: dict, status: int = 200
) -> Response:
    context = {"base_href": datasette.urls.path(BASE), **context}
    body = await datasette.render_template(template, context, request=request)
    return Response.html(body, status=status)


async def _error(datasette: Any, request: Any, message: str, status: int = 404) -> Response:
    return await _render(
        datasette, request, "variorum_error.html", {"message": message}, status=status
    )


async def css_file() -> Response:
    return Response(
        CSS.read_text(encoding="utf-8"),
        content_type="text/css; charset=utf-8",
        headers={"cache-control": "max-age=300"},
    )


# --- index -------------------------------------------------------------------------------------


def _steps(conn: sqlite3.Connection, article_id: int | None = None) -> list[dict[str, Any]]:
    where = "where tv.article = ?" if article_id is not None else ""
    return _rows(
        conn,
        f"""
        select c.*, a.slug, fv.label as from_label, tv.label as to_label,
               fv.lang as from_lang, tv.lang as to_lang
        from comparisons c
        join versions fv on fv.id = c.from_version
        join versions tv on tv.id = c.to_version
        join articles a on a.id = tv.article
        {where}
        order by a.slug, c.relation = 'translation', fv.seq, tv.seq
        """,
        [article_id] if article_id is not None else [],
    )


def index_data(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    articles = _rows(conn, "select id, slug, title from articles order by slug")
    versions = _rows(
        conn,
        "select article, label, lang, date, seq from versions order by article, seq",
    )
    steps = _steps(conn)
    for a in articles:
        a["versions"] = [v for v in versions if v["article"] == a["id"]]
        a["steps"] = [s for s in steps if s["slug"] == a["slug"]]
    return articles


async def index_page(datasette: Any, request: Any) -> Response:
    try:
        db = await _database(datasette)
    except NotFound as e:
        return await _error(datasette, request, str(e))
    articles = await db.execute_fn(index_data)
    for a in articles:
        a["href"] = article_href(datasette, a["slug"])
        for s in a["steps"]:
            s["href"] = compare_href(datasette, a["slug"], s["from_label"], s["to_label"])
            s["parts"] = summary_parts(s, s["relation"])
    return await _render(
        datasette,
        request,
        "variorum_index.html",
        {"articles": articles, "database": db.name, "db_href": datasette.urls.database(db.name)},
    )


# --- article -----------------------------------------------------------------------------------


def article_data(conn: sqlite3.Connection, slug: str) -> dict[str, Any]:
    arts = _rows(conn, "select id, slug, title from articles where slug = ?", [slug])
    if not arts:
        raise NotFound(f"no article {slug!r} in the database")
    art = arts[0]
    art["versions"] = _rows(
        conn,
        """
        select v.id, v.label, v.name, v.lang, v.seq, v.date, v.parent, v.translation_of,
               v.source, v.sentence_count, v.chars,
               p.label as parent_label, t.label as translation_of_label,
               (select count(*) from figures f where f.version = v.id) as figure_count,
               (select count(*) from figures f where f.version = v.id and f.issue is not null)
                 as figure_issues
        from versions v
        left join versions p on p.id = v.parent
        left join versions t on t.id = v.translation_of
        where v.article = ? order by v.seq
        """,
        [art["id"]],
    )
    art["steps"] = _steps(conn, art["id"])
    return art


@dataclass
class Node:
    label: str
    lang: str
    date: str | None
    x: float
    y: float
    href: str


@dataclass
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    relation: str
    href: str
    text: str
    title: str
    path: str = ""
    lx: float = 0.0
    ly: float = 0.0
    anchor: str = "middle"


@dataclass
class Timeline:
    width: int
    height: int
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    lanes: list[tuple[str, float]] = field(default_factory=list)


def _edge_text(step: dict[str, Any]) -> str:
    if step["relation"] == "translation":
        bits = [f"{step['figure_changes'] or 0} fig"]
        if step["removed"]:
            bits.append(f"{step['removed']} omitted")
        if step["added"]:
            bits.append(f"{step['added']} extra")
        return " · ".join(bits)
    return f"{step['figure_changes'] or 0} fig · {step['wording_changes'] or 0} wording"


def timeline(datasette: Any, art: dict[str, Any]) -> Timeline:
    """Versions as dots (x: order of date then ingest, y: one lane per language), lines
    from each version to its parent (solid) and to the version it translates (dashed)."""
    versions = art["versions"]
    langs: list[str] = []
    for v in versions:
        if v["lang"] not in langs:
            langs.append(v["lang"])
    order = sorted(versions, key=lambda v: (v["date"] or "", v["seq"]))
    col = {v["id"]: i for i, v in enumerate(order)}
    left, top, dx, dy = 80, 40, 150, 80
    nodes: dict[int, Node] = {}
    for v in versions:
        nodes[v["id"]] = Node(
            v["label"],
            v["lang"],
            v["date"],
            left + col[v["id"]] * dx,
            top + langs.index(v["lang"]) * dy,
            datasette.urls.row(art["database"], "versions", str(v["id"]))
            if art.get("database")
            else "#",
        )
    by_pair = {(s["from_version"], s["to_version"]): s for s in art["steps"]}
    edges = []
    for v in versions:
        for src, relation in ((v["parent"], "revision"), (v["translation_of"], "translation")):
            if src is None or src not in nodes:
                continue
            a, b = nodes[src], nodes[v["id"]]
            step = by_pair.get((src, v["id"]))
            e = Edge(
                a.x,
                a.y,
                b.x,
                b.y,
                relation,
                compare_href(datasette, art["slug"], a.label, b.label),
                _edge_text(step) if step else "not compared",
                f"{a.label} → {b.label} ({relation}): "
                + (
                    ", ".join(f"{n} {w}" for _, w, n in summary_parts(step, relation))
                    or "no changes"
                    if step
                    else "not compared yet"
                ),
            )
            if a.y == b.y:
                e.path = f"M{a.x:.0f},{a.y:.0f} L{b.x:.0f},{b.y:.0f}"
                e.lx, e.ly, e.anchor = (a.x + b.x) / 2, a.y - 12, "middle"
            else:
                # An S-curve leaving the source sideways, so it never crosses its label.
                mid = (a.x + b.x) / 2
                e.path = (
                    f"M{a.x:.0f},{a.y:.0f} C{mid:.0f},{a.y:.0f} {mid:.0f},{b.y:.0f} "
                    f"{b.x:.0f},{b.y:.0f}"
                )
                e.lx, e.ly, e.anchor = b.x - 14, b.y - 9, "end"
            edges.append(e)
    width = left + max(len(order) - 1, 0) * dx + 90
    height = top + max(len(langs) - 1, 0) * dy + 46
    return Timeline(
        width,
        height,
        list(nodes.values()),
        edges,
        [(lang, top + i * dy) for i, lang in enumerate(langs)],
    )


async def article_page(datasette: Any, request: Any) -> Response:
    slug = request.url_vars["slug"]
    try:
        db = await _database(datasette)
        art = await db.execute_fn(lambda conn: article_data(conn, slug))
    except NotFound as e:
        return await _error(datasette, request, str(e))
    art["database"] = db.name
    for s in art["steps"]:
        s["href"] = compare_href(datasette, slug, s["from_label"], s["to_label"])
        s["parts"] = summary_parts(s, s["relation"])
    for v in art["versions"]:
        v["href"] = datasette.urls.row(db.name, "versions", str(v["id"]))
    return await _render(
        datasette,
        request,
        "variorum_article.html",
        {
            "article": art,
            "timeline": timeline(datasette, art),
            "compare_base": datasette.urls.path(f"{BASE}/compare"),
            "db_href": datasette.urls.database(db.name),
        },
    )


# --- compare -----------------------------------------------------------------------------------


@dataclass
class FigSpan:
    """A figure to highlight: sentence position and character offsets in the sentence."""

    position: int
    start: int
    end: int
    css: str
    title: str


@dataclass
class GroupView:
    index: int
    old: list[int]
    new: list[int]
    kind: str
    also_wording: bool = False
    diff: list[tuple[int, str]] | None = None
    figures: list[dict[str, Any]] = field(default_factory=list)


def _locate(
    raw: str | None, positions: list[int], sentences: dict[int, dict[str, Any]]
) -> tuple[int, int, int] | None:
    """Where a figure's raw text first occurs in a group's sentences (fallback when the
    stored figure row is missing)."""
    if not raw:
        return None
    for p in positions:
        i = sentences[p]["text"].find(raw)
        if i >= 0:
            return (p, i, i + len(raw))
    return None


def _stored_groups(
    conn: sqlite3.Connection,
    cid: int,
    old: dict[int, dict[str, Any]],
    new: dict[int, dict[str, Any]],
) -> list[GroupView]:
    changes = {
        r["alignment"]: r
        for r in _rows(
            conn,
            "select id, alignment, kind, also_wording, diff from changes where comparison = ?",
            [cid],
        )
    }
    figs: dict[int, list[dict[str, Any]]] = {}
    for f in _rows(
        conn,
        """
        select fd.change, fd.old_raw, fd.new_raw, fd.old_value, fd.new_value,
               so.position as old_pos, fo.start as old_start, fo."end" as old_end,
               sn.position as new_pos, fn.start as new_start, fn."end" as new_end
        from figure_diffs fd join changes ch on ch.id = fd.change
        left join figures fo on fo.id = fd.old_figure
        left join sentences so on so.id = fo.sentence
        left join figures fn on fn.id = fd.new_figure
        left join sentences sn on sn.id = fn.sentence
        where ch.comparison = ? order by fd.id
        """,
        [cid],
    ):
        figs.setdefault(f["change"], []).append(f)
    out = []
    for al in _rows(
        conn,
        "select id, position, old_positions, new_positions, kind from alignments "
        "where comparison = ? order by position",
        [cid],
    ):
        g = GroupView(
            al["position"],
            json.loads(al["old_positions"] or "[]"),
            json.loads(al["new_positions"] or "[]"),
            al["kind"],
        )
        ch = changes.get(al["id"])
        if ch is not None:
            g.also_wording = bool(ch["also_wording"])
            g.diff = parse_diff(ch["diff"]) if ch["diff"] else None
            for f in figs.get(ch["id"], []):
                old_span = (
                    (f["old_pos"], f["old_start"], f["old_end"])
                    if f["old_pos"] is not None
                    else _locate(f["old_raw"], g.old, old)
                )
                new_span = (
                    (f["new_pos"], f["new_start"], f["new_end"])
                    if f["new_pos"] is not None
                    else _locate(f["new_raw"], g.new, new)
                )
                g.figures.append(
                    {
                        "old_raw": f["old_raw"],
                        "new_raw": f["new_raw"],
                        "old_value": f["old_value"],
                        "new_value": f["new_value"],
                        "old_span": old_span,
                        "new_span": new_span,
                    }
                )
        out.append(g)
    return out


def _computed_groups(
    conn: sqlite3.Connection, a: dict[str, Any], b: dict[str, Any], relation: str
) -> list[GroupView]:
    """Compare in memory, without writing: the pure function ``variorum diff`` stores."""
    from sqlite_utils import Database

    from variorum import compare as compare_mod
    from variorum import store

    db = Database(conn)
    old = store.load_sentences(db, a["id"])
    new = store.load_sentences(db, b["id"])
    changes = compare_mod.compare(
        old, new, relation=relation, old_lang=a["lang"], new_lang=b["lang"]
    )

    def span(fig: Any, positions: tuple[int, ...], sents: list[Any]) -> Any:
        if fig is None:
            return None
        for p in positions:
            if fig in sents[p].figures:
                return (p, fig.start, fig.end)
        return None

    out = []
    for i, ch in enumerate(changes):
        g = GroupView(
            i,
            list(ch.group.old),
            list(ch.group.new),
            ch.kind,
            bool(ch.also_wording),
            [(op, t) for op, t in ch.diff] if ch.diff else None,
        )
        for fp in ch.figures:
            g.figures.append(
                {
                    "old_raw": fp.old.raw if fp.old else None,
                    "new_raw": fp.new.raw if fp.new else None,
                    "old_value": fp.old.value if fp.old else None,
                    "new_value": fp.new.value if fp.new else None,
                    "old_span": span(fp.old, ch.group.old, old),
                    "new_span": span(fp.new, ch.group.new, new),
                }
            )
        out.append(g)
    return out


def compare_data(
    conn: sqlite3.Connection, slug: str, from_label: str | None, to_label: str | None
) -> dict[str, Any]:
    arts = _rows(conn, "select id, slug, title from articles where slug = ?", [slug])
    if not arts:
        raise NotFound(f"no article {slug!r} in the database")
    art = arts[0]
    versions = _rows(
        conn,
        "select id, label, lang, seq, date, parent, translation_of from versions "
        "where article = ? order by seq",
        [art["id"]],
    )
    by_label = {v["label"]: v for v in versions}
    if not from_label or not to_label:
        # No pair chosen: the first stored step of the article, else its first two versions.
        steps = _steps(conn, art["id"])
        if steps:
            from_label = from_label or steps[0]["from_label"]
            to_label = to_label or steps[0]["to_label"]
        elif len(versions) >= 2:
            from_label = from_label or versions[0]["label"]
            to_label = to_label or versions[1]["label"]
    data: dict[str, Any] = {
        "article": art,
        "versions": versions,
        "from_label": from_label,
        "to_label": to_label,
    }
    for lab in (from_label, to_label):
        if lab not in by_label:
            known = ", ".join(v["label"] for v in versions)
            raise NotFound(f"article {slug!r} has no version {lab!r} (it has: {known})")
    a, b = by_label[from_label], by_label[to_label]
    for v in (a, b):
        v["dir"] = "rtl" if v["lang"] in RTL else "ltr"
    data["a"], data["b"] = a, b
    if a["id"] == b["id"]:
        data["same_version"] = True
        return data

    def sentences(vid: int) -> dict[int, dict[str, Any]]:
        return {
            r["position"]: r
            for r in _rows(
                conn,
                "select id, position, paragraph, text from sentences where version = ? "
                "order by position",
                [vid],
            )
        }

    def issues(vid: int) -> list[FigSpan]:
        return [
            FigSpan(
                r["position"], r["start"], r["end"], "fig-issue", f"{r['issue']}: {r['reason']}"
            )
            for r in _rows(
                conn,
                "select s.position, f.start, f.\"end\", f.issue, coalesce(f.reason, '') as reason "
                "from figures f join sentences s on s.id = f.sentence "
                "where f.version = ? and f.issue is not null",
                [vid],
            )
        ]

    old, new = sentences(a["id"]), sentences(b["id"])
    stored = _rows(
        conn,
        "select * from comparisons where from_version = ? and to_version = ?",
        [a["id"], b["id"]],
    )
    if stored:
        comp = stored[0]
        groups = _stored_groups(conn, comp["id"], old, new)
        relation = comp["relation"]
        counts = {col: comp[col] for col, _, _ in COUNTS}
    else:
        relation = "revision" if a["lang"] == b["lang"] else "translation"
        if b["translation_of"] == a["id"]:
            relation = "translation"
        groups = _computed_groups(conn, a, b, relation)
        counts = {col: 0 for col, _, _ in COUNTS}
        for g in groups:
            if g.kind in store.COUNT_COLUMNS:
                counts[store.COUNT_COLUMNS[g.kind]] += 1
    data.update(
        stored=bool(stored),
        comparison_id=stored[0]["id"] if stored else None,
        relation=relation,
        counts=counts,
        old=old,
        new=new,
        groups=groups,
        old_issues=issues(a["id"]),
        new_issues=issues(b["id"]),
    )
    return data


def _fmt_value(v: float | None) -> str:
    if v is None:
        return "no value"
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,}"


def render_side(
    sentences: dict[int, dict[str, Any]],
    positions: list[int],
    side: str,
    diff: list[tuple[int, str]] | None,
    spans: list[FigSpan],
) -> list[tuple[int, Markup]]:
    """HTML of each sentence of one side of a group: diff insertions or deletions and
    highlighted figures, every character escaped."""
    texts = [sentences[p]["text"] for p in positions]
    pos_set = set(positions)
    if not diff and not any(s.position in pos_set for s in spans):
        return [(p, Markup(html.escape(t))) for p, t in zip(positions, texts, strict=True)]
    joined = " ".join(texts)
    diff_tag: list[str | None] = [None] * len(joined)
    if diff:
        keep = (lambda op: op <= 0) if side == "old" else (lambda op: op >= 0)
        ops = [(op, t) for op, t in diff if keep(op)]
        # Only when the diff spells this side exactly; otherwise show the plain text.
        if "".join(t for _, t in ops) == joined:
            i = 0
            for op, t in ops:
                if op != 0:
                    for k in range(i, i + len(t)):
                        diff_tag[k] = "del" if op < 0 else "ins"
                i += len(t)
    offsets = {}
    pos_acc = 0
    for p, t in zip(positions, texts, strict=True):
        offsets[p] = pos_acc
        pos_acc += len(t) + 1
    mark: list[tuple[str, str] | None] = [None] * len(joined)
    # Issues first so that a changed figure's highlight wins where both apply.
    for s in sorted(spans, key=lambda s: s.css != "fig-issue"):
        if s.position not in offsets:
            continue
        base = offsets[s.position]
        for k in range(base + s.start, min(base + s.end, len(joined))):
            mark[k] = (s.css, s.title)
    out = []
    for p, t in zip(positions, texts, strict=True):
        base = offsets[p]
        parts = []
        k = 0
        while k < len(t):
            j = k + 1
            key = (diff_tag[base + k], mark[base + k])
            while j < len(t) and (diff_tag[base + j], mark[base + j]) == key:
                j += 1
            piece = html.escape(t[k:j])
            tag, m = key
            if tag:
                piece = f"<{tag}>{piece}</{tag}>"
            if m:
                piece = (
                    f'<mark class="fig {m[0]}" title="{html.escape(m[1], quote=True)}">'
                    f"{piece}</mark>"
                )
            parts.append(piece)
            k = j
        out.append((p, Markup("".join(parts))))
    return out


def _figure_spans(g: GroupView, side: str) -> list[FigSpan]:
    spans = []
    for f in g.figures:
        sp = f[f"{side}_span"]
        if sp is None:
            continue
        title = f"{f['old_raw'] or '∅'} → {f['new_raw'] or '∅'}"
        spans.append(FigSpan(sp[0], sp[1], sp[2], f"fig-{side}", title))
    return spans


def build_rows(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of the side-by-side table in reading order, and the figure changes list.

    A moved group gets two rows: one where the sentence was (old side) and one where
    it went (new side), each linking to the other.
    """
    old, new = data["old"], data["new"]
    rows: list[tuple[float, dict[str, Any]]] = []
    figure_list = []
    plain = [g for g in data["groups"] if g.kind != "moved"]
    moved = [g for g in data["groups"] if g.kind == "moved"]

    def sides(g: GroupView) -> tuple[list, list]:
        diff = g.diff if g.kind not in ("added", "removed", "moved") else None
        o = render_side(old, g.old, "old", diff, [*data["old_issues"], *_figure_spans(g, "old")])
        n = render_side(new, g.new, "new", diff, [*data["new_issues"], *_figure_spans(g, "new")])
        return o, n

    translation = data["relation"] == "translation"
    for i, g in enumerate(plain):
        o, n = sides(g)
        label = KIND_LABELS.get(g.kind, g.kind)
        row = {
            "anchor": f"g{g.index}",
            "kind": g.kind,
            "label": TRANSLATION_WORDS.get(g.kind, label) if translation else label,
            "also_wording": g.also_wording,
            "old": o,
            "new": n,
            "old_note": None,
            "new_note": None,
            "figures": g.figures,
        }
        rows.append((float(i), row))
        for f in g.figures:
            ctx_side, ctx = ("new", n) if n else ("old", o)
            figure_list.append(
                {
                    **f,
                    "context_version": data["b"] if n else data["a"],
                    "anchor": row["anchor"],
                    "old_value_text": _fmt_value(f["old_value"]),
                    "new_value_text": _fmt_value(f["new_value"]),
                    "context": ctx,
                    "context_side": ctx_side,
                    "also_wording": g.also_wording,
                }
            )

    def slot(side: str, position: int) -> float:
        for i, g in enumerate(plain):
            ps = g.old if side == "old" else g.new
            if ps and min(ps) > position:
                return i - 0.5 + position / 1e9
        return len(plain) + position / 1e9

    for g in moved:
        o, n = sides(g)
        new_pos = min(g.new) if g.new else 0
        old_pos = min(g.old) if g.old else 0
        if g.old:
            rows.append(
                (
                    slot("old", old_pos),
                    {
                        "anchor": f"g{g.index}-from",
                        "kind": "moved",
                        "label": "moved",
                        "old": o,
                        "new": [],
                        "old_note": None,
                        "new_note": (f"g{g.index}-to", f"moved to sentence {new_pos + 1}"),
                        "figures": g.figures,
                    },
                )
            )
        if g.new:
            rows.append(
                (
                    slot("new", new_pos),
                    {
                        "anchor": f"g{g.index}-to",
                        "kind": "moved",
                        "label": "moved",
                        "old": [],
                        "new": n,
                        "old_note": (f"g{g.index}-from", f"moved from sentence {old_pos + 1}"),
                        "new_note": None,
                        "figures": g.figures,
                    },
                )
            )
        for f in g.figures:
            figure_list.append(
                {
                    **f,
                    "anchor": f"g{g.index}-to",
                    "old_value_text": _fmt_value(f["old_value"]),
                    "new_value_text": _fmt_value(f["new_value"]),
                    "context": n or o,
                    "context_side": "new" if n else "old",
                    "context_version": data["b"] if n else data["a"],
                    "also_wording": g.also_wording,
                }
            )
    rows.sort(key=lambda r: r[0])
    return [r for _, r in rows], figure_list


async def compare_page(datasette: Any, request: Any) -> Response:
    args = request.args
    slug = args.get("article")
    try:
        db = await _database(datasette)
        if not slug:
            slugs = [r["slug"] for r in await db.execute("select slug from articles order by slug")]
            if len(slugs) != 1:
                raise NotFound("choose an article: /-/variorum lists them")
            slug = slugs[0]
        data = await db.execute_fn(
            lambda conn: compare_data(conn, slug, args.get("from"), args.get("to"))
        )
    except NotFound as e:
        return await _error(datasette, request, str(e))
    context: dict[str, Any] = {
        "data": data,
        "slug": slug,
        "article_href": article_href(datasette, slug),
        "compare_base": datasette.urls.path(f"{BASE}/compare"),
        "db_href": datasette.urls.database(db.name),
    }
    a, b = data.get("a"), data.get("b")
    if a and b and not data.get("same_version"):
        rows, figure_list = build_rows(data)
        q = urllib.parse.urlencode(
            {"article": slug, "from_label": a["label"], "to_label": b["label"]}
        )
        context.update(
            rows=rows,
            figure_list=figure_list,
            parts=summary_parts(data["counts"], data["relation"]),
            swap_href=compare_href(datasette, slug, b["label"], a["label"]),
            changes_href=datasette.urls.table(db.name, "sentence_changes")
            + "?"
            + urllib.parse.urlencode(
                {"article": slug, "from_label": a["label"], "to_label": b["label"]}
            ),
            figures_query_href=datasette.urls.database(db.name) + "/figures_changed?" + q,
        )
    return await _render(datasette, request, "variorum_compare.html", context)
