"""Which history rows a daily run's dbt tests check (macros/tests/run_window.sql).

Tests on history tables that opt in (`where: "__run_window__(<date column>)"`) check the
rows dated from the var `test_rows_since` minus `test_window_days` on. A refresh of a
warehouse that already holds a build sets the window's start to that build's scoring date
(or to the run's own, when it scores an earlier date) through the environment variable
`ABM_TEST_ROWS_SINCE` (orchestration/lib/dbt_cli.py `dbt_build_env`): older rows were
checked by the builds that wrote them. A first build sets nothing, so every row is checked.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

# The one-row model with the scoring date of the last build (models/intermediate/core).
AS_OF_TABLE = "intermediate.int_as_of_date"


def previous_scoring_date(warehouse: Path) -> date | None:
    """The scoring date of the build the warehouse holds; None before its first build."""
    if not warehouse.exists():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        try:
            row = con.execute(f"select max(as_of_date) from {AS_OF_TABLE}").fetchone()
        except duckdb.CatalogException:
            return None
    return row[0] if row and row[0] is not None else None


def checked_rows_since(warehouse: Path, as_of: str | None = None) -> str | None:
    """The var `test_rows_since` for a refresh of `warehouse` scoring `as_of` (YYYY-MM-DD;
    None: the latest event date), or None: check every row."""
    previous = previous_scoring_date(warehouse)
    if previous is None:
        return None
    if as_of:
        previous = min(previous, date.fromisoformat(as_of))
    return previous.isoformat()
