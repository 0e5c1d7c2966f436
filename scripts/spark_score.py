#!/usr/bin/env python3
"""A Spark job: score Parquet texts with a frozen stance model, one row per passage, as Parquet
(and, with --stances, the counts per issuer x topic x stance of stances.csv). The job is
`stance.spark.main` (python/stance/spark.py); the stance package must be installed where the
executors run (docs/scale.md, "To a cluster").

    spark-submit --master local[2] scripts/spark_score.py statements/ scored/ \\
        --model fitted/model.bin --stances stances/
    spark-submit --master yarn --archives stance-env.tar.gz#env --files fitted/model.bin \\
        scripts/spark_score.py hdfs:///statements hdfs:///scored --model model.bin
"""
import sys

from stance.spark import main

if __name__ == "__main__":
    sys.exit(main())
