"""The Spark target's tables, readable by everything after dbt that reads DuckDB.

With `ABM_DBT_TARGET=spark`, dbt builds every model as Parquet under the lake
(`<ABM_LAKE_DIR>/spark-warehouse/<schema>.db/<table>/`, profiles.yml). The steps after
dbt (row counts, the Python checks, the publication to the serving file and exports)
read the build warehouse, a DuckDB file: `mirror_spark_tables` declares there, for each
table Spark built, a view `<schema>.<table>` over its Parquet files
(`read_parquet`), replacing the DuckDB table or view of that name. Nothing is copied:
the publication copies the marts from the views as it does from DuckDB's tables.
Schema `raw` stays DuckDB's own (Spark's `raw` tables are the lake export of it).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from orchestration.lib.ingest.lake import lake_dir

SPARK_TARGET = "spark"
# Schemas dbt builds on Spark that the steps after dbt may read.
MIRRORED_SCHEMAS = ("staging", "intermediate", "marts", "reference")


def dbt_target() -> str:
    """The dbt target of this run: ABM_DBT_TARGET (profiles.yml), default duckdb."""
    return os.environ.get("ABM_DBT_TARGET") or "duckdb"


def on_spark() -> bool:
    return dbt_target() == SPARK_TARGET


def spark_warehouse_dir(lake: Path | None = None) -> Path:
    """Where the `spark` target stores its tables (profiles.yml spark.sql.warehouse.dir)."""
    return (lake or lake_dir()) / "spark-warehouse"


def spark_tables(
    warehouse_dir: Path, schemas: tuple[str, ...] = MIRRORED_SCHEMAS
) -> dict[tuple[str, str], Path]:
    """(schema, table) -> folder of each Spark table with data files, by schema then name."""
    tables = {}
    for schema in schemas:
        folder = warehouse_dir / f"{schema}.db"
        if not folder.is_dir():
            continue
        for table in sorted(p for p in folder.iterdir() if p.is_dir()):
            if any(table.rglob("*.parquet")):
                tables[(schema, table.name)] = table
    return tables


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def mirror_spark_tables(warehouse: Path, warehouse_dir: Path | None = None) -> list[str]:
    """Views in the DuckDB `warehouse` over every table Spark built; returns their
    `<schema>.<table>` names. A DuckDB table or view of the same name is replaced."""
    tables = spark_tables(warehouse_dir or spark_warehouse_dir())
    with duckdb.connect(str(warehouse)) as con:
        existing = dict(
            con.execute(
                "select schema_name || '.' || table_name, 'table' from duckdb_tables() "
                "union all select schema_name || '.' || view_name, 'view' from duckdb_views() "
                "where not internal"
            ).fetchall()
        )
        for (schema, table), folder in tables.items():
            name = f'"{schema}"."{table}"'
            con.execute(f'create schema if not exists "{schema}"')
            kind = existing.get(f"{schema}.{table}")
            if kind:
                con.execute(f"drop {kind} {name}")
            # A partitioned table (insert_overwrite incremental models) keeps its
            # partition column in the folder names, <column>=<value>/, as Hive does.
            files = _quoted(str(folder / "**" / "*.parquet"))
            source = f"read_parquet({files}, hive_partitioning = true)"
            con.execute(f"create view {name} as select * from {source}")
    return [f"{schema}.{table}" for schema, table in tables]
