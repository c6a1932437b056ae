"""Shared fixtures: one warehouse built through Dagster on generated sample data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from tests.saved_parse import SESSION_WAREHOUSE, reuse_session_parse

PROJECT_DIR = Path(__file__).resolve().parent.parent
# 3,000 accounts give the ICP model enough closed deals to learn what the issue's
# accuracy tests ask for (backtest AUC within 0.03 of the planted truth's).
SAMPLE_ACCOUNTS = int(os.environ.get("ABM_TEST_ACCOUNTS", "3000"))
SAMPLE_SEED = 7

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
# No dbt.log file in the tests' refreshes (the default is `info`, README "Settings"): the
# tests read dbt's outcome from run_results.json and Dagster's events, never its log file,
# and writing it is about a tenth of each build's dbt CPU (~4 CPU-s at 3,000 accounts).
os.environ.setdefault("ABM_DBT_FILE_LOG_LEVEL", "none")


@dataclass(frozen=True)
class BuiltWarehouse:
    warehouse_path: Path
    landing_dir: Path
    truth_dir: Path
    serving_path: Path
    exports_dir: Path
    run_success: bool
    failed_checks: tuple[str, ...]


def dbt_bin() -> str:
    return str(Path(sys.executable).parent / "dbt")


def pytest_sessionstart(session: pytest.Session) -> None:
    """dagster-dbt loads the manifest when the definitions are imported, and test
    modules import them at collection: parse before anything is collected. Under
    pytest-xdist only the controller parses (before it starts the workers). Its saved
    parse is the one every test's dbt starts from (tests/saved_parse.py)."""
    if hasattr(session.config, "workerinput"):
        return
    subprocess.run(
        [dbt_bin(), "parse", "--quiet"],
        cwd=PROJECT_DIR,
        check=True,
        env={**os.environ, "ABM_WAREHOUSE_PATH": SESSION_WAREHOUSE},
    )


# The order pytest-xdist hands modules out in (the Makefile passes
# --no-loadscope-reorder; by default xdist sorts modules by their number of tests).
# The modules whose fixtures run whole refreshes go first, the longest first, so that
# none starts last and keeps one worker busy after the others are idle. Right after the
# first two (the second one's worker builds the session's warehouse), the modules that
# need no session build keep the other workers busy instead of waiting for its lock.
SLOW_MODULES_FIRST = (
    # its own sample refreshed on DuckDB and on local Spark at once (both cores)
    "test_spark_sameness.py",
    "test_refresh_killed.py",
    # no session build needed:
    "test_run_window.py",
    "test_ingest_sql_matches_gx.py",
    "test_scale.py",
    "test_ingest_files.py",
    "test_raw_lake_export.py",
    # whole refreshes on copies of the session build:
    "test_refresh_incremental.py",
    "test_backfill.py",
    "test_day_two.py",
    "test_dev_loop.py",
    "test_icp_reference.py",
    "test_dbt_unit_tests.py",
    "test_refresh_bad_inputs.py",
    "test_tiers.py",
    "test_icp.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        last = len(SLOW_MODULES_FIRST)
        return SLOW_MODULES_FIRST.index(name) if name in SLOW_MODULES_FIRST else last

    items.sort(key=rank)  # stable: the order inside each module is kept


@pytest.fixture(scope="session")
def built_warehouse(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> Iterator[BuiltWarehouse]:
    """Built once per `make test`: under pytest-xdist the first worker to ask builds it
    (under a file lock) and the others read it; every test treats it as read-only and
    copies it before it writes."""
    base = tmp_path_factory.getbasetemp()
    root = (base if worker_id == "master" else base.parent) / "session_warehouse"
    with FileLock(f"{root}.lock"):
        outcome = root / "outcome.json"
        if not outcome.exists():
            _build_warehouse(root, outcome)
        built = json.loads(outcome.read_text())
    with pytest.MonkeyPatch.context() as patch:
        for name, value in _session_env(root).items():
            patch.setenv(name, value)
        yield BuiltWarehouse(
            warehouse_path=root / "warehouse.duckdb",
            landing_dir=root / "landing",
            truth_dir=root / "truth",
            serving_path=root / "serving.duckdb",
            exports_dir=root / "exports",
            run_success=built["run_success"],
            failed_checks=tuple(built["failed_checks"]),
        )


def _session_env(root: Path) -> dict[str, str]:
    return {
        "ABM_LANDING_DIR": str(root / "landing"),
        "ABM_WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
        "ABM_TRUTH_DIR": str(root / "truth"),
        "ABM_SERVING_PATH": str(root / "serving.duckdb"),
        "ABM_EXPORTS_DIR": str(root / "exports"),
    }


def _build_warehouse(root: Path, outcome: Path) -> None:
    """The sample generated and refreshed through the real Dagster job."""
    import dagster as dg

    from sample_data import generate

    root.mkdir(parents=True, exist_ok=True)
    generate(SAMPLE_ACCOUNTS, SAMPLE_SEED, root / "landing", root / "truth")
    env = {**_session_env(root), "DBT_TARGET_PATH": str(root / "target")}
    reuse_session_parse(root / "target", env)

    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        from orchestration.definitions import defs
        from orchestration.defs.jobs import DAILY_REFRESH
        from orchestration.lib.runner import tally_checks

        job = defs.resolve_job_def(DAILY_REFRESH)
        with dg.DagsterInstance.ephemeral() as instance:
            result = job.execute_in_process(instance=instance, raise_on_error=False)
        checks = tally_checks(result.get_asset_check_evaluations())
    outcome.write_text(
        json.dumps({"run_success": result.success, "failed_checks": sorted(checks.failed)})
    )
