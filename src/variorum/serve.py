"""Start Datasette on a variorum database, read-only."""

import subprocess
import sys
from pathlib import Path

from variorum.errors import VariorumError


def serve(db_path: str, *, host: str, port: int, metadata: str | None) -> None:
    if not Path(db_path).is_file():
        raise VariorumError(f"database {db_path!r} does not exist: ingest something first")
    cmd = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "-i",
        db_path,
        "--host",
        host,
        "--port",
        str(port),
    ]
    if metadata:
        cmd += ["--metadata", metadata]
    raise SystemExit(subprocess.call(cmd))
