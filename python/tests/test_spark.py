"""stance.spark on PySpark in local mode (local[2]): scoring a slice of the UN General Debate
corpus (tests/data/ungdc-slice, made by scripts/ungdc_subset.py --files) with a model fitted by the
command line, Parquet in and out, and the stance counts equal to the command line's stances.csv.

One SparkSession for the module (a JVM start is most of the cost). Skips only when no Java runtime
is found; pyspark itself must be installed (`pip install pyspark`; .ci/run does it).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import stance
import stance.spark
from test_stance import same, stance_bin

SLICE = Path(__file__).resolve().parent / "data" / "ungdc-slice"


def java_found() -> bool:
    home = os.environ.get("JAVA_HOME")
    return shutil.which("java") is not None or bool(home and Path(home, "bin", "java").is_file())


@pytest.fixture(scope="module")
def spark():
    if not java_found():
        pytest.skip("no Java runtime (java not on PATH, no JAVA_HOME): the Spark test needs Java 17, e.g. apt-get install openjdk-17-jre-headless")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        pytest.fail("pyspark is not installed: pip install pyspark (.ci/run installs it)")
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers import stance from this venv
    session = (
        SparkSession.builder.master("local[2]")
        .appName("stance-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def cli_on_slice(*args: str) -> None:
    run = subprocess.run([stance_bin(), "--quiet", "--corpus", str(SLICE), *args], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """The slice's texts as Parquet (one row per speech), the model `stance fit` saves and the
    CLI's export of the same corpus."""
    tmp = tmp_path_factory.mktemp("spark")
    # Lexicon only, as the export it is compared with (corpus views do not use the complement).
    cli_on_slice("fit", "--no-learned", "--out", str(tmp / "fitted"))
    cli_on_slice("export", "--out", str(tmp / "export"), "--draws", "0")
    with open(SLICE / "manifest.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["text"] = (SLICE / r["file"]).read_text(encoding="utf-8")
        r["speech_id"] = Path(r["file"]).stem
        del r["file"]
    pq.write_table(pa.Table.from_pylist(rows), tmp / "statements.parquet")
    return tmp


@pytest.fixture(scope="module")
def scored(spark, work):
    """The job of scripts/spark_score.py, run in this session: Parquet in, Parquet out."""
    stance.spark.main(
        [str(work / "statements.parquet"), str(work / "scored"), "--model", str(work / "fitted" / "model.bin"),
         "--stances", str(work / "stances")],
        spark=spark,
    )
    return spark.read.parquet(str(work / "scored"))


def test_aggregate_equals_the_cli_stances_csv(work, scored):
    want = pd.read_csv(work / "export" / "stances.csv", dtype={"share": str}, keep_default_na=False)
    got = pd.read_parquet(work / "stances")
    assert list(got.columns) == list(want.columns) == ["issuer", "bloc", "topic", "stance", "n", "share"]
    assert len(want) > 0
    assert got[["issuer", "bloc", "topic", "stance"]].values.tolist() == want[["issuer", "bloc", "topic", "stance"]].values.tolist()
    assert got["n"].tolist() == want["n"].tolist()
    for x, y in zip(want["share"], got["share"]):
        assert same(float(x), float(y))
    assert len(set(got["issuer"])) >= 5 and set(got["stance"]) == {"support", "oppose", "neutral"}
    assert got["n"].sum() > 20


def test_scored_rows_carry_the_columns_and_equal_classify(work, scored):
    rows = scored.toPandas()
    passage_cols = stance._stance.classified_schema().names[1:]
    assert list(rows.columns) == ["issuer", "bloc", "date", "speech_id"] + passage_cols
    assert {"source", "p", "cues", "topic", "stance"} <= set(rows.columns)
    texts = pq.read_table(work / "statements.parquet").to_pandas()
    m = stance.Model.load(work / "fitted")
    want = m.classify(texts["text"], lang="en").to_pandas()
    want["speech_id"] = texts["speech_id"].to_numpy()[want["doc"]]
    rows = rows.sort_values(["speech_id", "passage"]).reset_index(drop=True)
    want = want.sort_values(["speech_id", "passage"]).reset_index(drop=True)
    assert len(rows) == len(want) > 100
    for c in ["speech_id", "passage", "start", "end", "topic", "stance", "source", "in_domain", "text"]:
        assert rows[c].tolist() == want[c].tolist(), c
    assert [list(x) for x in rows["stances"]] == [list(x) for x in want["stances"]]
    est = rows[rows["speech_id"] == "EST_73_2018"]
    assert set(est["issuer"]) == {"EST"} and set(est["bloc"]) == {"EEG"} and set(est["date"]) == {"2018-09-15"}
    assert (rows["source"].dropna() == "lexicon").all() and rows["p"].isna().all(), "no learned model: cues only"
    assert rows["topic"].notna().any() and rows["stance"].notna().any()


def test_score_keeps_columns_asked_and_drops_texts_without_passages(spark, work):
    df = spark.createDataFrame(
        [("a", "fr", None), ("b", None, "too short"), ("c", "en", (SLICE / "txt" / "CZE_79_2024.txt").read_text("utf-8"))],
        "id string, lang string, body string",
    )
    out = stance.spark.score(df, model=str(work / "fitted"), text_col="body", keep=["id"]).toPandas()
    assert out.columns[0] == "id" and "body" not in out.columns
    assert set(out["id"]) == {"c"} and set(out["lang"]) == {"en"}
    assert out["passage"].tolist() == list(range(len(out)))


def test_bad_arguments_fail_on_the_driver_with_one_line(spark, work):
    df = spark.createDataFrame([("x", "y")], "topic string, text string")
    with pytest.raises(stance.UsageError, match="topic of the DataFrame would clash"):
        stance.spark.score(df, model=str(work / "fitted"))
    with pytest.raises(stance.UsageError, match="no column 'body'"):
        stance.spark.score(df, model=str(work / "fitted"), text_col="body", keep=[])
    with pytest.raises(stance.DataError, match="model not found"):
        stance.spark.score(df, model=str(work / "missing.bin"), keep=[])
