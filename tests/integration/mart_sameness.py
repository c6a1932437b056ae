"""Compare the marts of two DuckDB files (two engines' builds of the same data).

Same tables, same columns, same rows: every column that is not a floating-point or
decimal number (keys, tiers, grades, reasons, flags, dates) equal as text, and each
number equal within a relative tolerance. Rows are matched after sorting both sides by
the exact columns, then the numbers, so the engines' row order does not matter.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb

# Run metadata of a publication, not marts (published_at, run ids, check warnings).
METADATA_TABLES = frozenset({"_publication", "_check_results"})
NUMERIC_PREFIXES = ("DOUBLE", "FLOAT", "REAL", "DECIMAL")


def _columns(con: duckdb.DuckDBPyConnection, db: str, schema: str, table: str) -> dict[str, str]:
    return dict(
        con.execute(
            "select column_name, data_type from duckdb_columns() "
            "where database_name = ? and schema_name = ? and table_name = ? order by column_index",
            [db, schema, table],
        ).fetchall()
    )


def _tables(con: duckdb.DuckDBPyConnection, db: str, schema: str) -> set[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = ? "
        "union select view_name from duckdb_views() where database_name = ? and schema_name = ?",
        [db, schema, db, schema],
    ).fetchall()
    return {r[0] for r in rows} - METADATA_TABLES


def _is_number(data_type: str) -> bool:
    return data_type.upper().startswith(NUMERIC_PREFIXES)


def _expression(column: str, data_type: str) -> str:
    quoted = '"' + column.replace('"', '""') + '"'
    if _is_number(data_type):
        return f"cast({quoted} as double)"
    if data_type.upper().startswith("TIMESTAMP"):
        return f"cast(cast({quoted} as timestamp) as varchar)"
    return f"cast({quoted} as varchar)"


def numbers_close(a: float | None, b: float | None, rel_tol: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= rel_tol * max(abs(a), abs(b))


def _rows(
    con: duckdb.DuckDBPyConnection, db: str, schema: str, table: str, columns: dict[str, str]
) -> list[tuple]:
    exact = [c for c, t in columns.items() if not _is_number(t)]
    numbers = [c for c, t in columns.items() if _is_number(t)]
    ordered = exact + numbers
    select = ", ".join(_expression(c, columns[c]) for c in ordered)
    order = ", ".join(str(i + 1) for i in range(len(ordered)))
    return con.execute(
        f'select {select} from "{db}"."{schema}"."{table}" order by {order} nulls first'
    ).fetchall()


def compare_marts(
    left: Path, right: Path, schema: str = "marts", rel_tol: float = 1e-9, shown: int = 3
) -> list[str]:
    """Differences between `schema` in two DuckDB files: [] when the marts are the same."""
    problems: list[str] = []
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{left}' as l (read_only)")
        con.execute(f"attach '{right}' as r (read_only)")
        tables_l, tables_r = _tables(con, "l", schema), _tables(con, "r", schema)
        for missing in sorted(tables_l ^ tables_r):
            side = "right" if missing in tables_l else "left"
            problems.append(f"{missing}: missing on the {side}")
        for table in sorted(tables_l & tables_r):
            cols_l = _columns(con, "l", schema, table)
            cols_r = _columns(con, "r", schema, table)
            if set(cols_l) != set(cols_r):
                problems.append(f"{table}: columns differ {sorted(set(cols_l) ^ set(cols_r))}")
                continue
            # The left's order and types decide: a column numeric on one side only is text.
            columns = {
                c: t if _is_number(t) == _is_number(cols_r[c]) else "VARCHAR"
                for c, t in cols_l.items()
            }
            rows_l = _rows(con, "l", schema, table, columns)
            rows_r = _rows(con, "r", schema, table, columns)
            if len(rows_l) != len(rows_r):
                problems.append(f"{table}: {len(rows_l)} rows vs {len(rows_r)}")
                continue
            names = [c for c, t in columns.items() if not _is_number(t)] + [
                c for c, t in columns.items() if _is_number(t)
            ]
            kinds = [_is_number(columns[c]) for c in names]
            bad = []
            for row_l, row_r in zip(rows_l, rows_r, strict=True):
                diff = [
                    f"{name}: {a!r} vs {b!r}"
                    for name, number, a, b in zip(names, kinds, row_l, row_r, strict=True)
                    if (not numbers_close(a, b, rel_tol) if number else a != b)
                ]
                if diff:
                    bad.append("; ".join(diff))
            if bad:
                problems.append(f"{table}: {len(bad)} rows differ, e.g. " + " | ".join(bad[:shown]))
    return problems
