from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
# shared/ sits beside the checkout (CI) or beside a parent folder of it (worktrees).
SHARED = next(
    (p / "shared" for p in ROOT.parents if (p / "shared" / "seed").is_dir()), ROOT.parent / "shared"
)
SEED = SHARED / "seed" / "aliyev-karabakh.en.txt"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"
