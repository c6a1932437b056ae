"""Postgres serving against a real PostgreSQL 16 (pgserver, a Unix socket in a temp folder):
the BI marts with their comments, a read-only role, and an atomic swap under readers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import psycopg
import pytest
from psycopg import errors

from orchestration.defs.project import dbt_project
from orchestration.defs.publication import postgres_publication, serving_publication
from orchestration.defs.resources import AbmSettings
from orchestration.lib.publish import bi_marts
from orchestration.lib.publish_postgres import (
    PostgresPublicationError,
    PostgresTarget,
    postgres_target,
    publish_postgres,
)
from tests.conftest import BuiltWarehouse

PUBLISHER, PUBLISHER_PASSWORD = "abm_publisher", "publisher-secret"
READER, READER_PASSWORD = "abm_bi", "reader-secret"
DATABASE = "abm"


class Postgres:
    def __init__(self, admin_uri: str, host: str, port: int) -> None:
        self.admin_uri, self.host, self.port = admin_uri, host, port

    def target(self, **changes: object) -> PostgresTarget:
        base = {
            "host": self.host,
            "port": self.port,
            "user": PUBLISHER,
            "password": PUBLISHER_PASSWORD,
            "database": DATABASE,
            "reader_role": READER,
            "reader_password": READER_PASSWORD,
            "lock_wait_seconds": 30.0,
        }
        return PostgresTarget(**{**base, **changes})  # type: ignore[arg-type]

    def admin(self) -> psycopg.Connection:
        """A superuser session on the published database."""
        conninfo = psycopg.conninfo.make_conninfo(self.admin_uri, dbname=DATABASE)
        return psycopg.connect(conninfo, autocommit=True)

    def reader(self) -> psycopg.Connection:
        return psycopg.connect(
            host=self.host, port=self.port, user=READER, password=READER_PASSWORD, dbname=DATABASE
        )


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Postgres]:
    """PostgreSQL 16 from the pgserver package. As root, pgserver runs initdb and the
    server as a system user `pgserver` it creates. Its trust authentication is narrowed
    to the superuser, so the publisher and the reader log in with passwords."""
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("pg") / "data", cleanup_mode="stop")
    try:
        uri = server.get_uri()
        with psycopg.connect(uri, autocommit=True) as con:
            hba = Path(con.execute("show hba_file").fetchone()[0])
            port = int(con.execute("show port").fetchone()[0])
            con.execute(
                f"create role {PUBLISHER} login createrole password '{PUBLISHER_PASSWORD}'"
            )
            con.execute(f"create database {DATABASE} owner {PUBLISHER}")
            hba.write_text(
                "local all postgres trust\n"
                "local all all scram-sha-256\n"
                "host all all 127.0.0.1/32 scram-sha-256\n"
            )
            con.execute("select pg_reload_conf()")
        host = psycopg.conninfo.conninfo_to_dict(uri)["host"]
        yield Postgres(uri, str(host), port)
    finally:
        server.cleanup()


def _serving_counts(serving: Path, marts: list[str]) -> dict[str, int]:
    with duckdb.connect(str(serving), read_only=True) as con:
        return {m: con.execute(f'select count(*) from marts."{m}"').fetchone()[0] for m in marts}


def _run_id(con: psycopg.Connection) -> str:
    return con.execute("select run_id from marts._publication").fetchone()[0]


@pytest.fixture(scope="module")
def marts() -> list[str]:
    return bi_marts(dbt_project.manifest_path)


@pytest.fixture(scope="module")
def published(built_warehouse: BuiltWarehouse, postgres: Postgres, marts: list[str]) -> Postgres:
    assert built_warehouse.run_success
    publish_postgres(built_warehouse.serving_path, marts, postgres.target(), run_id="run-1")
    return postgres


def test_every_bi_mart_is_published_with_its_rows(
    built_warehouse: BuiltWarehouse, published: Postgres, marts: list[str]
) -> None:
    expected = _serving_counts(built_warehouse.serving_path, marts)
    assert expected["account_tiers"] > 0
    with published.admin() as con:
        tables = {
            name
            for (name,) in con.execute(
                "select tablename from pg_tables where schemaname = 'marts'"
            ).fetchall()
        }
        assert tables == {*marts, "_publication"}
        for mart in marts:
            assert con.execute(f'select count(*) from marts."{mart}"').fetchone()[0] == (
                expected[mart]
            ), mart
        run_id, row_counts = con.execute(
            "select run_id, row_counts from marts._publication"
        ).fetchone()
        assert run_id == "run-1" and row_counts == expected
        # Values arrive intact: NULLs stay NULL, '' stays '', numbers stay numbers.
        pg_rows = con.execute(
            "select account_id, tier from marts.account_tiers order by 1, 2 limit 50"
        ).fetchall()
    with duckdb.connect(str(built_warehouse.serving_path), read_only=True) as duck:
        duck_rows = duck.execute(
            "select account_id, tier from marts.account_tiers order by 1, 2 limit 50"
        ).fetchall()
    assert pg_rows == duck_rows


def test_table_and_column_comments_travel(
    built_warehouse: BuiltWarehouse, published: Postgres, marts: list[str]
) -> None:
    with duckdb.connect(str(built_warehouse.serving_path), read_only=True) as duck:
        columns = duck.execute(
            "select table_name, column_name, comment from duckdb_columns() "
            "where schema_name = 'marts' and table_name <> '_publication' and comment is not null"
        ).fetchall()
        tables = duck.execute(
            "select table_name, comment from duckdb_tables() "
            "where schema_name = 'marts' and comment is not null"
        ).fetchall()
    assert columns and tables
    with published.admin() as con:
        pg_columns = {
            (table, column): comment
            for table, column, comment in con.execute(
                "select c.relname, a.attname, col_description(c.oid, a.attnum) "
                "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                "join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 "
                "where n.nspname = 'marts'"
            ).fetchall()
        }
        for table, comment in tables:
            assert con.execute(
                "select obj_description(%s::regclass, 'pg_class')", [f'marts."{table}"']
            ).fetchone() == (comment,)
    for table, column, comment in columns:
        assert pg_columns[(table, column)] == comment, f"{table}.{column}"
    tier = pg_columns[("account_tiers", "tier")]
    assert tier, "a BI tool shows what account_tiers.tier means"


def test_the_reader_role_selects_the_marts_and_nothing_else(published: Postgres) -> None:
    with published.admin() as admin:
        admin.execute("create schema if not exists raw")
        admin.execute("create table if not exists raw.contacts (email text)")
        admin.execute("insert into raw.contacts values ('someone@example.com')")
        admin.execute("create table if not exists public.secrets (value text)")
    with published.reader() as reader:
        reader.autocommit = True
        assert reader.execute("select count(*) from marts.account_tiers").fetchone()[0] > 0
        assert _run_id(reader)
        refused = [
            "insert into marts.account_tiers (account_id) values ('x')",
            "update marts.account_tiers set tier = 'tier_1'",
            "delete from marts._publication",
            "create table marts.mine (x int)",
            "create view marts.mine as select 1 as x",
            "drop table marts.account_tiers",
            "select * from raw.contacts",
            "select * from public.secrets",
            "create table public.mine (x int)",
            "create schema mine",
        ]
        for statement in refused:
            with pytest.raises(errors.InsufficientPrivilege):
                reader.execute(statement)
        # The role holds exactly USAGE on marts and SELECT on its tables.
        granted = reader.execute(
            "select distinct privilege_type from information_schema.role_table_grants "
            "where grantee = %s",
            [READER],
        ).fetchall()
        assert granted == [("SELECT",)]


def test_the_readme_tier_1_query_gives_the_same_answer_on_both(
    published: Postgres, built_warehouse: BuiltWarehouse
) -> None:
    """The README's first query, as the read-only role, equals the serving file's."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme[readme.index("-- 1. Tier 1 accounts and why") :]
    query = block[: block.index(";")]
    with duckdb.connect(str(built_warehouse.serving_path), read_only=True) as con:
        expected = [tuple(str(v) for v in row) for row in con.execute(query).fetchall()]
    with published.reader() as reader:
        got = [tuple(str(v) for v in row) for row in reader.execute(query).fetchall()]
    assert expected and sorted(got) == sorted(expected)


def test_a_swap_waits_for_a_reader_holding_the_old_publication(
    built_warehouse: BuiltWarehouse, published: Postgres, marts: list[str]
) -> None:
    """A reader's transaction keeps the old, whole publication; the swap waits for it
    (holding no lock while it waits, so other readers are not blocked), then the next
    transaction sees the new one."""
    target = published.target()
    with published.reader() as reader:
        reader.execute("begin isolation level repeatable read")
        old_run = _run_id(reader)
        old_rows = reader.execute("select count(*) from marts.account_tiers").fetchone()[0]
        failures: list[BaseException] = []

        def second() -> None:
            try:
                publish_postgres(built_warehouse.serving_path, marts, target, run_id="run-2")
            except BaseException as error:  # noqa: BLE001 - reported below
                failures.append(error)

        publisher = threading.Thread(target=second)
        publisher.start()
        time.sleep(3)
        assert publisher.is_alive(), "the swap waits while the reader holds the old marts"
        # Still the old publication, every table of it, and another session can read too.
        assert _run_id(reader) == old_run
        assert reader.execute("select count(*) from marts.account_tiers").fetchone()[0] == (
            old_rows
        )
        assert reader.execute("select count(*) from marts.abm_kpis").fetchone()[0] > 0
        with published.reader() as other:
            assert _run_id(other) == old_run
        reader.rollback()
        publisher.join(timeout=60)
        assert not publisher.is_alive() and not failures, failures
        assert _run_id(reader) == "run-2"
    with published.admin() as admin:
        assert admin.execute("select count(*) from marts._publication").fetchone() == (1,)
        leftovers = admin.execute(
            "select nspname from pg_namespace where nspname like 'marts\\_%'"
        ).fetchall()
        assert leftovers == []


def test_a_reader_whose_snapshot_predates_the_swap_sees_the_whole_new_publication(
    built_warehouse: BuiltWarehouse, published: Postgres, marts: list[str]
) -> None:
    """A repeatable-read transaction that began before the swap but reads the marts only
    after it sees the new tables filled (COPY FREEZE), not empty."""
    expected = _serving_counts(built_warehouse.serving_path, marts)
    with published.reader() as reader:
        reader.execute("begin isolation level repeatable read")
        reader.execute("select 1").fetchone()  # the snapshot is taken here
        publish_postgres(
            built_warehouse.serving_path, marts, published.target(), run_id="run-3"
        )
        assert _run_id(reader) == "run-3"
        for mart in marts:
            assert reader.execute(f'select count(*) from marts."{mart}"').fetchone()[0] == (
                expected[mart]
            ), mart


def test_a_reader_holding_on_too_long_fails_the_publication_and_keeps_the_old(
    built_warehouse: BuiltWarehouse, published: Postgres, marts: list[str]
) -> None:
    with published.reader() as reader:
        reader.execute("begin")
        old_run = _run_id(reader)
        with pytest.raises(PostgresPublicationError, match="kept tables of marts open"):
            publish_postgres(
                built_warehouse.serving_path,
                marts,
                published.target(lock_wait_seconds=1.0),
                run_id="too-late",
            )
        assert _run_id(reader) == old_run
        reader.rollback()
        assert _run_id(reader) == old_run
    with published.admin() as admin:
        leftovers = admin.execute(
            "select nspname from pg_namespace where nspname like 'marts\\_%'"
        ).fetchall()
        assert leftovers == []


def test_nothing_is_published_when_the_host_is_unset(
    published: Postgres, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ABM_PG_HOST", raising=False)
    assert postgres_target() is None
    with published.admin() as admin:
        before = _run_id(admin)
    result = dg.materialize(
        [postgres_publication],
        resources={"abm_settings": AbmSettings(pg_host="")},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    assert result.get_asset_materialization_events() == []
    with published.admin() as admin:
        assert _run_id(admin) == before


def test_a_failing_postgres_publication_fails_the_run_and_keeps_the_duckdb_one(
    built_warehouse: BuiltWarehouse,
    published: Postgres,
    marts: list[str],
    tmp_path: Path,
) -> None:
    with published.admin() as admin:
        before = _run_id(admin)
    serving, exports = tmp_path / "serving.duckdb", tmp_path / "exports"
    abm_settings = AbmSettings(
        warehouse_path=str(built_warehouse.warehouse_path),
        serving_path=str(serving),
        exports_dir=str(exports),
        pg_host=published.host,
        pg_port=str(published.port),
        pg_user=PUBLISHER,
        pg_password="wrong-password",
        pg_database=DATABASE,
    )
    result = dg.materialize(
        [serving_publication, postgres_publication],
        resources={"abm_settings": abm_settings},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    failure = next(e for e in result.get_step_failure_events())
    assert failure.step_key.startswith("serving__postgres")
    message = str(failure.step_failure_data.error)
    assert "cannot connect to Postgres abm_publisher@" in message
    assert "password authentication failed" in message
    assert "wrong-password" not in message
    # The DuckDB publication of the same run is whole, and Postgres keeps the last one.
    assert _serving_counts(serving, marts) == _serving_counts(built_warehouse.serving_path, marts)
    with published.admin() as admin:
        assert _run_id(admin) == before
