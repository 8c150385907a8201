"""Shared fixtures: the repository's seed articles as a table, and the command line built from
the same repository (the oracle the Python API must agree with)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `tonetrack` binary of this repository: $TONETRACK_BIN, or `cargo build` (a no-op in
    CI, where `cargo test` has just built it)."""
    given = os.environ.get("TONETRACK_BIN")
    if given:
        return Path(given)
    subprocess.run(
        ["cargo", "build", "--quiet", "--bin", "tonetrack"], cwd=REPO, check=True
    )
    return REPO / "target" / "debug" / "tonetrack"


def run_cli(cli: Path, *args: str) -> str:
    """Runs the command line in the repository root (so article names are `seeds/…`)."""
    done = subprocess.run(
        [str(cli), *args], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"tonetrack {' '.join(args)}: {done.stderr}"
    return done.stdout


def cli_csv(cli: Path, *args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(run_cli(cli, *args))))


def cli_jsonl(cli: Path, *args: str) -> list[dict]:
    return [json.loads(line) for line in run_cli(cli, *args).splitlines() if line.strip()]


def seed_paths() -> list[Path]:
    paths = sorted(SEEDS.glob("*.txt"))
    assert len(paths) == 5, paths
    return paths


@pytest.fixture(scope="session")
def seeds_df() -> pd.DataFrame:
    """The five seed articles, one per row, named as the command line names them."""
    paths = seed_paths()
    return pd.DataFrame(
        {
            "id": [f"seeds/{p.name}" for p in paths],
            "text": [p.read_text(encoding="utf-8") for p in paths],
        }
    )
