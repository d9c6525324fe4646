"""Generate the README's CLI reference and schema sections from the code itself.

``python -m variorum.docs README.md`` rewrites the marked sections in place;
a test fails when the README is out of step with ``--help`` or the schema.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import tempfile
from pathlib import Path

import click

from variorum import store
from variorum.cli import cli


def cli_reference() -> str:
    """Every command's ``--help`` text, in command order."""
    parts = []
    ctx = click.Context(cli, info_name="variorum", terminal_width=80, max_content_width=80)
    parts.append(_help_block("variorum", cli.get_help(ctx)))
    for name in cli.list_commands(ctx):
        cmd = cli.get_command(ctx, name)
        assert cmd is not None
        sub = click.Context(cmd, info_name=name, parent=ctx)
        parts.append(_help_block(f"variorum {name}", cmd.get_help(sub)))
        if isinstance(cmd, click.Group):
            for subname in cmd.list_commands(sub):
                subcmd = cmd.get_command(sub, subname)
                assert subcmd is not None
                subsub = click.Context(subcmd, info_name=subname, parent=sub)
                parts.append(_help_block(f"variorum {name} {subname}", subcmd.get_help(subsub)))
    return "\n".join(parts)


def _help_block(title: str, text: str) -> str:
    return f"### `{title}`\n\n```\n{text.rstrip()}\n```\n"


def schema_reference() -> str:
    """The SQL of every table and view of a fresh database (FTS shadow tables left out)."""
    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_db(Path(tmp) / "schema.db")
        rows = list(
            db.query(
                "select type, name, sql from sqlite_master where type in ('table', 'view') "
                "and name not like 'sentences_fts_%' and name not like 'sqlite_%' "
                "order by case type when 'table' then 0 else 1 end, rowid"
            )
        )
        store.close_db(db)
    blocks = []
    for r in rows:
        sql = re.sub(r"\n\s*\n", "\n", r["sql"].strip())
        blocks.append(f"```sql\n{sql}\n```\n")
    return "\n".join(blocks)


EXAMPLE = [
    ["ingest", "corpus/"],
    ["versions", "aliyev-karabakh"],
    ["figures", "aliyev-karabakh", "v1", "--issues"],
    ["diff", "aliyev-karabakh", "v1", "v2"],
    ["diff", "aliyev-karabakh", "v2", "v3"],
    ["diff", "aliyev-karabakh", "v2", "ru-1"],
]
EXAMPLE_SQL = (
    "select to_label, old_figure, new_figure from figure_changes "
    "where article = 'aliyev-karabakh' and from_label = 'v1' and to_label = 'v2'"
)


def worked_example() -> str:
    """Run the example commands on the bundled corpus and show what they print."""
    from click.testing import CliRunner

    root = Path(__file__).resolve().parents[2]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "variorum.db")
        runner = CliRunner()
        cwd = Path.cwd()
        os.chdir(root)
        try:
            for args in EXAMPLE:
                r = runner.invoke(cli, ["--db", db, *args])
                out.append(f"$ variorum {' '.join(args)}\n{r.output.rstrip()}\n")
            conn = sqlite3.connect(db)
            rows = conn.execute(EXAMPLE_SQL).fetchall()
            conn.close()
        finally:
            os.chdir(cwd)
    sql = f'$ sqlite3 variorum.db "{EXAMPLE_SQL}"\n' + "\n".join(
        "|".join(map(str, r)) for r in rows
    )
    return "```console\n" + "\n".join(out) + "\n" + sql + "\n```\n"


SECTIONS = {"example": worked_example, "cli": cli_reference, "schema": schema_reference}


def render(readme: str) -> str:
    for name, fn in SECTIONS.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
        readme = pattern.sub(lambda _m, s=start, e=end, f=fn: f"{s}\n{f()}\n{e}", readme)
    return readme


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "README.md")
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
