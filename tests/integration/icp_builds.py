"""Small warehouses for the ICP tests: a generated profile, ingested through the Dagster
ingestion assets, then only the dbt models the ICP marts need, with their tests
(`dbt build -s +icp_backtest +icp_attribute_weights +account_fit_scores`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from tests.saved_parse import reuse_session_parse

PROJECT_DIR = Path(__file__).resolve().parents[2]
ICP_MARTS = ("icp_backtest", "icp_attribute_weights", "account_fit_scores")


def _dbt(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args, "--quiet"],
        cwd=PROJECT_DIR, env=env, check=True,
    )


def build_icp_warehouse(
    root: Path, accounts: int, seed: int, profile: str, dbt_vars: dict | None = None
) -> tuple[Path, Path]:
    """Generate `profile`, ingest it and build everything upstream of icp_backtest.

    Returns (warehouse, truth folder)."""
    from sample_data import generate

    landing, truth, warehouse = root / "landing", root / "truth", root / "warehouse.duckdb"
    generate(accounts, seed, landing, truth, profile=profile)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ABM_LANDING_DIR", str(landing))
        patch.setenv("ABM_WAREHOUSE_PATH", str(warehouse))
        from orchestration.definitions import defs

        raw = [key for key in defs.resolve_all_asset_keys() if key.path[0] == "raw"]
        job = dg.define_asset_job(
            f"ingest_{profile}", selection=dg.AssetSelection.assets(*raw)
        ).resolve(asset_graph=defs.resolve_asset_graph())
        with dg.DagsterInstance.ephemeral() as instance:
            result = job.execute_in_process(instance=instance, raise_on_error=False)
    assert result.success, "ingestion of the generated profile failed"
    env = {
        **os.environ,
        "ABM_WAREHOUSE_PATH": str(warehouse),
        "DBT_TARGET_PATH": str(root / "target"),
        "DBT_LOG_PATH": str(root / "logs"),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    reuse_session_parse(root / "target", env)
    vars_arg = ["--vars", json.dumps(dbt_vars)] if dbt_vars else []
    _dbt(["build", "--select", *(f"+{mart}" for mart in ICP_MARTS), "--exclude", "test_type:unit",
          "--indirect-selection", "cautious", *vars_arg], env)
    return warehouse, truth
