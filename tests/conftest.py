from pathlib import Path

import pytest
from localsite import FakeClock, Site

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


@pytest.fixture
def site():
    """A real HTTP server on 127.0.0.1 whose pages the test sets."""
    s = Site()
    yield s
    s.close()


@pytest.fixture
def clock():
    return FakeClock()
