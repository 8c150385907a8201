"""The Rust extension (PyO3). Arrays are Arrow arrays (anything with `__arrow_c_array__`);
record batches come back as objects with `__arrow_c_array__` (wrap with `pyarrow.record_batch`)."""

from os import PathLike
from typing import Any, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt

__version__: str
DEFAULT_TOP_TERMS: int

ArrowArray = Any  # an object with __arrow_c_array__ (pyarrow.Array, …)
ArrowBatch = Any  # an object with __arrow_c_array__ holding a struct (record batch)

class Model:
    @staticmethod
    def default() -> Model: ...
    @staticmethod
    def load(path: Union[str, PathLike[str]]) -> Model: ...
    @staticmethod
    def from_bytes(data: bytes) -> Model: ...
    def to_bytes(self) -> bytes: ...
    def save(self, path: Union[str, PathLike[str]]) -> None: ...
    @property
    def classes(self) -> list[str]: ...
    @property
    def origin(self) -> str: ...
    def predict(self, texts: ArrowArray, top: int = ...) -> ArrowBatch: ...
    def predict_proba(self, texts: ArrowArray) -> npt.NDArray[np.float64]: ...

def score_rows(
    model: Model,
    texts: ArrowArray,
    names: ArrowArray,
    dates: Optional[ArrowArray] = None,
    urls: Optional[ArrowArray] = None,
    titles: Optional[ArrowArray] = None,
    any_language: bool = False,
    min_words: int = 1,
    all: bool = False,
    top: int = ...,
) -> list[ArrowBatch]: ...
def quote_rows(
    texts: ArrowArray,
    names: ArrowArray,
    dates: Optional[ArrowArray] = None,
    urls: Optional[ArrowArray] = None,
    titles: Optional[ArrowArray] = None,
    any_language: bool = False,
    min_words: int = 1,
) -> list[ArrowBatch]: ...
def trend_rows(
    model: Model,
    scored: ArrowBatch,
    period: str = "year",
    estimate: str = "auto",
    min_words: int = 1,
    min_quotes: int = 1,
    keep_duplicates: bool = False,
    speakers: Sequence[str] = ...,
) -> tuple[ArrowBatch, str]: ...
def train_rows(
    texts: ArrowArray,
    labels: ArrowArray,
    text_col: str = "text",
    label_col: str = "label",
    c: Optional[float] = None,
    folds: int = 5,
    seed: int = 42,
    calibration: str = "none",
    data_name: str = "<DataFrame>",
) -> Model: ...
def threads() -> int: ...
