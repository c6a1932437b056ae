"""One Dagster asset per contract table: landed files into the raw layer."""

import dagster as dg

from orchestration import settings
from orchestration.defs.project import WRITER_POOL
from orchestration.ingest import CONTRACT_TABLES, ingest_table


def raw_asset_key(source: str, table: str) -> dg.AssetKey:
    """Matches the key the dbt translator gives the dbt source of the same raw table."""
    return dg.AssetKey(["raw", f"{source}__{table}"])


def _file_table(files: list) -> dg.TableMetadataValue:
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
                dg.TableColumn("file", "string"),
                dg.TableColumn("status", "string"),
                dg.TableColumn("rows_loaded", "int"),
                dg.TableColumn("rows_quarantined", "int"),
                dg.TableColumn("message", "string"),
            ]
        ),
    )


def build_ingest_asset(source: str, table: str) -> dg.AssetsDefinition:
    key = raw_asset_key(source, table)
    check_name = "no_rejected_files"

    @dg.asset(
        key=key,
        group_name="raw",
        pool=WRITER_POOL,
        kinds={"duckdb", "python"},
        description=f"Landed `{source}/{table}` files loaded into raw.{source}__{table} "
        "after their Great Expectations contract suite; bad rows go to raw.quarantine.",
        check_specs=[
            dg.AssetCheckSpec(
                check_name,
                asset=key,
                description="Every new landed file was accepted (a rejected file loads nothing).",
            )
        ],
    )
    def _ingest(context: dg.AssetExecutionContext):
        result = ingest_table(settings.warehouse_path(), settings.landing_dir(), source, table)
        files = list(result.files)
        rejected = [f for f in files if f.status in ("rejected", "changed_after_load")]
        for f in rejected:
            context.log.warning(f"{f.path}: {f.status}: {f.message}")
        yield dg.MaterializeResult(
            metadata={
                "files_seen": len(files),
                "files_loaded": sum(f.status == "loaded" for f in files),
                "files_rejected": sum(f.status == "rejected" for f in files),
                "rows_loaded": sum(f.rows_loaded for f in files),
                "rows_quarantined": sum(f.rows_quarantined for f in files),
                "files": _file_table(files),
            }
        )
        yield dg.AssetCheckResult(
            check_name=check_name,
            passed=not rejected,
            # A rejected file loaded nothing, so raw stays consistent: warn, do not block.
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"problems": "\n".join(f"{f.path}: {f.message}" for f in rejected) or "none"},
        )

    return _ingest


ingest_assets = [build_ingest_asset(source, table) for source, table in CONTRACT_TABLES]
