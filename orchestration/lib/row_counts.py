"""Row counts of built tables, for the `dagster/row_count` metadata of materializations.

dagster-dbt's `fetch_row_counts()` counts through the dbt adapter while dbt is still
running; on DuckDB the build's dbt process holds the warehouse file's only write lock, so
those counts fail (and the in-process adapter would keep the file open afterwards). We
count after dbt has exited, over one read-only connection, inside the same step: the
step holds the warehouse's writer pool, so no other writer can change the tables first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb

# Dagster's metadata key for a table's row count (shown in the UI's asset pages).
ROW_COUNT = "dagster/row_count"
# dbt materializations that leave a table behind (views are not counted: counting one
# runs its whole query, as dagster-dbt's own row counts also skip them).
COUNTED_MATERIALIZATIONS = ("table", "incremental", "snapshot", "seed")


def counted_relations(
    manifest: Mapping[str, Any], unique_ids: Iterable[str]
) -> dict[str, tuple[str, str]]:
    """unique_id -> (schema, table) of each node that was built as a table."""
    relations = {}
    for unique_id in unique_ids:
        node = manifest.get("nodes", {}).get(unique_id)
        if node is None:
            continue
        materialized = node.get("config", {}).get("materialized")
        if node["resource_type"] == "seed":
            materialized = "seed"
        if materialized in COUNTED_MATERIALIZATIONS:
            relations[unique_id] = (node["schema"], node.get("alias") or node["name"])
    return relations


def table_row_counts(warehouse: Path, tables: Mapping[str, tuple[str, str]]) -> dict[str, int]:
    """key -> rows of each (schema, table) that exists, over one read-only connection."""
    if not tables:
        return {}
    counts = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        existing = set(
            con.execute("select table_schema, table_name from information_schema.tables").fetchall()
        )
        for key, (schema, table) in tables.items():
            if (schema, table) in existing:
                counts[key] = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[
                    0
                ]
    return counts
