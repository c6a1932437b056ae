"""The uniqueness tests on DuckDB find what dbt's own SQL finds
(macros/generic_tests/unique_combination.sql: a hash pass, then the exact key).

Known answer: small tables with repeated keys, keys with a null part and distinct keys
that differ in one part only. dbt reports one failure per failing key, as the plain
`group by ... having count(*) > 1` does, and none on a table without repeats.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.dbt_cli import ROWS_SINCE_ENV
from tests.saved_parse import reuse_session_parse

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).parent / "dbt")
COMBINATION_TEST = "unique_combination_int_icp_fit_terms_group_key__example_id__feature_key"
UNIQUE_TEST = "unique_stg_intent__g2_signals_g2_signal_id"


def _failures(tmp_path: Path, warehouse: Path, test_name: str) -> int:
    """Run one dbt test on `warehouse`; the failures dbt counted (0 when it passed)."""
    env = {
        **os.environ,
        "ABM_WAREHOUSE_PATH": str(warehouse),
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        ROWS_SINCE_ENV: "",
    }
    target = reuse_session_parse(tmp_path / "target", env)
    completed = subprocess.run(
        [DBT, "test", "-s", test_name, "--target-path", str(target)],
        cwd=REPO_ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    results = json.loads((target / "run_results.json").read_text())["results"]
    (result,) = [r for r in results if r["unique_id"].startswith("test.")]
    assert result["status"] != "error", completed.stdout[-2000:]
    assert completed.returncode == (0 if result["status"] == "pass" else 1)
    return int(result["failures"] or 0)


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


def _fit_terms(warehouse: Path, rows: list[tuple[str | None, str | None, str | None]]) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists intermediate")
        con.execute(
            "create or replace table intermediate.int_icp_fit_terms "
            "(group_key varchar, example_id varchar, feature_key varchar)"
        )
        con.executemany("insert into intermediate.int_icp_fit_terms values (?, ?, ?)", rows)


def _signals(warehouse: Path, ids: list[str | None]) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists staging")
        con.execute(
            "create or replace table staging.stg_intent__g2_signals "
            "(g2_signal_id varchar, signal_date date)"
        )
        con.executemany(
            "insert into staging.stg_intent__g2_signals values (?, date '2026-11-01')",
            [(i,) for i in ids],
        )


def test_unique_combination_reports_each_repeated_or_incomplete_key(tmp_path, warehouse):
    distinct = [("scoring", f"a{i}", f"industry:{i % 7}") for i in range(500)]
    # Keys that differ in one part only are distinct: no failure.
    distinct += [("backtest", "a1", "industry:1"), ("scoring", "a1", "industry:2")]
    _fit_terms(warehouse, distinct)
    assert _failures(tmp_path, warehouse, COMBINATION_TEST) == 0
    # b1 twice; a9 (already in `distinct`) three times.
    repeated = [("scoring", "b1", "industry:1")] * 2 + [("scoring", "a9", "industry:2")] * 2
    null_parts = [("scoring", None, "intercept:intercept")] * 2 + [(None, "a5", "x")]
    _fit_terms(warehouse, distinct + repeated + null_parts)
    # Two repeated keys, two distinct keys with a null part (one of them twice).
    assert _failures(tmp_path, warehouse, COMBINATION_TEST) == 4


def test_unique_reports_each_repeated_value_and_ignores_nulls(tmp_path, warehouse):
    _signals(warehouse, [f"g{i}" for i in range(300)] + [None, None])
    assert _failures(tmp_path, warehouse, UNIQUE_TEST) == 0
    _signals(warehouse, [f"g{i}" for i in range(300)] + ["g7", "g7", "g8", None, None])
    assert _failures(tmp_path, warehouse, UNIQUE_TEST) == 2
