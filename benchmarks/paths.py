"""Where the benchmarks find the project's shared folder (seed and evaluation data).

It sits beside the checkout (``../shared``), or beside a parent folder of it when the
checkout lives deeper (a git worktree). The first one that exists wins.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    for base in ROOT.parents:
        if (base / "shared").is_dir():
            return base / "shared"
    return ROOT.parent / "shared"


def eval_data() -> Path:
    return shared_dir() / "eval-data"
