from tests.conftest import ROOT
from variorum.docs import render


def test_readme_cli_and_schema_sections_are_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert render(readme) == readme, "run: python -m variorum.docs README.md"
