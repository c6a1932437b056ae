"""The raw schema of the warehouse: its tables, its load log, and short write sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from orchestration.lib.ingest.contracts import TableContract
from orchestration.lib.ingest.readers import quote_identifier

WAREHOUSE_ALIAS = "wh"
# Files BI or older drivers open must stay readable by DuckDB 1.x (see profiles.yml).
STORAGE_VERSION = "v1.4.0"

LINEAGE_COLUMNS: list[tuple[str, str]] = [
    ("_source_file", "varchar"),
    ("_row_number", "bigint"),
    ("_loaded_at", "timestamp"),
    ("_extra_columns", "varchar"),
]

QUARANTINE_COLUMNS: list[tuple[str, str]] = [
    ("source", "varchar"),
    ("table_name", "varchar"),
    ("_source_file", "varchar"),
    ("_row_number", "bigint"),
    ("reason", "varchar"),
    ("record", "varchar"),
    ("_loaded_at", "timestamp"),
]

LOAD_LOG_COLUMNS: list[tuple[str, str]] = [
    ("source", "varchar"),
    ("table_name", "varchar"),
    ("_source_file", "varchar"),
    ("file_size", "bigint"),
    ("file_checksum", "varchar"),
    ("status", "varchar"),
    ("rows_loaded", "bigint"),
    ("rows_quarantined", "bigint"),
    ("message", "varchar"),
    ("_loaded_at", "timestamp"),
]


def qualified(table: str) -> str:
    return f"{WAREHOUSE_ALIAS}.raw.{quote_identifier(table)}"


@contextmanager
def attached(con: duckdb.DuckDBPyConnection, warehouse_path: Path) -> Iterator[None]:
    """Attach the warehouse file for as short as possible: DuckDB allows one writer."""
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    # The storage version only applies when creating the file; an existing file keeps its own
    # (asking for a lower one than it has is an error).
    options = "" if warehouse_path.exists() else f" (storage_version '{STORAGE_VERSION}')"
    con.execute(f"attach {_literal(str(warehouse_path))} as {WAREHOUSE_ALIAS}{options}")
    try:
        yield
    finally:
        con.execute(f"detach {WAREHOUSE_ALIAS}")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ensure_table(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]]
) -> None:
    definition = ", ".join(f"{quote_identifier(name)} {kind}" for name, kind in columns)
    con.execute(f"create table if not exists {qualified(table)} ({definition})")
    existing = {
        row[0]
        for row in con.execute(
            "select column_name from duckdb_columns() "
            "where database_name = ? and schema_name = 'raw' and table_name = ?",
            [WAREHOUSE_ALIAS, table],
        ).fetchall()
    }
    # A contract that gained an optional column: older rows read it as null.
    for name, kind in columns:
        if name not in existing:
            con.execute(
                f"alter table {qualified(table)} add column {quote_identifier(name)} {kind}"
            )


def ensure_raw_tables(con: duckdb.DuckDBPyConnection, contracts: list[TableContract]) -> None:
    """Every raw table exists, empty if its source never delivered (needs `attached`)."""
    con.execute("begin")
    try:
        con.execute(f"create schema if not exists {WAREHOUSE_ALIAS}.raw")
        for contract in contracts:
            columns = [(name, "varchar") for name in contract.columns] + LINEAGE_COLUMNS
            _ensure_table(con, contract.raw_table, columns)
        _ensure_table(con, "quarantine", QUARANTINE_COLUMNS)
        _ensure_table(con, "load_log", LOAD_LOG_COLUMNS)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


@dataclass(frozen=True)
class LoggedFile:
    path: str
    checksum: str
    status: str
    loaded_at: datetime
    message: str | None


def logged_files(con: duckdb.DuckDBPyConnection, source: str, table: str) -> list[LoggedFile]:
    rows = con.execute(
        "select _source_file, file_checksum, status, _loaded_at, message "
        f"from {qualified('load_log')} "
        "where source = ? and table_name = ? order by _loaded_at",
        [source, table],
    ).fetchall()
    return [LoggedFile(*row) for row in rows]


@dataclass(frozen=True)
class LoadLogEntry:
    source: str
    table_name: str
    source_file: str
    file_size: int
    file_checksum: str
    status: str
    rows_loaded: int
    rows_quarantined: int
    message: str | None
    loaded_at: datetime

    def values(self) -> list[object]:
        return [
            self.source,
            self.table_name,
            self.source_file,
            self.file_size,
            self.file_checksum,
            self.status,
            self.rows_loaded,
            self.rows_quarantined,
            self.message,
            self.loaded_at,
        ]


def insert_load_log(con: duckdb.DuckDBPyConnection, entry: LoadLogEntry) -> None:
    names = ", ".join(name for name, _ in LOAD_LOG_COLUMNS)
    placeholders = ", ".join("?" for _ in LOAD_LOG_COLUMNS)
    con.execute(
        f"insert into {qualified('load_log')} ({names}) values ({placeholders})", entry.values()
    )


def last_delivery(warehouse: Path, source: str, table: str) -> datetime | None:
    """When a file of this table was last loaded (None: never)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute(
            "select max(_loaded_at) from raw.load_log "
            "where source = ? and table_name = ? and status = 'loaded'",
            [source, table],
        ).fetchone()
    return row[0] if row else None
