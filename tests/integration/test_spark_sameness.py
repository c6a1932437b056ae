"""The same sample refreshed on DuckDB and on local Spark publishes the same marts.

Both refreshes are the real `make run` path (`python -m orchestration.lib.runner`: the
Dagster job with ingestion, dbt build with its checks, publication), once with the
default target and once with `ABM_DBT_TARGET=spark` (raw exported to a Parquet lake,
dbt on a local PySpark, the publication read from Spark's tables). Every published mart
must match: identical keys, tiers, grades, reasons and other exact columns, numbers
within 1e-9 relative (tests/integration/mart_sameness.py; tests/unit/test_mart_sameness.py
shows it catches a difference). Size: ABM_SPARK_TEST_ACCOUNTS (default below).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.mart_sameness import compare_marts
from tests.integration.test_spark_constraints import spark_available

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(not spark_available(), reason="needs pyspark (the spark extra) and Java"),
]

PROJECT_DIR = Path(__file__).resolve().parents[2]
ACCOUNTS = int(os.environ.get("ABM_SPARK_TEST_ACCOUNTS", "500"))
SEED = 17


def refresh(root: Path, landing: Path, target: str) -> subprocess.CompletedProcess[str]:
    """`make run`'s refresh of `landing` into folders under `root`, on dbt target `target`."""
    home = root / "dagster"
    home.mkdir(parents=True)
    shutil.copy(PROJECT_DIR / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "ABM_DBT_TARGET": target,
        "ABM_LANDING_DIR": str(landing),
        "ABM_WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
        "ABM_SERVING_PATH": str(root / "serving.duckdb"),
        "ABM_EXPORTS_DIR": str(root / "exports"),
        "ABM_LAKE_DIR": str(root / "lake"),
        "ABM_PLAIN_PROGRESS": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "orchestration.lib.runner"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )


def test_duckdb_and_spark_publish_the_same_marts(tmp_path: Path) -> None:
    from sample_data import generate

    landing = tmp_path / "landing"
    generate(ACCOUNTS, SEED, landing, tmp_path / "truth")
    runs = {target: refresh(tmp_path / target, landing, target) for target in ("duckdb", "spark")}
    for target, run in runs.items():
        assert run.returncode == 0, f"{target} refresh failed:\n{run.stdout[-4000:]}"
    duck, spark = tmp_path / "duckdb" / "serving.duckdb", tmp_path / "spark" / "serving.duckdb"
    assert compare_marts(duck, spark) == []
