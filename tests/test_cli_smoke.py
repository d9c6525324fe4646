from click.testing import CliRunner

from variorum.cli import cli


def test_ingest_and_list_versions(tmp_path, db_path):
    src = tmp_path / "a.txt"
    src.write_text("First sentence with 5 figures. Second one.\n\nNew paragraph.\n")
    runner = CliRunner()
    r = runner.invoke(
        cli, ["--db", str(db_path), "ingest", str(src), "--article", "a", "--label", "v1"]
    )
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0] == "a/v1: added"
    r = runner.invoke(
        cli, ["--db", str(db_path), "ingest", str(src), "--article", "a", "--label", "v1"]
    )
    assert r.output.splitlines()[0] == "a/v1: unchanged (identical content already stored)"
