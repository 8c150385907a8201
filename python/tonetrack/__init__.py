"""tonetrack: who said what about U.S.–Russia relations, and in what tone.

News articles in, one row per quotation out: speaker, quote, offsets, relevance, and the tone of
the quotation toward U.S.–Russia relations (label, probability of every class, tone =
P(positive) − P(negative) in [−1, 1], the terms behind it). The columns and their values are
those of the command line's ``tonetrack score --format csv`` / ``--format jsonl``: ``start`` and
``end`` are UTF-8 byte offsets into the article's text, as there (in Python,
``text.encode()[start:end].decode()`` is the quotation's span).

>>> import pandas as pd, tonetrack
>>> articles = pd.DataFrame({"id": ["a1"], "text": [
...     "Lavrov and Pompeo meet\\n\\n\\"We are ready to restore our dialogue with the United "
...     "States in every area,\\" Russian Foreign Minister Sergey Lavrov said.\\n"]})
>>> scored = tonetrack.score(articles, id_col="id")
>>> scored.loc[0, ["article", "speaker", "label"]].tolist()
['a1', 'Sergey Lavrov', 'positive']

The work is done in Rust (the ``tonetrack`` crate), in parallel over the rows, with the GIL
released; columns cross as Arrow arrays (pandas → pyarrow → Rust and back as a record batch).
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterable, Optional, Sequence, Union

import numpy as np
import pandas as pd
import pyarrow as pa

from . import _tonetrack

__version__: str = _tonetrack.__version__

__all__ = [
    "Model",
    "MissingColumnError",
    "score",
    "quotes",
    "trends",
    "train",
    "threads",
    "SCORE_COLUMNS",
    "QUOTE_COLUMNS",
    "TREND_COLUMNS",
]

#: The columns of :func:`score` before the probabilities (``p_CLASS``, by class name), ``tone``
#: and ``top_terms``: those of ``tonetrack score --format csv``.
SCORE_COLUMNS = [
    "article", "title", "url", "date", "date_source", "speaker", "speaker_kind",
    "attribution", "quote", "start", "end", "paragraph", "partial", "relevant", "cue", "label",
]
#: The columns of :func:`quotes`: those of ``tonetrack quotes --format csv``.
QUOTE_COLUMNS = [
    "article", "title", "url", "date", "date_source", "speaker", "speaker_kind", "attribution",
    "quote", "start", "end", "paragraph", "partial", "relevant", "cue",
]
#: The columns of :func:`trends`: those of ``tonetrack trends --format csv``, unrounded.
TREND_COLUMNS = [
    "speaker", "period", "start", "end", "n", "tone", "mean_tone", "ci_low", "ci_high",
    "single_quote", "share_positive", "share_neutral", "share_negative",
]

TextsLike = Union[Sequence[str], "pd.Series[str]", pa.Array, pa.ChunkedArray, np.ndarray]


class MissingColumnError(KeyError, ValueError):
    """A column named in an argument is not in the DataFrame; the message lists the columns
    there are. Both a ``KeyError`` and a ``ValueError``."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class _ColumnIfPresent(str):
    """A role's default column name, used only when the DataFrame has that column: the
    command line's ``--date-col``/``--id-col``/``--url-col``/``--title-col`` defaults. A name
    passed explicitly must be a column; ``None`` uses no column for the role."""


def _resolve(df: pd.DataFrame, name: Optional[str]) -> Optional[str]:
    """The column a role argument names in ``df``: a default only when ``df`` has it."""
    if isinstance(name, _ColumnIfPresent) and name not in df.columns:
        return None
    return name


# ---------------------------------------------------------------------------------------------
# Conversions: pandas columns to Arrow arrays the Rust side reads in place.

_STRING_TYPES = (pa.string(), pa.large_string(), pa.string_view())


def _strings(values: Any, what: str) -> pa.Array:
    """Strings as one Arrow array (``None``/NaN are nulls); a clear ``TypeError`` otherwise."""
    if isinstance(values, str):
        raise TypeError(f"{what}: expected a sequence of strings, got one string (wrap it in a list)")
    try:
        if isinstance(values, (pa.Array, pa.ChunkedArray)):
            array = values
        elif isinstance(values, (pd.Series, pd.Index, np.ndarray)):
            array = pa.array(values, from_pandas=True)
        else:
            array = pa.array(list(values), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        raise TypeError(f"{what}: expected strings ({e}); convert it with .astype(str)") from None
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_null(array.type) or (
        pa.types.is_floating(array.type) and array.null_count == len(array)
    ):
        # No value at all (pandas keeps an all-missing or empty column as floats): no texts.
        array = array.cast(pa.string())
    if pa.types.is_dictionary(array.type) and array.type.value_type in _STRING_TYPES:
        array = array.cast(array.type.value_type)
    if array.type not in _STRING_TYPES:
        raise TypeError(
            f"{what}: expected strings, got values of type {array.type}; convert it with .astype(str)"
        )
    return array


def _dates(series: pd.Series, column: str) -> pa.Array:
    """A date column as Arrow ``date32``: dates, timestamps (their local date) or strings that
    start with ``yyyy-mm-dd`` (``2019-05-14``, ``2019-05-14T09:00:00Z``); empty values are
    nulls (the text's own date is used). Anything else is a ``ValueError`` naming the row."""
    s = series
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return pa.array(s.dt.normalize(), from_pandas=True).cast(pa.date32())
    try:
        array = pa.array(s, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = None
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if array is not None and pa.types.is_date(array.type):
        return array.cast(pa.date32())
    if array is not None and pa.types.is_null(array.type):
        return array.cast(pa.date32())
    if array is not None and pa.types.is_timestamp(array.type):
        return _dates(pd.Series(array.to_pandas()), column)
    text = s.astype("object").where(s.notna(), None)
    text = text.map(lambda v: v.strip() if isinstance(v, str) else v)
    blank = text.isna() | (text == "")
    as_str = text.where(~blank, None).astype("object")
    prefix = as_str.map(lambda v: v[:10] if isinstance(v, str) else None)
    # After the date: nothing, or a separator (a timestamp's `T`, a space), not a digit.
    tail_ok = as_str.map(lambda v: not isinstance(v, str) or len(v) == 10 or not v[10].isdigit())
    parsed = pd.to_datetime(prefix, format="%Y-%m-%d", errors="coerce")
    bad = ~blank & (parsed.isna() | ~tail_ok)
    if bad.any():
        label = bad.idxmax()
        raise ValueError(
            f"column {column!r}: {series.loc[label]!r} (row {label!r}) is not a date; give dates, "
            "timestamps or strings starting with yyyy-mm-dd (pd.to_datetime converts other "
            "formats), or leave the value empty to use the article's own date"
        )
    return pa.array(parsed.where(~blank), from_pandas=True).cast(pa.date32())


def _check_frame(df: Any, function: str) -> None:
    if not isinstance(df, pd.DataFrame):
        kind = f"{type(df).__module__.split('.')[0]}.{type(df).__name__}"
        hint = ""
        if hasattr(df, "to_pandas"):
            hint = " (convert it with .to_pandas())"
        elif function == "score" and hasattr(df, "map_partitions"):
            hint = " (for Dask, use ddf.map_partitions(tonetrack.score, ...))"
        raise TypeError(f"tonetrack.{function}: expected a pandas DataFrame, got {kind}{hint}")


def _check_count(value: Any, name: str) -> None:
    """A count argument (``top``, ``min_words``) is a whole number >= 0."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name}: expected a whole number >= 0, got {value!r}")


def _check_columns(df: pd.DataFrame, function: str, **roles: Optional[str]) -> None:
    """Every column named by a role argument (``text_col="body"``) is in ``df``, once."""
    columns = [str(c) for c in df.columns]
    if roles.get("text_col", "") is None:
        raise ValueError(f"tonetrack.{function}: text_col names the text column; got None")
    for role, name in roles.items():
        if name is not None and name in df.columns and list(df.columns).count(name) > 1:
            raise ValueError(
                f"tonetrack.{function}: column {name!r} ({role}) appears "
                f"{list(df.columns).count(name)} times; rename or drop the copies"
            )
        if name is not None and name not in df.columns:
            raise MissingColumnError(
                f"tonetrack.{function}: no column named {name!r} ({role}); the columns are: "
                f"{', '.join(columns) or '(none)'}; pass {role}= one of them"
            )


def _names(df: pd.DataFrame, id_col: Optional[str]) -> pa.Array:
    """Each row's article name: its ``id_col`` value, else (no column, or a missing value) its
    index label."""
    labels = df.index.to_series(index=range(len(df))).astype(str)
    if id_col is None:
        return pa.array(labels.astype("object"), type=pa.string())
    values = df[id_col].reset_index(drop=True)
    try:
        array = _strings(values, "names")  # strings already: no conversion
        if array.null_count == 0:
            return array
    except TypeError:
        pass
    named = values.astype("object").where(values.notna(), labels).astype(str)
    return pa.array(named.astype("object"), type=pa.string())


def _passed_through(
    out: pd.DataFrame, df: pd.DataFrame, rows: np.ndarray, leave_out: Iterable[str]
) -> pd.DataFrame:
    """``out`` with the columns of ``df`` (but ``leave_out``) of each output row's input row;
    an input column named like an output column is passed as ``input_NAME``."""
    skip = set(leave_out)
    passed = [c for c in df.columns if c not in skip]
    if not passed:
        return out
    extra = df[passed].iloc[rows].reset_index(drop=True)
    taken = set(out.columns)
    extra.columns = [f"input_{c}" if c in taken else c for c in passed]
    return pd.concat([out, extra], axis=1)


def _to_pandas(raw: Any) -> pd.DataFrame:
    """A record batch, or a list of them, from the Rust side as a DataFrame (dates as
    ``datetime.date``)."""
    if isinstance(raw, list):
        return pa.Table.from_batches([pa.record_batch(b) for b in raw]).to_pandas()
    return pa.record_batch(raw).to_pandas()


_default_model: Optional["Model"] = None


def _model(model: Optional["Model"]) -> "Model":
    global _default_model
    if model is None:
        if _default_model is None:
            _default_model = Model.default()
        return _default_model
    if not isinstance(model, Model):
        raise TypeError(
            f"model: expected a tonetrack.Model (Model.default(), Model.load(path)), "
            f"got {type(model).__name__}"
        )
    return model


# ---------------------------------------------------------------------------------------------
# The API.


def threads() -> int:
    """How many threads the Rust side scores with: ``RAYON_NUM_THREADS`` when it is set before
    the first call, else one per core. Dask or Spark workers of one thread each should run with
    ``RAYON_NUM_THREADS=1`` in their environment, so that they do not compete for the cores."""
    return _tonetrack.threads()


class Model:
    """A tone model: the built-in one (:meth:`default`), a model file (:meth:`load`), or one
    trained by :func:`train`. Pickles (as its model file's bytes), so it can be shipped to Dask
    or Spark workers."""

    __slots__ = ("_inner",)

    def __init__(self, inner: "_tonetrack.Model") -> None:
        self._inner = inner

    @classmethod
    def default(cls) -> "Model":
        """The built-in model (``models/default.json``), as ``tonetrack score`` uses it."""
        return cls(_tonetrack.Model.default())

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"]) -> "Model":
        """Reads a model file written by ``tonetrack train`` or :meth:`save`."""
        return cls(_tonetrack.Model.load(path))

    @classmethod
    def from_bytes(cls, data: bytes) -> "Model":
        """A model from the bytes of a model file."""
        return cls(_tonetrack.Model.from_bytes(data))

    def to_bytes(self) -> bytes:
        """The bytes of the model file."""
        return self._inner.to_bytes()

    def save(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes the model file (atomically: the old file stays until the new one is whole)."""
        self._inner.save(path)

    @property
    def classes(self) -> list[str]:
        """The classes, in the model's order: the columns of :meth:`predict_proba`."""
        return list(self._inner.classes)

    def predict(self, texts: TextsLike, top: int = 5) -> pd.DataFrame:
        """One row per text: ``text``, ``label``, ``p_CLASS`` for every class (in
        :attr:`classes` order), ``tone`` and ``top_terms`` (the terms that pushed the label
        most), as ``tonetrack predict --format csv`` writes them (unrounded)."""
        _check_count(top, "top")
        array = _strings(texts, "texts")
        out = _to_pandas(self._inner.predict(array, top))
        out.insert(0, "text", array.to_pandas())
        # A Series keeps its index, so that `df["label"] = model.predict(df.text)["label"]`
        # lines up row by row.
        if isinstance(texts, pd.Series):
            out.index = texts.index
        return out

    def predict_proba(self, texts: TextsLike) -> np.ndarray:
        """The probability of every class for each text, shape ``(len(texts), len(classes))``,
        columns in :attr:`classes` order (as scikit-learn's ``predict_proba``)."""
        return self._inner.predict_proba(_strings(texts, "texts"))

    def __reduce__(self):  # type: ignore[override]
        return (Model.from_bytes, (self.to_bytes(),))

    def __repr__(self) -> str:
        return repr(self._inner)


def score(
    df: pd.DataFrame,
    text_col: str = "text",
    date_col: Optional[str] = _ColumnIfPresent("date"),
    id_col: Optional[str] = _ColumnIfPresent("id"),
    url_col: Optional[str] = _ColumnIfPresent("url"),
    title_col: Optional[str] = _ColumnIfPresent("title"),
    model: Optional[Model] = None,
    *,
    all: bool = False,
    min_words: int = 1,
    any_language: bool = False,
    top: int = 5,
) -> pd.DataFrame:
    """Scores a table of articles (one article per row): one row per quotation.

    The columns are those of ``tonetrack score --format csv`` (:data:`SCORE_COLUMNS`, then
    ``p_CLASS`` per class by name, ``tone``, ``top_terms`` as an array of strings per row),
    unrounded, followed by
    the input's other columns (all but the text, id, date, URL and title columns named, which
    the output already carries) of the quotation's row, as ``tonetrack score`` passes them; an
    input column named like an output column comes as ``input_NAME``.

    - ``date_col``, ``id_col``, ``url_col`` and ``title_col`` default to the columns ``date``,
      ``id``, ``url`` and ``title`` when the DataFrame has them, as the command line's
      ``--date-col`` etc. do; ``None`` uses no column for the role.
    - ``article`` is the row's ``id_col`` value, or its index label.
    - ``date_col`` (dates, timestamps or ``yyyy-mm-dd…`` strings) takes precedence over the
      date the text gives, and ``date_source`` is then ``column``; an empty value leaves the
      text's date.
    - ``title_col`` and ``url_col`` take precedence over the text's ``title:``/``url:`` lines.
    - Only the quotations about U.S.–Russia relations, as the command line, unless ``all``;
      quotations of fewer than ``min_words`` words are left out; articles not in English are
      left out unless ``any_language``.

    Works on any partition of a table alone, so ``ddf.map_partitions(tonetrack.score, ...)``
    scores a Dask DataFrame (``examples/dask_score.py``).
    """
    _check_frame(df, "score")
    _check_count(min_words, "min_words")
    _check_count(top, "top")
    date_col, id_col, url_col, title_col = (
        _resolve(df, c) for c in (date_col, id_col, url_col, title_col)
    )
    _check_columns(
        df, "score", text_col=text_col, date_col=date_col, id_col=id_col, url_col=url_col,
        title_col=title_col,
    )
    raw = _tonetrack.score_rows(
        _model(model)._inner,
        _strings(df[text_col], f"column {text_col!r}"),
        _names(df, id_col),
        _dates(df[date_col], date_col) if date_col is not None else None,
        _strings(df[url_col], f"column {url_col!r}") if url_col is not None else None,
        _strings(df[title_col], f"column {title_col!r}") if title_col is not None else None,
        any_language,
        min_words,
        all,
        top,
    )
    out = _to_pandas(raw)
    rows = out.pop("_row").to_numpy()
    return _passed_through(out, df, rows, [text_col, id_col, date_col, url_col, title_col])


def quotes(
    articles: Union[str, TextsLike, pd.DataFrame],
    text_col: str = "text",
    date_col: Optional[str] = _ColumnIfPresent("date"),
    id_col: Optional[str] = _ColumnIfPresent("id"),
    title_col: Optional[str] = _ColumnIfPresent("title"),
    url_col: Optional[str] = _ColumnIfPresent("url"),
    *,
    name: str = "text",
    min_words: int = 1,
    any_language: bool = False,
) -> pd.DataFrame:
    """Every direct quotation of one text, a sequence of texts or a table of articles: the
    columns of ``tonetrack quotes --format csv`` (:data:`QUOTE_COLUMNS`), and for a DataFrame
    its other columns passed through as in :func:`score`.

    A single text is named ``name``; texts of a sequence by their position; rows of a DataFrame
    by their ``id_col`` value or index label. ``date_col``, ``title_col`` and ``url_col`` as in
    :func:`score`.
    """
    _check_count(min_words, "min_words")
    if isinstance(articles, pd.DataFrame):
        df = articles
        date_col, id_col, url_col, title_col = (
            _resolve(df, c) for c in (date_col, id_col, url_col, title_col)
        )
        _check_columns(
            df, "quotes", text_col=text_col, date_col=date_col, id_col=id_col, url_col=url_col,
            title_col=title_col,
        )
        texts = _strings(df[text_col], f"column {text_col!r}")
        names = _names(df, id_col)
        dates = _dates(df[date_col], date_col) if date_col is not None else None
        titles = _strings(df[title_col], f"column {title_col!r}") if title_col is not None else None
        urls = _strings(df[url_col], f"column {url_col!r}") if url_col is not None else None
    else:
        explicit = (date_col, id_col, title_col, url_col)
        if any(c is not None and not isinstance(c, _ColumnIfPresent) for c in explicit):
            raise TypeError(
                "date_col, id_col, title_col and url_col name columns of a DataFrame; got texts"
            )
        df = None
        if isinstance(articles, str):
            texts, names = pa.array([articles]), pa.array([name])
        else:
            texts = _strings(articles, "texts")
            names = pa.array([str(i) for i in range(len(texts))], type=pa.string())
        dates = urls = titles = None
    out = _to_pandas(
        _tonetrack.quote_rows(texts, names, dates, urls, titles, any_language, min_words)
    )
    rows = out.pop("_row").to_numpy()
    if df is None:
        return out
    return _passed_through(out, df, rows, [text_col, id_col, date_col, url_col, title_col])


def trends(
    scored: pd.DataFrame,
    period: str = "year",
    *,
    estimate: str = "auto",
    min_words: int = 1,
    min_quotes: int = 1,
    keep_duplicates: bool = False,
    speakers: Optional[Sequence[str]] = None,
    model: Optional[Model] = None,
) -> pd.DataFrame:
    """Per speaker × period tone of scored quotations (the output of :func:`score`, or any
    table with ``speaker``, ``date``, ``label`` and ``tone`` columns, and ``p_CLASS`` for the
    class-share estimates): the rows of ``tonetrack trends --format csv`` (:data:`TREND_COLUMNS`),
    unrounded, computed by the library's ``trends::aggregate`` as the command line does.

    ``period`` is ``month``, ``quarter`` or ``year``; ``estimate`` ``auto``, ``pacc``, ``acc``
    or ``mean``; a (speaker, quotation) pair is counted once unless ``keep_duplicates``. The
    whole result (counts, per-speaker slopes and directions) is in ``df.attrs["trends"]``, as
    ``tonetrack trends --format json`` prints it.
    """
    _check_frame(scored, "trends")
    _check_count(min_words, "min_words")
    _check_count(min_quotes, "min_quotes")
    for column in ("speaker", "date", "label", "tone"):
        if column not in scored.columns:
            raise MissingColumnError(
                f"tonetrack.trends: no column named {column!r}; the columns are: "
                f"{', '.join(str(c) for c in scored.columns) or '(none)'}; give the output of "
                "tonetrack.score (or a table with speaker, date, label and tone columns)"
            )
    m = _model(model)
    arrays, names = [], []

    def add(column: str, array: pa.Array) -> None:
        arrays.append(array)
        names.append(column)

    for column in ("speaker", "label", "speaker_kind", "date_source", "quote", "article", "title", "url"):
        if column in scored.columns:
            add(column, _strings(scored[column], f"column {column!r}"))
    add("date", _dates(scored["date"], "date"))
    typed = [("tone", pa.float64())]
    typed += [(f"p_{c}", pa.float64()) for c in m.classes if f"p_{c}" in scored.columns]
    typed += [("relevant", pa.bool_())] if "relevant" in scored.columns else []
    for column, kind in typed:
        try:
            add(column, pa.array(scored[column], type=kind, from_pandas=True))
        except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
            raise TypeError(f"tonetrack.trends: column {column!r}: {e}") from None
    batch = pa.RecordBatch.from_arrays(arrays, names=names)
    raw, summary = _tonetrack.trend_rows(
        m._inner, batch, period, estimate, min_words, min_quotes, keep_duplicates, list(speakers or [])
    )
    out = _to_pandas(raw)
    out.attrs["trends"] = json.loads(summary)
    return out


def train(
    df: pd.DataFrame,
    text_col: str = "text",
    label_col: str = "label",
    *,
    c: Optional[float] = None,
    folds: int = 5,
    seed: int = 42,
    calibration: str = "none",
    name: str = "<DataFrame>",
) -> Model:
    """Trains a tone model on labeled texts with ``tonetrack train``'s defaults (C chosen by
    ``folds``-fold cross-validation unless ``c`` is given; ``calibration`` ``none``,
    ``temperature`` or ``biased-temperature``). Every row needs a text and a label.
    ``name`` is recorded in the model file as the data's name."""
    _check_frame(df, "train")
    _check_columns(df, "train", text_col=text_col, label_col=label_col)
    inner = _tonetrack.train_rows(
        _strings(df[text_col], f"column {text_col!r}"),
        _strings(df[label_col].astype("object").where(df[label_col].notna(), None).map(
            lambda v: v if v is None or isinstance(v, str) else str(v)), f"column {label_col!r}"),
        text_col,
        label_col,
        c,
        folds,
        seed,
        calibration,
        name,
    )
    return Model(inner)

