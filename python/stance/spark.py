"""stance.spark: scoring statements at archive scale on Apache Spark, with a frozen model.

Fitting stays on one machine (``stance fit`` on a representative corpus); scoring is one text at a
time, so Spark spreads it: :func:`score` classifies a DataFrame of texts with ``mapInArrow`` (Arrow
batches in and out, no pandas), the model loaded once per Python worker and kept for the next
tasks, and :func:`aggregate` counts the scored passages per issuer x topic x stance, the numbers
of ``stance export``'s stances.csv. Parquet in and out: Spark's own readers and writers (see
:func:`main` for a job that ``spark-submit`` runs).

Example
-------
>>> from pyspark.sql import SparkSession                                  # doctest: +SKIP
>>> from stance.spark import score, aggregate                             # doctest: +SKIP
>>> spark = SparkSession.builder.master("local[2]").getOrCreate()         # doctest: +SKIP
>>> statements = spark.read.parquet("statements/")   # issuer, bloc, date, text, ...  # doctest: +SKIP
>>> scored = score(statements, model="fitted/model.bin", text_col="text")  # doctest: +SKIP
>>> scored.write.parquet("scored/")                                       # doctest: +SKIP
>>> aggregate(scored).show()      # issuer, bloc, topic, stance, n, share  # doctest: +SKIP
>>> scored.groupBy("issuer", "topic").count()                             # doctest: +SKIP

The model file must be readable where the executors run: a path they share (local mode, a
shared file system), or shipped with the job (``spark-submit --files fitted/model.bin`` or
``spark.sparkContext.addFile``): a path that does not exist on an executor is looked up among the
job's files by its name. See docs/scale.md.
"""

from __future__ import annotations

import argparse
import os
import threading
from typing import TYPE_CHECKING, Dict, Iterator, List, Optional, Sequence, Tuple

import pyarrow as pa
import pyarrow.compute as pc

from . import DataError, Model, UsageError

if TYPE_CHECKING:  # pyspark is needed only to call score / aggregate
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["score", "aggregate", "score_batch", "scored_schema", "main"]

#: The bloc of an issuer none of whose documents names one (as the command line's corpus reader).
NO_BLOC = "(none)"

#: The stances in the order of stances.csv.
STANCES = ("support", "oppose", "neutral")

_models: Dict[Tuple[str, Optional[str]], Model] = {}
_models_lock = threading.Lock()


def _resolve(path: str) -> str:
    """``path`` itself, else the job's file of that name (``--files`` / ``addFile``)."""
    if os.path.exists(path):
        return path
    try:
        from pyspark import SparkFiles

        shipped = SparkFiles.get(os.path.basename(path))
    except Exception:  # no Spark here, or no files shipped
        shipped = None
    if shipped and os.path.exists(shipped):
        return shipped
    raise DataError(
        f"{path}: model not found on this machine; give a path the executors can read, or ship it "
        "with `spark-submit --files MODEL` (or spark.sparkContext.addFile)"
    )


def _model(path: str, lexicon: Optional[str] = None) -> Model:
    """The model at ``path``, loaded once per process (each Spark Python worker keeps it for its
    next tasks: ``spark.python.worker.reuse``, on by default)."""
    key = (path, lexicon)
    with _models_lock:
        m = _models.get(key)
        if m is None:
            m = _models[key] = Model.load(_resolve(path), None if lexicon is None else _resolve(lexicon))
        return m


def scored_schema(input_schema: pa.Schema, text_col: str = "text", keep: Optional[Sequence[str]] = None,
                  lang_col: Optional[str] = "lang") -> pa.Schema:
    """The Arrow schema of :func:`score_batch`'s output for an input of ``input_schema``: the
    ``keep`` columns (default: all but ``text_col`` and ``lang_col``), then the passage columns of
    :meth:`stance.Model.classify` without ``doc``."""
    kept = _kept(input_schema.names, text_col, keep, lang_col)
    passage = _passage_schema()
    clash = sorted(set(kept) & set(passage.names))
    if clash:
        raise UsageError(
            f"column(s) {', '.join(clash)} of the DataFrame would clash with the scored columns; "
            "rename them or leave them out with keep=[...]"
        )
    return pa.schema([input_schema.field(c) for c in kept] + list(passage))


def _kept(names: Sequence[str], text_col: str, keep: Optional[Sequence[str]], lang_col: Optional[str]) -> List[str]:
    if text_col not in names:
        raise UsageError(f"no column '{text_col}' in the DataFrame (columns: {', '.join(names)}); set text_col=")
    if keep is None:
        return [c for c in names if c != text_col and c != lang_col]
    missing = [c for c in keep if c not in names]
    if missing:
        raise UsageError(f"keep: no column {', '.join(missing)} in the DataFrame (columns: {', '.join(names)})")
    return list(keep)


_PASSAGE_SCHEMA: Optional[pa.Schema] = None


def _passage_schema() -> pa.Schema:
    """Columns of ``Model.classify`` without ``doc`` (the schema is the library's, not a copy)."""
    global _PASSAGE_SCHEMA
    if _PASSAGE_SCHEMA is None:
        from . import _stance

        schema = _stance.classified_schema()
        _PASSAGE_SCHEMA = schema.remove(schema.get_field_index("doc"))
    return _PASSAGE_SCHEMA


def score_batch(
    model: Model,
    batch: "pa.RecordBatch | pa.Table",
    text_col: str = "text",
    keep: Optional[Sequence[str]] = None,
    lang: Optional[str] = None,
    lang_col: Optional[str] = "lang",
) -> pa.Table:
    """Score one Arrow batch (or table) of texts: what :func:`score` runs on every partition, and
    usable as is without Spark (pyarrow in, pyarrow out).

    One row per passage, in input order: the ``keep`` columns of the text's row, then the passage
    columns of :meth:`stance.Model.classify` (``passage, start, end, lang, topic, topic_score,
    stance, source, p, cues, topics, stances, in_domain, domain_score, domain_evidence, text``;
    ``text`` is the passage's). A null text, or one too short for a passage, gives no row.
    The language: ``lang`` for all texts, else the ``lang_col`` column where the input has it
    (``"fr"`` / ``"en"``; null: detected), else detected per text.

    >>> t = pa.table({"issuer": ["France"], "text": ["Nous soutenons la Convention de Budapest ..."]})  # doctest: +SKIP
    >>> score_batch(stance.Model.load("fitted/model.bin"), t).to_pandas()  # doctest: +SKIP
    """
    schema = scored_schema(batch.schema, text_col, keep, lang_col)
    kept = schema.names[: len(schema) - len(_passage_schema())]
    texts = batch.column(text_col).to_pylist()
    if lang is None and lang_col is not None and lang_col in batch.schema.names:
        langs = batch.column(lang_col).to_pylist()
        groups: Dict[Optional[str], List[int]] = {}
        for i, value in enumerate(langs):
            groups.setdefault(value or None, []).append(i)
        parts = []
        for value in sorted(groups, key=lambda v: (v is not None, v or "")):
            rows = groups[value]
            t = model.classify([texts[i] for i in rows], lang=value)
            doc = pc.take(pa.array(rows, pa.int64()), t.column("doc"))
            parts.append(t.set_column(0, "doc", doc))
        classified = pa.concat_tables(parts).sort_by([("doc", "ascending"), ("passage", "ascending")])
    else:
        classified = model.classify(texts, lang=lang)
    carried = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    carried = carried.select(kept).take(classified.column("doc"))
    columns = list(carried.columns) + list(classified.drop_columns(["doc"]).columns)
    return pa.Table.from_arrays(columns, schema=schema)


def score(
    df: "DataFrame",
    model: str,
    text_col: str = "text",
    keep: Optional[Sequence[str]] = None,
    lang: Optional[str] = None,
    lang_col: Optional[str] = "lang",
    lexicon: Optional[str] = None,
) -> "DataFrame":
    """Score a Spark DataFrame of texts with a frozen model: one row per passage.

    Parameters
    ----------
    df:
        One row per text: ``text_col`` (string) and any columns to carry over (issuer, bloc,
        date, an id...).
    model:
        A saved model (``stance fit --out fitted/`` writes ``fitted/model.bin``; a folder holding
        it works too), readable by the executors or shipped with the job (module doc).
    text_col:
        The column of the texts.
    keep:
        The columns carried over to every passage row (default: all but ``text_col`` and
        ``lang_col``); a name that clashes with a scored column is refused.
    lang, lang_col:
        ``"fr"`` or ``"en"`` for every text; else the language column (``"lang"`` by default,
        when the DataFrame has it; null: detected); else detected per text.
    lexicon:
        The topic lexicon the model is used with (default: the built-in one).

    Returns a DataFrame of the ``keep`` columns then ``passage, start, end, lang, topic,
    topic_score, stance, source, p, cues, topics, stances, in_domain, domain_score,
    domain_evidence, text`` (see :meth:`stance.Model.classify`; ``text`` is the passage's, ``source``
    says whether the main stance comes from the lexicon's cues or the learned model, ``p`` its
    probability). Lazy, as any Spark transformation: nothing runs until it is written or counted.
    The model is checked on the driver first, so a wrong path fails here, not in a task.

    >>> scored = score(spark.read.parquet("statements/"), model="fitted/model.bin")   # doctest: +SKIP
    >>> scored.where("topic = 'binding_norms'").groupBy("issuer", "stance").count()    # doctest: +SKIP
    """
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema

    model = os.fspath(model)
    lexicon = None if lexicon is None else os.fspath(lexicon)
    if os.path.isdir(model):
        model = os.path.join(model, "model.bin")
    _model(model, lexicon)  # fails on the driver with the library's message
    out = scored_schema(to_arrow_schema(df.schema), text_col, keep, lang_col)
    spark_schema = from_arrow_schema(out)
    args = (model, lexicon, text_col, keep, lang, lang_col)

    def batches(it: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        yield from _score_partition(it, *args)

    return df.mapInArrow(batches, spark_schema)


def _one_thread_per_task() -> None:
    """Spark runs one task per core: each classifies on its task's CPUs (``spark.task.cpus``, 1 by
    default), not on every core of the machine at once. Set before the first classify of the
    worker (the thread pool is made then); RAYON_NUM_THREADS set by the user wins."""
    if "RAYON_NUM_THREADS" in os.environ:
        return
    try:
        from pyspark import TaskContext

        cpus = TaskContext.get().cpus()
    except Exception:
        cpus = 1
    os.environ["RAYON_NUM_THREADS"] = str(max(1, int(cpus or 1)))


def _score_partition(it, model, lexicon, text_col, keep, lang, lang_col) -> Iterator[pa.RecordBatch]:
    _one_thread_per_task()
    m = _model(model, lexicon)
    for batch in it:
        yield from score_batch(m, batch, text_col, keep, lang, lang_col).to_batches()


def aggregate(scored: "DataFrame", issuer_col: str = "issuer", bloc_col: str = "bloc") -> "DataFrame":
    """Passages per issuer x topic x stance, with shares: ``stance export``'s stances.csv from
    scored rows (same columns, same order, same numbers on the same texts).

    Every topic a passage reaches counts (``topics`` / ``stances``), so a passage on two topics
    counts for both; the three stances of every issuer x topic pair with a passage are listed,
    ``n`` 0 included; ``share`` = n / the pair's passages. An issuer's ``bloc`` is the bloc of most
    of its scored documents (ties: the first by name; none: ``"(none)"``), a document being
    counted by its first passage (``passage`` 0) — a document without any passage does not vote
    here while it does in the command line's corpus.

    Columns: ``issuer, bloc, topic, stance, n, share``, sorted by issuer, topic, then support,
    oppose, neutral.

    >>> aggregate(score(df, model="fitted/model.bin")).toPandas()     # doctest: +SKIP
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    for c in (issuer_col, "passage", "topics", "stances"):
        if c not in scored.columns:
            raise UsageError(f"no column '{c}' in the scored DataFrame: give the output of stance.spark.score")
    issuer = F.col(issuer_col).cast("string").alias("issuer")
    pairs = scored.select(issuer, F.posexplode("topics").alias("i", "topic"), "stances").select(
        "issuer", "topic", F.element_at("stances", F.col("i") + 1).alias("stance")
    )
    counts = pairs.groupBy("issuer", "topic").agg(
        *[F.sum(F.when(F.col("stance") == s, 1).otherwise(0)).cast("long").alias(s) for s in STANCES],
        F.count(F.lit(1)).alias("total"),
    )
    rows = counts.select(
        "issuer",
        "topic",
        F.explode(
            F.array(*[F.struct(F.lit(r).alias("rank"), F.lit(s).alias("stance"), F.col(s).alias("n")) for r, s in enumerate(STANCES)])
        ).alias("s"),
        "total",
    ).select("issuer", "topic", "s.rank", "s.stance", "s.n", (F.col("s.n") / F.col("total")).alias("share"))

    if bloc_col in scored.columns:
        bloc = F.coalesce(F.nullif(F.col(bloc_col).cast("string"), F.lit("")), F.lit(NO_BLOC))
    else:
        bloc = F.lit(NO_BLOC)
    votes = scored.where(F.col("passage") == 0).groupBy(issuer, bloc.alias("bloc")).count()
    best = Window.partitionBy("issuer").orderBy(F.col("count").desc(), F.col("bloc").asc())
    blocs = votes.withColumn("r", F.row_number().over(best)).where("r = 1").select("issuer", "bloc")
    return (
        rows.join(blocs, "issuer", "left")
        .select("issuer", F.coalesce("bloc", F.lit(NO_BLOC)).alias("bloc"), "topic", "stance", "n", "share", "rank")
        .orderBy("issuer", "topic", "rank")
        .drop("rank")
    )


def main(argv: Optional[Sequence[str]] = None, spark: Optional["SparkSession"] = None) -> int:
    """The Spark job of ``scripts/spark_score.py``: Parquet texts in, scored passages (and the
    stance counts) out as Parquet. ``spark-submit scripts/spark_score.py --help``."""
    ap = argparse.ArgumentParser(
        prog="spark_score.py",
        description="Score Parquet texts with a frozen stance model on Spark: one row per passage, as Parquet.",
        epilog="Example: spark-submit --files fitted/model.bin scripts/spark_score.py statements/ scored/ "
        "--model model.bin --stances stances/",
    )
    ap.add_argument("input", help="Parquet file or folder of texts (a text column and any others)")
    ap.add_argument("output", help="folder for the scored passages (Parquet); must not exist unless --overwrite")
    ap.add_argument("--model", required=True, help="saved model (stance fit --out DIR writes DIR/model.bin)")
    ap.add_argument("--text-col", default="text", help="column of the texts (default: text)")
    ap.add_argument("--keep", default=None, help="comma-separated columns carried over (default: all but the text)")
    ap.add_argument("--lang", default=None, choices=["fr", "en"], help="language of every text (default: lang column, else detected)")
    ap.add_argument("--lexicon", default=None, help="topic lexicon (default: the built-in one)")
    ap.add_argument("--stances", default=None, help="also write the stance counts (stances.csv's columns) to this Parquet folder")
    ap.add_argument("--overwrite", action="store_true", help="replace the output folders")
    args = ap.parse_args(argv)
    if spark is None:
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.appName("stance score").getOrCreate()
    keep = None if args.keep is None else [c.strip() for c in args.keep.split(",") if c.strip()]
    mode = "overwrite" if args.overwrite else "errorifexists"
    scored = score(spark.read.parquet(args.input), args.model, args.text_col, keep, args.lang, lexicon=args.lexicon)
    scored.write.mode(mode).parquet(args.output)
    if args.stances:
        aggregate(spark.read.parquet(args.output)).coalesce(1).write.mode(mode).parquet(args.stances)
    return 0
