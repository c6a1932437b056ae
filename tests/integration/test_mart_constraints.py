"""Required columns. Of a contracted mart: a contract `not_null` constraint, so a null fails
the model while it builds and the published table keeps its last good rows. Of any other
model or seed: one model-level `not_null_columns` test, which names each column with nulls
and how many rows."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.conftest import PROJECT_DIR, BuiltWarehouse
from tests.saved_parse import reuse_session_parse


def _dbt(args: list[str], warehouse: Path, tmp: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "ABM_WAREHOUSE_PATH": str(warehouse),
        "DBT_TARGET_PATH": str(tmp / "target"),
        "DBT_LOG_PATH": str(tmp / "logs"),
    }
    reuse_session_parse(tmp / "target", env)
    dbt = str(Path(sys.executable).parent / "dbt")
    return subprocess.run([dbt, *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True)


def test_a_null_in_a_required_mart_column_fails_the_build(
    built_warehouse: BuiltWarehouse, tmp_path: Path
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.warehouse_path, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        rows_before = con.execute("select count(*) from marts.dim_accounts").fetchone()[0]
        broken = con.execute(
            "update intermediate.int_accounts set customer_status = null "
            "where account_id = (select min(account_id) from intermediate.int_accounts) "
            "returning account_id"
        ).fetchone()[0]

    result = _dbt(["run", "--select", "dim_accounts"], warehouse, tmp_path)

    assert result.returncode == 1, result.stdout[-3000:]
    assert "dim_accounts" in result.stdout
    assert "customer_status" in result.stdout and "NOT NULL" in result.stdout.upper()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows_after, nulls, kept = con.execute(
            "select count(*), count(*) - count(customer_status), "
            "count(*) filter (where account_id = ?) from marts.dim_accounts",
            [broken],
        ).fetchone()
    assert (rows_after, nulls, kept) == (rows_before, 0, 1)


def test_not_null_columns_names_each_column_with_nulls_and_how_many(
    built_warehouse: BuiltWarehouse, tmp_path: Path
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.warehouse_path, warehouse)
    table = "intermediate.int_technologies_combined"
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            f"update {table} set tech_name = null where (domain, tech_name) in "
            f"(select (domain, tech_name) from {table} order by domain, tech_name limit 2)"
        )
        con.execute(
            f"update {table} set domain = null where (domain, tech_name) in "
            f"(select (domain, tech_name) from {table} where tech_name is not null "
            "order by domain, tech_name limit 1)"
        )
    select = ["--select", "int_technologies_combined,test_name:not_null_columns"]

    result = _dbt(["test", *select], warehouse, tmp_path)

    assert result.returncode == 1, result.stdout[-3000:]
    assert "Failure in test not_null_columns_int_technologies_combined" in result.stdout
    assert "Got 2 results" in result.stdout
    compiled = next((tmp_path / "target" / "compiled").rglob("not_null_columns_int_tech*.sql"))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        failures = sorted(con.execute(compiled.read_text()).fetchall())
    assert failures == [("domain", 1), ("tech_name", 2)]
