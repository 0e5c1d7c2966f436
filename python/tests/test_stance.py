"""The Python package against the command line: same numbers on the shipped corpus, the API of
the README, errors as exceptions with the library's messages.

The command line is `$STANCE_BIN`, else `target/debug/stance` of the checkout (`cargo build`).
"""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import stance

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


def stance_bin() -> str:
    path = os.environ.get("STANCE_BIN") or str(ROOT / "target" / "debug" / "stance")
    if not Path(path).is_file():
        pytest.fail(f"no stance binary at {path}: run `cargo build` first, or set STANCE_BIN")
    return path


def cli(*args: str) -> str:
    run = subprocess.run(
        [stance_bin(), "--quiet", "--corpus", str(SEEDS), *args], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def cli_json(*args: str):
    return json.loads(cli(*args, "--format", "json"))


@pytest.fixture(scope="session")
def a() -> stance.Analysis:
    return stance.analyze()


def same(x, y) -> bool:
    """Equal floats (None = NaN), to the last bit but for printing."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return y is None or (isinstance(y, float) and math.isnan(y))
    return y is not None and not math.isnan(y) and abs(x - y) <= 1e-12


def matrix_of(long: pd.DataFrame, labels, column: str):
    cells = {(r.row_label, r.col_label): getattr(r, column) for r in long.itertuples()}
    return [[cells[(i, j)] for j in labels] for i in labels]


def assert_matrix(long: pd.DataFrame, doc: dict, n_key: str = "n_passages"):
    labels = doc["labels"]
    assert sorted(set(long["row_label"])) == sorted(labels)
    for column, key in [("value", "matrix"), ("low", "low"), ("high", "high")]:
        got = matrix_of(long, labels, column)
        for i, row in enumerate(doc[key]):
            for j, want in enumerate(row):
                assert same(want, got[i][j]), f"{key}[{labels[i]}][{labels[j]}]: CLI {want}, Python {got[i][j]}"
    n = {r.row_label: r.n_row for r in long.itertuples()}
    assert [n[label] for label in labels] == doc[n_key]


@pytest.mark.parametrize("topic", [None, "binding_norms"])
def test_similarity_equals_the_cli_json(a, topic):
    args = ["similarity"] + (["--topic", topic] if topic else [])
    doc = cli_json(*args)
    sim = a.similarity(topic=topic)
    assert isinstance(sim, pd.DataFrame)
    assert list(sim.columns) == ["by", "row_label", "col_label", "topic", "value", "low", "high", "n_row", "n_col"]
    assert a.model_id == doc["model"]
    assert_matrix(sim, doc)
    assert set(sim["by"]) == {"issuer"}


def test_agreement_and_positions_equal_the_cli_json(a):
    doc = cli_json("agreement", "--by", "bloc")
    agreement = a.agreement(by="bloc")
    assert_matrix(agreement, doc)
    shared = {(r.row_label, r.col_label): r.shared_topics for r in agreement.itertuples()}
    labels = doc["labels"]
    assert [[shared[(i, j)] for j in labels] for i in labels] == doc["shared_topics"]

    doc = cli_json("positions", "--topic", "budapest_convention")
    positions = a.positions(topic="budapest_convention")
    want = pd.DataFrame(doc["positions"])
    assert list(positions.columns) == list(want.columns)
    assert positions["group"].tolist() == want["group"].tolist()
    for column in ["position", "low", "high", "net"]:
        for x, y in zip(want[column], positions[column]):
            assert same(None if pd.isna(x) else float(x), float(y)), column


def test_compare_returns_four_tables_with_the_cli_numbers(a):
    doc = cli_json("compare", "russia-aligned", "western", "--evidence", "2")
    t = a.compare("russia-aligned", "western", evidence=2)
    assert sorted(t) == ["evidence", "keyness", "similarity", "stances"]
    sim = t["similarity"]
    assert pd.isna(sim["topic"].iloc[0]), "first row: all passages"
    assert same(doc["overall"]["similarity"]["value"], sim["similarity"].iloc[0])
    assert same(doc["overall"]["agreement"]["value"], sim["agreement"].iloc[0])
    topics = [x["topic"] for x in doc["topics"]]
    assert sim["topic"].iloc[1:].tolist() == topics
    for x, row in zip(doc["topics"], sim.iloc[1:].itertuples()):
        assert same(x["similarity"]["value"], row.similarity)
        assert (row.n_a, row.n_b) == (x["a"]["n_passages"], x["b"]["n_passages"])
    stances = t["stances"]
    first = doc["topics"][0]
    row = stances[(stances["topic"] == first["topic"]) & (stances["side"] == doc["a"]["label"])].iloc[0]
    assert row["call"] == first["a"]["stance"]["call"]
    assert same(first["a"]["stance"]["net"]["value"], row["net"])
    assert set(t["keyness"]["side"]) <= {doc["a"]["label"], doc["b"]["label"]}
    assert len(t["evidence"]) > 0 and t["evidence"]["rank"].min() == 1
    assert list(t["keyness"].columns)[:3] == ["side_a", "side_b", "topic"]


def test_passages_filter_like_the_cli(a):
    doc = cli_json("passages", "--topic", "internet_governance", "--stance", "oppose")
    p = a.passages(topic="internet_governance", stance="oppose")
    assert len(p) == len(doc) > 0
    assert p["text"].tolist() == [x["text"] for x in doc]
    assert a.passages(topic="internet_governance", stance="oppose", limit=1).shape[0] == 1
    assert isinstance(a.passages(limit=3, arrow=True), pa.Table)


def test_clusters_equal_the_cli(a):
    want = pd.read_csv(io.StringIO(cli("clusters", "--format", "csv", "--raw-csv")), keep_default_na=False)
    got = a.clusters()
    assert list(got.columns) == list(want.columns)
    assert got["label"].tolist() == want["label"].tolist()
    assert got["n"].tolist() == want["n"].tolist()
    members = a.clusters(topic="binding_norms", members=True)
    assert list(members.columns) == ["topic", "cluster", "by", "group", "n", "share"]
    shares = members.groupby(["by", "group"])["share"].sum()
    assert all(abs(x - 1) < 1e-9 for x in shares)
    assert a.clusters(topic="budapest_convention", k=2)["k"].tolist() == [2, 2]
    with pytest.raises(stance.UsageError, match="k 9"):
        a.clusters(k=9)


def test_stances_sum_to_one_per_issuer_and_topic(a):
    s = a.stances()
    shares = s.groupby(["issuer", "topic"])["share"].sum()
    assert ((shares - 1).abs() < 1e-9).all()


def test_classify_returns_one_row_per_passage_like_the_cli(a, tmp_path):
    text = (
        "La France soutient la Convention de Budapest sur la cybercriminalité et appelle tous les États "
        "à y adhérer, car elle reste le cadre de référence de la coopération internationale.\n\n"
        "Nous rejetons en revanche tout nouveau traité juridiquement contraignant sur le comportement "
        "des États dans le cyberespace, qui ne ferait que diviser la communauté internationale."
    )
    path = tmp_path / "statement.txt"
    path.write_text(text, encoding="utf-8")
    want = [json.loads(line) for line in cli("classify", str(path), "--format", "json").splitlines()][:-1]

    m = a.model()
    t = m.classify([text, None, "too short", text], lang=None)
    assert isinstance(t, pa.Table)
    df = t.to_pandas()
    assert df["doc"].tolist() == [0] * len(want) + [3] * len(want), "None and short texts give no row"
    mine = df[df["doc"] == 0]
    assert mine["topic"].tolist() == [w["topic"] for w in want]
    assert mine["stance"].tolist() == [w["stance"] for w in want]
    assert mine["start"].tolist() == [w["start"] for w in want]
    assert [list(x) for x in mine["topics"]] == [
        sorted(w["stances"], key=lambda k: (k != w["topic"], k)) for w in want
    ]
    assert set(df["lang"]) == {"fr"}
    assert t.schema.field("cues").type == pa.list_(pa.field("item", pa.string(), nullable=False))
    # As on the command line, the model carries the learned complement unless asked not to.
    plain = [json.loads(line) for line in cli("classify", str(path), "--format", "json", "--no-learned").splitlines()][:-1]
    alone = a.model(learned=False).classify([text]).to_pandas()
    assert alone["stance"].tolist() == [w["stance"] for w in plain]


def test_models_save_load_and_classify_the_same(a, tmp_path):
    m = a.model()
    m.save(tmp_path / "model.bin")
    loaded = stance.Model.load(tmp_path)  # a folder holding model.bin
    assert loaded.id == m.id == a.model_id
    texts = pd.Series(["We support the Budapest Convention on Cybercrime as the basis of cooperation.", "x"])
    assert loaded.classify(texts).equals(m.classify(texts))
    assert loaded.classify("We support the Budapest Convention on Cybercrime as the basis of cooperation.").num_rows == 1


def test_errors_are_exceptions_with_the_one_line_message(a, tmp_path):
    with pytest.raises(stance.UsageError, match=r"unknown topic .binding_norm. \(did you mean 'binding_norms'"):
        a.similarity(topic="binding_norm")
    with pytest.raises(stance.UsageError, match="unknown grouping 'country'"):
        a.similarity(by="country")
    with pytest.raises(stance.UsageError):
        a.compare("western", "western")
    with pytest.raises(stance.StanceError, match="no-such-corpus: corpus folder not found"):
        stance.analyze(tmp_path / "no-such-corpus")
    with pytest.raises(stance.DataError):
        stance.Model.load(tmp_path / "missing.bin")
    with pytest.raises(stance.UsageError, match="use fr or en"):
        a.model().classify(["text"], lang="de")
    assert issubclass(stance.UsageError, stance.StanceError)


def test_same_seed_same_numbers(a):
    again = stance.analyze(seed=0)
    pd.testing.assert_frame_equal(again.similarity(by="bloc"), a.similarity(by="bloc"))


def csv_text(x) -> str:
    """A Parquet value as the export's CSV writes it (null: empty; booleans: true / false)."""
    if x is None:
        return ""
    if isinstance(x, bool):
        return str(x).lower()
    return str(x)


@pytest.mark.parametrize("name", ["stances", "passages"])
def test_parquet_writer_holds_the_cli_csv_tables(a, tmp_path, name):
    """`stance.write_parquet` is the writer of `stance export --format parquet` (the crate's
    `parquet` feature, built into the package): the file holds the CSV export's columns, the
    documented types and the same values, and the same rows give the same bytes."""
    out = tmp_path / "csv"
    cli("--raw-csv", "export", "--out", str(out), "--draws", "0")
    table = a.stances(arrow=True) if name == "stances" else a.passages(arrow=True)
    path = tmp_path / f"{name}.parquet"
    stance.write_parquet(table, path)
    back = pq.read_table(path)
    assert back.schema.equals(table.schema) and back.equals(table)
    assert pq.ParquetFile(path).metadata.created_by.startswith("stance ")
    want = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
    assert back.column_names == list(want.columns)
    assert back.num_rows == len(want) > 0
    types = {f.name: f.type for f in back.schema}
    for column in want.columns:
        got = back.column(column).to_pylist()
        if pa.types.is_floating(types[column]):
            for x, y in zip(want[column], got):
                assert same(float(x) if x else None, y), column
        else:
            assert [csv_text(y) for y in got] == want[column].tolist(), column
    assert types.get("n", pa.int64()) == pa.int64() and types.get("start", pa.int64()) == pa.int64()
    again = tmp_path / "again.parquet"
    stance.write_parquet(table, again)
    assert again.read_bytes() == path.read_bytes(), "same rows, same bytes"
    frame = tmp_path / "frame.parquet"
    stance.write_parquet(table.to_pandas(), frame)  # a DataFrame too
    assert pd.read_parquet(frame).astype(object).equals(table.to_pandas().astype(object))


def test_a_parquet_table_of_texts_reads_like_its_csv(tmp_path):
    """`stance.analyze("news.parquet", text_col=…)`: one document per row, the columns named as
    on the command line (`--text-col` …); the same rows as CSV give the same passages, and a
    date column stored as a Parquet date reads as its ISO date."""
    manifest = pd.read_csv(SEEDS / "manifest.csv", dtype=str, keep_default_na=False)
    rows = manifest[manifest["date"].str.len() == 10].head(6)  # full dates: a Parquet date has a day
    assert len(rows) == 6
    frame = pd.DataFrame(
        {
            "body": [(SEEDS / f).read_text(encoding="utf-8") for f in rows["file"]],
            "source": rows["issuer"].tolist(),
            "bloc": rows["bloc"].tolist(),
            "published": pd.to_datetime(rows["date"]).dt.date.tolist(),
            "lang": rows["lang"].tolist(),
        }
    )
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp_path / "news.parquet")
    frame.assign(published=rows["date"].tolist()).to_csv(tmp_path / "news.csv", index=False)
    cols = dict(text_col="body", issuer_col="source", date_col="published")
    from_parquet = stance.analyze(tmp_path / "news.parquet", **cols).passages()
    from_csv = stance.analyze(tmp_path / "news.csv", **cols).passages()
    assert len(from_parquet) > 20
    assert sorted(set(from_parquet["issuer"])) == sorted(set(rows["issuer"]))
    keep = [c for c in from_csv.columns if c != "document"]
    assert from_parquet[keep].equals(from_csv[keep])
    assert all(d.startswith("news.parquet#") for d in from_parquet["document"])
    with pytest.raises(stance.StanceError, match=r"news\.csv: .*text"):
        stance.analyze(tmp_path / "news.csv", text_col="nope")
