"""The ``variorum`` command: a thin layer over the library."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

import click

from variorum import fetch as fetch_mod
from variorum import ingest as ingest_mod
from variorum import report, store
from variorum.errors import VariorumError
from variorum.languages import check_lang


def _default_db() -> str:
    return os.environ.get("VARIORUM_DB") or "variorum.db"


def errors_to_click(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one-line CLI errors with a non-zero exit."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except VariorumError as e:
            raise click.ClickException(report.one_line(str(e))) from e
        except sqlite3.Error as e:
            raise click.ClickException(f"database error: {store.db_error(e)}") from e

    return wrapper


@contextmanager
def _open(ctx: click.Context, *, create: bool = True) -> Iterator[Any]:
    db = store.open_db(ctx.obj["db"], create=create)
    try:
        yield db
    finally:
        store.close_db(db)


@click.group()
@click.version_option(package_name="variorum")
@click.option(
    "--db",
    "db_path",
    default=_default_db,
    show_default="$VARIORUM_DB or ./variorum.db",
    type=click.Path(dir_okay=False),
    help="SQLite database file.",
)
@click.pass_context
def cli(ctx: click.Context, db_path: str) -> None:
    """Track versions and translations of news articles: what figures and wording changed."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db_path


@cli.command()
@click.argument("source")
@click.option("--article", help="Article slug (required unless SOURCE is a corpus folder).")
@click.option("--lang", help="Language code (en, de, fr, es, ru, ar); default: the article's.")
@click.option("--label", help="Version label; default: v<N>.")
@click.option(
    "--translation-of",
    "translation_of",
    metavar="LABEL",
    help="Label of the version this one translates.",
)
@click.option("--date", help="Publication date, ISO 8601.")
@click.option("--source", "source_text", metavar="TEXT", help="Where this version comes from.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["txt", "md", "html"]),
    help="Source format; default: from the file name or content.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or per-version lines.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes that analyse a folder's files in parallel (one writer).",
)
@click.pass_context
@errors_to_click
def ingest(
    ctx: click.Context,
    source: str,
    article: str | None,
    lang: str | None,
    label: str | None,
    translation_of: str | None,
    date: str | None,
    source_text: str | None,
    fmt: str | None,
    quiet: bool,
    workers: int,
) -> None:
    """Ingest a version from a file, '-' (stdin), an http(s) URL or a corpus folder.

    A corpus folder holds versions.yml (or subfolders that do); each version is
    written in its own transaction. Identical content is a no-op.
    """
    if source != "-" and Path(source).is_dir():
        if article or label or translation_of:
            raise VariorumError("--article, --label and --translation-of do not apply to a folder")
        _ingest_folder(ctx, Path(source), quiet, workers)
        return
    if not article:
        raise VariorumError("--article is required when ingesting a file")
    if date:
        report.check_date(date)
    if fetch_mod.is_url(source):
        from variorum import webpage  # loads trafilatura: only for URLs

        if fmt not in (None, "html"):
            raise VariorumError("a URL is fetched as HTML: --format does not apply")
        with _open(ctx) as db:
            r = webpage.ingest_url(
                db,
                source,
                article=article,
                lang=lang,
                label=label,
                translation_of=translation_of,
                date=date,
                source=source_text,
            )
            _report_ingest(db, r, article, quiet)
        return
    data, name = ingest_mod.read_source(source)
    text, detected = ingest_mod.source_text(data, name, fmt)
    with _open(ctx) as db:
        r = ingest_mod.ingest_text(
            db,
            text,
            article=article,
            lang=lang,
            label=label,
            translation_of=translation_of,
            date=date,
            source=source_text or (None if source == "-" else source),
            fmt=detected,
        )
        _report_ingest(db, r, article, quiet)


def _report_ingest(db: Any, r: ingest_mod.IngestResult, article: str, quiet: bool) -> None:
    click.echo(r.message)
    if r.status == "added" and not quiet:
        for line in report.comparison_summaries(db, r.comparisons):
            click.echo("  " + line)
        if r.figure_issues:
            click.echo(
                f"  {r.figure_issues} figure(s) look wrong: "
                f"variorum figures {article} {r.label} --issues"
            )


def _ingest_folder(ctx: click.Context, folder: Path, quiet: bool, workers: int) -> None:
    manifests = ingest_mod.read_folder(folder)
    total = ingest_mod.count_versions(manifests)
    show_bar = not quiet and sys.stderr.isatty()
    with _open(ctx) as db:
        if show_bar:
            with click.progressbar(length=total, label="ingesting", file=sys.stderr) as bar:
                result = ingest_mod.ingest_folder(
                    db,
                    folder,
                    progress=lambda _: bar.update(1),
                    workers=workers,
                    manifests=manifests,
                )
        else:
            result = ingest_mod.ingest_folder(db, folder, workers=workers, manifests=manifests)
    if not quiet:
        for r in result.results:
            click.echo(r.message)
    for err in result.errors:
        click.echo(f"error: {report.one_line(err)}", err=True)
    click.echo(result.summary)
    if result.failed:
        ctx.exit(1)


@cli.command()
@click.argument("article", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@errors_to_click
def versions(ctx: click.Context, article: str | None, as_json: bool) -> None:
    """List articles and their versions."""
    with _open(ctx) as db:
        rows = report.version_rows(db, article)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo(
        report.table(
            rows,
            [
                "article",
                "label",
                "lang",
                "seq",
                "date",
                "parent",
                "translation_of",
                "sentences",
                "figure_issues",
            ],
        )
    )


@cli.command()
@click.argument("article")
@click.argument("label", required=False)
@click.option("--issues", "only_issues", is_flag=True, help="Only figures the lint flags.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@errors_to_click
def figures(
    ctx: click.Context, article: str, label: str | None, only_issues: bool, as_json: bool
) -> None:
    """List the figures of an article (or one version), with lint findings."""
    with _open(ctx) as db:
        rows = report.figure_rows(db, article, label, only_issues=only_issues)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    cols = ["label", "sentence", "raw", "value", "kind", "issue", "reason"]
    click.echo(
        report.table(rows, cols, full=("reason",))
        if rows
        else "no figures" + (" with issues" if only_issues else "")
    )


@cli.command()
@click.argument("file")
@click.option("--lang", default="en", show_default=True, help="Language of the text.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["txt", "md", "html"]),
    help="Source format; default: from the file name or content.",
)
@errors_to_click
def check(file: str, lang: str, as_json: bool, fmt: str | None) -> None:
    """Lint the figures of a text file ('-' for stdin), without a database.

    Exits 1 when a figure looks wrong.
    """
    lang = check_lang(lang)
    data, name = ingest_mod.read_source(file)
    text, _ = ingest_mod.source_text(data, name, fmt)
    rows = report.check_rows(ingest_mod.analyse(text, lang))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif rows:
        click.echo(report.table(rows, ["sentence", "raw", "issue", "reason"], full=("reason",)))
    else:
        click.echo("no figure issues")
    if rows:
        sys.exit(1)


@cli.command()
@click.argument("article")
@click.argument("from_label")
@click.argument("to_label")
@click.option("--json", "as_json", is_flag=True, help="Print the documented JSON object.")
@click.option("--html", "as_html", is_flag=True, help="Print a standalone HTML page.")
@click.pass_context
@errors_to_click
def diff(
    ctx: click.Context, article: str, from_label: str, to_label: str, as_json: bool, as_html: bool
) -> None:
    """What changed between two versions (or a source and its translation)."""
    if as_json and as_html:
        raise VariorumError("choose one of --json and --html")
    with _open(ctx) as db:
        a = store.get_version(db, article, from_label)
        b = store.get_version(db, article, to_label)
        if a.id == b.id:
            raise VariorumError("FROM_LABEL and TO_LABEL name the same version")
        cid = store.find_comparison(db, a.id, b.id)
        if cid is None:
            with store.write_transaction(db):
                cid = ingest_mod.ensure_comparison(db, a.id, b.id)
        doc = report.diff_document(db, cid)
    if as_json:
        click.echo(json.dumps(doc, ensure_ascii=False, indent=1))
    elif as_html:
        click.echo(report.diff_html(doc))
    else:
        click.echo(report.diff_text(doc, color=sys.stdout.isatty()))


@cli.command()
@click.argument("file1")
@click.argument("file2")
@click.option("--lang1", required=True, help="Language of FILE1.")
@click.option("--lang2", required=True, help="Language of FILE2.")
@click.option("--presegmented", is_flag=True, help="Files hold one sentence a line.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["bleualign", "json"]),
    default="bleualign",
    show_default=True,
)
@errors_to_click
def align(file1: str, file2: str, lang1: str, lang2: str, presegmented: bool, fmt: str) -> None:
    """Align the sentences of two texts (any languages), without a database."""
    from variorum import crossalign

    lang1, lang2 = check_lang(lang1), check_lang(lang2)
    sides = []
    for f, lang in ((file1, lang1), (file2, lang2)):
        data, name = ingest_mod.read_source(f)
        text, _ = ingest_mod.source_text(data, name, "txt")
        sides.append(crossalign.prepare(text, lang, presegmented=presegmented))
    groups = crossalign.align_translation(sides[0], sides[1], lang1, lang2)
    if fmt == "json":
        click.echo(
            json.dumps([{"src": list(g.old), "tgt": list(g.new), "score": g.score} for g in groups])
        )
    else:
        click.echo(crossalign.format_bleualign(groups), nl=False)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option(
    "--metadata",
    type=click.Path(exists=True, dir_okay=False),
    help="Datasette metadata; default: the bundled metadata.yml.",
)
@click.pass_context
@errors_to_click
def serve(ctx: click.Context, host: str, port: int, metadata: str | None) -> None:
    """Browse the database in Datasette (read-only)."""
    from variorum import serve as serve_mod

    serve_mod.serve(ctx.obj["db"], host=host, port=port, metadata=metadata)


@cli.group()
def watch() -> None:
    """Watch web pages and feeds; store each new version of their articles.

    Pages are checked every 15 minutes in their first 6 hours, hourly until 3 days
    old, daily until 4 weeks old, then weekly; feeds every 15 minutes.
    """


@watch.command("add")
@click.argument("url")
@click.option("--article", required=True, help="Article slug the versions are stored under.")
@click.option("--lang", required=True, help="Language code of the page.")
@click.option("--selector", metavar="CSS", help="CSS selector of the article text.")
@click.pass_context
@errors_to_click
def watch_add(ctx: click.Context, url: str, article: str, lang: str, selector: str | None) -> None:
    """Watch a page (checked at the next 'watch run')."""
    from variorum import watch as watch_mod  # loads the fetching stack

    with _open(ctx) as db:
        wid = watch_mod.add_watch(db, url, article=article, lang=lang, selector=selector)
    click.echo(f"watch {wid}: {article} <- {fetch_mod.check_url(url)}")


@watch.command("add-feed")
@click.argument("url")
@click.option("--lang", required=True, help="Language code of the feed's articles.")
@click.option("--selector", metavar="CSS", help="CSS selector of the article text on its pages.")
@click.pass_context
@errors_to_click
def watch_add_feed(ctx: click.Context, url: str, lang: str, selector: str | None) -> None:
    """Watch an RSS or Atom feed: each new entry becomes a watched page."""
    from variorum import watch as watch_mod  # loads the fetching stack

    with _open(ctx) as db:
        fid = watch_mod.add_feed(db, url, lang=lang, selector=selector)
    click.echo(f"feed {fid}: {fetch_mod.check_url(url)}")


@watch.command("run")
@click.option("--once", is_flag=True, help="One pass over what is due, then exit.")
@click.option(
    "--timeout", default=fetch_mod.DEFAULT_TIMEOUT, show_default=True, help="Seconds per request."
)
@click.option(
    "--retries",
    default=fetch_mod.DEFAULT_RETRIES,
    show_default=True,
    help="Retries of a transient failure (with backoff).",
)
@click.option(
    "--max-bytes",
    default=fetch_mod.DEFAULT_MAX_BYTES,
    show_default=True,
    help="Largest page accepted.",
)
@click.pass_context
@errors_to_click
def watch_run(ctx: click.Context, once: bool, timeout: float, retries: int, max_bytes: int) -> None:
    """Fetch what is due and store what changed; without --once, keep running.

    Failures are recorded per watch (see 'watch list') and do not stop the run.
    """
    from variorum import watch as watch_mod  # loads the fetching stack

    def show(r: watch_mod.CheckResult) -> None:
        click.echo(report.one_line(r.line))

    fetcher = fetch_mod.Fetcher(timeout=timeout, retries=retries, max_bytes=max_bytes)
    with _open(ctx) as db, fetcher:
        if once:
            result = watch_mod.run_once(db, fetcher, on_result=show)
            click.echo(result.summary)
            return
        try:
            watch_mod.run_forever(db, fetcher, on_result=show)
        except KeyboardInterrupt:
            click.echo("stopped", err=True)


@watch.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@errors_to_click
def watch_list(ctx: click.Context, as_json: bool) -> None:
    """Each watch with its status, last error, number of versions and next check."""
    from variorum import watch as watch_mod  # loads the fetching stack

    with _open(ctx) as db:
        watches = watch_mod.watch_rows(db)
        feeds = watch_mod.feed_rows(db)
    if as_json:
        click.echo(json.dumps({"watches": watches, "feeds": feeds}, ensure_ascii=False, indent=2))
        return
    if not watches and not feeds:
        click.echo("nothing watched")
        return
    if watches:
        cols = ["id", "article", "lang", "status", "http_status", "versions", "checks"]
        cols += ["failures", "next_due", "url", "last_error"]
        click.echo(report.table(watches, cols))
    if feeds:
        if watches:
            click.echo()
        cols = ["id", "url", "lang", "status", "entries", "checks", "next_due", "last_error"]
        click.echo(report.table(feeds, cols))


@watch.command("remove")
@click.argument("target", metavar="URL|ID")
@click.pass_context
@errors_to_click
def watch_remove(ctx: click.Context, target: str) -> None:
    """Stop watching a page (URL or watch id) or a feed (URL). Stored versions stay."""
    from variorum import watch as watch_mod  # loads the fetching stack

    with _open(ctx) as db:
        click.echo(watch_mod.remove(db, target))
