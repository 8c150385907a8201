"""examples/dask_score.py on a distributed.LocalCluster of 2 worker processes, over a generated
corpus of 120 Parquet partitions made of the repository's seed articles: the result equals
tonetrack.score over the whole table, row for row."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tonetrack

from conftest import REPO, run_cli

pytestmark = pytest.mark.dask

PARTITIONS = 120
ROWS_PER_PARTITION = 4


def load_example():
    spec = importlib.util.spec_from_file_location("dask_score", REPO / "examples" / "dask_score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_corpus(seeds: pd.DataFrame, partitions: int, rows: int) -> pd.DataFrame:
    """`partitions × rows` articles cycling through the seeds, with a unique id, a date column
    empty for every third row (the text's own date is used), a URL, an outlet and a number
    (passed through as Int64 by the CLI and by Dask)."""
    n = partitions * rows
    picks = [i % len(seeds) for i in range(n)]
    return pd.DataFrame(
        {
            "id": [f"a{i:06d}-{seeds['id'][k].split('/')[-1]}" for i, k in enumerate(picks)],
            "text": [seeds["text"][k] for k in picks],
            "published": [None if i % 3 == 0 else f"20{10 + i % 12:02d}-0{1 + i % 9}-1{i % 10}" for i in range(n)],
            "link": [f"https://example.org/{i}" for i in range(n)],
            "outlet": [f"outlet {i % 7}" for i in range(n)],
            "words": [len(seeds["text"][k].split()) + i for i, k in enumerate(picks)],
        }
    )


def write_partitions(table: pd.DataFrame, directory: Path, partitions: int) -> None:
    directory.mkdir()
    size = len(table) // partitions
    for p in range(partitions):
        part = table.iloc[p * size : (p + 1) * size]
        pq.write_table(pa.Table.from_pandas(part, preserve_index=False), directory / f"part.{p:04d}.parquet")


def read_rows(directory: Path) -> tuple[list[str], list[dict]]:
    """The rows of a directory of Parquet files, file by file in partition order."""
    files = sorted(directory.glob("*.parquet"), key=lambda f: [int(x) for x in re.findall(r"\d+", f.name)])
    tables = [pq.read_table(f) for f in files]
    return tables[0].schema.names, [row for t in tables for row in t.to_pylist()]


def test_dask_two_workers_equal_single_process(tmp_path, seeds_df):
    from distributed import Client, LocalCluster

    table = make_corpus(seeds_df, PARTITIONS, ROWS_PER_PARTITION)
    corpus = tmp_path / "corpus"
    write_partitions(table, corpus, PARTITIONS)
    assert len(list(corpus.glob("*.parquet"))) == PARTITIONS >= 100
    options = dict(id_col="id", date_col="published", url_col="link")
    example = load_example()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 2
            partitions = example.score_corpus(str(corpus), str(tmp_path / "scored"), **options)
    assert partitions == PARTITIONS
    names, got = read_rows(tmp_path / "scored")
    assert len(list((tmp_path / "scored").glob("*.parquet"))) == PARTITIONS

    expected = tonetrack.score(table, **options)
    expected_rows = pa.Table.from_pandas(expected, preserve_index=False).to_pylist()
    assert names == list(expected.columns)
    assert len(got) == len(expected_rows) > PARTITIONS * ROWS_PER_PARTITION
    for i, (a, b) in enumerate(zip(got, expected_rows)):
        assert a == b, f"row {i} differs"
    # Every article's quotations came back, and the column dates were used.
    assert set(r["article"] for r in got) == set(table["id"])
    assert {r["date_source"] for r in got} >= {"column"}


def test_dask_output_equals_cli_parquet(tmp_path, seeds_df, cli):
    """The Dask run's partitioned Parquet equals `tonetrack score` over the same partitions
    with `--format parquet`, row for row and column for column."""
    from distributed import Client, LocalCluster

    table = make_corpus(seeds_df, PARTITIONS, ROWS_PER_PARTITION)
    corpus = tmp_path / "corpus"
    write_partitions(table, corpus, PARTITIONS)
    options = dict(id_col="id", date_col="published", url_col="link")
    example = load_example()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster):
            example.score_corpus(str(corpus), str(tmp_path / "scored"), **options)
    names, got = read_rows(tmp_path / "scored")

    files = sorted(corpus.glob("*.parquet"))
    out = tmp_path / "cli.parquet"
    run_cli(cli, "score", *map(str, files), "--id-col", "id", "--date-col", "published",
            "--url-col", "link", "--format", "parquet", "--out", str(out))
    expected = pq.read_table(out)
    assert names == expected.schema.names
    expected_rows = expected.to_pylist()
    assert len(got) == len(expected_rows) > PARTITIONS * ROWS_PER_PARTITION
    for i, (a, b) in enumerate(zip(got, expected_rows)):
        assert a == b, f"row {i} differs: {a} != {b}"
