from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "aliyev-karabakh.en.txt"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"
