"""The semantic layer and the exposures, read from the parsed project (no warehouse).

`mf validate-configs --skip-dw` checks the semantic models and metrics (the session
parses the project first, tests/conftest.py); the warehouse validations run in
tests/integration/test_semantic_layer.py against a built warehouse.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
CONSUMERS = {"serving_duckdb_file", "parquet_exports", "postgres_bi_schema"}
RATIO_METRICS = {
    "win_rate", "average_deal_size", "sales_cycle_days", "mqa_to_opportunity_conversion",
    "tier_coverage", "average_engagement_score",
}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((PROJECT_DIR / "target" / "manifest.json").read_text())


def test_mf_validate_configs_passes():
    env = {
        **os.environ,
        # mf runs `dbt debug` first: an in-memory target opens no warehouse file.
        "ABM_DBT_TARGET": "lint",
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    result = subprocess.run(
        [str(Path(sys.executable).parent / "mf"), "validate-configs", "--skip-dw"],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ERRORS: 0" in result.stdout, result.stdout


def test_ratios_are_ratio_metrics(manifest: dict):
    metrics = {metric["name"]: metric for metric in manifest["metrics"].values()}
    assert set(metrics) >= RATIO_METRICS
    assert {name for name in RATIO_METRICS if metrics[name]["type"] != "ratio"} == set()


def test_every_consumer_exposes_every_published_mart(manifest: dict):
    published = {
        key for key, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and "bi" in node["tags"]
    }
    exposures = {exposure["name"]: exposure for exposure in manifest["exposures"].values()}
    assert set(exposures) >= CONSUMERS
    for name in CONSUMERS:
        exposure = exposures[name]
        assert exposure["owner"]["name"] and exposure["owner"]["email"]
        assert set(exposure["depends_on"]["nodes"]) == published, name
