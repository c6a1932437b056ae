"""One Dagster asset per contract table: landed files into the raw layer."""

from datetime import UTC, datetime

import dagster as dg
import duckdb

from orchestration.defs.project import WRITER_POOL
from orchestration.defs.resources import AbmSettings
from orchestration.lib.ingest import CONTRACT_TABLES, FileResult, ingest_table
from orchestration.lib.ingest.lake import export_raw_table, lake_dir
from orchestration.lib.ingest.warehouse import last_delivery
from orchestration.lib.row_counts import ROW_COUNT, table_row_counts
from orchestration.lib.spark_lake import on_spark

ACCEPTED_CHECK = "landed_files_accepted"
UNCHANGED_CHECK = "loaded_files_unchanged"
FRESHNESS_CHECK = "feed_is_fresh"
COPIES_CHECK = "no_file_is_a_copy"
# Reading a file or attaching DuckDB can fail for passing reasons (NFS, a lock).
INGEST_RETRY = dg.RetryPolicy(max_retries=2, delay=10, backoff=dg.Backoff.EXPONENTIAL)


def raw_asset_key(source: str, table: str) -> dg.AssetKey:
    """Matches the key the dbt translator gives the dbt source of the same raw table."""
    return dg.AssetKey(["raw", f"{source}__{table}"])


def _file_table(files: list[FileResult]) -> dg.TableMetadataValue:
    columns = ["file", "status", "rows_loaded", "rows_quarantined", "message"]
    return dg.MetadataValue.table(
        records=[
            dg.TableRecord(
                {
                    "file": f.path,
                    "status": f.status,
                    "rows_loaded": f.rows_loaded,
                    "rows_quarantined": f.rows_quarantined,
                    "message": f.message or "",
                }
            )
            for f in files
        ],
        schema=dg.TableSchema(
            columns=[
                dg.TableColumn(name, "int" if name.startswith("rows") else "string")
                for name in columns
            ]
        ),
    )


def _listing(files: list[FileResult]) -> str:
    return "\n".join(f"{f.path}: {f.message}" for f in files) or "none"


def freshness_result(
    delivered_at: datetime | None, now: datetime, limit: float
) -> dg.AssetCheckResult:
    """Warns when the feed's last file is older than `limit` days (ABM_FRESHNESS_DAYS)."""
    if delivered_at is None:
        return dg.AssetCheckResult(
            check_name=FRESHNESS_CHECK,
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            description="this feed has never delivered a file (fine for an optional source)",
        )
    if delivered_at.tzinfo is None:
        delivered_at = delivered_at.replace(tzinfo=UTC)
    age_days = (now - delivered_at).total_seconds() / 86400
    return dg.AssetCheckResult(
        check_name=FRESHNESS_CHECK,
        passed=age_days <= limit,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"days_since_last_delivery": round(age_days, 2), "limit_days": limit},
    )


def build_ingest_asset(source: str, table: str) -> dg.AssetsDefinition:
    key = raw_asset_key(source, table)

    @dg.asset(
        key=key,
        group_name="raw",
        pool=WRITER_POOL,
        retry_policy=INGEST_RETRY,
        kinds={"duckdb", "python"},
        description=f"Landed `{source}/{table}` files loaded into raw.{source}__{table} "
        "after their Great Expectations contract suite; bad rows go to raw.quarantine.",
        check_specs=[
            dg.AssetCheckSpec(
                ACCEPTED_CHECK,
                asset=key,
                blocking=True,
                description="Every landed file was accepted. A rejected file stops the "
                "refresh before anything is published: fix or remove it (README, 'Operating').",
            ),
            dg.AssetCheckSpec(
                UNCHANGED_CHECK,
                asset=key,
                description="No file changed after it was loaded (raw is append-only, so a "
                "changed file is reported, not reloaded: deliver changes as a new file).",
            ),
            dg.AssetCheckSpec(
                COPIES_CHECK,
                asset=key,
                description="No landed file repeats the content of a file already loaded "
                "under another name (a re-sent copy is not loaded again).",
            ),
            dg.AssetCheckSpec(
                FRESHNESS_CHECK,
                asset=key,
                description="A file arrived within ABM_FRESHNESS_DAYS (default 3) days.",
            ),
        ],
    )
    def _ingest(context: dg.AssetExecutionContext, abm_settings: AbmSettings):
        warehouse = abm_settings.warehouse()
        result = ingest_table(
            warehouse,
            abm_settings.landing(),
            source,
            table,
            max_quarantine_share=abm_settings.quarantine_share_limit(),
            max_field_chars=abm_settings.field_chars_limit(),
        )
        files = list(result.files)
        rejected = [f for f in files if f.status == "rejected"]
        changed = [f for f in files if f.status == "changed_after_load"]
        copies = [f for f in files if f.status == "duplicate_content"]
        for f in rejected + changed:
            context.log.error(f"{f.path}: {f.status}: {f.message}")
        warned = [f for f in files if f.status == "loaded" and "warning:" in (f.message or "")]
        for f in copies + warned:
            context.log.warning(f.message or f.path)
        if on_spark():
            # The raw table as Parquet under the lake, where the Spark target reads it.
            with duckdb.connect(str(warehouse), read_only=True) as con:
                export_raw_table(con, lake_dir(), source, table)
        # The raw table's rows after this load (all loads: raw is append-only).
        raw_rows = table_row_counts(warehouse, {key: ("raw", f"{source}__{table}")})
        yield dg.MaterializeResult(
            metadata={
                ROW_COUNT: dg.MetadataValue.int(raw_rows.get(key, 0)),
                "files_seen": len(files),
                "files_loaded": result.files_loaded,
                "files_rejected": result.files_rejected,
                "rows_loaded": result.rows_loaded,
                "rows_quarantined": result.rows_quarantined,
                "files": _file_table(files),
            }
        )
        yield dg.AssetCheckResult(
            check_name=ACCEPTED_CHECK,
            passed=not rejected,
            metadata={"rejected": _listing(rejected)},
        )
        yield dg.AssetCheckResult(
            check_name=UNCHANGED_CHECK,
            passed=not changed,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"changed_after_load": _listing(changed)},
        )
        yield dg.AssetCheckResult(
            check_name=COPIES_CHECK,
            passed=not copies,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"copies": _listing(copies)},
        )
        yield freshness_result(
            last_delivery(warehouse, source, table),
            datetime.now(UTC),
            abm_settings.freshness_limit_days(),
        )

    return _ingest


ingest_assets = [build_ingest_asset(source, table) for source, table in CONTRACT_TABLES]
