"""The raw layer as Parquet under a lake folder, for an engine that cannot open DuckDB (Spark).

Ingestion keeps writing `raw` in the DuckDB warehouse (its load log and quarantine decide
what is loaded); this step copies each contract table to `<lake>/raw/<source>__<table>/`
as one Parquet file. On the `spark` dbt target an on-run-start hook
(macros/sources/create_raw_tables.sql) declares a table over each folder, so the same
`source()` calls read it. DuckDB reads the same files (`read_parquet`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from orchestration.lib import settings
from orchestration.lib.ingest.contracts import CONTRACT_TABLES, raw_table_name
from orchestration.lib.ingest.readers import quote_identifier
from orchestration.lib.settings import warehouse_path

PARQUET_FILE = "part-00000.parquet"


def lake_dir() -> Path:
    """The lake folder: ABM_LAKE_DIR, default data/lake under the project (settings.py)."""
    return settings.lake_dir()


def raw_table_dir(lake: Path, table: str) -> Path:
    return lake / "raw" / table


def export_raw_table(con: duckdb.DuckDBPyConnection, lake: Path, source: str, table: str) -> int:
    """Write raw.<source>__<table> to its lake folder (swapped in whole); returns its rows."""
    name = raw_table_name(source, table)
    target = raw_table_dir(lake, name)
    staging = target.with_name(f".{name}.writing")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    relation = f"raw.{quote_identifier(name)}"
    path = str(staging / PARQUET_FILE).replace("'", "''")
    con.execute(f"copy (select * from {relation}) to '{path}' (format parquet)")
    rows = con.execute(f"select count(*) from {relation}").fetchone()[0]
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return rows


def export_raw_tables(warehouse_path: Path, lake: Path) -> dict[str, int]:
    """Write every contract table of `raw` to the lake; returns rows written per table.

    Each table is written to a sibling temporary folder and swapped in, so a reader never
    sees a half-written table; a table missing from the warehouse is an error (ingestion
    creates every raw table, empty when its source never delivered).
    """
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        return {
            raw_table_name(source, table): export_raw_table(con, lake, source, table)
            for source, table in CONTRACT_TABLES
        }


def main() -> None:
    lake = lake_dir()
    for name, rows in export_raw_tables(warehouse_path(), lake).items():
        print(f"{raw_table_dir(lake, name)}: {rows} rows")


if __name__ == "__main__":
    main()
