#!/usr/bin/env python
"""Speed, memory and storage benchmarks of variorum against peers, in one run.

    python benchmarks/run.py [--quick] [--eval-data PATH] [--out results.json]

Prints a table and writes a JSON file (default benchmarks/results/results.json). Every
figure of ours stands next to a baseline measured in the same run, as a ratio. See
benchmarks/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import difflib
import importlib
import inspect
import io
import json
import os
import pkgutil
import platform
import pstats
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402

import variorum  # noqa: E402
from variorum import compare as compare_mod  # noqa: E402
from variorum import ingest, report, store  # noqa: E402

PY = sys.executable
SLOW = 5.0  # seconds: a peer this slow on a pair is not repeated
LANG = "en"

# Targets from the issue, as (key, description, limit).
TARGETS = {
    "lib_7k": "7 KB version ingested+compared through the library: median < 50 ms",
    "lib_700k": "700 KB version ingested+compared through the library: median < 2 s",
    "history": "cost of the 1,000th version within 1.2x of the 10th",
    "vs_git": "end-to-end word-level diff of a pair <= 2x git diff --word-diff",
    "memory": "peak Python allocation of one version's ingest+compare < 10x its text size",
}


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


# --- stage instrumentation --------------------------------------------------------------------


class Stages:
    """Something that is told when a stage starts and ends."""

    def enter(self, stage: str) -> None:
        raise NotImplementedError

    def leave(self) -> None:
        raise NotImplementedError

    @contextmanager
    def section(self, stage: str) -> Iterator[None]:
        self.enter(stage)
        try:
            yield
        finally:
            self.leave()


class StageTimer(Stages):
    """Exclusive time per stage: time spent in a nested stage is charged to it alone."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.stack: list[list[Any]] = []

    def enter(self, stage: str) -> None:
        now = time.perf_counter()
        if self.stack:
            top = self.stack[-1]
            self.totals[top[0]] += now - top[1]
        self.stack.append([stage, now])

    def leave(self) -> None:
        now = time.perf_counter()
        stage, t0 = self.stack.pop()
        self.totals[stage] += now - t0
        if self.stack:
            self.stack[-1][1] = now

    def take(self) -> dict[str, float]:
        out = dict(self.totals)
        self.totals.clear()
        return out


# Which functions make up each stage: (stage, module, names or None for every other public
# function defined in that module). Modules that do not exist (yet) are skipped; functions
# of modules not listed are charged to the stage that calls them.
STAGES: list[tuple[str, str, list[str] | None]] = [
    ("decode", "variorum.decode", None),
    ("decode", "variorum.extract", None),
    ("segment", "variorum.segment", None),
    ("normalize", "variorum.normalize", None),
    ("figures", "variorum.figures", None),
    ("store:version", "variorum.ingest", ["_insert_version"]),
    ("store:version", "variorum.store", ["index_sentences", "sentence_ids"]),
    ("store:load", "variorum.store", ["load_sentences", "version_by_id"]),
    ("store:comparison", "variorum.store", ["save_comparison"]),
    ("store:commit", "variorum.store", ["write_transaction"]),
    (
        "store:lookup",
        "variorum.ingest",
        ["_relink_lineage", "_article_id", "_default_lang", "_free_label"],
    ),
    ("store:lookup", "variorum.store", None),
    ("align", "variorum.align", None),
    ("align", "variorum.crossalign", ["align_translation"]),
    # Only the word diff itself: align calls diff's tokenizer and sequence diff for its own
    # similarity, and that time is alignment.
    ("diff", "variorum.diff", ["word_diff"]),
    ("compare", "variorum.compare", ["compare"]),
]
STAGE_ORDER = tuple(dict.fromkeys(st for st, _, _ in STAGES))
_WRITE_TRANSACTION = store.write_transaction
_NOT_WRAPPED = {"open_db", "close_db", "db_error", "dumps"}


def _variorum_modules() -> list[Any]:
    mods = []
    for info in pkgutil.iter_modules(variorum.__path__):
        if info.name in {"__main__", "serve", "docs", "datasette_plugin"}:
            continue
        try:
            mods.append(importlib.import_module(f"variorum.{info.name}"))
        except Exception:  # a module that needs an optional dependency: not in the pipeline
            continue
    return mods


class Instrument:
    """Wrap the pipeline's functions with stage timers (and undo it), without editing them."""

    def __init__(self, timer: StageTimer) -> None:
        self.timer = timer
        self.patched: list[tuple[Any, str, Any]] = []
        self.wrapped: dict[str, list[str]] = defaultdict(list)

    def _wrapper(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        timer = self.timer
        if fn is _WRITE_TRANSACTION:

            @contextmanager
            def timed_cm(*a: Any, **k: Any) -> Iterator[Any]:
                cm = fn(*a, **k)
                with timer.section(stage):
                    value = cm.__enter__()
                try:
                    yield value
                except BaseException:
                    with timer.section(stage):
                        if not cm.__exit__(*sys.exc_info()):
                            raise
                else:
                    with timer.section(stage):
                        cm.__exit__(None, None, None)

            return timed_cm

        def wrapper(*a: Any, **k: Any) -> Any:
            timer.enter(stage)
            try:
                return fn(*a, **k)
            finally:
                timer.leave()

        wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
        return wrapper

    def install(self) -> None:
        mods = _variorum_modules()
        replace: dict[int, Callable[..., Any]] = {}
        named = {(m, n) for _, m, names in STAGES if names for n in names}
        for stage, modname, names in STAGES:
            mod = sys.modules.get(modname)
            if mod is None:
                continue
            for name, obj in vars(mod).items():
                if not inspect.isfunction(obj) or obj.__module__ != modname:
                    continue
                if names is None and (
                    name.startswith("_") or name in _NOT_WRAPPED or (modname, name) in named
                ):
                    continue
                if names is not None and name not in names:
                    continue
                replace[id(obj)] = self._wrapper(stage, obj)
                self.wrapped[stage].append(f"{modname}.{name}")
        # Rebind every reference, including `from x import f` copies in other modules.
        for mod in mods:
            for name, obj in list(vars(mod).items()):
                if inspect.isfunction(obj) and id(obj) in replace:
                    self.patched.append((mod, name, obj))
                    setattr(mod, name, replace[id(obj)])

    def uninstall(self) -> None:
        for mod, name, obj in reversed(self.patched):
            setattr(mod, name, obj)
        self.patched.clear()


# --- helpers ----------------------------------------------------------------------------------


def env_with_src() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    env.pop("VARIORUM_DB", None)
    return env


def timed_run(cmd: list[str], *, ok: tuple[int, ...] = (0,), **kw: Any) -> float:
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, **kw)
    t = time.perf_counter() - t0
    if p.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd[:6])}... exited {p.returncode}: {p.stderr[-500:]!r}")
    return t


def git_word_diff(old: Path, new: Path) -> float:
    return timed_run(
        ["git", "diff", "--no-index", "--no-color", "--no-ext-diff", "--word-diff=plain"]
        + [str(old), str(new)],
        ok=(0, 1),
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": tempfile.gettempdir()},
    )


def ingest_version(db: Any, data: bytes, article: str, label: str) -> Any:
    """The library path of one version: bytes -> text -> ingest (stores and compares)."""
    text, fmt = ingest.source_text(data, f"{label}.txt")
    return ingest.ingest_text(db, text, article=article, lang=LANG, label=label, fmt=fmt)


def mb(n: float) -> float:
    return n / 1_000_000


@dataclass
class Results:
    rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    targets: dict[str, dict[str, Any]] = field(default_factory=dict)

    def row(
        self,
        section: str,
        inp: str,
        measure: str,
        ours: float,
        unit: str,
        baseline: str,
        base: float | None,
    ) -> dict[str, Any]:
        ratio = ours / base if base else None
        r = {
            "section": section,
            "input": inp,
            "measure": measure,
            "ours": ours,
            "unit": unit,
            "baseline": baseline,
            "baseline_value": base,
            "ratio": ratio,
        }
        self.rows.append(r)
        return r

    def note(self, text: str) -> None:
        print(f"note: {text}", flush=True)
        self.notes.append(text)

    def target(self, key: str, value: float, limit: float, unit: str, where: str) -> None:
        self.targets[key] = {
            "target": TARGETS[key],
            "value": value,
            "limit": limit,
            "unit": unit,
            "where": where,
            "met": bool(value < limit) if key != "vs_git" else bool(value <= limit),
        }


# --- inputs -----------------------------------------------------------------------------------


@dataclass
class Pair:
    group: str
    name: str
    old: bytes
    new: bytes


def wiki_articles(eval_data: Path, limit: int | None) -> list[tuple[str, list[Path]]]:
    root = eval_data / "wiki-revisions" / "version_documents"
    out = []
    for d in sorted(p for p in root.iterdir() if p.is_dir()):
        files = sorted(d.glob("*.txt"), key=lambda p: int(p.stem))
        if len(files) >= 2:
            out.append((d.name, files))
    return out[:limit] if limit else out


def slugify(title: str) -> str:
    s = "".join(c if c.isascii() and c.isalnum() else "-" for c in title.lower())
    return "-".join(filter(None, s.split("-")))[:60] or "article"


def write_manifest(folder: Path, article: str, files: list[Path]) -> None:
    lines = [f"article: {article}", "lang: en", "versions:"]
    for k, f in enumerate(files, 1):
        lines += [f"  - label: v{k}", f"    file: {json.dumps(str(f))}"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ingest.MANIFEST).write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- measurements -----------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace, res: Results, tmp: Path) -> None:
        self.args = args
        self.res = res
        self.tmp = tmp
        self.difflib_by_group: dict[str, float] = {}
        self._pending_baseline: list[tuple[dict[str, Any], str]] = []
        self.pairs: list[Pair] = []

    # ---- library: generated long histories

    def history_run(self, label: str, size: int, versions: int, pool: list[str]) -> list[bytes]:
        """Ingest a generated history through the library; returns its first texts."""
        args, res = self.args, self.res
        print(f"[library] {label}: {versions} versions ...", flush=True)
        h = generate.History(pool, size, args.seed)
        first: list[bytes] = []
        stage_n = args.stage_versions if size < 500_000 else min(args.stage_versions, 3)
        keep = max(args.pairs + 12, stage_n + 2, args.cli_versions, 2)
        dbp = self.tmp / f"hist-{label}.db"
        db = store.open_db(dbp)
        times: list[float] = []
        sizes: list[int] = []
        for k in range(1, versions + 1):
            if k > 1:
                h.step()
            data = h.text().encode("utf-8")
            if k <= keep:
                first.append(data)
            t0 = time.perf_counter()
            ingest_version(db, data, "hist", f"v{k}")
            times.append(time.perf_counter() - t0)
            sizes.append(len(data))
        # Stage shares at the end of the history, on versions that follow it.
        late = self.stage_pass(db, h, "hist", versions, stage_n)
        store.close_db(db)
        total_text = sum(sizes)
        db_bytes = dbp.stat().st_size
        floor_bytes, floor_time = self.floor_db(dbp)
        per = times[1:]  # version 1 has nothing to compare with
        med = median(per)
        res.details.setdefault("histories", {})[label] = {
            "size": size,
            "versions": versions,
            "per_version_s": times,
            "bytes": sizes,
            "stages_late": late,
        }
        # Peers on pairs of this history (v10->v11 ... or the first pairs when shorter).
        n_pairs = args.pairs if size < 500_000 else min(args.pairs, 3)
        start = min(9, max(0, len(first) - 1 - n_pairs))
        for j in range(start, min(start + n_pairs, len(first) - 1)):
            self.pairs.append(Pair(label, f"v{j + 1}->v{j + 2}", first[j], first[j + 1]))
        early = self.early_stage_pass(label, first[: stage_n + 1])
        text_mb = mb(sum(sizes[1:]))
        self._history_rows(label, size, versions, per, sizes, med, text_mb, early, late)
        res.row(
            "storage",
            label,
            "database bytes per byte of text",
            db_bytes / total_text,
            "x",
            "plain sqlite3 sentence rows",
            floor_bytes / total_text,
        )
        res.details["histories"][label]["db_bytes"] = db_bytes
        res.details["histories"][label]["floor_db_bytes"] = floor_bytes
        res.details["histories"][label]["floor_bulk_write_s"] = floor_time
        return first

    def _history_rows(
        self,
        label: str,
        size: int,
        versions: int,
        per: list[float],
        sizes: list[int],
        med: float,
        text_mb: float,
        early: dict[str, Any],
        late: dict[str, Any],
    ) -> None:
        res = self.res
        n = len(per)
        res.row(
            "library",
            label,
            "ingest+compare per version (median)",
            med * 1000,
            "ms",
            "difflib words, same pair",
            None,
        )
        res.rows[-1]["versions_s"] = 1 / med if med else None
        res.rows[-1]["mb_s"] = text_mb / sum(per) if per else None
        self._pending_baseline.append((res.rows[-1], label))
        if size <= 10_000:
            res.target("lib_7k", med * 1000, 50, "ms", label)
        elif size >= 500_000:
            res.target("lib_700k", med, 2, "s", label)
        # Versions are 1-based; per[i] is version i + 2.
        if n >= 12:
            w = 5
            v10 = per[max(0, 8 - w) : 8 + w + 1]  # versions 5..15
            last = per[-(2 * w + 1) :]
            ratio = median(last) / median(v10)
            res.row(
                "history",
                label,
                f"v{versions} cost / v10 cost (medians of 11-version windows)",
                median(last) * 1000,
                "ms",
                "v10 (same run)",
                median(v10) * 1000,
            )
            if versions >= 1000:
                worst = res.targets.get("history")
                if worst is None or ratio > worst["value"]:
                    res.target("history", ratio, 1.2, "x", label)
            else:
                res.note(
                    f"{label}: {versions} versions only, so the history ratio is v{versions}/v10, "
                    "not v1000/v10"
                )
                if "history" not in res.targets and versions >= 100:
                    res.target("history", ratio, 1.2, "x", f"{label} (v{versions})")
        if early.get("stages"):
            res.details.setdefault("stages", {})[label] = {"early": early, "late": late}
            store_ms = median(early["store_ms"])
            floor_ms = median(early["floor_ms"])
            res.row(
                "storage",
                label,
                "store stage per version (median)",
                store_ms,
                "ms",
                "sqlite3.executemany of its sentence rows",
                floor_ms,
            )

    def stage_pass(self, db: Any, h: generate.History, article: str, after: int, n: int) -> dict:
        """Ingest ``n`` further versions with stage timers on; returns the stage totals."""
        timer = StageTimer()
        inst = Instrument(timer)
        inst.install()
        totals: dict[str, float] = defaultdict(float)
        wall = 0.0
        try:
            for k in range(after + 1, after + n + 1):
                h.step()
                data = h.text().encode("utf-8")
                timer.take()
                t0 = time.perf_counter()
                with timer.section("other"):
                    ingest_version(db, data, article, f"v{k}")
                wall += time.perf_counter() - t0
                for s, t in timer.take().items():
                    totals[s] += t
        finally:
            inst.uninstall()
        self.res.details["instrumented"] = dict(inst.wrapped)
        return {"versions": n, "after": after, "wall_s": wall, "stages": dict(totals)}

    def early_stage_pass(self, label: str, first: list[bytes]) -> dict[str, Any]:
        """Stage totals over versions 2..n in a fresh database, with the storage floor."""
        n = min(len(first), self.args.stage_versions + 1)
        if n < 2:
            return {}
        timer = StageTimer()
        inst = Instrument(timer)
        dbp = self.tmp / f"stages-{label}.db"
        floorp = self.tmp / f"floor-{label}.db"
        db = store.open_db(dbp)
        floor = sqlite3.connect(floorp, isolation_level=None)
        floor.execute(
            "create table sentences (version int, position int, paragraph int, start int, "
            "end int, text text, norm text, skeleton text)"
        )
        totals: dict[str, float] = defaultdict(float)
        store_ms: list[float] = []
        floor_ms: list[float] = []
        wall = 0.0
        inst.install()
        try:
            for k in range(1, n + 1):
                timer.take()
                t0 = time.perf_counter()
                with timer.section("other"):
                    r = ingest_version(db, first[k - 1], "hist", f"v{k}")
                dt_ = time.perf_counter() - t0
                st = timer.take()
                rows = db.execute(
                    "select version, position, paragraph, start, end, text, norm, skeleton "
                    "from sentences where version = ? order by position",
                    [r.version_id],
                ).fetchall()
                t1 = time.perf_counter()
                floor.execute("begin")
                floor.executemany("insert into sentences values (?,?,?,?,?,?,?,?)", rows)
                floor.execute("commit")
                f_ms = (time.perf_counter() - t1) * 1000
                if k == 1:
                    continue
                wall += dt_
                for s, t in st.items():
                    totals[s] += t
                store_ms.append(sum(t for s, t in st.items() if s.startswith("store")) * 1000)
                floor_ms.append(f_ms)
        finally:
            inst.uninstall()
            store.close_db(db)
            floor.close()
        return {
            "versions": n - 1,
            "wall_s": wall,
            "stages": dict(totals),
            "store_ms": store_ms,
            "floor_ms": floor_ms,
        }

    def floor_db(self, dbp: Path) -> tuple[int, float]:
        """Size of a plain SQLite file holding the same sentence rows, and its write time."""
        src = sqlite3.connect(dbp)
        rows = src.execute(
            "select version, position, paragraph, start, end, text, norm, skeleton from sentences"
        ).fetchall()
        src.close()
        fp = dbp.with_suffix(".floor.db")
        con = sqlite3.connect(fp, isolation_level=None)
        con.execute(
            "create table sentences (version int, position int, paragraph int, start int, "
            "end int, text text, norm text, skeleton text)"
        )
        t0 = time.perf_counter()
        con.execute("begin")
        con.executemany("insert into sentences values (?,?,?,?,?,?,?,?)", rows)
        con.execute("commit")
        t = time.perf_counter() - t0
        con.close()
        size = fp.stat().st_size
        fp.unlink()
        return size, t

    # ---- library + CLI: real revisions and the bundled corpus

    def wiki_library(self, articles: list[tuple[str, list[Path]]]) -> None:
        print(f"[library] wiki-revisions: {len(articles)} articles ...", flush=True)
        dbp = self.tmp / "wiki.db"
        db = store.open_db(dbp)
        per: list[float] = []
        nbytes = 0
        total = 0
        for title, files in articles:
            slug = slugify(title)
            for k, f in enumerate(files, 1):
                data = f.read_bytes()
                total += len(data)
                t0 = time.perf_counter()
                ingest_version(db, data, slug, f"v{k}")
                t = time.perf_counter() - t0
                if k > 1:
                    per.append(t)
                    nbytes += len(data)
        store.close_db(db)
        med = median(per)
        self.res.row(
            "library",
            "wiki-revisions",
            "ingest+compare per version (median)",
            med * 1000,
            "ms",
            "difflib words, same pair",
            None,
        )
        self.res.rows[-1]["versions_s"] = len(per) / sum(per)
        self.res.rows[-1]["mb_s"] = mb(nbytes) / sum(per)
        self._pending_baseline.append((self.res.rows[-1], "wiki-revisions"))
        floor_bytes, _ = self.floor_db(dbp)
        self.res.row(
            "storage",
            "wiki-revisions",
            "database bytes per byte of text",
            dbp.stat().st_size / total,
            "x",
            "plain sqlite3 sentence rows",
            floor_bytes / total,
        )
        pairs = [
            (title, k, files[k - 1], files[k])
            for title, files in articles
            for k in range(1, len(files))
        ]
        step = max(1, len(pairs) // self.args.wiki_pairs)
        for title, k, a, b in pairs[::step][: self.args.wiki_pairs]:
            self.pairs.append(
                Pair("wiki-revisions", f"{title} v{k}->v{k + 1}", a.read_bytes(), b.read_bytes())
            )

    def corpus_inputs(self, corpus: Path) -> list[tuple[str, Pair]]:
        try:
            manifests = [ingest.read_manifest(p) for p in ingest.find_manifests(corpus)]
        except Exception as e:
            self.res.note(f"corpus {corpus}: not usable ({e}); skipped")
            return []
        out = []
        for m in manifests:
            by_lang: dict[str, list[Any]] = defaultdict(list)
            for mv in m.versions:
                by_lang[mv.lang].append(mv)
            for vs in by_lang.values():
                for a, b in zip(vs, vs[1:], strict=False):
                    out.append(
                        (
                            a.lang,
                            Pair(
                                "corpus",
                                f"{m.article} {a.label}->{b.label}",
                                a.path.read_bytes(),
                                b.path.read_bytes(),
                            ),
                        )
                    )
        return out

    def corpus_library(self, corpus: Path) -> None:
        print(f"[library] corpus {corpus} ...", flush=True)
        dbp = self.tmp / "corpus-lib.db"
        db = store.open_db(dbp)
        stamps: list[float] = [time.perf_counter()]
        result = ingest.ingest_folder(
            db, corpus, progress=lambda _: stamps.append(time.perf_counter())
        )
        store.close_db(db)
        per = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
        if result.failed:
            self.res.note(f"corpus: {result.failed} version(s) failed: {result.errors[:3]}")
        self.res.row(
            "library",
            "corpus",
            "ingest_folder per version (median)",
            median(per) * 1000,
            "ms",
            "difflib words, same pair",
            None,
        )
        self.res.rows[-1]["versions_s"] = len(per) / sum(per) if per else None
        self._pending_baseline.append((self.res.rows[-1], "corpus"))
        for lang, p in self.corpus_inputs(corpus):
            if lang == LANG:
                self.pairs.append(p)

    # ---- CLI

    def cli_per_version(self, label: str, texts: list[bytes], article: str = "hist") -> None:
        folder = self.tmp / f"cli-{label}"
        folder.mkdir(exist_ok=True)
        files = []
        for k, data in enumerate(texts, 1):
            f = folder / f"{k:04d}.txt"
            f.write_bytes(data)
            files.append(f)
        dbp = folder / "cli.db"
        env = env_with_src()
        ours, git = [], []
        for k, f in enumerate(files, 1):
            cmd = [PY, "-m", "variorum", "--db", str(dbp), "ingest", str(f)]
            t = timed_run(cmd + ["--article", article, "--label", f"v{k}"], env=env)
            if k > 1:
                ours.append(t)
                git.append(git_word_diff(files[k - 2], f))
        self.res.row(
            "cli",
            label,
            "`variorum ingest FILE` subprocess per version (median)",
            median(ours) * 1000,
            "ms",
            "git diff --no-index --word-diff subprocess",
            median(git) * 1000,
        )
        nbytes = sum(len(t) for t in texts[1:])
        self.res.rows[-1]["versions_s"] = len(ours) / sum(ours)
        self.res.rows[-1]["mb_s"] = mb(nbytes) / sum(ours)
        self.cli_diff_latency(label, dbp, files, env)
        self.folder_ingest(label, folder, files, env)

    def cli_diff_latency(self, label: str, dbp: Path, files: list[Path], env: dict) -> None:
        """`variorum diff` on a stored pair (v1->v2) and an on-demand pair (v2->v1)."""
        r = self.args.repeats
        stored, demand, git = [], [], []
        base = [PY, "-m", "variorum", "--db"]
        for _ in range(r):
            copy = dbp.with_suffix(".copy.db")
            shutil.copyfile(dbp, copy)
            stored.append(
                timed_run(base + [str(copy), "diff", "hist", "v1", "v2", "--json"], env=env)
            )
            demand.append(
                timed_run(base + [str(copy), "diff", "hist", "v2", "v1", "--json"], env=env)
            )
            git.append(git_word_diff(files[0], files[1]))
            copy.unlink()
        g = median(git) * 1000
        lib_stored, lib_demand = self.library_diff_latency(dbp)
        for name, xs in (
            ("library report.diff_document, stored pair", lib_stored),
            ("library ensure_comparison + diff_document, on demand", lib_demand),
        ):
            self.res.row(
                "diff",
                label,
                f"{name} (median of {r})",
                median(xs) * 1000,
                "ms",
                "git diff --no-index --word-diff subprocess",
                g,
            )
        for name, xs in (("stored pair", stored), ("pair computed on demand", demand)):
            self.res.row(
                "diff",
                label,
                f"`variorum diff --json`, {name} (median of {r})",
                median(xs) * 1000,
                "ms",
                "git diff --no-index --word-diff subprocess",
                g,
            )

    def library_diff_latency(self, dbp: Path) -> tuple[list[float], list[float]]:
        stored, demand = [], []
        for _ in range(self.args.repeats):
            copy = dbp.with_suffix(".lib.db")
            shutil.copyfile(dbp, copy)
            db = store.open_db(copy)
            v1, v2 = store.get_version(db, "hist", "v1"), store.get_version(db, "hist", "v2")
            t0 = time.perf_counter()
            report.diff_document(db, store.find_comparison(db, v1.id, v2.id))
            t1 = time.perf_counter()
            with store.write_transaction(db):
                cid = ingest.ensure_comparison(db, v2.id, v1.id)
            report.diff_document(db, cid)
            t2 = time.perf_counter()
            store.close_db(db)
            copy.unlink()
            stored.append(t1 - t0)
            demand.append(t2 - t1)
        return stored, demand

    def folder_ingest(self, label: str, folder: Path, files: list[Path], env: dict) -> None:
        mf = self.tmp / f"folder-{label}"
        write_manifest(mf, "hist", files)
        self._folder_rows(label, mf, len(files), sum(f.stat().st_size for f in files), env)

    def _folder_rows(self, label: str, mf: Path, n: int, nbytes: int, env: dict) -> None:
        out: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(self.args.folder_repeats):
            for w in (1, 2):
                dbp = self.tmp / f"folder-{label}-{w}.db"
                dbp.unlink(missing_ok=True)
                cmd = [PY, "-m", "variorum", "--db", str(dbp), "ingest", str(mf), "--quiet"]
                out[w].append(timed_run(cmd + ["--workers", str(w)], env=env))
                dbp.unlink()
        w1, w2 = median(out[1]), median(out[2])
        self.res.row(
            "cli",
            label,
            f"`variorum ingest FOLDER --workers 2`, {n} versions (s)",
            w2,
            "s",
            "--workers 1",
            w1,
        )
        self.res.rows[-1]["versions_s"] = n / w2
        self.res.rows[-1]["mb_s"] = mb(nbytes) / w2
        self.res.rows[-1]["workers1_versions_s"] = n / w1

    def wiki_cli(self, articles: list[tuple[str, list[Path]]]) -> None:
        root = self.tmp / "wiki-folder"
        n = nbytes = 0
        for title, files in articles:
            write_manifest(root / slugify(title), slugify(title), files)
            n += len(files)
            nbytes += sum(f.stat().st_size for f in files)
        self._folder_rows("wiki-revisions", root, n, nbytes, env_with_src())
        k = self.args.wiki_cli_articles
        print(f"[cli] wiki-revisions: subprocess per version for {k} article(s) ...", flush=True)
        ours, git = [], []
        env = env_with_src()
        for title, files in articles[:k]:
            dbp = self.tmp / f"wiki-cli-{slugify(title)}.db"
            for i, f in enumerate(files, 1):
                cmd = [PY, "-m", "variorum", "--db", str(dbp), "ingest", str(f)]
                t = timed_run(cmd + ["--article", slugify(title), "--label", f"v{i}"], env=env)
                if i > 1:
                    ours.append(t)
                    git.append(git_word_diff(files[i - 2], f))
        self.res.row(
            "cli",
            "wiki-revisions",
            f"`variorum ingest FILE` subprocess per version, {k} articles (median)",
            median(ours) * 1000,
            "ms",
            "git diff --no-index --word-diff subprocess",
            median(git) * 1000,
        )

    def cli_startup(self) -> None:
        env = env_with_src()
        r = self.args.repeats
        ours = [timed_run([PY, "-m", "variorum", "--version"], env=env) for _ in range(r)]
        py = [timed_run([PY, "-c", "pass"]) for _ in range(r)]
        p = subprocess.run(
            [PY, "-X", "importtime", "-m", "variorum", "--version"],
            capture_output=True,
            text=True,
            env=env,
        )
        imports = []
        for line in p.stderr.splitlines():
            parts = line.split("|")
            if len(parts) == 3 and parts[1].strip().isdigit():
                name = parts[2].rstrip()
                depth = len(name) - len(name.lstrip())
                imports.append((int(parts[1]), depth, name.strip()))
        # Modules imported by the package itself or right under it: where start-up goes.
        near = sorted((m for m in imports if m[1] <= 5), key=lambda m: -m[0])
        self.res.details["cli_imports_us"] = [
            {"module": name, "cumulative_us": us} for us, _, name in near[:12]
        ]
        self.res.row(
            "cli",
            "-",
            "start-up: `python -m variorum --version`",
            median(ours) * 1000,
            "ms",
            "python -c pass",
            median(py) * 1000,
        )

    # ---- peers on the same pairs

    def peers(self) -> None:
        """Each tool on the same pairs; the repeats interleave the tools, so that load from
        other processes falls on all of them alike. Ratios are medians of per-pair ratios."""
        args, res = self.args, self.res
        have_wdiff = shutil.which("wdiff") is not None
        if not have_wdiff:
            res.note("wdiff is not installed (apt-get install wdiff): peer skipped")
        have_collatex = importlib.util.find_spec("collatex") is not None
        if not have_collatex:
            res.note("collatex is not installed (pip install collatex Levenshtein): peer skipped")
        pdir = self.tmp / "pairs"
        pdir.mkdir(exist_ok=True)
        measured: list[dict[str, Any]] = []
        slow_difflib: set[str] = set()
        for i, p in enumerate(self.pairs):
            if i == 0 or p.group != self.pairs[i - 1].group:
                n = sum(q.group == p.group for q in self.pairs)
                print(f"[peers] {p.group}: {n} pairs ...", flush=True)
            a, b = pdir / f"{i}-old.txt", pdir / f"{i}-new.txt"
            a.write_bytes(p.old)
            b.write_bytes(p.new)
            runs: dict[str, list[float]] = defaultdict(list)
            for r in range(args.repeats):
                runs["ours"].append(ours_pair(p.old, p.new))
                runs["git"].append(git_word_diff(a, b))
                if have_wdiff:
                    runs["wdiff"].append(timed_run(["wdiff", str(a), str(b)], ok=(0, 1)))
                # difflib is quadratic: over SLOW seconds it runs once, on one pair per group.
                if p.group not in slow_difflib and (r == 0 or runs["difflib"][0] < SLOW):
                    runs["difflib"].append(difflib_words(p.old, p.new))
            if runs["difflib"] and runs["difflib"][0] >= SLOW:
                slow_difflib.add(p.group)
            m = {k: median(v) for k, v in runs.items() if v}
            m["ours_compare_only"] = ours_compare_only(p.old, p.new, args.repeats)
            measured.append({"group": p.group, "pair": p.name, "bytes": len(p.new), **m})
        # CollateX from the smallest pair up; a pair over the cap rules out larger ones.
        dnf_at: int | None = None
        if have_collatex:
            print("[peers] collatex ...", flush=True)
            spent = 0.0
            for i in sorted(range(len(self.pairs)), key=lambda i: measured[i]["bytes"]):
                m = measured[i]
                if (dnf_at is not None and m["bytes"] >= dnf_at) or spent > args.collatex_budget:
                    m["collatex"] = None
                    continue
                t0 = time.perf_counter()
                c = collatex_pair(pdir / f"{i}-old.txt", pdir / f"{i}-new.txt", args.collatex_cap)
                spent += time.perf_counter() - t0
                m["collatex"] = c
                if c is None:
                    dnf_at = m["bytes"]
            if spent > args.collatex_budget:
                res.note(
                    f"CollateX: stopped after {spent:.0f} s in all (budget "
                    f"{args.collatex_budget:g} s); pairs not run count as did not finish"
                )
        res.details["pairs"] = measured
        labels = {
            "git": "git diff --no-index --word-diff",
            "wdiff": "GNU wdiff",
            "difflib": "difflib SequenceMatcher, words, autojunk off",
            "collatex": "CollateX (Python)",
        }
        self.difflib_by_group: dict[str, float] = {}
        for group in dict.fromkeys(p.group for p in self.pairs):
            ms = [m for m in measured if m["group"] == group]
            kb = median([m["bytes"] for m in ms]) / 1000
            ours = median([m["ours"] for m in ms]) * 1000
            self.difflib_by_group[group] = median([m["difflib"] for m in ms if m.get("difflib")])
            for peer, label in labels.items():
                ok = [m for m in ms if m.get(peer)]
                what = f"word diff of a pair, text in, changes out ({len(ms)} pairs ~{kb:.0f} KB)"
                if peer == "collatex" and have_collatex and len(ok) < len(ms):
                    res.row(
                        "peers",
                        group,
                        what,
                        ours,
                        "ms",
                        f"CollateX: did not finish within {args.collatex_cap:g} s (or not run) on "
                        f"{len(ms) - len(ok)} of {len(ms)} pairs",
                        None,
                    )
                    if not ok:
                        continue
                if not ok:
                    continue
                ratio = median([m["ours"] / m[peer] for m in ok])
                r = res.row(
                    "peers",
                    group,
                    what,
                    median([m["ours"] for m in ok]) * 1000,
                    "ms",
                    label + (f" ({len(ok)} pairs that finished)" if len(ok) < len(ms) else ""),
                    median([m[peer] for m in ok]) * 1000,
                )
                r["ratio"] = ratio  # median of per-pair ratios
                if peer == "git":
                    worst = res.targets.get("vs_git")
                    if worst is None or ratio > worst["value"]:
                        res.target("vs_git", ratio, 2, "x", group)
                    # The same pairs once both texts are analysed (as at ingest, where the
                    # older version is already stored): align, word diff and classify only.
                    r = res.row(
                        "peers",
                        group,
                        f"compare only: two analysed versions in, changes out ({len(ms)} pairs)",
                        median([m["ours_compare_only"] for m in ms]) * 1000,
                        "ms",
                        label,
                        median([m["git"] for m in ms]) * 1000,
                    )
                    r["ratio"] = median([m["ours_compare_only"] / m["git"] for m in ms])

    def fill_baselines(self) -> None:
        for row, group in self._pending_baseline:
            d = self.difflib_by_group.get(group)
            if d is not None:
                row["baseline_value"] = d * 1000
                row["ratio"] = row["ours"] / (d * 1000)
            else:
                row["baseline"] = "(no pairs)"


def ours_pair(old: bytes, new: bytes) -> float:
    """Our end-to-end word-level diff of two texts, in process: decode, analyse, compare."""
    t0 = time.perf_counter()
    ta, _ = ingest.source_text(old, "old.txt")
    tb, _ = ingest.source_text(new, "new.txt")
    a = ingest.analyse(ta, LANG)
    b = ingest.analyse(tb, LANG)
    compare_mod.compare(a.sentences, b.sentences, relation="revision", old_lang=LANG, new_lang=LANG)
    return time.perf_counter() - t0


def ours_compare_only(old: bytes, new: bytes, repeats: int) -> float:
    a = ingest.analyse(old.decode("utf-8"), LANG)
    b = ingest.analyse(new.decode("utf-8"), LANG)
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        compare_mod.compare(
            a.sentences, b.sentences, relation="revision", old_lang=LANG, new_lang=LANG
        )
        ts.append(time.perf_counter() - t0)
    return median(ts)


def difflib_words(old: bytes, new: bytes) -> float:
    t0 = time.perf_counter()
    a = old.decode("utf-8").split()
    b = new.decode("utf-8").split()
    difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return time.perf_counter() - t0


_COLLATEX = """
import sys, time
from collatex import Collation, collate
a = open(sys.argv[1], encoding="utf-8").read()
b = open(sys.argv[2], encoding="utf-8").read()
c = Collation()
c.add_plain_witness("old", a)
c.add_plain_witness("new", b)
t0 = time.perf_counter()
collate(c, output="json")
print(time.perf_counter() - t0)
"""


def collatex_pair(a: Path, b: Path, cap: float) -> float | None:
    """CollateX's collation time (import excluded), or None when over the cap."""
    try:
        p = subprocess.run(
            [PY, "-c", _COLLATEX, str(a), str(b)], capture_output=True, text=True, timeout=cap + 5
        )
    except subprocess.TimeoutExpired:
        return None
    if p.returncode != 0:
        raise RuntimeError(f"collatex failed: {p.stderr[-500:]}")
    t = float(p.stdout.strip())
    return t if t <= cap else None


# --- memory -----------------------------------------------------------------------------------


class PeakByStage(Stages):
    """The peak of traced Python memory while each stage is the innermost one running."""

    def __init__(self) -> None:
        self.peaks: dict[str, int] = defaultdict(int)
        self.stack: list[str] = []

    def _charge(self) -> None:
        if self.stack:
            _, peak = tracemalloc.get_traced_memory()
            top = self.stack[-1]
            self.peaks[top] = max(self.peaks[top], peak)
            tracemalloc.reset_peak()

    def enter(self, stage: str) -> None:
        self._charge()
        self.stack.append(stage)

    def leave(self) -> None:
        self._charge()
        self.stack.pop()


def memprobe(old: Path, new: Path) -> dict[str, Any]:
    """Peak Python allocation of ingesting ``new`` after ``old`` (run in a fresh process),
    and the stage during which it was reached."""
    tmp = Path(tempfile.mkdtemp())
    db = store.open_db(tmp / "m.db")
    ingest_version(db, old.read_bytes(), "mem", "v1")
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    data = new.read_bytes()
    peaks = PeakByStage()
    inst = Instrument(peaks)  # type: ignore[arg-type]
    inst.install()
    tracemalloc.start()
    try:
        with peaks.section("other"):
            ingest_version(db, data, "mem", "v2")
    finally:
        tracemalloc.stop()
        inst.uninstall()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    store.close_db(db)
    shutil.rmtree(tmp)
    return {
        "bytes": len(data),
        "peak": max(peaks.peaks.values()),
        "peak_by_stage": dict(sorted(peaks.peaks.items(), key=lambda kv: -kv[1])),
        "maxrss_before": rss0,
        "maxrss_after": rss1,
    }


def memory(bench: Bench, res: Results, texts: dict[str, tuple[bytes, bytes]]) -> None:
    worst = None
    for label, (old, new) in texts.items():
        a, b = bench.tmp / f"mem-{label}-old.txt", bench.tmp / f"mem-{label}-new.txt"
        a.write_bytes(old)
        b.write_bytes(new)
        p = subprocess.run(
            [PY, str(Path(__file__).resolve()), "--memprobe", str(a), str(b)],
            capture_output=True,
            text=True,
            env=env_with_src(),
        )
        if p.returncode:
            raise RuntimeError(f"memory probe failed: {p.stderr[-800:]}")
        m = json.loads(p.stdout.splitlines()[-1])
        ratio = m["peak"] / m["bytes"]
        res.row(
            "memory",
            label,
            "peak Python allocation (tracemalloc), one version's ingest+compare",
            mb(m["peak"]),
            "MB",
            "the version's text (UTF-8)",
            mb(m["bytes"]),
        )
        res.rows[-1]["maxrss_growth_mb"] = mb(m["maxrss_after"] - m["maxrss_before"])
        res.rows[-1]["peak_stage"] = next(iter(m["peak_by_stage"]))
        res.details.setdefault("memory", {})[label] = m
        if worst is None or ratio > worst[0]:
            worst = (ratio, label)
    if worst:
        res.target("memory", worst[0], 10, "x", worst[1])


# --- profiles of missed targets ---------------------------------------------------------------


def profile_ingest(pool: list[str], size: int, seed: int, versions: int, tmp: Path) -> list[dict]:
    h = generate.History(pool, size, seed)
    db = store.open_db(tmp / f"profile-{size}.db")
    ingest_version(db, h.text().encode("utf-8"), "p", "v1")
    texts = []
    for _ in range(versions):
        h.step()
        texts.append(h.text().encode("utf-8"))
    prof = cProfile.Profile()
    prof.enable()
    for k, data in enumerate(texts, 2):
        ingest_version(db, data, "p", f"v{k}")
    prof.disable()
    store.close_db(db)
    return top_functions(prof)


def profile_pairs(pairs: list[Pair]) -> list[dict]:
    prof = cProfile.Profile()
    prof.enable()
    for p in pairs:
        ours_pair(p.old, p.new)
    prof.disable()
    return top_functions(prof)


def top_functions(prof: cProfile.Profile, n: int = 15) -> list[dict]:
    st = pstats.Stats(prof, stream=io.StringIO())
    total = sum(v[2] for v in st.stats.values())  # type: ignore[attr-defined]
    rows = []
    for (file, line, name), (_, ncalls, tt, ct, _) in st.stats.items():  # type: ignore[attr-defined]
        short = file.replace(str(ROOT / "src") + "/", "")
        short = short.split("site-packages/")[-1]
        rows.append(
            {
                "function": f"{short}:{line}({name})",
                "calls": ncalls,
                "tottime_s": tt,
                "cumtime_s": ct,
                "self_share": tt / total if total else 0,
                "cum_share": ct / total if total else 0,
            }
        )
    rows.sort(key=lambda r: -r["tottime_s"])
    return rows[:n]


# --- output -----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "unknown"
    with open("/proc/meminfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    git = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    wd = shutil.which("wdiff")
    wdv = (
        subprocess.run(["wdiff", "--version"], capture_output=True, text=True).stdout.splitlines()[
            0
        ]
        if wd
        else "not installed"
    )
    try:
        from importlib.metadata import version

        cx = version("collatex")
    except Exception:
        cx = "not installed"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "git": git,
        "wdiff": wdv,
        "collatex": cx,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "loadavg_at_start": os.getloadavg(),
        "commit": subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip(),
    }


def finite(obj: Any) -> Any:
    """NaN and infinities (a median of nothing) as null, so that the file is strict JSON."""
    if isinstance(obj, float) and (obj != obj or obj in (float("inf"), float("-inf"))):
        return None
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite(v) for v in obj]
    return obj


def fmt(v: float | None) -> str:
    if v is None or v != v:
        return "-"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}" if abs(v) >= 0.1 else f"{v:.3f}"


def render_table(res: Results) -> str:
    lines = [
        "| section | input | measure | ours | baseline | baseline value | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in res.rows:
        extra = ""
        if r.get("versions_s"):
            extra = f" ({r['versions_s']:.1f} versions/s"
            extra += f", {r['mb_s']:.2f} MB/s)" if r.get("mb_s") else ")"
        base = fmt(r["baseline_value"]) + (f" {r['unit']}" if r["baseline_value"] else "")
        lines.append(
            f"| {r['section']} | {r['input']} | {r['measure']} | {fmt(r['ours'])} {r['unit']}"
            f"{extra} | {r['baseline']} | {base} | "
            f"{fmt(r['ratio']) + 'x' if r['ratio'] else '-'} |"
        )
    return "\n".join(lines)


def render_targets(res: Results) -> str:
    lines = ["| target | measured | where | met |", "|---|---|---|---|"]
    for key in TARGETS:
        t = res.targets.get(key)
        if t is None:
            lines.append(f"| {TARGETS[key]} | not measured | - | - |")
            continue
        lines.append(
            f"| {t['target']} | {fmt(t['value'])} {t['unit']} | {t['where']} | "
            f"{'yes' if t['met'] else 'NO'} |"
        )
    return "\n".join(lines)


def render_stages(res: Results) -> str:
    st = res.details.get("stages", {})
    if not st:
        return ""
    lines = [
        "| input | pass | " + " | ".join(STAGE_ORDER) + " | other |",
        "|---|---|" + "---|" * (len(STAGE_ORDER) + 1),
    ]
    for label, d in st.items():
        for which in ("early", "late"):
            p = d.get(which) or {}
            s = p.get("stages")
            if not s:
                continue
            total = sum(s.values())
            name = f"v2-v{p['versions'] + 1}" if which == "early" else f"after v{p['after']}"
            cells = [f"{100 * s.get(k, 0) / total:.0f}%" for k in STAGE_ORDER]
            cells.append(f"{100 * s.get('other', 0) / total:.0f}%")
            ms = 1000 * p["wall_s"] / p["versions"]
            lines.append(f"| {label} | {name} ({ms:.1f} ms/version) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --- main -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes, few versions (< 1 minute)")
    ap.add_argument("--eval-data", type=Path, default=generate.shared_dir() / "eval-data")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "results.json")
    ap.add_argument(
        "--sizes", help="comma-separated base sizes in bytes (default 7000,70000,700000)"
    )
    ap.add_argument("--versions", type=int, help="versions of the 7 KB and 70 KB histories")
    ap.add_argument("--large-versions", type=int, help="versions of histories over 500 KB")
    ap.add_argument("--repeats", type=int, help="repeats of each timed pair / command")
    ap.add_argument("--folder-repeats", type=int)
    ap.add_argument("--pairs", type=int, help="pairs per generated history for the peers")
    ap.add_argument("--wiki-pairs", type=int)
    ap.add_argument("--wiki-articles", type=int, help="limit wiki-revisions articles")
    ap.add_argument("--wiki-cli-articles", type=int)
    ap.add_argument("--cli-versions", type=int, help="versions ingested by subprocess per size")
    ap.add_argument("--stage-versions", type=int, help="versions run with stage timers")
    ap.add_argument("--collatex-cap", type=float, help="seconds per pair before CollateX is cut")
    ap.add_argument("--collatex-budget", type=float, help="seconds for CollateX over all pairs")
    ap.add_argument("--seed", type=int, default=20240)
    ap.add_argument("--no-profile", action="store_true", help="skip profiling missed targets")
    ap.add_argument("--memprobe", nargs=2, type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    quick = a.quick
    defaults = {
        "sizes": "7000,70000" if quick else "7000,70000,700000",
        "versions": 20 if quick else 1000,
        "large_versions": 12 if quick else 30,
        "repeats": 3 if quick else 5,
        "folder_repeats": 1 if quick else 3,
        "pairs": 3 if quick else 5,
        "wiki_pairs": 10 if quick else 40,
        "wiki_articles": 12 if quick else None,
        "wiki_cli_articles": 1 if quick else 4,
        "cli_versions": 4 if quick else 12,
        "stage_versions": 5 if quick else 20,
        "collatex_cap": 5.0 if quick else 10.0,
        "collatex_budget": 10.0 if quick else 90.0,
    }
    for k, v in defaults.items():
        if getattr(a, k) is None:
            setattr(a, k, v)
    a.sizes = [int(s) for s in str(a.sizes).split(",") if s]
    return a


def size_label(size: int) -> str:
    return f"generated {size / 1000:g} KB"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.memprobe:
        print(json.dumps(memprobe(*args.memprobe)))
        return 0
    t_start = time.perf_counter()
    res = Results()
    res.details["machine"] = machine()
    res.details["config"] = {
        k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items() if k != "memprobe"
    }
    print("machine:", json.dumps(res.details["machine"]), flush=True)
    eval_data = args.eval_data if (args.eval_data / "wiki-revisions").is_dir() else None
    if eval_data is None:
        res.note(
            f"evaluation data not found at {args.eval_data}: wiki-revisions skipped; "
            "generated texts use the seed article only"
        )
    pool = generate.sentence_pool(eval_data)
    failed: list[str] = []

    @contextmanager
    def part(name: str) -> Iterator[None]:
        # One failing part (e.g. a module mid-change) must not cost the other measurements.
        try:
            yield
        except Exception as e:
            traceback.print_exc()
            failed.append(name)
            res.note(f"{name}: FAILED ({type(e).__name__}: {e})")

    with tempfile.TemporaryDirectory(prefix="variorum-bench-") as td:
        tmp = Path(td)
        bench = Bench(args, res, tmp)
        mem_texts: dict[str, tuple[bytes, bytes]] = {}
        for size in args.sizes:
            label = size_label(size)
            n = args.large_versions if size >= 500_000 else args.versions
            with part(f"{label}: library"):
                first = bench.history_run(label, size, n, pool)[: max(args.cli_versions, 2)]
                mem_texts[label] = (first[-2], first[-1])
            with part(f"{label}: CLI"):
                print(f"[cli] {label}: {len(first)} versions by subprocess ...", flush=True)
                bench.cli_per_version(label, first)
        if eval_data:
            articles = wiki_articles(eval_data, args.wiki_articles)
            with part("wiki-revisions: library"):
                bench.wiki_library(articles)
            with part("wiki-revisions: CLI"):
                print("[cli] wiki-revisions: folder ingest ...", flush=True)
                bench.wiki_cli(articles)
        if args.corpus.is_dir() and any(args.corpus.glob("**/" + ingest.MANIFEST)):
            with part("corpus: library"):
                bench.corpus_library(args.corpus)
            with part("corpus: CLI"):
                print("[cli] corpus: folder ingest ...", flush=True)
                vs = sum(
                    len(ingest.read_manifest(p).versions)
                    for p in ingest.find_manifests(args.corpus)
                )
                nbytes = sum(f.stat().st_size for f in args.corpus.rglob("*") if f.is_file())
                bench._folder_rows("corpus", args.corpus, vs, nbytes, env_with_src())
        else:
            res.note(f"bundled corpus not found at {args.corpus}: skipped")
        with part("CLI start-up"):
            bench.cli_startup()
        with part("peers"):
            bench.peers()
        bench.fill_baselines()
        with part("memory"):
            print("[memory] ...", flush=True)
            memory(bench, res, mem_texts)
        if not args.no_profile:
            with part("profiles"):
                profiles(args, res, bench, pool, tmp)
    res.details["elapsed_s"] = time.perf_counter() - t_start
    res.details["loadavg_at_end"] = os.getloadavg()
    print()
    print(render_table(res))
    print()
    print(render_stages(res))
    print()
    print(render_targets(res))
    if res.details.get("memory"):
        print("\npeak Python allocation reached in (stage: peak MB while it ran):")
        for label, m in res.details["memory"].items():
            top3 = list(m["peak_by_stage"].items())[:4]
            print(f"  {label}: " + ", ".join(f"{k} {mb(v):.2f}" for k, v in top3))
    if res.details.get("cli_imports_us"):
        print("\nCLI start-up, slowest top-level imports (cumulative ms):")
        print(
            "  "
            + ", ".join(
                f"{m['module']} {m['cumulative_us'] / 1000:.0f}"
                for m in res.details["cli_imports_us"][:6]
            )
        )
    for key, prof in res.details.get("profiles", {}).items():
        print(f"\nprofile of missed target {key!r} (top functions by own time):")
        for r in prof[:10]:
            print(
                f"  {100 * r['self_share']:5.1f}% own {100 * r['cum_share']:5.1f}% cum "
                f"{r['calls']:>8} calls  {r['function']}"
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "machine": res.details.pop("machine"),
        "config": res.details.pop("config"),
        "rows": res.rows,
        "targets": res.targets,
        "notes": res.notes,
        "details": res.details,
    }
    args.out.write_text(
        json.dumps(finite(doc), indent=1, default=str, allow_nan=False), encoding="utf-8"
    )
    print(f"\nwrote {args.out} in {res.details['elapsed_s']:.0f} s")
    if failed:
        print(f"FAILED parts: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def profiles(
    args: argparse.Namespace, res: Results, bench: Bench, pool: list[str], tmp: Path
) -> None:
    out: dict[str, list[dict]] = {}
    for key, t in res.targets.items():
        if t["met"]:
            continue
        print(f"[profile] missed target {key} ...", flush=True)
        if key == "lib_7k":
            out[key] = profile_ingest(pool, 7000, args.seed, 10, tmp)
        elif key == "lib_700k":
            out[key] = profile_ingest(pool, 700_000, args.seed, 2, tmp)
        elif key == "vs_git":
            out[key] = profile_pairs([p for p in bench.pairs if p.group == t["where"]])
        elif key == "history":
            res.note(
                "history: see the stage table, early versus late pass, for the stage that grows"
            )
    res.details["profiles"] = out


if __name__ == "__main__":
    sys.exit(main())
