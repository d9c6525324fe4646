"""The database schema and the functions that read and write it.

Every table has an integer primary key and explicit foreign keys so that
Datasette links rows to each other. The schema is applied by migrations.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from variorum.errors import VariorumError
from variorum.model import Change, Figure, Sentence

migrations = Migrations("variorum")

# How long a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_MS = 60_000


@migrations()
def m001_core(db: Database) -> None:
    db["articles"].create(
        {"id": int, "slug": str, "title": str},
        pk="id",
        not_null={"slug"},
    )
    db["articles"].create_index(["slug"], unique=True)
    db["versions"].create(
        {
            "id": int,
            "article": int,
            "label": str,
            "name": str,  # "slug/label", the label Datasette shows in links
            "lang": str,
            "seq": int,
            "parent": int,
            "translation_of": int,
            "source": str,
            "date": str,
            "format": str,
            "notes": str,
            "sha256": str,
            "norm_sha256": str,
            "chars": int,
            "sentence_count": int,
            "text": str,
        },
        pk="id",
        not_null={"article", "label", "lang", "seq", "sha256", "text"},
        foreign_keys=[
            ("article", "articles", "id"),
            ("parent", "versions", "id"),
            ("translation_of", "versions", "id"),
        ],
    )
    db["versions"].create_index(["article", "label"], unique=True)
    db["versions"].create_index(["article", "lang", "seq"])
    db["sentences"].create(
        {
            "id": int,
            "version": int,
            "position": int,
            "paragraph": int,
            "heading": int,
            "start": int,
            "end": int,
            "text": str,
            "norm": str,
            "skeleton": str,
            "norm_hash": str,
            "skeleton_hash": str,
        },
        pk="id",
        not_null={"version", "position", "start", "end", "text", "norm", "skeleton"},
        foreign_keys=[("version", "versions", "id")],
    )
    db["sentences"].create_index(["version", "position"], unique=True)
    db["sentences"].create_index(["norm_hash"])
    db["figures"].create(
        {
            "id": int,
            "sentence": int,
            "version": int,
            "position": int,
            "start": int,
            "end": int,
            "raw": str,
            "value": float,
            "value_end": float,
            "kind": str,
            "unit": str,
            "issue": str,
            "reason": str,
        },
        pk="id",
        not_null={"sentence", "version", "position", "raw", "kind"},
        foreign_keys=[("sentence", "sentences", "id"), ("version", "versions", "id")],
    )
    db["figures"].create_index(["sentence"])
    db["figures"].create_index(["version", "issue"])
    db["comparisons"].create(
        {
            "id": int,
            "from_version": int,
            "to_version": int,
            "relation": str,
            "figure_changes": int,
            "wording_changes": int,
            "punctuation_changes": int,
            "added": int,
            "removed": int,
            "moved": int,
            "split": int,
            "merged": int,
        },
        pk="id",
        not_null={"from_version", "to_version", "relation"},
        foreign_keys=[("from_version", "versions", "id"), ("to_version", "versions", "id")],
    )
    db["comparisons"].create_index(["from_version", "to_version"], unique=True)
    db["alignments"].create(
        {
            "id": int,
            "comparison": int,
            "position": int,
            "old_sentence": int,
            "new_sentence": int,
            "old_positions": str,  # JSON list of sentence positions in the old version
            "new_positions": str,
            "score": float,
            "method": str,
            "kind": str,  # "same" for unchanged groups, else the change kind
        },
        pk="id",
        not_null={"comparison", "position", "kind"},
        foreign_keys=[
            ("comparison", "comparisons", "id"),
            ("old_sentence", "sentences", "id"),
            ("new_sentence", "sentences", "id"),
        ],
    )
    db["alignments"].create_index(["comparison", "position"], unique=True)
    db["alignments"].create_index(["old_sentence"])
    db["alignments"].create_index(["new_sentence"])
    db["changes"].create(
        {
            "id": int,
            "comparison": int,
            "alignment": int,
            "kind": str,
            "also_wording": int,
            "old_text": str,
            "new_text": str,
            "diff": str,  # JSON list of [op, text] pairs, op -1/0/1
        },
        pk="id",
        not_null={"comparison", "alignment", "kind"},
        foreign_keys=[("comparison", "comparisons", "id"), ("alignment", "alignments", "id")],
    )
    db["changes"].create_index(["comparison", "kind"])
    db["figure_diffs"].create(
        {
            "id": int,
            "change": int,
            "old_figure": int,
            "new_figure": int,
            "old_raw": str,
            "new_raw": str,
            "old_value": float,
            "new_value": float,
        },
        pk="id",
        not_null={"change"},
        foreign_keys=[
            ("change", "changes", "id"),
            ("old_figure", "figures", "id"),
            ("new_figure", "figures", "id"),
        ],
    )
    db["figure_diffs"].create_index(["change"])
    # Full-text index without triggers: each version's rows are indexed in one
    # statement after they are written (index_sentences), much faster than a
    # trigger per row during bulk loads.
    db.execute(
        "create virtual table [sentences_fts] using fts5 "
        "([text], tokenize='unicode61', content=[sentences])"
    )
    db.create_view(
        "figure_changes",
        """
        select a.slug as article, fv.label as from_label, tv.label as to_label,
               c.relation, fd.old_raw as old_figure, fd.new_raw as new_figure,
               fd.old_value, fd.new_value, ch.old_text as old_sentence,
               ch.new_text as new_sentence, ch.id as change_id, c.id as comparison_id
        from figure_diffs fd
        join changes ch on ch.id = fd.change
        join comparisons c on c.id = ch.comparison
        join versions fv on fv.id = c.from_version
        join versions tv on tv.id = c.to_version
        join articles a on a.id = tv.article
        order by c.id, ch.id, fd.id
        """,
    )
    db.create_view(
        "sentence_changes",
        """
        select a.slug as article, fv.label as from_label, tv.label as to_label,
               c.relation, ch.kind, ch.old_text, ch.new_text, ch.also_wording,
               ch.diff, ch.id as change_id, c.id as comparison_id
        from changes ch
        join comparisons c on c.id = ch.comparison
        join versions fv on fv.id = c.from_version
        join versions tv on tv.id = c.to_version
        join articles a on a.id = tv.article
        order by c.id, ch.id
        """,
    )


@migrations()
def m002_watches(db: Database) -> None:
    """Fetched versions (raw HTML kept, gzip), watched pages and feeds, and their checks."""
    db["feeds"].create(
        {
            "id": int,
            "url": str,
            "lang": str,
            "selector": str,  # CSS selector given to the watches made from its entries
            "title": str,
            "created_at": str,
            "interval_seconds": int,
            "next_due": str,  # ISO 8601 UTC; text order is time order
            "last_checked": str,
            "last_status": int,  # HTTP status of the last response, if any
            "last_outcome": str,
            "last_error": str,
            "etag": str,
            "last_modified": str,
            "entries": int,  # watches created from its entries
            "checks": int,
            "failures": int,
            "consecutive_failures": int,
        },
        pk="id",
        not_null={"url", "lang", "created_at", "next_due"},
        defaults={"entries": 0, "checks": 0, "failures": 0, "consecutive_failures": 0},
    )
    db["feeds"].create_index(["url"], unique=True)
    db["watches"].create(
        {
            "id": int,
            "url": str,
            "article": int,
            "lang": str,
            "selector": str,
            "feed": int,
            "created_at": str,
            "since": str,  # the article's age counts from here (feed entry date or creation)
            "interval_seconds": int,
            "next_due": str,
            "last_checked": str,
            "last_status": int,
            "last_outcome": str,  # new-version | unchanged | not-modified | failed
            "last_error": str,
            "final_url": str,
            "etag": str,
            "last_modified": str,
            "text_sha256": str,  # sha256 of the last extracted text
            "last_version": int,  # the version the page showed at the last good check
            "checks": int,
            "versions": int,  # versions this watch created
            "failures": int,
            "consecutive_failures": int,
        },
        pk="id",
        not_null={"url", "article", "lang", "created_at", "since", "next_due"},
        defaults={"checks": 0, "versions": 0, "failures": 0, "consecutive_failures": 0},
        foreign_keys=[
            ("article", "articles", "id"),
            ("feed", "feeds", "id"),
            ("last_version", "versions", "id"),
        ],
    )
    db["watches"].create_index(["url"], unique=True)
    db["watches"].create_index(["next_due"])
    db["fetches"].create(
        {
            "id": int,
            "version": int,
            "url": str,
            "final_url": str,
            "redirects": str,  # JSON list of the URLs that redirected, in order
            "fetched_at": str,
            "http_status": int,
            "content_type": str,
            "charset": str,
            "etag": str,
            "last_modified": str,
            "bytes": int,
            "content_sha256": str,
            "extractor": str,  # "trafilatura <version>" or "css <selector>"
            "selector": str,
            "title": str,
            "byline": str,
            "published": str,
            "html_gzip": bytes,  # the body as received, gzip: extraction can be redone
        },
        pk="id",
        not_null={"version", "url", "final_url", "fetched_at", "http_status", "html_gzip"},
        foreign_keys=[("version", "versions", "id")],
    )
    db["fetches"].create_index(["version"], unique=True)
    db["checks"].create(
        {
            "id": int,
            "watch": int,
            "feed": int,
            "checked_at": str,
            "url": str,
            "final_url": str,
            "http_status": int,
            # watches: new-version | unchanged | not-modified | failed;
            # feeds: new-entries | unchanged | not-modified | failed
            "outcome": str,
            "reason": str,
            "error": str,  # failure code: dns, timeout, http, too-large, content-type, empty...
            "version": int,  # the new version, or the stored one the page still shows
            "fetch": int,
            "attempts": int,
            "elapsed_ms": int,
            "bytes": int,
            "content_sha256": str,
            "text_sha256": str,
        },
        pk="id",
        not_null={"checked_at", "url", "outcome"},
        foreign_keys=[
            ("watch", "watches", "id"),
            ("feed", "feeds", "id"),
            ("version", "versions", "id"),
            ("fetch", "fetches", "id"),
        ],
    )
    db["checks"].create_index(["watch", "checked_at"])
    db["checks"].create_index(["feed", "checked_at"])


@migrations()
def m003_lineage_indexes(db: Database) -> None:
    """Index-only look-ups for what every ingest reads of its article: the lineage
    (relinked each time) and the identical-content check. Without them each ingest
    reads one table row per earlier version, so its cost grows with the history."""
    db["versions"].create_index(["article", "lang", "seq", "date", "parent"])
    db["versions"].create_index(["article", "sha256", "lang"])


def open_db(path: str | Path, *, create: bool = True) -> Database:
    """Open (and migrate) a variorum database, refusing files that are not SQLite."""
    p = Path(path)
    if p.exists() and not p.is_file():
        raise VariorumError(f"database {str(p)!r} is not a file")
    if not p.exists():
        if not create:
            raise VariorumError(f"database {str(p)!r} does not exist")
        if not p.parent.is_dir():
            raise VariorumError(f"cannot create database {str(p)!r}: no such folder")
    elif p.stat().st_size > 0:
        with open(p, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise VariorumError(f"{str(p)!r} is not an SQLite database")
    if p.exists() and not (os.access(p, os.W_OK) and os.access(p.parent, os.W_OK)):
        return _open_read_only(p)

    def setup(db: Database) -> None:
        db.execute(f"pragma busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("pragma foreign_keys = on")
        if db.execute("pragma journal_mode").fetchone()[0] != "wal":
            db.execute("pragma journal_mode = wal")
        if migrations.pending(db):
            # Under the write lock, so that concurrent first runs migrate once.
            with write_transaction(db):
                migrations.apply(db)

    return _connect(
        p,
        lambda: sqlite3.connect(str(p), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None),
        setup,
    )


def _open_read_only(p: Path) -> Database:
    """A database on read-only media or without write permission: readable, and any
    write fails with a clear 'read-only' error. Immutable, since nobody can change it."""
    uri = f"file:{quote(str(p.resolve()))}?mode=ro&immutable=1"

    def setup(db: Database) -> None:
        if migrations.pending(db):
            raise VariorumError(f"database {str(p)!r} is read-only and needs a schema upgrade")

    return _connect(p, lambda: sqlite3.connect(uri, uri=True, isolation_level=None), setup)


def _connect(
    p: Path, connect: Callable[[], sqlite3.Connection], setup: Callable[[Database], None]
) -> Database:
    """Connect and set up; on any failure the connection is closed again and SQLite's
    error becomes a one-line user error."""
    conn = None
    try:
        conn = connect()
        db = Database(conn)
        setup(db)
        return db
    except BaseException as e:
        if conn is not None:
            conn.close()
        if isinstance(e, sqlite3.DatabaseError):
            raise VariorumError(f"cannot use database {str(p)!r}: {db_error(e)}") from e
        raise


def close_db(db: Database) -> None:
    """Fold the write-ahead log into the database file, so that it is complete on its own
    (Datasette serves it immutable), then close."""
    # A checkpoint blocked by another process's reader is simply partial; the last
    # process to close completes it.
    with contextlib.suppress(sqlite3.DatabaseError):
        db.execute("pragma wal_checkpoint(TRUNCATE)")
    db.close()


def db_error(e: sqlite3.Error) -> str:
    """A user-facing explanation of an SQLite error."""
    msg = str(e)
    if "readonly" in msg or "read-only" in msg:
        return "the database file is read-only"
    if "disk is full" in msg or "disk I/O" in msg:
        return f"{msg} (nothing was written)"
    return msg


def index_sentences(db: Database, version_id: int) -> None:
    db.execute(
        "insert into sentences_fts (rowid, text) select id, text from sentences where version = ?",
        [version_id],
    )


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """One ``BEGIN IMMEDIATE`` transaction: all of it is written, or none.

    IMMEDIATE takes the write lock up front so that concurrent writers queue on
    the busy timeout instead of failing later with 'database is locked'.
    """
    db.execute("begin immediate")
    try:
        yield db
    except BaseException:
        # SQLite has already rolled back after some errors (a full disk, for one).
        if db.conn.in_transaction:
            db.execute("rollback")
        raise
    else:
        db.execute("commit")


@dataclass(frozen=True)
class VersionRow:
    id: int
    article: int
    slug: str
    label: str
    lang: str
    seq: int
    parent: int | None
    translation_of: int | None
    date: str | None
    sha256: str


def _version_row(row: dict) -> VersionRow:
    return VersionRow(
        id=row["id"],
        article=row["article"],
        slug=row["slug"],
        label=row["label"],
        lang=row["lang"],
        seq=row["seq"],
        parent=row["parent"],
        translation_of=row["translation_of"],
        date=row["date"],
        sha256=row["sha256"],
    )


_VERSION_SELECT = """
select v.id, v.article, a.slug, v.label, v.lang, v.seq, v.parent, v.translation_of,
       v.date, v.sha256
from versions v join articles a on a.id = v.article
"""


def find_version(db: Database, slug: str, label: str) -> VersionRow | None:
    rows = list(db.query(_VERSION_SELECT + " where a.slug = ? and v.label = ?", [slug, label]))
    return _version_row(rows[0]) if rows else None


def get_version(db: Database, slug: str, label: str) -> VersionRow:
    row = find_version(db, slug, label)
    if row is None:
        if not list(db.query("select 1 from articles where slug = ?", [slug])):
            raise VariorumError(f"no article {slug!r} in the database")
        labels = ", ".join(
            r["label"]
            for r in db.query(
                "select label from versions v join articles a on a.id = v.article "
                "where a.slug = ? order by seq",
                [slug],
            )
        )
        raise VariorumError(f"article {slug!r} has no version {label!r} (it has: {labels})")
    return row


def version_by_id(db: Database, version_id: int) -> VersionRow:
    return _version_row(next(db.query(_VERSION_SELECT + " where v.id = ?", [version_id])))


def article_versions(db: Database, slug: str) -> list[VersionRow]:
    return [
        _version_row(r)
        for r in db.query(_VERSION_SELECT + " where a.slug = ? order by v.seq", [slug])
    ]


def load_sentences(db: Database, version_id: int) -> list[Sentence]:
    """The stored sentences of a version, with their figures, in order."""
    figs: dict[int, list[Figure]] = {}
    for f in db.query(
        "select sentence, raw, start, end, value, value_end, kind, unit, issue, reason "
        "from figures where version = ? order by sentence, position",
        [version_id],
    ):
        figs.setdefault(f["sentence"], []).append(
            Figure(
                f["raw"],
                f["start"],
                f["end"],
                f["value"],
                f["kind"],
                f["value_end"],
                f["unit"],
                f["issue"],
                f["reason"],
            )
        )
    return [
        Sentence(
            r["position"],
            r["paragraph"],
            r["text"],
            r["norm"],
            r["skeleton"],
            tuple(figs.get(r["id"], ())),
            bool(r["heading"]),
        )
        for r in db.query(
            "select id, position, paragraph, heading, text, norm, skeleton from sentences "
            "where version = ? order by position",
            [version_id],
        )
    ]


def find_comparison(db: Database, from_id: int, to_id: int) -> int | None:
    row = db.execute(
        "select id from comparisons where from_version = ? and to_version = ?", [from_id, to_id]
    ).fetchone()
    return row[0] if row else None


def sentence_ids(db: Database, version_id: int) -> list[int]:
    return [
        r["id"]
        for r in db.query(
            "select id from sentences where version = ? order by position", [version_id]
        )
    ]


def dumps(obj: object) -> str:
    """Compact, stable JSON for values stored in the database."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def table_counts(db: Database, tables: Iterable[str]) -> dict[str, int]:
    return {t: db[t].count for t in tables}


def save_comparison(
    db: Database, from_id: int, to_id: int, relation: str, changes: list[Change]
) -> int:
    """Store a comparison with one alignment row per group and one change row per
    changed group (with its figure pairs). Call inside a write transaction."""
    counts = {k: 0 for k in COUNT_COLUMNS}
    for ch in changes:
        if ch.kind in COUNT_COLUMNS:
            counts[ch.kind] += 1
    cid = (
        db["comparisons"]
        .insert(
            {
                "from_version": from_id,
                "to_version": to_id,
                "relation": relation,
                **{col: counts[kind] for kind, col in COUNT_COLUMNS.items()},
            }
        )
        .last_pk
    )
    old = _sentence_rows(db, from_id)
    new = _sentence_rows(db, to_id)
    old_figs = _figure_ids(db, from_id)
    new_figs = _figure_ids(db, to_id)
    # Ids are handed out here (inside the write transaction) so that each table is
    # written with one executemany instead of one statement per row; the rows are
    # generated as they are written, never held all at once.
    first_aid = _next_id(db, "alignments")
    first_chid = _next_id(db, "changes")
    changed = [(first_aid + pos, ch) for pos, ch in enumerate(changes) if ch.kind != "same"]
    conn = db.conn
    conn.executemany(
        "insert into alignments (id, comparison, position, old_sentence, new_sentence, "
        "old_positions, new_positions, score, method, kind) values (?,?,?,?,?,?,?,?,?,?)",
        (
            (
                first_aid + pos,
                cid,
                pos,
                old[ch.group.old[0]][0] if ch.group.old else None,
                new[ch.group.new[0]][0] if ch.group.new else None,
                dumps(list(ch.group.old)),
                dumps(list(ch.group.new)),
                round(ch.group.score, 6),
                ch.group.method,
                ch.kind,
            )
            for pos, ch in enumerate(changes)
        ),
    )
    conn.executemany(
        "insert into changes (id, comparison, alignment, kind, also_wording, old_text, "
        "new_text, diff) values (?,?,?,?,?,?,?,?)",
        (
            (
                first_chid + k,
                cid,
                aid,
                ch.kind,
                int(ch.also_wording),
                " ".join(old[i][1] for i in ch.group.old) or None,
                " ".join(new[i][1] for i in ch.group.new) or None,
                dumps([[op, t] for op, t in ch.diff]),
            )
            for k, (aid, ch) in enumerate(changed)
        ),
    )
    conn.executemany(
        'insert into figure_diffs ("change", old_figure, new_figure, old_raw, new_raw, '
        "old_value, new_value) values (?,?,?,?,?,?,?)",
        (
            (
                first_chid + k,
                _figure_id(old_figs, ch.group.old, fp.old),
                _figure_id(new_figs, ch.group.new, fp.new),
                fp.old.raw if fp.old else None,
                fp.new.raw if fp.new else None,
                fp.old.value if fp.old else None,
                fp.new.value if fp.new else None,
            )
            for k, (_, ch) in enumerate(changed)
            for fp in ch.figures
        ),
    )
    return cid


# The comparisons column that counts each change kind.
COUNT_COLUMNS = {
    "figure": "figure_changes",
    "wording": "wording_changes",
    "punctuation": "punctuation_changes",
    "added": "added",
    "removed": "removed",
    "moved": "moved",
    "split": "split",
    "merged": "merged",
}


def _next_id(db: Database, table: str) -> int:
    return (db.execute(f"select max(id) from [{table}]").fetchone()[0] or 0) + 1


def _sentence_rows(db: Database, version_id: int) -> list[tuple[int, str]]:
    return [
        (r[0], r[1])
        for r in db.execute(
            "select id, text from sentences where version = ? order by position", [version_id]
        )
    ]


def _figure_ids(db: Database, version_id: int) -> dict[tuple[int, str, int, int], int]:
    return {
        (r[1], r[2], r[3], r[4]): r[0]
        for r in db.execute(
            "select f.id, s.position, f.raw, f.start, f.end from figures f "
            "join sentences s on s.id = f.sentence where f.version = ?",
            [version_id],
        )
    }


def _figure_id(
    ids: dict[tuple[int, str, int, int], int], positions: tuple[int, ...], fig: Figure | None
) -> int | None:
    if fig is None:
        return None
    for p in positions:
        fid = ids.get((p, fig.raw, fig.start, fig.end))
        if fid is not None:
            return fid
    return None
