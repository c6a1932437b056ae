"""The whole daily job through Dagster on generated sample data, checked against the truth."""

from pathlib import Path

import duckdb

from orchestration.defs.jobs import DAILY_REFRESH
from orchestration.lib.ingest import CONTRACT_TABLES
from tests.conftest import BuiltWarehouse

LANDED_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".jsonl")


def landed_files(landing: Path) -> set[str]:
    return {
        p.relative_to(landing).as_posix()
        for p in landing.rglob("*")
        if p.is_file() and p.name.endswith(LANDED_SUFFIXES)
    }


def test_the_daily_job_succeeds_with_no_failed_check(built_warehouse: BuiltWarehouse) -> None:
    assert built_warehouse.run_success
    assert built_warehouse.failed_checks == ()


def test_every_landed_file_is_loaded_once(built_warehouse: BuiltWarehouse) -> None:
    with duckdb.connect(str(built_warehouse.warehouse_path), read_only=True) as con:
        log = con.execute("select _source_file, status from raw.load_log").fetchall()
    assert sorted(path for path, _ in log) == sorted(landed_files(built_warehouse.landing_dir))
    assert {status for _, status in log} == {"loaded"}


def test_exactly_the_planted_bad_rows_are_quarantined(built_warehouse: BuiltWarehouse) -> None:
    truth = built_warehouse.truth_dir / "bad_rows.parquet"
    with duckdb.connect(str(built_warehouse.warehouse_path), read_only=True) as con:
        quarantined = set(
            con.execute("select _source_file, _row_number from raw.quarantine").fetchall()
        )
        reasons = con.execute("select count(*) from raw.quarantine where reason = ''").fetchone()
        planted = set(con.execute(f"select file, row_number from '{truth}'").fetchall())
    assert planted, "the generator plants bad rows"
    assert quarantined == planted
    assert reasons == (0,)


def test_raw_holds_every_good_row_with_lineage(built_warehouse: BuiltWarehouse) -> None:
    with duckdb.connect(str(built_warehouse.warehouse_path), read_only=True) as con:
        for source, table in CONTRACT_TABLES:
            loaded = con.execute(
                "select coalesce(sum(rows_loaded), 0) from raw.load_log "
                "where source = ? and table_name = ?",
                [source, table],
            ).fetchone()[0]
            in_raw, without_lineage = con.execute(
                f"select count(*), count(*) filter (where _source_file is null "
                f"or _row_number is null or _loaded_at is null) from raw.{source}__{table}"
            ).fetchone()
            assert in_raw == loaded > 0, f"{source}/{table}"
            assert without_lineage == 0


def test_staging_keeps_the_latest_version_and_drops_deleted(
    built_warehouse: BuiltWarehouse,
) -> None:
    truth = built_warehouse.truth_dir / "crm_accounts.parquet"
    with duckdb.connect(str(built_warehouse.warehouse_path), read_only=True) as con:

        def ids(sql: str) -> set[str]:
            return {row[0] for row in con.execute(sql).fetchall()}

        staged = ids("select account_id from staging.stg_crm__accounts")
        deleted = ids(f"select account_id from '{truth}' where is_deleted")
        alive = ids(f"select account_id from '{truth}' where not is_deleted")
    assert deleted and not (staged & deleted)
    assert staged == alive


def test_the_job_covers_ingest_dbt_and_publication() -> None:
    from orchestration.definitions import defs

    job = defs.resolve_job_def(DAILY_REFRESH)
    keys = {key.to_user_string() for key in job.asset_layer.executable_asset_keys}
    assert {f"raw/{s}__{t}" for s, t in CONTRACT_TABLES} <= keys
    assert {"staging/stg_crm__accounts", "serving/publication"} <= keys
    checks = {key.name for key in job.asset_layer.asset_graph.asset_check_keys}
    assert {"assert_tiers_within_capacity", "tier_drift_since_last_publication"} <= checks
    assert not any(name.startswith("gx_suite_") for name in checks)
    assert defs.resolve_schedule_def("daily_refresh_schedule").cron_schedule == "0 6 * * *"
    assert defs.resolve_sensor_def("landing_sensor") is not None
    assert defs.resolve_sensor_def("refresh_failure_alert") is not None


def test_the_publication_is_readable(built_warehouse: BuiltWarehouse) -> None:
    with duckdb.connect(str(built_warehouse.serving_path), read_only=True) as con:
        published = con.execute("select run_id from marts._publication").fetchall()
    assert len(published) == 1


def test_descriptions_travel_as_comments(built_warehouse: BuiltWarehouse) -> None:
    """dbt descriptions become comments in the build warehouse and in the serving file:
    every published column carries its YAML description."""
    import json

    manifest_path = Path(__file__).resolve().parents[2] / "target" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    described = {
        node["name"]: {name: col["description"] for name, col in node["columns"].items()}
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and "bi" in node["tags"]
    }
    for path in (built_warehouse.serving_path, built_warehouse.warehouse_path):
        with duckdb.connect(str(path), read_only=True) as con:
            comments = {
                (table, column): comment
                for table, column, comment in con.execute(
                    "select table_name, column_name, comment from duckdb_columns() "
                    "where schema_name = 'marts'"
                ).fetchall()
            }
            tables = dict(
                con.execute(
                    "select table_name, comment from duckdb_tables() where schema_name = 'marts'"
                ).fetchall()
            )
        for mart, columns in described.items():
            assert tables[mart], f"{path.name}: {mart} has no table comment"
            for column, description in columns.items():
                comment = comments[(mart, column)]
                where = f"{path.name}: {mart}.{column}"
                assert comment in (description, description.strip()), where
    tier_reason = comments[("account_tiers", "tier_reason")]
    assert tier_reason and "tier" in tier_reason.lower()
