"""tonetrack: who said what about U.S.–Russia relations, and in what tone (type stubs)."""

from os import PathLike
from typing import Any, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from . import _tonetrack

__version__: str
SCORE_COLUMNS: list[str]
QUOTE_COLUMNS: list[str]
TREND_COLUMNS: list[str]

TextsLike = Union[Sequence[str], pd.Series, pa.Array, pa.ChunkedArray, npt.NDArray[Any]]

def threads() -> int: ...

class MissingColumnError(KeyError, ValueError): ...

class Model:
    def __init__(self, inner: _tonetrack.Model) -> None: ...
    @classmethod
    def default(cls) -> Model: ...
    @classmethod
    def load(cls, path: Union[str, PathLike[str]]) -> Model: ...
    @classmethod
    def from_bytes(cls, data: bytes) -> Model: ...
    def to_bytes(self) -> bytes: ...
    def save(self, path: Union[str, PathLike[str]]) -> None: ...
    @property
    def classes(self) -> list[str]: ...
    def predict(self, texts: TextsLike, top: int = 5) -> pd.DataFrame: ...
    def predict_proba(self, texts: TextsLike) -> npt.NDArray[np.float64]: ...

def score(
    df: pd.DataFrame,
    text_col: str = "text",
    date_col: Optional[str] = "date",
    id_col: Optional[str] = "id",
    url_col: Optional[str] = "url",
    title_col: Optional[str] = "title",
    model: Optional[Model] = None,
    *,
    all: bool = False,
    min_words: int = 1,
    any_language: bool = False,
    top: int = 5,
) -> pd.DataFrame: ...
def quotes(
    articles: Union[str, TextsLike, pd.DataFrame],
    text_col: str = "text",
    date_col: Optional[str] = "date",
    id_col: Optional[str] = "id",
    title_col: Optional[str] = "title",
    url_col: Optional[str] = "url",
    *,
    name: str = "text",
    min_words: int = 1,
    any_language: bool = False,
) -> pd.DataFrame: ...
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
) -> pd.DataFrame: ...
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
) -> Model: ...
