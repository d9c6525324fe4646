"""Ingest versions: source -> text -> sentences and figures -> database -> comparisons."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlite_utils import Database

from variorum import compare as compare_mod
from variorum import store
from variorum.decode import decode_bytes
from variorum.errors import CorpusError, InputError, ManifestError, VariorumError
from variorum.extract import detect_format, extract
from variorum.figures import find_figures
from variorum.languages import check_lang
from variorum.model import Sentence
from variorum.normalize import normalize, skeleton
from variorum.segment import segment

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MANIFEST = "versions.yml"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_LABEL = re.compile(r"^[^\s/\\]{1,100}$")


def max_bytes() -> int:
    """The input size limit: ``$VARIORUM_MAX_BYTES`` or 20 MiB."""
    env = os.environ.get("VARIORUM_MAX_BYTES")
    return int(env) if env and env.isdigit() else DEFAULT_MAX_BYTES


def check_slug(slug: str) -> str:
    if not _SLUG.fullmatch(slug) or ".." in slug:
        raise VariorumError(
            f"invalid article slug {slug!r}: use lowercase letters, digits, '.', '_' and '-'"
        )
    return slug


def check_label(label: str) -> str:
    if not _LABEL.fullmatch(label):
        raise VariorumError(f"invalid label {label!r}: no spaces or slashes, 1-100 characters")
    return label


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Analysed:
    """A version's text run through the pure pipeline, ready to store."""

    text: str
    sentences: list[Sentence]
    spans: list[tuple[int, int]]


def analyse(text: str, lang: str) -> Analysed:
    sentences: list[Sentence] = []
    spans: list[tuple[int, int]] = []
    for pos, seg in enumerate(segment(text, lang)):
        figs = tuple(find_figures(seg.text, lang))
        sentences.append(
            Sentence(
                pos,
                seg.paragraph,
                seg.text,
                normalize(seg.text),
                skeleton(seg.text, figs),
                figs,
                seg.heading,
            )
        )
        spans.append((seg.start, seg.end))
    return Analysed(text, sentences, spans)


def read_source(source: str | Path, *, stdin: bytes | None = None) -> tuple[bytes, str]:
    """Bytes and display name of a file path or ``-`` (standard input)."""
    limit = max_bytes()
    if str(source) == "-":
        data = stdin if stdin is not None else sys.stdin.buffer.read(limit + 1)
        name = "<stdin>"
    else:
        p = Path(source)
        name = str(p)
        if not p.exists():
            raise InputError(f"{name}: no such file")
        if p.is_dir():
            raise InputError(f"{name}: is a folder without a {MANIFEST} manifest")
        if p.stat().st_size > limit:
            raise InputError(
                f"{name}: {p.stat().st_size:,} bytes is over the input limit of {limit:,} bytes "
                "(set VARIORUM_MAX_BYTES to raise it)"
            )
        data = p.read_bytes()
    if len(data) > limit:
        raise InputError(
            f"{name}: over the input limit of {limit:,} bytes (set VARIORUM_MAX_BYTES to raise it)"
        )
    return data, name


def source_text(data: bytes, name: str, fmt: str | None = None) -> tuple[str, str]:
    """Decode and extract: returns (plain text, format)."""
    raw = decode_bytes(data, name)
    fmt = fmt or detect_format(name, raw)
    text = extract(raw, fmt).text
    if not text.strip():
        raise InputError(f"{name}: no text to ingest (the source is empty or whitespace only)")
    return text, fmt


@dataclass
class IngestResult:
    status: str  # "added" or "unchanged"
    article: str
    label: str
    version_id: int
    comparisons: list[int] = field(default_factory=list)
    figure_issues: int = 0

    @property
    def message(self) -> str:
        if self.status == "unchanged":
            return f"{self.article}/{self.label}: unchanged (identical content already stored)"
        return f"{self.article}/{self.label}: added"


def ingest_text(
    db: Database,
    text: str,
    *,
    article: str,
    lang: str | None = None,
    label: str | None = None,
    translation_of: str | None = None,
    date: str | None = None,
    source: str | None = None,
    fmt: str = "txt",
    notes: str | None = None,
    title: str | None = None,
    analysed: Analysed | None = None,
    after_write: Callable[[Database, int], None] | None = None,
) -> IngestResult:
    """Store one version and compare it with its parent and its translation source.

    Everything happens in one write transaction: the version, its sentences and
    figures, and its comparisons are all written, or none of them.
    ``after_write(db, version_id)`` runs inside that transaction when a version is
    added (not when the content is already stored), for records that must exist
    exactly when the version does (e.g. how it was fetched).
    """
    check_slug(article)
    if label is not None:
        check_label(label)
    if lang is not None:
        lang = check_lang(lang)
    if not text.strip():
        raise InputError("no text to ingest (the source is empty or whitespace only)")
    digest = sha256(text)
    with store.write_transaction(db):
        art = _article_id(db, article, title)
        if lang is None:
            lang = _default_lang(db, art)
        same = list(
            db.query(
                "select label from versions where article = ? and sha256 = ? and lang = ?",
                [art, digest, lang],
            )
        )
        if same and (label is None or label == same[0]["label"]):
            vid = store.get_version(db, article, same[0]["label"]).id
            return IngestResult("unchanged", article, same[0]["label"], vid)
        if label is not None and store.find_version(db, article, label):
            raise CorpusError(
                f"version {label!r} of {article!r} already exists with different content"
            )
        tr_id = None
        if translation_of is not None:
            src = store.find_version(db, article, translation_of)
            if src is None:
                raise CorpusError(
                    f"--translation-of {translation_of!r}: {article!r} has no such version"
                )
            tr_id = src.id
        seq = (
            db.execute("select max(seq) from versions where article = ?", [art]).fetchone()[0] or 0
        ) + 1
        label = label or _free_label(db, art, seq)
        if analysed is None or analysed.text != text:
            analysed = analyse(text, lang)
        vid = _insert_version(
            db, art, article, label, lang, seq, tr_id, date, source, fmt, notes, analysed, digest
        )
        newest_before = db.execute("select max(id) from comparisons").fetchone()[0] or 0
        # The new version's sentences are in memory already: comparisons use them
        # instead of loading a second copy from the database.
        known = {vid: analysed.sentences}
        comparisons = _relink_lineage(db, art, lang, known)
        if tr_id is not None:
            comparisons.append(ensure_comparison(db, tr_id, vid, known))
        # Report what this ingest computed, not every step of a long history.
        comparisons = [c for c in comparisons if c > newest_before]
        if after_write is not None:
            after_write(db, vid)
        issues = db.execute(
            "select count(*) from figures where version = ? and issue is not null", [vid]
        ).fetchone()[0]
    return IngestResult("added", article, label, vid, sorted(set(comparisons)), issues)


def _article_id(db: Database, slug: str, title: str | None) -> int:
    rows = list(db.query("select id, title from articles where slug = ?", [slug]))
    if rows:
        if title and not rows[0]["title"]:
            db["articles"].update(rows[0]["id"], {"title": title})
        return rows[0]["id"]
    return db["articles"].insert({"slug": slug, "title": title}).last_pk


def _default_lang(db: Database, art: int) -> str:
    row = db.execute(
        "select lang from versions where article = ? order by seq desc limit 1", [art]
    ).fetchone()
    return row[0] if row else "en"


def _free_label(db: Database, art: int, seq: int) -> str:
    n = seq
    while db.execute(
        "select 1 from versions where article = ? and label = ?", [art, f"v{n}"]
    ).fetchone():
        n += 1
    return f"v{n}"


def _insert_version(
    db: Database,
    art: int,
    slug: str,
    label: str,
    lang: str,
    seq: int,
    tr_id: int | None,
    date: str | None,
    source: str | None,
    fmt: str,
    notes: str | None,
    a: Analysed,
    digest: str,
) -> int:
    norm_digest = sha256("\n".join(s.norm for s in a.sentences))
    vid = (
        db["versions"]
        .insert(
            {
                "article": art,
                "label": label,
                "name": f"{slug}/{label}",
                "lang": lang,
                "seq": seq,
                "parent": None,
                "translation_of": tr_id,
                "source": source,
                "date": date,
                "format": fmt,
                "notes": notes,
                "sha256": digest,
                "norm_sha256": norm_digest,
                "chars": len(a.text),
                "sentence_count": len(a.sentences),
                "text": a.text,
            }
        )
        .last_pk
    )
    conn = db.conn
    conn.executemany(
        "insert into sentences (version, position, paragraph, heading, start, end, text, norm, "
        "skeleton, norm_hash, skeleton_hash) values (?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                vid,
                s.position,
                s.paragraph,
                int(s.heading),
                st,
                en,
                s.text,
                s.norm,
                s.skeleton,
                _short_hash(s.norm),
                _short_hash(s.skeleton),
            )
            for s, (st, en) in zip(a.sentences, a.spans, strict=True)
        ],
    )
    ids = store.sentence_ids(db, vid)
    conn.executemany(
        "insert into figures (sentence, version, position, start, end, raw, value, value_end, "
        "kind, unit, issue, reason) values (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                ids[s.position],
                vid,
                k,
                f.start,
                f.end,
                f.raw,
                f.value,
                f.value_end,
                f.kind,
                f.unit,
                f.issue,
                f.reason,
            )
            for s in a.sentences
            for k, f in enumerate(s.figures)
        ],
    )
    store.index_sentences(db, vid)
    return vid


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _relink_lineage(
    db: Database, art: int, lang: str, known: dict[int, list[Sentence]] | None = None
) -> list[int]:
    """Set each version's parent in its lineage (same article and language) and
    make sure every parent -> child comparison exists; returns their ids."""
    # Plain tuples (id, seq, date, parent): this runs over the whole lineage at every ingest.
    rows = db.execute(
        "select id, seq, date, parent from versions where article = ? and lang = ? order by seq",
        [art, lang],
    ).fetchall()
    # Dates order the lineage only when every version has one; otherwise ingest order does.
    if all(r[2] for r in rows):
        rows.sort(key=lambda r: (r[2], r[1]))
    # The lineage's stored comparisons in one query: a look-up per version made every
    # ingest cost grow with the length of the history.
    stored = {
        (f, t): cid
        for f, t, cid in db.execute(
            "select c.from_version, c.to_version, c.id from versions v"
            " join comparisons c on c.from_version = v.id where v.article = ? and v.lang = ?",
            [art, lang],
        )
    }
    out = []
    prev: int | None = None
    for vid, _, _, old_parent in rows:
        if old_parent != prev:
            db["versions"].update(vid, {"parent": prev})
        if prev is not None:
            cid = stored.get((prev, vid))
            out.append(cid if cid is not None else ensure_comparison(db, prev, vid, known))
        prev = vid
    return out


def ensure_comparison(
    db: Database, from_id: int, to_id: int, known: dict[int, list[Sentence]] | None = None
) -> int:
    """The id of the stored comparison of two versions, computing it if needed.

    ``known`` maps version ids to their sentences where the caller holds them already.
    """
    cid = store.find_comparison(db, from_id, to_id)
    if cid is not None:
        return cid
    a = store.version_by_id(db, from_id)
    b = store.version_by_id(db, to_id)
    relation = "revision" if a.lang == b.lang else "translation"
    if b.translation_of == a.id:
        relation = "translation"
    known = known or {}
    old = known.get(from_id) or store.load_sentences(db, from_id)
    new = known.get(to_id) or store.load_sentences(db, to_id)
    changes = compare_mod.compare(
        old,
        new,
        relation=relation,
        old_lang=a.lang,
        new_lang=b.lang,
    )
    return store.save_comparison(db, from_id, to_id, relation, changes)


# --- corpus folders -------------------------------------------------------------------------

_MANIFEST_KEYS = {"article", "title", "lang", "source", "license", "notes", "versions"}
_VERSION_KEYS = {"label", "file", "lang", "date", "source", "translation_of", "notes", "format"}


@dataclass(frozen=True)
class ManifestVersion:
    label: str
    path: Path
    lang: str
    date: str | None
    source: str | None
    translation_of: str | None
    notes: str | None
    fmt: str | None


@dataclass(frozen=True)
class Manifest:
    article: str
    title: str | None
    path: Path
    versions: list[ManifestVersion]


def read_folder(folder: str | Path) -> list[Manifest]:
    """Every manifest of a corpus folder, read and validated."""
    return [read_manifest(p) for p in find_manifests(Path(folder))]


def find_manifests(folder: Path) -> list[Path]:
    """The manifest of ``folder`` itself, else those of its immediate subfolders."""
    if not folder.is_dir():
        raise ManifestError(f"{folder}: not a folder")
    own = folder / MANIFEST
    if own.is_file():
        return [own]
    found = sorted(p / MANIFEST for p in folder.iterdir() if (p / MANIFEST).is_file())
    if not found:
        raise ManifestError(f"{folder}: no {MANIFEST} manifest in it or its subfolders")
    return found


def read_manifest(path: Path) -> Manifest:
    """Parse and validate a manifest completely before anything is written."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ManifestError(f"{path}: not valid YAML{where}") from e
    except UnicodeDecodeError as e:
        raise ManifestError(f"{path}: not UTF-8 text") from e
    if not isinstance(data, dict):
        raise ManifestError(f"{path}: expected a mapping with 'article' and 'versions'")
    unknown = sorted(set(data) - _MANIFEST_KEYS)
    if unknown:
        raise ManifestError(f"{path}: unknown key {unknown[0]!r}")
    article = data.get("article") or path.parent.name
    try:
        check_slug(str(article))
    except VariorumError as e:
        raise ManifestError(f"{path}: {e}") from e
    items = data.get("versions")
    if not isinstance(items, list) or not items:
        raise ManifestError(f"{path}: 'versions' must be a non-empty list")
    versions: list[ManifestVersion] = []
    labels: dict[str, ManifestVersion] = {}
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ManifestError(f"{path}: version {i} is not a mapping")
        unknown = sorted(set(item) - _VERSION_KEYS)
        if unknown:
            raise ManifestError(f"{path}: version {i}: unknown key {unknown[0]!r}")
        if not item.get("label") or not item.get("file"):
            raise ManifestError(f"{path}: version {i}: 'label' and 'file' are required")
        label = str(item["label"])
        try:
            check_label(label)
            lang = check_lang(str(item.get("lang") or data.get("lang") or "en"))
        except VariorumError as e:
            raise ManifestError(f"{path}: version {i}: {e}") from e
        if label in labels:
            raise ManifestError(f"{path}: label {label!r} appears twice")
        file = (path.parent / str(item["file"])).resolve()
        if not file.is_file():
            raise ManifestError(f"{path}: version {label!r}: file {item['file']!r} not found")
        date = item.get("date")
        mv = ManifestVersion(
            label,
            file,
            lang,
            str(date) if date is not None else None,
            item.get("source") or data.get("source"),
            str(item["translation_of"]) if item.get("translation_of") is not None else None,
            item.get("notes"),
            item.get("format"),
        )
        versions.append(mv)
        labels[label] = mv
    _check_translation_links(path, labels)
    return Manifest(str(article), data.get("title"), path, versions)


def _check_translation_links(path: Path, labels: dict[str, ManifestVersion]) -> None:
    for mv in labels.values():
        seen = [mv.label]
        cur = mv
        while cur.translation_of is not None:
            nxt = cur.translation_of
            if nxt in seen:
                cycle = " -> ".join([*seen, nxt])
                raise ManifestError(f"{path}: translation_of forms a cycle: {cycle}")
            if nxt not in labels:
                break  # may name a version already in the database; checked at ingest
            seen.append(nxt)
            cur = labels[nxt]
    order = list(labels)
    for mv in labels.values():
        if mv.translation_of in labels and order.index(mv.translation_of) > order.index(mv.label):
            raise ManifestError(
                f"{path}: {mv.label!r} is listed before its source {mv.translation_of!r}"
            )


@dataclass
class FolderResult:
    added: int = 0
    unchanged: int = 0
    failed: int = 0
    results: list[IngestResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return f"{self.added} added, {self.unchanged} unchanged, {self.failed} failed"


def _prepare(mv: ManifestVersion) -> tuple[str, str, Analysed]:
    """Read, decode, extract and analyse one manifest version (runs in a worker)."""
    data, name = read_source(mv.path)
    text, fmt = source_text(data, name, mv.fmt)
    return text, fmt, analyse(text, mv.lang)


def ingest_folder(
    db: Database,
    folder: str | Path,
    *,
    progress: Callable[[str], None] | None = None,
    workers: int = 1,
    manifests: list[Manifest] | None = None,
) -> FolderResult:
    """Ingest every version listed in the folder's manifest(s), one transaction each.

    All manifests are read and validated first; a malformed one stops the run
    before anything is written. A version that fails later (undecodable file,
    conflict with the database) is counted as failed and the rest go on.
    With ``workers > 1`` the text analysis runs in that many processes while this
    process alone writes, in manifest order, so the result is the same.
    """
    if manifests is None:
        manifests = read_folder(folder)
    jobs = [(m, mv) for m in manifests for mv in m.versions]
    result = FolderResult()
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 and len(jobs) > 1 else None
    try:
        futures = [pool.submit(_prepare, mv) for _, mv in jobs] if pool else None
        for k, (m, mv) in enumerate(jobs):
            try:
                text, fmt, analysed = futures[k].result() if futures else _prepare(mv)
                r = ingest_text(
                    db,
                    text,
                    article=m.article,
                    lang=mv.lang,
                    label=mv.label,
                    translation_of=mv.translation_of,
                    date=mv.date,
                    source=mv.source,
                    fmt=fmt,
                    notes=mv.notes,
                    title=m.title,
                    analysed=analysed,
                )
            except VariorumError as e:
                result.failed += 1
                result.errors.append(f"{m.article}/{mv.label}: {e}")
            else:
                result.results.append(r)
                if r.status == "added":
                    result.added += 1
                else:
                    result.unchanged += 1
            if progress:
                progress(f"{m.article}/{mv.label}")
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    return result


def count_versions(manifests: list[Manifest]) -> int:
    return sum(len(m.versions) for m in manifests)


__all__ = [
    "Analysed",
    "FolderResult",
    "IngestResult",
    "analyse",
    "ensure_comparison",
    "ingest_folder",
    "ingest_text",
    "read_manifest",
    "read_source",
    "source_text",
]
