"""The same sample refreshed on DuckDB and on local Spark publishes the same marts.

Both refreshes are the real `make run` path (the Dagster job with ingestion, dbt build,
publication): on DuckDB with every dbt test as an asset check, and through
`python -m orchestration.lib.runner` with `ABM_DBT_TARGET=spark` (raw exported to a
Parquet lake, dbt on a local PySpark, the publication read from Spark's tables). Every
published mart must match: identical keys, tiers, grades, reasons and other exact
columns, numbers within 1e-9 relative (tests/integration/mart_sameness.py;
tests/unit/test_mart_sameness.py shows it catches a difference).

What each side runs (README "Running on Spark"):
- DuckDB: by default the session warehouse of `make test` (tests/conftest.py: its sample,
  refreshed with all checks); with ABM_SPARK_TEST_ACCOUNTS=N a sample of N accounts
  generated and refreshed here.
- Spark: seeds and models only (ABM_SKIP_DBT_TESTS=1): a local Spark run costs about
  0.5 s per dbt test, and the tests judge the same data the DuckDB side has judged.
  ABM_SPARK_TEST_DBT_TESTS=1 runs them on Spark too. That the Spark job does run its
  checks is `test_the_spark_build_runs_its_dbt_tests` below: the job's own dbt
  arguments, a few models and every test on them, on Spark.
- Spark settings for a tiny sample (SPARK_TEST_ENV): one shuffle partition, no adaptive
  execution, no whole-stage code generation, a quick JIT (profiles.yml).
"""

from __future__ import annotations

import json
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
# Unset: the session warehouse's sample (tests/conftest.py, ABM_TEST_ACCOUNTS).
ACCOUNTS = os.environ.get("ABM_SPARK_TEST_ACCOUNTS", "")
SEED = 17
# The local Spark session tuned for a few thousand rows (profiles.yml reads these).
SPARK_TEST_ENV = {
    "ABM_SPARK_SHUFFLE_PARTITIONS": "1",
    "ABM_SPARK_ADAPTIVE": "false",
    "ABM_SPARK_CODEGEN": "false",
    "ABM_SPARK_JAVA_OPTIONS": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
}


def refresh(
    root: Path, landing: Path, target: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
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
        **(extra_env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "orchestration.lib.runner"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )


@pytest.fixture(scope="module")
def duckdb_side(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    """(landing folder, serving file) of a DuckDB refresh with all its checks."""
    if not ACCOUNTS:
        built = request.getfixturevalue("built_warehouse")
        assert built.run_success, built.failed_checks
        return built.landing_dir, built.serving_path
    from sample_data import generate

    root = tmp_path_factory.mktemp("sameness")
    generate(int(ACCOUNTS), SEED, root / "landing", root / "truth")
    run = refresh(root / "duckdb", root / "landing", "duckdb")
    assert run.returncode == 0, f"duckdb refresh failed:\n{run.stdout[-4000:]}"
    return root / "landing", root / "duckdb" / "serving.duckdb"


@pytest.fixture(scope="module")
def spark_side(duckdb_side: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Spark refresh of the same landing; its folder (lake, serving file)."""
    root = tmp_path_factory.mktemp("spark")
    env = dict(SPARK_TEST_ENV)
    if os.environ.get("ABM_SPARK_TEST_DBT_TESTS") != "1":
        env["ABM_SKIP_DBT_TESTS"] = "1"
    run = refresh(root, duckdb_side[0], "spark", env)
    assert run.returncode == 0, f"spark refresh failed:\n{run.stdout[-4000:]}"
    assert "result: PUBLISHED" in run.stdout, run.stdout[-4000:]
    return root


def test_duckdb_and_spark_publish_the_same_marts(
    duckdb_side: tuple[Path, Path], spark_side: Path
) -> None:
    assert compare_marts(duckdb_side[1], spark_side / "serving.duckdb") == []


def test_the_spark_build_runs_its_dbt_tests(spark_side: Path) -> None:
    """The Dagster job's dbt arguments on Spark (no ABM_SKIP_DBT_TESTS) keep the data
    tests, and they run on Spark: a few models of the lake just built, with their tests."""
    from orchestration.lib.dbt_cli import dbt_build_args

    env = {
        **os.environ,
        **SPARK_TEST_ENV,
        "ABM_DBT_TARGET": "spark",
        "ABM_LAKE_DIR": str(spark_side / "lake"),
        "ABM_WAREHOUSE_PATH": str(spark_side / "warehouse.duckdb"),
    }
    env.pop("ABM_SKIP_DBT_TESTS", None)
    args = dbt_build_args(target="spark")
    assert "test" not in args, args
    target = spark_side / "dbt_checks"
    selection = ["--select", "stg_crm__accounts stg_crm__users", "--target-path", str(target)]
    run = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args, *selection],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-4000:]
    results = json.loads((target / "run_results.json").read_text())["results"]
    statuses = {r["unique_id"].split(".")[0]: set() for r in results}
    for r in results:
        statuses[r["unique_id"].split(".")[0]].add(r["status"])
    tests = [r for r in results if r["unique_id"].startswith("test.")]
    assert len(tests) >= 5 and statuses["test"] <= {"pass", "warn"}, statuses
    assert statuses["model"] == {"success"}
