"""Scores a Parquet corpus of articles on Spark and writes the scored quotations as Parquet:
`tonetrack.score` as a pandas UDF over Arrow batches (`DataFrame.mapInPandas`), each batch
scored alone, as on Dask (examples/dask_score.py).

    pip install ./python pyspark "pandas<3"   # and a Java runtime (17+), which Spark needs
    python examples/spark_score.py CORPUS OUT_DIR                 # local[2]
    python examples/spark_score.py CORPUS OUT_DIR --master spark://host:7077

The corpus is any Parquet dataset with one article per row: a `text` column, and the columns
`id`, `date`, `url` and `title` when there are (tonetrack.score's defaults, as the command
line's). The output has the columns of `tonetrack score --format parquet` for the built-in
model; other input columns are not carried (add them to SCHEMA to keep them).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import tonetrack

CLASSES = tonetrack.Model.default().classes
COLUMNS = tonetrack.SCORE_COLUMNS + [f"p_{c}" for c in sorted(CLASSES)] + ["tone", "top_terms"]
SCHEMA = (
    "article string, title string, url string, date date, date_source string, "
    "speaker string, speaker_kind string, attribution string, quote string, start long, "
    "`end` long, paragraph long, partial boolean, relevant boolean, cue string, label string, "
    + ", ".join(f"p_{c} double" for c in sorted(CLASSES))
    + ", tone double, top_terms array<string>"
)


def score_batches(frames):
    """An iterator of pandas DataFrames (one Spark task's Arrow batches) to their quotations."""
    for frame in frames:
        yield tonetrack.score(frame)[COLUMNS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="Parquet dataset of articles (a file or a directory)")
    parser.add_argument("destination", help="directory for the scored quotations")
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    args = parser.parse_args()

    from pyspark.sql import SparkSession

    # Local workers run this interpreter, which has tonetrack; on a cluster, every node needs
    # the package and PYSPARK_PYTHON pointing at an interpreter that has it.
    if args.master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = SparkSession.builder.master(args.master).appName("tonetrack").getOrCreate()
    try:
        start = time.perf_counter()
        articles = spark.read.parquet(args.source)
        scored = articles.mapInPandas(score_batches, schema=SCHEMA)
        scored.write.mode("overwrite").parquet(args.destination)
        rows = spark.read.parquet(args.destination).count()
        print(f"scored {rows} quotations into {args.destination} in {time.perf_counter() - start:.1f} s")
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
