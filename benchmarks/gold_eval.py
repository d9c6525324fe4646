"""Precision and recall per change kind of `variorum diff` on the corpus gold files.

python benchmarks/gold_eval.py [CORPUS_FOLDER]
"""

import json
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from variorum.cli import cli
from variorum.evaluate import Score, load_gold

ROOT = Path(__file__).resolve().parent.parent


def main(corpus: Path) -> None:
    runner = CliRunner()
    total = Score()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "gold.db")
        r = runner.invoke(cli, ["--db", db, "ingest", str(corpus), "--quiet"])
        assert r.exit_code == 0, r.output
        for gold_path in sorted(corpus.glob("*/gold/*.yml")):
            gold = load_gold(gold_path)
            article = gold_path.parent.parent.name
            r = runner.invoke(
                cli, ["--db", db, "diff", article, gold["from"], gold["to"], "--json"]
            )
            doc = json.loads(r.output)
            score = Score()
            score.add(doc["changes"], gold["changes"] or [])
            total.add(doc["changes"], gold["changes"] or [])
            print(f"{gold_path.stem}: {len(score.missing)} missing, {len(score.spurious)} spurious")
            for k in score.missing:
                print("  missing ", k)
            for k in score.spurious:
                print("  spurious", k)
    print(f"\n{'kind':12} {'expected':>8} {'reported':>8} {'right':>6} {'P':>6} {'R':>6}")
    for row in total.rows():
        p = "-" if row["precision"] is None else f"{row['precision']:.3f}"
        rc = "-" if row["recall"] is None else f"{row['recall']:.3f}"
        print(
            f"{row['kind']:12} {row['expected']:>8} {row['reported']:>8} {row['right']:>6} "
            f"{p:>6} {rc:>6}"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "corpus")
