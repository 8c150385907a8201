"""The Python API against the command line built from the same repository, on the repository's
own data: the seed articles and the labeled quotations of data/."""

from __future__ import annotations

import math
import pickle
import sys
import threading

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import tonetrack
from tonetrack import _tonetrack

from conftest import REPO, cli_csv, cli_jsonl, run_cli


def fixed4(x: float) -> str:
    """As the command line writes probabilities and tones in CSV (`{:.4}`: the exact binary
    value rounded half to even, as Python's format does)."""
    return f"{x:.4f}"


# --- predict -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def test_quotes(tmp_path_factory) -> tuple[pd.DataFrame, str]:
    """The first 300 rows of data/quotes_test.csv, as a table and as a CSV file."""
    df = pd.read_csv(REPO / "data" / "quotes_test.csv", dtype=str, keep_default_na=False).head(300)
    path = tmp_path_factory.mktemp("predict") / "quotes.csv"
    df.to_csv(path, index=False)
    return df, str(path)


def test_predict_agrees_with_cli(cli, test_quotes):
    df, path = test_quotes
    model = tonetrack.Model.default()
    got = model.predict(df["text"])
    expected = cli_jsonl(cli, "predict", "--data", path, "--format", "jsonl")
    assert len(got) == len(expected) == 300
    assert list(got.columns) == ["text", "label"] + [f"p_{c}" for c in model.classes] + ["tone", "top_terms"]
    for row, exp in zip(got.itertuples(index=False), expected):
        assert row.text == exp["text"]
        assert row.label == exp["label"]
        assert math.isclose(row.tone, exp["tone"], abs_tol=1e-9)
        for c in model.classes:
            assert math.isclose(getattr(row, f"p_{c}"), exp["probabilities"][c], abs_tol=1e-9)
        assert list(row.top_terms) == [t["term"] for t in exp["top_terms"]]
    # The CSV: same column names, the values as the CLI rounds them.
    rows = cli_csv(cli, "predict", "--data", path, "--format", "csv")
    for column in ["label"] + [f"p_{c}" for c in model.classes] + ["tone"]:
        assert column in rows[0], column
    for (_, row), exp in zip(got.iterrows(), rows):
        assert row["label"] == exp["label"]
        for c in model.classes:
            assert fixed4(row[f"p_{c}"]) == exp[f"p_{c}"]
        assert fixed4(row["tone"]) == exp["tone"]
        assert "; ".join(row["top_terms"]) == exp["top_terms"]


def test_predict_proba_is_predict_in_class_order(test_quotes):
    df, _ = test_quotes
    model = tonetrack.Model.default()
    proba = model.predict_proba(df["text"].tolist())
    assert isinstance(proba, np.ndarray)
    assert proba.shape == (300, len(model.classes))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    frame = model.predict(df["text"])
    np.testing.assert_array_equal(proba, frame[[f"p_{c}" for c in model.classes]].to_numpy())
    assert [model.classes[i] for i in proba.argmax(axis=1)] == frame["label"].tolist()


# --- score and quotes ----------------------------------------------------------------------


def test_score_agrees_with_cli_csv_row_for_row(cli, seeds_df):
    got = tonetrack.score(seeds_df, id_col="id")
    expected = cli_csv(cli, "score", "seeds/", "--format", "csv")
    assert len(got) == len(expected) > 20
    header = list(expected[0].keys())
    # The CLI's columns, in its order; the id column is `article`, not passed through again.
    assert list(got.columns) == header
    for (_, row), exp in zip(got.iterrows(), expected):
        for column in ("article", "speaker", "speaker_kind", "attribution", "quote", "cue", "label", "date_source", "title", "url"):
            value = row[column]
            assert ("" if value is None or (isinstance(value, float) and math.isnan(value)) else value) == exp[column], column
        assert (row["date"].isoformat() if row["date"] is not None else "") == exp["date"]
        for column in ("start", "end", "paragraph"):
            assert row[column] == int(exp[column])
        assert str(row["partial"]).lower() == exp["partial"] and str(row["relevant"]).lower() == exp["relevant"]
        for column in [c for c in header if c.startswith("p_")] + ["tone"]:
            assert fixed4(row[column]) == exp[column], column
        assert "; ".join(row["top_terms"]) == exp["top_terms"]


@pytest.mark.parametrize("all_quotes", [False, True])
def test_score_agrees_with_cli_jsonl_to_1e9(cli, seeds_df, all_quotes):
    got = tonetrack.score(seeds_df, id_col="id", all=all_quotes)
    args = ["score", "seeds/", "--format", "jsonl"] + (["--all"] if all_quotes else [])
    expected = cli_jsonl(cli, *args)
    assert len(got) == len(expected)
    if all_quotes:
        assert not got["relevant"].all()
    else:
        assert got["relevant"].all()
    for (_, row), exp in zip(got.iterrows(), expected):
        assert (row["speaker"], row["quote"], row["label"]) == (exp["speaker"], exp["quote"], exp["label"])
        assert (row["start"], row["end"]) == (exp["start"], exp["end"])
        assert abs(row["tone"] - exp["tone"]) <= 1e-9
        for c, p in exp["probabilities"].items():
            assert abs(row[f"p_{c}"] - p) <= 1e-9
        assert list(row["top_terms"]) == exp["top_terms"]


def test_quotes_agree_with_cli(cli, seeds_df):
    got = tonetrack.quotes(seeds_df, id_col="id")
    expected = cli_csv(cli, "quotes", "seeds/", "--format", "csv")
    assert list(got.columns) == list(expected[0].keys())
    assert len(got) == len(expected)
    for (_, row), exp in zip(got.iterrows(), expected):
        for column in ("article", "title", "url", "speaker", "speaker_kind", "attribution", "quote", "date_source"):
            assert ("" if pd.isna(row[column]) else row[column]) == exp[column], column
        assert (row["date"].isoformat() if row["date"] is not None else "") == exp["date"]
        assert (row["start"], row["end"], row["paragraph"]) == (int(exp["start"]), int(exp["end"]), int(exp["paragraph"]))
        assert str(row["relevant"]).lower() == exp["relevant"]


def test_quotes_of_one_text_and_of_a_list(seeds_df):
    text = seeds_df["text"][0]
    one = tonetrack.quotes(text, name="lavrov.txt")
    assert len(one) > 3 and set(one["article"]) == {"lavrov.txt"}
    several = tonetrack.quotes([text, seeds_df["text"][1]])
    assert set(several["article"]) == {"0", "1"}
    assert several[several["article"] == "0"]["quote"].tolist() == one["quote"].tolist()


def test_date_column_takes_precedence(cli, seeds_df):
    df = seeds_df.assign(
        published=[None, "2017-06-24T08:00:00Z", "2019-05-14", "", pd.NA],
        outlet=["a", "b", "c", "d", "e"],
    )
    got = tonetrack.score(df, id_col="id", date_col="published")
    plain = tonetrack.score(seeds_df, id_col="id")
    assert got[["article", "quote", "tone"]].equals(plain[["article", "quote", "tone"]])
    by_article = {a: g for a, g in got.groupby("article")}
    dated = {"seeds/001_e72f4309ebf72042.txt": "2017-06-24", "seeds/002_76ecafdd9f232f66.txt": "2019-05-14"}
    for article, group in by_article.items():
        if article in dated:
            assert set(group["date_source"]) == {"column"}
            assert {d.isoformat() for d in group["date"]} == {dated[article]}
        else:
            # No value in the column: the text's own date, as the command line finds it.
            cli_rows = [r for r in cli_csv(cli, "score", article, "--format", "csv")]
            assert set(group["date_source"]) == {r["date_source"] for r in cli_rows}
            assert {d.isoformat() if d else "" for d in group["date"]} == {r["date"] for r in cli_rows}
    # The column's date is the one a --dates manifest would give.
    manifest = cli_csv(cli, "score", "seeds/", "--dates", "data/seeds_dates.csv", "--format", "csv")
    seed2 = [r for r in manifest if r["article"].startswith("seeds/002")]
    assert {r["date"] for r in seed2} == {"2019-05-14"}
    assert len(seed2) == len(by_article["seeds/002_76ecafdd9f232f66.txt"])
    # Timestamps and dates work as strings do.
    as_timestamps = df.assign(published=pd.to_datetime(df["published"].replace("", None), utc=True, format="ISO8601"))
    assert tonetrack.score(as_timestamps, id_col="id", date_col="published")["date"].equals(got["date"])


def test_columns_named_like_roles_are_used_by_default_as_the_cli_does(cli, seeds_df, tmp_path):
    """A frame with `date`, `id` and `title` columns: score and quotes use them without being
    told, as `tonetrack score TABLE` does; `None` uses no column for a role."""
    df = seeds_df.assign(
        date=["2016-03-01", "2017-06-24", "", None, "2019-05-14"],
        title=[f"Title {i}" for i in range(5)],
    )
    table = tmp_path / "articles.csv"
    df.to_csv(table, index=False)
    expected = cli_csv(cli, "score", str(table), "--format", "csv")
    got = tonetrack.score(df)
    assert len(got) == len(expected) > 20
    assert list(got.columns) == list(expected[0].keys())
    for (_, row), exp in zip(got.iterrows(), expected):
        assert (row["article"], row["title"], row["date_source"]) == (exp["article"], exp["title"], exp["date_source"])
        assert (row["date"].isoformat() if row["date"] is not None else "") == exp["date"]
    assert {"column"} <= set(got["date_source"]) and set(got["title"]) <= set(df["title"])
    quoted = tonetrack.quotes(df)
    assert set(got["article"]) <= set(quoted["article"]) <= set(df["id"])
    assert set(quoted["title"]) <= set(df["title"])
    # None: the id column is passed through and the article is the index label.
    plain = tonetrack.score(df, id_col=None, date_col=None, title_col=None)
    assert set(plain["article"]) <= {"0", "1", "2", "3", "4"}
    assert "column" not in set(plain["date_source"])
    assert {"id", "input_date", "input_title"} <= set(plain.columns)


def test_columns_are_passed_through(seeds_df):
    df = seeds_df.assign(
        outlet=[f"outlet {i}" for i in range(5)],
        title=[f"Headline {i}" for i in range(5)],
        clicks=[10, 20, 30, 40, 50],
    )
    got = tonetrack.score(df, id_col="id", title_col="title")
    assert "text" not in got.columns
    # The columns named as the id and title are the output's `article` and `title`, not passed.
    assert list(got.columns[-2:]) == ["outlet", "clicks"] and "id" not in got.columns
    for _, row in got.iterrows():
        i = int(df.index[df["id"] == row["article"]][0])
        assert row["outlet"] == f"outlet {i}" and row["clicks"] == 10 * (i + 1)
        # The title column takes precedence over the text's.
        assert row["title"] == f"Headline {i}"
    # Without an id column, articles are named by their index labels.
    indexed = df.set_index(pd.Index([f"row-{i}" for i in range(5)]))
    names = tonetrack.score(indexed, id_col=None)["article"]
    assert set(names) <= {f"row-{i}" for i in range(5)} and len(set(names)) == 5


def test_a_table_longer_than_a_chunk(seeds_df):
    """Rows are scored 4096 at a time: every row past the first chunk keeps its own quotations
    and passed-through columns."""
    n = 4100
    df = pd.DataFrame(
        {"id": [f"r{i}" for i in range(n)], "text": [seeds_df["text"][i % 5] for i in range(n)], "k": range(n)}
    )
    got = tonetrack.score(df, id_col="id")
    per_seed = [tonetrack.score(seeds_df.iloc[[j]], id_col="id")["quote"].tolist() for j in range(5)]
    assert len(got) == sum(len(per_seed[i % 5]) for i in range(n))
    assert (got["article"] == "r" + got["k"].astype(str)).all()
    for i in (0, 4095, 4096, 4099):
        assert got.loc[got["k"] == i, "quote"].tolist() == per_seed[i % 5]


def test_url_column(seeds_df):
    """A URL column is each row's `url`, in score and quotes alike; `url` is used unasked."""
    df = seeds_df.assign(link=[f"https://example.org/{i}" for i in range(5)])
    for got in (
        tonetrack.score(df, id_col="id", url_col="link"),
        tonetrack.quotes(df, id_col="id", url_col="link"),
        tonetrack.quotes(df.rename(columns={"link": "url"}), id_col="id"),
    ):
        assert len(got) > 20 and "link" not in got.columns and "input_url" not in got.columns
        for _, row in got.iterrows():
            i = int(df.index[df["id"] == row["article"]][0])
            assert row["url"] == f"https://example.org/{i}"


def test_empty_and_missing_texts(seeds_df):
    empty = tonetrack.score(seeds_df.head(0), id_col="id")
    assert len(empty) == 0
    assert list(empty.columns[:16]) == tonetrack.SCORE_COLUMNS
    df = pd.DataFrame({"id": ["x", "y"], "text": [None, ""]})
    assert len(tonetrack.score(df, id_col="id")) == 0


def test_output_is_deterministic(seeds_df):
    a = tonetrack.score(seeds_df, id_col="id", all=True)
    b = tonetrack.score(seeds_df.iloc[::-1].reset_index(drop=True), id_col="id", all=True)
    order = ["article", "start"]
    pd.testing.assert_frame_equal(
        a.sort_values(order).reset_index(drop=True), b.sort_values(order).reset_index(drop=True)
    )


# --- trends --------------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["year", "quarter"])
def test_trends_agree_with_cli_json(cli, seeds_df, period):
    import json

    scored = tonetrack.score(seeds_df, id_col="id", all=True)
    got = tonetrack.trends(scored, period=period)
    expected = json.loads(run_cli(cli, "trends", "seeds/", "--period", period, "--format", "json"))
    assert got.attrs["trends"] == expected
    rows = [(s["speaker"], p) for s in expected["speakers"] for p in s["periods"]]
    assert len(got) == len(rows) > 0
    assert list(got.columns) == tonetrack.TREND_COLUMNS
    for (_, row), (speaker, p) in zip(got.iterrows(), rows):
        assert (row["speaker"], row["period"], row["n"]) == (speaker, p["period"], p["n"])
        assert abs(row["tone"] - p["tone"]) <= 1e-9 and abs(row["mean_tone"] - p["mean_tone"]) <= 1e-9
        assert row["start"].isoformat() == p["start"]
        if p["interval"] is None:
            assert math.isnan(row["ci_low"])
        else:
            assert abs(row["ci_low"] - p["interval"]["low"]) <= 1e-9
    # The CSV's columns and rounded values.
    csv_rows = cli_csv(cli, "trends", "seeds/", "--period", period, "--format", "csv")
    assert list(csv_rows[0].keys()) == tonetrack.TREND_COLUMNS
    for (_, row), exp in zip(got.iterrows(), csv_rows):
        assert abs(row["tone"] - float(exp["tone"])) <= 5e-7


def test_trends_count_duplicates_once(seeds_df):
    scored = tonetrack.score(seeds_df, id_col="id")
    doubled = pd.concat([scored, scored.assign(article=scored["article"] + "#copy")], ignore_index=True)
    once = tonetrack.trends(doubled)
    assert once.attrs["trends"]["counts"] == tonetrack.trends(doubled, keep_duplicates=False).attrs["trends"]["counts"]
    pd.testing.assert_frame_equal(once, tonetrack.trends(scored))
    every = tonetrack.trends(doubled, keep_duplicates=True)
    assert every["n"].sum() == 2 * once["n"].sum()


# --- train ---------------------------------------------------------------------------------


def test_train_then_predict_agrees_with_cli_train(cli, tmp_path):
    train = pd.read_csv(REPO / "data" / "quotes_train.csv", dtype=str, keep_default_na=False).head(400)
    path = tmp_path / "train.csv"
    train[["text", "label"]].to_csv(path, index=False)
    model = tonetrack.train(train, text_col="text", label_col="label", name="train.csv")
    assert sorted(model.classes) == sorted(set(train["label"]))
    run_cli(cli, "train", "--data", str(path), "--out", str(tmp_path / "cli.json"))
    texts = pd.read_csv(REPO / "data" / "quotes_test.csv", dtype=str, keep_default_na=False)["text"].head(200)
    ours = model.predict_proba(texts)
    theirs = tonetrack.Model.load(tmp_path / "cli.json").predict_proba(texts)
    np.testing.assert_allclose(ours, theirs, atol=1e-9)
    # Saved, loaded and pickled, it predicts the same.
    model.save(tmp_path / "py.json")
    np.testing.assert_array_equal(tonetrack.Model.load(tmp_path / "py.json").predict_proba(texts), ours)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(model)).predict_proba(texts), ours)
    # The model scores articles.
    text = (REPO / "seeds" / "000_2883c3e9d1bf4ca2.txt").read_text(encoding="utf-8")
    scored = tonetrack.score(pd.DataFrame({"text": [text]}), model=model)
    assert len(scored) > 0 and set(scored["label"]) <= set(model.classes)


def test_train_refuses_rows_without_label():
    df = pd.DataFrame({"text": ["good relations", "bad relations", "talks"], "label": ["positive", None, "neutral"]})
    with pytest.raises(ValueError, match=r"row 1: empty `label`"):
        tonetrack.train(df)


# --- bad input -----------------------------------------------------------------------------


def test_bad_column_names_raise_clear_errors(seeds_df):
    with pytest.raises(KeyError) as caught:
        tonetrack.score(seeds_df, text_col="body")
    message = str(caught.value)
    assert "'body' (text_col)" in message and "the columns are: id, text" in message
    with pytest.raises(ValueError, match="no column named 'when' \\(date_col\\)"):
        tonetrack.score(seeds_df, date_col="when")
    with pytest.raises(KeyError, match="id_col"):
        tonetrack.quotes(seeds_df, id_col="name")
    with pytest.raises(KeyError, match="label_col"):
        tonetrack.train(seeds_df.assign(label="x"), label_col="tone")
    with pytest.raises(KeyError, match="'tone'"):
        tonetrack.trends(seeds_df.assign(speaker="x", date=None, label="positive"))


def test_bad_values_raise_clear_errors(seeds_df):
    with pytest.raises(ValueError, match=r"column 'when': 'last Tuesday' \(row 2\) is not a date"):
        tonetrack.score(seeds_df.assign(when=["2019-01-01", None, "last Tuesday", "", None]), date_col="when")
    with pytest.raises(TypeError, match=r"column 'n': expected strings"):
        tonetrack.score(seeds_df.assign(n=range(5)), text_col="n")
    with pytest.raises(TypeError, match="expected a pandas DataFrame"):
        tonetrack.score(seeds_df["text"])
    with pytest.raises(TypeError, match="one string"):
        tonetrack.Model.default().predict("a single text")
    with pytest.raises(ValueError, match="period|month|quarter|year"):
        tonetrack.trends(tonetrack.score(seeds_df), period="decade")
    with pytest.raises(FileNotFoundError, match="no-such-model.json"):
        tonetrack.Model.load(REPO / "no-such-model.json")
    with pytest.raises(ValueError):
        tonetrack.Model.from_bytes(b"not a model")
    # Found by a user test: each names the argument or the column at fault.
    for kwargs, message in (({"top": -1}, "top: expected a whole number >= 0"),
                            ({"min_words": -1}, "min_words: expected a whole number >= 0"),
                            ({"text_col": None}, "text_col names the text column")):
        with pytest.raises(ValueError, match=message):
            tonetrack.score(seeds_df, **kwargs)
    twice = seeds_df.assign(copy=seeds_df["text"])
    twice.columns = ["id", "text", "text"]
    with pytest.raises(ValueError, match="column 'text' \\(text_col\\) appears 2 times"):
        tonetrack.score(twice)
    scored = tonetrack.score(seeds_df)
    with pytest.raises(TypeError, match="column 'tone'"):
        tonetrack.trends(scored.assign(tone="abc"))
    with pytest.raises(TypeError, match="convert it with .to_pandas"):
        tonetrack.score(pa.table({"text": ["x"]}))


def test_missing_ids_and_texts_and_series_indexes(seeds_df):
    """A missing id falls back to the row's index label; an all-missing text column is no
    texts; predict keeps the index of a Series, so its rows line up with the frame's."""
    df = seeds_df.copy()
    df.loc[0, "id"] = None
    df.index = ["r0", "r1", "r2", "r3", "r4"]
    names = set(tonetrack.score(df, all=True)["article"])
    assert "r0" in names and "" not in names
    assert len(tonetrack.score(pd.DataFrame({"text": [np.nan, np.nan]}))) == 0
    assert len(tonetrack.score(pd.DataFrame({"text": []}))) == 0
    texts = pd.Series(["We are ready to restore our dialogue.",
                       "Sanctions are a hostile act against Russia."], index=[1, 0])
    frame = pd.DataFrame({"text": texts})
    frame["label"] = tonetrack.Model.default().predict(frame.text)["label"]
    assert list(frame["label"]) == ["positive", "negative"]


# --- the GIL -------------------------------------------------------------------------------


def test_gil_is_released_while_scoring(seeds_df):
    """Another Python thread runs while the Rust side scores. With a switch interval of an
    hour, the interpreter never takes the GIL from the scoring thread: the other thread can run
    only if the extension releases it, and records that the call had not returned."""
    model = tonetrack.Model.default()._inner
    df = pd.concat([seeds_df] * 40, ignore_index=True)
    texts = tonetrack._strings(df["text"], "text")
    names = tonetrack._strings(df["id"], "id")
    go = threading.Event()
    state = {"in_call": False, "saw": None}

    def other():
        go.wait()
        state["saw"] = state["in_call"]

    previous = sys.getswitchinterval()
    thread = threading.Thread(target=other)
    thread.start()
    try:
        sys.setswitchinterval(3600)
        state["in_call"] = True
        go.set()
        out = _tonetrack.score_rows(model, texts, names)
        state["in_call"] = False
    finally:
        sys.setswitchinterval(previous)
    thread.join()
    assert sum(pa.record_batch(b).num_rows for b in out) > 0
    assert state["saw"] is True, "the other thread did not run during the call: the GIL was held"


def test_threads_score_concurrently_with_equal_results(seeds_df):
    from concurrent.futures import ThreadPoolExecutor

    expected = tonetrack.score(seeds_df, id_col="id")
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: tonetrack.score(seeds_df, id_col="id"), range(8)))
    for got in results:
        pd.testing.assert_frame_equal(got, expected)


def test_module_docstring_example_runs():
    import doctest

    result = doctest.testmod(tonetrack, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 3 and result.failed == 0


def test_every_public_function_has_a_docstring_and_a_stub():
    from pathlib import Path

    stub = (Path(tonetrack.__file__).parent / "__init__.pyi").read_text(encoding="utf-8")
    assert (Path(tonetrack.__file__).parent / "py.typed").exists()
    for name in tonetrack.__all__:
        value = getattr(tonetrack, name)
        if callable(value):
            assert value.__doc__, name
        assert f" {name}" in stub or f"{name}:" in stub, name
