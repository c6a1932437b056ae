"""Where things are: every path and switch the warehouse reads from the environment."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _path_from_env(name: str, default: str) -> Path:
    value = os.environ.get(name) or default
    path = Path(value)
    return path if path.is_absolute() else PROJECT_DIR / path


def landing_dir() -> Path:
    return _path_from_env("ABM_LANDING_DIR", "data/landing")


def warehouse_path() -> Path:
    return _path_from_env("ABM_WAREHOUSE_PATH", "data/warehouse.duckdb")


def truth_dir() -> Path:
    return _path_from_env("ABM_TRUTH_DIR", "data/truth")


def as_of_date() -> str | None:
    """The scoring date (YYYY-MM-DD) or None for 'latest event date in the data'."""
    return os.environ.get("ABM_AS_OF") or None


def serving_path() -> Path:
    """The DuckDB file BI reads: replaced whole by each successful publication."""
    return _path_from_env("ABM_SERVING_PATH", "data/serving.duckdb")


def exports_dir() -> Path:
    return _path_from_env("ABM_EXPORTS_DIR", "data/exports")
