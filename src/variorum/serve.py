"""Run Datasette, in this process, on a variorum database: read-only, with the
project's metadata and the variorum plugin.

The metadata has one source of truth, ``metadata.yml`` at the top of the
repository; ``variorum/static/metadata.yml`` is a symbolic link to it so that an
installed package carries a copy.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import yaml

from variorum.errors import VariorumError

HERE = Path(__file__).resolve().parent
CHECKOUT_METADATA = HERE.parent.parent / "metadata.yml"
PACKAGED_METADATA = HERE / "static" / "metadata.yml"
# Whatever the file is called, it is served under this name, the one metadata.yml
# and its links use.
DB_NAME = "variorum"
# How long to wait for readers of the write-ahead log before serving live instead.
CHECKPOINT_TIMEOUT = 2.0


def metadata_path() -> Path | None:
    """metadata.yml of the checkout this module runs from, else the packaged copy."""
    for p in (CHECKOUT_METADATA, PACKAGED_METADATA):
        if p.is_file():
            return p
    return None


def load_metadata(path: str | Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise VariorumError(f"cannot read metadata {str(path)!r}: {e}") from e
    if not isinstance(data, dict):
        raise VariorumError(f"metadata {str(path)!r} is not a mapping")
    return data


def checkpoint(db_path: str | Path) -> bool:
    """Move everything in the write-ahead log into the main file.

    Returns True when the main file now holds every committed row, so that it can
    be served immutably (an immutable open ignores the -wal file).
    """
    wal = Path(f"{db_path}-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        return True
    try:
        conn = sqlite3.connect(str(db_path), timeout=CHECKPOINT_TIMEOUT)
        try:
            busy, _, _ = conn.execute("pragma wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return busy == 0


def ensure_plugin() -> None:
    """Register this package's plugin module (the entry point may name another copy,
    or none when running from a checkout that is not installed)."""
    from datasette.plugins import pm

    from variorum import datasette_plugin

    current = pm.get_plugin("variorum")
    if current is datasette_plugin:
        return
    if current is not None:
        pm.unregister(name="variorum")
    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="variorum")


def make_datasette(
    db_path: str | Path, *, metadata: str | Path | None = None, immutable: bool | None = None
) -> Any:
    """A Datasette instance serving ``db_path`` read-only with variorum's metadata.

    ``immutable=None`` serves immutably when the write-ahead log could be
    checkpointed, else as a read-only live database (Datasette never writes to it).
    """
    from datasette.app import Datasette
    from datasette.database import Database

    p = Path(db_path)
    if not p.is_file():
        raise VariorumError(f"database {str(p)!r} does not exist: ingest something first")
    with open(p, "rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise VariorumError(f"{str(p)!r} is not an SQLite database")
    if immutable is None:
        immutable = checkpoint(p)
    meta_file = Path(metadata) if metadata else metadata_path()
    meta = load_metadata(meta_file) if meta_file else {}
    ensure_plugin()
    ds = Datasette(metadata=meta)
    if "_memory" in ds.databases:
        ds.remove_database("_memory")
    ds.add_database(Database(ds, path=str(p), is_mutable=not immutable), name=DB_NAME)
    return ds


def serve(db_path: str, *, host: str, port: int, metadata: str | None) -> None:
    """Serve until interrupted."""
    import uvicorn

    ds = make_datasette(db_path, metadata=metadata)
    mode = "live" if ds.databases[DB_NAME].is_mutable else "immutable"
    print(
        f"variorum: serving {db_path} ({mode}, read-only) on http://{host}:{port}/",
        file=sys.stderr,
    )
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")
