"""The same sample refreshed on DuckDB and on local Spark publishes the same marts.

Both refreshes are the real `make run` path (the Dagster job with ingestion, dbt build,
publication): on DuckDB with every dbt test as an asset check, and through
`python -m orchestration.lib.runner` with `ABM_DBT_TARGET=spark` (raw exported to a
Parquet lake, dbt on a local PySpark, the publication read from Spark's tables). Every
published mart must match: identical keys, tiers, grades, reasons and other exact
columns, numbers within 1e-9 relative (tests/integration/mart_sameness.py;
tests/unit/test_mart_sameness.py shows it catches a difference).

Sized for `make test` (README "Running on Spark"): local Spark pays a fixed cost per
statement, so the test keeps the statements few and the data small.
- The sample: ABM_SPARK_TEST_ACCOUNTS (default 500) accounts generated here, refreshed
  on both engines; `test_the_sample_is_not_trivial` shows every tier, every fit grade
  and fit reasons occur in it.
- Both sides build with SAMENESS_VARS: the ICP fit in 15 steps instead of 40. Each step
  is the same SQL; on Spark they run in stages of 5 (two stored stages, the older one
  dropped, the model's own last 5), so the staged path is compared whole at a third of
  its cost (40 steps were compared at 5,000 accounts, README).
- DuckDB: with every dbt test as a check. Spark: seeds and models only
  (ABM_SKIP_DBT_TESTS=1): a dbt test costs local Spark about 0.5 s, and the tests judge
  the same rows the DuckDB side has judged. ABM_SPARK_TEST_DBT_TESTS=1 runs them on Spark
  too. That the Spark job does run its checks is `test_the_spark_build_runs_its_dbt_tests`:
  the job's own dbt arguments, two staging models and every test on them, on Spark,
  reusing the refresh's parse (partial_parse.msgpack: Spark's parse state does not
  depend on the lake folder).
- Spark settings for a tiny sample (SPARK_TEST_ENV): one shuffle partition, no adaptive
  execution, no whole-stage code generation, a quick JIT (profiles.yml), 4 dbt threads
  (the statements wait on the driver more than on the 2 executor cores).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.integration.mart_sameness import compare_marts
from tests.integration.test_spark_constraints import spark_available

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(not spark_available(), reason="needs pyspark (the spark extra) and Java"),
]

PROJECT_DIR = Path(__file__).resolve().parents[2]
# Accounts of the sample both sides refresh: at 500 every tier occurs (at 300 no tier_1).
ACCOUNTS = int(os.environ.get("ABM_SPARK_TEST_ACCOUNTS", "500"))
SEED = 17
# dbt vars of both refreshes (ABM_DBT_VARS): the ICP fit's staged path on Spark in 3
# stages of 5 steps instead of 8 (the fit is most of local Spark's time at this size).
SAMENESS_VARS = {"icp_fit_steps": 15}
# The local Spark session tuned for a few thousand rows (profiles.yml reads these).
SPARK_TEST_ENV = {
    "ABM_SPARK_SHUFFLE_PARTITIONS": "1",
    "ABM_SPARK_ADAPTIVE": "false",
    "ABM_SPARK_CODEGEN": "false",
    "ABM_SPARK_JAVA_OPTIONS": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    "ABM_SPARK_THREADS": "4",
}
TIERS = {"tier_1", "tier_2", "tier_3", "not_target"}
FIT_GRADES = {"A", "B", "C", "D"}


def refresh(
    root: Path, landing: Path, target: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`make run`'s refresh of `landing` into folders under `root`, on dbt target `target`;
    dbt's artifacts (one folder per invocation) under `root`/target."""
    home = root / "dagster"
    home.mkdir(parents=True)
    shutil.copy(PROJECT_DIR / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "ABM_DBT_TARGET": target,
        "ABM_DBT_VARS": json.dumps(SAMENESS_VARS),
        "ABM_LANDING_DIR": str(landing),
        "ABM_WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
        "ABM_SERVING_PATH": str(root / "serving.duckdb"),
        "ABM_EXPORTS_DIR": str(root / "exports"),
        "ABM_LAKE_DIR": str(root / "lake"),
        "ABM_PLAIN_PROGRESS": "1",
        "DBT_TARGET_PATH": str(root / "target"),
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
def duckdb_side(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(landing folder, serving file) of a DuckDB refresh with all its checks."""
    from sample_data import generate

    root = tmp_path_factory.mktemp("sameness")
    generate(ACCOUNTS, SEED, root / "landing", root / "truth")
    run = refresh(root / "duckdb", root / "landing", "duckdb")
    assert run.returncode == 0, f"duckdb refresh failed:\n{run.stdout[-4000:]}"
    return root / "landing", root / "duckdb" / "serving.duckdb"


@pytest.fixture(scope="module")
def spark_side(duckdb_side: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Spark refresh of the same landing; its folder (lake, serving file, target)."""
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


def test_the_sample_is_not_trivial(duckdb_side: tuple[Path, Path]) -> None:
    """The marts compared hold every tier, every fit grade and learned fit reasons."""
    with duckdb.connect(str(duckdb_side[1]), read_only=True) as con:
        tiers = con.execute("select distinct tier from marts.account_tiers").fetchall()
        grades, modes, reasons = con.execute(
            "select list(distinct fit_grade), list(distinct scoring_mode), "
            "count(*) filter (where fit_reasons is not null and fit_reasons <> '') "
            "from marts.account_fit_scores"
        ).fetchone()
    assert {tier for (tier,) in tiers} == TIERS
    assert set(grades) == FIT_GRADES
    assert modes == ["learned"]
    assert reasons > 0


def test_the_spark_build_runs_its_dbt_tests(spark_side: Path) -> None:
    """The Dagster job's dbt arguments on Spark (no ABM_SKIP_DBT_TESTS) keep the data
    tests, and they run on Spark: a few models of the lake just built, with their tests."""
    from orchestration.lib.dbt_cli import dbt_build_args

    env = {
        **os.environ,
        **SPARK_TEST_ENV,
        "ABM_DBT_TARGET": "spark",
        "ABM_DBT_VARS": json.dumps(SAMENESS_VARS),
        "ABM_LAKE_DIR": str(spark_side / "lake"),
        "ABM_WAREHOUSE_PATH": str(spark_side / "warehouse.duckdb"),
    }
    env.pop("ABM_SKIP_DBT_TESTS", None)
    args = dbt_build_args(target="spark")
    assert "test" not in args, args
    target = spark_side / "dbt_checks"
    # The refresh's parse (same vars and Spark profile): dbt parses only what changed.
    target.mkdir()
    parsed = next((spark_side / "target").glob("abm_dbt_models-*/partial_parse.msgpack"))
    shutil.copy(parsed, target / parsed.name)
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
