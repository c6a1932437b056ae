"""The Spark target's tables become readable in the build warehouse; snapshots stay out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.dbt_cli import SPARK_EXCLUDE, dbt_build_args
from orchestration.lib.settings import leaves_out_dbt_tests
from orchestration.lib.spark_lake import mirror_spark_tables, on_spark, spark_tables


def spark_table(warehouse_dir: Path, schema: str, table: str, sql: str, part: str = "") -> None:
    """A folder as Spark writes a managed Parquet table: part files and a _SUCCESS marker
    (`part`: the <column>=<value> folder of a partitioned table's rows)."""
    folder = warehouse_dir / f"{schema}.db" / table / part
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_SUCCESS").touch()
    with duckdb.connect() as con:
        con.execute(f"copy ({sql}) to '{folder / 'part-00000.parquet'}' (format parquet)")


def test_mirror_replaces_duckdb_tables_by_views_over_spark_parquet(tmp_path: Path) -> None:
    lake = tmp_path / "spark-warehouse"
    spark_table(lake, "marts", "account_tiers", "select 'a1' as account_id, 'tier_1' as tier")
    spark_table(lake, "intermediate", "int_x", "select range as n from range(5)")
    for day in ("2026-11-30", "2026-12-01"):
        spark_table(lake, "marts", "fct_daily", "select 7 as n", part=f"as_of_date={day}")
    (lake / "marts.db" / "dropped_table").mkdir()  # no data files: not a table
    spark_table(lake, "raw", "crm__account", "select 1 as id")  # raw stays DuckDB's
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.account_tiers as select 'old' as account_id")
        con.execute("create schema raw")
        con.execute("create table raw.crm__account as select 2 as id")

    assert sorted(spark_tables(lake)) == [
        ("intermediate", "int_x"),
        ("marts", "account_tiers"),
        ("marts", "fct_daily"),
    ]
    assert mirror_spark_tables(warehouse, lake) == [
        "intermediate.int_x",
        "marts.account_tiers",
        "marts.fct_daily",
    ]
    # Twice: views replace views too.
    mirror_spark_tables(warehouse, lake)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select * from marts.account_tiers").fetchall() == [("a1", "tier_1")]
        assert con.execute("select count(*) from intermediate.int_x").fetchone() == (5,)
        assert con.execute("select n, as_of_date from marts.fct_daily order by 2").fetchall() == [
            (7, date(2026, 11, 30)),
            (7, date(2026, 12, 1)),
        ]
        assert con.execute("select id from raw.crm__account").fetchall() == [(2,)]


def test_spark_builds_leave_snapshots_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ABM_DBT_TARGET", raising=False)
    assert not on_spark()
    assert SPARK_EXCLUDE[0] not in dbt_build_args()
    assert dbt_build_args(target="spark")[-2:] == SPARK_EXCLUDE
    monkeypatch.setenv("ABM_DBT_TARGET", "spark")
    assert on_spark()
    args = dbt_build_args('{"icp_fit_steps": 3}')
    assert args[args.index("--exclude") + 1] == "resource_type:snapshot+"
    assert args[-2] == "--vars"


def test_dbt_tests_are_left_out_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """ABM_SKIP_DBT_TESTS (a switch for a build tried by hand) is off unless set to 1."""
    monkeypatch.delenv("ABM_SKIP_DBT_TESTS", raising=False)
    for target in (None, "spark"):
        assert "test" not in dbt_build_args(target=target)
    monkeypatch.setenv("ABM_SKIP_DBT_TESTS", "0")
    assert "test" not in dbt_build_args(target="spark")
    monkeypatch.setenv("ABM_SKIP_DBT_TESTS", "1")
    args = dbt_build_args(target="spark")
    assert args[-2:] == ["--exclude-resource-type", "test"]
    assert args[:3] == ["build", "--exclude-resource-type", "unit_test"]


def test_only_the_named_dbt_tests_are_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """ABM_DBT_TEST_EXCLUDE (the Spark side of the sameness test) leaves out data tests
    only: each criterion is intersected with resource_type:test."""
    monkeypatch.delenv("ABM_SKIP_DBT_TESTS", raising=False)
    monkeypatch.delenv("ABM_DBT_TEST_EXCLUDE", raising=False)
    assert not leaves_out_dbt_tests()
    assert "--exclude" not in dbt_build_args(target="duckdb")
    monkeypatch.setenv("ABM_DBT_TEST_EXCLUDE", "resource_type:model+  path:seeds/icp")
    assert leaves_out_dbt_tests()
    args = dbt_build_args(target="spark")
    assert args[-2:] == [
        "--exclude",
        "resource_type:test,resource_type:model+ resource_type:test,path:seeds/icp",
    ]
    assert args[-4:-2] == SPARK_EXCLUDE
    # Skipping every test wins over a partial exclusion.
    monkeypatch.setenv("ABM_SKIP_DBT_TESTS", "1")
    assert dbt_build_args(target="spark")[-2:] == ["--exclude-resource-type", "test"]
