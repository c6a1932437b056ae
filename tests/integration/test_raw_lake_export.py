"""The raw layer exported to the lake (Parquet per table) reads back row for row."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.lib.ingest import CONTRACT_TABLES, ingest_all
from orchestration.lib.ingest.contracts import raw_table_name
from orchestration.lib.ingest.lake import PARQUET_FILE, export_raw_tables, raw_table_dir


def land(landing: Path, source: str, table: str, name: str, content: str) -> None:
    path = landing / source / table / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


def lake_rows(lake: Path, table: str) -> list[tuple]:
    path = raw_table_dir(lake, table) / PARQUET_FILE
    with duckdb.connect() as con:
        return con.execute(f"select * from read_parquet('{path}') order by all").fetchall()


def raw_rows(warehouse: Path, table: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"select * from raw.{table} order by all").fetchall()


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Path, Path]:
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse.duckdb"
    land(
        landing,
        "crm",
        "account",
        "a1.csv",
        "Id,Name,LastModifiedDate\n001,O'Brien Ltd,2024-01-02\n002,Acme,2024-01-03\n",
    )
    ingest_all(warehouse, landing)
    return landing, warehouse


def test_every_contract_table_is_exported_with_its_rows_and_types(
    loaded: tuple[Path, Path], tmp_path: Path
) -> None:
    _, warehouse = loaded
    lake = tmp_path / "lake"
    written = export_raw_tables(warehouse, lake)
    names = {raw_table_name(s, t) for s, t in CONTRACT_TABLES}
    assert set(written) == names
    assert written["crm__account"] == 2
    for name in names:  # empty tables too: a reader finds every table and its columns
        assert lake_rows(lake, name) == raw_rows(warehouse, name)
    with duckdb.connect() as con:
        types = dict(
            con.execute(
                "select column_name, column_type from (describe select * from read_parquet(?))",
                [str(raw_table_dir(lake, "crm__account") / PARQUET_FILE)],
            ).fetchall()
        )
    assert types["name"] == "VARCHAR" and types["_row_number"] == "BIGINT"
    assert types["_loaded_at"] == "TIMESTAMP"


def test_a_second_export_replaces_the_tables_whole(
    loaded: tuple[Path, Path], tmp_path: Path
) -> None:
    landing, warehouse = loaded
    lake = tmp_path / "lake"
    export_raw_tables(warehouse, lake)
    land(landing, "crm", "account", "a2.csv", "Id,Name,LastModifiedDate\n003,Beta,2024-02-01\n")
    ingest_all(warehouse, landing)
    export_raw_tables(warehouse, lake)
    assert [row[0] for row in lake_rows(lake, "crm__account")] == ["001", "002", "003"]
    leftovers = [p.name for p in (lake / "raw").iterdir() if p.name.startswith(".")]
    assert leftovers == []
    assert [p.name for p in raw_table_dir(lake, "crm__account").iterdir()] == [PARQUET_FILE]
