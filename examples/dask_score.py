"""Scores a partitioned Parquet corpus of articles on a Dask cluster and writes the scored
quotations as partitioned Parquet: `tonetrack.score` on each partition
(`dask.dataframe.map_partitions`), one output partition per input partition, in order.

    pip install ./python "dask[dataframe]" distributed
    python examples/dask_score.py CORPUS_DIR OUT_DIR --id-col id --date-col published
    python examples/dask_score.py CORPUS_DIR OUT_DIR --scheduler tcp://host:8786   # a cluster

The corpus is any Parquet dataset with one article per row (a text column, and optionally id,
date, URL and title columns: by default those named `id`, `date`, `url` and `title`, when there
are); every other column is passed through to the quotations of its row. Without --scheduler, a `distributed.LocalCluster` of --workers processes runs it.
"""

from __future__ import annotations

import argparse
import time
from typing import Optional

import dask
import dask.dataframe as dd
import pyarrow as pa
import pyarrow.dataset as ds

import tonetrack


def score_corpus(
    source: str,
    destination: str,
    *,
    text_col: str = "text",
    date_col: Optional[str] = None,
    id_col: Optional[str] = None,
    url_col: Optional[str] = None,
    title_col: Optional[str] = None,
    model: Optional[tonetrack.Model] = None,
    all: bool = False,
) -> int:
    """Scores every partition of the Parquet dataset `source` on the current Dask scheduler
    and writes `destination` (one Parquet file per partition); returns the number of input
    partitions. Each partition is scored alone, so the result is the same whatever the number
    of workers: that of `tonetrack.score` on the whole table."""
    with dask.config.set({"dataframe.convert-string": False}):
        articles = dd.read_parquet(source)
        # A role not named keeps tonetrack.score's default: the column named like the role
        # (`date`, `id`, `url`, `title`) when the corpus has one, as the command line.
        roles = dict(date_col=date_col, id_col=id_col, url_col=url_col, title_col=title_col)
        options = dict(
            text_col=text_col,
            **{role: name for role, name in roles.items() if name is not None},
            model=model,
            all=all,
        )
        # The output's columns and types: tonetrack.score of the empty partition.
        meta = tonetrack.score(articles._meta, **options)
        scored = articles.map_partitions(tonetrack.score, **options, meta=meta)
        scored.to_parquet(
            destination, write_index=False, overwrite=True, schema=output_schema(source, meta)
        )
        return articles.npartitions


def output_schema(source: str, meta) -> pa.Schema:
    """The Arrow schema of the output. pandas holds dates, the lists of top terms and the
    passed-through text columns as Python objects, whose types Dask cannot infer from the empty
    `meta`: they are dates, lists of strings and, for passed-through columns, the input
    dataset's types."""
    known = {"date": pa.date32(), "top_terms": pa.list_(pa.string())}
    for field in ds.dataset(source, format="parquet").schema:
        name = f"input_{field.name}" if f"input_{field.name}" in meta.columns else field.name
        if name in meta.columns and name not in known:
            known[name] = field.type
    inferred = pa.Schema.from_pandas(meta.drop(columns=list(known)), preserve_index=False)
    return pa.schema(
        [pa.field(name, known[name]) if name in known else inferred.field(name) for name in meta.columns]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="Parquet dataset of articles (a directory or a glob)")
    parser.add_argument("destination", help="directory for the scored quotations")
    parser.add_argument("--text-col", default="text")
    parser.add_argument("--date-col")
    parser.add_argument("--id-col")
    parser.add_argument("--url-col")
    parser.add_argument("--title-col")
    parser.add_argument("--model", help="model file (default: the built-in model)")
    parser.add_argument("--all", action="store_true", help="every quotation, not only those about U.S.–Russia relations")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler")
    parser.add_argument("--workers", type=int, default=2, help="local worker processes (without --scheduler)")
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    model = tonetrack.Model.load(args.model) if args.model else None
    if args.scheduler:
        client = Client(args.scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=None)
        client = Client(cluster)
    try:
        start = time.perf_counter()
        partitions = score_corpus(
            args.source,
            args.destination,
            text_col=args.text_col,
            date_col=args.date_col,
            id_col=args.id_col,
            url_col=args.url_col,
            title_col=args.title_col,
            model=model,
            all=args.all,
        )
        print(f"scored {partitions} partitions into {args.destination} in {time.perf_counter() - start:.1f} s")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


if __name__ == "__main__":
    main()
