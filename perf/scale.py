#!/usr/bin/env python3
"""Passages per second per core of classifying with a saved model, from Python (`Model.classify`)
and on Spark in local mode (`stance.spark.score`, 1 and 2 executor cores), for docs/scale.md.
The Rust figure is perf/classify_rate.rs's.

Usage (a venv with the package built in release: `pip install ./python`, and pyspark):
    python3 scripts/ungdc_subset.py --from /tmp/ungdc-50mb --out /tmp/ungdc-2010 --since 2010
    python3 perf/scale.py --corpus /tmp/ungdc-2010 --model /tmp/ungdc-2010-fitted/model.bin [--cores 1,2] [--runs 2]

One thread per core: RAYON_NUM_THREADS=1 for Python (set here before stance is imported), and
on Spark one task per core, each classifying on one thread (stance.spark sets it from the task's
CPUs). Spark times are of `score(df).write.format("noop")` over the texts (cached, in 8
partitions); the first run starts the Python workers and loads the model in each, the next ones
reuse them. Prints one Markdown table row per measure and the load average before and after.
"""
import argparse
import csv
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("RAYON_NUM_THREADS", "1")

import pyarrow as pa  # noqa: E402

import stance  # noqa: E402
import stance.spark  # noqa: E402


def load_texts(corpus: Path) -> pa.Table:
    with open(corpus / "manifest.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["text"] = (corpus / r["file"]).read_text(encoding="utf-8")
    return pa.Table.from_pylist(rows)


def row(what: str, cores: int, passages: int, seconds: float, note: str = "", cpu: float = 0.0) -> None:
    """A table row; `cpu`: the process's CPU seconds (user + sys), where it can be had."""
    rate = passages / seconds
    per_cpu = f"{passages / cpu:.0f}" if cpu else "–"
    print(f"| {what} | {cores} | {passages} | {seconds:.2f} | {rate:.0f} | {rate / cores:.0f} | {per_cpu} | {note} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--model", required=True, type=Path)
    ap.add_argument("--cores", default="1,2", help="Spark local[N] settings to measure (default 1,2; empty: none)")
    ap.add_argument("--runs", type=int, default=2, help="Spark runs per setting (default 2: cold, warm)")
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()}", flush=True)
    texts = load_texts(args.corpus)
    mb = sum(len(t.encode()) for t in texts.column("text").to_pylist()) / 1e6
    print(f"{texts.num_rows} texts, {mb:.1f} MB", flush=True)
    print("| front | cores | passages | seconds | passages/s | passages/s per core | passages per CPU s | note |")
    print("|---|---|---|---|---|---|---|---|")

    m = stance.Model.load(args.model)
    t0, c0 = time.perf_counter(), time.process_time()
    scored = stance.spark.score_batch(m, texts)
    passages = scored.num_rows
    row("Python `stance.spark.score_batch` (Model.classify + columns)", 1, passages, time.perf_counter() - t0,
        cpu=time.process_time() - c0)
    t0, c0 = time.perf_counter(), time.process_time()
    n = m.classify(texts.column("text"), lang="en").num_rows
    row("Python `Model.classify`", 1, n, time.perf_counter() - t0, cpu=time.process_time() - c0)

    cores = [int(c) for c in args.cores.split(",") if c.strip()]
    if cores:
        from pyspark.sql import SparkSession

        os.environ["PYSPARK_PYTHON"] = sys.executable
        parquet = Path("/tmp") / f"stance-scale-{os.getpid()}.parquet"
        import pyarrow.parquet as pq

        pq.write_table(texts, parquet)
        try:
            for c in cores:
                spark = (
                    SparkSession.builder.master(f"local[{c}]")
                    .appName("stance-scale")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.memory", "2g")
                    .getOrCreate()
                )
                spark.sparkContext.setLogLevel("ERROR")
                df = spark.read.parquet(str(parquet)).repartition(8).cache()
                df.count()
                for r in range(args.runs):
                    t0 = time.perf_counter()
                    stance.spark.score(df, model=str(args.model)).write.format("noop").mode("overwrite").save()
                    row(f"Spark local[{c}] `stance.spark.score`", c, passages, time.perf_counter() - t0,
                        "first run: workers start, model loaded" if r == 0 else "workers and model reused")
                spark.stop()
        finally:
            parquet.unlink(missing_ok=True)
    print(f"load average after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
