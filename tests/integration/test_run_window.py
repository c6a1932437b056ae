"""Tests on history tables check the rows a daily run can change, a full build every row
(macros/tests/run_window.sql, orchestration/lib/run_window.py).

Known answer: a staged G2 table whose only duplicate id is dated before the window. The
uniqueness test on it fails without a window (a first build, a manual `dbt test`),
passes with the daily run's window, and fails again when the duplicate is inside it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.dbt_cli import ROWS_SINCE_ENV, dbt_build_args, dbt_build_env
from orchestration.lib.run_window import checked_rows_since, previous_scoring_date
from tests.saved_parse import reuse_session_parse

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).parent / "dbt")
SCOPED_TEST = "unique_stg_intent__g2_signals_g2_signal_id"


def _staged_signals(warehouse: Path, rows: list[tuple[str, str]]) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists staging")
        con.execute(
            "create or replace table staging.stg_intent__g2_signals "
            "(g2_signal_id varchar, signal_date date)"
        )
        con.executemany("insert into staging.stg_intent__g2_signals values (?, ?)", rows)


def _dbt_test(
    tmp_path: Path, warehouse: Path, dbt_vars: dict | None, rows_since: str = ""
) -> int:
    command = [DBT, "test", "-s", SCOPED_TEST, "--target-path", str(tmp_path / "target")]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]
    env = {
        **os.environ,
        ROWS_SINCE_ENV: rows_since,
        "ABM_WAREHOUSE_PATH": str(warehouse),
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    reuse_session_parse(tmp_path / "target", env)
    return subprocess.run(command, cwd=REPO_ROOT, env=env, check=False).returncode


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


def test_a_full_build_checks_every_row_a_daily_run_its_window(tmp_path, warehouse) -> None:
    # g1 is duplicated on 2026-10-01, long before the window (2026-11-10 less 7 days).
    old_duplicate = [("g1", "2026-10-01"), ("g1", "2026-10-01"), ("g2", "2026-11-09")]
    _staged_signals(warehouse, [*old_duplicate, ("g3", "2026-11-12")])
    assert _dbt_test(tmp_path, warehouse, None) == 1
    # The daily refresh's window, through the environment (dbt's parse state stays).
    assert _dbt_test(tmp_path, warehouse, None, rows_since="2026-11-10") == 0
    # A duplicate inside the window (and one with an unknown date) is still found.
    _staged_signals(warehouse, [*old_duplicate, ("g4", None), ("g4", "2026-11-11")])
    assert _dbt_test(tmp_path, warehouse, None, rows_since="2026-11-10") == 1
    # The same window set by hand, as the var.
    _staged_signals(warehouse, [*old_duplicate, ("g3", "2026-11-12")])
    window = {"test_rows_since": "2026-11-10", "test_window_days": 7}
    assert _dbt_test(tmp_path, warehouse, window) == 0


def test_the_window_starts_at_the_previous_build_or_the_runs_earlier_date(warehouse) -> None:
    assert previous_scoring_date(warehouse) is None  # no warehouse yet
    duckdb.connect(str(warehouse)).close()
    assert checked_rows_since(warehouse) is None  # a warehouse without a build
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema intermediate")
        con.execute(
            "create table intermediate.int_as_of_date as select date '2026-11-15' as as_of_date"
        )
    assert previous_scoring_date(warehouse) == date(2026, 11, 15)
    assert checked_rows_since(warehouse) == "2026-11-15"
    assert checked_rows_since(warehouse, "2026-11-20") == "2026-11-15"
    # A backfill of an earlier date checks from that date on.
    assert checked_rows_since(warehouse, "2026-11-01") == "2026-11-01"


def test_the_window_reaches_dbt_unless_the_run_sets_it(monkeypatch) -> None:
    monkeypatch.delenv("ABM_DBT_VARS", raising=False)
    monkeypatch.delenv("ABM_AS_OF", raising=False)
    # Through the environment, never the command line's vars (they would cost a re-parse).
    assert dbt_build_env("2026-11-15")[ROWS_SINCE_ENV] == "2026-11-15"
    assert "--vars" not in dbt_build_args()
    # No window (a first build) clears any value the caller's environment had.
    assert dbt_build_env(None)[ROWS_SINCE_ENV] == ""
    # The run's own var wins: the environment says nothing.
    assert dbt_build_env("2026-11-15", '{"test_rows_since": ""}')[ROWS_SINCE_ENV] == ""
    own = dbt_build_args('{"test_rows_since": ""}')
    assert json.loads(own[own.index("--vars") + 1]) == {"test_rows_since": ""}
