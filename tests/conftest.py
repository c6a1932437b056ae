"""Shared fixtures: one warehouse built through Dagster on generated sample data."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
# 3,000 accounts give the ICP model enough closed deals to learn what the issue's
# accuracy tests ask for (backtest AUC within 0.03 of the planted truth's).
SAMPLE_ACCOUNTS = int(os.environ.get("ABM_TEST_ACCOUNTS", "3000"))
SAMPLE_SEED = 7

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))


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
    modules import them at collection: parse before anything is collected."""
    subprocess.run(
        [dbt_bin(), "parse", "--quiet"],
        cwd=PROJECT_DIR,
        check=True,
        env={**os.environ, "ABM_WAREHOUSE_PATH": ":memory:"},
    )


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltWarehouse]:
    import dagster as dg

    from sample_data import generate

    root = tmp_path_factory.mktemp("warehouse")
    landing, truth, warehouse = root / "landing", root / "truth", root / "warehouse.duckdb"
    generate(SAMPLE_ACCOUNTS, SAMPLE_SEED, landing, truth)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ABM_LANDING_DIR", str(landing))
        patch.setenv("ABM_WAREHOUSE_PATH", str(warehouse))
        patch.setenv("ABM_TRUTH_DIR", str(truth))
        patch.setenv("ABM_SERVING_PATH", str(root / "serving.duckdb"))
        patch.setenv("ABM_EXPORTS_DIR", str(root / "exports"))
        from orchestration.definitions import defs
        from orchestration.defs.jobs import DAILY_REFRESH
        from orchestration.lib.runner import tally_checks

        job = defs.resolve_job_def(DAILY_REFRESH)
        with dg.DagsterInstance.ephemeral() as instance:
            result = job.execute_in_process(instance=instance, raise_on_error=False)
        checks = tally_checks(result.get_asset_check_evaluations())
        yield BuiltWarehouse(
            warehouse_path=warehouse,
            landing_dir=landing,
            truth_dir=truth,
            serving_path=root / "serving.duckdb",
            exports_dir=root / "exports",
            run_success=result.success,
            failed_checks=tuple(checks.failed),
        )
