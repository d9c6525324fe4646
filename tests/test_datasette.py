"""The Datasette site: metadata, canned queries, cell rendering and the plugin pages.

The test database is built with ``ingest.ingest_text``; the comparisons in it come
from a small reference comparer defined here (skeleton alignment, word diff, moves),
so that the pages are tested on known alignments whatever the state of the text
pipeline. ``test_pipeline_*`` use the real pipeline and check only what must hold
for any alignment.
"""

from __future__ import annotations

import asyncio
import difflib
import html
import re
import sqlite3
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import pytest
import yaml

from variorum import compare as compare_mod
from variorum import datasette_plugin, ingest, serve, store
from variorum.model import Change, FigurePair, Group, Sentence

ROOT = Path(__file__).resolve().parent.parent

MINI = "karabakh-mini"
MINI_TITLE = "Aliyev's offensive"
MINI_V1 = """Azerbaijan launched an offensive in September.

Officials in Baku declined to comment. Some 30,1988 people were killed during the war. \
Many more were displaced.

The war lasted six years. Talks failed in 2020.
"""
MINI_V2 = """Azerbaijan launched an offensive in September.

Some 30,000 people were killed during the war. Many more people were displaced from their homes.

The war lasted six years. Talks failed in 2020.

Officials in Baku declined to comment. A ceasefire was agreed in 1994.
"""
MINI_DE = """Aserbaidschan begann im September eine Offensive.

Rund 3000 Menschen wurden im Krieg getötet. \
Viele weitere Menschen wurden aus ihren Häusern vertrieben.

Der Krieg dauerte sechs Jahre. Gespräche scheiterten im Jahr 2020.

Ein Waffenstillstand wurde 1994 vereinbart.
"""
V1_SENTENCES = [
    "Azerbaijan launched an offensive in September.",
    "Officials in Baku declined to comment.",
    "Some 30,1988 people were killed during the war.",
    "Many more were displaced.",
    "The war lasted six years.",
    "Talks failed in 2020.",
]
V2_SENTENCES = [
    "Azerbaijan launched an offensive in September.",
    "Some 30,000 people were killed during the war.",
    "Many more people were displaced from their homes.",
    "The war lasted six years.",
    "Talks failed in 2020.",
    "Officials in Baku declined to comment.",
    "A ceasefire was agreed in 1994.",
]
# de-1 translates v2 and omits "Officials in Baku declined to comment."
DE_GROUPS = [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,)), ((4,), (4,)), ((5,), ())]
DE_GROUPS.append(((6,), (5,)))

RTL = "rtl-test"
RTL_EN = "Azerbaijan launched an offensive in September.\n\nSome 30,000 people died.\n"
RTL_AR = "شنت أذربيجان هجوما في سبتمبر.\n\nقتل نحو 30,000 شخص.\n"

XSS = "xss-test"
XSS_TITLE = '<b>bold</b> "title" <script>alert(1)</script>'
XSS_IMG = 'A "quoted" <img src=x onerror=alert(1)> and 5 images.'
XSS_V1 = f"He wrote <script>alert(1)</script> in 2 posts.\n\n{XSS_IMG}\n"
XSS_V2 = f"He wrote <script>alert(1)</script> in 3 posts.\n\n{XSS_IMG}\n"


# --- a reference comparer for fixtures ----------------------------------------------------------

_TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(a: str, b: str) -> list[tuple[int, str]]:
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    out: list[tuple[int, str]] = []
    sm = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            out.append((0, "".join(ta[i1:i2])))
            continue
        if i2 > i1:
            out.append((-1, "".join(ta[i1:i2])))
        if j2 > j1:
            out.append((1, "".join(tb[j1:j2])))
    return out


def figure_pairs(old: list[Sentence], new: list[Sentence], by_value: bool) -> list[FigurePair]:
    fo = [f for s in old for f in s.figures]
    fn = [f for s in new for f in s.figures]
    key = (lambda f: f.value) if by_value else (lambda f: f.raw)
    pairs = []
    sm = difflib.SequenceMatcher(None, [key(f) for f in fo], [key(f) for f in fn], autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        a, b = fo[i1:i2], fn[j1:j2]
        for k in range(max(len(a), len(b))):
            pairs.append(FigurePair(a[k] if k < len(a) else None, b[k] if k < len(b) else None))
    return pairs


def pair_change(old: list[Sentence], new: list[Sentence], group: Group, cross: bool) -> Change:
    a = " ".join(s.text for s in old)
    b = " ".join(s.text for s in new)
    figs = figure_pairs(old, new, by_value=cross)
    if cross:
        return Change(group, "figure" if figs else "same", figures=figs)
    diff = word_diff(a, b)
    if figs:
        skel_same = [s.skeleton for s in old] == [s.skeleton for s in new]
        return Change(group, "figure", not skel_same, figs, diff)
    if a == b:
        return Change(group, "same")
    if [s.norm for s in old] == [s.norm for s in new]:
        return Change(group, "punctuation", diff=diff)
    return Change(group, "wording", diff=diff)


def reference_compare(
    old: list[Sentence], new: list[Sentence], *, relation: str, old_lang: str, new_lang: str
) -> list[Change]:
    """Same language: skeleton alignment, similar leftovers paired, equal leftovers moved.
    Translations: the groups in ``SCRIPTS`` for the target language."""
    if old_lang != new_lang:
        return [
            pair_change([old[i] for i in o], [new[j] for j in n], Group(o, n), True)
            if o and n
            else Change(Group(o, n, 0.0, "none"), "removed" if o else "added")
            for o, n in SCRIPTS[new_lang]
        ]
    out: list[Change] = []
    sm = difflib.SequenceMatcher(
        None, [s.skeleton for s in old], [s.skeleton for s in new], autojunk=False
    )
    removed: list[int] = []
    added: list[tuple[int, int]] = []  # (new position, index in out)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                g = Group((i1 + k,), (j1 + k,))
                out.append(pair_change([old[i1 + k]], [new[j1 + k]], g, False))
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        while olds and news:
            i, j = olds[0], news[0]
            ratio = difflib.SequenceMatcher(None, old[i].norm, new[j].norm).ratio()
            if ratio < 0.6:
                break
            out.append(pair_change([old[i]], [new[j]], Group((i,), (j,), ratio, "ref"), False))
            olds.pop(0)
            news.pop(0)
        for i in olds:
            removed.append(i)
            out.append(Change(Group((i,), (), 0.0, "none"), "removed"))
        for j in news:
            added.append((j, len(out)))
            out.append(Change(Group((), (j,), 0.0, "none"), "added"))
    for i in removed:
        for j, idx in added:
            if old[i].norm == new[j].norm:
                out[idx] = Change(Group((i,), (j,), 1.0, "moved", True), "moved")
                out = [c for c in out if not (c.kind == "removed" and c.group.old == (i,))]
                added = [(jj, k - 1 if k > idx else k) for jj, k in added if jj != j]
                break
    return out


SCRIPTS: dict[str, list[tuple[tuple[int, ...], tuple[int, ...]]]] = {
    "de": DE_GROUPS,
    "ar": [((0,), (0,)), ((1,), (1,))],
}


@contextmanager
def reference_pipeline():
    with mock.patch.object(compare_mod, "compare", reference_compare):
        yield


def build_db(path: Path, *, reference: bool = True) -> Path:
    """The test corpus: a revision with a figure fix, a rewording, a move and an
    addition, a German translation with a figure mismatch and an omission, and an
    article whose text and title hold HTML."""
    db = store.open_db(path)
    ctx = reference_pipeline() if reference else contextmanager(lambda: (yield))()
    with ctx:
        ingest.ingest_text(
            db, MINI_V1, article=MINI, lang="en", label="v1", date="2023-10-01", title=MINI_TITLE
        )
        ingest.ingest_text(db, MINI_V2, article=MINI, lang="en", label="v2", date="2023-10-02")
        ingest.ingest_text(
            db,
            MINI_DE,
            article=MINI,
            lang="de",
            label="de-1",
            translation_of="v2",
            date="2023-10-03",
        )
        ingest.ingest_text(db, RTL_EN, article=RTL, lang="en", label="v1")
        ingest.ingest_text(db, RTL_AR, article=RTL, lang="ar", label="ar-1", translation_of="v1")
        ingest.ingest_text(db, XSS_V1, article=XSS, lang="en", label="v1", title=XSS_TITLE)
        ingest.ingest_text(db, XSS_V2, article=XSS, lang="en", label="v2")
    db.close()
    return path


# --- helpers ------------------------------------------------------------------------------------


def get(ds, path: str):
    return asyncio.run(ds.client.get(path))


class Elements(HTMLParser):
    """Text of every element with an id, and all (tag, attrs, text) of given tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.by_id: dict[str, str] = {}
        self.stack: list[tuple[str, dict, list[str]]] = []
        self.found: list[tuple[str, dict, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "input", "meta", "link", "col", "circle", "path", "line"):
            self.found.append((tag, dict(attrs), ""))
            return
        self.stack.append((tag, dict(attrs), []))

    def handle_endtag(self, tag):
        while self.stack:
            t, attrs, parts = self.stack.pop()
            text = "".join(parts)
            if self.stack:
                self.stack[-1][2].append(text)
            if "id" in attrs:
                self.by_id[attrs["id"]] = text
            self.found.append((t, attrs, text))
            if t == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][2].append(data)

    def elements(self, tag: str, cls: str | None = None) -> list[tuple[dict, str]]:
        """(attributes, text with runs of white space made one space) of matching tags."""
        return [
            (a, " ".join(t.split()) if "\n" in t else t)
            for tg, a, t in self.found
            if tg == tag and (cls is None or cls in (a.get("class") or "").split())
        ]


def parse(text: str) -> Elements:
    p = Elements()
    p.feed(text)
    p.close()
    return p


def query(path: Path, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def db_file(tmp_path_factory) -> Path:
    return build_db(tmp_path_factory.mktemp("site") / "corpus.db")


@pytest.fixture(scope="module")
def ds(db_file):
    return serve.make_datasette(db_file)


def compare_url(article: str, a: str, b: str) -> str:
    return f"/-/variorum/compare?article={article}&from={a}&to={b}"


# --- fixture sanity: the stored comparisons are the ones the page tests rely on --------------


def test_fixture_comparisons(db_file):
    assert query(
        db_file,
        "select from_label, to_label, relation, old_figure, new_figure from figure_changes "
        "where article = ?",
        [MINI],
    ) == [
        ("v1", "v2", "revision", "30,1988", "30,000"),
        ("v2", "de-1", "translation", "30,000", "3000"),
    ]
    assert query(
        db_file,
        "select kind, old_text, new_text from sentence_changes "
        "where article = ? and from_label = 'v1' order by change_id",
        [MINI],
    ) == [
        ("figure", V1_SENTENCES[2], V2_SENTENCES[1]),
        ("wording", V1_SENTENCES[3], V2_SENTENCES[2]),
        ("moved", V1_SENTENCES[1], V2_SENTENCES[5]),
        ("added", None, V2_SENTENCES[6]),
    ]


# --- home and index: two clicks to the compare page --------------------------------------------


def test_home_page_links_to_the_index(ds):
    r = get(ds, "/")
    assert r.status_code == 200
    links = parse(r.text).elements("a")
    assert ({"href": "/-/variorum"}, "Compare versions of an article →") in links
    # and the menu carries it on every page
    assert ({"href": "/-/variorum"}, "Compare versions (variorum)") in links


def test_index_lists_articles_and_steps(ds):
    r = get(ds, "/-/variorum")
    assert r.status_code == 200
    page = parse(r.text)
    steps = [(a["href"], t) for a, t in page.elements("a", "step")]
    assert steps == [
        (html.unescape(compare_url(MINI, "v1", "v2").replace("&", "&amp;")), "v1 → v2"),
        ("/-/variorum/compare?article=karabakh-mini&from=v2&to=de-1", "v2 → de-1"),
        ("/-/variorum/compare?article=rtl-test&from=v1&to=ar-1", "v1 → ar-1"),
        ("/-/variorum/compare?article=xss-test&from=v1&to=v2", "v1 → v2"),
    ]
    counts = [t for _, t in page.elements("span", "count")]
    assert counts[:4] == ["1 figure change", "1 reworded", "1 added", "1 moved"]
    # across languages a sentence missing from the translation is "omitted"
    assert counts[4:6] == ["1 figure change", "1 omitted"]


# --- compare page ---------------------------------------------------------------------------------


def test_compare_page_shows_every_sentence_side_by_side(ds):
    r = get(ds, compare_url(MINI, "v1", "v2"))
    assert r.status_code == 200
    page = parse(r.text)
    for i, s in enumerate(V1_SENTENCES):
        assert page.by_id[f"old-{i}"] == f"{i + 1}{s}"
    for i, s in enumerate(V2_SENTENCES):
        assert page.by_id[f"new-{i}"] == f"{i + 1}{s}"
    # rows in reading order: the moved sentence appears where it was and where it went
    rows = [(a["id"], a["class"]) for a, _ in page.elements("tr") if a.get("id")]
    kinds = [c for _, c in rows]
    assert kinds == [
        "k-same",
        "k-moved",
        "k-figure",
        "k-wording",
        "k-same",
        "k-same",
        "k-moved",
        "k-added",
    ]


def test_compare_page_lists_and_highlights_figure_changes(ds, db_file):
    expected = query(
        db_file,
        "select old_figure, new_figure from figure_changes "
        "where article = ? and from_label = 'v1' and to_label = 'v2'",
        [MINI],
    )
    assert expected == [("30,1988", "30,000")]
    page = parse(get(ds, compare_url(MINI, "v1", "v2")).text)
    old_marks = [t for _, t in page.elements("mark", "fig-old")]
    new_marks = [t for _, t in page.elements("mark", "fig-new")]
    for old, new in expected:
        # in the list at the top: the figure, then its sentence; then the side-by-side text
        assert old_marks.count(old) == 2
        assert new_marks.count(new) == 3
    assert "Figure changes (1)" in page.by_id["figure-changes"]
    values = query(
        db_file,
        "select old_value, new_value from figure_changes "
        "where article = ? and from_label = 'v1' and to_label = 'v2'",
        [MINI],
    )
    assert [t for _, t in page.elements("td", "values")] == [
        " → ".join(datasette_plugin._fmt_value(v) for v in pair) for pair in values
    ]


def test_compare_page_word_diff_and_moves(ds):
    r = get(ds, compare_url(MINI, "v1", "v2"))
    # the reworded sentence: deletions on the left, insertions on the right
    assert '<span class="sent" id="new-2">' in r.text
    page = parse(r.text)
    ins = [t for a, t in page.elements("ins") if not a.get("class")]
    # the figure list shows the changed sentence first, then the table
    assert ins == ["30,000", "30,000", "people ", "displaced from their homes."]
    assert [t for a, t in page.elements("del") if not a.get("class")] == [
        "30,1988",
        "displaced.",
    ]
    notes = [(a["href"], t) for a, t in page.elements("a", "note")]
    moved = [a for a, _ in page.elements("tr") if a.get("class") == "k-moved"]
    assert [m["id"] for m in moved] == ["g5-from", "g5-to"]
    assert notes == [("#g5-to", "moved to sentence 6"), ("#g5-from", "moved from sentence 2")]


def test_compare_page_picker_offers_every_version(ds):
    page = parse(get(ds, compare_url(MINI, "v2", "de-1")).text)
    for sel in ("pick-from", "pick-to"):
        assert page.by_id[sel] == ("v1 (en, 2023-10-01)v2 (en, 2023-10-02)de-1 (de, 2023-10-03)")
    selected = [t for a, t in page.elements("option") if "selected" in a]
    assert selected == ["v2 (en, 2023-10-02)", "de-1 (de, 2023-10-03)"]


def test_translation_compare_shows_mismatch_and_omission(ds):
    page = parse(get(ds, compare_url(MINI, "v2", "de-1")).text)
    assert [t for _, t in page.elements("mark", "fig-old")].count("30,000") == 2
    assert [t for _, t in page.elements("mark", "fig-new")].count("3000") == 3
    removed = [a["id"] for a, _ in page.elements("tr") if a.get("class") == "k-removed"]
    assert len(removed) == 1
    assert page.by_id[removed[0]].count("omitted") == 1
    assert page.by_id["old-5"] == "6Officials in Baku declined to comment."


def test_right_to_left_text_is_marked(ds):
    page = parse(get(ds, compare_url(RTL, "v1", "ar-1")).text)
    cells = [(a["class"], a["lang"], a["dir"]) for a, _ in page.elements("td") if "lang" in a]
    assert cells == [("old", "en", "ltr"), ("new", "ar", "rtl")] * 2
    assert page.by_id["new-1"] == "2قتل نحو 30,000 شخص."


def test_unstored_pair_is_computed_without_writing(ds, db_file):
    before = query(db_file, "select count(*) from comparisons")
    r = get(ds, compare_url(MINI, "v2", "v1"))
    assert r.status_code == 200
    page = parse(r.text)
    assert [t for _, t in page.elements("strong", "not-stored")] == ["not stored"]
    assert "variorum diff karabakh-mini v2 v1" in r.text
    for i, s in enumerate(V2_SENTENCES):
        assert page.by_id[f"old-{i}"] == f"{i + 1}{s}"
    assert query(db_file, "select count(*) from comparisons") == before


def test_compare_page_errors(ds):
    r = get(ds, compare_url("nope", "v1", "v2"))
    assert r.status_code == 404
    assert "no article &#39;nope&#39; in the database" in r.text
    r = get(ds, compare_url(MINI, "v1", "v9"))
    assert r.status_code == 404
    assert "has no version &#39;v9&#39; (it has: v1, v2, de-1)" in r.text
    r = get(ds, compare_url(MINI, "v1", "v1"))
    assert "Choose two different versions." in r.text


def test_compare_page_defaults_to_the_first_step(ds):
    page = parse(get(ds, f"/-/variorum/compare?article={MINI}").text)
    selected = [t for a, t in page.elements("option") if "selected" in a]
    assert selected == ["v1 (en, 2023-10-01)", "v2 (en, 2023-10-02)"]


# --- article page ---------------------------------------------------------------------------------


def test_article_page_timeline(ds, db_file):
    r = get(ds, f"/-/variorum/article/{MINI}")
    assert r.status_code == 200
    page = parse(r.text)
    assert page.elements("h1")[0][1] == MINI_TITLE
    assert len(page.elements("circle")) == 3
    labels = [t for _, t in page.elements("text", "node-label")]
    assert labels == ["v1", "v2", "de-1"]
    edges = [(a["href"], a["class"]) for a, _ in page.elements("a") if "edge" in a.get("class", "")]
    assert edges == [
        ("/-/variorum/compare?article=karabakh-mini&from=v1&to=v2", "edge edge-revision"),
        ("/-/variorum/compare?article=karabakh-mini&from=v2&to=de-1", "edge edge-translation"),
    ]
    counts = query(
        db_file,
        "select figure_changes, wording_changes, removed from comparisons order by id",
    )
    texts = [t for tg, a, t in page.found if tg == "text" and not a.get("class")]
    assert texts == [
        f"{counts[0][0]} fig · {counts[0][1]} wording",
        f"{counts[1][0]} fig · {counts[1][2]} omitted",
    ]
    assert texts == ["1 fig · 1 wording", "1 fig · 1 omitted"]


def test_article_page_unknown(ds):
    r = get(ds, "/-/variorum/article/missing")
    assert r.status_code == 404


# --- escaping -----------------------------------------------------------------------------------


RAW_HTML = ["<script>alert(1)", "<img src=x", "<b>bold</b>"]


@pytest.mark.parametrize(
    "path",
    [
        compare_url(XSS, "v1", "v2"),
        compare_url(XSS, "v2", "v1"),
        f"/-/variorum/article/{XSS}",
        "/-/variorum",
        "/variorum/sentences?_search=alert",
        "/variorum/changes",
        "/variorum/sentence_changes",
        "/variorum/figure_changes",
        "/variorum/articles",
        "/variorum/versions",
        "/variorum/search_sentences?q=alert",
    ],
)
def test_article_text_is_escaped(ds, path):
    r = get(ds, path)
    assert r.status_code == 200
    for raw in RAW_HTML:
        assert raw not in r.text
    page = parse(r.text)
    # the parser sees no script or img element coming from the article
    assert all("alert" not in t for _, t in page.elements("script"))
    assert all(a.get("src") != "x" for a, _ in page.elements("img"))


def test_xss_compare_page_shows_the_text_as_text(ds):
    page = parse(get(ds, compare_url(XSS, "v1", "v2")).text)
    assert page.by_id["old-0"] == "1He wrote <script>alert(1)</script> in 2 posts."
    assert page.by_id["new-0"] == "1He wrote <script>alert(1)</script> in 3 posts."
    assert page.by_id["new-1"] == '2A "quoted" <img src=x onerror=alert(1)> and 5 images.'
    assert [t for _, t in page.elements("mark", "fig-new")] == ["3", "3", "3"]
    assert page.elements("h1")[0][1].startswith(XSS_TITLE)


# --- cells and tables ---------------------------------------------------------------------------


def test_diff_cells_render_as_ins_del(ds, db_file):
    cid = query(db_file, "select id from changes where kind = 'wording'")[0][0]
    r = get(ds, f"/variorum/changes/{cid}")
    assert (
        '<span class="variorum-diff">Many more <ins>people </ins>were <del>displaced.</del>'
        "<ins>displaced from their homes.</ins></span>"
    ) in r.text
    r = get(ds, "/variorum/sentence_changes?kind=figure&article=xss-test")
    assert (
        '<span class="variorum-diff">He wrote &lt;script&gt;alert(1)&lt;/script&gt; in '
        "<del>2</del><ins>3</ins> posts.</span>"
    ) in r.text


@pytest.mark.parametrize(
    "value, expected",
    [
        ('[[0,"a "],[-1,"1"],[1,"2"]]', [(0, "a "), (-1, "1"), (1, "2")]),
        ("[]", []),
        ('[[2,"x"]]', None),
        ('{"a": 1}', None),
        ("[1, 2", None),
        ("plain text", None),
    ],
)
def test_parse_diff(value, expected):
    assert datasette_plugin.parse_diff(value) == expected


def test_render_cell_only_touches_diff_columns():
    assert datasette_plugin.render_cell('[[0,"x"]]', "text", "changes", "variorum", None) is None
    out = datasette_plugin.render_cell('[[-1,"<b>"]]', "diff", None, "variorum", None)
    assert str(out) == '<span class="variorum-diff"><del>&lt;b&gt;</del></span>'


def test_metadata_tables_labels_and_hidden(ds):
    data = get(ds, "/variorum.json").json()
    hidden = sorted(t["name"] for t in data["tables"] if t["hidden"])
    assert hidden == [
        "_sqlite_migrations",
        "sentences_fts",
        "sentences_fts_config",
        "sentences_fts_data",
        "sentences_fts_docsize",
        "sentences_fts_idx",
    ]
    meta = yaml.safe_load((ROOT / "metadata.yml").read_text())
    tables = meta["databases"]["variorum"]["tables"]
    visible = {t["name"] for t in data["tables"] if not t["hidden"]} | {
        v["name"] for v in data["views"]
    }
    for name in visible:
        assert tables[name]["description"], name
    # label columns: versions show "slug/label" in links from sentences
    r = get(ds, "/variorum/sentences?version=1&_size=1")
    assert '<a href="/variorum/versions/1">karabakh-mini/v1</a>' in r.text
    r = get(ds, "/variorum/versions?id=1")
    assert '<a href="/variorum/articles/1">karabakh-mini</a>' in r.text


# --- canned queries -------------------------------------------------------------------------------


def canned(ds, name: str, **params) -> list[dict]:
    q = "&".join(f"{k}={v}" for k, v in params.items())
    r = get(ds, f"/variorum/{name}.json?_shape=array&{q}")
    assert r.status_code == 200, r.text
    return r.json()


def test_query_figures_changed(ds):
    rows = canned(ds, "figures_changed", article=MINI, from_label="v1", to_label="v2")
    assert [
        (r["old_figure"], r["new_figure"], r["old_sentence"], r["new_sentence"]) for r in rows
    ] == [("30,1988", "30,000", V1_SENTENCES[2], V2_SENTENCES[1])]
    rows = canned(ds, "figures_changed", article="", from_label="", to_label="")
    assert [(r["article"], r["old_figure"], r["new_figure"]) for r in rows] == [
        (MINI, "30,1988", "30,000"),
        (MINI, "30,000", "3000"),
        (XSS, "2", "3"),
    ]


def test_query_sentences_reworded(ds):
    rows = canned(ds, "sentences_reworded", article=MINI, from_label="v1", to_label="v2")
    assert [(r["kind"], r["old_text"], r["new_text"]) for r in rows] == [
        ("wording", V1_SENTENCES[3], V2_SENTENCES[2])
    ]
    r = get(ds, f"/variorum/sentences_reworded?article={MINI}&from_label=v1&to_label=v2")
    assert '<span class="variorum-diff">Many more <ins>people </ins>' in r.text


def test_query_figure_issues(ds, db_file):
    expected = query(
        db_file,
        "select v.label, f.raw, f.issue from figures f join versions v on v.id = f.version "
        "join articles a on a.id = v.article where a.slug = ? and f.issue is not null "
        "order by v.seq, f.sentence, f.position",
        [MINI],
    )
    rows = canned(ds, "figure_issues", article=MINI, label="")
    assert [(r["label"], r["raw"], r["issue"]) for r in rows] == expected
    assert all(r["issue"] for r in rows)


def test_query_figure_history(ds):
    rows = canned(ds, "figure_history", article=MINI, figure="30%2C1988")
    assert [(r["label"], r["position"], r["text"]) for r in rows] == [
        ("v1", 2, V1_SENTENCES[2]),
        ("v2", 1, V2_SENTENCES[1]),
        ("de-1", 1, "Rund 3000 Menschen wurden im Krieg getötet."),
    ]
    # starting from the translation's figure finds the same chain
    rows2 = canned(ds, "figure_history", article=MINI, figure="3000")
    assert [r["sentence_id"] for r in rows2] == [r["sentence_id"] for r in rows]


def test_query_sentence_lineage(ds, db_file):
    sid = query(
        db_file,
        "select s.id from sentences s join versions v on v.id = s.version "
        "where v.label = 'v2' and s.position = 5 and v.article = 1",
    )[0][0]
    rows = canned(ds, "sentence_lineage", sentence=sid)
    assert [(r["label"], r["position"], r["text"]) for r in rows] == [
        ("v1", 1, V1_SENTENCES[1]),
        ("v2", 5, V2_SENTENCES[5]),
    ]


def test_query_translations_out_of_step(ds):
    rows = canned(ds, "translations_out_of_step", article="")
    assert [
        (r["source"], r["translation"], r["problem"], r["figures"], r["source_sentence"])
        for r in rows
    ] == [
        ("v2", "de-1", "figure mismatch", "30,000 → 3000", V2_SENTENCES[1]),
        ("v2", "de-1", "omitted", None, V2_SENTENCES[5]),
    ]


def test_query_search_sentences(ds):
    rows = canned(ds, "search_sentences", q="killed")
    assert [(r["article"], r["label"], r["position"], r["text"]) for r in rows] == [
        (MINI, "v1", 2, V1_SENTENCES[2]),
        (MINI, "v2", 1, V2_SENTENCES[1]),
    ]
    # FTS syntax characters in the search are taken literally
    assert canned(ds, "search_sentences", q='"Baku') != []


def test_every_canned_query_is_tested():
    meta = yaml.safe_load((ROOT / "metadata.yml").read_text())
    names = set(meta["databases"]["variorum"]["queries"])
    tested = {n[len("test_query_") :] for n in globals() if n.startswith("test_query_")}
    assert names == tested


# --- serving --------------------------------------------------------------------------------------


def test_wal_is_checkpointed_before_serving_immutably(tmp_path):
    path = build_db(tmp_path / "wal.db")
    # leave rows in the write-ahead log: a second connection keeps it from being
    # checkpointed on close
    keep = sqlite3.connect(path)
    keep.execute("select 1 from articles").fetchall()
    db = store.open_db(path)
    with reference_pipeline():
        ingest.ingest_text(db, "A new text with 7 figures.", article="late", label="v1")
    db.close()
    assert Path(f"{path}-wal").stat().st_size > 0
    keep.close()
    ds = serve.make_datasette(path)
    assert ds.databases["variorum"].is_mutable is False
    rows = get(ds, "/variorum/articles.json?_shape=array").json()
    assert [r["slug"] for r in rows] == [MINI, "late", RTL, XSS]


def test_metadata_is_found_and_packaged():
    assert serve.metadata_path() == ROOT / "metadata.yml"
    packaged = ROOT / "src" / "variorum" / "static" / "metadata.yml"
    assert packaged.is_symlink() and packaged.resolve() == (ROOT / "metadata.yml").resolve()


def test_serve_refuses_missing_or_foreign_files(tmp_path):
    from variorum.errors import VariorumError

    with pytest.raises(VariorumError, match="does not exist"):
        serve.make_datasette(tmp_path / "none.db")
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    with pytest.raises(VariorumError, match="is not an SQLite database"):
        serve.make_datasette(bad)


# --- the real pipeline: what holds for any alignment ------------------------------------------


@pytest.fixture(scope="module")
def pipeline_db(tmp_path_factory) -> Path:
    return build_db(tmp_path_factory.mktemp("pipeline") / "pipeline.db", reference=False)


def test_pipeline_compare_page_shows_all_text_and_figures(pipeline_db):
    ds = serve.make_datasette(pipeline_db)
    for article, a, b in [(MINI, "v1", "v2"), (MINI, "v2", "de-1"), (XSS, "v1", "v2")]:
        page = parse(get(ds, compare_url(article, a, b)).text)
        for side, label in (("old", a), ("new", b)):
            sents = query(
                pipeline_db,
                "select s.position, s.text from sentences s join versions v on v.id = s.version "
                "join articles ar on ar.id = v.article where ar.slug = ? and v.label = ?",
                [article, label],
            )
            for pos, text in sents:
                assert page.by_id[f"{side}-{pos}"] == f"{pos + 1}{text}"
        pairs = query(
            pipeline_db,
            "select old_figure, new_figure from figure_changes "
            "where article = ? and from_label = ? and to_label = ?",
            [article, a, b],
        )
        old_marks = [t for _, t in page.elements("mark", "fig-old")]
        new_marks = [t for _, t in page.elements("mark", "fig-new")]
        for old, new in pairs:
            if old is not None:
                assert old in old_marks
            if new is not None:
                assert new in new_marks
        assert f"Figure changes ({len(pairs)})" in page.by_id["figure-changes"]


@pytest.mark.parametrize(
    "name",
    sorted(yaml.safe_load((ROOT / "metadata.yml").read_text())["databases"]["variorum"]["queries"]),
)
def test_canned_query_page_opens_without_parameters(ds, name):
    r = get(ds, f"/variorum/{name}")
    assert r.status_code == 200
    assert "Query parameters" in r.text


def test_busy_wal_is_served_live_and_read_only(tmp_path, monkeypatch):
    monkeypatch.setattr(serve, "CHECKPOINT_TIMEOUT", 0.1)
    path = build_db(tmp_path / "busy.db")
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("begin")
    reader.execute("select count(*) from articles").fetchall()  # holds a snapshot
    db = store.open_db(path)
    with reference_pipeline():
        ingest.ingest_text(db, "A new text with 7 figures.", article="late", label="v1")
    try:
        # the reader keeps the log from being emptied: serving immutably would miss "late"
        assert serve.checkpoint(path) is False
        ds = serve.make_datasette(path)
        assert ds.databases["variorum"].is_mutable is True
        rows = get(ds, "/variorum/articles.json?_shape=array").json()
        assert [r["slug"] for r in rows] == [MINI, "late", RTL, XSS]
    finally:
        reader.execute("rollback")
        reader.close()
        db.close()
