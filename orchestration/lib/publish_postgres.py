"""Publish the BI marts to Postgres, for BI tools that speak Postgres better than DuckDB.

Runs after the DuckDB publication (`publish.py`) and copies the same marts from the
serving file, with their table and column comments, into the Postgres schema `marts`
(plus `marts._publication`). Nothing happens unless `ABM_PG_HOST` is set.

One transaction does it all, so readers see the old publication or the new one, never
a mix:
1. load every mart into a fresh schema `marts_staged_<token>` (COPY ... FREEZE from a
   CSV file DuckDB writes: bulk, and the rows are visible even to a reader whose
   snapshot is older than the swap, so no reader ever finds a published table empty);
2. grant the read-only role USAGE on that schema and SELECT on its tables;
3. wait until no reader holds a table of the current `marts` (each try takes every
   table's ACCESS EXCLUSIVE lock with NOWAIT; a failed try holds nothing, so readers
   never queue behind the publication): a reader inside a transaction keeps reading
   the old, whole publication until it ends. A reader that keeps a table open longer
   than `ABM_PG_LOCK_WAIT` seconds fails the publication, leaving the old one;
4. rename `marts` -> `marts_old_<token>`, the staged schema -> `marts`, drop the old.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import psycopg
from psycopg import sql

from orchestration.lib import settings

SCHEMA = "marts"
CSV_BLOCK = 1 << 20

# DuckDB type (duckdb_columns().data_type) -> Postgres type; anything else (lists,
# structs, maps) travels as JSON.
SIMPLE_TYPES = {
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "UTINYINT": "smallint",
    "USMALLINT": "integer",
    "UINTEGER": "bigint",
    "UBIGINT": "numeric(20, 0)",
    "HUGEINT": "numeric(39, 0)",
    "UHUGEINT": "numeric(39, 0)",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "VARCHAR": "text",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "INTERVAL": "interval",
    "UUID": "uuid",
    "JSON": "jsonb",
}
DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")


class PostgresPublicationError(RuntimeError):
    """The Postgres publication failed; the previous one (and the DuckDB one) stays."""


@dataclass(frozen=True)
class PostgresTarget:
    host: str
    port: int
    user: str
    password: str
    database: str
    reader_role: str = "abm_bi"
    reader_password: str = ""
    lock_wait_seconds: float = 60.0

    def conninfo(self) -> str:
        return psycopg.conninfo.make_conninfo(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=self.database,
            connect_timeout=10,
            application_name="abm-publication",
        )

    def where(self) -> str:
        """Where, without the password: for messages."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"


@dataclass(frozen=True)
class PostgresPublication:
    where: str
    row_counts: dict[str, int]
    published_at: str


@dataclass(frozen=True)
class Column:
    name: str
    pg_type: str
    select: str  # the DuckDB expression that writes the column to CSV
    comment: str | None


def postgres_target(
    host: str | None = None,
    port: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    reader_role: str | None = None,
    reader_password: str | None = None,
    lock_wait: str | None = None,
) -> PostgresTarget | None:
    """The target from the `ABM_PG_*` settings (or the values given); None when no host."""
    host = settings.PG_HOST.value(host).strip()
    if not host:
        return None
    return PostgresTarget(
        host=host,
        port=int(settings.PG_PORT.value(port)),
        user=settings.PG_USER.value(user),
        password=settings.PG_PASSWORD.value(password),
        database=settings.PG_DATABASE.value(database),
        reader_role=settings.PG_READER_ROLE.value(reader_role),
        reader_password=settings.PG_READER_PASSWORD.value(reader_password),
        lock_wait_seconds=float(settings.PG_LOCK_WAIT.value(lock_wait)),
    )


def pg_type(duckdb_type: str) -> str | None:
    """The Postgres type of a DuckDB column type; None: send it as JSON."""
    if duckdb_type in SIMPLE_TYPES:
        return SIMPLE_TYPES[duckdb_type]
    decimal = DECIMAL.fullmatch(duckdb_type)
    if decimal:
        return f"numeric({decimal[1]}, {decimal[2]})"
    return None


def _columns(con: duckdb.DuckDBPyConnection, mart: str) -> list[Column]:
    rows = con.execute(
        "select column_name, data_type, comment from duckdb_columns() "
        "where schema_name = ? and table_name = ? order by column_index",
        [SCHEMA, mart],
    ).fetchall()
    if not rows:
        raise PostgresPublicationError(f"mart {mart} is not in the serving file")
    columns = []
    for name, data_type, comment in rows:
        quoted = '"' + name.replace('"', '""') + '"'
        mapped = pg_type(data_type)
        if mapped is None:
            columns.append(Column(name, "jsonb", f"to_json({quoted})::varchar", comment))
        else:
            columns.append(Column(name, mapped, quoted, comment))
    return columns


def _table_comment(con: duckdb.DuckDBPyConnection, mart: str) -> str | None:
    row = con.execute(
        "select comment from duckdb_tables() where schema_name = ? and table_name = ?",
        [SCHEMA, mart],
    ).fetchone()
    return row[0] if row else None


def _ensure_reader_role(cur: psycopg.Cursor, role: str, password: str) -> None:
    """Create the read-only role if missing: NOLOGIN, or LOGIN with `password` if given.
    An existing role is left as it is (an administrator may manage it)."""
    if cur.execute("select 1 from pg_roles where rolname = %s", [role]).fetchone():
        return
    if password:
        cur.execute(
            sql.SQL("create role {} login password {}").format(
                sql.Identifier(role), sql.Literal(password)
            )
        )
    else:
        cur.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))


def _load_mart(
    cur: psycopg.Cursor,
    con: duckdb.DuckDBPyConnection,
    schema: str,
    mart: str,
    scratch: Path,
) -> int:
    columns = _columns(con, mart)
    table = sql.Identifier(schema, mart)
    cur.execute(
        sql.SQL("create table {} ({})").format(
            table,
            sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(c.pg_type)) for c in columns
            ),
        )
    )
    # DuckDB writes NULL as an empty field and '' as "": Postgres' CSV reads them back
    # the same way.
    csv = scratch / f"{mart}.csv"
    select = ", ".join(c.select for c in columns)
    con.execute(
        f"copy (select {select} from {SCHEMA}.\"{mart}\") to '{csv}' (format csv, header false)"
    )
    with (
        csv.open("rb") as source,
        cur.copy(sql.SQL("copy {} from stdin (format csv, freeze)").format(table)) as copy,
    ):
        while block := source.read(CSV_BLOCK):
            copy.write(block)
    csv.unlink()
    comment = _table_comment(con, mart)
    if comment:
        cur.execute(sql.SQL("comment on table {} is {}").format(table, sql.Literal(comment)))
    for column in columns:
        if column.comment:
            cur.execute(
                sql.SQL("comment on column {}.{} is {}").format(
                    table, sql.Identifier(column.name), sql.Literal(column.comment)
                )
            )
    return cur.execute(sql.SQL("select count(*) from {}").format(table)).fetchone()[0]


def _write_publication(
    cur: psycopg.Cursor, schema: str, published_at: str, run_id: str, counts: dict[str, int]
) -> None:
    table = sql.Identifier(schema, "_publication")
    cur.execute(
        sql.SQL("create table {} (published_at timestamptz, run_id text, row_counts jsonb)").format(
            table
        )
    )
    with cur.copy(sql.SQL("copy {} from stdin (freeze)").format(table)) as copy:
        copy.write_row([published_at, run_id, json.dumps(counts, sort_keys=True)])
    cur.execute(
        sql.SQL("comment on table {} is {}").format(
            table,
            sql.Literal(
                "One row: when this publication was made, by which Dagster run, and the "
                "row count of each published mart."
            ),
        )
    )


def _grant_reader(cur: psycopg.Cursor, schema: str, role: str) -> None:
    """USAGE on the schema and SELECT on its tables; nothing else."""
    schema_ident, role_ident = sql.Identifier(schema), sql.Identifier(role)
    cur.execute(sql.SQL("revoke all on schema {} from public").format(schema_ident))
    cur.execute(sql.SQL("grant usage on schema {} to {}").format(schema_ident, role_ident))
    cur.execute(
        sql.SQL("grant select on all tables in schema {} to {}").format(schema_ident, role_ident)
    )


def _lock_published(cur: psycopg.Cursor, wait_seconds: float) -> None:
    """Take every table of the current `marts` once no reader holds one (see module doc)."""
    tables = [
        sql.Identifier(SCHEMA, name)
        for (name,) in cur.execute(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = %s and c.relkind in ('r', 'p', 'v', 'm', 'f') order by 1",
            [SCHEMA],
        ).fetchall()
    ]
    if not tables:
        return
    lock = sql.SQL("lock table {} in access exclusive mode nowait").format(
        sql.SQL(", ").join(tables)
    )
    deadline = time.monotonic() + wait_seconds
    while True:
        cur.execute("savepoint abm_lock")
        try:
            cur.execute(lock)
            cur.execute("release savepoint abm_lock")
            return
        except psycopg.errors.LockNotAvailable:
            cur.execute("rollback to savepoint abm_lock")
            if time.monotonic() >= deadline:
                busy = cur.execute(
                    "select count(distinct l.pid) from pg_locks l join pg_class c "
                    "on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace "
                    "where n.nspname = %s and l.pid <> pg_backend_pid()",
                    [SCHEMA],
                ).fetchone()[0]
                raise PostgresPublicationError(
                    f"{busy} session(s) kept tables of {SCHEMA} open for more than "
                    f"{wait_seconds:g} s (ABM_PG_LOCK_WAIT): the previous publication "
                    "stays; end those transactions (idle in transaction?) and re-run"
                ) from None
            time.sleep(0.2)


def published_run_id(target: PostgresTarget) -> str | None:
    """The run whose publication Postgres holds; None when it cannot be read (or none)."""
    try:
        with psycopg.connect(target.conninfo()) as pg, pg.cursor() as cur:
            table = sql.Identifier(SCHEMA, "_publication")
            cur.execute(sql.SQL("select run_id from {}").format(table))
            row = cur.fetchone()
    except psycopg.Error:
        return None
    return str(row[0]) if row else None


def publish_postgres(
    serving_path: Path,
    marts: list[str],
    target: PostgresTarget,
    run_id: str = "",
) -> PostgresPublication:
    """Copy `marts` from the serving DuckDB file to Postgres schema `marts`, atomically."""
    token = uuid.uuid4().hex[:8]
    staged, retired = f"{SCHEMA}_staged_{token}", f"{SCHEMA}_old_{token}"
    published_at = datetime.now(UTC).isoformat(timespec="seconds")
    counts: dict[str, int] = {}
    try:
        pg = psycopg.connect(target.conninfo())
    except psycopg.OperationalError as error:
        raise PostgresPublicationError(
            f"cannot connect to Postgres {target.where()}: {str(error).strip()} "
            "(check ABM_PG_HOST, ABM_PG_PORT, ABM_PG_USER, ABM_PG_PASSWORD, ABM_PG_DATABASE)"
        ) from None
    try:
        with (
            pg,
            pg.cursor() as cur,
            duckdb.connect(str(serving_path), read_only=True) as con,
            tempfile.TemporaryDirectory(prefix="abm-pg-") as scratch,
        ):
            _ensure_reader_role(cur, target.reader_role, target.reader_password)
            cur.execute(sql.SQL("create schema {}").format(sql.Identifier(staged)))
            for mart in marts:
                counts[mart] = _load_mart(cur, con, staged, mart, Path(scratch))
            _write_publication(cur, staged, published_at, run_id, counts)
            _grant_reader(cur, staged, target.reader_role)
            _lock_published(cur, target.lock_wait_seconds)
            exists = cur.execute(
                "select 1 from pg_namespace where nspname = %s", [SCHEMA]
            ).fetchone()
            if exists:
                cur.execute(
                    sql.SQL("alter schema {} rename to {}").format(
                        sql.Identifier(SCHEMA), sql.Identifier(retired)
                    )
                )
            cur.execute(
                sql.SQL("alter schema {} rename to {}").format(
                    sql.Identifier(staged), sql.Identifier(SCHEMA)
                )
            )
            if exists:
                # CASCADE: views others built on the old tables go with them.
                cur.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(retired)))
        # Leaving `with pg` committed the transaction.
    except psycopg.Error as error:
        raise PostgresPublicationError(
            f"Postgres publication to {target.where()} failed, the previous one stays: "
            f"{type(error).__name__}: {str(error).strip()}"
        ) from error
    finally:
        pg.close()
    return PostgresPublication(target.where(), counts, published_at)
