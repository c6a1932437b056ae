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
  is the same SQL; on Spark each step's states are stored as tables and dropped as at 40
  steps (spark__logistic_fit_steps), so the stored path is compared whole at a third of
  its cost (40 steps were compared at 5,000 accounts, README).
- DuckDB: with every dbt test as a check. Spark: seeds, models and the data tests of
  three seed files (KEPT_TESTS, 13 tests); ABM_DBT_TEST_EXCLUDE leaves out the rest
  (every test downstream of a model, the singular tests, the other seed files): a dbt
  test costs local Spark about 0.5 s, and the ~490 tests judge the same rows the DuckDB
  side has judged. ABM_SPARK_TEST_DBT_TESTS=1 runs them all on Spark too. That the Spark
  job runs its checks is `test_the_spark_build_runs_its_dbt_tests`: the job's dbt
  arguments keep every test unless a test's switch is set, and the Spark refresh ran dbt
  with exactly those arguments, its kept tests on Spark, passing (no second dbt process
  and JVM for it: that cost ~30 CPU-s of JVM and over a minute).
- Both refreshes run at once from one generated landing (`refreshed`): the Spark side
  waits on its driver JVM, the DuckDB side fills the other core; same CPU, less wall.
- Spark settings for a tiny sample (SPARK_TEST_ENV): one shuffle partition, no adaptive
  execution, no whole-stage code generation, a quick JIT (profiles.yml), 4 dbt threads
  (the statements wait on the driver more than on the 2 executor cores).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

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
# dbt vars of both refreshes (ABM_DBT_VARS): the ICP fit in 15 steps instead of 40 (each
# step is ~12 stored tables on Spark; the fit is most of local Spark's time at this size).
SAMENESS_VARS = {"icp_fit_steps": 15}
# The local Spark session tuned for a few thousand rows (profiles.yml reads these).
SPARK_TEST_ENV = {
    "ABM_SPARK_SHUFFLE_PARTITIONS": "1",
    "ABM_SPARK_ADAPTIVE": "false",
    "ABM_SPARK_CODEGEN": "false",
    # C1 only: the JVM then sizes its code cache as without tiers (48 MB), which Spark's
    # code fills, and the sweeper flushes and recompiles (~25 CPU-s); 256 MB holds it.
    # Derby (the metastore of a throwaway lake) without a disk sync per commit.
    "ABM_SPARK_JAVA_OPTIONS": (
        "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m -XX:+UseSerialGC "
        "-Dderby.system.durability=test"
    ),
    "ABM_SPARK_THREADS": "4",
}
# The Spark side runs the data tests of these seed folders' YAML files (13 tests) as part
# of the job's dbt build, so the refresh itself shows the Spark job runs its dbt tests;
# ABM_DBT_TEST_EXCLUDE leaves out the rest: every test downstream of a model, every
# singular test and the other seed files' tests (the DuckDB side runs all ~490).
KEPT_TESTS = ("seeds/crm", "seeds/engagement", "seeds/identity")
SPARK_TEST_EXCLUDE = " ".join(
    [
        "resource_type:model+",
        "path:data-tests",
        *(
            f"path:{path}"
            for path in sorted(
                yml.relative_to(PROJECT_DIR).as_posix()
                for yml in (PROJECT_DIR / "seeds").rglob("*.yml")
            )
            if not path.startswith(KEPT_TESTS)
        ),
    ]
)
TIERS = {"tier_1", "tier_2", "tier_3", "not_target"}
FIT_GRADES = {"A", "B", "C", "D"}


def start_refresh(
    root: Path, landing: Path, target: str, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """`make run`'s refresh of `landing` into folders under `root`, on dbt target `target`,
    started; its output goes to `root`/refresh.out, dbt's artifacts (one folder per
    invocation) under `root`/target."""
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
    with (root / "refresh.out").open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "orchestration.lib.runner"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )


def finished(run: subprocess.Popen[str], root: Path, timeout: float = 3600) -> str:
    """The refresh's output once it has ended; fails the fixture unless it published."""
    try:
        code = run.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        run.kill()
        run.wait()
        raise
    out = (root / "refresh.out").read_text()
    assert code == 0, f"refresh into {root} failed:\n{out[-4000:]}"
    assert "result: PUBLISHED" in out, out[-4000:]
    return out


def spark_env() -> dict[str, str]:
    """The Spark side's settings: the session for a tiny sample and which dbt tests run."""
    env = dict(SPARK_TEST_ENV)
    if os.environ.get("ABM_SPARK_TEST_DBT_TESTS") != "1":
        env["ABM_DBT_TEST_EXCLUDE"] = SPARK_TEST_EXCLUDE
    return env


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(DuckDB refresh folder, Spark refresh folder) of one generated landing: both
    refreshes run at once (the Spark one mostly waits on its driver JVM)."""
    from sample_data import generate

    root = tmp_path_factory.mktemp("sameness")
    generate(ACCOUNTS, SEED, root / "landing", root / "truth")
    sides = {"spark": root / "spark", "duckdb": root / "duckdb"}
    runs = {}
    try:
        runs["spark"] = start_refresh(sides["spark"], root / "landing", "spark", spark_env())
        runs["duckdb"] = start_refresh(sides["duckdb"], root / "landing", "duckdb")
        for name, run in runs.items():
            finished(run, sides[name])
    finally:
        for run in runs.values():
            if run.poll() is None:
                run.terminate()
                run.wait(timeout=120)
    return sides["duckdb"], sides["spark"]


def test_duckdb_and_spark_publish_the_same_marts(refreshed: tuple[Path, Path]) -> None:
    duckdb_side, spark_side = refreshed
    assert compare_marts(duckdb_side / "serving.duckdb", spark_side / "serving.duckdb") == []


def test_a_spark_refresh_prints_no_library_warnings(refreshed: tuple[Path, Path]) -> None:
    """Its console is the progress and the summary: no Python warning of a library (PySpark
    warns about pandas 3 on import; orchestration/__init__.py filters that one)."""
    out = (refreshed[1] / "refresh.out").read_text()
    assert "result: PUBLISHED" in out
    assert re.search(r"\b[A-Za-z]*Warning: ", out) is None, out[:3000]


def test_the_sample_is_not_trivial(refreshed: tuple[Path, Path]) -> None:
    """The marts compared hold every tier, every fit grade and learned fit reasons."""
    with duckdb.connect(str(refreshed[0] / "serving.duckdb"), read_only=True) as con:
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


def build_selection(
    ran: dict[str, Any] | None = None, dbt_args: list[str] | None = None
) -> dict[str, Any]:
    """What a dbt build runs: from the args dbt recorded (run_results.json) or from a
    command line (`dbt_build_args`): the command, what it leaves out, its vars."""
    if ran is not None:
        return {
            "which": ran["which"],
            "exclude_resource_types": sorted(ran["exclude_resource_types"]),
            "exclude": sorted(" ".join(ran["exclude"]).split()),
            "vars": ran["vars"],
        }
    assert dbt_args is not None
    selection: dict[str, Any] = {"which": dbt_args[0], "exclude_resource_types": [], "exclude": []}
    selection["vars"] = {}
    for flag, value in zip(dbt_args[1::2], dbt_args[2::2], strict=True):
        if flag == "--exclude-resource-type":
            selection["exclude_resource_types"].append(value)
        elif flag == "--exclude":
            selection["exclude"] += value.split()
        else:
            assert flag == "--vars", flag
            selection["vars"] = json.loads(value)
    selection["exclude_resource_types"].sort()
    selection["exclude"].sort()
    return selection


def test_the_spark_build_runs_its_dbt_tests(
    refreshed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Dagster job's dbt arguments on Spark keep the data tests unless a test's switch
    is set, and the Spark refresh above ran them with those arguments: the tests its switch
    kept (a few seeds') ran on Spark as part of the job's dbt build, and passed."""
    from orchestration.lib.dbt_cli import dbt_build_args

    monkeypatch.delenv("ABM_SKIP_DBT_TESTS", raising=False)
    monkeypatch.delenv("ABM_DBT_TEST_EXCLUDE", raising=False)
    monkeypatch.setenv("ABM_DBT_VARS", json.dumps(SAMENESS_VARS))
    production = build_selection(dbt_args=dbt_build_args(target="spark"))
    assert production["exclude_resource_types"] == ["unit_test"], production
    assert not any("resource_type:test" in c for c in production["exclude"]), production
    if os.environ.get("ABM_SPARK_TEST_DBT_TESTS") != "1":
        monkeypatch.setenv("ABM_DBT_TEST_EXCLUDE", SPARK_TEST_EXCLUDE)
    run_results = next((refreshed[1] / "target").glob("abm_dbt_models-*/run_results.json"))
    report = json.loads(run_results.read_text())
    # The refresh's dbt command was the job's arguments (dagster-dbt adds `--select fqn:*`
    # and merges the `--exclude` options into one).
    assert build_selection(report["args"]) == build_selection(
        dbt_args=dbt_build_args(target="spark")
    ), report["args"]["invocation_command"]
    results = report["results"]
    statuses: dict[str, set[str]] = {}
    for r in results:
        statuses.setdefault(r["unique_id"].split(".")[0], set()).add(r["status"])
    tests = [r for r in results if r["unique_id"].startswith("test.")]
    assert len(tests) >= 5 and statuses["test"] <= {"pass", "warn"}, statuses
    assert statuses["model"] == {"success"}
